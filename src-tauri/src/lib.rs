//! The Tongyou app shell (Tauri 2).
//!
//! Only the shell: the builder, the window, and one-line commands ([`commands`]) over
//! `tongyou-device`'s [`Device`], where the app's logic lives. Rules live in
//! `tongyou-core`; the screens live in `ui/`.
//!
//! Command line (used by `cargo xtask run` and the end-to-end tests):
//! `tongyou-app [--platform URL] [--data-dir DIR] [--exit-when-drawn] [--dev-clock TIME]`;
//! `TONGYOU_PLATFORM` also sets the URL. `--exit-when-drawn` is for `cargo xtask bench
//! app`: the app prints `drawn` and quits once the first Discover screen is drawn with
//! data. `--dev-clock 2026-07-15T13:05:00+08:00` (debug builds only: a developer's switch)
//! starts the trip's clock at that instant, so a test sees the trip day and its reminders.

pub mod commands;

use std::path::PathBuf;

use tauri::{Manager, Runtime};

pub use tongyou_device::Device;
use tongyou_device::events::Heard;

/// The platform the app talks to when nothing else is said.
pub const DEFAULT_PLATFORM: &str = "http://127.0.0.1:8787";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LaunchOptions {
    pub platform: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub exit_when_drawn: bool,
    /// Debug builds only; a release build ignores `--dev-clock`.
    pub dev_clock: Option<chrono::DateTime<chrono::Utc>>,
}

/// Where the app writes files the tourist asks for (a trip's `.ics`): the system's
/// Downloads folder; with `--data-dir` (tests, a portable copy), `exports` inside it.
pub struct ExportDir(pub PathBuf);

/// Whether the app quits once its first screen is drawn (the start benchmark).
pub struct ExitWhenDrawn(pub bool);

/// Told once the screens listen for the `reminder` event, so no reminder is marked shown
/// before there is a banner to show it in.
#[derive(Default)]
pub struct ScreensListening(pub tokio::sync::Notify);

impl LaunchOptions {
    /// Reads `--platform URL`, `--data-dir DIR`, `--exit-when-drawn` and (debug builds)
    /// `--dev-clock TIME`; other arguments are left to the OS.
    pub fn parse(args: impl IntoIterator<Item = String>) -> LaunchOptions {
        let mut options = LaunchOptions::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--platform" => options.platform = args.next(),
                "--data-dir" => options.data_dir = args.next().map(PathBuf::from),
                "--exit-when-drawn" => options.exit_when_drawn = true,
                "--dev-clock" => options.dev_clock = dev_clock(args.next()),
                _ => {}
            }
        }
        options
    }
}

/// `--dev-clock`'s instant (RFC 3339), in a debug build; a release build says it ignores it.
fn dev_clock(value: Option<String>) -> Option<chrono::DateTime<chrono::Utc>> {
    if !cfg!(debug_assertions) {
        eprintln!("tongyou: --dev-clock is a developer's switch, ignored in a release build");
        return None;
    }
    let value = value?;
    match chrono::DateTime::parse_from_rfc3339(&value) {
        Ok(at) => Some(at.to_utc()),
        Err(e) => {
            eprintln!("tongyou: --dev-clock {value}: {e}; the system clock is used");
            None
        }
    }
}

/// The app, generic over the runtime so tests can build it on Tauri's mock runtime.
pub fn builder<R: Runtime>(options: LaunchOptions) -> tauri::Builder<R> {
    // Notifications: the trip's reminders, shown by the system where it has a service.
    let builder = tauri::Builder::<R>::new()
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            let data_dir = match options.data_dir.clone() {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            let exports = if options.data_dir.is_some() {
                data_dir.join("exports")
            } else {
                app.path()
                    .download_dir()
                    .unwrap_or_else(|_| data_dir.join("exports"))
            };
            let platform = options
                .platform
                .clone()
                .or_else(|| std::env::var("TONGYOU_PLATFORM").ok())
                .unwrap_or_else(|| DEFAULT_PLATFORM.to_owned());
            let runtime = tauri::async_runtime::handle().inner().clone();
            let clock = options
                .dev_clock
                .map(tongyou_device::Clock::starting_at)
                .unwrap_or_default();
            let device = Device::open(&data_dir, &platform)?
                .spawning_on(runtime)
                .with_clock(clock);
            app.manage(device);
            app.manage(ExitWhenDrawn(options.exit_when_drawn));
            app.manage(ExportDir(exports));
            app.manage(ScreensListening::default());
            tauri::async_runtime::spawn(remind(app.handle().clone()));
            tauri::async_runtime::spawn(follow(app.handle().clone()));
            Ok(())
        });
    with_commands(builder)
}

