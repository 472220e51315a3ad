//! The platform killed at every step of a cancellation and of a payment callback, then
//! started again on the same database: every order is whole or untouched, refunds are
//! what the rules say and never more than was paid, and no pass stays valid on a
//! cancelled sub-order.
//!
//! A kill is modelled by the crash points compiled into tests only: a panic inside the
//! store's unit rolls it back, as a kill before its commit loses it. The store is then
//! dropped and opened again, and `recover` runs as it does at start.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::params;

use tongyou_core::api::{
    Combo, IdKind, OrderState, OrderTraveller, PassState, PaymentState, Quote, SubOrderState,
    TravellerInput,
};

use super::*;
use crate::accounts::Secret;
use crate::limits::Limits;
use crate::payments::{PaymentError, PaymentProvider, RefundTicket, SimulatedProvider};
use crate::providers::LocalProvider;
use crate::texts::DevTexts;

const HERE: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// 20:00 in Huangshan the evening before the visit: past the free-cancellation deadline
/// (17:00), so entry tickets and rides are refunded at 80 %.
const NOW: &str = "2026-12-09T12:00:00Z";
const VISIT: &str = "2026-12-10";

struct Rig {
    booking: Booking,
    accounts: Arc<Accounts>,
    simulated: Arc<SimulatedProvider>,
    /// The remote provider paying, when not the simulated one.
    remote: Option<Arc<Remote>>,
}

/// A provider away from the platform, as a real one is: what it paid back lives on its
/// side and outlives the platform's stops, it pays a refund id once however often it is
/// sent, and it can be down.
#[derive(Default)]
struct Remote {
    asked: Mutex<Vec<(String, i64)>>,
    down: AtomicBool,
}

impl Remote {
    /// What it has paid back: each refund id once.
    fn paid_back(&self) -> i64 {
        let asked = self.asked.lock().unwrap();
        let mut seen = std::collections::HashSet::new();
        asked
            .iter()
            .filter(|(id, _)| seen.insert(id.clone()))
            .map(|(_, amount)| amount)
            .sum()
    }

    fn times_asked(&self) -> usize {
        self.asked.lock().unwrap().len()
    }

    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

impl PaymentProvider for Remote {
    fn charge_at_once(
        &self,
        _: &crate::payments::PaymentTicket,
    ) -> Result<Option<crate::payments::Charge>, PaymentError> {
        Ok(Some(crate::payments::Charge::Paid))
    }

    fn cashier_url(&self, _: &str) -> Option<String> {
        None
    }

    fn verify(&self, _: &PaymentCallback) -> bool {
        false
    }

    fn refund(&self, refund: &RefundTicket) -> Result<(), PaymentError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(PaymentError::Provider("no answer".into()));
        }
        self.asked
            .lock()
            .unwrap()
            .push((refund.id.clone(), refund.amount.0));
        Ok(())
    }
}

/// The platform's booking side on the database in `dir`, as `start` builds it.
fn open(dir: &Path) -> Rig {
    open_with(dir, None)
}

/// The same, paying through `remote` when given.
fn open_with(dir: &Path, remote: Option<Arc<Remote>>) -> Rig {
    let now = DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let store = Arc::new(SqliteStore::open(&dir.join("platform.db")).unwrap());
    let regions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/regions");
    let catalogs = crate::regions::load_dir(&regions).unwrap();
    for c in &catalogs {
        store.put_catalog(c).unwrap();
    }
    let secret = Secret::load_or_create(&dir.join("platform.key")).unwrap();
    let clock: Clock = Arc::new(move || now);
    let accounts = Arc::new(Accounts::new(
        store.clone(),
        secret.clone(),
        Arc::new(DevTexts::default()),
        Limits::default(),
        clock.clone(),
    ));
    let faults = Arc::new(Faults::default());
    let modules = Module::ALL
        .into_iter()
        .map(|m| {
            Arc::new(LocalProvider::new(m, store.clone(), faults.clone())) as Arc<dyn Provider>
        })
        .collect();
    let simulated = Arc::new(SimulatedProvider::new(
        store.clone(),
        faults.clone(),
        secret.derive(b"payment-callback"),
    ));
    let payments = match &remote {
        Some(remote) => Payments::new(store.clone(), remote.clone(), None),
        None => Payments::new(store.clone(), simulated.clone(), Some(simulated.clone())),
    };
    let signer = Signer::load_or_create(store.clone(), &secret, &fmt(now)).unwrap();
    let booking = Booking::new(
        store,
        &catalogs,
        accounts.clone(),
        modules,
        payments,
        signer,
        faults,
        clock,
    );
    Rig {
        booking,
        accounts,
        simulated,
        remote,
    }
}

