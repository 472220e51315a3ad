//! The trip in the tourist's own calendar: an `.ics` file written on the device (no
//! network needed), and the platform's subscribable feed, opened and ended from here.

use std::path::Path;

use chrono::{DateTime, Utc};
use tongyou_core::api::{CalendarExport, CalendarFeedLink, ItemStatus};
use tongyou_core::trip::{calendar, parse_trip_id, view_by_id, visit};

use crate::{CommandError, Device};

impl Device {
    /// Writes the trip `trip_id` as `tongyou-{trip_id}.ics` in `dir`, in the app's
    /// language, from what the device holds (the sights added to its days as tentative
    /// events). Written whole then renamed into place, so a
    /// calendar app never reads half a file. An event changed since the last export gets a
    /// higher `SEQUENCE`, so importing the new file updates it.
    pub fn export_calendar(
        &self,
        trip_id: &str,
        dir: &Path,
        now: DateTime<Utc>,
    ) -> Result<CalendarExport, CommandError> {
        let session = self.signed_in()?;
        let orders = self.store.orders(session.account_id)?;
        let (region, _) = parse_trip_id(trip_id)
            .ok_or_else(|| CommandError::NotFound(format!("trip {trip_id}")))?;
        let catalog = self.catalog_of(region)?;
        // The trip as the timeline shows it, the sights added to its days included; a
        // trip whose orders were all cancelled no longer groups, and is its named order.
        let mut view = self
            .timelines(session.account_id, now)?
            .into_iter()
            .find(|(trip, _, _)| trip.id == trip_id)
            .map(|(trip, timeline, _)| timeline.view(&trip, None))
            .or_else(|| view_by_id(&orders, &catalog, trip_id, None))
            .ok_or_else(|| CommandError::NotFound(format!("trip {trip_id}")))?;
        // A visit taken off again is written cancelled, so a calendar that imported it
        // drops it (a file leaving it out would leave it there).
        let days = view.first_day.clone()..=view.last_day.clone();
        for taken_off in self.store.removed_visits(session.account_id, region)? {
            if !days.contains(&taken_off.at.date().to_string()) {
                continue;
            }
            if let Some(mut item) = visit::item(&catalog, &taken_off)
                && !view.items.iter().any(|i| i.id == item.id)
            {
                item.status = ItemStatus::Cancelled;
                view.items.push(item);
            }
        }
        let shown: Vec<(String, String)> = view
            .items
            .iter()
            .map(|i| (calendar::uid(i), calendar::fingerprint(i)))
            .collect();
        let sequences = self.store.calendar_sequences(&shown)?;
        let lang = self.lang()?;
        let text = calendar::ics(
            &view,
            &catalog.region,
            lang,
            |uid| sequences.get(uid).copied().unwrap_or(0),
            now,
        );
        let path = dir.join(format!("tongyou-{trip_id}.ics"));
        let partial = dir.join(format!(".tongyou-{trip_id}.ics.partial"));
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&partial, text))
            .and_then(|()| std::fs::rename(&partial, &path));
        if let Err(e) = written {
            return Err(CommandError::Export(format!("{}: {e}", path.display())));
        }
        Ok(CalendarExport {
            path: path.display().to_string(),
            events: u32::try_from(view.items.len()).unwrap_or(u32::MAX),
        })
    }

    /// Opens the platform's calendar feed of the trip, in the app's language. An earlier
    /// feed of the trip stops working; the address is shown only now.
    pub async fn open_calendar_feed(
        &self,
        trip_id: &str,
    ) -> Result<CalendarFeedLink, CommandError> {
        let session = self.signed_in()?;
        let lang = self.lang()?;
        let feed = self
            .client
            .open_calendar(&session.token, trip_id, lang)
            .await
            .map_err(|e| self.on_platform_error(e.into()))?;
        let url = self.client.feed_url(&feed);
        Ok(CalendarFeedLink {
            trip_id: feed.trip_id,
            webcal: tongyou_client::webcal(&url),
            url,
        })
    }

    /// Ends the trip's calendar feed on the platform.
    pub async fn end_calendar_feed(&self, trip_id: &str) -> Result<(), CommandError> {
        let session = self.signed_in()?;
        self.client
            .revoke_calendar(&session.token, trip_id)
            .await
            .map_err(|e| self.on_platform_error(e.into()))
    }
}
