// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::api::Provider;
use crate::catalog::tests::huangshan;
use crate::testing::{confirmed_order, family_combo, pair};

/// A Wednesday in the peak season; the next day is a Thursday at the same prices.
const DAY: &str = "2026-07-15";

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn time(s: &str) -> ClockTime {
    s.parse().unwrap()
}

/// The family's day (`testing::family_combo`): the 06:00 shuttle, the early slot
/// (06:00–09:00), the Yungu cable car, an audio guide and a night at the Beihai Hotel.
fn family_order() -> Order {
    confirmed_order(&huangshan(), 7, family_combo(DAY))
}

/// The evening before the trip: when a storm warning comes.
fn evening_before() -> NaiveDateTime {
    at("2026-07-14 20:00")
}

fn posted(kind: &DisruptionKind, window: Window) -> Posted {
    Posted {
        kind: kind.clone(),
        window,
    }
}

fn window(from: &str, to: &str) -> Window {
    Window {
        from: at(from),
        to: at(to),
    }
}

fn whole_day() -> Window {
    window("2026-07-15 00:00", "2026-07-16 00:00")
}

/// The pay of the order's lines for one product, in fen.
fn pay(order: &Order, kind: ProductKind, product: &str) -> i64 {
    order
        .quote
        .lines
        .iter()
        .filter(|l| l.kind == kind && l.product_id == product)
        .map(|l| l.pay.0)
        .sum()
}

fn ways(kind: &DisruptionKind, window: Window, order: &Order) -> Vec<WayOut> {
    ways_fitting(kind, window, order, &|_| true)
}

fn ways_fitting(
    kind: &DisruptionKind,
    window: Window,
    order: &Order,
    fits: &dyn Fn(&Combo) -> bool,
) -> Vec<WayOut> {
    let catalog = huangshan();
    let posted = Posted {
        kind: kind.clone(),
        window,
    };
    let hit = hit(&catalog, &posted, order).expect("the order is hit");
    ways_out(
        &catalog,
        &posted,
        order,
        &hit,
        &pair(),
        evening_before(),
        fits,
    )
}

fn request(kind: DisruptionKind, from: &str, to: &str) -> DisruptionRequest {
    DisruptionRequest {
        region_id: "huangshan".into(),
        kind,
        from: from.into(),
        to: to.into(),
        reason: Text::new("暴雨", "A storm"),
    }
}

fn fields(result: Result<Window, Vec<FieldError>>) -> Vec<String> {
    result.unwrap_err().into_iter().map(|e| e.field).collect()
}

#[test]
fn a_posted_disruption_names_each_wrong_field() {
    let catalog = huangshan();
    let now = evening_before();
    let ok = request(
        DisruptionKind::AreaClosed,
        "2026-07-15T00:00",
        "2026-07-16T00:00",
    );
    assert_eq!(check(&catalog, &ok, now), Ok(whole_day()));

    let backwards = request(
        DisruptionKind::AreaClosed,
        "2026-07-15T12:00",
        "2026-07-15T08:00",
    );
    assert_eq!(fields(check(&catalog, &backwards, now)), ["to"]);
    let past = request(
        DisruptionKind::AreaClosed,
        "2026-07-13T08:00",
        "2026-07-13T18:00",
    );
    assert_eq!(fields(check(&catalog, &past, now)), ["to"]);
    let unknown = request(
        DisruptionKind::SightClosed {
            sight_id: "eiffel-tower".into(),
        },
        "2026-07-15T00:00",
        "2026-07-16T00:00",
    );
    let errors = check(&catalog, &unknown, now).unwrap_err();
    assert_eq!(errors[0].field, "sight_id");
    assert!(errors[0].message.en.contains("eiffel-tower"), "{errors:?}");
    let no_such_departure = request(
        DisruptionKind::ShuttleDelayed {
            line_id: "tangkou-yungu".into(),
            departure: time("06:10"),
            minutes: 0,
        },
        "2026-07-15T00:00",
        "2026-07-16T00:00",
    );
    assert_eq!(
        fields(check(&catalog, &no_such_departure, now)),
        ["departure", "minutes"]
    );
    let mut no_reason = ok.clone();
    no_reason.reason = Text::new("暴雨", " ");
    assert_eq!(fields(check(&catalog, &no_reason, now)), ["reason"]);
    let garbled = request(DisruptionKind::AreaClosed, "tomorrow", "2026-07-16");
    assert_eq!(fields(check(&catalog, &garbled, now)), ["from", "to"]);
}

