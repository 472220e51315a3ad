// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveTime};
use rstest::rstest;

use super::*;
use crate::api::{
    Combo, DayVisit, ItemKind, ItemStatus, OrderState, PassState, Provider, ReminderKind,
    RideDirection, ShuttleSeat, SubOrder, SubOrderState, TripPhase, Vehicle,
};
use crate::catalog::tests::huangshan;
use crate::clock::ClockTime;
use crate::text::Text;

/// A Wednesday in the peak season.
const DAY: &str = "2026-07-15";

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn time(s: &str) -> ClockTime {
    s.parse().unwrap()
}

fn combo(date: &str) -> Combo {
    Combo {
        region_id: "huangshan".into(),
        date: date.into(),
        slot_id: None,
        add_ons: vec![],
        hotel: None,
        shuttles: vec![],
    }
}

/// The family's day on [`DAY`] (see [`crate::testing::family_combo`]).
fn family_combo() -> Combo {
    crate::testing::family_combo(DAY)
}

fn confirmed(id: i64, combo: Combo) -> Order {
    crate::testing::confirmed_order(&huangshan(), id, combo)
}

fn with_state(mut order: Order, state: OrderState) -> Order {
    order.state = state;
    order
}

/// Moves a booked shuttle departure, as the transport module would on a delay: the
/// combo, the line and the pass all say the new time.
fn move_shuttle(order: &mut Order, from: &str, to: &str) {
    let (from, to) = (time(from), time(to));
    for seat in &mut order.combo.as_mut().unwrap().shuttles {
        if seat.departure == from {
            seat.departure = to;
        }
    }
    for line in order.sub_orders.iter_mut().flat_map(|s| &mut s.lines) {
        line.product_id = line
            .product_id
            .replace(&format!("@{from}"), &format!("@{to}"));
    }
    for pass in &mut order.passes {
        if let Some((start, end)) = pass.slot.filter(|(s, _)| *s == from) {
            let ride = end.minutes() - start.minutes();
            pass.slot = Some((to, to.plus(ride).unwrap()));
        }
    }
}

fn sub_mut(order: &mut Order, provider: Provider) -> &mut SubOrder {
    order
        .sub_orders
        .iter_mut()
        .find(|s| s.provider == provider)
        .unwrap()
}

fn item<'a>(t: &'a Timeline, id: &str) -> &'a TimelineItem {
    t.items.iter().find(|i| i.id == id).unwrap()
}

fn family_timeline() -> Timeline {
    timeline(&[confirmed(4, family_combo())], &huangshan())
}

/// One line per item: time, estimate mark, id, status, place, passes; then the legs.
fn render(t: &Timeline) -> String {
    let mut out = String::new();
    for i in &t.items {
        let end = i.end.map(|e| format!("–{}", e.format("%H:%M")));
        out += &format!(
            "{}{}{} {:<28} {:<9} {} / {} passes={}\n",
            i.start.format("%m-%d %H:%M"),
            end.unwrap_or_default(),
            if i.estimated { "~" } else { "" },
            i.id,
            format!("{:?}", i.status),
            i.place.zh,
            i.place.en,
            i.passes.len(),
        );
    }
    for l in &t.legs {
        out += &format!(
            "walk {} -> {}: {} m straight, {} m on foot, +{} -{} m, {} min\n",
            l.from_item, l.to_item, l.straight_m, l.walk_m, l.climb_m, l.descent_m, l.minutes
        );
    }
    out
}

/// Each item says where it happens as a point the guide has (the gate, the boarding
/// point, the station, the hotel), so the timeline and an agent's "send a place" can
/// open it there.
#[test]
fn every_item_of_the_family_day_happens_at_a_point_of_the_guide() {
    let pack = crate::guide::pack_from_region_file(
        "huangshan.toml",
        include_str!("../../../assets/regions/huangshan.toml"),
    )
    .unwrap()
    .unwrap();
    let t = family_timeline();
    let kinds: std::collections::BTreeSet<&str> = t.items.iter().map(|i| i.kind.key()).collect();
    assert_eq!(
        kinds,
        [
            "entry",
            "hotel_check_in",
            "hotel_check_out",
            "rental",
            "ride",
            "shuttle"
        ]
        .into()
    );
    for item in &t.items {
        let place = item.guide_place.as_deref();
        let poi = place.and_then(|id| pack.poi(id));
        assert!(poi.is_some(), "{}: {place:?} is not in the guide", item.id);
    }
    let at = |id: &str| item(&t, id).guide_place.clone().unwrap();
    // Off the shuttle at Yungu Temple: in at its gate, the audio guide picked up there.
    assert_eq!(at("4-43-shuttle-tangkou-yungu"), "tangkou-shuttle");
    assert_eq!(at("4-41-entry"), "yungu-gate");
    assert_eq!(at("4-41-rental-audio-guide"), "yungu-gate");
    assert_eq!(at("4-41-ride-yungu"), "yungu-lower");
    assert_eq!(at("4-42-hotel-in"), "beihai-hotel");

    // Down by the Ciguang shuttle: it boards at Ciguang, not at the other mountain stop.
    let mut home = combo(DAY);
    home.shuttles = vec![crate::api::ShuttleSeat {
        line_id: "ciguang-tangkou".into(),
        departure: time("16:00"),
    }];
    let t = timeline(&[confirmed(5, home)], &huangshan());
    let shuttle = t.items.iter().find(|i| i.kind.key() == "shuttle").unwrap();
    assert_eq!(shuttle.guide_place.as_deref(), Some("ciguang-shuttle"));
    assert!(pack.poi("ciguang-shuttle").is_some());
}

// Trips.

#[test]
fn one_order_is_one_trip() {
    let trips = trips(&[confirmed(7, family_combo())]);
    assert_eq!(trips.len(), 1);
    let t = &trips[0];
    assert_eq!(t.id, "huangshan-7");
    assert_eq!(t.region_id, "huangshan");
    assert_eq!(t.first_day.to_string(), DAY);
    // The stay's check-out day is part of the trip.
    assert_eq!(t.last_day.to_string(), "2026-07-16");
    assert_eq!(t.order_ids, [7]);
}

