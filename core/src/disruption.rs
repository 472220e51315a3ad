//! Disruptions: checking what an operator posts, finding what of an order it hits, and
//! the ways out (delay one day, swap, refund) with their money to the fen.
//!
//! Inventory is the platform's: the ways out here are candidates, and the caller says
//! through `fits` which new bookings the live inventory can take. A way out it cannot
//! take is not offered; the refund always is.

use chrono::{Days, Duration, NaiveDate, NaiveDateTime};

use crate::api::{
    Combo, DisruptionKind, DisruptionRequest, FieldError, Order, OrderState, ShuttleSeat,
    SubOrderState, WayOut, WayOutKind,
};
use crate::booking::{nights, quote, same_grade_alternatives};
use crate::catalog::{CableCar, Catalog, EntrySlot, Fen, ProductKind};
use crate::clock::{ClockTime, parse_date};
use crate::pricing::Traveller;
use crate::text::Text;

/// Compensation for a hotel that cannot honour a night: this share of the stay.
pub const HOTEL_COMPENSATION_PERCENT: i64 = 10;
/// The longest delay an operator can post for one departure.
pub const MAX_DELAY_MINUTES: u16 = 12 * 60;
/// Ways out are open at most this long, and close this long before the first hit item.
pub const DECIDE_WITHIN: Duration = Duration::hours(24);
pub const CLOSE_BEFORE: Duration = Duration::hours(1);
/// ...but never sooner than this after they are offered.
pub const AT_LEAST: Duration = Duration::minutes(30);

/// A disruption as the rules read it: what, over which range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub kind: DisruptionKind,
    pub window: Window,
}

/// A disruption's time range, region-local, `from < to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
}

impl Window {
    fn overlaps(&self, from: NaiveDateTime, to: NaiveDateTime) -> bool {
        self.from < to && from < self.to
    }

    fn contains(&self, at: NaiveDateTime) -> bool {
        self.from <= at && at < self.to
    }
}

/// Parses a region-local `YYYY-MM-DDTHH:MM`.
pub fn parse_local(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").ok()
}

/// Checks what an operator posts at region-local `now`: every problem at once, each
/// naming its field, so the operator page can mark them and keep what was typed.
pub fn check(
    catalog: &Catalog,
    request: &DisruptionRequest,
    now: NaiveDateTime,
) -> Result<Window, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut fail = |field: &str, zh: String, en: String| {
        problems.push(FieldError::new(field, zh, en));
    };
    let from = parse_local(&request.from);
    let to = parse_local(&request.to);
    if from.is_none() {
        fail(
            "from",
            "开始时间格式应为 YYYY-MM-DDTHH:MM".into(),
            "The start must be YYYY-MM-DDTHH:MM".into(),
        );
    }
    if to.is_none() {
        fail(
            "to",
            "结束时间格式应为 YYYY-MM-DDTHH:MM".into(),
            "The end must be YYYY-MM-DDTHH:MM".into(),
        );
    }
    if let (Some(from), Some(to)) = (from, to)
        && to <= from
    {
        fail(
            "to",
            "结束时间必须晚于开始时间".into(),
            "The end must be after the start".into(),
        );
    }
    if to.is_some_and(|to| to <= now) {
        fail(
            "to",
            "这个时间段已经过去".into(),
            "This time range is already over".into(),
        );
    }
    if request.reason.zh.trim().is_empty() || request.reason.en.trim().is_empty() {
        fail(
            "reason",
            "请用中文和英文写明原因".into(),
            "Give the reason in Chinese and in English".into(),
        );
    }
    let unknown = |what_zh: &str, what_en: &str, id: &str| {
        (
            format!("没有这个{what_zh}：{id}"),
            format!("There is no {what_en} `{id}` in this region"),
        )
    };
    match &request.kind {
        DisruptionKind::AreaClosed => {}
        DisruptionKind::SightClosed { sight_id } => {
            if !catalog.sights.iter().any(|s| &s.id == sight_id) {
                let (zh, en) = unknown("景点", "sight", sight_id);
                fail("sight_id", zh, en);
            }
        }
        DisruptionKind::LiftStopped { lift_id } => {
            if lift(catalog, lift_id).is_none() {
                let (zh, en) = unknown("索道", "lift", lift_id);
                fail("lift_id", zh, en);
            }
        }
        DisruptionKind::GateClosed { gate_id } => {
            if catalog.gate(gate_id).is_none() {
                let (zh, en) = unknown("入口", "gate", gate_id);
                fail("gate_id", zh, en);
            }
        }
        DisruptionKind::HotelUnavailable { hotel_id } => {
            if !catalog.hotels.iter().any(|h| &h.id == hotel_id) {
                let (zh, en) = unknown("酒店", "hotel", hotel_id);
                fail("hotel_id", zh, en);
            }
        }
        DisruptionKind::ShuttleDelayed {
            line_id, departure, ..
        }
        | DisruptionKind::ShuttleCancelled { line_id, departure } => {
            match catalog.shuttles.iter().find(|l| &l.id == line_id) {
                None => {
                    let (zh, en) = unknown("班车线路", "shuttle line", line_id);
                    fail("line_id", zh, en);
                }
                Some(line) if !line.timetable.departures().any(|d| d == *departure) => fail(
                    "departure",
                    format!("这条线路没有 {departure} 的班次"),
                    format!("This line has no {departure} departure"),
                ),
                Some(_) => {}
            }
            if let DisruptionKind::ShuttleDelayed { minutes, .. } = &request.kind
                && !(1..=MAX_DELAY_MINUTES).contains(minutes)
            {
                fail(
                    "minutes",
                    format!("延误应为 1 到 {MAX_DELAY_MINUTES} 分钟"),
                    format!("A delay is 1 to {MAX_DELAY_MINUTES} minutes"),
                );
            }
        }
    }
    match (from, to) {
        (Some(from), Some(to)) if problems.is_empty() => Ok(Window { from, to }),
        _ => Err(problems),
    }
}

