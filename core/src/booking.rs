//! Combo booking rules: checking a combo against the catalog, pricing it line by line
//! with every discount explained, refunds on cancellation, and the choice of a
//! replacement hotel. Inventory (what is left to sell) is the platform's business; these
//! rules only need the catalog, so the app prices a combo live, offline.

use chrono::{Days, NaiveDate, NaiveDateTime};
use geo::{Distance, Haversine, Point};

use crate::api::{Combo, FieldError, Quote, QuoteLine};
use crate::catalog::{
    Catalog, EntrySlot, Fen, GeoPoint, Hotel, LinkedOffer, ProductKind, RefundRule, RoomType,
    SeasonalPrice, ShuttleLine,
};
use crate::clock::ClockTime;
use crate::pricing::{self, Traveller};
use crate::text::Text;

/// Bookings open this many days ahead.
pub const BOOKING_HORIZON_DAYS: u64 = 90;
pub const MAX_PARTY: usize = 20;
pub const MAX_NIGHTS: u8 = 7;
pub const MAX_ROOMS: u8 = 10;

/// Checks `combo` for a party at the region-local moment `now` and prices it. Every
/// problem is reported at once, each naming its field, so a form can mark them all.
pub fn quote(
    catalog: &Catalog,
    combo: &Combo,
    party: &[Traveller],
    now: NaiveDateTime,
) -> Result<Quote, Vec<FieldError>> {
    let checked = check(catalog, combo, party, now)?;
    price(catalog, combo, party, &checked)
}

/// What a combo that passed every check names in the catalog.
struct Checked<'c> {
    date: NaiveDate,
    slot: Option<&'c EntrySlot>,
    stay: Option<(&'c Hotel, &'c RoomType)>,
    seats: Vec<(&'c ShuttleLine, ClockTime)>,
}

/// The problems found so far, each with its field.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn fail(&mut self, field: &str, zh: impl Into<String>, en: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: Text::new(zh, en),
        });
    }
}

/// Every check of a combo against the catalog and the clock, all problems at once.
fn check<'c>(
    catalog: &'c Catalog,
    combo: &Combo,
    party: &[Traveller],
    now: NaiveDateTime,
) -> Result<Checked<'c>, Vec<FieldError>> {
    let mut problems = Problems::default();
    let date = check_date(&mut problems, &combo.date, now);
    // Slots and departures already gone matter only on the day itself.
    let gone_by = date
        .filter(|d| *d == now.date())
        .map(|_| ClockTime::from(now.time()));
    check_party(&mut problems, party, date);
    if combo.slot_id.is_none()
        && combo.add_ons.is_empty()
        && combo.hotel.is_none()
        && combo.shuttles.is_empty()
    {
        problems.fail(
            "combo",
            "请至少选择门票、游览项目、酒店或班车中的一项",
            "Choose at least a ticket, a ride, a hotel or a shuttle",
        );
    }
    let slot = check_slot(&mut problems, catalog, combo.slot_id.as_deref(), gone_by);
    check_add_ons(&mut problems, catalog, &combo.add_ons);
    let stay = combo
        .hotel
        .as_ref()
        .and_then(|stay| check_stay(&mut problems, catalog, stay, party.len()));
    let seats = check_seats(&mut problems, catalog, &combo.shuttles, gone_by);
    match date {
        Some(date) if problems.0.is_empty() => Ok(Checked {
            date,
            slot,
            stay,
            seats,
        }),
        _ => Err(problems.0),
    }
}

fn check_date(problems: &mut Problems, date: &str, now: NaiveDateTime) -> Option<NaiveDate> {
    match crate::clock::parse_date(date) {
        None => {
            problems.fail(
                "date",
                "请选择日期（格式 YYYY-MM-DD）",
                "Choose a date (YYYY-MM-DD)",
            );
            None
        }
        Some(d) if d < now.date() => {
            problems.fail(
                "date",
                "这个日期已经过去，请选择今天或以后的日期",
                "That date has passed; choose today or a later date",
            );
            None
        }
        Some(d) if d > now.date() + Days::new(BOOKING_HORIZON_DAYS) => {
            problems.fail(
                "date",
                format!("只能预订{BOOKING_HORIZON_DAYS}天以内的日期"),
                format!("Bookings open {BOOKING_HORIZON_DAYS} days ahead at most"),
            );
            None
        }
        Some(d) => Some(d),
    }
}

fn check_party(problems: &mut Problems, party: &[Traveller], date: Option<NaiveDate>) {
    if party.is_empty() {
        problems.fail(
            "travellers",
            "请至少选择一位旅客",
            "Choose at least one traveller",
        );
    } else if party.len() > MAX_PARTY {
        problems.fail(
            "travellers",
            format!("一个订单最多{MAX_PARTY}位旅客"),
            format!("At most {MAX_PARTY} travellers per order"),
        );
    }
    if let Some(d) = date {
        for (i, t) in party.iter().enumerate() {
            if t.birth_date > d {
                problems.fail(
                    &format!("travellers[{i}]"),
                    "出生日期晚于游览日期",
                    "Born after the visit date",
                );
            }
        }
    }
}