#[rstest]
#[case::next_day_after_check_out("2026-07-17", 1)]
#[case::the_check_out_day("2026-07-16", 1)]
#[case::a_day_apart("2026-07-18", 2)]
fn orders_whose_days_touch_make_one_trip(#[case] visit: &str, #[case] expected: usize) {
    let stay = confirmed(1, family_combo());
    let visit = confirmed(
        2,
        Combo {
            slot_id: Some("morning".into()),
            ..combo(visit)
        },
    );
    let trips = trips(&[visit, stay]);
    assert_eq!(trips.len(), expected, "{trips:?}");
    assert_eq!(trips[0].id, "huangshan-1");
    if expected == 1 {
        assert_eq!(trips[0].order_ids, [1, 2]);
        assert_eq!(trips[0].first_day.to_string(), DAY);
    }
}

#[test]
fn separate_dates_and_regions_are_separate_trips() {
    let mut elsewhere = confirmed(
        3,
        Combo {
            slot_id: Some("early".into()),
            ..combo(DAY)
        },
    );
    elsewhere.region_id = "lushan".into();
    let orders = [
        confirmed(
            5,
            Combo {
                slot_id: Some("early".into()),
                ..combo("2026-07-25")
            },
        ),
        confirmed(4, family_combo()),
        elsewhere,
    ];
    let trips = trips(&orders);
    let ids: Vec<&str> = trips.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["huangshan-4", "lushan-3", "huangshan-5"]);
    assert_eq!(trips[2].orders_of(&orders)[0].id, 5);
}

#[test]
fn failed_and_cancelled_orders_do_not_make_trips() {
    let visit = |id, date: &str| {
        confirmed(
            id,
            Combo {
                slot_id: Some("early".into()),
                ..combo(date)
            },
        )
    };
    let orders = [
        with_state(visit(1, "2026-07-15"), OrderState::Failed),
        with_state(visit(2, "2026-07-20"), OrderState::Expired),
        with_state(visit(3, "2026-07-25"), OrderState::Cancelled),
    ];
    assert!(trips(&orders).is_empty());
}

#[test]
fn a_cancelled_order_shows_in_the_trip_it_touches_but_never_joins_two() {
    let visit = |id, date: &str| {
        confirmed(
            id,
            Combo {
                slot_id: Some("early".into()),
                ..combo(date)
            },
        )
    };
    let orders = [
        visit(10, "2026-07-15"),
        visit(11, "2026-07-17"),
        // Would bridge the two; cancelled, it only shows in the first.
        with_state(visit(12, "2026-07-16"), OrderState::Cancelled),
        with_state(visit(13, "2026-07-15"), OrderState::AwaitingPayment),
    ];
    let trips = trips(&orders);
    assert_eq!(trips.len(), 2);
    assert_eq!(trips[0].order_ids, [10, 12, 13]);
    assert_eq!(trips[0].last_day.to_string(), "2026-07-15");
    assert_eq!(trips[1].order_ids, [11]);
}

#[test]
fn a_trip_keeps_its_id_when_an_order_is_added() {
    let first = confirmed(20, family_combo());
    let before = trips(std::slice::from_ref(&first));
    let later = confirmed(
        21,
        Combo {
            slot_id: Some("morning".into()),
            ..combo("2026-07-16")
        },
    );
    let after = trips(&[later, first]);
    assert_eq!(before[0].id, after[0].id);
    assert_eq!(after[0].order_ids, [20, 21]);
}

// The timeline.

#[test]
fn the_family_day_in_time_order() {
    let t = family_timeline();
    insta::assert_snapshot!(render(&t));
    let kinds: Vec<&str> = t.items.iter().map(|i| i.kind.key()).collect();
    assert_eq!(
        kinds,
        [
            "shuttle",
            "entry",
            "rental",
            "ride",
            "hotel_check_in",
            "hotel_check_out"
        ]
    );
    let starts: Vec<NaiveDateTime> = t.items.iter().map(|i| i.start).collect();
    assert!(starts.is_sorted());
    assert!(t.items.iter().all(|i| i.status == ItemStatus::Confirmed));
}

#[test]
fn each_kind_carries_what_its_screen_shows() {
    let t = family_timeline();

    let shuttle = item(&t, "4-43-shuttle-tangkou-yungu");
    assert_eq!(shuttle.start, at("2026-07-15 06:00"));
    assert_eq!(shuttle.end, Some(at("2026-07-15 06:25")));
    assert_eq!(shuttle.place.zh, "汤口换乘中心");
    let ItemKind::Shuttle {
        boarding,
        destination,
        seats,
        vehicle,
        ..
    } = &shuttle.kind
    else {
        panic!("{shuttle:?}")
    };
    assert_eq!(boarding.zh, "汤口换乘中心上车口");
    assert_eq!(destination.en, "Yungu Temple");
    assert_eq!((*seats, vehicle), (2, &None));
    assert_eq!(shuttle.passes, ["4-tangkou-yungu-4"]);

    // Three gates open the ticket; the party comes by the Yungu shuttle.
    let entry = item(&t, "4-41-entry");
    let ItemKind::Entry { slot_id, gates } = &entry.kind else {
        panic!("{entry:?}")
    };
    assert_eq!(slot_id, "early");
    assert_eq!(gates.len(), 3);
    assert_eq!(entry.place.en, "Yungu Temple Entrance");
    assert!(entry.location.is_some());
    assert_eq!(entry.passes.len(), 2);
    assert!(entry.what_to_bring.iter().any(|b| b.zh.contains("身份证")));

    // Picked up at the gate as the party gets off the shuttle.
    let rental = item(&t, "4-41-rental-audio-guide");
    assert!(rental.estimated);
    assert_eq!(rental.start, at("2026-07-15 06:25"));
    assert_eq!(rental.place.en, "Yungu Temple Entrance");

    // Up as the cable car opens (07:00 in the peak season).
    let ride = item(&t, "4-41-ride-yungu");
    let ItemKind::Ride {
        lower,
        upper,
        direction,
        ..
    } = &ride.kind
    else {
        panic!("{ride:?}")
    };
    assert_eq!(
        (lower.zh.as_str(), upper.zh.as_str()),
        ("云谷寺站", "白鹅岭站")
    );
    assert_eq!(*direction, RideDirection::Up);
    assert!(ride.estimated);
    assert_eq!(ride.start, at("2026-07-15 07:00"));
    assert_eq!(ride.end, Some(at("2026-07-15 07:10")));
    assert_eq!(ride.place.zh, "云谷寺站");
    assert_eq!(ride.elevation_m, Some(890));

    let check_in = item(&t, "4-42-hotel-in");
    assert_eq!(check_in.start, at("2026-07-15 14:00"));
    let ItemKind::HotelCheckIn {
        address,
        room_type,
        nights,
        ..
    } = &check_in.kind
    else {
        panic!("{check_in:?}")
    };
    assert!(address.zh.starts_with("黄山风景区山上，近"), "{address:?}");
    assert_eq!(room_type.as_ref().unwrap().en, "Twin room");
    assert_eq!(*nights, 1);
    assert!(check_in.passes.is_empty());
    assert_eq!(item(&t, "4-42-hotel-out").start, at("2026-07-16 11:00"));
}