impl Rig {
    /// A tourist with one adult traveller saved.
    fn tourist(&self, mobile: &str) -> (i64, i64) {
        let (_, code) = self.accounts.request_code(mobile, HERE).unwrap();
        let account = self
            .accounts
            .sign_in(mobile, &code, HERE)
            .unwrap()
            .account_id;
        let input = TravellerInput {
            name: "张三".into(),
            id_kind: IdKind::ResidentId,
            id_number: "110105198912310028".into(),
            birth_date: None,
            consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
        };
        let traveller = self.accounts.add_traveller(account, &input).unwrap().id;
        (account, traveller)
    }

    /// An entry ticket and a cable-car ride for tomorrow morning.
    fn order(&self, tourist: (i64, i64), key: &str, payment: PaymentMethod) -> Order {
        let request = OrderRequest {
            combo: Combo {
                region_id: "huangshan".into(),
                date: VISIT.into(),
                slot_id: Some("morning".into()),
                add_ons: vec!["yungu".into()],
                hotel: None,
                shuttles: Vec::new(),
            },
            travellers: vec![OrderTraveller {
                traveller_id: tourist.1,
                student: false,
            }],
            payment,
        };
        self.booking.place(tourist.0, Some(key), &request).unwrap()
    }

    fn crash_at(&self, step: &'static str) {
        *self.booking.crash_at.lock().unwrap() = Some(step);
    }

    /// Runs `f`, which must stop at the armed crash point.
    fn killed(&self, f: impl FnOnce()) {
        let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        assert!(died.is_err(), "the armed crash point was never reached");
    }

    fn held(&self) -> Vec<(Module, u64)> {
        self.booking.held().unwrap()
    }
}

/// Started again on the same database, with what a start does first.
fn restart(dir: &Path, rig: Rig) -> Rig {
    let remote = rig.remote.clone();
    drop(rig);
    let rig = open_with(dir, remote);
    assert_eq!(rig.booking.recover().unwrap(), Vec::<i64>::new());
    rig
}

/// What every order must be after any stop: refunds never above what was paid, and a
/// cancelled sub-order with no valid pass.
fn assert_consistent(order: &Order) {
    assert!(order.payment.refunded.0 <= order.payment.amount.0);
    let refunded: i64 = order.sub_orders.iter().map(|s| s.refunded.0).sum();
    assert_eq!(refunded, order.payment.refunded.0, "{order:#?}");
    if order.state == OrderState::Cancelled {
        assert!(order.passes.iter().all(|p| p.state != PassState::Valid));
        assert!(
            order
                .sub_orders
                .iter()
                .all(|s| s.state == SubOrderState::Cancelled)
        );
    }
}

/// Entry and ride at 80 %, as the late rule gives, for passes not used.
fn late_refund(order: &Order) -> i64 {
    order.payment.amount.0 * 80 / 100
}

