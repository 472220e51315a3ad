//! The tourist's own visits: a sight added to a day of the trip from the guide's card.
//! Nothing is booked; the timeline shows the visit at the time chosen, for the sight's
//! usual length, with the walks to and from it like any other item.

use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike};

use super::Timeline;
use super::group::Trip;
use super::items::Placed;
use super::items::time_order;
use super::walk::Spot;
use crate::api::{DayVisit, FieldError, ItemKind, ItemStatus, TimelineItem, VisitChoice};
use crate::catalog::{Catalog, Sight};
use crate::clock::ClockTime;
use crate::text::Text;

/// With nothing else to go by (an open-air sight, nothing on the day), a visit is offered
/// at 10:00.
fn default_visit() -> ClockTime {
    ClockTime::from_hm(10, 0).unwrap_or(ClockTime::MIDNIGHT)
}

/// The item id of a visit: one a sight and day, so it is the same on every rebuild.
pub fn item_id(visit: &DayVisit) -> String {
    format!("visit-{}-{}", visit.sight_id, visit.at.date())
}

/// The visit as a timeline item, or `None` for a sight the catalog no longer has.
pub fn item(catalog: &Catalog, visit: &DayVisit) -> Option<TimelineItem> {
    placed(catalog, visit).map(|p| p.item)
}

/// [`item`] with where the party is once it is over, for the walks.
pub(super) fn placed(catalog: &Catalog, visit: &DayVisit) -> Option<Placed> {
    let sight = catalog.sights.iter().find(|s| s.id == visit.sight_id)?;
    let spot = Spot {
        at: sight.location,
        elevation_m: Some(sight.elevation_m),
    };
    let item = TimelineItem {
        id: item_id(visit),
        // No order: the tourist's own plan.
        order_id: 0,
        sub_order_id: None,
        kind: ItemKind::Visit {
            sight_id: sight.id.clone(),
        },
        title: Text::new(
            format!("游览{}", sight.name.zh),
            format!("Visit {}", sight.name.en),
        ),
        start: visit.at,
        end: Some(visit.at + Duration::minutes(i64::from(sight.visit_minutes))),
        estimated: false,
        place: sight.name.clone(),
        location: Some(sight.location),
        elevation_m: Some(sight.elevation_m),
        guide_place: Some(sight.id.clone()),
        status: ItemStatus::Planned,
        passes: Vec::new(),
        what_to_bring: Vec::new(),
        note: None,
    };
    Some(Placed {
        item,
        exit: Some(spot),
    })
}

/// Whether `visit` can go on `trip` at region-local `now`: a sight of the region, on one
/// of the trip's days, not yet past, inside the sight's hours for the whole visit. Each
/// problem names its field (`sight_id`, `day`, `time`) and says what would do, in both
/// languages.
pub fn check(
    trip: &Trip,
    catalog: &Catalog,
    visit: &DayVisit,
    now: NaiveDateTime,
) -> Result<(), Vec<FieldError>> {
    let Some(sight) = catalog.sights.iter().find(|s| s.id == visit.sight_id) else {
        return Err(vec![FieldError::new(
            "sight_id",
            "这个景点不在本景区的资料里。",
            "This sight is not in the region's catalog.",
        )]);
    };
    let day = visit.at.date();
    if day < trip.first_day || day > trip.last_day {
        let (first, last) = (trip.first_day, trip.last_day);
        return Err(vec![FieldError::new(
            "day",
            format!("请选行程内的日期（{first} 至 {last}）。"),
            format!("Pick a day of the trip ({first} to {last})."),
        )]);
    }
    // To the minute, as the card offers times: 12:05 is not past at 12:05:30.
    if visit.at < now - Duration::seconds(i64::from(now.second())) {
        return Err(vec![FieldError::new(
            "time",
            "这个时间已经过了，请选之后的时间。",
            "That time has passed: pick a later one.",
        )]);
    }
    if let Some(hours) = &sight.hours {
        let start = ClockTime::from(visit.at.time());
        let latest = latest_start(sight);
        if start < hours.open || latest.is_none_or(|l| start > l) {
            let (open, close) = (hours.open, hours.close);
            let minutes = sight.visit_minutes;
            return Err(vec![FieldError::new(
                "time",
                format!(
                    "{}开放时间为 {open}–{close}，游览约需 {minutes} 分钟，请在 {} 前开始。",
                    sight.name.zh,
                    latest.unwrap_or(open)
                ),
                format!(
                    "{} is open {open}–{close} and a visit takes about {minutes} min: start by {}.",
                    sight.name.en,
                    latest.unwrap_or(open)
                ),
            )]);
        }
    }
    Ok(())
}