#[test]
fn walking_legs_join_places_of_the_same_day() {
    let t = family_timeline();
    // Shuttle stop, gate and lower station are within a few dozen metres: no walks
    // there. From the top station to the hotel is a walk; the check-out is the next day.
    assert_eq!(t.legs.len(), 1, "{:?}", t.legs);
    let leg = &t.legs[0];
    assert_eq!(
        (leg.from_item.as_str(), leg.to_item.as_str()),
        ("4-41-ride-yungu", "4-42-hotel-in")
    );
    // White Goose Ridge (1670 m) to the Beihai Hotel (1630 m): about a kilometre.
    assert!((950..1050).contains(&leg.straight_m), "{leg:?}");
    assert_eq!(
        leg.walk_m,
        (f64::from(leg.straight_m) * TRAIL_FACTOR).round() as u32
    );
    assert_eq!((leg.climb_m, leg.descent_m), (0, 40));
    let expected = walk_minutes(f64::from(leg.walk_m), -40.0).ceil() as u16;
    assert!(leg.minutes.abs_diff(expected) <= 1, "{leg:?} vs {expected}");
    assert!((14..=17).contains(&leg.minutes));
}

#[rstest]
// Fastest on a gentle descent, 6 km/h.
#[case(-0.05, 6.0)]
// About 5 km/h on the level.
#[case(0.0, 5.036)]
// 10 % up and 20 % down are equally slow: symmetric about −5 %.
#[case(0.10, 3.549)]
#[case(-0.20, 3.549)]
// A steep 30 % climb, stairs: about 2 km/h.
#[case(0.30, 1.763)]
fn toblers_hiking_function(#[case] slope: f64, #[case] kmh: f64) {
    assert!(
        (tobler_kmh(slope) - kmh).abs() < 0.001,
        "{}",
        tobler_kmh(slope)
    );
}

#[rstest]
#[case(1000.0, 0.0, 11.91)]
#[case(1000.0, 100.0, 16.91)]
#[case(1000.0, -50.0, 10.0)]
#[case(0.0, 0.0, 0.0)]
fn walking_minutes(#[case] run_m: f64, #[case] rise_m: f64, #[case] minutes: f64) {
    assert!(
        (walk_minutes(run_m, rise_m) - minutes).abs() < 0.01,
        "{}",
        walk_minutes(run_m, rise_m)
    );
}

#[test]
fn ids_are_stable_across_rebuilds_and_input_order() {
    let catalog = huangshan();
    let a = confirmed(4, family_combo());
    let b = confirmed(
        5,
        Combo {
            add_ons: vec!["taiping".into()],
            ..combo("2026-07-16")
        },
    );
    let ids = |orders: &[Order]| -> Vec<(String, NaiveDateTime)> {
        let mut ids: Vec<(String, NaiveDateTime)> = timeline(orders, &catalog)
            .items
            .into_iter()
            .map(|i| (i.id, i.start))
            .collect();
        ids.sort();
        ids
    };
    let once = ids(&[a.clone(), b.clone()]);
    assert_eq!(once, ids(&[b.clone(), a.clone()]));
    // Ids name what an item is, not where it is in a list.
    let mut reordered = a.clone();
    reordered.combo.as_mut().unwrap().add_ons.reverse();
    assert_eq!(once, ids(&[reordered, b]));
    let unique: std::collections::BTreeSet<&String> = once.iter().map(|(id, _)| id).collect();
    assert_eq!(unique.len(), once.len());
}

#[test]
fn after_a_night_on_top_the_next_ride_goes_down_late() {
    let catalog = huangshan();
    let day_two = confirmed(
        5,
        Combo {
            add_ons: vec!["taiping".into()],
            ..combo("2026-07-16")
        },
    );
    let t = timeline(&[confirmed(4, family_combo()), day_two], &catalog);
    let down = item(&t, "5-51-ride-taiping");
    let ItemKind::Ride { direction, .. } = down.kind else {
        panic!()
    };
    assert_eq!(direction, RideDirection::Down);
    // The Taiping car closes 16:30; 12 minutes down; an hour of margin.
    assert_eq!(down.start, at("2026-07-16 15:18"));
    assert_eq!(down.place.en, "Danxia Station");
    // From the hotel at check-out to the top station.
    assert!(
        t.legs
            .iter()
            .any(|l| l.from_item == "4-42-hotel-out" && l.to_item == "5-51-ride-taiping")
    );
}

#[test]
fn two_rides_in_a_day_go_up_then_down() {
    let mut c = family_combo();
    c.add_ons = vec!["yuping".into(), "yungu".into()];
    c.hotel = None;
    let t = timeline(&[confirmed(4, c)], &huangshan());
    let up = item(&t, "4-41-ride-yuping");
    let down = item(&t, "4-41-ride-yungu");
    assert!(matches!(
        up.kind,
        ItemKind::Ride {
            direction: RideDirection::Up,
            ..
        }
    ));
    assert!(matches!(
        down.kind,
        ItemKind::Ride {
            direction: RideDirection::Down,
            ..
        }
    ));
    assert!(up.start >= at("2026-07-15 07:00"));
    assert_eq!(down.start, at("2026-07-15 15:20"));
}

#[test]
fn a_ticket_alone_names_every_gate() {
    let t = timeline(
        &[confirmed(
            8,
            Combo {
                slot_id: Some("morning".into()),
                ..combo(DAY)
            },
        )],
        &huangshan(),
    );
    let entry = &t.items[0];
    assert_eq!(entry.location, None);
    assert_eq!(
        entry.place.en,
        "South Gate (Tangkou), Yungu Temple Entrance or Ciguang Pavilion Entrance"
    );
    assert_eq!(entry.place.zh, "南大门（汤口）、云谷寺入口或慈光阁入口");
    assert!(t.legs.is_empty());
}