#[test]
fn a_cancellation_killed_at_any_step_is_whole_or_untouched() {
    for step in [
        "cancel:cancelling",
        "cancel:refunded",
        "cancel:revoked",
        "cancel:cancelled",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let rig = open(dir.path());
        let tourist = rig.tourist("13800138000");
        let placed = rig.order(tourist, "k", PaymentMethod::Wallet);
        assert_eq!(placed.state, OrderState::Confirmed);
        let held = rig.held();
        let balance = rig.simulated.wallet_balance(tourist.0).unwrap();

        rig.crash_at(step);
        rig.killed(|| {
            let _ = rig.booking.cancel(tourist.0, Some("c1"), placed.id);
        });
        let rig = restart(dir.path(), rig);

        // Untouched: confirmed, nothing refunded, passes valid, places still sold.
        let after = rig.booking.order(tourist.0, placed.id).unwrap();
        assert_eq!(after, placed, "after a stop at {step}");
        assert_eq!(rig.held(), held);
        assert_eq!(rig.simulated.wallet_balance(tourist.0).unwrap(), balance);

        // The same key, sent again once the platform is back, cancels it whole.
        let cancelled = rig
            .booking
            .cancel(tourist.0, Some("c1"), placed.id)
            .unwrap();
        assert_eq!(cancelled.state, OrderState::Cancelled, "{step}");
        assert_eq!(cancelled.payment.refunded.0, late_refund(&placed), "{step}");
        assert_consistent(&cancelled);
        assert_eq!(
            rig.simulated.wallet_balance(tourist.0).unwrap().0,
            balance.0 + late_refund(&placed)
        );
        // Answered again the same; a new key moves no more money.
        assert_eq!(
            rig.booking
                .cancel(tourist.0, Some("c1"), placed.id)
                .unwrap(),
            cancelled
        );
        assert!(matches!(
            rig.booking.cancel(tourist.0, Some("c2"), placed.id),
            Err(BookingError::Conflict(_))
        ));
        let last = rig.booking.order(tourist.0, placed.id).unwrap();
        assert_eq!(last.payment.refunded, cancelled.payment.refunded);
    }
}

#[test]
fn a_payment_callback_killed_at_any_step_is_whole_or_untouched() {
    for step in [
        "payment:recorded",
        "payment:confirming",
        "payment:confirmed",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let rig = open(dir.path());
        let tourist = rig.tourist("13800138000");
        let waiting = rig.order(tourist, "k", PaymentMethod::Alipay);
        assert_eq!(waiting.state, OrderState::AwaitingPayment);

        rig.crash_at(step);
        rig.killed(|| {
            let _ = rig.booking.cashier(&waiting.payment.id, true);
        });
        let rig = restart(dir.path(), rig);

        let after = rig.booking.order(tourist.0, waiting.id).unwrap();
        assert_eq!(after.state, OrderState::AwaitingPayment, "{step}");
        assert_eq!(after.payment.state, PaymentState::Pending, "{step}");
        assert!(after.passes.is_empty());

        // The provider sends its callback again: now it lands whole, once.
        rig.booking.cashier(&waiting.payment.id, true).unwrap();
        let paid = rig.booking.order(tourist.0, waiting.id).unwrap();
        assert_eq!(paid.state, OrderState::Confirmed, "{step}");
        assert_eq!(paid.payment.state, PaymentState::Paid);
        assert_eq!(paid.passes.len(), 2, "an entry pass and a ride");
        assert_consistent(&paid);
        let callback = PaymentCallback {
            payment_id: waiting.payment.id.clone(),
            paid: true,
            signature: rig.simulated.sign(&waiting.payment.id, true),
        };
        rig.booking.on_payment(&callback).unwrap();
        assert_eq!(rig.booking.order(tourist.0, waiting.id).unwrap(), paid);
    }
}