/// The latest start that still ends the visit by closing time (`None`: never open long
/// enough; always `Some` for an open-air sight).
fn latest_start(sight: &Sight) -> Option<ClockTime> {
    let (open, close) = match &sight.hours {
        Some(hours) => (hours.open, hours.close),
        None => (ClockTime::MIDNIGHT, ClockTime::END_OF_DAY),
    };
    let latest = close.minutes().checked_sub(sight.visit_minutes)?;
    (latest >= open.minutes())
        .then(|| ClockTime::MIDNIGHT.plus(latest))
        .flatten()
}

/// What the card offers for `sight_id` on `trip` at region-local `now`: the trip's days
/// from today on, the first with time left for a visit, at the end of the last thing
/// already on that day (rounded up to five minutes) if the sight is still open then, else
/// as it opens, and never before `now`. `None` for a sight the catalog lacks, or when no
/// day of the trip has time left for it.
pub fn choice(
    trip: &Trip,
    timeline: &Timeline,
    catalog: &Catalog,
    sight_id: &str,
    now: NaiveDateTime,
) -> Option<VisitChoice> {
    let sight = catalog.sights.iter().find(|s| s.id == sight_id)?;
    let days: Vec<NaiveDate> = trip
        .first_day
        .iter_days()
        .take_while(|d| *d <= trip.last_day)
        .filter(|d| *d >= now.date())
        .collect();
    let latest = latest_start(sight);
    let offer = |day: NaiveDate| {
        let opens = sight.hours.as_ref().map_or_else(default_visit, |h| h.open);
        let after_the_day = timeline
            .items
            .iter()
            .filter(|i| i.status.is_on() && i.start.date() == day)
            .map(|i| i.end.unwrap_or(i.start))
            .filter(|end| end.date() == day)
            .map(|end| round_up_5(ClockTime::from(end.time())))
            .filter(|t| latest.is_some_and(|l| *t <= l))
            .max();
        let time = after_the_day.map_or(opens, |t| t.max(opens));
        if day == now.date() {
            time.max(round_up_5(ClockTime::from(now.time())))
        } else {
            time
        }
    };
    let fits = |time: ClockTime| latest.is_some_and(|l| time <= l);
    let (day, time) = days
        .iter()
        .map(|d| (*d, offer(*d)))
        .find(|(_, time)| fits(*time))?;
    // Added already for a day still to come (a past visit does not stop another).
    let on_trip = timeline
        .items
        .iter()
        .filter(|i| i.start.date() >= now.date())
        .find(|i| matches!(&i.kind, ItemKind::Visit { sight_id: s } if s == sight_id))
        .map(|i| i.id.clone());
    Some(VisitChoice {
        sight_id: sight.id.clone(),
        days: days.iter().map(NaiveDate::to_string).collect(),
        day: day.to_string(),
        time,
        hours: sight.hours.clone(),
        visit_minutes: sight.visit_minutes,
        on_trip,
    })
}

fn round_up_5(t: ClockTime) -> ClockTime {
    let up = t.minutes().div_ceil(5) * 5 - t.minutes();
    t.plus(up).unwrap_or(t)
}

/// The moment a visit chosen as a day and a time is at.
pub fn at(day: NaiveDate, time: ClockTime) -> NaiveDateTime {
    day.and_time(time.to_naive())
}

/// Puts the visits among the placed items, in time order.
pub(super) fn merge(placed: &mut Vec<Placed>, catalog: &Catalog, visits: &[DayVisit]) {
    placed.extend(visits.iter().filter_map(|v| self::placed(catalog, v)));
    placed.sort_by(|a, b| time_order(&a.item).cmp(&time_order(&b.item)));
}