#[rstest]
#[case::held(OrderState::AwaitingPayment, SubOrderState::Held, ItemStatus::Held)]
#[case::confirmed(OrderState::Confirmed, SubOrderState::Confirmed, ItemStatus::Confirmed)]
#[case::adjusted(OrderState::Confirmed, SubOrderState::Adjusted, ItemStatus::Adjusted)]
#[case::failed(OrderState::PartlyConfirmed, SubOrderState::Failed, ItemStatus::Failed)]
#[case::released(
    OrderState::AwaitingPayment,
    SubOrderState::Released,
    ItemStatus::Failed
)]
#[case::sub_cancelled(OrderState::Confirmed, SubOrderState::Cancelled, ItemStatus::Cancelled)]
#[case::order_cancelled(OrderState::Cancelled, SubOrderState::Confirmed, ItemStatus::Cancelled)]
#[case::order_expired(OrderState::Expired, SubOrderState::Held, ItemStatus::Failed)]
fn status_follows_the_sub_order(
    #[case] order: OrderState,
    #[case] sub: SubOrderState,
    #[case] expected: ItemStatus,
) {
    let mut o = with_state(confirmed(4, family_combo()), order);
    sub_mut(&mut o, Provider::Hotel).state = sub;
    let t = timeline(&[o], &huangshan());
    assert_eq!(item(&t, "4-42-hotel-in").status, expected);
    assert_eq!(item(&t, "4-42-hotel-out").status, expected);
}

#[test]
fn a_used_pass_marks_its_item_used_and_a_revoked_one_is_not_offered() {
    let mut o = confirmed(4, family_combo());
    o.passes[0].state = PassState::Used;
    o.passes[1].state = PassState::Revoked;
    let note = Text::new("已改订", "Rebooked");
    sub_mut(&mut o, Provider::Hotel).state = SubOrderState::Adjusted;
    sub_mut(&mut o, Provider::Hotel).note = Some(note.clone());
    let t = timeline(&[o], &huangshan());
    let entry = item(&t, "4-41-entry");
    assert_eq!(entry.status, ItemStatus::Used);
    assert_eq!(entry.passes, ["4-entry-0"]);
    assert_eq!(item(&t, "4-41-ride-yungu").status, ItemStatus::Confirmed);
    assert_eq!(item(&t, "4-42-hotel-in").note, Some(note));
}

#[test]
fn the_assigned_vehicle_shows_on_the_shuttle() {
    let mut o = confirmed(4, family_combo());
    let vehicle = Vehicle {
        plate: "皖J·12345".into(),
        driver: "王师傅".into(),
        driver_phone: "13800138000".into(),
    };
    sub_mut(&mut o, Provider::Transport).vehicle = Some(vehicle.clone());
    let t = timeline(&[o], &huangshan());
    let ItemKind::Shuttle { vehicle: got, .. } = &item(&t, "4-43-shuttle-tangkou-yungu").kind
    else {
        panic!()
    };
    assert_eq!(got.as_ref(), Some(&vehicle));
}

#[test]
fn a_replacement_hotel_on_the_sub_order_line_wins() {
    let mut o = confirmed(4, family_combo());
    sub_mut(&mut o, Provider::Hotel).lines[0].product_id = "xihai-hotel/twin".into();
    let t = timeline(&[o], &huangshan());
    assert_eq!(item(&t, "4-42-hotel-in").place.en, "Xihai Hotel");
}

#[test]
fn an_order_without_its_combo_is_rebuilt_from_lines_and_passes() {
    let mut o = confirmed(4, family_combo());
    o.combo = None;
    let t = timeline(&[o], &huangshan());
    let ids: Vec<&str> = t.items.iter().map(|i| i.id.as_str()).collect();
    // The hotel's nights are not on its line: the stay is left off.
    assert_eq!(
        ids,
        [
            "4-43-shuttle-tangkou-yungu",
            "4-41-entry",
            "4-41-rental-audio-guide",
            "4-41-ride-yungu"
        ]
    );
}

#[test]
fn a_second_seat_on_the_same_line_has_its_own_id() {
    let mut c = family_combo();
    c.shuttles.push(ShuttleSeat {
        line_id: "tangkou-yungu".into(),
        departure: time("08:00"),
    });
    let t = timeline(&[confirmed(4, c)], &huangshan());
    let later = item(&t, "4-43-shuttle-tangkou-yungu-2");
    assert_eq!(later.start, at("2026-07-15 08:00"));
    assert_eq!(later.passes, ["4-tangkou-yungu-5"]);
    assert_eq!(
        item(&t, "4-43-shuttle-tangkou-yungu").passes,
        ["4-tangkou-yungu-4"]
    );
}

#[test]
fn serialized_times_are_local_minutes() {
    let t = family_timeline();
    let json = serde_json::to_value(&t.items[0]).unwrap();
    assert_eq!(json["start"], "2026-07-15T06:00");
    assert_eq!(json["end"], "2026-07-15T06:25");
    assert_eq!(json["kind"]["type"], "shuttle");
    assert_eq!(json["status"], "confirmed");
    let back: TimelineItem = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, t.items[0]);
    let mut bad = json;
    bad["start"] = "2026-07-15T06:00:00".into();
    assert!(serde_json::from_value::<TimelineItem>(bad).is_err());

    let trip = &trips(&[confirmed(4, family_combo())])[0];
    let view = t.view(trip, Some(at("2026-07-15 06:10")));
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["as_of"], "2026-07-15T06:10");
    assert_eq!(json["now_next"]["phase"], "under_way");
    assert_eq!(json["first_day"], DAY);
    let back: TripView = serde_json::from_value(json).unwrap();
    assert_eq!(back, view);
}

// Now and next.