/// What a disruption hits in one order: the lines (`kind:product_id`) to refund or
/// replace, and why, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub lines: Vec<String>,
    pub why: Text,
    /// When the first hit thing starts (region-local): ways out close before it.
    pub first_start: NaiveDateTime,
    /// The trip no longer makes sense as booked (no entry): the refund is of the whole
    /// order and the delay moves all of it.
    pub whole_order: bool,
}

/// What the order booked, as the disruption rules need it.
struct Booked<'c> {
    date: NaiveDate,
    combo: &'c Combo,
    slot: Option<&'c EntrySlot>,
}

/// The key of a quote line: `kind:product_id`.
pub fn line_key(kind: ProductKind, product_id: &str) -> String {
    let kind = match kind {
        ProductKind::Ticket => "ticket",
        ProductKind::Lift => "lift",
        ProductKind::Hotel => "hotel",
        ProductKind::Shuttle => "shuttle",
    };
    format!("{kind}:{product_id}")
}

fn lift<'c>(catalog: &'c Catalog, id: &str) -> Option<&'c CableCar> {
    catalog.cable_cars.iter().find(|c| c.id == id)
}

fn at(date: NaiveDate, time: ClockTime) -> NaiveDateTime {
    date.and_time(time.to_naive())
}

/// Whether an order still holds something a disruption can hit: paid, not cancelled.
fn live(order: &Order) -> bool {
    matches!(
        order.state,
        OrderState::Confirmed | OrderState::PartlyConfirmed
    )
}

/// The lines of the order's sub-orders that are still on (confirmed or adjusted).
fn on_lines(order: &Order) -> impl Iterator<Item = (ProductKind, &str, Fen)> {
    order
        .sub_orders
        .iter()
        .filter(|s| matches!(s.state, SubOrderState::Confirmed | SubOrderState::Adjusted))
        .flat_map(|s| s.lines.iter())
        .map(|l| (l.kind, l.product_id.as_str(), l.pay))
}

fn has_line(order: &Order, kind: ProductKind, product_id: &str) -> bool {
    on_lines(order).any(|(k, p, _)| k == kind && p == product_id)
}

/// When the order's shuttle seat on `seat` gets the tourist to the gate.
fn arrives(
    catalog: &Catalog,
    date: NaiveDate,
    seat: &ShuttleSeat,
    late: u16,
) -> Option<NaiveDateTime> {
    let line = catalog.shuttles.iter().find(|l| l.id == seat.line_id)?;
    Some(at(date, seat.departure) + Duration::minutes(i64::from(line.ride_minutes + late)))
}

