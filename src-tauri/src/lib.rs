//! The Tongyou app shell (Tauri 2).
//!
//! Only the shell: the builder, the window, and one-line commands ([`commands`]) over
//! `tongyou-device`'s [`Device`], where the app's logic lives. Rules live in
//! `tongyou-core`; the screens live in `ui/`.
//!
//! Command line (used by `cargo xtask run` and the end-to-end tests):
//! `tongyou-app [--platform URL] [--data-dir DIR] [--exit-when-drawn]`; `TONGYOU_PLATFORM`
//! also sets the URL. `--exit-when-drawn` is for `cargo xtask bench app`: the app prints
//! `drawn` and quits once the first Discover screen is drawn with data.

pub mod commands;

use std::path::PathBuf;

use tauri::{Manager, Runtime};

pub use tongyou_device::Device;

/// The platform the app talks to when nothing else is said.
pub const DEFAULT_PLATFORM: &str = "http://127.0.0.1:8787";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LaunchOptions {
    pub platform: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub exit_when_drawn: bool,
}

/// Whether the app quits once its first screen is drawn (the start benchmark).
pub struct ExitWhenDrawn(pub bool);

impl LaunchOptions {
    /// Reads `--platform URL`, `--data-dir DIR` and `--exit-when-drawn`; other arguments
    /// are left to the OS.
    pub fn parse(args: impl IntoIterator<Item = String>) -> LaunchOptions {
        let mut options = LaunchOptions::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--platform" => options.platform = args.next(),
                "--data-dir" => options.data_dir = args.next().map(PathBuf::from),
                "--exit-when-drawn" => options.exit_when_drawn = true,
                _ => {}
            }
        }
        options
    }
}

/// The app, generic over the runtime so tests can build it on Tauri's mock runtime.
pub fn builder<R: Runtime>(options: LaunchOptions) -> tauri::Builder<R> {
    let builder = tauri::Builder::<R>::new().setup(move |app| {
        let data_dir = match options.data_dir.clone() {
            Some(dir) => dir,
            None => app.path().app_data_dir()?,
        };
        let platform = options
            .platform
            .clone()
            .or_else(|| std::env::var("TONGYOU_PLATFORM").ok())
            .unwrap_or_else(|| DEFAULT_PLATFORM.to_owned());
        let runtime = tauri::async_runtime::handle().inner().clone();
        app.manage(Device::open(&data_dir, &platform)?.spawning_on(runtime));
        app.manage(ExitWhenDrawn(options.exit_when_drawn));
        Ok(())
    });
    with_commands(builder)
}

/// The command table on a given builder. Tests pass `tauri::test::mock_builder()` with an
/// [`Device`] they manage themselves (setup hooks only run in a running event loop),
/// so IPC calls go through the real names and argument names.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::startup,
        commands::discover,
        commands::sync_catalog,
        commands::set_language,
        commands::request_code,
        commands::sign_in,
        commands::sign_out,
        commands::export_account,
        commands::delete_account,
        commands::session,
        commands::travellers,
        commands::add_traveller,
        commands::remove_traveller,
        commands::booking_catalog,
        commands::quote,
        commands::availability,
        commands::place_order,
        commands::orders,
        commands::order,
        commands::cancel_order,
        commands::cashier,
        commands::plan_trip,
        commands::outbox,
        commands::outbox_dismiss,
        commands::wallet,
        commands::refresh_wallet,
        commands::pass_qr,
        commands::gate_sign_in,
        commands::gate_station,
        commands::gate_sync,
        commands::gate_verify_code,
        commands::gate_verify_image,
        commands::gate_sign_out,
        commands::first_screen_drawn,
    ])
}

pub fn run() {
    let options = LaunchOptions::parse(std::env::args().skip(1));
    if let Err(e) = builder::<tauri::Wry>(options).run(tauri::generate_context!()) {
        eprintln!("tongyou: the app could not start: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_launch_options() {
        let args = [
            "--platform",
            "http://127.0.0.1:9",
            "--data-dir",
            "/tmp/x",
            "--other",
        ]
        .map(String::from);
        let o = LaunchOptions::parse(args);
        assert_eq!(o.platform.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(o.data_dir, Some(PathBuf::from("/tmp/x")));
        assert!(!o.exit_when_drawn);
        let o = LaunchOptions::parse(["--exit-when-drawn".to_owned()]);
        assert!(o.exit_when_drawn);
    }
}
