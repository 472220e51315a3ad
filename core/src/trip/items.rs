//! From bookings to timeline items: where and when each booked thing happens, and what
//! the item shows.
//!
//! Entry slots, shuttle departures and hotel check-in and check-out have booked times.
//! Rides and rentals do not: the timeline estimates them from the rest of the day (see
//! [`ride_times`] and [`pick_up_time`]) and marks them `estimated`.

use chrono::{Days, Duration, NaiveDate, NaiveDateTime};

use super::booked::{Booked, Booking, bookings};
use super::walk::{Spot, minutes_between};
use crate::api::{GateRef, ItemKind, Order, RideDirection, TimelineItem};
use crate::booking::distance_m;
use crate::catalog::{
    CableCar, Catalog, EntrySlot, Gate, GeoPoint, Hotel, HotelArea, RoomType, ShuttleLine,
    TicketProduct,
};
use crate::clock::ClockTime;
use crate::text::Text;

/// How near a shuttle line's first stop its boarding gate stands, to be where it boards.
const BOARDING_GATE_M: f64 = 300.0;

/// A rental is picked up at this hour on a day with no entry slot or shuttle to go by.
pub const DEFAULT_PICK_UP: (u32, u32) = (8, 0);

/// A ride down is placed this many minutes before the lift's last car: late enough for a
/// day on top, early enough that the last car is never missed.
pub const DOWN_RIDE_MARGIN_MIN: i64 = 60;

/// A timeline item with where the party is once it is over (the top of a ride up, the
/// end of a shuttle line), for the walk to the next item.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    pub item: TimelineItem,
    pub exit: Option<Spot>,
}

impl Placed {
    /// Where the item begins.
    pub fn entry(&self) -> Option<Spot> {
        self.item.location.map(|at| Spot {
            at,
            elevation_m: self.item.elevation_m,
        })
    }
}

/// Every item of the orders, in time order.
pub(super) fn build(orders: &[Order], catalog: &Catalog) -> Vec<Placed> {
    // By order id, so that rides chain the same way whatever order the orders came in.
    let mut by_id: Vec<&Order> = orders.iter().collect();
    by_id.sort_by_key(|o| o.id);
    let bookings: Vec<Booking<'_, '_>> = by_id.iter().flat_map(|o| bookings(o, catalog)).collect();
    let day = Day {
        catalog,
        bookings: &bookings,
    };
    let mut placed: Vec<Placed> = Vec::new();
    let mut rides_done: Vec<NaiveDate> = Vec::new();
    for b in &bookings {
        match &b.what {
            Booked::Entry(slot) => placed.push(day.entry(b, slot)),
            Booked::Rental(product) => placed.push(day.rental(b, product)),
            Booked::Shuttle {
                line,
                departure,
                nth,
            } => placed.push(day.shuttle(b, line, *departure, *nth)),
            Booked::Stay {
                hotel,
                room,
                rooms,
                nights,
            } => placed.extend(day.stay(b, hotel, *room, *rooms, *nights)),
            Booked::Ride(_) if !rides_done.contains(&b.date) => {
                rides_done.push(b.date);
                placed.extend(day.rides(b.date));
            }
            Booked::Ride(_) => {}
        }
    }
    placed.sort_by(|a, b| time_order(&a.item).cmp(&time_order(&b.item)));
    placed
}

/// How the timeline orders items: by start, then (at the same minute) by [`rank`].
pub(super) fn time_order(item: &TimelineItem) -> (NaiveDateTime, u8, &str) {
    (item.start, rank(&item.kind), &item.id)
}

/// Among items at the same minute: leave the hotel, board, enter, pick up, ride, check in,
/// and the tourist's own visits last.
fn rank(kind: &ItemKind) -> u8 {
    match kind {
        ItemKind::HotelCheckOut { .. } => 0,
        ItemKind::Shuttle { .. } => 1,
        ItemKind::Entry { .. } => 2,
        ItemKind::Rental { .. } => 3,
        ItemKind::Ride { .. } => 4,
        ItemKind::HotelCheckIn { .. } => 5,
        ItemKind::Visit { .. } => 6,
    }
}

/// The trip's bookings seen by day: how the party arrives, where they ride first, where
/// they slept. Only bookings that are on count.
struct Day<'a, 'o, 'c> {
    catalog: &'c Catalog,
    bookings: &'a [Booking<'o, 'c>],
}