/// A platform of an earlier version stopped mid-cancel: the order left `cancelling`
/// (or confirmed with its key claimed). The next start finishes it by the rule as of when
/// it was asked, and the key answers instead of "still being processed" for good.
#[test]
fn a_start_finishes_what_an_earlier_stop_left_mid_cancel() {
    let dir = tempfile::tempdir().unwrap();
    let rig = open(dir.path());
    let tourist = rig.tourist("13800138000");
    let first = rig.order(tourist, "k1", PaymentMethod::Wallet);
    let second = rig.order(tourist, "k2", PaymentMethod::Wallet);
    {
        let conn = rig.booking.store.conn().unwrap();
        conn.execute(
            "UPDATE booking_order SET state = 'cancelling', cancel_asked_at = ?2 WHERE id = ?1",
            params![first.id, NOW],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO idempotency (account_id, key, request_hash, created_at) VALUES (?1, ?2, '', ?3)",
            params![tourist.0, format!("cancel:{}:c", second.id), NOW],
        )
        .unwrap();
    }
    let rig = restart(dir.path(), rig);
    let finished = rig.booking.order(tourist.0, first.id).unwrap();
    assert_eq!(finished.state, OrderState::Cancelled);
    assert_eq!(finished.payment.refunded.0, late_refund(&first));
    assert_consistent(&finished);
    let cancelled = rig.booking.cancel(tourist.0, Some("c"), second.id).unwrap();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    assert_eq!(cancelled.payment.refunded.0, late_refund(&second));
}

/// One order that cannot be finished is reported and left; the others are finished and
/// the platform starts.
#[test]
fn one_bad_order_does_not_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let rig = open(dir.path());
    let tourist = rig.tourist("13800138000");
    let bad = rig.order(tourist, "k1", PaymentMethod::Wallet);
    let good = rig.order(tourist, "k2", PaymentMethod::Wallet);
    {
        let conn = rig.booking.store.conn().unwrap();
        conn.execute(
            "UPDATE booking_order SET state = 'cancelling', region_id = 'gone' WHERE id = ?1",
            [bad.id],
        )
        .unwrap();
        conn.execute(
            "UPDATE booking_order SET state = 'cancelling', cancel_asked_at = ?2 WHERE id = ?1",
            params![good.id, NOW],
        )
        .unwrap();
    }
    drop(rig);
    let rig = open(dir.path());
    assert_eq!(rig.booking.recover().unwrap(), vec![bad.id]);
    let good = rig.booking.order(tourist.0, good.id).unwrap();
    assert_eq!(good.state, OrderState::Cancelled);
}

/// A pass used at the gate is not refunded; the rest of the order is, by the rule.
#[test]
fn a_used_pass_is_not_refunded() {
    let dir = tempfile::tempdir().unwrap();
    let rig = open(dir.path());
    let tourist = rig.tourist("13800138000");
    let placed = rig.order(tourist, "k", PaymentMethod::Wallet);
    let entry = placed
        .passes
        .iter()
        .find(|p| p.holder.is_some())
        .expect("an entry pass");
    rig.booking
        .store
        .conn()
        .unwrap()
        .execute(
            "UPDATE pass SET state = 'used' WHERE pass_id = ?1",
            [&entry.pass_id],
        )
        .unwrap();
    let quote: &Quote = &placed.quote;
    let ride = quote
        .lines
        .iter()
        .find(|l| l.product_id == "yungu")
        .expect("the ride's line");
    let cancelled = rig.booking.cancel(tourist.0, Some("c"), placed.id).unwrap();
    assert_eq!(cancelled.payment.refunded.0, ride.pay.0 * 80 / 100);
    assert!(cancelled.payment.refunded.0 < late_refund(&placed));
    assert_consistent(&cancelled);
    let used = cancelled
        .passes
        .iter()
        .find(|p| p.pass_id == entry.pass_id)
        .unwrap();
    assert_eq!(used.state, PassState::Used);
}

