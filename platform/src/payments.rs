//! Payments: the platform's record of every payment (amount, state, what went back), and
//! the [`PaymentProvider`] that moves the money.
//!
//! A real provider (WeChat Pay, Alipay) implements the trait over its API and is handed
//! to [`crate::start_with`]. [`SimulatedProvider`] is dev mode's (`--dev` only): a Tongyou
//! wallet with demo money charged at once, and "WeChat Pay" / "Alipay"-style methods that
//! send the tourist to a cashier page and report the result by a signed callback, the
//! same shape as a real provider, so the saga around it is the real one. Faults can make
//! the next charge decline. With no provider (production without one configured), every
//! charge is declined with that reason and no money moves.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hmac::{Hmac, Mac};
use rusqlite::{OptionalExtension, params};
use sha2::Sha256;
use tongyou_core::api::{
    API_PREFIX, FaultStep, FaultTarget, Payment, PaymentCallback, PaymentMethod, PaymentState,
};
use tongyou_core::catalog::Fen;
use tongyou_core::text::Text;

use crate::providers::Faults;
use crate::sqlite::{Savepoint, SqliteStore};
use crate::store::StoreError;

/// What a new account's demo wallet holds in dev mode: ¥50,000.
pub const DEMO_WALLET: Fen = Fen(5_000_000);

/// What a provider is told of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentTicket {
    pub id: String,
    pub account_id: i64,
    pub method: PaymentMethod,
    pub amount: Fen,
}

/// A refund as the provider is asked for it: its id is the platform's and the same on
/// every try, so the provider pays it back once however often it is sent (WeChat Pay's
/// `out_refund_no`, Alipay's `out_request_no`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundTicket {
    pub id: String,
    pub payment: PaymentTicket,
    pub amount: Fen,
}

/// Where money moves. Blocking: called off the async workers. A charge is asked inside the
/// store unit that records the payment's new state, so a provider that keeps its own rows
/// in the store (the simulated one) changes them in the same unit. A refund is sent only
/// after the unit that decided it is kept, and may be sent again.
pub trait PaymentProvider: Send + Sync {
    /// Charges at once where the method can (a wallet); `Ok(None)` when the tourist pays
    /// at the provider's cashier and the result comes by callback.
    fn charge_at_once(&self, payment: &PaymentTicket) -> Result<Option<Charge>, PaymentError>;
    /// Where the tourist pays a payment that waits for the cashier.
    fn cashier_url(&self, payment_id: &str) -> Option<String>;
    /// Whether a callback really comes from the provider.
    fn verify(&self, callback: &PaymentCallback) -> bool;
    /// Sends a refund back (the platform has already capped it at what is left). Must be
    /// idempotent on the refund's id: a stop between this call and the platform noting it
    /// sends the same refund again.
    fn refund(&self, refund: &RefundTicket) -> Result<(), PaymentError>;
}

/// No provider configured: nothing can be paid, so every order fails before the pivot.
pub struct NoProvider;

impl PaymentProvider for NoProvider {
    fn charge_at_once(&self, _: &PaymentTicket) -> Result<Option<Charge>, PaymentError> {
        Ok(Some(Charge::Declined(Text::new(
            "本平台尚未开通在线支付",
            "Payments are not set up on this platform",
        ))))
    }

    fn cashier_url(&self, _: &str) -> Option<String> {
        None
    }

    fn verify(&self, _: &PaymentCallback) -> bool {
        false
    }

    fn refund(&self, _: &RefundTicket) -> Result<(), PaymentError> {
        Ok(()) // Nothing was ever taken.
    }
}

/// Dev mode's provider: demo wallets in the store and a simulated cashier that answers
/// by a signed callback.
pub struct SimulatedProvider {
    store: Arc<SqliteStore>,
    faults: Arc<Faults>,
    /// Shared with the cashier: signs and checks callbacks.
    callback_key: [u8; 32],
}

impl SimulatedProvider {
    pub fn new(
        store: Arc<SqliteStore>,
        faults: Arc<Faults>,
        callback_key: [u8; 32],
    ) -> SimulatedProvider {
        SimulatedProvider {
            store,
            faults,
            callback_key,
        }
    }

    /// The cashier's signature over a result, as its callback carries it.
    pub fn sign(&self, payment_id: &str, paid: bool) -> String {
        hex::encode(self.mac(payment_id, paid).finalize().into_bytes())
    }