/// What `kind` over `window` hits in `order`; `None` when nothing it booked is touched.
pub fn hit(catalog: &Catalog, posted: &Posted, order: &Order) -> Option<Hit> {
    let (kind, window) = (&posted.kind, posted.window);
    if !live(order) || order.region_id != catalog.region.id {
        return None;
    }
    let combo = order.combo.as_ref()?;
    let date = parse_date(&combo.date)?;
    let booked = Booked {
        date,
        combo,
        slot: combo
            .slot_id
            .as_deref()
            .and_then(|id| catalog.slots.iter().find(|s| s.id == id)),
    };
    let entry = catalog.entry_ticket().map(|t| t.id.as_str());
    let entry_on = |o: &Order| entry.is_some_and(|e| has_line(o, ProductKind::Ticket, e));
    let slot_range = booked.slot.map(|s| (at(date, s.start), at(date, s.end)));
    match kind {
        DisruptionKind::AreaClosed => {
            let (start, end) = slot_range.filter(|_| entry_on(order))?;
            if !window.overlaps(start, end) {
                return None;
            }
            Some(Hit {
                lines: visit_lines(order),
                why: Text::new(
                    format!("风景区在您游览的 {} 关闭", booked.combo.date),
                    format!(
                        "The scenic area is closed on {}, your visit day",
                        booked.combo.date
                    ),
                ),
                first_start: first_of(catalog, &booked).unwrap_or(start),
                whole_order: true,
            })
        }
        // A sight is not booked: the planner and the timeline say it, no order is hit.
        DisruptionKind::SightClosed { .. } => None,
        DisruptionKind::LiftStopped { lift_id } => {
            let lift = lift(catalog, lift_id)?;
            if !has_line(order, ProductKind::Lift, lift_id) {
                return None;
            }
            let (open, close) = catalog.lift_hours(lift, date);
            if !window.overlaps(open, close) {
                return None;
            }
            Some(Hit {
                lines: vec![line_key(ProductKind::Lift, lift_id)],
                why: Text::new(
                    format!("{}停运", lift.name.zh),
                    format!("The {} has stopped", lift.name.en),
                ),
                first_start: open,
                whole_order: false,
            })
        }
        DisruptionKind::GateClosed { gate_id } => {
            let gate = catalog.gate(gate_id)?;
            // Only what no other gate admits is hit.
            let stranded: Vec<&String> = gate
                .admits
                .iter()
                .filter(|p| {
                    !catalog
                        .gates
                        .iter()
                        .any(|g| g.id != gate.id && g.admits.contains(p))
                })
                .collect();
            let mut lines = Vec::new();
            let mut first = None::<NaiveDateTime>;
            for product in stranded {
                if entry == Some(product.as_str()) && entry_on(order) {
                    let (start, end) = slot_range?;
                    if window.overlaps(start, end) {
                        lines = visit_lines(order);
                        first = Some(start);
                        break;
                    }
                } else if let Some(l) = lift(catalog, product)
                    && has_line(order, ProductKind::Lift, product)
                {
                    let (open, close) = catalog.lift_hours(l, date);
                    if window.overlaps(open, close) {
                        lines.push(line_key(ProductKind::Lift, product));
                        first = Some(first.map_or(open, |f| f.min(open)));
                    }
                }
            }
            let whole_order = lines
                .iter()
                .any(|l| Some(l.as_str()) == entry.map(|e| format!("ticket:{e}")).as_deref());
            Some(Hit {
                why: Text::new(
                    format!("{}关闭", gate.name.zh),
                    format!("{} is closed", gate.name.en),
                ),
                first_start: first?,
                lines,
                whole_order,
            })
        }
        DisruptionKind::ShuttleDelayed {
            line_id,
            departure,
            minutes,
        } => {
            let seat = booked_seat(combo, line_id, *departure)?;
            let leaves = at(date, seat.departure);
            if !window.contains(leaves) || !has_seat(order, seat) {
                return None;
            }
            let mut lines = vec![seat_key(seat)];
            let arrival = arrives(catalog, date, seat, *minutes)?;
            let misses = slot_range.is_some_and(|(_, end)| arrival >= end) && entry_on(order);
            let why = if misses {
                lines.push(line_key(ProductKind::Ticket, entry.unwrap_or_default()));
                Text::new(
                    format!("{departure} 的班车晚点 {minutes} 分钟，赶不上您的入园时段"),
                    format!(
                        "The {departure} shuttle runs {minutes} minutes late, after your entry slot ends"
                    ),
                )
            } else {
                Text::new(
                    format!("{departure} 的班车晚点 {minutes} 分钟"),
                    format!("The {departure} shuttle runs {minutes} minutes late"),
                )
            };
            Some(Hit {
                lines,
                why,
                first_start: leaves,
                whole_order: false,
            })
        }
        DisruptionKind::ShuttleCancelled { line_id, departure } => {
            let seat = booked_seat(combo, line_id, *departure)?;
            let leaves = at(date, seat.departure);
            if !window.contains(leaves) || !has_seat(order, seat) {
                return None;
            }
            Some(Hit {
                lines: vec![seat_key(seat)],
                why: Text::new(
                    format!("{departure} 的班车取消"),
                    format!("The {departure} shuttle is cancelled"),
                ),
                first_start: leaves,
                whole_order: false,
            })
        }
        DisruptionKind::HotelUnavailable { hotel_id } => {
            let stay = combo.hotel.as_ref().filter(|s| &s.hotel_id == hotel_id)?;
            let hotel = catalog.hotels.iter().find(|h| &h.id == hotel_id)?;
            let product = format!("{}/{}", stay.hotel_id, stay.room_type_id);
            if !has_line(order, ProductKind::Hotel, &product) {
                return None;
            }
            let hit_night = nights(date, stay.nights).into_iter().find(|night| {
                let next = night.checked_add_days(Days::new(1)).unwrap_or(*night);
                window.overlaps(at(*night, hotel.check_in), at(next, hotel.check_out))
            })?;
            Some(Hit {
                lines: vec![line_key(ProductKind::Hotel, &product)],
                why: Text::new(
                    format!("{}无法接待 {hit_night} 晚的住宿", hotel.name.zh),
                    format!("{} cannot honour the night of {hit_night}", hotel.name.en),
                ),
                first_start: at(date, hotel.check_in),
                whole_order: false,
            })
        }
    }
}

