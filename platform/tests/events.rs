//! The account's live events through the real client: what a change sends, a dropped
//! stream resumed without loss or repeat, one account's events kept from another, and the
//! dev-mode vehicle assignment. Time-outs here only bound a failure; nothing is timed.

use std::time::Duration;

use futures_util::StreamExt;
use tongyou_client::{ClientError, EventMessage, EventStream};
use tongyou_core::api::{
    ErrorCode, Event, EventKind, OrderState, PaymentMethod, Provider, SubOrderState, Vehicle,
};

use crate::booking::{fresh, full_combo, place, request, tourist};
use crate::{api_error, platform, platform_with};

/// Long enough for any event to arrive on a slow machine; a test failing here has lost it.
const BOUND: Duration = Duration::from_secs(20);

/// The next message that is not a heartbeat, within [`BOUND`] in all (heartbeats do not
/// reset it, so a message that never comes fails the test instead of hanging it).
pub(crate) async fn next(stream: &mut EventStream) -> EventMessage {
    let wait = async {
        loop {
            let message = stream
                .next()
                .await
                .expect("the stream still open")
                .expect("a readable message");
            if message != EventMessage::Heartbeat {
                return message;
            }
        }
    };
    tokio::time::timeout(BOUND, wait)
        .await
        .expect("a message before the bound")
}

pub(crate) async fn next_event(stream: &mut EventStream) -> Event {
    match next(stream).await {
        EventMessage::Event(event) => *event,
        other => panic!("expected an event, got {other:?}"),
    }
}

/// A stream opened without a position: it starts with a resync at the newest event.
pub(crate) async fn live(
    client: &tongyou_client::PlatformClient,
    token: &str,
) -> (EventStream, i64) {
    let mut stream = client.events(token, None).await.unwrap();
    match next(&mut stream).await {
        EventMessage::Resync { last_event_id } => (stream, last_event_id),
        other => panic!("expected a resync first, got {other:?}"),
    }
}

/// Events up to and including the first of `kind`.
async fn until(stream: &mut EventStream, kind: EventKind) -> Vec<Event> {
    let mut events = Vec::new();
    loop {
        let event = next_event(stream).await;
        let done = event.kind == kind;
        events.push(event);
        if done {
            return events;
        }
    }
}

fn vehicle(plate: &str) -> Vehicle {
    Vehicle {
        plate: plate.into(),
        driver: "王师傅".into(),
        driver_phone: "0559-5561234".into(),
    }
}

#[tokio::test]
async fn a_cancellation_reaches_the_stream_with_the_cancelled_order() {
    let (_dir, p, t) = fresh("13800138301").await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let (mut stream, start) = live(&t.client, &t.token).await;
    assert!(start >= 1, "the order's confirmation was an event");

    t.client
        .cancel_order(&t.token, "c1", order.id)
        .await
        .unwrap();
    let events = until(&mut stream, EventKind::OrderCancelled).await;
    let count = |kind| events.iter().filter(|e| e.kind == kind).count();
    assert_eq!(count(EventKind::SubOrderStatus), 1, "{events:#?}");
    assert_eq!(count(EventKind::PassRevoked), order.passes.len());
    assert_eq!(count(EventKind::OrderCancelled), 1);
    let mut last = start;
    for e in &events {
        assert!(e.id > last, "ids grow: {} after {last}", e.id);
        last = e.id;
        assert_eq!((e.order_id, e.order.id), (order.id, order.id));
        // The order as it is when sent: the cancellation is one unit, seen whole.
        assert_eq!(e.order.state, OrderState::Cancelled);
        assert!(
            e.order
                .sub_orders
                .iter()
                .all(|s| s.state == SubOrderState::Cancelled)
        );
    }
    p.stop().await;
}