fn check_slot<'c>(
    problems: &mut Problems,
    catalog: &'c Catalog,
    slot_id: Option<&str>,
    gone_by: Option<ClockTime>,
) -> Option<&'c EntrySlot> {
    let id = slot_id?;
    let found = catalog.slots.iter().find(|s| s.id == id);
    match found {
        None => problems.fail("slot_id", "没有这个入园时段", "There is no such entry slot"),
        Some(s) if gone_by.is_some_and(|now| s.end <= now) => problems.fail(
            "slot_id",
            format!(
                "今天{}–{}的时段已经结束，请选择更晚的时段或其他日期",
                s.start, s.end
            ),
            format!(
                "Today's {}–{} slot is over; choose a later slot or another day",
                s.start, s.end
            ),
        ),
        Some(_) => {}
    }
    found
}

fn check_add_ons(problems: &mut Problems, catalog: &Catalog, add_ons: &[String]) {
    for (i, id) in add_ons.iter().enumerate() {
        let known = catalog.cable_cars.iter().any(|c| &c.id == id)
            || catalog
                .tickets
                .iter()
                .any(|t| &t.id == id && t.kind != crate::catalog::TicketKind::Entry);
        if !known {
            problems.fail(
                &format!("add_ons[{i}]"),
                "没有这个游览项目",
                "There is no such ride or rental",
            );
        }
        if add_ons[..i].contains(id) {
            problems.fail(
                &format!("add_ons[{i}]"),
                "这个项目已经选过了",
                "This one is already chosen",
            );
        }
    }
}

fn check_stay<'c>(
    problems: &mut Problems,
    catalog: &'c Catalog,
    stay: &crate::api::HotelStay,
    people: usize,
) -> Option<(&'c Hotel, &'c RoomType)> {
    let Some(hotel) = catalog.hotels.iter().find(|h| h.id == stay.hotel_id) else {
        problems.fail("hotel.hotel_id", "没有这家酒店", "There is no such hotel");
        return None;
    };
    let Some(room) = hotel.room_types.iter().find(|r| r.id == stay.room_type_id) else {
        problems.fail(
            "hotel.room_type_id",
            "这家酒店没有这种房型",
            "This hotel has no such room type",
        );
        return None;
    };
    if !(1..=MAX_NIGHTS).contains(&stay.nights) {
        problems.fail(
            "hotel.nights",
            format!("入住晚数应为1到{MAX_NIGHTS}晚"),
            format!("Stay 1 to {MAX_NIGHTS} nights"),
        );
    }
    let beds = usize::from(stay.rooms) * usize::from(room.sleeps);
    if !(1..=MAX_ROOMS).contains(&stay.rooms) {
        problems.fail(
            "hotel.rooms",
            format!("房间数应为1到{MAX_ROOMS}间"),
            format!("Book 1 to {MAX_ROOMS} rooms"),
        );
    } else if beds < people {
        problems.fail(
            "hotel.rooms",
            format!(
                "{}间{}最多住{beds}人，但有{people}位旅客，请多订房间",
                stay.rooms, room.name.zh
            ),
            format!(
                "{} × {} sleep {beds} at most, but there are {people} travellers: book more rooms",
                stay.rooms, room.name.en
            ),
        );
    }
    Some((hotel, room))
}

fn check_seats<'c>(
    problems: &mut Problems,
    catalog: &'c Catalog,
    shuttles: &[crate::api::ShuttleSeat],
    gone_by: Option<ClockTime>,
) -> Vec<(&'c ShuttleLine, ClockTime)> {
    let mut seats = Vec::new();
    for (i, seat) in shuttles.iter().enumerate() {
        let Some(line) = catalog.shuttles.iter().find(|s| s.id == seat.line_id) else {
            problems.fail(
                &format!("shuttles[{i}].line_id"),
                "没有这条班车线路",
                "There is no such shuttle line",
            );
            continue;
        };
        if !line.timetable.departures().any(|d| d == seat.departure) {
            problems.fail(
                &format!("shuttles[{i}].departure"),
                format!("{}没有{}的班次", line.name.zh, seat.departure),
                format!("{} has no {} departure", line.name.en, seat.departure),
            );
        } else if gone_by.is_some_and(|now| seat.departure <= now) {
            problems.fail(
                &format!("shuttles[{i}].departure"),
                format!("{}的班车已经开走，请选择更晚的班次", seat.departure),
                format!(
                    "The {} shuttle has left; choose a later one",
                    seat.departure
                ),
            );
        }
        seats.push((line, seat.departure));
    }
    seats
}