impl<'c> Day<'_, '_, 'c> {
    fn on(&self, date: NaiveDate) -> impl Iterator<Item = &Booking<'_, 'c>> {
        self.bookings
            .iter()
            .filter(move |b| b.date == date && b.on())
    }

    /// Shuttle arrivals of the day: when and where.
    fn arrivals(&self, date: NaiveDate) -> Vec<(NaiveDateTime, GeoPoint)> {
        let mut all: Vec<(NaiveDateTime, GeoPoint)> = self
            .on(date)
            .filter_map(|b| match &b.what {
                Booked::Shuttle {
                    line, departure, ..
                } => Some((
                    at(date, *departure) + Duration::minutes(i64::from(line.ride_minutes)),
                    line.to.location,
                )),
                _ => None,
            })
            .collect();
        all.sort_by_key(|a| a.0);
        all
    }

    /// The day's earliest entry slot.
    fn first_entry(&self, date: NaiveDate) -> Option<&'c EntrySlot> {
        self.on(date)
            .filter_map(|b| match b.what {
                Booked::Entry(slot) => Some(slot),
                _ => None,
            })
            .min_by_key(|s| s.start)
    }

    /// When and where the party stands at the gate on `date`: once the day's first entry
    /// slot has opened and their shuttle (the last one arriving by the slot's end) has
    /// arrived and they have walked from its stop. With no entry that day: as the first
    /// shuttle arrives, at its stop.
    fn at_gate(&self, date: NaiveDate) -> Option<(NaiveDateTime, Option<Spot>)> {
        let spot = |at: GeoPoint| Spot {
            at,
            elevation_m: None,
        };
        let arrivals = self.arrivals(date);
        let Some(slot) = self.first_entry(date) else {
            return arrivals.first().map(|(t, p)| (*t, Some(spot(*p))));
        };
        let (opens, closes) = (at(date, slot.start), at(date, slot.end));
        let product = self.catalog.entry_ticket().map_or("", |t| t.id.as_str());
        let gate = self
            .gates(product, date, closes)
            .1
            .map(|g| spot(g.location));
        let reach = arrivals
            .iter()
            .rfind(|(t, _)| *t <= closes)
            .map(|(t, stop)| {
                *t + Duration::minutes(i64::from(minutes_between(Some(spot(*stop)), gate)))
            });
        Some((reach.map_or(opens, |r| r.max(opens)), gate))
    }

    /// Where the party likely comes from to reach a gate by `by`: the stop of the last
    /// shuttle arriving by then, else the lower station of the day's first ride.
    fn approach(&self, date: NaiveDate, by: NaiveDateTime) -> Option<GeoPoint> {
        let by_shuttle = self
            .arrivals(date)
            .into_iter()
            .rfind(|(t, _)| *t <= by)
            .map(|(_, p)| p);
        by_shuttle.or_else(|| {
            self.on(date).find_map(|b| match b.what {
                Booked::Ride(lift) => Some(lift.lower.location),
                _ => None,
            })
        })
    }

    /// The gates that admit `product`, and the one the party will likely use: the only
    /// one, else the nearest to where they come from; `None` when that is unknown.
    fn gates(
        &self,
        product: &str,
        date: NaiveDate,
        by: NaiveDateTime,
    ) -> (Vec<&'c Gate>, Option<&'c Gate>) {
        let gates: Vec<&Gate> = self
            .catalog
            .gates
            .iter()
            .filter(|g| g.admits.iter().any(|a| a == product))
            .collect();
        let chosen = match gates.as_slice() {
            [only] => Some(*only),
            _ => self.approach(date, by).and_then(|from| {
                gates.iter().copied().min_by(|a, b| {
                    distance_m(a.location, from).total_cmp(&distance_m(b.location, from))
                })
            }),
        };
        (gates, chosen)
    }

    fn entry(&self, b: &Booking<'_, 'c>, slot: &EntrySlot) -> Placed {
        let product = self.catalog.entry_ticket().map_or("", |t| t.id.as_str());
        let end = at(b.date, slot.end);
        let (gates, chosen) = self.gates(product, b.date, end);
        let kind = ItemKind::Entry {
            slot_id: slot.id.clone(),
            gates: gates
                .iter()
                .map(|g| GateRef {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    location: g.location,
                })
                .collect(),
        };
        let title = Text::new(
            format!("入园（{}–{}）", slot.start, slot.end),
            format!("Entry ({}–{})", slot.start, slot.end),
        );
        let mut item = b.item("entry", kind, title, at(b.date, slot.start));
        item.end = Some(end);
        place_at_gate(&mut item, &gates, chosen);
        item.what_to_bring = vec![bring_pass(), bring_id_entry()];
        let exit = item.location.map(|at| Spot {
            at,
            elevation_m: None,
        });
        Placed { item, exit }
    }

    /// A rental is picked up at the gate as the party gets there (see [`Day::at_gate`]);
    /// on a day with no entry or shuttle, at [`DEFAULT_PICK_UP`].
    fn rental(&self, b: &Booking<'_, 'c>, product: &TicketProduct) -> Placed {
        let start = pick_up_time(self, b.date);
        let (gates, chosen) = self.gates(&product.id, b.date, start);
        let title = Text::new(
            format!("领取{}", product.name.zh),
            format!("Pick up: {}", product.name.en),
        );
        let kind = ItemKind::Rental {
            product_id: product.id.clone(),
        };
        let mut item = b.item(&format!("rental-{}", product.id), kind, title, start);
        item.estimated = true;
        place_at_gate(&mut item, &gates, chosen);
        item.what_to_bring = vec![bring_pass()];
        let exit = item.location.map(|at| Spot {
            at,
            elevation_m: None,
        });
        Placed { item, exit }
    }

    fn shuttle(
        &self,
        b: &Booking<'_, 'c>,
        line: &ShuttleLine,
        departure: ClockTime,
        nth: usize,
    ) -> Placed {
        let boarding_gate = self
            .catalog
            .gates
            .iter()
            .filter(|g| g.admits.contains(&line.id))
            .min_by(|a, b| {
                distance_m(a.location, line.from.location)
                    .total_cmp(&distance_m(b.location, line.from.location))
            });
        let boarding = boarding_gate.map_or_else(|| line.from.name.clone(), |g| g.name.clone());
        let seats = b
            .standing
            .sub
            .into_iter()
            .flat_map(|s| &s.lines)
            .find(|l| l.product_id == format!("{}@{departure}", line.id))
            .map_or(0, |l| l.quantity);
        let kind = ItemKind::Shuttle {
            line_id: line.id.clone(),
            line: line.name.clone(),
            boarding,
            destination: line.to.name.clone(),
            seats,
            vehicle: b.standing.sub.and_then(|s| s.vehicle.clone()),
        };
        let what = match nth {
            1 => format!("shuttle-{}", line.id),
            n => format!("shuttle-{}-{n}", line.id),
        };
        let start = at(b.date, departure);
        let mut item = b.item(&what, kind, line.name.clone(), start);
        item.end = Some(start + Duration::minutes(i64::from(line.ride_minutes)));
        item.place = line.from.name.clone();
        item.location = Some(line.from.location);
        // Only a gate where the line boards: one that admits the line somewhere else is
        // no place to send the party.
        item.guide_place = boarding_gate
            .filter(|g| distance_m(g.location, line.from.location) <= BOARDING_GATE_M)
            .map(|g| g.id.clone());
        item.what_to_bring = vec![bring_pass()];
        let exit = Some(Spot {
            at: line.to.location,
            elevation_m: None,
        });
        Placed { item, exit }
    }

    /// Check-in on the booked date at the hotel's time, check-out `nights` later.
    fn stay(
        &self,
        b: &Booking<'_, 'c>,
        hotel: &Hotel,
        room: Option<&RoomType>,
        rooms: u8,
        nights: u8,
    ) -> Vec<Placed> {
        let address = address(self.catalog, hotel);
        let check_in = b.item(
            "hotel-in",
            ItemKind::HotelCheckIn {
                hotel_id: hotel.id.clone(),
                hotel: hotel.name.clone(),
                room_type: room.map(|r| r.name.clone()),
                rooms,
                nights,
                address: address.clone(),
            },
            Text::new(
                format!("入住{}", hotel.name.zh),
                format!("Check in at {}", hotel.name.en),
            ),
            at(b.date, hotel.check_in),
        );
        let out_day = b
            .date
            .checked_add_days(Days::new(u64::from(nights)))
            .unwrap_or(b.date);
        let check_out = b.item(
            "hotel-out",
            ItemKind::HotelCheckOut {
                hotel_id: hotel.id.clone(),
                hotel: hotel.name.clone(),
                address,
            },
            Text::new(
                format!("{}退房", hotel.name.zh),
                format!("Check out of {}", hotel.name.en),
            ),
            at(out_day, hotel.check_out),
        );
        let spot = Spot {
            at: hotel.location,
            elevation_m: Some(hotel.elevation_m),
        };
        [check_in, check_out]
            .into_iter()
            .map(|mut item| {
                item.place = hotel.name.clone();
                item.location = Some(hotel.location);
                item.guide_place = Some(hotel.id.clone());
                item.elevation_m = Some(hotel.elevation_m);
                if matches!(item.kind, ItemKind::HotelCheckIn { .. }) {
                    item.what_to_bring = vec![bring_id_hotel()];
                }
                Placed {
                    item,
                    exit: Some(spot),
                }
            })
            .collect()
    }

    /// The day's rides, at the times [`ride_times`] gives them.
    fn rides(&self, date: NaiveDate) -> Vec<Placed> {
        ride_times(self, date)
            .into_iter()
            .map(|(b, lift, start, direction)| {
                let (from, to) = match direction {
                    RideDirection::Up => (&lift.lower, &lift.upper),
                    RideDirection::Down => (&lift.upper, &lift.lower),
                };
                let (zh, en, boards_at) = match direction {
                    RideDirection::Up => ("上行", "up", "lower"),
                    RideDirection::Down => ("下行", "down", "upper"),
                };
                let kind = ItemKind::Ride {
                    lift_id: lift.id.clone(),
                    lift_kind: lift.kind,
                    lower: lift.lower.name.clone(),
                    upper: lift.upper.name.clone(),
                    direction,
                };
                let title = Text::new(
                    format!("{}（{zh}）", lift.name.zh),
                    format!("{} ({en})", lift.name.en),
                );
                let mut item = b.item(&format!("ride-{}", lift.id), kind, title, start);
                item.end = Some(start + Duration::minutes(i64::from(lift.ride_minutes)));
                item.estimated = true;
                item.place = from.name.clone();
                item.location = Some(from.location);
                item.elevation_m = Some(from.elevation_m);
                item.guide_place = Some(crate::guide::station_id(&lift.id, boards_at));
                item.what_to_bring = vec![bring_pass()];
                let exit = Some(Spot {
                    at: to.location,
                    elevation_m: Some(to.elevation_m),
                });
                Placed { item, exit }
            })
            .collect()
    }
}