#[tokio::test]
async fn a_resumed_stream_gets_exactly_the_events_it_missed() {
    let (_dir, p, t) = fresh("13800138302").await;
    let first = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;

    // From the start: the first order's confirmation, replayed.
    let mut stream = t.client.events(&t.token, Some(0)).await.unwrap();
    let seen = next_event(&mut stream).await;
    assert_eq!(
        (seen.kind, seen.order_id, seen.order.state),
        (EventKind::SubOrderStatus, first.id, OrderState::Confirmed)
    );
    drop(stream);

    // Missed while away: the cancellation (each pass revoked, the sub-orders, the order)
    // and a second order's confirmation.
    t.client
        .cancel_order(&t.token, "c1", first.id)
        .await
        .unwrap();
    let second = place(&t, "k2", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let missed = first.passes.len() as i64 + 3;

    // Resumed where it stopped, twice: a replay changes nothing.
    let mut resumed = None;
    for _ in 0..2 {
        let mut stream = t.client.events(&t.token, Some(seen.id)).await.unwrap();
        let mut ids = Vec::new();
        loop {
            let e = next_event(&mut stream).await;
            ids.push(e.id);
            if e.order_id == second.id {
                assert_eq!(e.kind, EventKind::SubOrderStatus);
                break;
            }
            assert_eq!(e.order_id, first.id);
        }
        // One account on a fresh platform: its events are every id after the one seen.
        assert_eq!(
            ids,
            ((seen.id + 1)..=(seen.id + missed)).collect::<Vec<_>>()
        );
        resumed = Some(stream);
    }

    // Live from there: the next change is the next event, nothing in between.
    let mut stream = resumed.unwrap();
    let third = place(&t, "k3", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let e = next_event(&mut stream).await;
    assert_eq!(
        (e.id, e.order_id, e.kind),
        (seen.id + missed + 1, third.id, EventKind::SubOrderStatus)
    );

    // `?since=` for clients that cannot send the header: the same replay.
    let mut body = reqwest::Client::new()
        .get(format!("{}/api/v1/events?since={}", p.url(), seen.id))
        .bearer_auth(&t.token)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(body.status(), 200);
    let mut text = String::new();
    while !text.contains("\n\n") {
        let chunk = tokio::time::timeout(BOUND, body.chunk())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        text.starts_with(&format!(
            "id: {}\nevent: pass_revoked\ndata: {{",
            seen.id + 1
        )),
        "{text}"
    );
    p.stop().await;
}

#[tokio::test]
async fn an_accounts_stream_carries_nothing_of_another_account() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let a = tourist(&p.url(), "13800138303").await;
    let b = tourist(&p.url(), "13800138304").await;
    let (mut b_stream, _) = live(&b.client, &b.token).await;

    let a_order = place(&a, "a1", &request(&a, full_combo(), PaymentMethod::Wallet)).await;
    a.client
        .cancel_order(&a.token, "a-c1", a_order.id)
        .await
        .unwrap();
    // B's own next change is the first thing B hears.
    let b_order = place(&b, "b1", &request(&b, full_combo(), PaymentMethod::Wallet)).await;
    let e = next_event(&mut b_stream).await;
    assert_eq!(
        (e.order_id, e.kind),
        (b_order.id, EventKind::SubOrderStatus)
    );
    // And a replay from the very start holds B's order only.
    let mut replay = b.client.events(&b.token, Some(0)).await.unwrap();
    assert_eq!(next_event(&mut replay).await.id, e.id);
    p.stop().await;
}

#[tokio::test]
async fn a_stream_needs_a_session_an_event_stream_accept_and_a_free_place() {
    let (_dir, p, t) = fresh("13800138305").await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let url = format!("{}/api/v1/events", p.url());
    let http = reqwest::Client::new();

    let anonymous = http
        .get(&url)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let error: tongyou_core::api::ApiError = anonymous.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::Unauthorized);
    let (status, error) = api_error(t.client.events("not-a-session", None).await);
    assert_eq!((status, error.code), (401, ErrorCode::Unauthorized));

    // A plain GET (a link, a generic tool) is answered, not held open.
    let plain = http.get(&url).bearer_auth(&t.token).send().await.unwrap();
    assert_eq!(plain.status(), 406);
    let bad_id = http
        .get(&url)
        .bearer_auth(&t.token)
        .header("accept", "text/event-stream")
        .header("last-event-id", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_id.status(), 400);

    // Eight streams per account; the ninth waits for one to close.
    let mut open = Vec::new();
    for _ in 0..tongyou_platform::events::STREAMS_PER_ACCOUNT {
        open.push(t.client.events(&t.token, None).await.unwrap());
    }
    let (status, error) = api_error(t.client.events(&t.token, None).await);
    assert_eq!((status, error.code), (429, ErrorCode::TooManyRequests));
    // A stream closed gives its place back, once the platform notices the connection
    // gone (at once on a clean close, else at the next heartbeat it cannot write).
    drop(open.pop());
    let waiting = std::time::Instant::now();
    loop {
        match t.client.events(&t.token, None).await {
            Ok(stream) => break open.push(stream),
            Err(e) => assert!(waiting.elapsed() < 2 * BOUND, "no place freed: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A stream ends with its session: woken by a change to an order of the account, it
    // sends nothing more.
    t.client.sign_out(&t.token).await.unwrap();
    t.client
        .dev_assign_vehicle(order.id, None, &vehicle("皖J·12345"))
        .await
        .unwrap();
    let mut stream = open.pop().unwrap();
    loop {
        match tokio::time::timeout(BOUND, stream.next()).await {
            Ok(None) => break,
            Ok(Some(Ok(EventMessage::Resync { .. } | EventMessage::Heartbeat))) => continue,
            other => panic!("after sign-out: {other:?}"),
        }
    }
    p.stop().await;
}

#[tokio::test]
async fn a_vehicle_assigned_in_dev_mode_reaches_the_stream() {
    let (_dir, p, t) = fresh("13800138306").await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let transport = |o: &tongyou_core::api::Order| {
        o.sub_orders
            .iter()
            .find(|s| s.provider == Provider::Transport)
            .unwrap()
            .clone()
    };
    assert_eq!(transport(&order).vehicle, None);
    let (mut stream, _) = live(&t.client, &t.token).await;

    let bus = vehicle("皖J·12345");
    let assigned = t
        .client
        .dev_assign_vehicle(order.id, None, &bus)
        .await
        .unwrap();
    assert_eq!(transport(&assigned).vehicle.as_ref(), Some(&bus));
    let e = next_event(&mut stream).await;
    assert_eq!((e.kind, e.order_id), (EventKind::VehicleAssigned, order.id));
    assert_eq!(transport(&e.order).vehicle.as_ref(), Some(&bus));
    assert_eq!(t.client.order(&t.token, order.id).await.unwrap(), assigned);

    // The same vehicle again tells nobody; another one does, next.
    t.client
        .dev_assign_vehicle(order.id, Some(transport(&order).id), &bus)
        .await
        .unwrap();
    let other = vehicle("皖J·67890");
    t.client
        .dev_assign_vehicle(order.id, None, &other)
        .await
        .unwrap();
    let next = next_event(&mut stream).await;
    assert_eq!((next.id, next.kind), (e.id + 1, EventKind::VehicleAssigned));
    assert_eq!(transport(&next.order).vehicle, Some(other));

    // Only a shuttle booking gets a vehicle, and only a well-formed one.
    let scenic = order
        .sub_orders
        .iter()
        .find(|s| s.provider == Provider::Scenic)
        .unwrap();
    let (status, _) = api_error(
        t.client
            .dev_assign_vehicle(order.id, Some(scenic.id), &bus)
            .await,
    );
    assert_eq!(status, 404);
    let (status, error) = api_error(
        t.client
            .dev_assign_vehicle(order.id, None, &vehicle(" "))
            .await,
    );
    assert_eq!((status, error.fields[0].field.as_str()), (422, "plate"));
    p.stop().await;
}

#[tokio::test]
async fn production_has_no_vehicle_route() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let p = platform_with(&dir, |c| {
        c.dev_mode = false;
        c.secret_key = Some(keys.path().join("platform.key"));
    })
    .await;
    let client = tongyou_client::PlatformClient::new(&p.url()).unwrap();
    let result = client
        .dev_assign_vehicle(1, None, &vehicle("皖J·12345"))
        .await;
    let (status, error) = api_error(result);
    assert_eq!((status, error.code), (404, ErrorCode::NotFound));
    assert!(matches!(
        client.events("no-session", None).await,
        Err(ClientError::Api { status: 401, .. })
    ));
    p.stop().await;
}
