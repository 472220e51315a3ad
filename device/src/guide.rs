//! The guide pack on the device: what is held and what the platform has, the download
//! (with its progress), and the pack read from the device with no network.

use chrono::{Timelike, Utc};
use tongyou_core::api::{CrowdNow, CrowdSource};
use tongyou_core::calendar::HolidayCalendar;
use tongyou_core::clock::ClockTime;
use tongyou_core::crowd::{CrowdLevel, day_load, sight_percent};
use tongyou_core::discover::local_now;
use tongyou_core::guide::{GuidePack, GuideStatus};

use crate::{CommandError, Device};

impl Device {
    /// The region's pack held here and, when the platform answers, the one it serves.
    pub async fn guide_status(&self, region_id: &str) -> Result<GuideStatus, CommandError> {
        let held = self.store.guide_version(region_id)?;
        let latest = match self.client.guide_about(region_id).await {
            Ok(about) => Some(about),
            Err(e) if e.is_offline() => None,
            Err(e) => return Err(self.on_platform_error(e.into())),
        };
        Ok(GuideStatus {
            region_id: region_id.to_owned(),
            downloaded_at: held.as_ref().map(|(_, at)| at.clone()),
            held: held.map(|(version, _)| version),
            latest,
        })
    }

    /// Downloads the region's pack unless the one held is current, telling `progress`
    /// `(received, total)` bytes; the pack now held. A damaged download is thrown away
    /// and the pack held before stays.
    pub async fn download_guide(
        &self,
        region_id: &str,
        progress: impl FnMut(u64, u64),
    ) -> Result<GuidePack, CommandError> {
        let held = self.store.guide_version(region_id)?.map(|(v, _)| v);
        let fetched = self
            .client
            .guide_pack(region_id, held.as_deref(), progress)
            .await
            .map_err(|e| self.on_platform_error(e.into()))?;
        if let Some(pack) = fetched {
            if !pack.is_intact() || pack.region_id != region_id {
                return Err(CommandError::Protocol(format!(
                    "the guide pack of {region_id} arrived damaged; the one on the device is kept"
                )));
            }
            self.store.save_guide(&pack, &Utc::now().to_rfc3339())?;
        }
        self.guide(region_id)
    }

    /// The region's pack from the device, network or not.
    pub fn guide(&self, region_id: &str) -> Result<GuidePack, CommandError> {
        self.store
            .guide(region_id)?
            .ok_or_else(|| CommandError::NotFound(format!("the guide of {region_id}")))
    }

    /// How busy `sight_id` is at this hour: its sensor's reading or the platform's forecast
    /// when the platform answers, else the device's own model of the day (no tickets or
    /// sensors known), so the card says something with no network.
    pub async fn crowd_now(
        &self,
        region_id: &str,
        sight_id: &str,
    ) -> Result<CrowdNow, CommandError> {
        let catalog = &self.catalog_of(region_id)?;
        let sight = catalog
            .sights
            .iter()
            .find(|s| s.id == sight_id)
            .ok_or_else(|| CommandError::NotFound(format!("sight {sight_id}")))?;
        let now = local_now(catalog, self.now());
        let hour = now.hour();
        let closed = sight.hours.as_ref().is_some_and(|h| {
            let at = ClockTime::from(now.time());
            at < h.open || at >= h.close
        });
        let found = |percent: u8, source: CrowdSource| CrowdNow {
            sight_id: sight_id.to_owned(),
            percent,
            level: CrowdLevel::of(percent),
            source,
            closed,
        };
        match self.client.crowd(region_id, &now.date().to_string()).await {
            Ok(forecast) => {
                if let Some(s) = forecast.sights.iter().find(|s| s.sight_id == sight_id) {
                    return Ok(match s.live {
                        Some(percent) => found(percent, CrowdSource::Live),
                        None => found(
                            s.hours.get(hour as usize).copied().unwrap_or_default(),
                            CrowdSource::Forecast,
                        ),
                    });
                }
            }
            Err(e) if e.is_offline() => {}
            Err(e) => return Err(self.on_platform_error(e.into())),
        }
        let load = day_load(catalog, &HolidayCalendar::china(), now.date(), 0);
        let hour = u8::try_from(hour).unwrap_or_default();
        Ok(found(sight_percent(sight, &load, hour), CrowdSource::Model))
    }
}