/// When a day's rides happen, none of them booked at a time:
///
/// - They go in the order booked (the combo's add-ons; across orders, by order id).
/// - The party starts the day below, unless they slept in a summit hotel: the first ride
///   then goes up, and each next one the other way.
/// - A ride up leaves once the party can walk to the lower station from where they
///   start the day (the gate as they get there, see [`Day::at_gate`]), else as the lift
///   opens; never before it opens.
/// - A ride down comes after a day on top: [`DOWN_RIDE_MARGIN_MIN`] before the lift's last
///   car, or as soon as the party can reach the station, whichever is later.
/// - No ride leaves after the last car would arrive at the other end.
///
/// Rides that are cancelled or failed get a time by the same rules but leave the
/// party where it was.
fn ride_times<'a, 'o, 'c>(
    day: &'a Day<'_, 'o, 'c>,
    date: NaiveDate,
) -> Vec<(
    &'a Booking<'o, 'c>,
    &'c CableCar,
    NaiveDateTime,
    RideDirection,
)> {
    let start_from = day.at_gate(date);
    let slept_on_top = day.bookings.iter().any(|b| match b.what {
        Booked::Stay { hotel, nights, .. } => {
            let out = b.date.checked_add_days(Days::new(u64::from(nights)));
            b.on() && hotel.area == HotelArea::Summit && b.date < date && out >= Some(date)
        }
        _ => false,
    });
    let mut here = start_from;
    let mut on_top = slept_on_top;
    let mut out = Vec::new();
    for b in day.bookings.iter().filter(|b| b.date == date) {
        let Booked::Ride(lift) = b.what else {
            continue;
        };
        let direction = if on_top {
            RideDirection::Down
        } else {
            RideDirection::Up
        };
        let (board, alight) = match direction {
            RideDirection::Up => (&lift.lower, &lift.upper),
            RideDirection::Down => (&lift.upper, &lift.lower),
        };
        let board_spot = Spot {
            at: board.location,
            elevation_m: Some(board.elevation_m),
        };
        let (open, close) = day.catalog.lift_hours(lift, date);
        let ride = Duration::minutes(i64::from(lift.ride_minutes));
        let reach = here.map(|(t, spot)| {
            t + Duration::minutes(i64::from(minutes_between(spot, Some(board_spot))))
        });
        let wanted = match direction {
            RideDirection::Up => reach.unwrap_or(open),
            RideDirection::Down => {
                let late = close - ride - Duration::minutes(DOWN_RIDE_MARGIN_MIN);
                reach.map_or(late, |r| r.max(late))
            }
        };
        let start = wanted.min(close - ride).max(open);
        out.push((b, lift, start, direction));
        if b.on() {
            here = Some((
                start + ride,
                Some(Spot {
                    at: alight.location,
                    elevation_m: Some(alight.elevation_m),
                }),
            ));
            on_top = !on_top;
        }
    }
    out
}

