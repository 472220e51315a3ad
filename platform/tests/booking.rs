//! The booking saga through the real client against a real platform on 127.0.0.1:0.

use std::collections::BTreeMap;

use chrono::{Days, Utc};
use tongyou_client::PlatformClient;
use tongyou_core::api::{
    Combo, ErrorCode, Fault, FaultStep, FaultTarget, HotelStay, IdKind, Order, OrderRequest,
    OrderState, OrderTraveller, PassState, PaymentMethod, PaymentState, Provider, ShuttleSeat,
    SubOrderState, TravellerInput,
};
use tongyou_core::catalog::Fen;
use tongyou_core::pass::Keyring;

use crate::{api_error, platform};

/// An adult (37 on most dates ahead), a child born 2016 and a senior born 1956.
const IDS: [(&str, &str); 3] = [
    ("张三", "110105198912310028"),
    ("张小妹", "110105201603150029"),
    ("李奶奶", "110105195605050023"),
];

pub(crate) struct Tourist {
    pub(crate) client: PlatformClient,
    pub(crate) token: String,
    travellers: Vec<i64>,
}

pub(crate) async fn tourist(url: &str, mobile: &str) -> Tourist {
    let client = PlatformClient::new(url).unwrap();
    client.request_code(mobile).await.unwrap();
    let code = client.dev_sign_in_code(mobile).await.unwrap();
    let token = client.sign_in(mobile, &code).await.unwrap().token;
    let mut travellers = Vec::new();
    for (name, id) in IDS {
        let input = TravellerInput {
            name: name.into(),
            id_kind: IdKind::ResidentId,
            id_number: id.into(),
            birth_date: None,
            consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
        };
        travellers.push(client.add_traveller(&token, &input).await.unwrap().id);
    }
    Tourist {
        client,
        token,
        travellers,
    }
}

/// A platform on a fresh database and a tourist signed in to it; keep the folder alive.
pub(crate) async fn fresh(
    mobile: &str,
) -> (
    tempfile::TempDir,
    tongyou_platform::RunningPlatform,
    Tourist,
) {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let t = tourist(&p.url(), mobile).await;
    (dir, p, t)
}

/// A week ahead, region-local (UTC+8 is close enough a week out).
pub(crate) fn visit_date() -> String {
    (Utc::now().date_naive() + Days::new(7)).to_string()
}

/// Ticket + cable car + audio guide, a hotel near the gate for two nights, a shuttle.
pub(crate) fn full_combo() -> Combo {
    Combo {
        region_id: "huangshan".into(),
        date: visit_date(),
        slot_id: Some("morning".into()),
        add_ons: vec!["yungu".into(), "audio-guide".into()],
        hotel: Some(HotelStay {
            hotel_id: "tangkou-shanshui-hotel".into(),
            room_type_id: "family".into(),
            rooms: 1,
            nights: 2,
        }),
        shuttles: vec![ShuttleSeat {
            line_id: "tangkou-yungu".into(),
            departure: "07:00".parse().unwrap(),
        }],
    }
}

pub(crate) fn request(t: &Tourist, combo: Combo, payment: PaymentMethod) -> OrderRequest {
    OrderRequest {
        combo,
        travellers: t
            .travellers
            .iter()
            .map(|id| OrderTraveller {
                traveller_id: *id,
                student: false,
            })
            .collect(),
        payment,
    }
}

pub(crate) async fn place(t: &Tourist, key: &str, r: &OrderRequest) -> Order {
    t.client.place_order(&t.token, key, r).await.unwrap()
}

/// Arms the faults, then places the full combo paid by wallet under key `k{n}`.
async fn wallet_order_after(t: &Tourist, faults: &[(FaultTarget, FaultStep)], n: u32) -> Order {
    for (target, step) in faults {
        let fault = Fault {
            target: *target,
            step: *step,
        };
        t.client.set_fault(fault).await.unwrap();
    }
    let r = request(t, full_combo(), PaymentMethod::Wallet);
    place(t, &format!("k{n}"), &r).await
}

async fn held(client: &PlatformClient) -> BTreeMap<String, u64> {
    client.dev_held().await.unwrap()
}

async fn assert_nothing_held(client: &PlatformClient) {
    let held = held(client).await;
    assert!(held.values().all(|n| *n == 0), "holds leaked: {held:?}");
}

