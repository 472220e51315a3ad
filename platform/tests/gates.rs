//! Gates through the real client: staff sign-in at a gate, the revocation delta, scan-log
//! uploads that count once however often they are replayed, and a real order's passes
//! checked offline with nothing but the published keys.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use tongyou_client::PlatformClient;
use tongyou_core::api::{
    ErrorCode, GateScan, GateSignIn, Order, PassState, PaymentMethod, ScanUpload,
};
use tongyou_core::catalog::Catalog;
use tongyou_core::gate::{GateCheck, GatePost, Refusal};
use tongyou_core::pass::{Keyring, read_unverified};
use tongyou_platform::config::DEMO_GATE_STAFF;

use crate::api_error;
use crate::booking::{Tourist, fresh, full_combo, place, request};

fn gate_sign_in(code: &str, gate_id: &str) -> GateSignIn {
    GateSignIn {
        mobile: DEMO_GATE_STAFF.into(),
        code: code.into(),
        region_id: "huangshan".into(),
        gate_id: gate_id.into(),
    }
}

/// The demo gate staff signed in at `gate_id`; the session token.
pub(crate) async fn staff(client: &PlatformClient, gate_id: &str) -> String {
    client.request_code(DEMO_GATE_STAFF).await.unwrap();
    let code = client.dev_sign_in_code(DEMO_GATE_STAFF).await.unwrap();
    let session = client
        .gate_sign_in(&gate_sign_in(&code, gate_id))
        .await
        .unwrap();
    assert_eq!(session.gate_id, gate_id);
    session.session.token
}

async fn booked(t: &Tourist, key: &str) -> Order {
    place(t, key, &request(t, full_combo(), PaymentMethod::Wallet)).await
}

fn nonce(n: u32) -> String {
    format!("{n:032x}")
}

/// Noon of the pass's visit date (it is valid from local midnight).
fn during(code: &str) -> i64 {
    let pass = read_unverified(code).unwrap();
    pass.valid_from + 12 * 3600
}

fn scan(
    nonce: String,
    gate: &str,
    pass_id: Option<&str>,
    refusal: Option<Refusal>,
    at: i64,
) -> GateScan {
    GateScan {
        nonce,
        region_id: "huangshan".into(),
        gate_id: gate.into(),
        scanned_at: DateTime::<Utc>::from_timestamp(at, 0).unwrap().to_rfc3339(),
        pass_id: pass_id.map(str::to_owned),
        refusal,
        // An entry pass admits its one holder.
        people: if refusal.is_none() { 1 } else { 0 },
    }
}

#[tokio::test]
async fn only_listed_staff_sign_in_and_only_at_a_real_gate() {
    let (_dir, p, t) = fresh("13800138101").await;
    // A tourist account is not gate staff.
    let c = &t.client;
    c.request_code("13800138102").await.unwrap();
    let code = c.dev_sign_in_code("13800138102").await.unwrap();
    let not_staff = GateSignIn {
        mobile: "13800138102".into(),
        code,
        region_id: "huangshan".into(),
        gate_id: "south-gate".into(),
    };
    let (status, error) = api_error(c.gate_sign_in(&not_staff).await);
    assert_eq!((status, error.code), (403, ErrorCode::Unauthorized));

    // A gate the region does not have is named, and the code is not spent on it.
    c.request_code(DEMO_GATE_STAFF).await.unwrap();
    let code = c.dev_sign_in_code(DEMO_GATE_STAFF).await.unwrap();
    let (status, error) = api_error(c.gate_sign_in(&gate_sign_in(&code, "north-pole")).await);
    assert_eq!(status, 422);
    assert_eq!(error.fields[0].field, "gate_id");
    assert!(error.fields[0].message.zh.contains("检票口"));
    let gate = c
        .gate_sign_in(&gate_sign_in(&code, "south-gate"))
        .await
        .unwrap();
    assert_eq!(
        (gate.region_id.as_str(), gate.gate_id.as_str()),
        ("huangshan", "south-gate")
    );
    assert!(
        c.revocations(&gate.session.token, 0)
            .await
            .unwrap()
            .revoked
            .is_empty()
    );

    // A tourist session has no gate rights.
    assert_eq!(api_error(c.revocations(&t.token, 0).await).0, 403);
    assert_eq!(api_error(c.gate_scans(&t.token).await).0, 403);
    p.stop().await;
}