/// Prices a checked combo line by line, every discount explained.
fn price(
    catalog: &Catalog,
    combo: &Combo,
    party: &[Traveller],
    checked: &Checked<'_>,
) -> Result<Quote, Vec<FieldError>> {
    let offer = checked.stay.and_then(|(hotel, _)| {
        catalog
            .linked_offers
            .iter()
            .find(|o| distance_m(hotel.location, o.anchor.location) <= f64::from(o.within_m))
    });
    let mut lines = match checked.slot {
        Some(slot) => entry_lines(catalog, party, checked.date, slot, offer)?,
        None => Vec::new(),
    };
    let people = u32::try_from(party.len()).unwrap_or(u32::MAX);
    lines.extend(add_on_lines(catalog, &combo.add_ons, checked.date, people));
    if let (Some((hotel, room)), Some(stay)) = (checked.stay, &combo.hotel) {
        lines.push(hotel_line(catalog, hotel, room, stay, checked.date));
    }
    lines.extend(shuttle_lines(
        catalog,
        &checked.seats,
        checked.date,
        people,
        offer,
    ));
    Ok(Quote {
        full_total: Fen(lines.iter().map(|l| l.full.0).sum()),
        total: Fen(lines.iter().map(|l| l.pay.0).sum()),
        offers: offer.map(|o| o.name.clone()).into_iter().collect(),
        lines,
    })
}

/// A seasonal price as of `day`.
fn seasonal(catalog: &Catalog, price: &SeasonalPrice, day: NaiveDate) -> Fen {
    let season = catalog
        .season_on(day)
        .map(|s| s.id.as_str())
        .unwrap_or_default();
    Fen::from_yuan(price.get(season).copied().unwrap_or_default())
}

/// One entry ticket per traveller, with their discount and the linked offer's.
fn entry_lines(
    catalog: &Catalog,
    party: &[Traveller],
    date: NaiveDate,
    slot: &EntrySlot,
    offer: Option<&LinkedOffer>,
) -> Result<Vec<QuoteLine>, Vec<FieldError>> {
    let Some(entry) = catalog.entry_ticket() else {
        return Ok(Vec::new());
    };
    let slot_note = Text::new(
        format!("{date} {}–{} 入园", slot.start, slot.end),
        format!("Entry {date} {}–{}", slot.start, slot.end),
    );
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (i, who) in party.iter().enumerate() {
        let priced = match pricing::price_ticket(catalog, &entry.id, date, who) {
            Ok(p) => p,
            Err(e) => {
                problems.push(FieldError {
                    field: format!("travellers[{i}]"),
                    message: Text::new(e.to_string(), e.to_string()),
                });
                continue;
            }
        };
        let mut notes = vec![slot_note.clone()];
        if let Some(d) = &priced.discount {
            notes.push(Text::new(
                format!("{}（游览日{}岁）", d.name.zh, priced.age),
                format!("{} (age {} on the day)", d.name.en, priced.age),
            ));
        }
        let mut pay = priced.pay;
        if let Some(o) = offer.filter(|o| o.ticket_percent_off > 0 && pay.0 > 0) {
            // The discount rounds up, so the tourist never pays a fen more than the rule says.
            let off = (pay.0 * i64::from(o.ticket_percent_off) + 99) / 100;
            pay = Fen(pay.0 - off);
            notes.push(Text::new(
                format!("{}：门票减{}", o.name.zh, Fen(off).display_yuan()),
                format!("{}: {} off the ticket", o.name.en, Fen(off).display_yuan()),
            ));
        }
        lines.push(QuoteLine {
            kind: ProductKind::Ticket,
            product_id: entry.id.clone(),
            name: entry.name.clone(),
            guest: u32::try_from(i).ok(),
            quantity: 1,
            full: priced.full,
            pay,
            notes,
        });
    }
    if problems.is_empty() {
        Ok(lines)
    } else {
        Err(problems)
    }
}

/// Rides and rentals, one line each for the whole party.
fn add_on_lines(
    catalog: &Catalog,
    add_ons: &[String],
    date: NaiveDate,
    people: u32,
) -> Vec<QuoteLine> {
    let mut lines = Vec::new();
    for id in add_ons {
        let (kind, name, unit) = if let Some(c) = catalog.cable_cars.iter().find(|c| &c.id == id) {
            (
                ProductKind::Lift,
                &c.name,
                seasonal(catalog, &c.price, date),
            )
        } else if let Some(t) = catalog.tickets.iter().find(|t| &t.id == id) {
            (
                ProductKind::Ticket,
                &t.name,
                seasonal(catalog, &t.price, date),
            )
        } else {
            continue;
        };
        let total = Fen(unit.0 * i64::from(people));
        lines.push(QuoteLine {
            kind,
            product_id: id.clone(),
            name: name.clone(),
            guest: None,
            quantity: people,
            full: total,
            pay: total,
            notes: vec![Text::new(
                format!("{date}，{people}人 × {}", unit.display_yuan()),
                format!("{date}, {people} × {}", unit.display_yuan()),
            )],
        });
    }
    lines
}