#[test]
fn a_storm_closure_offers_the_whole_trip_a_day_later_or_a_full_refund() {
    let order = family_order();
    let ways = ways(&DisruptionKind::AreaClosed, whole_day(), &order);
    let kinds: Vec<WayOutKind> = ways.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WayOutKind::DelayOneDay, WayOutKind::Refund]);

    let delay = &ways[0];
    let moved = delay.combo.as_ref().unwrap();
    assert_eq!(moved.date, "2026-07-16");
    assert_eq!(moved.slot_id.as_deref(), Some("early"));
    assert_eq!(moved.shuttles, order.combo.as_ref().unwrap().shuttles);
    assert_eq!(moved.hotel, order.combo.as_ref().unwrap().hotel);
    // A Thursday in the same season costs the same: nothing to pay, nothing back.
    assert_eq!(delay.price_difference, Fen(0));
    assert_eq!((delay.refund, delay.compensation), (Fen(0), Fen(0)));

    // The refund: everything the order paid, to the fen.
    let refund = &ways[1];
    assert_eq!(refund.refund, order.payment.amount);
    assert!(refund.combo.is_none());
    assert_eq!(
        refund.replaces.len(),
        order
            .quote
            .lines
            .iter()
            .map(|l| (l.kind, &l.product_id))
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
}

#[test]
fn no_delay_into_a_day_that_is_closed_too_nor_one_the_inventory_cannot_take() {
    let order = family_order();
    let two_days = window("2026-07-15 00:00", "2026-07-17 00:00");
    let kinds: Vec<WayOutKind> = ways(&DisruptionKind::AreaClosed, two_days, &order)
        .iter()
        .map(|w| w.kind)
        .collect();
    assert_eq!(kinds, [WayOutKind::Refund]);
    let full = ways_fitting(&DisruptionKind::AreaClosed, whole_day(), &order, &|_| false);
    assert_eq!(full.len(), 1);
    assert_eq!(full[0].kind, WayOutKind::Refund);
}

#[test]
fn a_stopped_lift_offers_another_cable_car_or_the_ride_back() {
    let order = family_order();
    let stopped = DisruptionKind::LiftStopped {
        lift_id: "yungu".into(),
    };
    let ways = ways(
        &stopped,
        window("2026-07-15 06:00", "2026-07-15 18:00"),
        &order,
    );
    assert_eq!(ways.len(), 2);
    let swap = &ways[0];
    assert_eq!(swap.kind, WayOutKind::Swap);
    let add_ons = &swap.combo.as_ref().unwrap().add_ons;
    // Yuping, the nearest other cable car (not the funicular on the summit).
    assert_eq!(add_ons, &["yuping", "audio-guide"]);
    // Two riders at ¥90 instead of ¥80: ¥20 more, not charged.
    assert_eq!(swap.price_difference, Fen(2000));
    assert_eq!(swap.refund, Fen(0));
    let refund = &ways[1];
    assert_eq!(refund.refund, Fen(pay(&order, ProductKind::Lift, "yungu")));
    assert_eq!(refund.refund, Fen(16_000));
    assert_eq!(refund.replaces, ["lift:yungu"]);
}

#[test]
fn a_shuttle_so_late_it_misses_the_slot_offers_a_later_slot_or_the_refund_of_both() {
    let order = family_order();
    let late = DisruptionKind::ShuttleDelayed {
        line_id: "tangkou-yungu".into(),
        departure: time("06:00"),
        minutes: 180,
    };
    let catalog = huangshan();
    let hit = hit(&catalog, &posted(&late, whole_day()), &order).unwrap();
    assert!(
        hit.why.en.contains("after your entry slot ends"),
        "{:?}",
        hit.why
    );
    let offered = ways(&late, whole_day(), &order);
    assert_eq!(offered[0].kind, WayOutKind::Swap);
    // 06:00 + 25 min + 180 min = 09:25: the morning slot (09:00–12:00) still works.
    assert_eq!(
        offered[0].combo.as_ref().unwrap().slot_id.as_deref(),
        Some("morning")
    );
    let refund = offered.last().unwrap();
    let seat_and_entry = pay(&order, ProductKind::Shuttle, "tangkou-yungu@06:00")
        + pay(&order, ProductKind::Ticket, "entry");
    assert_eq!(refund.refund, Fen(seat_and_entry));

    // Twenty minutes late still makes the slot: only the seat is hit.
    let little = DisruptionKind::ShuttleDelayed {
        line_id: "tangkou-yungu".into(),
        departure: time("06:00"),
        minutes: 20,
    };
    let offered = ways(&little, whole_day(), &order);
    assert_eq!(offered.len(), 1);
    assert_eq!(
        offered[0].refund,
        Fen(pay(&order, ProductKind::Shuttle, "tangkou-yungu@06:00"))
    );
}

#[test]
fn a_cancelled_departure_offers_the_next_one() {
    let order = family_order();
    let cancelled = DisruptionKind::ShuttleCancelled {
        line_id: "tangkou-yungu".into(),
        departure: time("06:00"),
    };
    let ways = ways(&cancelled, whole_day(), &order);
    let swap = &ways[0];
    let combo = swap.combo.as_ref().unwrap();
    assert_eq!(combo.shuttles[0].departure, time("06:15"));
    assert_eq!(
        combo.slot_id.as_deref(),
        Some("early"),
        "06:40 still makes it"
    );
    assert_eq!(swap.price_difference, Fen(0));
    assert_eq!(ways[1].replaces, ["shuttle:tangkou-yungu@06:00"]);
}

