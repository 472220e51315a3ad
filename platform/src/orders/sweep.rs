//! What runs on its own: the sweeper (expired holds and unpaid orders, old idempotency
//! keys), recovery at start, and sending the refunds the kept units recorded.

use super::*;

impl Booking {
    /// Releases expired holds in every module and expires orders whose payment never
    /// came. `now` is normally the clock; tests pass a later moment.
    pub fn sweep(&self, now: DateTime<Utc>) -> Result<usize, BookingError> {
        let now_s = fmt(now);
        let mut released = 0;
        for provider in &self.providers {
            match provider.release_expired(&now_s) {
                Ok(n) => released += n,
                Err(e) => tracing::warn!(module = ?provider.module(), "sweep failed: {e}"),
            }
        }
        let problem = Text::new(
            "付款超时，预留已释放，没有扣款。请重新下单。",
            "Payment did not arrive in time; the holds were released and nothing was charged. Please order again.",
        );
        // Each order its own unit, with the events it makes.
        for order_id in records::waiting_past(&self.store, &now_s)? {
            self.store
                .atomically(|| self.abort(order_id, "expired", &problem))?;
        }
        self.send_refunds(true);
        Ok(released)
    }

    /// Finishes what a crash interrupted: paid orders are confirmed, orders caught while
    /// holding are released (they were never charged), cancellations are finished by the
    /// rule as of when they were asked, and keys left claimed are freed. Each order is its
    /// own unit: one that cannot be finished is reported and left as it is, and the
    /// others go on. Returns the orders left so.
    pub fn recover(&self) -> Result<Vec<i64>, BookingError> {
        let freed = records::free_stale_keys(&self.store)?;
        if freed > 0 {
            tracing::info!(
                keys = freed,
                "idempotency keys a stop left claimed were freed"
            );
        }
        let mut stuck = Vec::new();
        for (order_id, state) in records::unfinished(&self.store)? {
            if let Err(e) = self
                .store
                .atomically(|| self.recover_order(order_id, &state))
            {
                tracing::error!(
                    order = order_id,
                    state,
                    "could not finish this order at start; left as it is: {e}"
                );
                stuck.push(order_id);
            }
        }
        self.send_refunds(true);
        Ok(stuck)
    }

    pub(super) fn recover_order(&self, order_id: i64, state: &str) -> Result<(), BookingError> {
        let Some(row) = records::order_row(&self.store, order_id)? else {
            return Ok(());
        };
        match state {
            "confirming" => self.confirm_stored(&row),
            "cancelling" => self.finish_cancel(&row, cancel::Basis::Rules),
            _ if self.payments.payment(&row.payment_id)?.state == PaymentState::Paid => {
                self.after_payment(order_id)
            }
            "holding" => {
                let problem = Text::new(
                    "下单过程被中断，预留已释放，没有扣款。请重新下单。",
                    "Ordering was interrupted; the holds were released and nothing was charged. Please order again.",
                );
                self.abort(order_id, "failed", &problem)
            }
            // Awaiting the cashier: the callback or the sweeper settles it.
            _ => Ok(()),
        }
    }

    /// Drops idempotency records older than [`KEYS_KEPT`] at `now`.
    pub fn prune_keys(&self, now: DateTime<Utc>) -> Result<usize, BookingError> {
        records::prune_keys(&self.store, &fmt(now - KEYS_KEPT))
    }

    /// Sends the provider every refund that kept units recorded and it has not taken yet,
    /// after those units, so a unit rolled back never moves money. One the provider does
    /// not take stays owed, and the next sweep or start sends it again under the same id.
    /// `every_time` looks even when no unit marked a new one (the sweeper and the start);
    /// a saga looks only when marked. Never fails the caller: its order is already whole.
    pub(super) fn send_refunds(&self, every_time: bool) {
        let owed = match self.payments.owed(!every_time) {
            Ok(owed) => owed,
            Err(e) => return tracing::warn!("could not read the refunds owed: {e}"),
        };
        for refund in owed {
            if let Err(e) = self.payments.send(&refund) {
                tracing::warn!(
                    refund = refund.id,
                    "the payment provider did not take a refund; it stays owed: {e}"
                );
                continue;
            }
            self.crash_point("refund:sent");
            if let Err(e) = self.payments.sent(&refund.id, &self.now_s()) {
                tracing::warn!(
                    refund = refund.id,
                    "could not note a refund as sent; it will be sent again: {e}"
                );
            }
        }
    }
}
