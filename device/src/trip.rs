//! The trip on the device: the timeline of the trip under way (or the next one, or the
//! last), built from the device's own copies of the orders and the region's catalog, so
//! the Trip screen reads the same with no network. The copies are kept current by a
//! refresh of the orders and by the platform's live events ([`crate::events`]).

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Utc};
use tongyou_core::api::{Reminder, TripPhase, TripSnapshot, TripView};
use tongyou_core::discover::local_now;
use tongyou_core::trip::{Timeline, Trip};

use crate::{CommandError, Device};

/// When each trip day's morning summary comes (region-local).
pub const MORNING: NaiveTime = match NaiveTime::from_hms_opt(7, 30, 0) {
    Some(t) => t,
    None => panic!("07:30 is a time"),
};

/// How late a reminder is still worth showing: the app was closed when it fell due.
const STILL_WORTH_MINUTES: i64 = 30;

impl Device {
    /// The trip under way, else the next to start, else the last one, as of now.
    pub fn trip(&self) -> Result<TripSnapshot, CommandError> {
        self.trip_at(self.now())
    }

    /// [`Device::trip`] at a given moment (tests pass the clock in).
    pub fn trip_at(&self, now: DateTime<Utc>) -> Result<TripSnapshot, CommandError> {
        let Some(session) = self.store.session()? else {
            return Ok(TripSnapshot {
                trip: None,
                heard_at: None,
            });
        };
        let views = self
            .timelines(session.account_id, now)?
            .into_iter()
            .map(|(trip, timeline, local)| timeline.view(&trip, Some(local)))
            .collect();
        Ok(TripSnapshot {
            trip: pick(views),
            heard_at: self
                .store
                .event_cursor(session.account_id)?
                .map(|c| c.as_of),
        })
    }

    /// The trip's reminders that fell due by `now` (up to half an hour late) and were
    /// not shown yet, each then noted as shown. Built from the timeline every time, so a
    /// moved item is reminded at its new time and a cancelled one not at all.
    pub fn due_reminders(&self, now: DateTime<Utc>) -> Result<Vec<Reminder>, CommandError> {
        let Some(session) = self.store.session()? else {
            return Ok(Vec::new());
        };
        let lead = Duration::minutes(self.store.preferences()?.lead_minutes().into());
        let mut due = Vec::new();
        for (_, timeline, local) in self.timelines(session.account_id, now)? {
            let recent = local - Duration::minutes(STILL_WORTH_MINUTES);
            // Reminders from half an hour back, so one the app was closed for still shows.
            for reminder in tongyou_core::trip::reminders(&timeline, lead, MORNING, recent) {
                if reminder.at <= local
                    && self
                        .store
                        .mark_reminded(&reminder.id, &reminder.at.to_string())?
                {
                    due.push(reminder);
                }
            }
        }
        Ok(due)
    }

    /// Every trip of the account in each region whose catalog the device holds (a region
    /// without one has no timeline to draw yet), with its timeline (the sights added to
    /// its days among the booked things) and the region-local `now`.
    pub(crate) fn timelines(
        &self,
        account_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Trip, Timeline, NaiveDateTime)>, CommandError> {
        let orders = self.store.orders(account_id)?;
        let mut all = Vec::new();
        for trip in tongyou_core::trip::trips(&orders) {
            if let Some(stored) = self.store.catalog(&trip.region_id)? {
                let visits: Vec<_> = self
                    .store
                    .visits(account_id, &trip.region_id)?
                    .into_iter()
                    .filter(|v| (trip.first_day..=trip.last_day).contains(&v.at.date()))
                    .collect();
                let timeline = tongyou_core::trip::timeline_with_visits(
                    &trip.orders_of(&orders),
                    &visits,
                    &stored.catalog,
                );
                all.push((trip, timeline, local_now(&stored.catalog, now)));
            }
        }
        Ok(all)
    }
}

/// The trip to show: the one under way, else the next to start, else the latest.
pub(crate) fn pick(mut views: Vec<TripView>) -> Option<TripView> {
    let phase = |v: &TripView| v.now_next.as_ref().map(|n| n.phase);
    if let Some(at) = views
        .iter()
        .position(|v| phase(v) == Some(TripPhase::UnderWay))
    {
        return Some(views.swap_remove(at));
    }
    views.sort_by(|a, b| a.first_day.cmp(&b.first_day));
    match views
        .iter()
        .position(|v| phase(v) == Some(TripPhase::NotStarted))
    {
        Some(at) => Some(views.swap_remove(at)),
        None => views.pop(),
    }
}
