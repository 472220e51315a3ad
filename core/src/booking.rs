//! Combo booking rules: checking a combo against the catalog, pricing it line by line
//! with every discount explained, refunds on cancellation, and the choice of a
//! replacement hotel. Inventory (what is left to sell) is the platform's business; these
//! rules only need the catalog, so the app prices a combo live, offline.

use chrono::{Days, NaiveDate, NaiveDateTime};
use geo::{Distance, Haversine, Point};

use crate::api::{Combo, FieldError, Quote, QuoteLine};
use crate::catalog::{Catalog, Fen, GeoPoint, Hotel, ProductKind, RefundRule};
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
    let mut problems = Vec::new();
    let mut fail = |field: &str, zh: String, en: String| {
        problems.push(FieldError {
            field: field.to_owned(),
            message: Text::new(zh, en),
        });
    };

    let date = match crate::clock::parse_date(&combo.date).ok_or(()) {
        Err(()) => {
            fail(
                "date",
                "请选择日期（格式 YYYY-MM-DD）".into(),
                "Choose a date (YYYY-MM-DD)".into(),
            );
            None
        }
        Ok(d) if d < now.date() => {
            fail(
                "date",
                "这个日期已经过去，请选择今天或以后的日期".into(),
                "That date has passed; choose today or a later date".into(),
            );
            None
        }
        Ok(d) if d > now.date() + Days::new(BOOKING_HORIZON_DAYS) => {
            fail(
                "date",
                format!("只能预订{BOOKING_HORIZON_DAYS}天以内的日期"),
                format!("Bookings open {BOOKING_HORIZON_DAYS} days ahead at most"),
            );
            None
        }
        Ok(d) => Some(d),
    };
    let today = date.is_some_and(|d| d == now.date());
    let time_now = ClockTime::from(now.time());

    if party.is_empty() {
        fail(
            "travellers",
            "请至少选择一位旅客".into(),
            "Choose at least one traveller".into(),
        );
    } else if party.len() > MAX_PARTY {
        fail(
            "travellers",
            format!("一个订单最多{MAX_PARTY}位旅客"),
            format!("At most {MAX_PARTY} travellers per order"),
        );
    }
    if let Some(d) = date {
        for (i, t) in party.iter().enumerate() {
            if t.birth_date > d {
                fail(
                    &format!("travellers[{i}]"),
                    "出生日期晚于游览日期".into(),
                    "Born after the visit date".into(),
                );
            }
        }
    }

    if combo.slot_id.is_none()
        && combo.add_ons.is_empty()
        && combo.hotel.is_none()
        && combo.shuttles.is_empty()
    {
        fail(
            "combo",
            "请至少选择门票、游览项目、酒店或班车中的一项".into(),
            "Choose at least a ticket, a ride, a hotel or a shuttle".into(),
        );
    }

    let slot = combo.slot_id.as_ref().and_then(|id| {
        let found = catalog.slots.iter().find(|s| &s.id == id);
        match found {
            None => fail(
                "slot_id",
                "没有这个入园时段".into(),
                "There is no such entry slot".into(),
            ),
            Some(s) if today && s.end <= time_now => fail(
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
    });
    for (i, id) in combo.add_ons.iter().enumerate() {
        let known = catalog.cable_cars.iter().any(|c| &c.id == id)
            || catalog
                .tickets
                .iter()
                .any(|t| &t.id == id && t.kind != crate::catalog::TicketKind::Entry);
        if !known {
            fail(
                &format!("add_ons[{i}]"),
                "没有这个游览项目".into(),
                "There is no such ride or rental".into(),
            );
        }
        if combo.add_ons[..i].contains(id) {
            fail(
                &format!("add_ons[{i}]"),
                "这个项目已经选过了".into(),
                "This one is already chosen".into(),
            );
        }
    }

    let stay = combo.hotel.as_ref().and_then(|stay| {
        let Some(hotel) = catalog.hotels.iter().find(|h| h.id == stay.hotel_id) else {
            fail(
                "hotel.hotel_id",
                "没有这家酒店".into(),
                "There is no such hotel".into(),
            );
            return None;
        };
        let Some(room) = hotel.room_types.iter().find(|r| r.id == stay.room_type_id) else {
            fail(
                "hotel.room_type_id",
                "这家酒店没有这种房型".into(),
                "This hotel has no such room type".into(),
            );
            return None;
        };
        if !(1..=MAX_NIGHTS).contains(&stay.nights) {
            fail(
                "hotel.nights",
                format!("入住晚数应为1到{MAX_NIGHTS}晚"),
                format!("Stay 1 to {MAX_NIGHTS} nights"),
            );
        }
        if !(1..=MAX_ROOMS).contains(&stay.rooms) {
            fail(
                "hotel.rooms",
                format!("房间数应为1到{MAX_ROOMS}间"),
                format!("Book 1 to {MAX_ROOMS} rooms"),
            );
        } else if usize::from(stay.rooms) * usize::from(room.sleeps) < party.len() {
            let beds = usize::from(stay.rooms) * usize::from(room.sleeps);
            fail(
                "hotel.rooms",
                format!(
                    "{}间{}最多住{beds}人，但有{}位旅客，请多订房间",
                    stay.rooms,
                    room.name.zh,
                    party.len()
                ),
                format!(
                    "{} × {} sleep {beds} at most, but there are {} travellers: book more rooms",
                    stay.rooms,
                    room.name.en,
                    party.len()
                ),
            );
        }
        Some((hotel, room))
    });

    let mut seats = Vec::new();
    for (i, seat) in combo.shuttles.iter().enumerate() {
        let Some(line) = catalog.shuttles.iter().find(|s| s.id == seat.line_id) else {
            fail(
                &format!("shuttles[{i}].line_id"),
                "没有这条班车线路".into(),
                "There is no such shuttle line".into(),
            );
            continue;
        };
        if !line.timetable.departures().any(|d| d == seat.departure) {
            fail(
                &format!("shuttles[{i}].departure"),
                format!("{}没有{}的班次", line.name.zh, seat.departure),
                format!("{} has no {} departure", line.name.en, seat.departure),
            );
        } else if today && seat.departure <= time_now {
            fail(
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

    if !problems.is_empty() {
        return Err(problems);
    }
    let Some(date) = date else {
        return Err(problems);
    };

    let season = catalog
        .season_on(date)
        .map(|s| s.id.as_str())
        .unwrap_or_default();
    let price = |p: &crate::catalog::SeasonalPrice, day: NaiveDate| {
        let season = catalog
            .season_on(day)
            .map(|s| s.id.as_str())
            .unwrap_or_default();
        Fen::from_yuan(p.get(season).copied().unwrap_or_default())
    };
    let offer = stay.and_then(|(hotel, _)| {
        catalog
            .linked_offers
            .iter()
            .find(|o| distance_m(hotel.location, o.anchor.location) <= f64::from(o.within_m))
    });
    let mut lines = Vec::new();
    let mut problems = Vec::new();

    if let (Some(slot), Some(entry)) = (slot, catalog.entry_ticket()) {
        let slot_note = Text::new(
            format!("{date} {}–{} 入园", slot.start, slot.end),
            format!("Entry {date} {}–{}", slot.start, slot.end),
        );
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
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let people = u32::try_from(party.len()).unwrap_or(u32::MAX);
    for id in &combo.add_ons {
        let (kind, name, unit) = if let Some(c) = catalog.cable_cars.iter().find(|c| &c.id == id) {
            (ProductKind::Lift, &c.name, price(&c.price, date))
        } else if let Some(t) = catalog.tickets.iter().find(|t| &t.id == id) {
            (ProductKind::Ticket, &t.name, price(&t.price, date))
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

    if let (Some((hotel, room)), Some(stay)) = (stay, &combo.hotel) {
        let nights = nights(date, stay.nights);
        let per_room: i64 = nights.iter().map(|n| price(&room.price, *n).0).sum();
        let total = Fen(per_room * i64::from(stay.rooms));
        let check_out = date + Days::new(u64::from(stay.nights));
        lines.push(QuoteLine {
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
        });
    }

    for (line, departure) in seats {
        let unit = Fen::from_yuan(line.price.get(season).copied().unwrap_or_default());
        let full = Fen(unit.0 * i64::from(people));
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

    Ok(Quote {
        full_total: Fen(lines.iter().map(|l| l.full.0).sum()),
        total: Fen(lines.iter().map(|l| l.pay.0).sum()),
        offers: offer.map(|o| o.name.clone()).into_iter().collect(),
        lines,
    })
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