#[tokio::test]
async fn gates_get_only_the_revocations_they_have_not_seen() {
    let (_dir, p, t) = fresh("13800138103").await;
    let c = &t.client;
    let gate = staff(c, "south-gate").await;
    let first = booked(&t, "k1").await;
    let second = booked(&t, "k2").await;
    let kept = booked(&t, "k3").await;

    let start = c.revocations(&gate, 0).await.unwrap();
    assert!(start.revoked.is_empty());

    c.cancel_order(&t.token, "c1", first.id).await.unwrap();
    let delta = c.revocations(&gate, start.cursor).await.unwrap();
    let ids = |o: &Order| {
        o.passes
            .iter()
            .map(|p| p.pass_id.clone())
            .collect::<HashSet<_>>()
    };
    assert_eq!(
        delta.revoked.iter().cloned().collect::<HashSet<_>>(),
        ids(&first)
    );
    assert_eq!(delta.revoked.len(), first.passes.len());

    // Nothing new: an empty delta with the same cursor.
    let again = c.revocations(&gate, delta.cursor).await.unwrap();
    assert!(again.revoked.is_empty());
    assert_eq!(again.cursor, delta.cursor);

    c.cancel_order(&t.token, "c2", second.id).await.unwrap();
    let next = c.revocations(&gate, delta.cursor).await.unwrap();
    assert_eq!(
        next.revoked.iter().cloned().collect::<HashSet<_>>(),
        ids(&second)
    );
    // From the start, both cancelled orders and nothing of the kept one.
    let all: HashSet<_> = c
        .revocations(&gate, 0)
        .await
        .unwrap()
        .revoked
        .into_iter()
        .collect();
    assert_eq!(all, &ids(&first) | &ids(&second));
    assert!(all.is_disjoint(&ids(&kept)));
    p.stop().await;
}

#[tokio::test]
async fn a_scan_log_uploaded_three_times_is_recorded_once() {
    let (_dir, p, t) = fresh("13800138104").await;
    let c = &t.client;
    let gate = staff(c, "south-gate").await;
    let order = booked(&t, "k1").await;
    let entry = order
        .passes
        .iter()
        .find(|p| p.product_id == "entry")
        .unwrap();
    let at = during(&entry.code);
    let log = ScanUpload {
        scans: vec![
            scan(nonce(1), "south-gate", Some(&entry.pass_id), None, at),
            scan(
                nonce(2),
                "south-gate",
                Some(&entry.pass_id),
                Some(Refusal::AlreadyUsed),
                at + 60,
            ),
            scan(
                nonce(3),
                "south-gate",
                None,
                Some(Refusal::Unreadable),
                at + 90,
            ),
        ],
    };
    let first = c.upload_scans(&gate, &log).await.unwrap();
    assert_eq!((first.recorded, first.duplicates), (3, 0));
    for _ in 0..2 {
        let replay = c.upload_scans(&gate, &log).await.unwrap();
        assert_eq!((replay.recorded, replay.duplicates), (0, 3));
    }
    let recorded = c.gate_scans(&gate).await.unwrap();
    assert_eq!(recorded.len(), 3);
    let nonces: HashSet<_> = recorded.iter().map(|s| s.nonce.as_str()).collect();
    assert_eq!(
        nonces,
        HashSet::from([nonce(1).as_str(), nonce(2).as_str(), nonce(3).as_str()])
    );
    assert_eq!(
        recorded
            .iter()
            .find(|s| s.nonce == nonce(2))
            .unwrap()
            .refusal,
        Some(Refusal::AlreadyUsed)
    );

    // The admitted scan marked the pass used and counted its one person through the gate,
    // once, in the region-local hour it happened.
    let now = c.order(&t.token, order.id).await.unwrap();
    let pass = now
        .passes
        .iter()
        .find(|p| p.pass_id == entry.pass_id)
        .unwrap();
    assert_eq!(pass.state, PassState::Used);
    let counts = c.gate_counts("huangshan", &entry.date).await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(
        (counts[0].gate_id.as_str(), counts[0].people),
        ("south-gate", 1)
    );
    assert_eq!(counts[0].hour, format!("{}T12", entry.date));
    p.stop().await;
}

