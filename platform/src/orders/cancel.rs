//! Cancelling: one unit with its key that moves the order to `cancelling`, then cancels,
//! refunds by each product's rule as of when it was asked (nothing back for a used pass,
//! nor for a line refunded on its own before), revokes the passes and marks the order
//! `cancelled`.

use tongyou_core::disruption::line_key;

use super::*;

/// When a quote line's product starts, for its refund deadline.
/// When an order's entry slot starts, if it has one.
pub(super) fn entry_slot_start(
    catalog: &Catalog,
    subs: &[SubRow],
) -> Result<Option<ClockTime>, BookingError> {
    let scenic_items = subs
        .iter()
        .find(|s| s.module == Module::Scenic)
        .map(|s| serde_json::from_str::<Vec<Item>>(&s.items_json))
        .transpose()?
        .unwrap_or_default();
    Ok(scenic_items.iter().find_map(|i| match i {
        Item::Entry { slot_id, .. } => catalog
            .slots
            .iter()
            .find(|s| &s.id == slot_id)
            .map(|s| s.start),
        _ => None,
    }))
}

/// Which of a sub-order's lines have had their pass used at a gate: those are not
/// refunded. A per-person line (an entry ticket) has the pass of its guest, in the order
/// the passes were issued; any other line the party's one pass of its product.
pub(super) fn used_lines(lines: &[QuoteLine], passes: &[(String, String)]) -> Vec<bool> {
    lines
        .iter()
        .map(|line| {
            let mut of_product = passes.iter().filter(|(p, _)| *p == line.product_id);
            match line.guest {
                Some(guest) => of_product
                    .nth(guest as usize)
                    .is_some_and(|(_, state)| state == "used"),
                None => of_product.any(|(_, state)| state == "used"),
            }
        })
        .collect()
}

pub(super) fn line_start(
    catalog: &Catalog,
    date: NaiveDate,
    line: &QuoteLine,
    slot_start: Option<ClockTime>,
) -> NaiveDateTime {
    let at = match line.kind {
        ProductKind::Ticket | ProductKind::Lift => slot_start,
        ProductKind::Hotel => line
            .product_id
            .split('/')
            .next()
            .and_then(|h| catalog.hotels.iter().find(|x| x.id == h))
            .map(|h| h.check_in),
        ProductKind::Shuttle => line
            .product_id
            .split('@')
            .nth(1)
            .and_then(|t| t.parse().ok()),
    };
    date.and_time(at.unwrap_or(ClockTime::MIDNIGHT).to_naive())
}

/// How a cancellation refunds.
#[derive(Debug, Clone, Copy)]
pub(super) enum Basis<'a> {
    /// By each product's refund rule, as of when the cancellation was asked.
    Rules,
    /// Everything not used, in full: the tourist did nothing wrong (a disruption), and why.
    InFull(&'a Text),
}

impl Booking {
    /// Cancels an order: before payment it releases the holds; after, every confirmed
    /// sub-order is cancelled and refunded by its product's rule as of now (a line whose
    /// pass was used gets nothing back), and its passes revoked.
    ///
    /// One unit on the store, with the key: the order moves to `cancelling` first, then
    /// the modules, the refunds, the passes and the final state follow, and either all of
    /// it is kept or none. The same key answers with the order again; a new key on an
    /// order already cancelled is refused and moves no money.
    pub fn cancel(
        &self,
        account: i64,
        key: Option<&str>,
        order_id: i64,
    ) -> Result<Order, BookingError> {
        let key = format!("cancel:{order_id}:{}", required(key)?);
        self.store.atomically(|| {
            match records::lookup(&self.store, account, &key, "")? {
                Begin::Replay(_) => return Ok(()),
                Begin::Mismatch => return Err(BookingError::KeyReused),
                // Claimed by a platform that stopped before this one; the order's state
                // says what is left to do.
                Begin::InProgress | Begin::Fresh => {}
            }
            self.cancel_now(account, order_id)?;
            records::settle_key(&self.store, account, &key, "", order_id, &self.now_s())
        })?;
        self.send_refunds(false);
        self.order(account, order_id)
    }