#[rstest]
#[case::the_day_before("2026-07-14 20:00", TripPhase::NotStarted, None, Some(("4-43-shuttle-tangkou-yungu", 600)))]
#[case::on_the_shuttle("2026-07-15 06:10", TripPhase::UnderWay, Some("4-43-shuttle-tangkou-yungu"), Some(("4-41-rental-audio-guide", 15)))]
#[case::inside_the_slot("2026-07-15 06:30", TripPhase::UnderWay, Some("4-41-entry"), Some(("4-41-ride-yungu", 30)))]
#[case::on_the_ride("2026-07-15 07:05", TripPhase::UnderWay, Some("4-41-ride-yungu"), Some(("4-42-hotel-in", 415)))]
#[case::between_items("2026-07-15 10:00", TripPhase::UnderWay, None, Some(("4-42-hotel-in", 240)))]
#[case::seconds_round_up("2026-07-15 13:59", TripPhase::UnderWay, None, Some(("4-42-hotel-in", 1)))]
#[case::overnight("2026-07-15 23:00", TripPhase::UnderWay, None, Some(("4-42-hotel-out", 720)))]
#[case::at_the_last_item("2026-07-16 11:00", TripPhase::Over, None, None)]
#[case::after("2026-07-20 09:00", TripPhase::Over, None, None)]
fn now_and_next(
    #[case] now: &str,
    #[case] phase: TripPhase,
    #[case] current: Option<&str>,
    #[case] next: Option<(&str, u32)>,
) {
    let n = family_timeline().now_next(at(now));
    assert_eq!(n.phase, phase);
    assert_eq!(n.now.as_ref().map(|i| i.id.as_str()), current);
    assert_eq!(n.next.as_ref().map(|i| i.id.as_str()), next.map(|n| n.0));
    assert_eq!(n.next_in_minutes, next.map(|n| n.1));
}

#[test]
fn next_carries_the_walk_to_it() {
    let n = family_timeline().now_next(at("2026-07-15 10:00"));
    let walk = n.walk_to_next.unwrap();
    assert_eq!(walk.to_item, "4-42-hotel-in");
}

#[test]
fn a_cancelled_item_is_never_now_or_next() {
    let mut o = confirmed(4, family_combo());
    sub_mut(&mut o, Provider::Transport).state = SubOrderState::Cancelled;
    let n = timeline(&[o], &huangshan()).now_next(at("2026-07-15 05:00"));
    assert_eq!(n.next.unwrap().id, "4-41-entry");
    assert_eq!(n.next_in_minutes, Some(60));

    let all_off = with_state(confirmed(4, family_combo()), OrderState::Cancelled);
    let n = timeline(&[all_off], &huangshan()).now_next(at("2026-07-15 05:00"));
    assert_eq!(n.phase, TripPhase::Empty);
    assert_eq!(n.next, None);
}

// Reminders.

fn hour() -> Duration {
    Duration::hours(1)
}

fn seven() -> NaiveTime {
    NaiveTime::from_hms_opt(7, 0, 0).unwrap()
}

#[test]
fn a_lead_before_each_slot_departure_and_check_in_and_each_morning() {
    let t = family_timeline();
    let r = reminders(&t, hour(), seven(), at("2026-07-01 09:00"));
    let got: Vec<(String, String)> = r
        .iter()
        .map(|r| (r.at.format("%m-%d %H:%M").to_string(), r.id.clone()))
        .collect();
    let want = [
        ("07-15 05:00", "4-41-entry/lead"),
        ("07-15 05:00", "4-43-shuttle-tangkou-yungu/lead"),
        ("07-15 07:00", "huangshan-2026-07-15/morning"),
        ("07-15 13:00", "4-42-hotel-in/lead"),
        ("07-16 07:00", "huangshan-2026-07-16/morning"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);

    let shuttle = &r[1];
    assert_eq!(shuttle.kind, ReminderKind::Lead);
    assert_eq!(
        shuttle.item_id.as_deref(),
        Some("4-43-shuttle-tangkou-yungu")
    );
    assert!(
        shuttle.title.zh.starts_with("06:00 "),
        "{:?}",
        shuttle.title
    );
    assert!(
        shuttle.body.zh.contains("汤口换乘中心上车口"),
        "{:?}",
        shuttle.body
    );
    let morning = &r[2];
    assert_eq!(morning.kind, ReminderKind::Morning);
    assert_eq!(morning.title.zh, "7月15日行程");
    assert!(
        morning.body.en.contains("c. 07:00 Yungu Cable Car (up)"),
        "{:?}",
        morning.body
    );
    assert_eq!(r[4].body.en, "11:00 Check out of Beihai Hotel");
}

#[test]
fn a_departure_after_midnight_is_reminded_the_evening_before() {
    let mut o = confirmed(4, family_combo());
    move_shuttle(&mut o, "06:00", "00:30");
    let t = timeline(&[o], &huangshan());
    let r = reminders(&t, hour(), seven(), at("2026-07-01 09:00"));
    let lead = r
        .iter()
        .find(|r| r.id == "4-43-shuttle-tangkou-yungu/lead")
        .unwrap();
    assert_eq!(lead.at, at("2026-07-14 23:30"));
    assert_eq!(r[0].id, lead.id);
}

#[test]
fn a_moved_departure_moves_its_reminder_under_the_same_id() {
    let before = reminders(&family_timeline(), hour(), seven(), at("2026-07-01 09:00"));
    let mut o = confirmed(4, family_combo());
    move_shuttle(&mut o, "06:00", "06:40");
    let t = timeline(&[o], &huangshan());
    let after = reminders(&t, hour(), seven(), at("2026-07-01 09:00"));
    let lead = |r: &[crate::api::Reminder]| {
        r.iter()
            .find(|r| r.item_id.as_deref() == Some("4-43-shuttle-tangkou-yungu"))
            .map(|r| (r.id.clone(), r.at))
            .unwrap()
    };
    let (id_before, at_before) = lead(&before);
    let (id_after, at_after) = lead(&after);
    assert_eq!(id_before, id_after);
    assert_eq!(at_before, at("2026-07-15 05:00"));
    assert_eq!(at_after, at("2026-07-15 05:40"));
    let ids = |r: &[crate::api::Reminder]| {
        let mut ids: Vec<String> = r.iter().map(|r| r.id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&before), ids(&after));
}

#[test]
fn no_reminders_in_the_past_nor_for_what_is_off_or_unpaid() {
    let t = family_timeline();
    let r = reminders(&t, hour(), seven(), at("2026-07-15 05:30"));
    let ids: Vec<&str> = r.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "huangshan-2026-07-15/morning",
            "4-42-hotel-in/lead",
            "huangshan-2026-07-16/morning"
        ]
    );

    let mut o = confirmed(4, family_combo());
    sub_mut(&mut o, Provider::Transport).state = SubOrderState::Cancelled;
    sub_mut(&mut o, Provider::Hotel).state = SubOrderState::Held;
    let t = timeline(&[o], &huangshan());
    let r = reminders(&t, hour(), seven(), at("2026-07-01 09:00"));
    let leads: Vec<&str> = r
        .iter()
        .filter(|r| r.kind == ReminderKind::Lead)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(leads, ["4-41-entry/lead"]);

    let cancelled = with_state(confirmed(4, family_combo()), OrderState::Cancelled);
    let t = timeline(&[cancelled], &huangshan());
    assert!(reminders(&t, hour(), seven(), at("2026-07-01 09:00")).is_empty());
}

