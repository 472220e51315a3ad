//! The trip's timeline on the device: built from the device's own copies of the orders,
//! so it reads the same with the platform gone, as of the moment passed in.

use chrono::{NaiveDate, TimeZone, Utc};
use tongyou_core::api::{Combo, HotelStay, ItemKind, ItemStatus, ShuttleSeat, TripPhase};

use tongyou_device::{Clock, CommandError, Device};

use super::{Rig, order_for, visit_date};

/// A region-local moment (Huangshan is UTC+8) on the visit day, as UTC.
fn on_visit_day(hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    let day = NaiveDate::parse_from_str(&visit_date(), "%Y-%m-%d").unwrap();
    let local = day.and_hms_opt(hour, minute, 0).unwrap();
    Utc.from_utc_datetime(&(local - chrono::Duration::hours(8)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booked_combo_is_one_timeline_that_reads_offline() {
    let mut rig = Rig::new().await;
    rig.sync().await;
    let signed_out = rig.device.trip().unwrap();
    assert_eq!(signed_out.trip, None, "signed out: no trip, and no error");
    let opening = rig.device.startup().unwrap();
    assert_eq!((opening.session, opening.trip_under_way), (None, false));

    let (session, traveller) = rig.tourist("13800138501").await;
    let combo = Combo {
        region_id: "huangshan".into(),
        date: visit_date(),
        slot_id: Some("morning".into()),
        add_ons: vec!["yungu".into(), "audio-guide".into()],
        hotel: Some(HotelStay {
            hotel_id: "tangkou-shanshui-hotel".into(),
            room_type_id: "family".into(),
            rooms: 1,
            nights: 1,
        }),
        shuttles: vec![ShuttleSeat {
            line_id: "tangkou-yungu".into(),
            departure: "07:00".parse().unwrap(),
        }],
    };
    let order = rig
        .device
        .place_order(
            order_for(combo, std::slice::from_ref(&traveller)),
            "t1".into(),
        )
        .await
        .unwrap();

    // The evening before: everything ahead, the shuttle first.
    let before = rig
        .device
        .trip_at(on_visit_day(0, 0) - chrono::Duration::hours(4))
        .unwrap();
    let trip = before.trip.expect("the booked combo is a trip");
    assert_eq!(trip.order_ids, vec![order.id]);
    let kinds: Vec<&str> = trip.items.iter().map(|i| i.kind.key()).collect();
    for kind in [
        "shuttle",
        "entry",
        "ride",
        "rental",
        "hotel_check_in",
        "hotel_check_out",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert!(
        trip.items.windows(2).all(|w| w[0].start <= w[1].start),
        "in time order"
    );
    assert!(trip.items.iter().all(|i| i.status == ItemStatus::Confirmed));
    let card = trip.now_next.clone().unwrap();
    assert_eq!(card.phase, TripPhase::NotStarted);
    assert!(matches!(
        card.next.as_ref().map(|n| &n.kind),
        Some(ItemKind::Shuttle { .. })
    ));
    let entry = trip
        .items
        .iter()
        .find(|i| matches!(i.kind, ItemKind::Entry { .. }))
        .unwrap();
    assert!(!entry.passes.is_empty(), "the entry item opens its pass");

    // The platform gone: the same timeline, with the time the device last heard of it.
    rig.stop_platform().await;
    let offline = rig.device.trip_at(on_visit_day(9, 30)).unwrap();
    let heard_at = offline
        .heard_at
        .clone()
        .expect("the device knows when it last heard");
    assert!(heard_at.starts_with(&Utc::now().date_naive().to_string()[..4]));
    let during = offline.trip.unwrap();
    assert_eq!(during.items, trip.items);
    assert_eq!(
        during.now_next.unwrap().phase,
        TripPhase::UnderWay,
        "mid-morning of the visit day"
    );

    // The app's one start-up call says so too, so it opens on the timeline; the evening
    // before, it opens on Discover.
    let opening = |at| {
        let device = Device::open(&rig.device_dir(), "http://127.0.0.1:9")
            .unwrap()
            .with_clock(Clock::starting_at(at));
        device.startup().unwrap()
    };
    let mid_morning = opening(on_visit_day(9, 30));
    assert!(mid_morning.trip_under_way);
    assert_eq!(
        mid_morning.session.map(|s| s.account_id),
        Some(session.account_id)
    );
    assert_eq!(mid_morning.station, None);
    assert!(!opening(on_visit_day(0, 0) - chrono::Duration::hours(4)).trip_under_way);
}

/// Polls `check` until it holds; `within` only bounds a failing test.
pub(crate) async fn eventually(
    within: std::time::Duration,
    mut check: impl FnMut() -> bool,
) -> bool {
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    check()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_the_platform_reaches_the_device_through_the_event_stream() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tongyou_core::api::OrderState;

    let rig = Rig::new().await;
    rig.sync().await;
    let (_, traveller) = rig.tourist("13800138502").await;
    let order = rig.book(&traveller, "e1").await;
    let account = rig.account();
    let changes = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&changes);
    let follow = rig.device.follow_events(move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
    });
    let act = async {
        let bound = std::time::Duration::from_secs(20);
        // Connected: the stream told the device where it stands.
        assert!(
            eventually(bound, || rig
                .device
                .store
                .event_cursor(account)
                .unwrap()
                .is_some())
            .await
        );
        // Cancelled elsewhere (another device, an agent): the device's copy follows.
        rig.client
            .cancel_order(&rig.token(), "elsewhere", order.id)
            .await
            .unwrap();
        let cancelled = eventually(bound, || {
            rig.device
                .store
                .order(account, order.id)
                .unwrap()
                .is_some_and(|o| o.state == OrderState::Cancelled)
        })
        .await;
        assert!(cancelled, "the cancellation reached the device");
        // The screens are told after the store has the change: wait for it too.
        let told = eventually(bound, || changes.load(Ordering::SeqCst) >= 1).await;
        assert!(told, "the screens were told");
        let cursor = rig.device.store.event_cursor(account).unwrap().unwrap();
        assert!(cursor.last_event_id > 0);
        // The trip read from the device says so.
        let trip = rig.device.trip().unwrap();
        assert!(
            trip.trip
                .is_none_or(|t| t.items.iter().all(|i| i.status == ItemStatus::Cancelled)),
            "no item of the cancelled order is still on"
        );
    };
    tokio::select! {
        () = follow => unreachable!("following never ends on its own"),
        () = act => {}
    }
}

/// Each event's `SEQUENCE` by `UID` in an exported file, as an independent parser reads it.
fn exported(path: &str) -> std::collections::BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap();
    tongyou_core::testing::calendar_events(&text)
        .into_iter()
        .map(|e| (e["UID"].clone(), e["SEQUENCE"].clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trip_exports_as_a_calendar_offline_and_a_change_bumps_its_sequence() {
    let mut rig = Rig::new().await;
    rig.sync().await;
    let (_, traveller) = rig.tourist("13800138503").await;
    let combo = Combo {
        region_id: "huangshan".into(),
        date: visit_date(),
        slot_id: Some("morning".into()),
        add_ons: vec![],
        hotel: None,
        shuttles: vec![ShuttleSeat {
            line_id: "tangkou-yungu".into(),
            departure: "07:00".parse().unwrap(),
        }],
    };
    let order = rig
        .device
        .place_order(
            order_for(combo, std::slice::from_ref(&traveller)),
            "c1".into(),
        )
        .await
        .unwrap();
    let trip_id = format!("huangshan-{}", order.id);
    let out = tempfile::tempdir().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap();

    let first = rig
        .device
        .export_calendar(&trip_id, out.path(), now)
        .unwrap();
    assert!(first.path.ends_with(&format!("tongyou-{trip_id}.ics")));
    let events = exported(&first.path);
    assert_eq!(events.len(), first.events as usize);
    assert_eq!(
        events.len(),
        2,
        "the shuttle and the entry slot: {events:?}"
    );
    assert!(events.values().all(|s| s == "0"));

    // The bus is assigned on the platform; the device hears of it, and the next export
    // says so with a higher sequence for that event only.
    rig.client
        .dev_assign_vehicle(
            order.id,
            None,
            &tongyou_core::api::Vehicle {
                plate: "皖J·12345".into(),
                driver: "王师傅".into(),
                driver_phone: "0559-5561234".into(),
            },
        )
        .await
        .unwrap();
    rig.device.orders().await.unwrap();
    rig.stop_platform().await;
    let second = rig
        .device
        .export_calendar(&trip_id, out.path(), now)
        .unwrap();
    assert_eq!(second.path, first.path, "the same file, replaced");
    let events = exported(&second.path);
    let bumped: Vec<&String> = events
        .iter()
        .filter(|(_, s)| *s == "1")
        .map(|(uid, _)| uid)
        .collect();
    assert_eq!(bumped.len(), 1, "{events:?}");
    assert!(bumped[0].contains("shuttle"));
    let text = std::fs::read_to_string(&second.path).unwrap();
    assert!(text.contains("皖J·12345") && !text.contains("0559-5561234"));
    assert!(
        std::fs::read_dir(out.path()).unwrap().count() == 1,
        "no partial file left behind"
    );

    // Offline, the platform's feed cannot be opened: said so, nothing else changes.
    assert!(matches!(
        rig.device.open_calendar_feed(&trip_id).await,
        Err(CommandError::Offline(_))
    ));
    // A trip the device does not know.
    assert!(matches!(
        rig.device
            .export_calendar("huangshan-999999", out.path(), now),
        Err(CommandError::NotFound(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_feed_opens_and_ends_from_the_device() {
    let rig = Rig::new().await;
    rig.sync().await;
    let (_, traveller) = rig.tourist("13800138504").await;
    let order = rig.book(&traveller, "f1").await;
    let trip_id = format!("huangshan-{}", order.id);
    let link = rig.device.open_calendar_feed(&trip_id).await.unwrap();
    assert!(link.webcal.starts_with("webcal://127.0.0.1:"));
    let path = link
        .url
        .split_once("/api/")
        .map(|(_, p)| format!("/api/{p}"))
        .unwrap();
    assert!(
        rig.client
            .calendar(&path)
            .await
            .unwrap()
            .contains("BEGIN:VEVENT")
    );
    rig.device.end_calendar_feed(&trip_id).await.unwrap();
    assert!(rig.client.calendar(&path).await.is_err());
    assert!(matches!(
        rig.device.end_calendar_feed(&trip_id).await,
        Err(CommandError::Platform(_))
    ));
}

/// "Add to my day" from the guide: the card's offer, a refused time said in both
/// languages, the visit on the timeline with the platform gone and after the app is
/// opened again, then taken off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sight_added_to_a_day_shows_on_the_timeline_offline_and_comes_off_again() {
    use tongyou_core::api::{ErrorCode, ItemStatus};

    let mut rig = Rig::new().await;
    rig.sync().await;
    assert_eq!(
        rig.device.visit_choice("lotus-peak").unwrap(),
        None,
        "signed out"
    );
    let (_, traveller) = rig.tourist("13800138503").await;
    assert_eq!(
        rig.device.visit_choice("lotus-peak").unwrap(),
        None,
        "no trip yet"
    );
    rig.book(&traveller, "v1").await;
    rig.stop_platform().await;

    // The evening before the visit day, on a device that opens its data afresh.
    let device = || {
        Device::open(&rig.device_dir(), "http://127.0.0.1:9")
            .unwrap()
            .with_clock(Clock::starting_at(
                on_visit_day(0, 0) - chrono::Duration::hours(4),
            ))
    };
    let app = device();
    let offer = app
        .visit_choice("lotus-peak")
        .unwrap()
        .expect("a trip to add to");
    assert_eq!(offer.days, [visit_date()]);
    assert_eq!(offer.day, visit_date());
    assert_eq!(offer.on_trip, None);
    assert_eq!(app.visit_choice("atlantis").unwrap(), None);

    // Lotus Peak closes at 16:00 and takes two hours: 15:00 is refused, the form kept.
    let refused = app
        .add_visit("lotus-peak", &visit_date(), "15:00")
        .unwrap_err();
    let error = refused.to_api_error();
    assert_eq!(error.code, ErrorCode::Invalid);
    assert_eq!(error.fields[0].field, "time");
    assert!(
        error.fields[0].message.zh.contains("14:00 前开始"),
        "{error:?}"
    );
    assert!(
        error.fields[0].message.en.contains("start by 14:00"),
        "{error:?}"
    );
    let garbled = app.add_visit("lotus-peak", "someday", "noon").unwrap_err();
    let fields: Vec<String> = garbled
        .to_api_error()
        .fields
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(fields, ["day", "time"]);

    let snapshot = app
        .add_visit("lotus-peak", &visit_date(), &offer.time.to_string())
        .unwrap();
    let trip = snapshot.trip.unwrap();
    let added = trip
        .items
        .iter()
        .find(|i| i.id == format!("visit-lotus-peak-{}", visit_date()))
        .expect("the visit is on the timeline");
    assert_eq!(added.status, ItemStatus::Planned);
    assert_eq!(added.guide_place.as_deref(), Some("lotus-peak"));

    // Opened again, still offline: the visit is still there, and the card knows it.
    drop(app);
    let app = device();
    let again = app.trip().unwrap().trip.unwrap();
    assert!(again.items.iter().any(|i| i.id == added.id));
    let offer = app.visit_choice("lotus-peak").unwrap().unwrap();
    assert_eq!(offer.on_trip.as_deref(), Some(added.id.as_str()));

    // The calendar file has it too, as a tentative event.
    let out = tempfile::tempdir().unwrap();
    let lotus_event = || {
        let written = app
            .export_calendar(&again.trip_id, out.path(), app.now())
            .unwrap();
        let text = std::fs::read_to_string(&written.path).unwrap();
        let events = tongyou_core::testing::calendar_events(&text);
        events
            .into_iter()
            .find(|e| e.get("SUMMARY").is_some_and(|s| s.contains("莲花峰")))
            .expect("Lotus Peak's event in the file")
    };
    let visit = lotus_event();
    assert_eq!(visit.get("STATUS").map(String::as_str), Some("TENTATIVE"));

    let after = app.remove_visit("lotus-peak", &visit_date()).unwrap();
    assert!(!after.trip.unwrap().items.iter().any(|i| i.id == added.id));
    // The next calendar file cancels its event, one sequence on, so a calendar drops it.
    let cancelled = lotus_event();
    assert_eq!(
        cancelled.get("STATUS").map(String::as_str),
        Some("CANCELLED")
    );
    assert_eq!(cancelled.get("UID"), visit.get("UID"));
    assert_eq!(cancelled.get("SEQUENCE").map(String::as_str), Some("1"));
    assert!(
        app.remove_visit("lotus-peak", &visit_date()).is_err(),
        "gone already"
    );
}