#[tokio::test]
async fn uploads_are_checked_before_anything_is_recorded() {
    let (_dir, p, t) = fresh("13800138105").await;
    let c = &t.client;
    let gate = staff(c, "south-gate").await;
    let mut other_region = scan(
        nonce(9),
        "south-gate",
        None,
        Some(Refusal::Unreadable),
        1_800_000_000,
    );
    other_region.region_id = "elsewhere".into();
    let bad = ScanUpload {
        scans: vec![
            scan(
                nonce(8),
                "south-gate",
                None,
                Some(Refusal::Unreadable),
                1_800_000_000,
            ),
            scan(
                "short".into(),
                "south-gate",
                None,
                Some(Refusal::Unreadable),
                1_800_000_000,
            ),
            other_region,
        ],
    };
    let (status, error) = api_error(c.upload_scans(&gate, &bad).await);
    assert_eq!(status, 422);
    let fields: Vec<_> = error.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["scans[1].nonce", "scans[2].region_id"]);
    assert!(c.gate_scans(&gate).await.unwrap().is_empty());
    p.stop().await;
}

/// A real order's passes, checked the way a gate does it offline: only the published keys,
/// the revocation delta and the gate's own log.
#[tokio::test]
async fn real_passes_verify_offline_with_the_published_keys() {
    let (_dir, p, t) = fresh("13800138106").await;
    let c = &t.client;
    let gate = staff(c, "south-gate").await;
    let order = booked(&t, "k1").await;
    let cancelled = booked(&t, "k2").await;
    c.cancel_order(&t.token, "c2", cancelled.id).await.unwrap();

    let mut check = GateCheck {
        keys: Keyring::new(),
        revoked: HashSet::new(),
    };
    for key in c.public_keys().await.unwrap() {
        let bytes: [u8; 32] = hex::decode(&key.public_key).unwrap().try_into().unwrap();
        check.keys.add(key.key_id, &bytes).unwrap();
    }
    for id in c.revocations(&gate, 0).await.unwrap().revoked {
        check
            .revoked
            .insert(hex::decode(id).unwrap().try_into().unwrap());
    }
    let catalog: Catalog = c.catalog("huangshan", None).await.unwrap().unwrap().catalog;
    let post = |gate_id: &str| GatePost {
        site: "huangshan".into(),
        gate: gate_id.into(),
        admits: catalog.gate(gate_id).unwrap().admits.clone(),
    };
    let south = post("south-gate");
    let entry = order
        .passes
        .iter()
        .find(|p| p.product_id == "entry")
        .unwrap();
    let lift = order
        .passes
        .iter()
        .find(|p| p.product_id == "yungu")
        .unwrap();
    let at = during(&entry.code);
    let mut admitted = HashSet::new();

    let pass = check
        .check(&south, &entry.code, at, |id| admitted.contains(id))
        .unwrap();
    admitted.insert(pass.pass_id);
    let again = check.check(&south, &entry.code, at + 5, |id| admitted.contains(id));
    assert_eq!(again.unwrap_err().0, Refusal::AlreadyUsed);

    let wrong = check.check(&south, &lift.code, at, |_| false);
    assert_eq!(wrong.unwrap_err().0, Refusal::WrongProduct);
    assert!(
        check
            .check(&post("yungu-station"), &lift.code, at, |_| false)
            .is_ok()
    );

    let void = cancelled
        .passes
        .iter()
        .find(|p| p.product_id == "entry")
        .unwrap();
    let refused = check.check(&south, &void.code, at, |_| false);
    assert_eq!(refused.unwrap_err().0, Refusal::Revoked);
    p.stop().await;
}