#[test]
fn views_show_each_trip_of_the_region() {
    let orders = [
        confirmed(4, family_combo()),
        confirmed(
            9,
            Combo {
                slot_id: Some("morning".into()),
                ..combo("2026-08-01")
            },
        ),
    ];
    let views = views(&orders, &huangshan(), None);
    assert_eq!(
        view_by_id(&orders, &huangshan(), "huangshan-9", None).as_ref(),
        Some(&views[1])
    );
    assert_eq!(
        view_by_id(&orders, &huangshan(), "huangshan-10", None),
        None
    );
    assert_eq!(views.len(), 2);
    assert_eq!(views[0].trip_id, "huangshan-4");
    assert_eq!(views[0].items.len(), 6);
    assert_eq!(views[1].order_ids, [9]);
    assert_eq!(views[1].now_next, None);
    assert_eq!(views[1].as_of, None);
}

// The calendar.

#[cfg(feature = "calendar")]
mod calendar {
    use std::collections::HashMap;

    use chrono::{DateTime, Utc};
    use ical::parser::ical::component::IcalEvent;

    use super::*;
    use crate::text::Lang;
    use crate::trip::calendar::{fingerprint, ics, sequence_after, uid};

    fn stamp() -> DateTime<Utc> {
        "2026-07-01T01:00:00Z".parse().unwrap()
    }

    fn family_view() -> TripView {
        views(&[confirmed(4, family_combo())], &huangshan(), None).remove(0)
    }

    /// Read by another crate's parser, which knows nothing of how the file was written.
    fn parse(text: &str) -> ical::parser::ical::component::IcalCalendar {
        let mut parser = ical::IcalParser::new(text.as_bytes());
        let calendar = parser.next().expect("one calendar").expect("it parses");
        assert!(parser.next().is_none(), "exactly one calendar");
        calendar
    }

    fn property<'a>(event: &'a IcalEvent, name: &str) -> Option<&'a ical::property::Property> {
        event.properties.iter().find(|p| p.name == name)
    }

    fn value<'a>(event: &'a IcalEvent, name: &str) -> &'a str {
        property(event, name)
            .and_then(|p| p.value.as_deref())
            .unwrap_or_else(|| panic!("{name} missing"))
    }

    fn tzid(event: &IcalEvent, name: &str) -> String {
        let params = property(event, name).unwrap().params.clone().unwrap();
        let (_, values) = params.into_iter().find(|(k, _)| k == "TZID").unwrap();
        values.join(",")
    }

    #[test]
    fn every_item_is_one_event_in_the_regions_zone() {
        let view = family_view();
        let text = ics(&view, &huangshan().region, Lang::En, |_| 0, stamp());
        let calendar = parse(&text);

        assert_eq!(calendar.timezones.len(), 1);
        let zone = &calendar.timezones[0];
        assert!(
            zone.properties
                .iter()
                .any(|p| p.name == "TZID" && p.value.as_deref() == Some("Asia/Shanghai"))
        );
        let standard = &zone.transitions[0];
        assert!(
            standard
                .properties
                .iter()
                .any(|p| p.name == "TZOFFSETTO" && p.value.as_deref() == Some("+0800"))
        );

        assert_eq!(calendar.events.len(), view.items.len());
        for (event, item) in calendar.events.iter().zip(&view.items) {
            assert_eq!(value(event, "UID"), format!("{}@tongyou.app", item.id));
            assert_eq!(value(event, "UID"), uid(item));
            assert_eq!(
                value(event, "DTSTART"),
                item.start.format("%Y%m%dT%H%M%S").to_string()
            );
            assert_eq!(tzid(event, "DTSTART"), "Asia/Shanghai");
            if let Some(end) = item.end {
                assert_eq!(
                    value(event, "DTEND"),
                    end.format("%Y%m%dT%H%M%S").to_string()
                );
            }
            assert_eq!(value(event, "SUMMARY"), item.title.en);
            assert_eq!(value(event, "LOCATION"), item.place.en);
            assert_eq!(value(event, "SEQUENCE"), "0");
            assert_eq!(value(event, "STATUS"), "CONFIRMED");
            assert_eq!(value(event, "DTSTAMP"), "20260701T010000Z");
            match item.location {
                Some(p) => assert_eq!(value(event, "GEO"), format!("{:.6};{:.6}", p.lat, p.lon)),
                None => assert!(property(event, "GEO").is_none()),
            }
        }
        // The morning's first thing: the 06:00 shuttle up, boarding in Tangkou.
        let shuttle = &calendar.events[0];
        assert_eq!(value(shuttle, "DTSTART"), "20260715T060000");
        assert!(value(shuttle, "DESCRIPTION").contains("Board at"));
    }

    #[test]
    fn the_calendar_speaks_the_language_asked() {
        let view = family_view();
        let zh = parse(&ics(&view, &huangshan().region, Lang::Zh, |_| 0, stamp()));
        for (event, item) in zh.events.iter().zip(&view.items) {
            assert_eq!(value(event, "SUMMARY"), item.title.zh);
            assert_eq!(value(event, "LOCATION"), item.place.zh);
        }
    }

    #[test]
    fn the_sequence_grows_only_when_the_event_changed() {
        assert_eq!(sequence_after(None, "a"), 0);
        assert_eq!(sequence_after(Some(("a", 3)), "a"), 3);
        assert_eq!(sequence_after(Some(("a", 3)), "b"), 4);

        let before = family_view();
        let again = family_view();
        for (a, b) in before.items.iter().zip(&again.items) {
            assert_eq!(fingerprint(a), fingerprint(b), "a rebuild changes nothing");
        }

        // A vehicle assigned, and the shuttle moved a quarter of an hour.
        let mut order = confirmed(4, family_combo());
        sub_mut(&mut order, Provider::Transport).vehicle = Some(Vehicle {
            plate: "皖J·12345".into(),
            driver: "王师傅".into(),
            driver_phone: "13800138000".into(),
        });
        let assigned = views(&[order.clone()], &huangshan(), None).remove(0);
        move_shuttle(&mut order, "06:00", "06:15");
        let moved = views(&[order], &huangshan(), None).remove(0);

        let sequences = |view: &TripView, known: &HashMap<String, (String, u32)>| {
            view.items
                .iter()
                .map(|i| {
                    let prior = known.get(&uid(i)).map(|(f, s)| (f.as_str(), *s));
                    (
                        uid(i),
                        (fingerprint(i), sequence_after(prior, &fingerprint(i))),
                    )
                })
                .collect::<HashMap<_, _>>()
        };
        let first = sequences(&before, &HashMap::new());
        let second = sequences(&assigned, &first);
        let third = sequences(&moved, &second);
        let shuttle = uid(item_of(&before, "shuttle"));
        let entry = uid(item_of(&before, "entry"));
        assert_eq!(
            [first[&shuttle].1, second[&shuttle].1, third[&shuttle].1],
            [0, 1, 2]
        );
        assert_eq!(
            [first[&entry].1, second[&entry].1, third[&entry].1],
            [0, 0, 0]
        );

        let text = ics(
            &moved,
            &huangshan().region,
            Lang::En,
            |u| third[u].1,
            stamp(),
        );
        let calendar = parse(&text);
        let event = calendar
            .events
            .iter()
            .find(|e| value(e, "UID") == shuttle)
            .unwrap();
        assert_eq!(value(event, "SEQUENCE"), "2");
        assert_eq!(value(event, "DTSTART"), "20260715T061500");
        // The plate, so the tourist finds the bus; never the driver's name or phone.
        assert!(value(event, "DESCRIPTION").contains("皖J·12345"));
        assert!(!text.contains("13800138000") && !text.contains("王师傅"));
    }

    fn item_of<'a>(view: &'a TripView, kind: &str) -> &'a TimelineItem {
        view.items.iter().find(|i| i.kind.key() == kind).unwrap()
    }

    #[test]
    fn a_cancelled_order_stays_in_as_cancelled_events() {
        let cancelled = [with_state(
            confirmed(4, family_combo()),
            OrderState::Cancelled,
        )];
        assert!(views(&cancelled, &huangshan(), None).is_empty());
        assert!(view_by_id(&cancelled, &huangshan(), "huangshan-5", None).is_none());
        let view = view_by_id(&cancelled, &huangshan(), "huangshan-4", None).unwrap();
        let calendar = parse(&ics(&view, &huangshan().region, Lang::En, |_| 1, stamp()));
        assert!(!calendar.events.is_empty());
        for event in &calendar.events {
            assert_eq!(value(event, "STATUS"), "CANCELLED");
            assert!(value(event, "SUMMARY").starts_with("[Cancelled] "));
        }
    }

    #[test]
    fn a_region_without_a_zone_name_gets_one_from_its_offset() {
        let mut region = huangshan().region;
        region.time_zone = None;
        let calendar = parse(&ics(&family_view(), &region, Lang::En, |_| 0, stamp()));
        assert_eq!(tzid(&calendar.events[0], "DTSTART"), "UTC+08:00");
        region.time_zone = Some("Asia/Shanghai\r\nX-EVIL:1".into());
        let text = ics(&family_view(), &region, Lang::En, |_| 0, stamp());
        assert!(!text.contains("X-EVIL"));
    }
}

