//! The simulated payment provider: a Tongyou wallet charged at once, and "WeChat Pay" /
//! "Alipay"-style methods that send the tourist to a cashier page and report the result
//! by a signed callback. It stands in for real providers with the same shape, so the
//! saga around it is the real one. Faults can make the next charge decline.

use std::sync::Arc;

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

/// What a new account's demo wallet holds: ¥50,000.
pub const DEMO_WALLET: Fen = Fen(5_000_000);

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
    faults: Arc<Faults>,
    /// Shared with the provider: signs and checks callbacks.
    callback_key: [u8; 32],
}

impl Payments {
    pub fn new(store: Arc<SqliteStore>, faults: Arc<Faults>, callback_key: [u8; 32]) -> Payments {
        Payments {
            store,
            faults,
            callback_key,
        }
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

    /// Takes the money: at once from the wallet, or by sending the tourist to the cashier.
    pub fn charge(&self, payment_id: &str) -> Result<Charge, PaymentError> {
        let payment = self.payment(payment_id)?;
        if payment.method != PaymentMethod::Wallet && payment.amount.0 > 0 {
            return Ok(Charge::Redirect);
        }
        if self.faults.take(FaultTarget::Payment, FaultStep::Charge) {
            self.set_state(payment_id, "pending", "declined")?;
            return Ok(Charge::Declined(Text::new(
                "支付机构拒绝了这笔付款",
                "The payment was declined by the provider",
            )));
        }
        let conn = self.store.conn()?;
        let tx = Savepoint::begin(&conn)?;
        let account: i64 = tx
            .prepare_cached("SELECT account_id FROM payment WHERE id = ?1")?
            .query_row([payment_id], |r| r.get(0))?;
        tx.prepare_cached(
            "INSERT INTO wallet (account_id, balance) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?
        .execute(params![account, DEMO_WALLET.0])?;
        let debited = tx
            .prepare_cached(
                "UPDATE wallet SET balance = balance - ?2 WHERE account_id = ?1 AND balance >= ?2",
            )?
            .execute(params![account, payment.amount.0])?;
        if debited == 0 {
            let balance: i64 = tx
                .prepare_cached("SELECT balance FROM wallet WHERE account_id = ?1")?
                .query_row([account], |r| r.get(0))?;
            tx.prepare_cached(
                "UPDATE payment SET state = 'declined' WHERE id = ?1 AND state = 'pending'",
            )?
            .execute([payment_id])?;
            tx.commit()?;
            let (need, have) = (payment.amount.display_yuan(), Fen(balance).display_yuan());
            return Ok(Charge::Declined(Text::new(
                format!("钱包余额不足：需要{need}，余额{have}"),
                format!("Not enough in the wallet: {need} needed, {have} left"),
            )));
        }
        tx.prepare_cached("UPDATE payment SET state = 'paid' WHERE id = ?1 AND state = 'pending'")?
            .execute([payment_id])?;
        tx.commit()?;
        Ok(Charge::Paid)
    }

    /// The provider's signature over a result, as its callback carries it.
    pub fn sign(&self, payment_id: &str, paid: bool) -> String {
        hex::encode(self.mac(payment_id, paid).finalize().into_bytes())
    }

    /// Checks a callback and records its result. `Ok(Some(paid))` the first time a result
    /// arrives; `Ok(None)` for a replay of a result already recorded.
    pub fn callback(&self, cb: &PaymentCallback) -> Result<Option<bool>, PaymentError> {
        let signature = hex::decode(&cb.signature).map_err(|_| PaymentError::BadSignature)?;
        self.mac(&cb.payment_id, cb.paid)
            .verify_slice(&signature)
            .map_err(|_| PaymentError::BadSignature)?;
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

    /// Gives back up to `amount` (capped at what is left); returns what went back.
    pub fn refund(&self, payment_id: &str, amount: Fen) -> Result<Fen, PaymentError> {
        if amount.0 <= 0 {
            return Ok(Fen(0));
        }
        let conn = self.store.conn()?;
        let tx = Savepoint::begin(&conn)?;
        let row: Option<(i64, String, String, i64, i64)> = tx
            .prepare_cached(
                "SELECT account_id, method, state, amount, refunded FROM payment WHERE id = ?1",
            )?
            .query_row([payment_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let Some((account, method, state, paid, refunded)) = row else {
            return Err(PaymentError::Unknown(payment_id.to_owned()));
        };
        if state != "paid" && state != "refunded" {
            return Ok(Fen(0));
        }
        let back = amount.0.min(paid - refunded);
        tx.prepare_cached(
            "UPDATE payment SET refunded = refunded + ?2, state = 'refunded' WHERE id = ?1",
        )?
        .execute(params![payment_id, back])?;
        if method == method_str(PaymentMethod::Wallet) {
            tx.prepare_cached("UPDATE wallet SET balance = balance + ?2 WHERE account_id = ?1")?
                .execute(params![account, back])?;
        }
        tx.commit()?;
        Ok(Fen(back))
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
        let method = match method.as_str() {
            "wechat_pay" => PaymentMethod::WechatPay,
            "alipay" => PaymentMethod::Alipay,
            _ => PaymentMethod::Wallet,
        };
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
                .then(|| format!("{API_PREFIX}/sim-pay/{payment_id}")),
        })
    }

    pub fn wallet_balance(&self, account_id: i64) -> Result<Fen, PaymentError> {
        let conn = self.store.conn()?;
        let balance: Option<i64> = conn
            .prepare_cached("SELECT balance FROM wallet WHERE account_id = ?1")?
            .query_row([account_id], |r| r.get(0))
            .optional()?;
        Ok(Fen(balance.unwrap_or(DEMO_WALLET.0)))
    }

    fn set_state(&self, payment_id: &str, from: &str, to: &str) -> Result<(), PaymentError> {
        self.store
            .conn()?
            .prepare_cached("UPDATE payment SET state = ?3 WHERE id = ?1 AND state = ?2")?
            .execute(params![payment_id, from, to])?;
        Ok(())
    }

    /// The MAC over a result as the provider and the platform both compute it.
    fn mac(&self, payment_id: &str, paid: bool) -> Hmac<Sha256> {
        // HMAC takes a key of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.callback_key)
            .unwrap_or_else(|_| unreachable!());
        mac.update(format!("{payment_id}:{paid}").as_bytes());
        mac
    }
}

fn method_str(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::Wallet => "wallet",
        PaymentMethod::WechatPay => "wechat_pay",
        PaymentMethod::Alipay => "alipay",
    }
}