/// The platform's published pass keys, as a gate holds them.
async fn keyring(client: &PlatformClient) -> Keyring {
    let mut ring = Keyring::new();
    for k in client.public_keys().await.unwrap() {
        let bytes: [u8; 32] = hex::decode(&k.public_key).unwrap().try_into().unwrap();
        ring.add(k.key_id, &bytes).unwrap();
    }
    ring
}

fn sub(order: &Order, provider: Provider) -> &tongyou_core::api::SubOrder {
    order
        .sub_orders
        .iter()
        .find(|s| s.provider == provider)
        .unwrap()
}

#[tokio::test]
async fn a_full_combo_is_held_paid_confirmed_and_ticketed() {
    let (_dir, p, t) = fresh("13800138001").await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;

    assert_eq!(order.state, OrderState::Confirmed, "{:?}", order.problem);
    assert_eq!(order.sub_orders.len(), 3);
    assert!(
        order
            .sub_orders
            .iter()
            .all(|s| s.state == SubOrderState::Confirmed)
    );
    // The linked offer applied: the hotel is near the gate.
    assert_eq!(order.quote.offers.len(), 1);
    assert_eq!(sub(&order, Provider::Transport).amount, Fen(0));
    assert_eq!(order.payment.state, PaymentState::Paid);
    assert_eq!(order.payment.amount, order.quote.total);
    let summed: i64 = order.sub_orders.iter().map(|s| s.amount.0).sum();
    assert_eq!(summed, order.quote.total.0);

    // One real-name entry pass each, one pass per ride or rental, one for the shuttle.
    assert_eq!(order.passes.len(), 3 + 2 + 1);
    let entry: Vec<_> = order
        .passes
        .iter()
        .filter(|p| p.product_id == "entry")
        .collect();
    assert_eq!(entry.len(), 3);
    assert_eq!(entry[0].holder.as_deref(), Some("张*"));
    // Every pass verifies offline with the published keys, and carries no ID number.
    let ring = keyring(&t.client).await;
    for pass in &order.passes {
        let verified = ring.verify(&pass.code).unwrap();
        assert_eq!(verified.order_id, order.id as u64);
        assert_eq!(verified.site, "huangshan");
        assert!(!pass.code.contains("110105"));
    }
    assert_nothing_held(&t.client).await;
    assert_eq!(t.client.order(&t.token, order.id).await.unwrap(), order);
    assert_eq!(t.client.orders(&t.token).await.unwrap(), vec![order]);
    p.stop().await;
}

#[tokio::test]
async fn a_declined_payment_releases_every_hold_and_charges_nothing() {
    let (_dir, p, t) = fresh("13800138002").await;
    let before = t
        .client
        .availability("huangshan", &visit_date())
        .await
        .unwrap();
    let declined = [(FaultTarget::Payment, FaultStep::Charge)];
    let order = wallet_order_after(&t, &declined, 1).await;
    assert_eq!(order.state, OrderState::Failed);
    assert_eq!(order.payment.state, PaymentState::Declined);
    assert!(
        order
            .sub_orders
            .iter()
            .all(|s| s.state == SubOrderState::Released)
    );
    assert!(order.passes.is_empty());
    let problem = order.problem.unwrap();
    assert!(problem.zh.contains("拒绝") && problem.en.contains("another payment method"));
    assert_nothing_held(&t.client).await;
    assert_eq!(
        t.client
            .availability("huangshan", &visit_date())
            .await
            .unwrap(),
        before
    );
    p.stop().await;
}

