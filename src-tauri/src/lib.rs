//! The Tongyou app shell (Tauri 2).
//!
//! Thin by design: each command in [`commands`] adapts one call of the device store
//! (`tongyou-offline-store`) or the platform client (`tongyou-client`) to IPC. Rules live
//! in `tongyou-core`; the screens live in `ui/`. Three modules hold more than glue: [`qr`]
//! draws and reads QR codes on the device, [`station`] runs gate mode (offline
//! decisions, the scan log and its upload), and [`outbox`] sends the tourist's writes
//! made offline once the platform answers.
//!
//! Command line (used by `cargo xtask run` and the end-to-end tests):
//! `tongyou-app [--platform URL] [--data-dir DIR]`; `TONGYOU_PLATFORM` also sets the URL.

pub mod commands;
pub mod error;
pub mod outbox;
pub mod qr;
pub mod state;
pub mod station;

use std::path::PathBuf;

use tauri::{Manager, Runtime};

use crate::state::AppState;

/// The platform the app talks to when nothing else is said.
pub const DEFAULT_PLATFORM: &str = "http://127.0.0.1:8787";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LaunchOptions {
    pub platform: Option<String>,
    pub data_dir: Option<PathBuf>,
}

impl LaunchOptions {
    /// Reads `--platform URL` and `--data-dir DIR`; other arguments are left to the OS.
    pub fn parse(args: impl IntoIterator<Item = String>) -> LaunchOptions {
        let mut options = LaunchOptions::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--platform" => options.platform = args.next(),
                "--data-dir" => options.data_dir = args.next().map(PathBuf::from),
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
        app.manage(AppState::open(&data_dir, &platform)?);
        Ok(())
    });
    with_commands(builder)
}

/// The command table on a given builder. Tests pass `tauri::test::mock_builder()` with an
/// [`AppState`] they manage themselves (setup hooks only run in a running event loop),
/// so IPC calls go through the real names and argument names.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::catalog::startup,
        commands::catalog::discover,
        commands::catalog::sync_catalog,
        commands::preferences::set_language,
        commands::account::request_code,
        commands::account::sign_in,
        commands::account::sign_out,
        commands::account::export_account,
        commands::account::delete_account,
        commands::account::session,
        commands::account::travellers,
        commands::account::add_traveller,
        commands::account::remove_traveller,
        commands::booking::booking_catalog,
        commands::booking::quote,
        commands::booking::availability,
        commands::booking::place_order,
        commands::booking::orders,
        commands::booking::order,
        commands::booking::cashier,
        commands::booking::cancel_order,
        commands::plan::plan_trip,
        commands::outbox::outbox,
        commands::outbox::outbox_dismiss,
        commands::tickets::wallet,
        commands::tickets::refresh_wallet,
        commands::tickets::pass_qr,
        commands::gate::gate_sign_in,
        commands::gate::gate_station,
        commands::gate::gate_sync,
        commands::gate::gate_verify_code,
        commands::gate::gate_verify_image,
        commands::gate::gate_sign_out,
    ])
}

pub fn run() {
    let options = LaunchOptions::parse(std::env::args().skip(1));
    if let Err(e) = builder::<tauri::Wry>(options).run(tauri::generate_context!()) {
        eprintln!("tongyou: the app could not start: {e}");
        std::process::exit(1);
    }
}

/// The demo region's catalog, for unit tests of code that reads one.
#[cfg(test)]
pub(crate) fn demo_catalog() -> tongyou_core::catalog::Catalog {
    let toml = include_str!("../../assets/regions/huangshan.toml");
    match tongyou_core::catalog::Catalog::from_toml("huangshan.toml", toml) {
        Ok(catalog) => catalog,
        Err(e) => panic!("the demo region's data file is invalid: {e}"),
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
    }
}
