use super::*;
use crate::api::{HotelStay, ShuttleSeat};
use crate::catalog::tests::huangshan;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn born(s: &str) -> Traveller {
    Traveller {
        birth_date: s.parse().unwrap(),
        statuses: vec![],
    }
}

fn combo(date: &str) -> Combo {
    Combo {
        region_id: "huangshan".into(),
        date: date.into(),
        slot_id: Some("morning".into()),
        add_ons: vec![],
        hotel: None,
        shuttles: vec![],
    }
}

fn stay(hotel: &str, room: &str, rooms: u8, nights: u8) -> Option<HotelStay> {
    Some(HotelStay {
        hotel_id: hotel.into(),
        room_type_id: room.into(),
        rooms,
        nights,
    })
}

const NOW: &str = "2026-11-22 10:00";

fn family() -> Vec<Traveller> {
    // On 2026-11-28: 40, 38, 10 (half price) and 4 (free).
    vec![
        born("1986-05-01"),
        born("1988-03-01"),
        born("2016-01-01"),
        born("2022-06-01"),
    ]
}

#[test]
fn ticket_cable_car_and_audio_guide_for_a_family() {
    let mut c = combo("2026-11-28");
    c.add_ons = vec!["yungu".into(), "audio-guide".into()];
    let q = quote(&huangshan(), &c, &family(), at(NOW)).unwrap();
    let entry: Vec<i64> = q
        .lines
        .iter()
        .filter(|l| l.product_id == "entry")
        .map(|l| l.pay.0)
        .collect();
    assert_eq!(entry, [19_000, 19_000, 9_500, 0]);
    let yungu = q.lines.iter().find(|l| l.product_id == "yungu").unwrap();
    assert_eq!((yungu.quantity, yungu.pay), (4, Fen(4 * 8_000)));
    let guide = q
        .lines
        .iter()
        .find(|l| l.product_id == "audio-guide")
        .unwrap();
    assert_eq!(guide.pay, Fen(4 * 4_000));
    assert_eq!(q.total, Fen(47_500 + 32_000 + 16_000));
    assert_eq!(q.full_total, Fen(4 * 19_000 + 32_000 + 16_000));
    // Each discount says why, in both languages, with the age that decided it.
    let child = &q.lines[2];
    assert!(
        child
            .notes
            .iter()
            .any(|n| n.zh.contains("半价") && n.en.contains("age 10"))
    );
    assert!(q.offers.is_empty());
}

#[test]
fn a_hotel_near_the_gate_brings_the_linked_offer() {
    let mut c = combo("2026-11-28");
    c.hotel = stay("tangkou-shanshui-hotel", "family", 1, 2);
    c.shuttles = vec![ShuttleSeat {
        line_id: "tangkou-yungu".into(),
        departure: "07:00".parse().unwrap(),
    }];
    let q = quote(&huangshan(), &c, &family(), at(NOW)).unwrap();
    assert_eq!(q.offers.len(), 1);
    let entry: Vec<i64> = q
        .lines
        .iter()
        .filter(|l| l.product_id == "entry")
        .map(|l| l.pay.0)
        .collect();
    // 10 % off after the age discounts; the free child stays free.
    assert_eq!(entry, [17_100, 17_100, 8_550, 0]);
    let hotel = q
        .lines
        .iter()
        .find(|l| l.kind == ProductKind::Hotel)
        .unwrap();
    // 11-28 and 11-29 are both peak nights at ¥560.
    assert_eq!((hotel.quantity, hotel.pay), (2, Fen(2 * 56_000)));
    let shuttle = q
        .lines
        .iter()
        .find(|l| l.kind == ProductKind::Shuttle)
        .unwrap();
    assert_eq!((shuttle.full, shuttle.pay), (Fen(4 * 1_900), Fen(0)));
    assert!(shuttle.notes.iter().any(|n| n.en.contains("free")));
}

#[test]
fn a_summit_hotel_is_too_far_for_the_offer_and_nights_follow_the_season() {
    let mut c = combo("2026-11-29");
    c.hotel = stay("beihai-hotel", "twin", 2, 3);
    let q = quote(&huangshan(), &c, &family(), at(NOW)).unwrap();
    assert!(q.offers.is_empty());
    let hotel = q
        .lines
        .iter()
        .find(|l| l.kind == ProductKind::Hotel)
        .unwrap();
    // 11-29 and 11-30 peak (¥1580), 12-01 off season (¥1080); two rooms.
    assert_eq!(hotel.pay, Fen(2 * (158_000 * 2 + 108_000)));
}