/// The stay: every night at its own season's price.
fn hotel_line(
    catalog: &Catalog,
    hotel: &Hotel,
    room: &RoomType,
    stay: &crate::api::HotelStay,
    date: NaiveDate,
) -> QuoteLine {
    let per_room: i64 = nights(date, stay.nights)
        .iter()
        .map(|n| seasonal(catalog, &room.price, *n).0)
        .sum();
    let total = Fen(per_room * i64::from(stay.rooms));
    let check_out = date + Days::new(u64::from(stay.nights));
    QuoteLine {
        kind: ProductKind::Hotel,
        product_id: format!("{}/{}", hotel.id, room.id),
        name: Text::new(
            format!("{} · {}", hotel.name.zh, room.name.zh),
            format!("{} · {}", hotel.name.en, room.name.en),
        ),
        guest: None,
        quantity: u32::from(stay.rooms) * u32::from(stay.nights),
        full: total,
        pay: total,
        notes: vec![Text::new(
            format!(
                "{date}入住，{check_out}离店，{}间 × {}晚",
                stay.rooms, stay.nights
            ),
            format!(
                "Check in {date}, out {check_out}: {} room(s) × {} night(s)",
                stay.rooms, stay.nights
            ),
        )],
    }
}

/// Shuttle seats for the party, free under a linked offer that says so.
fn shuttle_lines(
    catalog: &Catalog,
    seats: &[(&ShuttleLine, ClockTime)],
    date: NaiveDate,
    people: u32,
    offer: Option<&LinkedOffer>,
) -> Vec<QuoteLine> {
    let mut lines = Vec::new();
    for &(line, departure) in seats {
        let full = Fen(seasonal(catalog, &line.price, date).0 * i64::from(people));
        let mut notes = vec![Text::new(
            format!("{date} {departure}发车，{people}个座位"),
            format!("{date} {departure} departure, {people} seat(s)"),
        )];
        let pay = match offer.filter(|o| o.free_shuttle) {
            Some(o) => {
                notes.push(Text::new(
                    format!("{}：班车免费", o.name.zh),
                    format!("{}: the shuttle is free", o.name.en),
                ));
                Fen(0)
            }
            None => full,
        };
        lines.push(QuoteLine {
            kind: ProductKind::Shuttle,
            product_id: format!("{}@{departure}", line.id),
            name: line.name.clone(),
            guest: None,
            quantity: people,
            full,
            pay,
            notes,
        });
    }
    lines
}

/// The nights of a stay, by the date each starts.
pub fn nights(check_in: NaiveDate, count: u8) -> Vec<NaiveDate> {
    (0..u64::from(count))
        .filter_map(|n| check_in.checked_add_days(Days::new(n)))
        .collect()
}

/// Great-circle distance in metres.
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat))
}

/// How much of `paid` goes back when cancelling at region-local `now`, for a product
/// starting at `starts` (the visit day's slot, check-in, departure). No rule: nothing.
pub fn refund_due(
    rule: Option<&RefundRule>,
    paid: Fen,
    starts: NaiveDateTime,
    now: NaiveDateTime,
) -> Fen {
    let Some(rule) = rule else {
        return Fen(0);
    };
    let deadline = starts
        .date()
        .checked_sub_days(Days::new(u64::from(rule.days_before)))
        .map(|d| d.and_time(rule.until.to_naive()));
    match deadline {
        Some(deadline) if now <= deadline => paid,
        _ if now < starts => Fen(paid.0 * i64::from(rule.late_percent) / 100),
        _ => Fen(0),
    }
}

/// Hotels that can stand in for `hotel_id` when it cannot honour a booking: the same
/// grade, in the same area, nearest first.
pub fn same_grade_alternatives<'a>(catalog: &'a Catalog, hotel_id: &str) -> Vec<&'a Hotel> {
    let Some(original) = catalog.hotels.iter().find(|h| h.id == hotel_id) else {
        return Vec::new();
    };
    let mut others: Vec<&Hotel> = catalog
        .hotels
        .iter()
        .filter(|h| h.id != hotel_id && h.grade == original.grade && h.area == original.area)
        .collect();
    others.sort_by(|a, b| {
        distance_m(a.location, original.location)
            .total_cmp(&distance_m(b.location, original.location))
    });
    others
}

#[cfg(test)]
mod tests;