/// A gate account uploads only what its own gate scanned: passes of its region, with the
/// people each pass carries. Nothing of a refused upload is recorded.
#[tokio::test]
async fn a_gate_cannot_mark_other_gates_passes_or_swell_the_counts() {
    let (_dir, p, t) = fresh("13800138107").await;
    let c = &t.client;
    let gate = staff(c, "south-gate").await;
    let order = booked(&t, "k1").await;
    let entry = order
        .passes
        .iter()
        .find(|p| p.product_id == "entry")
        .unwrap();
    let at = during(&entry.code);
    let upload = |scan: GateScan| ScanUpload { scans: vec![scan] };

    let other_gate = scan(nonce(1), "yungu-gate", Some(&entry.pass_id), None, at);
    let (status, error) = api_error(c.upload_scans(&gate, &upload(other_gate)).await);
    assert_eq!(
        (status, error.fields[0].field.as_str()),
        (422, "scans[0].gate_id")
    );

    let mut swollen = scan(nonce(2), "south-gate", Some(&entry.pass_id), None, at);
    swollen.people = 40;
    let (status, error) = api_error(c.upload_scans(&gate, &upload(swollen)).await);
    assert_eq!(
        (status, error.fields[0].field.as_str()),
        (422, "scans[0].people")
    );

    let unknown = scan(nonce(3), "south-gate", Some(&"ab".repeat(16)), None, at);
    let (status, error) = api_error(c.upload_scans(&gate, &upload(unknown)).await);
    assert_eq!(
        (status, error.fields[0].field.as_str()),
        (422, "scans[0].pass_id")
    );

    let mut refused_with_people = scan(nonce(4), "south-gate", None, Some(Refusal::Unreadable), at);
    refused_with_people.people = 5;
    let (status, _) = api_error(c.upload_scans(&gate, &upload(refused_with_people)).await);
    assert_eq!(status, 422);

    assert!(c.gate_scans(&gate).await.unwrap().is_empty());
    assert!(
        c.gate_counts("huangshan", &entry.date)
            .await
            .unwrap()
            .is_empty()
    );
    let now = c.order(&t.token, order.id).await.unwrap();
    assert!(now.passes.iter().all(|p| p.state == PassState::Valid));
    p.stop().await;
}

/// Staff taken off the list lose gate rights at the next start, even with a session that
/// has not expired.
#[tokio::test]
async fn staff_taken_off_the_list_lose_gate_rights() {
    let dir = tempfile::tempdir().unwrap();
    let staffed = |c: &mut tongyou_platform::Config| c.gate_staff = vec!["13900139001".into()];
    let p = crate::platform_with(&dir, staffed).await;
    let c = PlatformClient::new(&p.url()).unwrap();
    c.request_code("13900139001").await.unwrap();
    let code = c.dev_sign_in_code("13900139001").await.unwrap();
    let mut sign_in = gate_sign_in(&code, "south-gate");
    sign_in.mobile = "13900139001".into();
    let token = c.gate_sign_in(&sign_in).await.unwrap().session.token;
    assert!(c.revocations(&token, 0).await.is_ok());
    p.stop().await;

    let p = crate::platform_with(&dir, |c| c.gate_staff = Vec::new()).await;
    let c = PlatformClient::new(&p.url()).unwrap();
    // Still signed in as a person, but no longer at a gate.
    assert!(c.travellers(&token).await.is_ok());
    assert_eq!(api_error(c.revocations(&token, 0).await).0, 403);
    assert_eq!(api_error(c.gate_scans(&token).await).0, 403);
    p.stop().await;
}

/// A pass used at a gate reaches its holder's devices once the gate's log is uploaded:
/// one event per pass marked used, none for a replayed upload.
#[tokio::test]
async fn an_upload_that_uses_a_pass_is_an_event_of_its_order() {
    use tongyou_core::api::EventKind;

    use crate::events::{live, next_event};

    let (_dir, p, t) = fresh("13800138110").await;
    let c = &t.client;
    let gate = staff(c, "south-gate").await;
    let order = booked(&t, "k1").await;
    let (mut stream, _) = live(c, &t.token).await;
    let entries: Vec<_> = order
        .passes
        .iter()
        .filter(|p| p.product_id == "entry")
        .collect();
    let at = during(&entries[0].code);
    let first = ScanUpload {
        scans: vec![scan(
            nonce(1),
            "south-gate",
            Some(&entries[0].pass_id),
            None,
            at,
        )],
    };
    c.upload_scans(&gate, &first).await.unwrap();
    let used = next_event(&mut stream).await;
    assert_eq!((used.kind, used.order_id), (EventKind::PassUsed, order.id));
    let pass = |e: &tongyou_core::api::Event, id: &str| {
        e.order
            .passes
            .iter()
            .find(|p| p.pass_id == id)
            .unwrap()
            .state
    };
    assert_eq!(pass(&used, &entries[0].pass_id), PassState::Used);

    // The same log again changes nothing; the next pass is the next event.
    c.upload_scans(&gate, &first).await.unwrap();
    let second = ScanUpload {
        scans: vec![scan(
            nonce(2),
            "south-gate",
            Some(&entries[1].pass_id),
            None,
            at + 30,
        )],
    };
    c.upload_scans(&gate, &second).await.unwrap();
    let next = next_event(&mut stream).await;
    assert_eq!((next.id, next.kind), (used.id + 1, EventKind::PassUsed));
    assert_eq!(pass(&next, &entries[1].pass_id), PassState::Used);
    p.stop().await;
}