/// When a rental is picked up on `date` (see [`Day::rental`]).
fn pick_up_time(day: &Day<'_, '_, '_>, date: NaiveDate) -> NaiveDateTime {
    let (h, m) = DEFAULT_PICK_UP;
    let default = date.and_hms_opt(h, m, 0).unwrap_or_default();
    day.at_gate(date).map_or(default, |(t, _)| t)
}

/// Puts an item at its chosen gate, or names every gate when which one is not known.
fn place_at_gate(item: &mut TimelineItem, gates: &[&Gate], chosen: Option<&Gate>) {
    match chosen {
        Some(g) => {
            item.place = g.name.clone();
            item.location = Some(g.location);
            item.guide_place = Some(g.id.clone());
        }
        None => item.place = any_of(gates.iter().map(|g| &g.name)),
    }
}

/// "A、B或C" / "A, B or C".
fn any_of<'t>(names: impl Iterator<Item = &'t Text>) -> Text {
    let names: Vec<&Text> = names.collect();
    let join = |pick: fn(&Text) -> &str, sep: &str, or: &str| match names.split_last() {
        None => String::new(),
        Some((last, [])) => pick(last).to_owned(),
        Some((last, rest)) => {
            let head: Vec<&str> = rest.iter().map(|t| pick(t)).collect();
            format!("{}{or}{}", head.join(sep), pick(last))
        }
    };
    Text::new(join(|t| &t.zh, "、", "或"), join(|t| &t.en, ", ", " or "))
}