/// After a disruption's re-booking an order holds its old sub-orders (cancelled) and the
/// new ones (confirmed): the timeline shows the new ones.
#[test]
fn a_rebooked_order_shows_its_new_sub_orders() {
    let mut order = confirmed(4, family_combo());
    let old: Vec<SubOrder> = order
        .sub_orders
        .iter()
        .map(|s| SubOrder {
            id: s.id - 30,
            state: SubOrderState::Cancelled,
            ..s.clone()
        })
        .collect();
    order.sub_orders.splice(0..0, old);
    let t = timeline(&[order], &huangshan());
    assert!(!t.items.is_empty());
    for item in &t.items {
        assert_eq!(item.status, ItemStatus::Confirmed, "{}", item.id);
        assert!(item.sub_order_id.is_some_and(|id| id > 40), "{}", item.id);
    }
}

// The tourist's own visits.

fn lotus_at(at_: &str) -> DayVisit {
    DayVisit {
        sight_id: "lotus-peak".into(),
        at: at(at_),
    }
}

#[test]
fn a_visit_takes_its_place_among_the_booked_things_with_its_walks() {
    let orders = [confirmed(4, family_combo())];
    let booked = family_timeline();
    let t = timeline_with_visits(&orders, &[lotus_at("2026-07-15 10:30")], &huangshan());
    assert_eq!(t.items.len(), booked.items.len() + 1);
    let visit = item(&t, "visit-lotus-peak-2026-07-15");
    assert_eq!(visit.status, ItemStatus::Planned);
    assert_eq!(visit.order_id, 0, "no order behind it");
    assert_eq!(
        visit.end,
        Some(at("2026-07-15 12:30")),
        "the sight's usual 120 min"
    );
    assert_eq!(visit.guide_place.as_deref(), Some("lotus-peak"));
    assert_eq!(visit.title.en, "Visit Lotus Peak");
    assert!(t.items.windows(2).all(|w| w[0].start <= w[1].start));
    // Walked to from the item before it (the ride up), and from it to the hotel.
    let at_visit = t.items.iter().position(|i| i.id == visit.id).unwrap();
    let before = &t.items[at_visit - 1];
    let after = &t.items[at_visit + 1];
    assert!(
        t.legs
            .iter()
            .any(|l| l.from_item == before.id && l.to_item == visit.id),
        "{:?}",
        t.legs
    );
    assert!(
        t.legs
            .iter()
            .any(|l| l.from_item == visit.id && l.to_item == after.id),
        "{:?}",
        t.legs
    );
    // A sight the catalog no longer has is simply not shown.
    let gone = DayVisit {
        sight_id: "no-such-sight".into(),
        at: at("2026-07-15 10:30"),
    };
    assert_eq!(
        timeline_with_visits(&orders, &[gone], &huangshan()).items,
        booked.items
    );
}

