//! "Add to my day" from the guide's card: a sight put on a day of the trip the tourist
//! is following, at a time they choose, kept on the device only (nothing is booked, so
//! it works with no network). The timeline shows it among the booked things.

use chrono::{NaiveDate, NaiveDateTime};
use tongyou_core::api::{DayVisit, FieldError, TripPhase, TripSnapshot, VisitChoice};
use tongyou_core::catalog::Catalog;
use tongyou_core::clock::ClockTime;
use tongyou_core::trip::{Timeline, Trip, visit};

use crate::{CommandError, Device};

impl Device {
    /// What the card offers for `sight_id`: the days of the trip the Trip screen shows and
    /// a time that fits; `None` when signed out, with no trip to come in the sight's
    /// region, or for a sight the catalog lacks.
    pub fn visit_choice(&self, sight_id: &str) -> Result<Option<VisitChoice>, CommandError> {
        let Some(found) = self.trip_with_sight(sight_id)? else {
            return Ok(None);
        };
        Ok(visit::choice(
            &found.trip,
            &found.timeline,
            &found.catalog,
            sight_id,
            found.now,
        ))
    }

    /// Puts `sight_id` on `day` (`YYYY-MM-DD`) at `time` (`HH:MM`) of the trip the Trip
    /// screen shows (the same sight on the same day again moves it). A day off the trip or
    /// a time outside the sight's hours is refused field by field, in both languages.
    pub fn add_visit(
        &self,
        sight_id: &str,
        day: &str,
        time: &str,
    ) -> Result<TripSnapshot, CommandError> {
        let session = self.signed_in()?;
        let Some(found) = self.trip_with_sight(sight_id)? else {
            return Err(CommandError::Invalid(vec![FieldError::new(
                "sight_id",
                "没有可加入的行程：请先预订这个景区的门票。",
                "No trip to add it to: book a ticket for this region first.",
            )]));
        };
        let mut wrong = Vec::new();
        let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
            wrong.push(FieldError::new("day", "请选择日期。", "Pick a day."));
        });
        let time = time.parse::<ClockTime>().map_err(|_| {
            wrong.push(FieldError::new(
                "time",
                "请填写时间，如 10:30。",
                "Enter a time such as 10:30.",
            ));
        });
        let (Ok(day), Ok(time)) = (day, time) else {
            return Err(CommandError::Invalid(wrong));
        };
        let wanted = DayVisit {
            sight_id: sight_id.to_owned(),
            at: visit::at(day, time),
        };
        visit::check(&found.trip, &found.catalog, &wanted, found.now)
            .map_err(CommandError::Invalid)?;
        self.store
            .add_visit(session.account_id, &found.trip.region_id, &wanted)?;
        self.trip()
    }

    /// Takes `sight_id` off `day` (`YYYY-MM-DD`) again.
    pub fn remove_visit(&self, sight_id: &str, day: &str) -> Result<TripSnapshot, CommandError> {
        let session = self.signed_in()?;
        let day = NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map_err(|_| CommandError::NotFound(format!("a visit on `{day}`")))?;
        let mut removed = false;
        let taken_at = self.now().to_rfc3339();
        for (trip, _, _) in self.timelines(session.account_id, self.now())? {
            removed |= self.store.remove_visit(
                session.account_id,
                &trip.region_id,
                sight_id,
                day,
                &taken_at,
            )?;
        }
        if !removed {
            return Err(CommandError::NotFound(format!("{sight_id} on {day}")));
        }
        self.trip()
    }

    /// The trip a sight can be added to: the one the Trip screen shows among the trips in
    /// the sight's region, unless it is over.
    fn trip_with_sight(&self, sight_id: &str) -> Result<Option<TripForSight>, CommandError> {
        let Some(session) = self.store.session()? else {
            return Ok(None);
        };
        let mut candidates = Vec::new();
        for (trip, timeline, now) in self.timelines(session.account_id, self.now())? {
            let catalog = self.catalog_of(&trip.region_id)?;
            if catalog.sights.iter().any(|s| s.id == sight_id) {
                candidates.push(TripForSight {
                    trip,
                    timeline,
                    now,
                    catalog,
                });
            }
        }
        let views = candidates
            .iter()
            .map(|c| c.timeline.view(&c.trip, Some(c.now)))
            .collect();
        let Some(shown) = crate::trip::pick(views) else {
            return Ok(None);
        };
        if shown.now_next.is_some_and(|n| n.phase == TripPhase::Over) {
            return Ok(None);
        }
        Ok(candidates.into_iter().find(|c| c.trip.id == shown.trip_id))
    }
}

/// A trip a sight can go on, with what adding it needs: its timeline, the region-local
/// now and the region's catalog (read once).
struct TripForSight {
    trip: Trip,
    timeline: Timeline,
    now: NaiveDateTime,
    catalog: Catalog,
}