#[test]
fn a_hotel_that_cannot_honour_the_night_offers_a_same_grade_hotel_with_compensation() {
    let order = family_order();
    let water = DisruptionKind::HotelUnavailable {
        hotel_id: "beihai-hotel".into(),
    };
    let ways = ways(&water, whole_day(), &order);
    let swap = &ways[0];
    let stay = swap.combo.as_ref().unwrap().hotel.as_ref().unwrap();
    let catalog = huangshan();
    let grade = |id: &str| catalog.hotels.iter().find(|h| h.id == id).unwrap().grade;
    assert_ne!(stay.hotel_id, "beihai-hotel");
    assert_eq!(grade(&stay.hotel_id), grade("beihai-hotel"));
    let hotel_pay = pay(&order, ProductKind::Hotel, "beihai-hotel/twin");
    assert_eq!(swap.compensation, Fen(hotel_pay * 10 / 100));
    assert_eq!(swap.refund, Fen((-swap.price_difference.0).max(0)));
    assert_eq!(ways[1].refund, Fen(hotel_pay));
}

#[test]
fn only_what_the_disruption_touches_is_hit() {
    let catalog = huangshan();
    let order = family_order();
    // Another day, another lift, another hotel, another departure, a gate others stand in
    // for, a sight (nothing booked), a cancelled order.
    let misses = [
        (
            DisruptionKind::AreaClosed,
            window("2026-07-16 00:00", "2026-07-17 00:00"),
        ),
        (
            DisruptionKind::LiftStopped {
                lift_id: "taiping".into(),
            },
            whole_day(),
        ),
        (
            DisruptionKind::HotelUnavailable {
                hotel_id: "xihai-hotel".into(),
            },
            whole_day(),
        ),
        (
            DisruptionKind::ShuttleCancelled {
                line_id: "tangkou-yungu".into(),
                departure: time("06:15"),
            },
            whole_day(),
        ),
        (
            DisruptionKind::GateClosed {
                gate_id: "south-gate".into(),
            },
            whole_day(),
        ),
        (
            DisruptionKind::SightClosed {
                sight_id: catalog.sights[0].id.clone(),
            },
            whole_day(),
        ),
        // A lift stopped after it closes for the day.
        (
            DisruptionKind::LiftStopped {
                lift_id: "yungu".into(),
            },
            window("2026-07-15 17:00", "2026-07-15 23:00"),
        ),
    ];
    for (kind, window) in misses {
        assert_eq!(
            hit(&catalog, &posted(&kind, window), &order),
            None,
            "{kind:?}"
        );
    }
    let mut cancelled = family_order();
    cancelled.state = OrderState::Cancelled;
    assert_eq!(
        hit(
            &catalog,
            &posted(&DisruptionKind::AreaClosed, whole_day()),
            &cancelled
        ),
        None
    );
    // The yungu station gate is the only one for its cable car: closing it hits the ride.
    let station = DisruptionKind::GateClosed {
        gate_id: "yungu-station".into(),
    };
    let hit = hit(&catalog, &posted(&station, whole_day()), &order).unwrap();
    assert_eq!(hit.lines, ["lift:yungu"]);
}

#[test]
fn a_refunded_part_leaves_only_the_refund() {
    let mut order = family_order();
    let hotel = order
        .sub_orders
        .iter_mut()
        .find(|s| s.provider == Provider::Hotel)
        .unwrap();
    hotel.state = SubOrderState::Adjusted;
    let ways = ways(&DisruptionKind::AreaClosed, whole_day(), &order);
    assert_eq!(ways.len(), 1);
    assert_eq!(ways[0].kind, WayOutKind::Refund);
}

#[test]
fn ways_out_close_an_hour_before_the_first_hit_thing_but_never_at_once() {
    let catalog = huangshan();
    let order = family_order();
    let hit = hit(
        &catalog,
        &posted(&DisruptionKind::AreaClosed, whole_day()),
        &order,
    )
    .unwrap();
    assert_eq!(hit.first_start, at("2026-07-15 06:00"));
    assert_eq!(expires(&hit, evening_before()), at("2026-07-15 05:00"));
    assert_eq!(
        expires(&hit, at("2026-07-13 08:00")),
        at("2026-07-14 08:00")
    );
    assert_eq!(
        expires(&hit, at("2026-07-15 04:50")),
        at("2026-07-15 05:20")
    );
}

#[test]
fn a_delay_takes_the_nearest_slot_when_the_booked_one_is_full() {
    let order = family_order();
    // The next day's early slot (the booked one) is full: the morning slot is next nearest.
    let full_early = |c: &Combo| c.slot_id.as_deref() != Some("early");
    let ways = ways_fitting(
        &DisruptionKind::AreaClosed,
        whole_day(),
        &order,
        &full_early,
    );
    let delay = &ways[0];
    assert_eq!(delay.kind, WayOutKind::DelayOneDay);
    let moved = delay.combo.as_ref().unwrap();
    assert_eq!(
        (moved.date.as_str(), moved.slot_id.as_deref()),
        ("2026-07-16", Some("morning"))
    );
    assert!(
        delay.summary.en.contains("entering at 09:00–12:00"),
        "{:?}",
        delay.summary
    );
}
