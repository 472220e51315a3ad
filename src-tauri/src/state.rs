//! What the shell holds while it runs: the device store, the platform client and the
//! outcome of the latest sync in this run.

use std::path::Path;
use std::sync::{Arc, Mutex};

use tongyou_client::PlatformClient;
use tongyou_core::text::Lang;
use tongyou_offline_store::OfflineStore;

pub struct AppState {
    pub store: Arc<OfflineStore>,
    pub client: PlatformClient,
    /// `None` until the first sync attempt of this run has finished.
    pub online: Mutex<Option<bool>>,
    /// The operating system's language, used until the tourist picks one.
    pub system_lang: Lang,
}

impl AppState {
    pub fn open(data_dir: &Path, platform: &str) -> Result<AppState, Box<dyn std::error::Error>> {
        let store = OfflineStore::open(&data_dir.join("tongyou.db"))?;
        Ok(AppState {
            store: Arc::new(store),
            client: PlatformClient::new(platform)?,
            online: Mutex::new(None),
            system_lang: sys_locale::get_locale()
                .map(|tag| Lang::from_tag(&tag))
                .unwrap_or_default(),
        })
    }
}
