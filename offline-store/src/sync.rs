//! Bringing the platform's catalogs onto the device.
//!
//! A sync asks for the region list, fetches only the catalogs whose version changed
//! (conditional GET), and drops regions the platform no longer serves. Each catalog is
//! replaced whole in one statement, so a sync cut off half-way leaves every region at
//! either its old or its new version, never a mix.

use tongyou_client::{ClientError, PlatformClient};

use crate::{OfflineStore, StoreError};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
    pub removed: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Platform(#[from] ClientError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncError::Platform(e) if e.is_offline())
    }
}

/// Syncs every catalog and records the outcome in the store.
pub async fn sync_catalogs(
    store: &OfflineStore,
    client: &PlatformClient,
) -> Result<SyncReport, SyncError> {
    let now = chrono::Utc::now().to_rfc3339();
    let outcome = run(store, client, &now).await;
    let error = outcome.as_ref().err().map(ToString::to_string);
    store.record_sync(&now, error.as_deref())?;
    outcome
}

async fn run(
    store: &OfflineStore,
    client: &PlatformClient,
    now: &str,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let remote = client.regions().await?;
    let local = store.catalog_versions()?;
    for region in &remote {
        let known = local
            .iter()
            .find(|(id, _)| *id == region.id)
            .map(|(_, v)| v.as_str());
        if known == Some(region.catalog_version.as_str()) {
            store.touch_catalog(&region.id, now)?;
            report.unchanged.push(region.id.clone());
            continue;
        }
        match client.catalog(&region.id, known).await? {
            Some(snapshot) => {
                store.save_catalog(&snapshot, now)?;
                report.updated.push(region.id.clone());
            }
            None => {
                store.touch_catalog(&region.id, now)?;
                report.unchanged.push(region.id.clone());
            }
        }
    }
    for (id, _) in local {
        if !remote.iter().any(|r| r.id == id) {
            store.remove_catalog(&id)?;
            report.removed.push(id);
        }
    }
    Ok(report)
}
