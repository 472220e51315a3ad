//! A trip's calendar feed through the real client: what a calendar app reads (checked
//! with an independent iCalendar parser), SEQUENCE after a change, a revoked or replaced
//! address, and addresses that never were or belong to someone else.

use tongyou_core::api::{Lang, PaymentMethod, Vehicle};

use crate::api_error;
use crate::booking::{fresh, full_combo, place, request, tourist};

/// The calendar as an independent parser reads it: each event's UID, SEQUENCE, STATUS,
/// DTSTART and the zone DTSTART names, in file order.
fn events(text: &str) -> Vec<[String; 5]> {
    tongyou_core::testing::calendar_events(text)
        .into_iter()
        .map(|e| {
            ["UID", "SEQUENCE", "STATUS", "DTSTART", "DTSTART;TZID"]
                .map(|name| e.get(name).cloned().unwrap_or_default())
        })
        .collect()
}

fn sequence_of(events: &[[String; 5]], uid_part: &str) -> String {
    events
        .iter()
        .find(|e| e[0].contains(uid_part))
        .unwrap_or_else(|| panic!("no event {uid_part}"))[1]
        .clone()
}

#[tokio::test]
async fn a_feed_follows_the_trip_and_ends_when_revoked() {
    let (_dir, p, t) = fresh("13800138401").await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let trip_id = format!("huangshan-{}", order.id);

    let feed = t
        .client
        .open_calendar(&t.token, &trip_id, Lang::En)
        .await
        .unwrap();
    assert_eq!(feed.trip_id, trip_id);
    assert!(feed.path.starts_with("/api/v1/calendar/") && feed.path.ends_with(".ics"));
    let url = t.client.feed_url(&feed);
    assert!(tongyou_client::webcal(&url).starts_with("webcal://127.0.0.1:"));

    let first = events(&t.client.calendar(&feed.path).await.unwrap());
    // Shuttle, entry, ride, rental, check-in, check-out (two nights later).
    assert_eq!(first.len(), 6, "{first:?}");
    for [uid, sequence, status, start, zone] in &first {
        assert!(uid.starts_with(&format!("{}-", order.id)) && uid.ends_with("@tongyou.app"));
        assert_eq!((sequence.as_str(), status.as_str()), ("0", "CONFIRMED"));
        assert!(
            start.starts_with(&full_combo().date.replace('-', "")) || uid.contains("hotel-out")
        );
        assert_eq!(zone, "Asia/Shanghai");
    }
    // Read again with nothing changed: the same calendar, sequences included.
    assert_eq!(events(&t.client.calendar(&feed.path).await.unwrap()), first);

    // The transport module assigns the bus: only the shuttle's event changes.
    t.client
        .dev_assign_vehicle(
            order.id,
            None,
            &Vehicle {
                plate: "皖J·12345".into(),
                driver: "王师傅".into(),
                driver_phone: "0559-5561234".into(),
            },
        )
        .await
        .unwrap();
    let text = t.client.calendar(&feed.path).await.unwrap();
    assert!(text.contains("皖J·12345"));
    assert!(!text.contains("王师傅") && !text.contains("0559-5561234"));
    let second = events(&text);
    assert_eq!(sequence_of(&second, "shuttle"), "1");
    assert_eq!(sequence_of(&second, "entry"), "0");

    // Cancelled: every event stays, marked cancelled, each one's sequence grown.
    t.client
        .cancel_order(&t.token, "c1", order.id)
        .await
        .unwrap();
    let third = events(&t.client.calendar(&feed.path).await.unwrap());
    assert_eq!(third.len(), first.len());
    assert!(third.iter().all(|e| e[2] == "CANCELLED"), "{third:?}");
    assert_eq!(sequence_of(&third, "shuttle"), "2");
    assert_eq!(sequence_of(&third, "entry"), "1");

    // Revoked: the address is gone, with nothing said of why.
    t.client.revoke_calendar(&t.token, &trip_id).await.unwrap();
    let (status, _) = api_error(t.client.calendar(&feed.path).await);
    assert_eq!(status, 404);
    let (status, _) = api_error(t.client.revoke_calendar(&t.token, &trip_id).await);
    assert_eq!(status, 404, "nothing left to revoke");
    p.stop().await;
}

#[tokio::test]
async fn a_new_feed_ends_the_old_address() {
    let (_dir, p, t) = fresh("13800138402").await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let trip_id = format!("huangshan-{}", order.id);
    let old = t
        .client
        .open_calendar(&t.token, &trip_id, Lang::Zh)
        .await
        .unwrap();
    let new = t
        .client
        .open_calendar(&t.token, &trip_id, Lang::En)
        .await
        .unwrap();
    assert_ne!(old.path, new.path);
    let (status, _) = api_error(t.client.calendar(&old.path).await);
    assert_eq!(status, 404);
    assert!(
        t.client
            .calendar(&new.path)
            .await
            .unwrap()
            .contains("SUMMARY:")
    );
    p.stop().await;
}

#[tokio::test]
async fn wrong_addresses_and_other_tourists_trips_are_not_found() {
    let (_dir, p, t) = fresh("13800138403").await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let trip_id = format!("huangshan-{}", order.id);
    let feed = t
        .client
        .open_calendar(&t.token, &trip_id, Lang::Zh)
        .await
        .unwrap();

    // Another tourist can neither open nor revoke a feed of this trip.
    let other = tourist(&p.url(), "13800138404").await;
    for result in [
        other
            .client
            .open_calendar(&other.token, &trip_id, Lang::Zh)
            .await
            .map(drop),
        other.client.revoke_calendar(&other.token, &trip_id).await,
    ] {
        let (status, error) = api_error(result);
        assert_eq!(status, 404);
        assert!(
            !error.message.contains(&trip_id),
            "no detail: {}",
            error.message
        );
    }
    assert!(t.client.calendar(&feed.path).await.is_ok(), "still live");

    // A trip that is not one, and addresses that are guessed, malformed or tampered with.
    let (status, _) = api_error(
        t.client
            .open_calendar(&t.token, "huangshan-999999", Lang::Zh)
            .await,
    );
    assert_eq!(status, 404);
    let (status, _) = api_error(
        t.client
            .open_calendar(&t.token, "nowhere-1", Lang::Zh)
            .await,
    );
    assert_eq!(status, 404);
    let token = feed
        .path
        .trim_start_matches("/api/v1/calendar/")
        .trim_end_matches(".ics");
    let mut flipped = token.to_owned();
    flipped.replace_range(0..1, if token.starts_with('0') { "1" } else { "0" });
    for path in [
        format!("/api/v1/calendar/{}.ics", "0".repeat(64)),
        format!("/api/v1/calendar/{flipped}.ics"),
        "/api/v1/calendar/not-a-token.ics".to_owned(),
        format!("/api/v1/calendar/{token}x.ics"),
    ] {
        let (status, error) = api_error(t.client.calendar(&path).await);
        assert_eq!(
            (status, error.message.as_str()),
            (404, "no such trip calendar"),
            "{path}"
        );
    }
    // Without a session nobody opens one.
    let (status, _) = api_error(t.client.open_calendar("", &trip_id, Lang::Zh).await);
    assert_eq!(status, 401);
    p.stop().await;
}