/// An idempotency key answers for 30 days; after that the sweeper's pruning forgets it,
/// and the same key is a new request.
#[test]
fn idempotency_keys_are_pruned_once_they_are_old() {
    let dir = tempfile::tempdir().unwrap();
    let rig = open(dir.path());
    let tourist = rig.tourist("13800138000");
    let first = rig.order(tourist, "k", PaymentMethod::Wallet);
    let now = DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    assert_eq!(rig.booking.prune_keys(now).unwrap(), 0);
    assert_eq!(rig.order(tourist, "k", PaymentMethod::Wallet).id, first.id);
    assert_eq!(
        rig.booking
            .prune_keys(now + KEYS_KEPT + Duration::seconds(1))
            .unwrap(),
        1
    );
    assert_ne!(rig.order(tourist, "k", PaymentMethod::Wallet).id, first.id);
}

/// Killed after a refund was decided but before its unit was kept: a remote provider was
/// never asked, so the cancellation finished after the restart pays back exactly once.
#[test]
fn a_refund_in_a_unit_rolled_back_is_never_sent() {
    for step in ["cancel:refunded", "cancel:revoked", "cancel:cancelled"] {
        let dir = tempfile::tempdir().unwrap();
        let remote = Arc::new(Remote::default());
        let rig = open_with(dir.path(), Some(remote.clone()));
        let tourist = rig.tourist("13800138000");
        let placed = rig.order(tourist, "k", PaymentMethod::Wallet);
        assert_eq!(placed.state, OrderState::Confirmed);

        rig.crash_at(step);
        rig.killed(|| {
            let _ = rig.booking.cancel(tourist.0, Some("c1"), placed.id);
        });
        assert_eq!(
            remote.times_asked(),
            0,
            "sent from a unit that was lost, at {step}"
        );
        let rig = restart(dir.path(), rig);
        let cancelled = rig
            .booking
            .cancel(tourist.0, Some("c1"), placed.id)
            .unwrap();
        assert_eq!(cancelled.state, OrderState::Cancelled, "{step}");
        assert_eq!(remote.paid_back(), late_refund(&placed), "{step}");
        assert_eq!(remote.times_asked(), 1, "{step}");
        assert_consistent(&cancelled);
    }
}

/// Killed after the provider took a refund but before the platform noted it: the start
/// sends it again under the same id, and the provider pays it once.
#[test]
fn a_refund_sent_before_a_stop_is_sent_again_under_the_same_id() {
    let dir = tempfile::tempdir().unwrap();
    let remote = Arc::new(Remote::default());
    let rig = open_with(dir.path(), Some(remote.clone()));
    let tourist = rig.tourist("13800138000");
    let placed = rig.order(tourist, "k", PaymentMethod::Wallet);

    rig.crash_at("refund:sent");
    rig.killed(|| {
        let _ = rig.booking.cancel(tourist.0, Some("c1"), placed.id);
    });
    assert_eq!(remote.times_asked(), 1);
    let rig = restart(dir.path(), rig);
    assert_eq!(
        remote.times_asked(),
        2,
        "the start sends what was not noted"
    );
    assert_eq!(remote.paid_back(), late_refund(&placed));
    let cancelled = rig.booking.order(tourist.0, placed.id).unwrap();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    assert_eq!(cancelled.payment.refunded.0, late_refund(&placed));
    // Noted now: a sweep sends nothing more.
    rig.booking
        .sweep(DateTime::parse_from_rfc3339(NOW).unwrap().to_utc())
        .unwrap();
    assert_eq!(remote.times_asked(), 2);
}

/// A provider that does not answer does not stop a cancellation: the order is cancelled
/// at once and its refund stays owed until the provider takes it, once.
#[test]
fn a_refund_the_provider_does_not_take_stays_owed_until_it_does() {
    let dir = tempfile::tempdir().unwrap();
    let remote = Arc::new(Remote::default());
    let rig = open_with(dir.path(), Some(remote.clone()));
    let tourist = rig.tourist("13800138000");
    let placed = rig.order(tourist, "k", PaymentMethod::Wallet);
    let now = DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();

    remote.set_down(true);
    let cancelled = rig
        .booking
        .cancel(tourist.0, Some("c1"), placed.id)
        .unwrap();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    assert_eq!(cancelled.payment.refunded.0, late_refund(&placed));
    rig.booking.sweep(now).unwrap();
    assert_eq!(remote.paid_back(), 0);

    remote.set_down(false);
    rig.booking.sweep(now).unwrap();
    assert_eq!(remote.paid_back(), late_refund(&placed));
    rig.booking.sweep(now).unwrap();
    let rig = restart(dir.path(), rig);
    rig.booking.sweep(now).unwrap();
    assert_eq!(remote.times_asked(), 1, "taken once, never sent again");
}

