//! Fixtures for tests, shared by the tests of several crates (the planner's here, the
//! platform's, the device's and the app shell's) so that "the family trip" is one trip.
//! Compiled only for core's own tests and under the `testing` feature, which other crates
//! turn on from their dev-dependencies alone: nothing here ships.

use crate::api::{
    Combo, HotelStay, IssuedPass, Order, OrderState, PassState, Payment, PaymentMethod,
    PaymentState, PlanParty, PlanRequest, Profile, Provider, ShuttleSeat, SubOrder, SubOrderState,
};
use crate::catalog::{Catalog, Fen};
use crate::clock::ClockTime;
use crate::identity::check_character;
use crate::pricing::Traveller;
use crate::text::Text;

/// The demo family's trip: two adults and a child of nine, two days at Huangshan from
/// `start` (`YYYY-MM-DD`), family-paced, with no budget.
pub fn family_trip(start: &str) -> PlanRequest {
    PlanRequest {
        region_id: "huangshan".into(),
        start: start.into(),
        days: 2,
        party: PlanParty {
            adults: 2,
            children: vec![9],
            seniors: 0,
        },
        profile: Profile::Family,
        budget_yuan: None,
    }
}

/// The family's day on `date`: the 06:00 shuttle up to Yungu Temple, the early slot
/// (06:00–09:00), the Yungu cable car and an audio guide, and a night at the Beihai Hotel
/// on the summit.
pub fn family_combo(date: &str) -> Combo {
    Combo {
        region_id: "huangshan".into(),
        date: date.into(),
        slot_id: Some("early".into()),
        add_ons: vec!["yungu".into(), "audio-guide".into()],
        hotel: Some(HotelStay {
            hotel_id: "beihai-hotel".into(),
            room_type_id: "twin".into(),
            rooms: 1,
            nights: 1,
        }),
        shuttles: vec![ShuttleSeat {
            line_id: "tangkou-yungu".into(),
            departure: ClockTime::from_hm(6, 0).unwrap_or(ClockTime::MIDNIGHT),
        }],
    }
}

/// An adult born 1986-05-01 and a child born 2016-01-01: the party of
/// [`confirmed_order`].
pub fn pair() -> [Traveller; 2] {
    let born = |d: &str| d.parse().unwrap_or_default();
    [
        Traveller {
            birth_date: born("1986-05-01"),
            statuses: vec![],
        },
        Traveller {
            birth_date: born("2016-01-01"),
            statuses: vec![],
        },
    ]
}

/// An order as the platform returns it once confirmed: the combo priced by the booking
/// rules two weeks before its date for [`pair`], one sub-order per provider (ids `{order}{1,2,3}`), passes as the platform
/// issues them (one entry pass per traveller, one per ride, rental and seat).
// A fixture: a combo that names what the catalog lacks is a broken test.
#[allow(clippy::expect_used)]
pub fn confirmed_order(catalog: &Catalog, id: i64, combo: Combo) -> Order {
    let booked_at = crate::clock::parse_date(&combo.date)
        .and_then(|d| d.checked_sub_days(chrono::Days::new(14)))
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default();
    let quote = match crate::booking::quote(catalog, &combo, &pair(), booked_at) {
        Ok(quote) => quote,
        Err(e) => panic!("the fixture's combo does not price: {e:?}"),
    };
    let sub_id =
        |p: Provider| id * 10 + 1 + Provider::ALL.iter().position(|x| *x == p).unwrap_or(0) as i64;
    let sub_orders: Vec<SubOrder> = Provider::ALL
        .iter()
        .filter_map(|p| {
            let lines: Vec<_> = quote
                .lines
                .iter()
                .filter(|l| Provider::of(l.kind) == *p)
                .cloned()
                .collect();
            (!lines.is_empty()).then(|| SubOrder {
                id: sub_id(*p),
                provider: *p,
                state: SubOrderState::Confirmed,
                amount: Fen(lines.iter().map(|l| l.pay.0).sum()),
                lines,
                refunded: Fen(0),
                note: None,
                vehicle: None,
            })
        })
        .collect();
    let mut passes = Vec::new();
    let mut pass = |product: &str, provider: Provider, slot, holder: Option<&str>| {
        passes.push(IssuedPass {
            pass_id: format!("{id}-{product}-{}", passes.len()),
            sub_order_id: sub_id(provider),
            product_id: product.into(),
            name: Text::new(product, product),
            holder: holder.map(Into::into),
            date: combo.date.clone(),
            slot,
            code: String::new(),
            state: PassState::Valid,
        });
    };
    if let Some(slot) = &combo.slot_id {
        let s = catalog
            .slots
            .iter()
            .find(|s| &s.id == slot)
            .expect("a slot of the catalog");
        for holder in ["张*", "张*"] {
            pass(
                "entry",
                Provider::Scenic,
                Some((s.start, s.end)),
                Some(holder),
            );
        }
    }
    for add_on in &combo.add_ons {
        pass(add_on, Provider::Scenic, None, None);
    }
    for seat in &combo.shuttles {
        let line = catalog
            .shuttles
            .iter()
            .find(|l| l.id == seat.line_id)
            .expect("a line of the catalog");
        let slot = Some((
            seat.departure,
            seat.departure
                .plus(line.ride_minutes)
                .unwrap_or(seat.departure),
        ));
        pass(&seat.line_id, Provider::Transport, slot, None);
    }
    Order {
        id,
        region_id: combo.region_id.clone(),
        date: combo.date.clone(),
        state: OrderState::Confirmed,
        created_at: "2026-07-01T01:00:00Z".into(),
        holds_expire_at: None,
        payment: Payment {
            id: format!("pay-{id}"),
            method: PaymentMethod::Wallet,
            state: PaymentState::Paid,
            amount: quote.total,
            refunded: Fen(0),
            redirect_url: None,
        },
        quote,
        combo: Some(combo),
        sub_orders,
        passes,
        problem: None,
    }
}

/// A resident ID number (GB 11643-1999): `first17` digits and their check character.
pub fn resident_id(first17: &str) -> String {
    format!("{first17}{}", check_character(first17.chars()))
}

/// The events of an iCalendar text as an independent parser (the `ical` crate) reads them:
/// each event's properties by name (`UID`, `SEQUENCE`, `DTSTART`…), and each parameter as
/// `NAME;PARAM` (`DTSTART;TZID`). Panics when the text is not exactly one calendar, or
/// when it does not define exactly one time zone.
pub fn calendar_events(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut parser = ical::IcalParser::new(text.as_bytes());
    let calendar = parser
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("not an iCalendar text:\n{text}"));
    assert!(parser.next().is_none(), "more than one calendar");
    assert_eq!(calendar.timezones.len(), 1, "one VTIMEZONE");
    calendar
        .events
        .iter()
        .map(|event| {
            let mut properties = std::collections::BTreeMap::new();
            for p in &event.properties {
                for (param, values) in p.params.iter().flatten() {
                    properties.insert(format!("{};{param}", p.name), values.join(","));
                }
                properties.insert(p.name.clone(), p.value.clone().unwrap_or_default());
            }
            properties
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_id_number_ends_in_its_check_character() {
        assert_eq!(resident_id("11010519891231002"), "110105198912310028");
        assert_eq!(resident_id("11010519491231002"), "11010519491231002X");
    }
}