#[test]
fn a_visit_must_be_a_day_of_the_trip_not_past_and_fit_the_sights_hours() {
    let orders = [confirmed(4, family_combo())];
    let trip = &trips(&orders)[0];
    let catalog = huangshan();
    // The evening before the trip.
    let now = at("2026-07-14 20:00");
    let check = |v: &DayVisit, now| visit::check(trip, &catalog, v, now);
    let field = |v: DayVisit| {
        let errors = check(&v, now).unwrap_err();
        (errors[0].field.clone(), errors[0].message.clone())
    };
    assert_eq!(check(&lotus_at("2026-07-16 07:00"), now), Ok(()));
    assert_eq!(check(&lotus_at("2026-07-15 14:00"), now), Ok(()));

    let (f, message) = field(lotus_at("2026-07-17 10:00"));
    assert_eq!(f, "day");
    assert!(
        message.en.contains("2026-07-15 to 2026-07-16"),
        "{message:?}"
    );
    assert!(message.zh.contains("行程内"), "{message:?}");
    // Opens at 07:00; a 120-minute visit must start by 14:00 to end by 16:00.
    for late_or_early in ["2026-07-15 14:05", "2026-07-15 06:30"] {
        let (f, message) = field(lotus_at(late_or_early));
        assert_eq!(f, "time", "{late_or_early}");
        assert!(message.en.contains("07:00–16:00"), "{message:?}");
        assert!(message.en.contains("start by 14:00"), "{message:?}");
        assert!(message.zh.contains("14:00 前开始"), "{message:?}");
    }
    // During the trip, a time already past is refused.
    let errors = check(&lotus_at("2026-07-15 09:00"), at("2026-07-15 11:00")).unwrap_err();
    assert_eq!(errors[0].field, "time");
    assert!(errors[0].message.en.contains("passed"), "{errors:?}");
    assert!(errors[0].message.zh.contains("已经过了"), "{errors:?}");
    let (f, _) = field(DayVisit {
        sight_id: "atlantis".into(),
        at: at("2026-07-15 10:00"),
    });
    assert_eq!(f, "sight_id");
    // An open-air sight keeps no hours: any time of a trip day does.
    let pine = DayVisit {
        sight_id: "welcoming-guest-pine".into(),
        at: at("2026-07-15 05:00"),
    };
    assert_eq!(check(&pine, now), Ok(()));
}

#[test]
fn the_card_offers_a_time_after_the_days_bookings_and_now_and_knows_an_added_visit() {
    let orders = [confirmed(4, family_combo())];
    let trip = &trips(&orders)[0];
    let catalog = huangshan();
    let booked = family_timeline();
    let offer = |timeline: &Timeline, sight: &str, now: &str| {
        visit::choice(trip, timeline, &catalog, sight, at(now))
    };
    let before = "2026-07-01 12:00";
    let first = offer(&booked, "lotus-peak", before).unwrap();
    assert_eq!(first.days, ["2026-07-15", "2026-07-16"]);
    assert_eq!(first.day, "2026-07-15", "before the trip: its first day");
    assert_eq!(first.visit_minutes, 120);
    assert_eq!(first.on_trip, None);
    // After the last thing that ends on the day in time for a visit, on a 5-minute mark.
    let last_end = booked
        .items
        .iter()
        .filter(|i| i.start.date().to_string() == "2026-07-15")
        .filter_map(|i| i.end)
        .filter(|e| ClockTime::from(e.time()) <= time("14:00"))
        .max()
        .unwrap();
    assert!(first.time >= ClockTime::from(last_end.time()), "{first:?}");
    assert!(first.time.minutes().is_multiple_of(5), "{first:?}");
    assert!(first.time <= time("14:00"), "{first:?}");
    let offered = DayVisit {
        sight_id: "lotus-peak".into(),
        at: visit::at(last_end.date(), first.time),
    };
    assert_eq!(visit::check(trip, &catalog, &offered, at(before)), Ok(()));

    // During the trip: today, never before now (12:02 → 12:05).
    let today = offer(&booked, "lotus-peak", "2026-07-16 12:02").unwrap();
    assert_eq!(
        (today.day.as_str(), today.time),
        ("2026-07-16", time("12:05"))
    );
    assert_eq!(today.days, ["2026-07-16"], "the days gone are not offered");
    // Taken within the minute it is offered for.
    let within = DayVisit {
        sight_id: "lotus-peak".into(),
        at: at("2026-07-16 12:05"),
    };
    let a_bit_later = at("2026-07-16 12:05") + Duration::seconds(30);
    assert_eq!(visit::check(trip, &catalog, &within, a_bit_later), Ok(()));
    // The last afternoon: no time left for two hours before 16:00.
    assert_eq!(offer(&booked, "lotus-peak", "2026-07-16 15:00"), None);
    // Too late today for a two-hour visit before 16:00: the next day of the trip.
    let late = offer(&booked, "lotus-peak", "2026-07-15 15:00").unwrap();
    assert_eq!(late.day, "2026-07-16");
    assert!(late.time <= time("14:00"), "{late:?}");

    let added = timeline_with_visits(&orders, &[lotus_at("2026-07-16 08:00")], &catalog);
    let again = offer(&added, "lotus-peak", "2026-07-16 07:00").unwrap();
    assert_eq!(
        again.on_trip.as_deref(),
        Some("visit-lotus-peak-2026-07-16")
    );
    // Visited yesterday: it may go on today too.
    let yesterday = timeline_with_visits(&orders, &[lotus_at("2026-07-15 08:00")], &catalog);
    let once_more = offer(&yesterday, "lotus-peak", "2026-07-16 07:00").unwrap();
    assert_eq!(once_more.on_trip, None);
    assert_eq!(offer(&booked, "atlantis", before), None);
}

#[test]
fn an_added_visit_is_reminded_before_it_and_in_its_mornings_plan() {
    let orders = [confirmed(4, family_combo())];
    let t = timeline_with_visits(&orders, &[lotus_at("2026-07-15 10:30")], &huangshan());
    let r = reminders(&t, hour(), seven(), at("2026-07-01 09:00"));
    let lead = r
        .iter()
        .find(|r| r.id == "visit-lotus-peak-2026-07-15/lead")
        .unwrap_or_else(|| panic!("no reminder for the visit: {r:?}"));
    assert_eq!(lead.at, at("2026-07-15 09:30"));
    assert_eq!(lead.title.en, "10:30 Visit Lotus Peak");
    assert!(lead.body.zh.contains("前往莲花峰"), "{:?}", lead.body);
    let morning = r
        .iter()
        .find(|r| r.id == "huangshan-2026-07-15/morning")
        .unwrap();
    assert!(
        morning.body.zh.contains("10:30 游览莲花峰"),
        "{:?}",
        morning.body
    );
}