fn booked_seat<'c>(
    combo: &'c Combo,
    line_id: &str,
    departure: ClockTime,
) -> Option<&'c ShuttleSeat> {
    combo
        .shuttles
        .iter()
        .find(|s| s.line_id == line_id && s.departure == departure)
}

fn seat_product(seat: &ShuttleSeat) -> String {
    format!("{}@{}", seat.line_id, seat.departure)
}

fn seat_key(seat: &ShuttleSeat) -> String {
    line_key(ProductKind::Shuttle, &seat_product(seat))
}

fn has_seat(order: &Order, seat: &ShuttleSeat) -> bool {
    has_line(order, ProductKind::Shuttle, &seat_product(seat))
}

/// Every line of the order that is still on: what a closed area takes away (a trip
/// without its visit makes no sense).
fn visit_lines(order: &Order) -> Vec<String> {
    let mut lines: Vec<String> = on_lines(order)
        .map(|(kind, product, _)| line_key(kind, product))
        .collect();
    lines.sort();
    lines.dedup();
    lines
}

/// The earliest booked start of the order: its first departure, slot or check-in.
fn first_of(catalog: &Catalog, booked: &Booked<'_>) -> Option<NaiveDateTime> {
    let mut starts: Vec<NaiveDateTime> = booked
        .combo
        .shuttles
        .iter()
        .map(|s| at(booked.date, s.departure))
        .collect();
    starts.extend(booked.slot.map(|s| at(booked.date, s.start)));
    if let Some(stay) = &booked.combo.hotel
        && let Some(h) = catalog.hotels.iter().find(|h| h.id == stay.hotel_id)
    {
        starts.push(at(booked.date, h.check_in));
    }
    starts.into_iter().min()
}

/// The pay of the order's lines that are still on, by key.
fn pay_of(order: &Order, keys: &[String]) -> Fen {
    Fen(on_lines(order)
        .filter(|(kind, product, _)| keys.contains(&line_key(*kind, product)))
        .map(|(_, _, pay)| pay.0)
        .sum())
}

/// What is still paid for: the on lines' pay.
fn paid(order: &Order) -> Fen {
    Fen(on_lines(order).map(|(_, _, pay)| pay.0).sum())
}