/// Each module failing at each step ends in its documented outcome, with no hold left
/// behind and nobody charged without a ticket.
#[tokio::test]
async fn each_provider_failing_at_each_step() {
    let (_dir, p, t) = fresh("13800138003").await;
    let targets = [
        (FaultTarget::Scenic, Provider::Scenic),
        (FaultTarget::Hotel, Provider::Hotel),
        (FaultTarget::Transport, Provider::Transport),
    ];
    let mut n = 0;
    for (target, provider) in targets {
        // Hold: the order fails before the pivot; nothing is charged.
        n += 1;
        let o = wallet_order_after(&t, &[(target, FaultStep::Hold)], n).await;
        assert_eq!(o.state, OrderState::Failed, "{target:?} hold");
        assert_eq!(o.payment.state, PaymentState::NotTaken);
        assert_eq!(sub(&o, provider).state, SubOrderState::Failed);
        assert!(o.problem.unwrap().en.contains("not answering"));
        assert_nothing_held(&t.client).await;

        // Confirm: after the pivot. The Tangkou hotel has no same-grade neighbour, so
        // every module's fallback here is a refund of its own sub-order.
        n += 1;
        let o = wallet_order_after(&t, &[(target, FaultStep::Confirm)], n).await;
        let failed = sub(&o, provider);
        assert_eq!(failed.state, SubOrderState::Failed, "{target:?} confirm");
        assert_eq!(failed.refunded, failed.amount);
        assert_eq!(o.payment.refunded, failed.amount);
        assert!(o.passes.iter().all(|pass| pass.sub_order_id != failed.id));
        let others_ok = o
            .sub_orders
            .iter()
            .filter(|s| s.provider != provider)
            .all(|s| s.state == SubOrderState::Confirmed);
        assert!(others_ok);
        assert_eq!(o.state, OrderState::PartlyConfirmed);
        assert_nothing_held(&t.client).await;

        // Release: a release that fails while unwinding leaves the hold to expire; the
        // sweeper gives it back. Make the last module's hold fail to force an unwind.
        n += 1;
        let faults = [
            (target, FaultStep::Release),
            (FaultTarget::Payment, FaultStep::Charge),
        ];
        let o = wallet_order_after(&t, &faults, n).await;
        assert_eq!(o.state, OrderState::Failed, "{target:?} release");
        assert_eq!(o.payment.state, PaymentState::Declined);
        assert!(
            held(&t.client).await.values().sum::<u64>() > 0,
            "the stuck hold is visible"
        );
        let later = (Utc::now() + chrono::Duration::minutes(16)).to_rfc3339();
        assert!(t.client.dev_sweep(&later).await.unwrap() >= 1);
        assert_nothing_held(&t.client).await;
    }
    t.client.clear_faults().await.unwrap();
    p.stop().await;
}

#[tokio::test]
async fn a_hotel_that_cannot_confirm_is_replaced_by_a_same_grade_one_with_compensation() {
    let (_dir, p, t) = fresh("13800138004").await;
    let mut combo = full_combo();
    combo.hotel = Some(HotelStay {
        hotel_id: "beihai-hotel".into(),
        room_type_id: "twin".into(),
        rooms: 2,
        nights: 1,
    });
    t.client
        .set_fault(Fault {
            target: FaultTarget::Hotel,
            step: FaultStep::Confirm,
        })
        .await
        .unwrap();
    let o = place(&t, "k1", &request(&t, combo, PaymentMethod::Wallet)).await;
    assert_eq!(o.state, OrderState::Confirmed);
    let hotel = sub(&o, Provider::Hotel);
    assert_eq!(hotel.state, SubOrderState::Adjusted);
    assert_eq!(hotel.refunded, Fen(hotel.amount.0 / 10));
    let note = hotel.note.as_ref().unwrap();
    assert!(
        note.zh.contains("狮林大酒店") && note.en.contains("Shilin Hotel"),
        "{note:?}"
    );
    assert_eq!(o.payment.refunded, hotel.refunded);
    assert_nothing_held(&t.client).await;
    p.stop().await;
}

#[tokio::test]
async fn the_same_key_replays_and_a_different_body_is_refused() {
    let (_dir, p, t) = fresh("13800138005").await;
    let r = request(&t, full_combo(), PaymentMethod::Wallet);
    let first = place(&t, "same", &r).await;
    let again = place(&t, "same", &r).await;
    assert_eq!(first, again);
    assert_eq!(t.client.orders(&t.token).await.unwrap().len(), 1);

    let mut other = r.clone();
    other.combo.add_ons.clear();
    let (status, error) = api_error(t.client.place_order(&t.token, "same", &other).await);
    assert_eq!((status, error.code), (422, ErrorCode::Invalid));
    assert!(error.message.contains("Idempotency-Key"));
    assert_eq!(t.client.orders(&t.token).await.unwrap().len(), 1);
    assert_eq!(
        t.client
            .order(&t.token, first.id)
            .await
            .unwrap()
            .payment
            .amount,
        first.quote.total
    );
    p.stop().await;
}