/// Keeps the platform's event stream open while the app runs and tells the screens
/// (`orders-changed`) whenever an event changed the device's orders or disruptions; a
/// disruption that hits the trip is also a system notification.
async fn follow<R: Runtime>(app: tauri::AppHandle<R>) {
    use tauri::Emitter;
    let device = app.state::<Device>();
    use tauri_plugin_notification::NotificationExt;
    device
        .follow_events(|heard| {
            let (notice, event) = match heard {
                Heard::Orders(notice) => (notice, "orders-changed"),
                Heard::Case { notice, .. } => (notice, "cases-changed"),
            };
            if let Some(notice) = notice {
                let lang = device.lang().unwrap_or(device.system_lang);
                let _ = app
                    .notification()
                    .builder()
                    .title(notice.title.get(lang))
                    .body(notice.body.get(lang))
                    .show();
            }
            let _ = app.emit(event, ());
        })
        .await;
}

/// How often the shell looks for reminders that fell due.
const REMIND_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Shows the trip's reminders as they fall due, for as long as the app runs: as a system
/// notification where the system has a service for them, and always as the in-app banner
/// (the `reminder` event). Due times come from the device's own timeline, so they fire
/// with no network. The first look is as soon as the screens listen (one that fell due
/// while the app was closed shows at once), then every [`REMIND_EVERY`].
async fn remind<R: Runtime>(app: tauri::AppHandle<R>) {
    use tauri::Emitter;
    use tauri_plugin_notification::NotificationExt;
    app.state::<ScreensListening>().0.notified().await;
    loop {
        let device = app.state::<Device>();
        let Ok(due) = device.due_reminders(device.now()) else {
            tokio::time::sleep(REMIND_EVERY).await;
            continue;
        };
        let lang = device.lang().unwrap_or(device.system_lang);
        for reminder in due {
            // No notification service (a bare desktop): the banner still shows.
            let _ = app
                .notification()
                .builder()
                .title(reminder.title.get(lang))
                .body(reminder.body.get(lang))
                .show();
            let _ = app.emit("reminder", &reminder);
        }
        tokio::time::sleep(REMIND_EVERY).await;
    }
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
        commands::trip,
        commands::visit_choice,
        commands::add_visit,
        commands::remove_visit,
        commands::disruptions,
        commands::apply_way_out,
        commands::preferences,
        commands::set_reminder_lead,
        commands::export_calendar,
        commands::open_calendar_feed,
        commands::end_calendar_feed,
        commands::ask_for_help,
        commands::cases,
        commands::say,
        commands::read_case,
        commands::share_trip,
        commands::shares,
        commands::end_share,
        commands::guide_status,
        commands::download_guide,
        commands::guide,
        commands::crowd_now,
        commands::first_screen_drawn,
        commands::listening_for_reminders,
    ])
}

/// The app's entry: `main` on a desktop, the mobile entry point on a phone build.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
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
        assert_eq!(o.dev_clock, None);
    }

    #[test]
    fn the_dev_clock_is_read_in_a_debug_build_only() {
        let args = ["--dev-clock", "2026-07-15T13:05:00+08:00"].map(String::from);
        let o = LaunchOptions::parse(args);
        let expected = cfg!(debug_assertions).then(|| "2026-07-15T05:05:00Z".parse().unwrap());
        assert_eq!(o.dev_clock, expected);
        // Not a time: the system clock, not a crash.
        let o = LaunchOptions::parse(["--dev-clock", "tomorrow"].map(String::from));
        assert_eq!(o.dev_clock, None);
    }
}
