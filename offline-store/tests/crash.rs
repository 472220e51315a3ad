//! Passes, gate scans and queued writes survive the app being killed mid-write.
//!
//! The parent test re-runs this test binary as a child that writes orders (with passes),
//! gate scans and outbox entries in a tight loop, printing a line after each commit. The parent kills it
//! (SIGKILL) after a varying delay, several rounds over one database, and checks after
//! each: the store opens and migrates, SQLite's integrity check passes, every order copy
//! has all its passes in the wallet and every pass its order copy (nothing half-written),
//! and everything the child reported committed is there (nothing lost), queued writes
//! with the idempotency key they were given.

use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tongyou_core::api::{
    GateScan, IssuedPass, Order, OrderState, PassState, Payment, PaymentMethod, PaymentState, Quote,
};
use tongyou_core::catalog::Fen;
use tongyou_core::gate::Refusal;
use tongyou_core::text::Text;
use tongyou_offline_store::OfflineStore;
use tongyou_offline_store::outbox::OutboxWrite;

const CHILD_ENV: &str = "TONGYOU_CRASH_CHILD";
const ROUND_ENV: &str = "TONGYOU_CRASH_ROUND";
const ACCOUNT: i64 = 7;
const ROUNDS: u64 = 6;

/// What a child said it committed: order id → number of passes, scan nonces, and
/// outbox entry id → idempotency key.
#[derive(Default)]
struct Reported {
    orders: BTreeMap<i64, usize>,
    scans: Vec<String>,
    outbox: BTreeMap<i64, String>,
}

#[test]
fn passes_scans_and_queued_writes_survive_a_kill_mid_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("device.db");
    let mut all = Reported::default();
    for round in 0..ROUNDS {
        let reported = run_child_until_killed(&db, round);
        assert!(
            !reported.orders.is_empty(),
            "round {round}: the child committed nothing before it was killed"
        );
        eprintln!(
            "round {round}: {} orders, {} scans, {} queued writes reported",
            reported.orders.len(),
            reported.scans.len(),
            reported.outbox.len()
        );
        all.orders.extend(reported.orders);
        all.scans.extend(reported.scans);
        all.outbox.extend(reported.outbox);
        check_after_crash(&db, &all);
    }
}

/// The child's side: only does anything when the parent asks for it through the
/// environment, so a plain `cargo test` passes straight through.
#[test]
fn crash_child_writes_until_killed() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let round: i64 = std::env::var(ROUND_ENV).unwrap().parse().unwrap();
    let store = OfflineStore::open(Path::new(&path)).unwrap();
    println!("ready");
    let mut previous: Option<Order> = None;
    for i in 0.. {
        let id = round * 1_000_000 + i;
        let order = order(id, 1 + (i as usize % 4));
        // Each write also rewrites the previous order with its passes used, so the kill
        // can land in the middle of replacing rows as well as adding them.
        let mut batch = vec![order.clone()];
        if let Some(mut earlier) = previous.take() {
            for p in &mut earlier.passes {
                p.state = PassState::Used;
            }
            batch.push(earlier);
        }
        store.save_orders(ACCOUNT, &batch, "now").unwrap();
        println!("order {id} {}", order.passes.len());
        let nonce = format!("{:032x}", (round as u128) << 64 | i as u128);
        store
            .record_scan(&scan(&nonce, &order.passes[0].pass_id))
            .unwrap();
        println!("scan {nonce}");
        let queued = store
            .enqueue(ACCOUNT, &OutboxWrite::CancelOrder { order_id: id }, "now")
            .unwrap();
        println!("outbox {} {}", queued.id, queued.idempotency_key);
        previous = Some(order);
    }
}

fn run_child_until_killed(db: &Path, round: u64) -> Reported {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash::crash_child_writes_until_killed",
            "--nocapture",
        ])
        .env(CHILD_ENV, db)
        .env(ROUND_ENV, round.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut collected = Vec::new();
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("the child starts writing");
        let ready = line == "ready";
        collected.push(line);
        if ready {
            break;
        }
    }
    // A different moment each round (and each run), 20–250 ms into the writing.
    let jitter = std::collections::hash_map::RandomState::new().hash_one(round) % 230;
    std::thread::sleep(Duration::from_millis(20 + jitter));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the child was killed, not finished");
    reader.join().unwrap();
    collected.extend(lines.try_iter());
    parse_report(&collected)
}