#[tokio::test]
async fn a_bad_combo_names_its_fields_and_leaves_the_key_free() {
    let (_dir, p, t) = fresh("13800138006").await;
    let mut bad = request(&t, full_combo(), PaymentMethod::Wallet);
    bad.combo.date = "2020-01-01".into();
    bad.combo.hotel.as_mut().unwrap().rooms = 0;
    bad.travellers.push(OrderTraveller {
        traveller_id: 999,
        student: false,
    });
    let (status, error) = api_error(t.client.place_order(&t.token, "k", &bad).await);
    assert_eq!(status, 422);
    assert_eq!(error.fields[0].field, "travellers[3]");
    bad.travellers.pop();
    let (_, error) = api_error(t.client.place_order(&t.token, "k", &bad).await);
    let fields: Vec<&str> = error.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["date", "hotel.rooms"]);
    // Fixed, the same submission goes through with the same key.
    let good = request(&t, full_combo(), PaymentMethod::Wallet);
    assert_eq!(place(&t, "k", &good).await.state, OrderState::Confirmed);
    assert_eq!(
        api_error(t.client.place_order("not-a-session", "k", &good).await).0,
        401
    );
    p.stop().await;
}

#[tokio::test]
async fn redirect_payments_wait_for_the_callback_and_expire_when_it_never_comes() {
    let (_dir, p, t) = fresh("13800138007").await;

    let paid = place(&t, "a", &request(&t, full_combo(), PaymentMethod::Alipay)).await;
    assert_eq!(paid.state, OrderState::AwaitingPayment);
    assert!(
        paid.payment
            .redirect_url
            .as_deref()
            .unwrap()
            .contains(&paid.payment.id)
    );
    assert!(
        paid.sub_orders
            .iter()
            .all(|s| s.state == SubOrderState::Held)
    );
    t.client.cashier(&paid.payment.id, true).await.unwrap();
    let paid = t.client.order(&t.token, paid.id).await.unwrap();
    assert_eq!(paid.state, OrderState::Confirmed);
    assert_eq!(paid.payment.state, PaymentState::Paid);
    // A second press of the button (a replayed callback) changes nothing.
    assert_eq!(
        api_error(t.client.cashier(&paid.payment.id, true).await).0,
        409
    );

    let refused = place(
        &t,
        "b",
        &request(&t, full_combo(), PaymentMethod::WechatPay),
    )
    .await;
    t.client.cashier(&refused.payment.id, false).await.unwrap();
    let refused = t.client.order(&t.token, refused.id).await.unwrap();
    assert_eq!(refused.state, OrderState::Failed);
    assert!(
        refused
            .sub_orders
            .iter()
            .all(|s| s.state == SubOrderState::Released)
    );
    assert_nothing_held(&t.client).await;

    let abandoned = place(
        &t,
        "c",
        &request(&t, full_combo(), PaymentMethod::WechatPay),
    )
    .await;
    assert!(held(&t.client).await.values().sum::<u64>() > 0);
    let later = (Utc::now() + chrono::Duration::minutes(16)).to_rfc3339();
    assert!(t.client.dev_sweep(&later).await.unwrap() >= 3);
    let abandoned = t.client.order(&t.token, abandoned.id).await.unwrap();
    assert_eq!(abandoned.state, OrderState::Expired);
    assert_eq!(abandoned.payment.state, PaymentState::NotTaken);
    assert_nothing_held(&t.client).await;
    // Paying after the expiry is refused: the tourist is never charged for nothing.
    assert_eq!(
        api_error(t.client.cashier(&abandoned.payment.id, true).await).0,
        409
    );
    p.stop().await;
}