/// The mark that spares a saga the look is only a hint: a look can clear it while a unit
/// that recorded a refund is still committing. The sweeper looks regardless.
#[test]
fn the_sweeper_sends_a_refund_whose_mark_was_cleared_early() {
    let dir = tempfile::tempdir().unwrap();
    let remote = Arc::new(Remote::default());
    let rig = open_with(dir.path(), Some(remote.clone()));
    let tourist = rig.tourist("13800138000");
    let placed = rig.order(tourist, "k", PaymentMethod::Wallet);

    remote.set_down(true);
    rig.booking
        .cancel(tourist.0, Some("c1"), placed.id)
        .unwrap();
    // A look that takes the mark and sends nothing, as one racing the commit would.
    assert_eq!(rig.booking.payments().owed(true).unwrap().len(), 1);
    remote.set_down(false);
    rig.booking.send_refunds(false);
    assert_eq!(remote.paid_back(), 0, "a saga trusts the mark");
    rig.booking
        .sweep(DateTime::parse_from_rfc3339(NOW).unwrap().to_utc())
        .unwrap();
    assert_eq!(remote.paid_back(), late_refund(&placed));
}

/// The kinds of the order's events, oldest first, as the log keeps them.
fn event_kinds(rig: &Rig, order_id: i64) -> Vec<String> {
    let conn = rig.booking.store.conn().unwrap();
    let mut stmt = conn
        .prepare("SELECT kind FROM event WHERE order_id = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([order_id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// An event is kept exactly when its change is: a cancellation or a payment callback
/// killed at any step leaves no event of it, and the retry that lands writes each of its
/// events once.
#[test]
fn an_event_exists_only_if_its_change_was_kept() {
    for step in [
        "cancel:cancelling",
        "cancel:refunded",
        "cancel:revoked",
        "cancel:cancelled",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let rig = open(dir.path());
        let tourist = rig.tourist("13800138000");
        let placed = rig.order(tourist, "k", PaymentMethod::Wallet);
        assert_eq!(event_kinds(&rig, placed.id), ["sub_order_status"]);

        rig.crash_at(step);
        rig.killed(|| {
            let _ = rig.booking.cancel(tourist.0, Some("c1"), placed.id);
        });
        let rig = restart(dir.path(), rig);
        assert_eq!(event_kinds(&rig, placed.id), ["sub_order_status"], "{step}");

        rig.booking
            .cancel(tourist.0, Some("c1"), placed.id)
            .unwrap();
        let mut cancelled = vec!["sub_order_status"];
        cancelled.extend(placed.passes.iter().map(|_| "pass_revoked"));
        cancelled.extend(["sub_order_status", "order_cancelled"]);
        assert_eq!(event_kinds(&rig, placed.id), cancelled, "{step}");
    }
    for step in [
        "payment:recorded",
        "payment:confirming",
        "payment:confirmed",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let rig = open(dir.path());
        let tourist = rig.tourist("13800138000");
        let waiting = rig.order(tourist, "k", PaymentMethod::Alipay);
        rig.crash_at(step);
        rig.killed(|| {
            let _ = rig.booking.cashier(&waiting.payment.id, true);
        });
        let rig = restart(dir.path(), rig);
        assert!(event_kinds(&rig, waiting.id).is_empty(), "{step}");
        rig.booking.cashier(&waiting.payment.id, true).unwrap();
        assert_eq!(
            event_kinds(&rig, waiting.id),
            ["sub_order_status"],
            "{step}"
        );
    }
}
