//! Catalog commands: what the Discover screen reads, and the sync that refreshes it (and
//! sends the tourist's outbox while the platform answers).

use tongyou_core::api::{DiscoverView, Startup, SyncStatus, TripPhase};
use tongyou_offline_store::StoredCatalog;
use tongyou_offline_store::sync::sync_catalogs;

use crate::Device;
use crate::error::CommandError;
use crate::outbox;

impl Device {
    /// Everything the first screen needs, from the device alone: no network on this path.
    pub fn startup(&self) -> Result<Startup, CommandError> {
        // Where to open is a nicety: a trip or a station that cannot be read opens on
        // Discover rather than failing the first screen.
        let session = self.session()?;
        let trip_under_way = session.is_some()
            && self
                .trip()
                .ok()
                .and_then(|s| s.trip)
                .and_then(|t| t.now_next)
                .is_some_and(|n| n.phase == TripPhase::UnderWay);
        Ok(Startup {
            lang: self.lang()?,
            discover: discover_view(self, None)?,
            status: status(self)?,
            session,
            station: self.gate_station().ok().flatten(),
            trip_under_way,
        })
    }

    /// The Discover view of `region` (default: the first region on the device).
    pub fn discover(&self, region: Option<String>) -> Result<Option<DiscoverView>, CommandError> {
        discover_view(self, region.as_deref())
    }

    /// Tries the platform once, and when it answers sends the outbox. Being offline is a
    /// normal outcome, reported in the status, not an error; so is a session the platform
    /// rejects while sending (it is forgotten, and the screens ask to sign in).
    pub async fn sync_catalog(&self) -> Result<SyncStatus, CommandError> {
        let outcome = sync_catalogs(&self.store, &self.client).await;
        let online = match &outcome {
            Ok(_) => true,
            Err(e) if e.is_offline() => false,
            // The platform answered, but badly: we are online, the error is kept in the status.
            Err(_) => true,
        };
        *self.online.lock().map_err(|_| CommandError::NotReady)? = Some(online);
        if online {
            match outbox::drain(self).await {
                Ok(_) | Err(CommandError::SignedOut) => {}
                Err(e) => return Err(e),
            }
        }
        status(self)
    }
}

fn discover_view(
    state: &Device,
    region: Option<&str>,
) -> Result<Option<DiscoverView>, CommandError> {
    let Some(stored) = stored_catalog(state, region)? else {
        return Ok(None);
    };
    let now = tongyou_core::discover::local_now(&stored.catalog, chrono::Utc::now());
    Ok(Some(tongyou_core::discover::discover(&stored.catalog, now)))
}

/// The stored catalog of `region`, or of the first region on the device.
pub(crate) fn stored_catalog(
    state: &Device,
    region: Option<&str>,
) -> Result<Option<StoredCatalog>, CommandError> {
    let region = match region {
        Some(r) => Some(r.to_owned()),
        None => state
            .store
            .catalog_versions()?
            .into_iter()
            .next()
            .map(|(id, _)| id),
    };
    match region {
        Some(region) => Ok(state.store.catalog(&region)?),
        None => Ok(None),
    }
}

fn status(state: &Device) -> Result<SyncStatus, CommandError> {
    let last = state.store.last_sync()?;
    let local = |rfc3339: String| {
        chrono::DateTime::parse_from_rfc3339(&rfc3339)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or(rfc3339)
    };
    Ok(SyncStatus {
        online: *state.online.lock().map_err(|_| CommandError::NotReady)?,
        regions: state
            .store
            .catalog_versions()?
            .into_iter()
            .map(|(id, _)| id)
            .collect(),
        synced_at: last.succeeded_at.map(local),
        last_error: last.error,
    })
}