fn parse_report(lines: &[String]) -> Reported {
    let mut reported = Reported::default();
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["order", id, passes] => {
                reported
                    .orders
                    .insert(id.parse().unwrap(), passes.parse().unwrap());
            }
            ["scan", nonce] => reported.scans.push((*nonce).to_owned()),
            ["outbox", id, key] => {
                reported
                    .outbox
                    .insert(id.parse().unwrap(), (*key).to_owned());
            }
            // libtest's own lines, and a line cut off by the kill.
            _ => {}
        }
    }
    reported
}

fn check_after_crash(db: &Path, reported: &Reported) {
    let store = OfflineStore::open(db).expect("the store opens and migrates after a kill");
    let conn = rusqlite::Connection::open(db).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");

    // Nothing half-written: each order copy and its passes are all there, or none is.
    let orders = store.orders(ACCOUNT).unwrap();
    let wallet = store.wallet(ACCOUNT).unwrap();
    for order in &orders {
        for pass in &order.passes {
            let stored = store.wallet_pass(&pass.pass_id).unwrap();
            let stored = stored.unwrap_or_else(|| {
                panic!(
                    "order {} has pass {} but the wallet does not",
                    order.id, pass.pass_id
                )
            });
            assert_eq!(stored.order_id, order.id);
            assert_eq!(
                stored.state, pass.state,
                "the wallet matches its order copy"
            );
        }
    }
    for pass in &wallet {
        assert!(
            orders.iter().any(|o| o.id == pass.order_id),
            "pass {} is in the wallet without its order",
            pass.pass_id
        );
    }

    // Nothing lost: every commit the child reported is on disk.
    for (id, passes) in &reported.orders {
        let order = store.order(ACCOUNT, *id).unwrap();
        let order = order.unwrap_or_else(|| panic!("reported order {id} is gone"));
        assert_eq!(order.passes.len(), *passes);
    }
    let logged: Vec<String> = store
        .pending_scans("huangshan", usize::MAX)
        .unwrap()
        .into_iter()
        .map(|s| s.nonce)
        .collect();
    for nonce in &reported.scans {
        assert!(logged.contains(nonce), "reported scan {nonce} is gone");
    }
    let queued = store.pending(ACCOUNT).unwrap();
    for (id, key) in &reported.outbox {
        let entry = queued.iter().find(|e| e.id == *id);
        let entry = entry.unwrap_or_else(|| panic!("reported queued write {id} is gone"));
        assert_eq!(&entry.idempotency_key, key, "a write keeps its key");
    }
}

fn order(id: i64, passes: usize) -> Order {
    Order {
        id,
        region_id: "huangshan".into(),
        date: "2026-11-23".into(),
        state: OrderState::Confirmed,
        created_at: format!("2026-11-22T08:00:00+08:00#{id:012}"),
        holds_expire_at: None,
        combo: None,
        quote: Quote {
            lines: vec![],
            full_total: Fen(19000),
            total: Fen(19000),
            offers: vec![],
        },
        payment: Payment {
            id: format!("pay-{id}"),
            method: PaymentMethod::Wallet,
            state: PaymentState::Paid,
            amount: Fen(19000),
            refunded: Fen(0),
            redirect_url: None,
        },
        sub_orders: vec![],
        passes: (0..passes)
            .map(|k| IssuedPass {
                pass_id: format!("{id:016x}{k:016x}"),
                sub_order_id: id,
                product_id: "entry".into(),
                name: Text::new("黄山门票", "Huangshan entry"),
                holder: Some("张*".into()),
                date: "2026-11-23".into(),
                slot: None,
                code: format!("TY1:{id}:{k}"),
                state: PassState::Valid,
            })
            .collect(),
        problem: None,
    }
}

fn scan(nonce: &str, pass_id: &str) -> GateScan {
    GateScan {
        nonce: nonce.into(),
        region_id: "huangshan".into(),
        gate_id: "south-gate".into(),
        scanned_at: "2026-11-23T09:00:00+08:00".into(),
        pass_id: Some(pass_id.into()),
        refusal: Some(Refusal::AlreadyUsed),
        people: 0,
    }
}