/// The catalog has no street addresses: a hotel's address is its area (on the mountain,
/// or in the gateway town) and the nearest landmark (a sight or a gate).
fn address(catalog: &Catalog, hotel: &Hotel) -> Text {
    let landmarks = catalog
        .sights
        .iter()
        .map(|s| (&s.name, s.location))
        .chain(catalog.gates.iter().map(|g| (&g.name, g.location)));
    let near = landmarks
        .min_by(|a, b| distance_m(a.1, hotel.location).total_cmp(&distance_m(b.1, hotel.location)))
        .map(|(name, _)| name);
    let region = &catalog.region.name;
    let (zh, en) = match hotel.area {
        HotelArea::Summit => (
            format!("{}山上", region.zh),
            format!("On the mountain, {}", region.en),
        ),
        HotelArea::Town => (
            format!("{}山下镇区", region.zh),
            format!("In the town below {}", region.en),
        ),
    };
    match near {
        Some(near) => Text::new(
            format!("{zh}，近{}", near.zh),
            format!("{en}, near {}", near.en),
        ),
        None => Text::new(zh, en),
    }
}

fn at(date: NaiveDate, time: ClockTime) -> NaiveDateTime {
    date.and_time(time.to_naive())
}

fn bring_pass() -> Text {
    Text::new(
        "通游电子票（无网络也能打开）",
        "Your Tongyou pass (opens offline)",
    )
}

fn bring_id_entry() -> Text {
    Text::new(
        "每位游客的身份证件（实名制入园）",
        "Every traveller's ID card or passport (real-name entry)",
    )
}

fn bring_id_hotel() -> Text {
    Text::new(
        "每位入住客人的身份证件（入住登记）",
        "Every guest's ID card or passport (hotel registration)",
    )
}