#[tokio::test]
async fn cancelling_ahead_refunds_everything_and_revokes_the_passes() {
    let (_dir, p, t) = fresh("13800138008").await;
    let before = t
        .client
        .availability("huangshan", &visit_date())
        .await
        .unwrap();
    let o = place(&t, "k", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let cancelled = t.client.cancel_order(&t.token, "c1", o.id).await.unwrap();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    assert_eq!(cancelled.payment.refunded, o.payment.amount);
    assert!(
        cancelled
            .passes
            .iter()
            .all(|p| p.state == PassState::Revoked)
    );
    assert!(
        cancelled
            .sub_orders
            .iter()
            .all(|s| s.state == SubOrderState::Cancelled)
    );
    assert_eq!(
        t.client
            .availability("huangshan", &visit_date())
            .await
            .unwrap(),
        before
    );
    // Replayed with its key it answers the same; a new attempt finds nothing to cancel.
    assert_eq!(
        t.client.cancel_order(&t.token, "c1", o.id).await.unwrap(),
        cancelled
    );
    assert_eq!(
        api_error(t.client.cancel_order(&t.token, "c2", o.id).await).0,
        409
    );
    p.stop().await;
}

/// Many tourists racing for the last rooms: exactly the capacity is sold.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_clients_buy_exactly_the_last_places() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let t = std::sync::Arc::new(tourist(&p.url(), "13800138009").await);
    // The Beihai Hotel has 12 suites.
    let mut combo = full_combo();
    combo.slot_id = None;
    combo.add_ons.clear();
    combo.shuttles.clear();
    combo.hotel = Some(HotelStay {
        hotel_id: "beihai-hotel".into(),
        room_type_id: "suite".into(),
        rooms: 1,
        nights: 1,
    });
    let mut r = request(&t, combo, PaymentMethod::Wallet);
    r.travellers.truncate(1);
    let racers: Vec<_> = (0..40)
        .map(|i| {
            let t = std::sync::Arc::clone(&t);
            let r = r.clone();
            tokio::spawn(async move {
                t.client
                    .place_order(&t.token, &format!("race{i}"), &r)
                    .await
            })
        })
        .collect();
    let mut confirmed = 0;
    for racer in racers {
        let order = racer.await.unwrap().unwrap();
        match order.state {
            OrderState::Confirmed => confirmed += 1,
            OrderState::Failed => assert!(order.problem.unwrap().en.contains("Only 0 left")),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(confirmed, 12);
    assert_nothing_held(&t.client).await;
    p.stop().await;
}

/// A crash after the payment was taken but before the confirmations were written leaves a
/// paid order holding its places; the next start confirms it and issues its passes, and
/// its key already answers with it.
#[tokio::test]
async fn a_paid_order_a_crash_left_unconfirmed_is_confirmed_at_the_next_start() {
    let (dir, p, t) = fresh("13800138011").await;
    let r = request(&t, full_combo(), PaymentMethod::Alipay);
    let waiting = place(&t, "crash", &r).await;
    assert_eq!(waiting.state, OrderState::AwaitingPayment);
    p.stop().await;

    // What a crash between the cashier's callback and the confirmations leaves: the money
    // taken, the order holding.
    let db = rusqlite::Connection::open(dir.path().join("platform.db")).unwrap();
    db.execute(
        "UPDATE payment SET state = 'paid' WHERE id = ?1",
        [&waiting.payment.id],
    )
    .unwrap();
    db.execute(
        "UPDATE booking_order SET state = 'holding' WHERE id = ?1",
        [waiting.id],
    )
    .unwrap();
    drop(db);

    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let order = client.order(&t.token, waiting.id).await.unwrap();
    assert_eq!(order.state, OrderState::Confirmed);
    assert_eq!(order.payment.state, PaymentState::Paid);
    assert!(
        order
            .sub_orders
            .iter()
            .all(|s| s.state == SubOrderState::Confirmed)
    );
    // An entry pass per traveller, a ride and a rental for the party, a shuttle seat.
    assert_eq!(order.passes.len(), IDS.len() + 3);
    let replay = client.place_order(&t.token, "crash", &r).await.unwrap();
    assert_eq!((replay.id, replay.state), (order.id, OrderState::Confirmed));
    p.stop().await;
}

/// Order ids are handed out before an order is written (its passes carry the id and are
/// signed first): after a restart they go on from the stored orders, never reusing one.
#[tokio::test]
async fn order_ids_go_on_from_the_stored_orders_after_a_restart() {
    let (dir, p, t) = fresh("13800138012").await;
    let first = place(
        &t,
        "before",
        &request(&t, full_combo(), PaymentMethod::Wallet),
    )
    .await;
    let second = place(
        &t,
        "before-2",
        &request(&t, full_combo(), PaymentMethod::Wallet),
    )
    .await;
    assert!(second.id > first.id);
    // Pass and payment ids grow with time too, so new ones go to the end of their indexes.
    assert!(second.payment.id > first.payment.id);
    let newest_first = first.passes.iter().map(|p| &p.pass_id).max().unwrap();
    assert!(second.passes.iter().all(|p| &p.pass_id > newest_first));
    p.stop().await;

    let p = platform(&dir).await;
    let t = Tourist {
        client: PlatformClient::new(&p.url()).unwrap(),
        ..t
    };
    let after = place(
        &t,
        "after",
        &request(&t, full_combo(), PaymentMethod::Wallet),
    )
    .await;
    assert_eq!(after.state, OrderState::Confirmed);
    assert!(
        after.id > second.id,
        "{} reuses or precedes {}",
        after.id,
        second.id
    );
    // Its passes carry its own id.
    let ring = keyring(&t.client).await;
    assert!(!after.passes.is_empty());
    for pass in &after.passes {
        assert_eq!(ring.verify(&pass.code).unwrap().order_id, after.id as u64);
    }
    let orders = t.client.orders(&t.token).await.unwrap();
    let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    assert_eq!(ids, vec![after.id, second.id, first.id]);
    p.stop().await;
}

/// The old pass form, SHA-256(salt ‖ ID number) cut to 16 bytes with the salt published.
fn old_holder_hash(salt: &[u8], id_number: &str) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(salt)
        .chain_update(id_number.as_bytes())
        .finalize();
    digest[..16].try_into().unwrap()
}

/// Every ID number of one area and birth date: the sequence and check characters, 11,000
/// candidates out of about 10¹¹ for the whole space.
fn shortened_id_space() -> impl Iterator<Item = String> {
    (0..1000).flat_map(|seq| {
        "0123456789X"
            .chars()
            .map(move |check| format!("11010519891231{seq:03}{check}"))
    })
}

/// A screenshot of a pass must not give the holder's ID number back. The old form did,
/// by brute force over the ID space with the published salt; a pass issued now carries
/// nothing derived from the number, and no salt is published.
#[tokio::test]
async fn a_pass_gives_no_id_number_back() {
    let (holder, holder_id) = IDS[0];
    let salt = [7u8; 16];
    let old = old_holder_hash(&salt, holder_id);
    let found: Vec<String> = shortened_id_space()
        .filter(|id| old_holder_hash(&salt, id) == old)
        .collect();
    assert_eq!(found, [holder_id], "the old form leaks the number");

    let (_dir, p, t) = fresh("13800138030").await;
    let o = place(&t, "k", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let keys = t.client.public_keys().await.unwrap();
    assert!(keys.iter().all(|k| k.holder_salt.is_empty()));
    let entry = o
        .passes
        .iter()
        .find(|p| p.holder.as_deref() == Some(&format!("{}*", holder.chars().next().unwrap())))
        .expect("the holder's entry pass");
    let pass = tongyou_core::pass::read_unverified(&entry.code).unwrap();
    // Nothing derived from the number: the bytes the old form filled are zeros.
    assert_eq!(pass.holder_hash, [0; 16]);
    // Nor does the code's text hold the number or the holder's name.
    assert!(!entry.code.contains(holder_id) && !entry.code.contains(holder));
    p.stop().await;
}

/// An order keeps the combo it was asked for, the timeline's source, whatever became of
/// it, and answers with it on every read.
#[tokio::test]
async fn an_order_keeps_the_combo_it_was_placed_with() {
    let (_dir, p, t) = fresh("13800138031").await;
    let combo = full_combo();
    let confirmed = place(&t, "k1", &request(&t, combo.clone(), PaymentMethod::Wallet)).await;
    assert_eq!(confirmed.combo.as_ref(), Some(&combo));
    let waiting = place(&t, "k2", &request(&t, combo.clone(), PaymentMethod::Alipay)).await;
    assert_eq!(waiting.combo.as_ref(), Some(&combo));
    let cancelled = t
        .client
        .cancel_order(&t.token, "c1", confirmed.id)
        .await
        .unwrap();
    assert_eq!(cancelled.combo.as_ref(), Some(&combo));
    for order in t.client.orders(&t.token).await.unwrap() {
        assert_eq!(order.combo.as_ref(), Some(&combo), "order {}", order.id);
    }
    p.stop().await;
}