    pub(super) fn cancel_now(&self, account: i64, order_id: i64) -> Result<(), BookingError> {
        let row = records::order_row(&self.store, order_id)?
            .filter(|r| r.account_id == account)
            .ok_or(BookingError::NotFound)?;
        match row.state.as_str() {
            "holding" | "awaiting_payment" => {
                let problem = Text::new("订单已取消。", "The order was cancelled.");
                self.abort(order_id, "cancelled", &problem)
            }
            "confirmed" | "partly_confirmed" => {
                if !records::start_cancelling(&self.store, order_id, &self.now_s())? {
                    return Err(BookingError::Conflict(
                        "the order changed meanwhile; look at it again".into(),
                    ));
                }
                self.crash_point("cancel:cancelling");
                self.finish_cancel(&row, Basis::Rules)
            }
            "cancelling" => self.finish_cancel(&row, Basis::Rules),
            other => Err(BookingError::Conflict(format!(
                "an order that is {other} cannot be cancelled"
            ))),
        }
    }

    /// Cancels and refunds every sub-order still confirmed of an order in `cancelling`,
    /// by the refund rules as of when the cancellation was asked (or in full, under a
    /// disruption), revokes its passes and marks it cancelled. Run inside a unit; safe to
    /// run again.
    pub(super) fn finish_cancel(
        &self,
        row: &OrderRow,
        basis: Basis<'_>,
    ) -> Result<(), BookingError> {
        let order_id = row.id;
        let catalog = self.catalog(&row.region_id).ok_or(BookingError::NotFound)?;
        let date: NaiveDate = row.date.parse().map_err(|_| BookingError::NotFound)?;
        let asked = records::cancel_asked_at(&self.store, order_id)?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map_or_else(|| (self.clock)(), |t| t.to_utc());
        let asked_local = local(&catalog, asked);
        let subs = records::sub_orders(&self.store, order_id)?;
        let slot_start = entry_slot_start(&catalog, &subs)?;
        let mut refunded_total = Fen(0);
        let mut updates = Vec::new();
        for sub in subs
            .iter()
            .filter(|s| s.state == "confirmed" || s.state == "adjusted")
        {
            let lines: Vec<QuoteLine> = serde_json::from_str(&sub.lines_json)?;
            let used = used_lines(&lines, &records::pass_states(&self.store, sub.id)?);
            // A line refunded on its own before (`amend.rs`) has had its money back.
            let refunded = records::refunded_lines(&self.store, sub.id)?;
            let settled = |l: &QuoteLine| refunded.contains(&line_key(l.kind, &l.product_id));
            let due: i64 = lines
                .iter()
                .zip(&used)
                .filter(|(l, used)| !**used && !settled(l))
                .map(|(l, _)| match basis {
                    Basis::Rules => {
                        let starts = line_start(&catalog, date, l, slot_start);
                        refund_due(catalog.refund_rule(l.kind), l.pay, starts, asked_local).0
                    }
                    Basis::InFull(_) => l.pay.0,
                })
                .sum();
            let due = Fen(due.min(sub.amount - sub.refunded).max(0));
            if let Some(hold) = sub.hold_id
                && let Err(e) = self.provider(sub.module).cancel(hold)
            {
                tracing::warn!(
                    order = order_id,
                    "the {:?} module did not take the cancellation back: {e}",
                    sub.module
                );
            }
            let back = self.payments.refund(&row.payment_id, due, &self.now_s())?;
            refunded_total = Fen(refunded_total.0 + back.0);
            updates.push(SubUpdate {
                refunded: sub.refunded + back.0,
                ..SubUpdate::new(sub.id, "cancelled", sub.hold_id)
            });
            self.crash_point("cancel:refunded");
        }
        records::revoke_passes(&self.store, order_id, &self.now_s())?;
        self.crash_point("cancel:revoked");
        let problem = match basis {
            Basis::Rules => Text::new(
                format!(
                    "订单已取消，按退改规则退款{}。",
                    refunded_total.display_yuan()
                ),
                format!(
                    "The order was cancelled; {} was refunded under the refund rules.",
                    refunded_total.display_yuan()
                ),
            ),
            Basis::InFull(why) => Text::new(
                format!(
                    "{}订单已取消，全额退款{}。",
                    why.zh,
                    refunded_total.display_yuan()
                ),
                format!(
                    "{} The order was cancelled and {} refunded in full.",
                    why.en,
                    refunded_total.display_yuan()
                ),
            ),
        };
        records::apply(
            &self.store,
            order_id,
            &updates,
            &[],
            Some((&["cancelling"], "cancelled", Some(&problem))),
            &self.now_s(),
        )?;
        self.crash_point("cancel:cancelled");
        Ok(())
    }
}
