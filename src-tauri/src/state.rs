//! What the shell holds while it runs: the device store, the platform client, the
//! outcome of the latest sync in this run, the outbox's drain lock, and a gate station's
//! decision data.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use tongyou_client::PlatformClient;
use tongyou_core::catalog::Catalog;
use tongyou_core::gate::GateCheck;
use tongyou_core::text::Lang;
use tongyou_offline_store::OfflineStore;

/// The keys and revoked passes of the region a gate stands in, read from the store once
/// per sync rather than once per scan.
#[derive(Debug)]
pub struct GateCache {
    pub region_id: String,
    pub check: GateCheck,
    /// The region's catalog (the gate's name and what it admits), read once, not per scan.
    pub catalog: Arc<Catalog>,
}

pub struct AppState {
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
    pub draining: tauri::async_runtime::Mutex<()>,
}

impl AppState {
    pub fn open(data_dir: &Path, platform: &str) -> Result<AppState, Box<dyn std::error::Error>> {
        let store = OfflineStore::open_on_device(&data_dir.join("tongyou.db"))?;
        Ok(AppState {
            store: Arc::new(store),
            client: PlatformClient::new(platform)?,
            online: Arc::new(Mutex::new(None)),
            system_lang: sys_locale::get_locale()
                .map(|tag| Lang::from_tag(&tag))
                .unwrap_or_default(),
            gate: Mutex::new(None),
            uploading: Arc::new(AtomicBool::new(false)),
            draining: tauri::async_runtime::Mutex::new(()),
        })
    }
}
