//! "Add to my day" from the guide's card: a sight put on a day of the trip the tourist
//! is following, at a time they choose, kept on the device only (nothing is booked, so
//! it works with no network). The timeline shows it among the booked things.

use chrono::{NaiveDate, NaiveDateTime};
use tongyou_core::api::{DayVisit, FieldError, TripPhase, TripSnapshot, VisitChoice};
use tongyou_core::clock::ClockTime;
use tongyou_core::trip::{Timeline, Trip, visit};

use crate::{CommandError, Device};

impl Device {
    /// What the card offers for `sight_id`: the days of the trip the Trip screen shows and
    /// a time that fits; `None` when signed out, with no trip to come in the sight's
    /// region, or for a sight the catalog lacks.
    pub fn visit_choice(&self, sight_id: &str) -> Result<Option<VisitChoice>, CommandError> {
        let Some((trip, timeline, now)) = self.trip_with_sight(sight_id)? else {
            return Ok(None);
        };
        let catalog = self.catalog_of(&trip.region_id)?;
        Ok(visit::choice(&trip, &timeline, &catalog, sight_id, now))
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
        let Some((trip, _, now)) = self.trip_with_sight(sight_id)? else {
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
        let catalog = self.catalog_of(&trip.region_id)?;
        visit::check(&trip, &catalog, &wanted, now).map_err(CommandError::Invalid)?;
        self.store
            .add_visit(session.account_id, &trip.region_id, &wanted)?;
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
    /// the sight's region, unless it is over; with its timeline and the region-local now.
    fn trip_with_sight(
        &self,
        sight_id: &str,
    ) -> Result<Option<(Trip, Timeline, NaiveDateTime)>, CommandError> {
        let Some(session) = self.store.session()? else {
            return Ok(None);
        };
        let mut candidates = Vec::new();
        for (trip, timeline, now) in self.timelines(session.account_id, self.now())? {
            let catalog = self.catalog_of(&trip.region_id)?;
            if catalog.sights.iter().any(|s| s.id == sight_id) {
                candidates.push((trip, timeline, now));
            }
        }
        let views = candidates
            .iter()
            .map(|(trip, timeline, now)| timeline.view(trip, Some(*now)))
            .collect();
        let Some(shown) = crate::trip::pick(views) else {
            return Ok(None);
        };
        if shown.now_next.is_some_and(|n| n.phase == TripPhase::Over) {
            return Ok(None);
        }
        Ok(candidates
            .into_iter()
            .find(|(trip, _, _)| trip.id == shown.trip_id))
    }

    fn catalog_of(&self, region_id: &str) -> Result<tongyou_core::catalog::Catalog, CommandError> {
        Ok(self
            .store
            .catalog(region_id)?
            .ok_or_else(|| CommandError::NotFound(format!("the catalog of {region_id}")))?
            .catalog)
    }
}
