//! Itinerary tracking: which orders make one trip, the trip's timeline (every booked thing
//! in time order with its live status, place and passes, and the walks between them),
//! what is on now and next, and the reminders a device schedules.
//!
//! Pure like the rest of core: the orders, the region's catalog and "now" (region-local)
//! are handed in. It shows what was booked and how it stands; it does not book, change
//! or re-plan anything (that is the booking saga's and the planner's), and it does not
//! schedule notifications (the device does, by reminder id).

use chrono::{NaiveDate, NaiveDateTime};

use crate::api::{DayVisit, NowNext, Order, TimelineItem, TripPhase, TripView, WalkingLeg};
use crate::catalog::Catalog;

mod booked;
#[cfg(feature = "calendar")]
pub mod calendar;
mod group;
mod items;
mod remind;
pub mod visit;
pub mod walk;

pub use group::{Trip, order_days, trips};
pub use items::{DEFAULT_PICK_UP, DOWN_RIDE_MARGIN_MIN};
pub use remind::reminders;
pub use walk::{LONGEST_WALK_M, SAME_PLACE_M, TRAIL_FACTOR, tobler_kmh, walk_minutes};

use items::Placed;

/// One trip's items in time order, and the walks between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub region_id: String,
    pub items: Vec<TimelineItem>,
    pub legs: Vec<WalkingLeg>,
}

/// The timeline of a trip's orders (see [`Trip::orders_of`]) in a region's catalog.
pub fn timeline(trip_orders: &[Order], catalog: &Catalog) -> Timeline {
    timeline_with_visits(trip_orders, &[], catalog)
}

/// [`timeline`] with the sights the tourist added to its days ([`visit`]) among the booked
/// things; a visit to a sight the catalog no longer has is left out.
pub fn timeline_with_visits(
    trip_orders: &[Order],
    visits: &[DayVisit],
    catalog: &Catalog,
) -> Timeline {
    let mut placed: Vec<Placed> = items::build(trip_orders, catalog);
    visit::merge(&mut placed, catalog, visits);
    let legs = walk::legs(&placed);
    Timeline {
        region_id: catalog.region.id.clone(),
        items: placed.into_iter().map(|p| p.item).collect(),
        legs,
    }
}

impl Timeline {
    /// What is on at `now`: the item under way (of several, the one that began last and ends
    /// first),
    /// the next to start and in how many minutes. Cancelled and failed items are skipped.
    pub fn now_next(&self, now: NaiveDateTime) -> NowNext {
        let on: Vec<&TimelineItem> = self.items.iter().filter(|i| i.status.is_on()).collect();
        let current = on
            .iter()
            .filter(|i| i.start <= now && i.end.is_some_and(|end| now < end))
            // The most specific: the latest to begin, then the soonest to end.
            .max_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)))
            .copied();
        let next = on.iter().find(|i| i.start > now).copied();
        let ends = |i: &TimelineItem| i.end.unwrap_or(i.start);
        let phase = match (on.first(), on.iter().map(|i| ends(i)).max()) {
            (Some(first), _) if now < first.start => TripPhase::NotStarted,
            (Some(_), Some(last)) if now >= last && current.is_none() && next.is_none() => {
                TripPhase::Over
            }
            (Some(_), _) => TripPhase::UnderWay,
            (None, _) => TripPhase::Empty,
        };
        NowNext {
            phase,
            now: current.cloned(),
            next: next.cloned(),
            next_in_minutes: next.map(|n| {
                let seconds = (n.start - now).num_seconds();
                u32::try_from((seconds + 59) / 60).unwrap_or(u32::MAX)
            }),
            walk_to_next: next.and_then(|n| self.legs.iter().find(|l| l.to_item == n.id).cloned()),
        }
    }

    /// Every day from the first item that is on to the last.
    pub fn days(&self) -> Vec<NaiveDate> {
        let mut on = self
            .items
            .iter()
            .filter(|i| i.status.is_on())
            .map(|i| i.start.date());
        let Some(first) = on.next() else {
            return Vec::new();
        };
        let last = on.max().unwrap_or(first).max(first);
        first.iter_days().take_while(|d| *d <= last).collect()
    }

    /// The trip as the app shows it, with the now/next card for `as_of` when given.
    pub fn view(&self, trip: &Trip, as_of: Option<NaiveDateTime>) -> TripView {
        TripView {
            trip_id: trip.id.clone(),
            region_id: trip.region_id.clone(),
            first_day: trip.first_day.to_string(),
            last_day: trip.last_day.to_string(),
            order_ids: trip.order_ids.clone(),
            items: self.items.clone(),
            legs: self.legs.clone(),
            now_next: as_of.map(|t| self.now_next(t)),
            as_of,
        }
    }
}

/// The view of each of an account's trips in the catalog's region, earliest first.
pub fn views(orders: &[Order], catalog: &Catalog, as_of: Option<NaiveDateTime>) -> Vec<TripView> {
    trips(orders)
        .iter()
        .filter(|t| t.region_id == catalog.region.id)
        .map(|t| timeline(&t.orders_of(orders), catalog).view(t, as_of))
        .collect()
}

/// A trip id's region and the order it is named after (`huangshan-41` → `("huangshan", 41)`).
pub fn parse_trip_id(trip_id: &str) -> Option<(&str, i64)> {
    let (region, order) = trip_id.rsplit_once('-')?;
    Some((region, order.parse().ok()?))
}

/// The view of the trip `trip_id` among an account's orders. A trip whose every order was
/// cancelled no longer groups ([`trips`]); it is then the order its id names, every item
/// called off, so that a calendar that had the trip marks its events cancelled.
pub fn view_by_id(
    orders: &[Order],
    catalog: &Catalog,
    trip_id: &str,
    as_of: Option<NaiveDateTime>,
) -> Option<TripView> {
    if let Some(view) = views(orders, catalog, as_of)
        .into_iter()
        .find(|v| v.trip_id == trip_id)
    {
        return Some(view);
    }
    let region = &catalog.region.id;
    let named = match parse_trip_id(trip_id) {
        Some((r, order)) if r == region => order,
        _ => return None,
    };
    let order = orders
        .iter()
        .find(|o| o.id == named && &o.region_id == region)?;
    let (first_day, last_day) = order_days(order)?;
    let trip = Trip {
        id: trip_id.to_owned(),
        region_id: region.clone(),
        first_day,
        last_day,
        order_ids: vec![named],
    };
    Some(timeline(std::slice::from_ref(order), catalog).view(&trip, as_of))
}

#[cfg(test)]
mod tests;
