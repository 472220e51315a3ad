//! The Tongyou app's logic on the device, without Tauri: what the shell holds while it
//! runs ([`Device`]), and each of its commands as a plain method on it, so plain `cargo
//! test` drives them and the shell (`src-tauri/`) only adapts them to IPC.
//!
//! A method reads or writes the device store (`tongyou-offline-store`) or calls the
//! platform through the client (`tongyou-client`) and returns a `core::api` type; rules
//! live in `tongyou-core`. Three modules hold more than that: [`qr`] draws and reads QR
//! codes, [`station`] runs gate mode (offline decisions, the scan log and its upload), and
//! [`outbox`] sends the tourist's writes made offline once the platform answers.

pub mod account;
pub mod booking;
pub mod calendar;
pub mod catalog;
pub mod disruption;
pub mod error;
pub mod events;
pub mod gate;
pub mod guide;
pub mod outbox;
pub mod plan;
pub mod preferences;
pub mod qr;
pub mod station;
pub mod support;
pub mod tickets;
pub mod trip;
pub mod visit;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use tongyou_client::PlatformClient;
use tongyou_core::api::{ErrorCode, Session};
use tongyou_core::catalog::Catalog;
use tongyou_core::gate::GateCheck;
use tongyou_core::text::Lang;
use tongyou_offline_store::OfflineStore;

pub use crate::error::CommandError;

/// The keys and revoked passes of the region a gate stands in, read from the store once
/// per sync rather than once per scan.
#[derive(Debug)]
pub struct GateCache {
    pub region_id: String,
    pub check: GateCheck,
    /// The region's catalog (the gate's name and what it admits), read once, not per scan.
    pub catalog: Arc<Catalog>,
}

/// The device while the app runs: its store, the platform client, the outcome of the
/// latest sync in this run, the outbox's drain lock, and a gate station's decision data.
pub struct Device {
    pub store: Arc<OfflineStore>,
    pub client: PlatformClient,
    /// `None` until the first sync attempt of this run has finished.
    /// Shared with background uploads, which also learn whether the platform answers.
    pub online: Arc<Mutex<Option<bool>>>,
    /// The operating system's language, used until the tourist picks one.
    pub system_lang: Lang,
    /// Built on first use and after each gate sync. Its lock is held from the decision to
    /// the scan being logged, so two scans of one pass cannot both be admitted.
    pub gate: Mutex<Option<GateCache>>,
    /// A background upload of the scan log is running: do not start another.
    pub uploading: Arc<AtomicBool>,
    /// Held while the outbox drains (across platform calls), so two drains never send
    /// the same write at once.
    pub draining: tokio::sync::Mutex<()>,
    /// Told when the tourist signs in, so the event stream opens at once rather than at
    /// its next look.
    pub signed_in_now: tokio::sync::Notify,
    /// Where background work (the scan log's upload) runs: the runtime the device was
    /// opened in, or the one the shell hands over.
    runtime: Option<tokio::runtime::Handle>,
    /// What the device takes "now" to be for the trip: its now / next card and the
    /// reminders due. The system clock unless a developer set it; what the platform
    /// checks (booking, planning, passes) stays on the system clock, as the platform does.
    clock: Clock,
}

/// The device's clock: the system's, or (a developer's switch, for end-to-end tests of
/// the trip day) one that started at a given instant and runs on from there.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    ahead: chrono::TimeDelta,
}

impl Clock {
    /// A clock that reads `start` now and runs at the system clock's pace.
    pub fn starting_at(start: chrono::DateTime<chrono::Utc>) -> Clock {
        Clock {
            ahead: start - chrono::Utc::now(),
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + self.ahead
    }
}

impl Device {
    /// The device whose data lives in `data_dir`, talking to the platform at `platform`.
    pub fn open(data_dir: &Path, platform: &str) -> Result<Device, Box<dyn std::error::Error>> {
        let store = OfflineStore::open_on_device(&data_dir.join("tongyou.db"))?;
        Ok(Device {
            store: Arc::new(store),
            client: PlatformClient::new(platform)?,
            online: Arc::new(Mutex::new(None)),
            system_lang: sys_locale::get_locale()
                .map(|tag| Lang::from_tag(&tag))
                .unwrap_or_default(),
            gate: Mutex::new(None),
            uploading: Arc::new(AtomicBool::new(false)),
            draining: tokio::sync::Mutex::new(()),
            signed_in_now: tokio::sync::Notify::new(),
            runtime: tokio::runtime::Handle::try_current().ok(),
            clock: Clock::default(),
        })
    }

    /// The device with its clock set (see [`Clock`]).
    pub fn with_clock(self, clock: Clock) -> Device {
        Device { clock, ..self }
    }

    /// "Now" for the tourist's day on this device.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The region's catalog as the device holds it; not found until a sync brought it.
    pub(crate) fn catalog_of(
        &self,
        region_id: &str,
    ) -> Result<tongyou_core::catalog::Catalog, CommandError> {
        Ok(self
            .store
            .catalog(region_id)?
            .ok_or_else(|| CommandError::NotFound(format!("the catalog of {region_id}")))?
            .catalog)
    }

    /// Runs background work on `runtime` (the shell's).
    pub fn spawning_on(self, runtime: tokio::runtime::Handle) -> Device {
        Device {
            runtime: Some(runtime),
            ..self
        }
    }

    /// The device's session, with its token, for calls to the platform.
    pub fn signed_in(&self) -> Result<Session, CommandError> {
        self.store.session()?.ok_or(CommandError::SignedOut)
    }

    /// A session the platform no longer accepts is forgotten, so the app asks to sign in.
    /// (Only for calls made with the session: a wrong sign-in code is also "unauthorized".)
    pub fn on_platform_error(&self, e: CommandError) -> CommandError {
        match e {
            CommandError::Platform(ref api) if api.code == ErrorCode::Unauthorized => {
                match self.store.forget_session() {
                    Ok(()) => CommandError::SignedOut,
                    Err(store) => store.into(),
                }
            }
            e => e,
        }
    }

    /// Runs `task` in the background; `false` when there is no runtime to run it on.
    pub(crate) fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) -> bool {
        match self
            .runtime
            .clone()
            .or_else(|| tokio::runtime::Handle::try_current().ok())
        {
            Some(runtime) => {
                runtime.spawn(task);
                true
            }
            None => false,
        }
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
mod clock_tests {
    use super::*;

    #[test]
    fn a_set_clock_runs_on_from_its_start() {
        let start: chrono::DateTime<chrono::Utc> =
            "2026-07-15T05:05:00Z".parse().unwrap_or_default();
        let now = Clock::starting_at(start).now();
        assert!(
            now >= start && now - start < chrono::TimeDelta::minutes(1),
            "{now}"
        );
        let system = Clock::default().now();
        assert!((system - chrono::Utc::now()).abs() < chrono::TimeDelta::minutes(1));
    }
}
