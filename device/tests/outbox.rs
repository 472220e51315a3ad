//! The tourist's outbox against a real platform: writes made with the platform down are
//! queued and shown at once, then sent by the next sync, each exactly once however often
//! it is sent (its key was made when it was queued), and a lost answer is no harm.

use tongyou_client::ClientError;
use tongyou_core::api::{ErrorCode, OrderState, PassState, Traveller};
use tongyou_device::outbox::{PendingWrite, WriteKind};

use super::{Rig, api_error, resident};

fn outbox(rig: &Rig) -> Vec<PendingWrite> {
    rig.device.outbox().unwrap()
}

async fn travellers(rig: &Rig) -> Vec<Traveller> {
    rig.device.travellers().await.unwrap()
}

/// As if the answer to the last try never arrived: the device thinks it still waits.
fn lose_the_answer(rig: &Rig, entry_id: i64) {
    let db = rusqlite::Connection::open(rig.dir.path().join("app/tongyou.db")).unwrap();
    let n = db
        .execute("UPDATE outbox SET done_at = NULL WHERE id = ?1", [entry_id])
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancellation_made_offline_reaches_the_platform_once() {
    let mut rig = Rig::new().await;
    rig.sync().await;
    let (_, traveller) = rig.tourist("13800138401").await;
    let booked = rig.book(&traveller, "k1").await;

    rig.stop_platform().await;
    let shown = rig.device.cancel_order(booked.id).await.unwrap();
    assert_eq!(
        shown.state,
        OrderState::Confirmed,
        "the platform has not cancelled it yet"
    );
    let waiting = outbox(&rig);
    assert_eq!(waiting.len(), 1);
    let write = &waiting[0];
    assert_eq!(
        (write.kind, write.order_id),
        (WriteKind::CancelOrder, Some(booked.id))
    );
    assert_eq!(write.attempts, 1, "tried at once");
    assert!(
        write
            .last_error
            .as_deref()
            .unwrap()
            .contains("cannot be reached"),
        "{write:?}"
    );
    assert_eq!(write.refusal, None);
    // Asking again while one waits queues nothing new; the sync finds no platform either.
    rig.device.cancel_order(booked.id).await.unwrap();
    rig.sync().await;
    assert_eq!(outbox(&rig).len(), 1);
    let entry = rig.device.store.pending(rig.account()).unwrap().remove(0);
    assert_eq!(
        entry.attempts, 2,
        "the sync tries nothing while the platform is away"
    );

    rig.restart_platform().await;
    rig.sync().await;
    assert!(outbox(&rig).is_empty(), "sent by the sync");
    let cancelled = rig.device.order(booked.id).await.unwrap();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    let refunded = cancelled.payment.refunded;
    assert!(refunded.0 > 0, "a week ahead, the ticket is refunded");

    // The answer is lost: the device sends the same write again, with the same key, and
    // the platform replays its first answer instead of cancelling (and refunding) twice.
    lose_the_answer(&rig, entry.id);
    assert_eq!(outbox(&rig).len(), 1);
    rig.sync().await;
    assert!(outbox(&rig).is_empty());
    let again = rig.device.store.outbox_entry(entry.id).unwrap().unwrap();
    assert_eq!((again.attempts, again.refusal), (4, None));
    assert_eq!(again.idempotency_key, entry.idempotency_key);
    let token = rig.token();
    let on_platform = rig.client.order(&token, booked.id).await.unwrap();
    assert_eq!(on_platform.state, OrderState::Cancelled);
    assert_eq!(on_platform.payment.refunded, refunded, "refunded once");
    // It is the key that makes the retry safe: under it the platform replays, under any
    // other key it refuses to cancel a cancelled order.
    let replayed = rig
        .client
        .cancel_order(&token, &entry.idempotency_key, booked.id)
        .await
        .unwrap();
    assert_eq!(replayed.payment.refunded, refunded);
    let other = rig
        .client
        .cancel_order(&token, "another-key", booked.id)
        .await;
    assert!(
        matches!(&other, Err(ClientError::Api { status: 409, .. })),
        "{other:?}"
    );

    // The device's copies followed: the order and its passes.
    let copy = rig
        .device
        .store
        .order(rig.account(), booked.id)
        .unwrap()
        .unwrap();
    assert_eq!(copy.state, OrderState::Cancelled);
    let wallet = rig.device.wallet().unwrap();
    assert!(
        wallet.iter().all(|p| p.state == PassState::Revoked),
        "{wallet:?}"
    );

    // Cancelling it again asks for what is already so: the answer is the order as it
    // stands, refunded once. An order the device does not have is not cancelled blind.
    let again = rig.device.cancel_order(booked.id).await.unwrap();
    assert_eq!(
        (again.state, again.payment.refunded),
        (OrderState::Cancelled, refunded)
    );
    let unknown = rig.device.cancel_order(booked.id + 100).await;
    assert_eq!(api_error(unknown).code, ErrorCode::NotFound);
    assert!(outbox(&rig).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn travellers_added_and_removed_offline_are_saved_by_the_next_sync() {
    let mut rig = Rig::new().await;
    rig.sync().await;
    let (_, first) = rig.tourist("13800138402").await;
    // A second traveller who stays: the platform gives a deleted traveller's id to the
    // next one when it was the highest, and this test removes `first` twice.
    let stays = rig
        .device
        .add_traveller(resident("周八", "110105198503070035"))
        .await
        .unwrap();

    rig.stop_platform().await;
    rig.device.remove_traveller(first.id).await.unwrap();
    let added = rig
        .device
        .add_traveller(resident(" 李四 ", "110105199003070017"))
        .await
        .unwrap();
    assert!(added.id < 0, "provisional until saved: {added:?}");
    assert_eq!(
        (
            added.name.as_str(),
            added.id_masked.as_str(),
            added.birth_date.as_str()
        ),
        ("李四", "1101**********0017", "1990-03-07")
    );
    // What the device can tell is wrong is said at once, and nothing is queued for it.
    let bad = rig
        .device
        .add_traveller(resident("王五", "110105199003070012"))
        .await;
    let bad = api_error(bad);
    assert_eq!(bad.code, ErrorCode::Invalid);
    assert_eq!(bad.fields[0].field, "id_number");
    // The screen shows the change at once.
    assert_eq!(travellers(&rig).await, [stays.clone(), added.clone()]);
    let kinds: Vec<WriteKind> = outbox(&rig).iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WriteKind::RemoveTraveller, WriteKind::AddTraveller]);

    // Back online, the Book screen still holds the provisional id: placing the order
    // sends the outbox first and books the traveller under the id the platform gave.
    rig.restart_platform().await;
    let order = rig.book(&added, "k1").await;
    assert_eq!(order.state, OrderState::Confirmed);
    assert!(outbox(&rig).is_empty());
    let saved = travellers(&rig).await;
    assert_eq!(saved.len(), 2, "{saved:?}");
    assert_eq!(saved[0], stays);
    assert!(saved[1].id > stays.id);
    assert_eq!(
        Traveller {
            id: added.id,
            ..saved[1].clone()
        },
        added
    );
    assert_eq!(rig.client.travellers(&rig.token()).await.unwrap(), saved);

    // Removing one already gone counts as done.
    rig.device.remove_traveller(first.id).await.unwrap();
    // Adding one already saved, online, is the platform's refusal, as before.
    let twice = rig
        .device
        .add_traveller(resident("李四", "110105199003070017"))
        .await;
    let twice = api_error(twice);
    assert_eq!(twice.code, ErrorCode::Invalid);
    assert_eq!(twice.fields[0].field, "id_number");
    assert!(outbox(&rig).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_traveller_whose_answer_was_lost_is_saved_once() {
    let mut rig = Rig::new().await;
    rig.sync().await;
    let (_, known) = rig.tourist("13800138403").await;

    // Added and removed again while offline: its try may have reached the platform, so
    // the removal is queued behind it under the provisional id and resolved when sent.
    rig.stop_platform().await;
    let queued = rig
        .device
        .add_traveller(resident("赵六", "110105198503070019"))
        .await
        .unwrap();
    rig.device.remove_traveller(queued.id).await.unwrap();
    assert_eq!(travellers(&rig).await, std::slice::from_ref(&known));
    rig.restart_platform().await;
    rig.sync().await;
    assert!(outbox(&rig).is_empty());
    let token = rig.token();
    assert_eq!(
        rig.client.travellers(&token).await.unwrap(),
        std::slice::from_ref(&known)
    );

    // Queued while offline, then its try reached the platform but the answer did not
    // come back (the platform has it, the device still waits).
    rig.stop_platform().await;
    let sun = resident("孙七", "110105198503070035");
    let waiting = rig.device.add_traveller(sun.clone()).await.unwrap();
    rig.restart_platform().await;
    let landed = rig.client.add_traveller(&token, &sun).await.unwrap();
    rig.sync().await;
    assert!(outbox(&rig).is_empty(), "{:?}", outbox(&rig));
    let list = travellers(&rig).await;
    let ids: Vec<i64> = list.iter().map(|t| t.id).collect();
    assert_eq!(
        ids,
        [known.id, landed.id],
        "saved once, under its platform id"
    );
    let entry = rig.device.store.outbox_entry(-waiting.id).unwrap().unwrap();
    assert_eq!(entry.result_id, Some(landed.id));
    assert_eq!(rig.client.travellers(&token).await.unwrap(), list);

    // Someone saved before the write was queued is not this write's own, even after a
    // lost answer: the platform's refusal is kept for the screen, not retried.
    rig.stop_platform().await;
    rig.device
        .add_traveller(resident("张三", "110105198912310028"))
        .await
        .unwrap();
    rig.restart_platform().await;
    rig.sync().await;
    let refused = outbox(&rig);
    assert_eq!(refused.len(), 1);
    let refusal = refused[0].refusal.clone().expect("refused");
    assert_eq!(refusal.fields[0].field, "id_number");
    assert_eq!(travellers(&rig).await, list, "the list is as it was");
    rig.sync().await;
    assert_eq!(
        outbox(&rig)[0].attempts,
        refused[0].attempts,
        "not tried again"
    );
    rig.device.outbox_dismiss(refused[0].id).unwrap();
    assert!(outbox(&rig).is_empty());
    let again = rig.device.outbox_dismiss(refused[0].id);
    assert_eq!(api_error(again).code, ErrorCode::NotFound);
}