/// When the ways out close: a day after they are offered at most, an hour before the
/// first hit thing starts, but not sooner than half an hour after `now`.
pub fn expires(hit: &Hit, now: NaiveDateTime) -> NaiveDateTime {
    (now + DECIDE_WITHIN)
        .min(hit.first_start - CLOSE_BEFORE)
        .max(now + AT_LEAST)
}

/// The ways out of `hit` for `order`, a party of `party`, at region-local `now`: delay or
/// swap where the rules and `fits` (the live inventory, asked for each candidate combo)
/// allow, and always the refund, last. Moves are offered only for an order whose every
/// sub-order is on as booked (a replaced hotel or a refunded part: refund only).
pub fn ways_out(
    catalog: &Catalog,
    posted: &Posted,
    order: &Order,
    hit: &Hit,
    party: &[Traveller],
    now: NaiveDateTime,
    fits: &dyn Fn(&Combo) -> bool,
) -> Vec<WayOut> {
    let (kind, window) = (&posted.kind, posted.window);
    let mut ways = Vec::new();
    let as_booked = order
        .sub_orders
        .iter()
        .all(|s| s.state == SubOrderState::Confirmed);
    if let Some(combo) = order.combo.as_ref().filter(|_| as_booked) {
        let offer = |id: &str,
                     kind: WayOutKind,
                     summary: Text,
                     new: Combo,
                     compensation_of: Option<&[String]>|
         -> Option<WayOut> {
            let priced = quote(catalog, &new, party, now).ok()?;
            if !fits(&new) {
                return None;
            }
            let difference = Fen(priced.total.0 - paid(order).0);
            let compensation = compensation_of.map_or(Fen(0), |keys| {
                Fen(pay_of(order, keys).0 * HOTEL_COMPENSATION_PERCENT / 100)
            });
            Some(WayOut {
                id: id.to_owned(),
                kind,
                summary,
                combo: Some(new),
                price_difference: difference,
                refund: Fen((-difference.0).max(0)),
                compensation,
                replaces: hit.lines.clone(),
            })
        };
        match kind {
            DisruptionKind::AreaClosed | DisruptionKind::GateClosed { .. } if hit.whole_order => {
                // The same slot a day later, else the nearest one the inventory takes.
                for new in delayed(catalog, combo, window) {
                    let day = new.date.clone();
                    let moved_slot = new.slot_id != combo.slot_id;
                    let slot = new
                        .slot_id
                        .as_deref()
                        .and_then(|id| catalog.slots.iter().find(|s| s.id == id))
                        .map(|s| format!(" {}–{}", s.start, s.end))
                        .unwrap_or_default();
                    let (zh_slot, en_slot) = if moved_slot {
                        (format!("，入园改为{slot}"), format!(", entering at{slot}"))
                    } else {
                        (String::new(), String::new())
                    };
                    let way = offer(
                        &delay_id(&new, combo),
                        WayOutKind::DelayOneDay,
                        Text::new(
                            format!(
                                "整个行程推迟一天到 {day}{zh_slot}：门票、索道、酒店和班车一起改"
                            ),
                            format!(
                                "Move the whole trip one day to {day}{en_slot}: ticket, rides, hotel and shuttle together"
                            ),
                        ),
                        new,
                        None,
                    );
                    if let Some(way) = way {
                        ways.push(way);
                        break;
                    }
                }
            }
            DisruptionKind::LiftStopped { lift_id }
            | DisruptionKind::GateClosed { gate_id: lift_id } => {
                let stopped = match kind {
                    DisruptionKind::LiftStopped { .. } => Some(lift_id.as_str()),
                    _ => None,
                };
                for old in hit.lines.iter().filter_map(|l| l.strip_prefix("lift:")) {
                    let Some(other) = other_lift(catalog, combo, old, stopped) else {
                        continue;
                    };
                    let mut new = combo.clone();
                    for a in &mut new.add_ons {
                        if a == old {
                            other.id.clone_into(a);
                        }
                    }
                    ways.extend(offer(
                        &format!("swap-{}", other.id),
                        WayOutKind::Swap,
                        Text::new(
                            format!("改乘{}", other.name.zh),
                            format!("Ride the {} instead", other.name.en),
                        ),
                        new,
                        None,
                    ));
                    break;
                }
            }
            DisruptionKind::ShuttleDelayed {
                line_id,
                departure,
                minutes,
            } => {
                // Only when the delay costs the slot: otherwise the seat still takes them.
                let misses = hit.lines.iter().any(|l| l.starts_with("ticket:"));
                if let Some(new) =
                    later_slot(catalog, combo, line_id, *departure, *minutes).filter(|_| misses)
                {
                    let slot = new.slot_id.clone().unwrap_or_default();
                    let name = catalog
                        .slots
                        .iter()
                        .find(|s| s.id == slot)
                        .map_or_else(|| slot.clone(), |s| format!("{}–{}", s.start, s.end));
                    ways.extend(offer(
                        &format!("swap-{slot}"),
                        WayOutKind::Swap,
                        Text::new(
                            format!("改到 {name} 入园，班车照常乘坐"),
                            format!("Enter in the {name} slot instead and keep the shuttle"),
                        ),
                        new,
                        None,
                    ));
                }
            }
            DisruptionKind::ShuttleCancelled { line_id, departure } => {
                if let Some(new) = next_departure(catalog, combo, line_id, *departure) {
                    let seat = new
                        .shuttles
                        .iter()
                        .find(|s| s.line_id == *line_id)
                        .map(|s| s.departure.to_string())
                        .unwrap_or_default();
                    ways.extend(offer(
                        &format!("swap-{}", seat.replace(':', "")),
                        WayOutKind::Swap,
                        Text::new(
                            format!("改乘 {seat} 的班车"),
                            format!("Take the {seat} shuttle instead"),
                        ),
                        new,
                        None,
                    ));
                }
            }
            DisruptionKind::HotelUnavailable { hotel_id } => {
                if let Some(stay) = &combo.hotel {
                    let old_room = catalog
                        .hotels
                        .iter()
                        .find(|h| &h.id == hotel_id)
                        .and_then(|h| h.room_types.iter().find(|r| r.id == stay.room_type_id));
                    for hotel in same_grade_alternatives(catalog, hotel_id) {
                        let mut rooms: Vec<_> = hotel
                            .room_types
                            .iter()
                            .filter(|r| old_room.is_none_or(|o| r.sleeps >= o.sleeps))
                            .collect();
                        // The same room type where the other hotel has one, else the smallest.
                        rooms.sort_by_key(|r| (r.id != stay.room_type_id, r.sleeps, r.id.clone()));
                        let Some(room) = rooms.first() else { continue };
                        let mut new = combo.clone();
                        if let Some(s) = &mut new.hotel {
                            hotel.id.clone_into(&mut s.hotel_id);
                            room.id.clone_into(&mut s.room_type_id);
                        }
                        let before = ways.len();
                        ways.extend(offer(
                            &format!("swap-{}", hotel.id),
                            WayOutKind::Swap,
                            Text::new(
                                format!("改住同级的{}（{}），另补偿房费的 {HOTEL_COMPENSATION_PERCENT}%", hotel.name.zh, room.name.zh),
                                format!("Stay at {} ({}), the same grade, with {HOTEL_COMPENSATION_PERCENT}% of the stay back", hotel.name.en, room.name.en),
                            ),
                            new,
                            Some(&hit.lines),
                        ));
                        if ways.len() > before {
                            break;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let refunded = if hit.whole_order {
        paid(order)
    } else {
        pay_of(order, &hit.lines)
    };
    ways.push(WayOut {
        id: "refund".into(),
        kind: WayOutKind::Refund,
        summary: if hit.whole_order {
            Text::new(
                "全额退款，取消整个订单",
                "A full refund: the whole order is cancelled",
            )
        } else {
            Text::new(
                "受影响的项目全额退款，其余照常",
                "A full refund of what is affected; the rest stays booked",
            )
        },
        combo: None,
        price_difference: Fen(0),
        refund: refunded,
        compensation: Fen(0),
        replaces: if hit.whole_order {
            visit_lines(order)
        } else {
            hit.lines.clone()
        },
    });
    ways
}

/// A delay's id: `delay` into the booked slot, `delay-{slot}` into another, so a tourist
/// who chose one never gets the other.
fn delay_id(new: &Combo, old: &Combo) -> String {
    match &new.slot_id {
        Some(slot) if new.slot_id != old.slot_id => format!("delay-{slot}"),
        _ => "delay".to_owned(),
    }
}

/// The combo one day later in each slot of that day outside the window: the booked slot
/// first, then the nearest.
fn delayed(catalog: &Catalog, combo: &Combo, window: Window) -> Vec<Combo> {
    let Some(date) = parse_date(&combo.date).and_then(|d| d.checked_add_days(Days::new(1))) else {
        return Vec::new();
    };
    let booked = combo
        .slot_id
        .as_deref()
        .and_then(|id| catalog.slots.iter().find(|s| s.id == id));
    let Some(booked) = booked else {
        // No entry slot: the day moves, nothing else to choose.
        let mut new = combo.clone();
        new.date = date.to_string();
        return vec![new];
    };
    let mut slots: Vec<&EntrySlot> = catalog
        .slots
        .iter()
        .filter(|s| !window.overlaps(at(date, s.start), at(date, s.end)))
        .collect();
    slots.sort_by_key(|s| {
        (
            s.id != booked.id,
            (i32::from(s.start.minutes()) - i32::from(booked.start.minutes())).abs(),
        )
    });
    slots
        .into_iter()
        .map(|slot| {
            let mut new = combo.clone();
            new.date = date.to_string();
            new.slot_id = Some(slot.id.clone());
            new
        })
        .collect()
}

/// Another lift open on the day: of the same kind if there is one, nearest first.
fn other_lift<'c>(
    catalog: &'c Catalog,
    combo: &Combo,
    old: &str,
    stopped: Option<&str>,
) -> Option<&'c CableCar> {
    let date = parse_date(&combo.date)?;
    let original = lift(catalog, old)?;
    let from_original =
        |c: &CableCar| crate::booking::distance_m(c.lower.location, original.lower.location);
    let mut others: Vec<&CableCar> = catalog
        .cable_cars
        .iter()
        .filter(|c| c.id != old && Some(c.id.as_str()) != stopped)
        .filter(|c| !combo.add_ons.contains(&c.id))
        .filter(|c| {
            let (open, close) = catalog.lift_hours(c, date);
            open < close
        })
        .collect();
    others.sort_by(|a, b| {
        (a.kind != original.kind)
            .cmp(&(b.kind != original.kind))
            .then_with(|| from_original(a).total_cmp(&from_original(b)))
    });
    others.into_iter().next()
}

/// The combo with the earliest later slot that the late shuttle still reaches.
fn later_slot(
    catalog: &Catalog,
    combo: &Combo,
    line_id: &str,
    departure: ClockTime,
    minutes: u16,
) -> Option<Combo> {
    let date = parse_date(&combo.date)?;
    let seat = booked_seat(combo, line_id, departure)?;
    let arrival = arrives(catalog, date, seat, minutes)?;
    let mut slots: Vec<&EntrySlot> = catalog
        .slots
        .iter()
        .filter(|s| at(date, s.end) > arrival + Duration::minutes(30))
        .filter(|s| Some(s.id.as_str()) != combo.slot_id.as_deref())
        .collect();
    slots.sort_by_key(|s| s.start);
    let slot = slots.first()?;
    let mut new = combo.clone();
    new.slot_id = Some(slot.id.clone());
    Some(new)
}

/// The combo with the next departure of the line that day, and a later slot if that
/// departure arrives after the booked slot ends.
fn next_departure(
    catalog: &Catalog,
    combo: &Combo,
    line_id: &str,
    departure: ClockTime,
) -> Option<Combo> {
    let line = catalog.shuttles.iter().find(|l| l.id == line_id)?;
    let next = line.timetable.departures().find(|d| *d > departure)?;
    let mut new = combo.clone();
    for s in &mut new.shuttles {
        if s.line_id == line_id && s.departure == departure {
            s.departure = next;
        }
    }
    let date = parse_date(&combo.date)?;
    let arrival = at(date, next) + Duration::minutes(i64::from(line.ride_minutes));
    let slot_end = combo
        .slot_id
        .as_deref()
        .and_then(|id| catalog.slots.iter().find(|s| s.id == id))
        .map(|s| at(date, s.end));
    if slot_end.is_some_and(|end| arrival >= end) {
        let mut slots: Vec<&EntrySlot> = catalog
            .slots
            .iter()
            .filter(|s| at(date, s.end) > arrival + Duration::minutes(30))
            .collect();
        slots.sort_by_key(|s| s.start);
        new.slot_id = Some(slots.first()?.id.clone());
    }
    Some(new)
}

#[cfg(test)]
mod tests;
