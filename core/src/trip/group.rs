//! Which orders make one trip: a tourist's orders in one region whose days overlap or
//! follow each other.

use chrono::{Days, NaiveDate};

use crate::api::{Order, OrderState};
use crate::clock::parse_date;

/// A tourist's orders in one region over consecutive days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trip {
    /// `{region}-{lowest order id}`: orders booked later have higher ids, so adding one
    /// to a trip keeps its id (unless it joins two trips into one).
    pub id: String,
    pub region_id: String,
    pub first_day: NaiveDate,
    /// The last visit or check-out day.
    pub last_day: NaiveDate,
    /// Ascending, cancelled orders that touch the trip included.
    pub order_ids: Vec<i64>,
}

impl Trip {
    /// This trip's orders out of an account's, in `order_ids` order.
    pub fn orders_of(&self, orders: &[Order]) -> Vec<Order> {
        let mut mine: Vec<Order> = orders
            .iter()
            .filter(|o| self.order_ids.contains(&o.id))
            .cloned()
            .collect();
        mine.sort_by_key(|o| o.id);
        mine
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        (self.first_day..=self.last_day).contains(&day)
    }
}

/// The days an order covers: its date through the check-out day of its hotel stay, if
/// any. `None` when its date is not a date.
pub fn order_days(order: &Order) -> Option<(NaiveDate, NaiveDate)> {
    let first = parse_date(&order.date)?;
    let nights = order
        .combo
        .as_ref()
        .and_then(|c| c.hotel.as_ref())
        .map_or(0, |h| h.nights);
    let last = first.checked_add_days(Days::new(u64::from(nights)))?;
    Some((first, last))
}

/// Groups an account's orders into trips, earliest first.
///
/// - Orders awaiting payment, confirmed or partly confirmed make trips. Two of them in one
///   region belong to the same trip when their days overlap or touch: a stay checking out
///   on the 16th and a visit on the 17th are one trip.
/// - Failed and expired orders never booked anything: they are in no trip.
/// - A cancelled order joins the trip whose days it overlaps or touches, so the timeline
///   shows what was called off; alone it makes no trip (the Orders screen still lists
///   it), and it never joins two trips into one nor stretches a trip's days.
pub fn trips(orders: &[Order]) -> Vec<Trip> {
    let mut live: Vec<(&Order, NaiveDate, NaiveDate)> = orders
        .iter()
        .filter(|o| makes_trip(o.state))
        .filter_map(|o| order_days(o).map(|(first, last)| (o, first, last)))
        .collect();
    live.sort_by(|a, b| (&a.0.region_id, a.1, a.0.id).cmp(&(&b.0.region_id, b.1, b.0.id)));

    let mut trips: Vec<Trip> = Vec::new();
    for (order, first, last) in live {
        match trips.last_mut() {
            Some(trip) if trip.region_id == order.region_id && touches(trip, first, last) => {
                trip.last_day = trip.last_day.max(last);
                trip.order_ids.push(order.id);
            }
            _ => trips.push(Trip {
                id: String::new(),
                region_id: order.region_id.clone(),
                first_day: first,
                last_day: last,
                order_ids: vec![order.id],
            }),
        }
    }
    for trip in &mut trips {
        let lowest = trip.order_ids.iter().min().copied().unwrap_or_default();
        trip.id = format!("{}-{lowest}", trip.region_id);
    }

    for order in orders.iter().filter(|o| o.state == OrderState::Cancelled) {
        let Some((first, last)) = order_days(order) else {
            continue;
        };
        if let Some(trip) = trips
            .iter_mut()
            .find(|t| t.region_id == order.region_id && touches(t, first, last))
        {
            trip.order_ids.push(order.id);
        }
    }
    for trip in &mut trips {
        trip.order_ids.sort_unstable();
        trip.order_ids.dedup();
    }
    trips.sort_by(|a, b| (a.first_day, &a.region_id).cmp(&(b.first_day, &b.region_id)));
    trips
}

fn makes_trip(state: OrderState) -> bool {
    matches!(
        state,
        OrderState::AwaitingPayment | OrderState::Confirmed | OrderState::PartlyConfirmed
    )
}

/// Whether the days `first..=last` overlap the trip's or are next to them.
fn touches(trip: &Trip, first: NaiveDate, last: NaiveDate) -> bool {
    let after = |d: NaiveDate| d.checked_add_days(Days::new(1)).unwrap_or(d);
    first <= after(trip.last_day) && trip.first_day <= after(last)
}