    /// The MAC over a result as the cashier and the platform both compute it.
    fn mac(&self, payment_id: &str, paid: bool) -> Hmac<Sha256> {
        // HMAC takes a key of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.callback_key)
            .unwrap_or_else(|_| unreachable!());
        mac.update(format!("{payment_id}:{paid}").as_bytes());
        mac
    }

    pub fn wallet_balance(&self, account_id: i64) -> Result<Fen, PaymentError> {
        let conn = self.store.conn()?;
        let balance: Option<i64> = conn
            .prepare_cached("SELECT balance FROM wallet WHERE account_id = ?1")?
            .query_row([account_id], |r| r.get(0))
            .optional()?;
        Ok(Fen(balance.unwrap_or(DEMO_WALLET.0)))
    }
}

impl PaymentProvider for SimulatedProvider {
    fn charge_at_once(&self, payment: &PaymentTicket) -> Result<Option<Charge>, PaymentError> {
        if payment.method != PaymentMethod::Wallet && payment.amount.0 > 0 {
            return Ok(None);
        }
        if self.faults.take(FaultTarget::Payment, FaultStep::Charge) {
            return Ok(Some(Charge::Declined(Text::new(
                "支付机构拒绝了这笔付款",
                "The payment was declined by the provider",
            ))));
        }
        let conn = self.store.conn()?;
        conn.prepare_cached(
            "INSERT INTO wallet (account_id, balance) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?
        .execute(params![payment.account_id, DEMO_WALLET.0])?;
        let debited = conn
            .prepare_cached(
                "UPDATE wallet SET balance = balance - ?2 WHERE account_id = ?1 AND balance >= ?2",
            )?
            .execute(params![payment.account_id, payment.amount.0])?;
        if debited == 1 {
            return Ok(Some(Charge::Paid));
        }
        let balance: i64 = conn
            .prepare_cached("SELECT balance FROM wallet WHERE account_id = ?1")?
            .query_row([payment.account_id], |r| r.get(0))?;
        let (need, have) = (payment.amount.display_yuan(), Fen(balance).display_yuan());
        Ok(Some(Charge::Declined(Text::new(
            format!("钱包余额不足：需要{need}，余额{have}"),
            format!("Not enough in the wallet: {need} needed, {have} left"),
        ))))
    }

    fn cashier_url(&self, payment_id: &str) -> Option<String> {
        Some(format!("{API_PREFIX}/sim-pay/{payment_id}"))
    }

    fn verify(&self, cb: &PaymentCallback) -> bool {
        hex::decode(&cb.signature)
            .is_ok_and(|sig| self.mac(&cb.payment_id, cb.paid).verify_slice(&sig).is_ok())
    }

    fn refund(&self, refund: &RefundTicket) -> Result<(), PaymentError> {
        if refund.payment.method != PaymentMethod::Wallet {
            return Ok(()); // The simulated cashier keeps no money.
        }
        self.store.atomically(|| {
            let conn = self.store.conn()?;
            let first = conn
                .prepare_cached(
                    "INSERT INTO wallet_refund (id) VALUES (?1) ON CONFLICT DO NOTHING",
                )?
                .execute([&refund.id])?;
            if first == 1 {
                conn.prepare_cached(
                    "UPDATE wallet SET balance = balance + ?2 WHERE account_id = ?1",
                )?
                .execute(params![refund.payment.account_id, refund.amount.0])?;
            }
            Ok(())
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charge {
    Paid,
    Declined(Text),
    /// Pay at the provider's cashier; the result comes by callback.
    Redirect,
}

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("the callback's signature does not match")]
    BadSignature,
    #[error("no payment `{0}`")]
    Unknown(String),
    #[error("the payment provider did not take it: {0}")]
    Provider(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for PaymentError {
    fn from(e: rusqlite::Error) -> Self {
        PaymentError::Store(StoreError::Database(e))
    }
}

pub struct Payments {
    store: Arc<SqliteStore>,
    provider: Arc<dyn PaymentProvider>,
    /// Set when a refund may be waiting to be sent (a unit recorded one, a send failed, or
    /// the platform just started), so that a saga that refunded nothing does not look.
    /// Only a hint: see [`Payments::owed`].
    maybe_owed: AtomicBool,
    /// The same provider when it is the simulated one: its cashier page answers only then.
    simulated: Option<Arc<SimulatedProvider>>,
}

impl Payments {
    pub fn new(
        store: Arc<SqliteStore>,
        provider: Arc<dyn PaymentProvider>,
        simulated: Option<Arc<SimulatedProvider>>,
    ) -> Payments {
        Payments {
            store,
            provider,
            maybe_owed: AtomicBool::new(true),
            simulated,
        }
    }

    /// Dev mode's simulated provider, when it is the one in use.
    pub fn simulated(&self) -> Option<&SimulatedProvider> {
        self.simulated.as_deref()
    }

    /// Records a pending payment for an order about to be charged.
    pub fn create(
        &self,
        account_id: i64,
        method: PaymentMethod,
        amount: Fen,
        now: &str,
    ) -> Result<String, PaymentError> {
        // Time-ordered, so that new payments go to the end of the index on the id.
        let id = format!("pay_{}", uuid::Uuid::now_v7().simple());
        self.store
            .conn()?
            .prepare_cached(
                "INSERT INTO payment (id, account_id, method, state, amount, created_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?5)",
            )?
            .execute(params![id, account_id, method_str(method), amount.0, now])?;
        Ok(id)
    }

    /// Takes the money: at once where the method allows, or by sending the tourist to the
    /// provider's cashier.
    pub fn charge(&self, payment_id: &str) -> Result<Charge, PaymentError> {
        let ticket = self.ticket(payment_id)?;
        let conn = self.store.conn()?;
        let tx = Savepoint::begin(&conn)?;
        let charge = self
            .provider
            .charge_at_once(&ticket)?
            .unwrap_or(Charge::Redirect);
        let to = match charge {
            Charge::Paid => "paid",
            Charge::Declined(_) => "declined",
            Charge::Redirect => return Ok(charge),
        };
        tx.prepare_cached("UPDATE payment SET state = ?2 WHERE id = ?1 AND state = 'pending'")?
            .execute(params![payment_id, to])?;
        tx.commit()?;
        Ok(charge)
    }

    /// Checks a callback and records its result. `Ok(Some(paid))` the first time a result
    /// arrives; `Ok(None)` for a replay of a result already recorded.
    pub fn callback(&self, cb: &PaymentCallback) -> Result<Option<bool>, PaymentError> {
        if !self.provider.verify(cb) {
            return Err(PaymentError::BadSignature);
        }
        self.payment(&cb.payment_id)?;
        let to = if cb.paid { "paid" } else { "declined" };
        // A result for a payment the platform gave up on (its order expired) still counts:
        // money taken then is refunded by the saga.
        let changed = self
            .store
            .conn()?
            .prepare_cached(
                "UPDATE payment SET state = ?2 WHERE id = ?1 AND state IN ('pending', 'not_taken')",
            )?
            .execute(params![cb.payment_id, to])?;
        Ok((changed == 1).then_some(cb.paid))
    }

    /// Records a refund of up to `amount` (capped at what is left) in the caller's unit;
    /// returns what goes back. The money moves when the booking saga sends what is owed after the
    /// unit is kept: a unit rolled back leaves nothing to send.
    pub fn refund(&self, payment_id: &str, amount: Fen, now: &str) -> Result<Fen, PaymentError> {
        if amount.0 <= 0 {
            return Ok(Fen(0));
        }
        let conn = self.store.conn()?;
        let tx = Savepoint::begin(&conn)?;
        let row: Option<(String, i64, i64)> = tx
            .prepare_cached("SELECT state, amount, refunded FROM payment WHERE id = ?1")?
            .query_row([payment_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((state, paid, refunded)) = row else {
            return Err(PaymentError::Unknown(payment_id.to_owned()));
        };
        if state != "paid" && state != "refunded" {
            return Ok(Fen(0));
        }
        let back = amount.0.min(paid - refunded);
        if back <= 0 {
            return Ok(Fen(0));
        }
        tx.prepare_cached(
            "UPDATE payment SET refunded = refunded + ?2, state = 'refunded' WHERE id = ?1",
        )?
        .execute(params![payment_id, back])?;
        let id = format!("ref_{}", uuid::Uuid::now_v7().simple());
        tx.prepare_cached(
            "INSERT INTO refund (id, payment_id, amount, asked_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![id, payment_id, back, now])?;
        tx.commit()?;
        self.maybe_owed.store(true, Ordering::Release);
        Ok(Fen(back))
    }

    /// The refunds recorded and not yet taken by the provider, oldest first. Outside any
    /// unit. `only_if_marked` is the sagas' fast path: no look when no unit has recorded
    /// one since the last look. The mark can be cleared early (a look taken while a unit
    /// that recorded one was still committing), so the sweeper and the start look always.
    pub fn owed(&self, only_if_marked: bool) -> Result<Vec<RefundTicket>, PaymentError> {
        if !self.maybe_owed.swap(false, Ordering::AcqRel) && only_if_marked {
            return Ok(Vec::new());
        }
        let owed = self.store.reading(|| {
            let conn = self.store.conn()?;
            let mut stmt = conn.prepare_cached(
                "SELECT r.id, r.amount, p.id, p.account_id, p.method, p.amount
                 FROM refund r JOIN payment p ON p.id = r.payment_id
                 WHERE r.sent_at IS NULL ORDER BY r.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(RefundTicket {
                    id: r.get(0)?,
                    amount: Fen(r.get(1)?),
                    payment: PaymentTicket {
                        id: r.get(2)?,
                        account_id: r.get(3)?,
                        method: method_of(&r.get::<_, String>(4)?),
                        amount: Fen(r.get(5)?),
                    },
                })
            })?;
            Ok::<_, PaymentError>(rows.collect::<Result<Vec<_>, _>>()?)
        });
        if owed.is_err() {
            self.maybe_owed.store(true, Ordering::Release);
        }
        owed
    }

    /// Asks the provider for one owed refund. On failure it stays owed for the next look.
    pub fn send(&self, refund: &RefundTicket) -> Result<(), PaymentError> {
        let sent = self.provider.refund(refund);
        if sent.is_err() {
            self.maybe_owed.store(true, Ordering::Release);
        }
        sent
    }

    /// Notes that the provider took a refund.
    pub fn sent(&self, refund_id: &str, now: &str) -> Result<(), PaymentError> {
        self.store.atomically(|| {
            self.store
                .conn()?
                .prepare_cached("UPDATE refund SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL")?
                .execute(params![refund_id, now])?;
            Ok(())
        })
    }

    /// Marks a payment that will never be asked for (its order failed or expired first).
    pub fn abandon(&self, payment_id: &str) -> Result<(), PaymentError> {
        self.set_state(payment_id, "pending", "not_taken")
    }

    pub fn payment(&self, payment_id: &str) -> Result<Payment, PaymentError> {
        let conn = self.store.conn()?;
        let row: Option<(String, String, i64, i64)> = conn
            .prepare_cached("SELECT method, state, amount, refunded FROM payment WHERE id = ?1")?
            .query_row([payment_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((method, state, amount, refunded)) = row else {
            return Err(PaymentError::Unknown(payment_id.to_owned()));
        };
        let method = method_of(&method);
        let state = match state.as_str() {
            "paid" => PaymentState::Paid,
            "declined" => PaymentState::Declined,
            "refunded" => PaymentState::Refunded,
            "not_taken" => PaymentState::NotTaken,
            _ => PaymentState::Pending,
        };
        Ok(Payment {
            id: payment_id.to_owned(),
            method,
            state,
            amount: Fen(amount),
            refunded: Fen(refunded),
            redirect_url: (state == PaymentState::Pending && method != PaymentMethod::Wallet)
                .then(|| self.provider.cashier_url(payment_id))
                .flatten(),
        })
    }

    /// What the provider is told of a payment.
    fn ticket(&self, payment_id: &str) -> Result<PaymentTicket, PaymentError> {
        let conn = self.store.conn()?;
        let row: Option<(i64, String, i64)> = conn
            .prepare_cached("SELECT account_id, method, amount FROM payment WHERE id = ?1")?
            .query_row([payment_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let (account_id, method, amount) =
            row.ok_or_else(|| PaymentError::Unknown(payment_id.to_owned()))?;
        Ok(PaymentTicket {
            id: payment_id.to_owned(),
            account_id,
            method: method_of(&method),
            amount: Fen(amount),
        })
    }

    fn set_state(&self, payment_id: &str, from: &str, to: &str) -> Result<(), PaymentError> {
        self.store
            .conn()?
            .prepare_cached("UPDATE payment SET state = ?3 WHERE id = ?1 AND state = ?2")?
            .execute(params![payment_id, from, to])?;
        Ok(())
    }
}

fn method_of(stored: &str) -> PaymentMethod {
    match stored {
        "wechat_pay" => PaymentMethod::WechatPay,
        "alipay" => PaymentMethod::Alipay,
        _ => PaymentMethod::Wallet,
    }
}

fn method_str(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::Wallet => "wallet",
        PaymentMethod::WechatPay => "wechat_pay",
        PaymentMethod::Alipay => "alipay",
    }
}