#[test]
fn every_problem_is_reported_at_once_with_its_field() {
    let mut c = combo("2026-11-21");
    c.slot_id = Some("dawn".into());
    c.add_ons = vec!["teleport".into()];
    c.hotel = stay("beihai-hotel", "dorm", 1, 9);
    c.shuttles = vec![ShuttleSeat {
        line_id: "tangkou-yungu".into(),
        departure: "05:31".parse().unwrap(),
    }];
    let errors = quote(&huangshan(), &c, &family(), at(NOW)).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "date",
            "slot_id",
            "add_ons[0]",
            "hotel.nights",
            "hotel.rooms",
            "shuttles[0].departure"
        ]
    );
    assert!(errors[0].message.zh.contains("已经过去"));
    assert!(errors[4].message.en.contains("4 travellers"));
}

#[test]
fn today_refuses_a_slot_or_departure_that_is_over() {
    let mut c = combo("2026-11-22");
    c.slot_id = Some("early".into());
    c.shuttles = vec![ShuttleSeat {
        line_id: "tangkou-yungu".into(),
        departure: "09:45".parse().unwrap(),
    }];
    let errors = quote(&huangshan(), &c, &family(), at(NOW)).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["slot_id", "shuttles[0].departure"]);
    c.slot_id = Some("midday".into());
    c.shuttles[0].departure = "10:15".parse().unwrap();
    assert!(quote(&huangshan(), &c, &family(), at(NOW)).is_ok());
}

#[test]
fn an_empty_combo_or_party_is_refused() {
    let mut c = combo("2026-11-28");
    c.slot_id = None;
    let errors = quote(&huangshan(), &c, &[], at(NOW)).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["travellers", "combo"]);
}

#[test]
fn refunds_follow_the_deadline_then_the_late_share() {
    let c = huangshan();
    let scenic = c.refund_rule(ProductKind::Ticket);
    let visit = at("2026-11-28 09:00");
    let paid = Fen(19_000);
    assert_eq!(
        refund_due(scenic, paid, visit, at("2026-11-27 17:00")),
        paid
    );
    assert_eq!(
        refund_due(scenic, paid, visit, at("2026-11-27 17:01")),
        Fen(15_200)
    );
    assert_eq!(
        refund_due(scenic, paid, visit, at("2026-11-28 09:00")),
        Fen(0)
    );
    let shuttle = c.refund_rule(ProductKind::Shuttle);
    assert_eq!(
        refund_due(shuttle, paid, visit, at("2026-11-27 18:00")),
        Fen(0)
    );
    assert_eq!(
        refund_due(None, paid, visit, at("2026-11-01 00:00")),
        Fen(0)
    );
}

#[test]
fn a_replacement_hotel_has_the_same_grade_and_area_nearest_first() {
    let c = huangshan();
    let ids: Vec<&str> = same_grade_alternatives(&c, "beihai-hotel")
        .iter()
        .map(|h| h.id.as_str())
        .collect();
    assert_eq!(ids, ["shilin-hotel", "xihai-hotel"]);
    assert!(same_grade_alternatives(&c, "hot-spring-resort").is_empty());
}

#[test]
fn distance_is_in_metres() {
    let a = GeoPoint {
        lat: 30.0,
        lon: 118.0,
    };
    let b = GeoPoint {
        lat: 30.01,
        lon: 118.0,
    };
    let d = distance_m(a, b);
    assert!((1_100.0..1_125.0).contains(&d), "{d}");
}

proptest::proptest! {
    /// Whoever travels, discounts only ever lower a price, never below zero, and the
    /// linked offer never makes an entry ticket dearer.
    #[test]
    fn discounts_never_raise_a_price(
        ages in proptest::collection::vec(0u32..100, 1..8),
        day in 0u64..90,
        student in proptest::bool::ANY,
    ) {
        let c = huangshan();
        let now = at(NOW);
        let date = now.date() + Days::new(day);
        let party: Vec<Traveller> = ages
            .iter()
            .map(|a| Traveller {
                birth_date: date.checked_sub_days(Days::new(u64::from(*a) * 366 + 1)).unwrap(),
                statuses: if student { vec!["student".into()] } else { vec![] },
            })
            .collect();
        let mut plain = combo(&date.to_string());
        plain.slot_id = Some("afternoon".into());
        let mut linked = plain.clone();
        linked.hotel = stay("hot-spring-resort", "villa", 2, 1);
        let a = quote(&c, &plain, &party, now).unwrap();
        let b = quote(&c, &linked, &party, now).unwrap();
        for (x, y) in a.lines.iter().zip(&b.lines) {
            proptest::prop_assert!(Fen(0) <= x.pay && x.pay <= x.full);
            proptest::prop_assert!(y.pay <= x.pay);
        }
        proptest::prop_assert_eq!(a.total.0, a.lines.iter().map(|l| l.pay.0).sum::<i64>());
    }
}
