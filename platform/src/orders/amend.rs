//! Amending a paid order one line or one pass at a time: what each line would get back
//! under its refund rule now, refunding lines (under their rule, when an agent acts for
//! the tourist; in full, for a disruption that hits some lines only), and issuing a pass
//! again. Each change runs inside the caller's unit and writes its events with it
//! (`records::apply` for the sub-order, triggers for the passes); the money moves after
//! the unit is kept ([`Booking::send_owed_refunds`]). A line refunded alone is recorded
//! (`line_refund`), so it goes back once however often it is asked, and a later
//! cancellation of the order leaves it out.
//!
//! Who may ask is decided by the callers (`crate::support` checks the agent, the case and
//! its share), not here.

use tongyou_core::api::RefundOption;
use tongyou_core::disruption::line_key;

use super::cancel::{entry_slot_start, line_start, used_lines};
use super::*;

/// What an order's lines get back under their refund rules at one moment.
struct RuleClock {
    catalog: Arc<Catalog>,
    /// The visit day.
    date: NaiveDate,
    slot_start: Option<ClockTime>,
    /// Region-local.
    now: NaiveDateTime,
}

impl RuleClock {
    fn due(&self, line: &QuoteLine) -> Fen {
        let starts = line_start(&self.catalog, self.date, line, self.slot_start);
        refund_due(
            self.catalog.refund_rule(line.kind),
            line.pay,
            starts,
            self.now,
        )
    }

    fn rule(&self, line: &QuoteLine) -> Text {
        self.catalog.refund_rule(line.kind).map_or_else(
            || Text::new("不可退款", "Not refundable"),
            |r| r.name.clone(),
        )
    }
}

/// A sub-order that still has something to refund.
fn live(sub: &SubRow) -> bool {
    sub.state == "confirmed" || sub.state == "adjusted"
}

impl Booking {
    fn rule_clock(&self, row: &OrderRow, subs: &[SubRow]) -> Result<RuleClock, BookingError> {
        let catalog = self.catalog(&row.region_id).ok_or(BookingError::NotFound)?;
        let date: NaiveDate = row.date.parse().map_err(|_| BookingError::NotFound)?;
        let slot_start = entry_slot_start(&catalog, subs)?;
        let now = local(&catalog, (self.clock)());
        Ok(RuleClock {
            catalog,
            date,
            slot_start,
            now,
        })
    }

    /// Every line of the order's confirmed (or adjusted) sub-orders, one per
    /// `kind:product_id` in each, with its refund rule and what it would get back under
    /// it now; `blocked` says why one cannot be refunded. Nothing for an order that is not
    /// confirmed. Runs on whatever connection the caller is in.
    pub fn refund_options(&self, order_id: i64) -> Result<Vec<RefundOption>, BookingError> {
        let row = records::order_row(&self.store, order_id)?.ok_or(BookingError::NotFound)?;
        if row.state != "confirmed" && row.state != "partly_confirmed" {
            return Ok(Vec::new());
        }
        let subs = records::sub_orders(&self.store, order_id)?;
        let rules = self.rule_clock(&row, &subs)?;
        let mut options = Vec::new();
        for sub in subs.iter().filter(|s| live(s)) {
            let lines: Vec<QuoteLine> = serde_json::from_str(&sub.lines_json)?;
            let used = used_lines(&lines, &records::pass_states(&self.store, sub.id)?);
            let refunded = records::refunded_lines(&self.store, sub.id)?;
            let left = Fen((sub.amount - sub.refunded).max(0));
            for (key, of_key) in by_key(&lines, &used) {
                let Some((first, _)) = of_key.first() else {
                    continue;
                };
                let blocked = if refunded.contains(&key) {
                    Some(Text::new("这一项已退款", "This line was refunded already"))
                } else if of_key.iter().all(|(_, used)| *used) {
                    Some(Text::new(
                        "票已使用，不能退款",
                        "Its pass was used: it cannot be refunded",
                    ))
                } else {
                    None
                };
                let due: i64 = of_key
                    .iter()
                    .filter(|(_, used)| !used)
                    .map(|(line, _)| rules.due(line).0)
                    .sum();
                options.push(RefundOption {
                    order_id,
                    sub_order_id: sub.id,
                    name: first.name.clone(),
                    paid_fen: of_key.iter().map(|(line, _)| line.pay.0).sum(),
                    refund_fen: if blocked.is_some() {
                        0
                    } else {
                        due.min(left.0)
                    },
                    rule: rules.rule(first),
                    blocked,
                    line: key,
                });
            }
        }
        Ok(options)
    }

    /// Refunds one line (`kind:product_id`) of the order under its refund rule as of now,
    /// revokes its passes and notes its sub-order with `said(what went back)`: what an
    /// agent does for the tourist. Inside the caller's unit. A line refunded already, or
    /// whose passes were all used, is refused (409). Returns the line as it was offered,
    /// and what went back.
    pub fn refund_line_in_unit(
        &self,
        order_id: i64,
        line: &str,
        said: &dyn Fn(Fen) -> Text,
    ) -> Result<(RefundOption, Fen), BookingError> {
        let option = self
            .refund_options(order_id)?
            .into_iter()
            .find(|o| o.line == line)
            .ok_or_else(|| {
                invalid(
                    "line",
                    "订单中没有可退的这一项",
                    "The order has no such line to refund",
                )
            })?;
        if let Some(why) = &option.blocked {
            return Err(BookingError::Conflict(why.en.clone()));
        }
        let row = records::order_row(&self.store, order_id)?.ok_or(BookingError::NotFound)?;
        let subs = records::sub_orders(&self.store, order_id)?;
        let rules = self.rule_clock(&row, &subs)?;
        let back = self.refund_lines(&row, &[line.to_owned()], &|l| rules.due(l), said)?;
        Ok((option, back))
    }

    /// Refunds the lines `replaces` names (`kind:product_id`) of the order's confirmed (or
    /// adjusted) sub-orders, each by `due` (nothing for a line whose pass was used; a line
    /// refunded before is left out), revokes their passes, cancels a sub-order left with
    /// no line, notes each sub-order touched with `said(what went back)` and records the
    /// lines refunded. Inside the caller's unit. Returns what went back.
    pub(super) fn refund_lines(
        &self,
        row: &OrderRow,
        replaces: &[String],
        due: &dyn Fn(&QuoteLine) -> Fen,
        said: &dyn Fn(Fen) -> Text,
    ) -> Result<Fen, BookingError> {
        let now_s = self.now_s();
        let mut updates = Vec::new();
        let mut total = Fen(0);
        for sub in records::sub_orders(&self.store, row.id)?
            .iter()
            .filter(|s| live(s))
        {
            let lines: Vec<QuoteLine> = serde_json::from_str(&sub.lines_json)?;
            let before = records::refunded_lines(&self.store, sub.id)?;
            let keys: Vec<String> = lines
                .iter()
                .map(|l| line_key(l.kind, &l.product_id))
                .collect();
            let hit: Vec<bool> = keys
                .iter()
                .map(|k| replaces.contains(k) && !before.contains(k))
                .collect();
            if !hit.contains(&true) {
                continue;
            }
            let used = used_lines(&lines, &records::pass_states(&self.store, sub.id)?);
            let owed: i64 = lines
                .iter()
                .zip(hit.iter().zip(&used))
                .filter(|(_, (hit, used))| **hit && !**used)
                .map(|(l, _)| due(l).0)
                .sum();
            let owed = Fen(owed.min(sub.amount - sub.refunded).max(0));
            let back = self.payments.refund(&row.payment_id, owed, &now_s)?;
            total = Fen(total.0 + back.0);
            for (key, _) in keys.iter().zip(&hit).filter(|(_, hit)| **hit) {
                records::line_refunded(&self.store, sub.id, key, &now_s)?;
            }
            let all = keys
                .iter()
                .zip(&hit)
                .all(|(key, hit)| *hit || before.contains(key));
            if all {
                if let Some(hold) = sub.hold_id {
                    self.provider(sub.module)
                        .cancel(hold)
                        .map_err(|e| BookingError::Conflict(e.to_string()))?;
                }
                records::revoke_sub_passes(&self.store, sub.id, None, &now_s)?;
            } else {
                let products: Vec<String> = lines
                    .iter()
                    .zip(&hit)
                    .filter(|(_, hit)| **hit)
                    .map(|(l, _)| l.product_id.clone())
                    .collect();
                records::revoke_sub_passes(&self.store, sub.id, Some(&products), &now_s)?;
            }
            let state = if all {
                "cancelled"
            } else if sub.state == "adjusted" {
                "adjusted"
            } else {
                "confirmed"
            };
            updates.push(SubUpdate {
                note: Some(said(back)),
                refunded: sub.refunded + back.0,
                ..SubUpdate::new(sub.id, state, sub.hold_id)
            });
        }
        records::apply(&self.store, row.id, &updates, &[], None, &now_s)?;
        Ok(total)
    }

    /// Issues a valid pass of the order again: the old one revoked (gates learn it from
    /// the revocation list) and a new one, for the same product, holder, day, slot and
    /// party under a new id and the current signing key, stored in its place. Inside the
    /// caller's unit. A pass used, revoked or of a sub-order no longer confirmed is
    /// refused (409). Returns the new pass's id and the product's name.
    pub fn reissue_in_unit(
        &self,
        order_id: i64,
        pass_id: &str,
    ) -> Result<(String, Text), BookingError> {
        let (_, old, state) = records::pass(&self.store, pass_id)?
            .filter(|(order, _, _)| *order == order_id)
            .ok_or(BookingError::NotFound)?;
        if state != "valid" {
            return Err(BookingError::Conflict(format!(
                "this pass is {state}: only a valid pass is issued again"
            )));
        }
        let sub_live = records::sub_orders(&self.store, order_id)?
            .iter()
            .any(|s| s.id == old.sub_order_id && live(s));
        if !sub_live {
            return Err(BookingError::Conflict(
                "this pass's booking is no longer confirmed".into(),
            ));
        }
        let mut pass = tongyou_core::pass::read_unverified(&old.code).map_err(SignerError::from)?;
        // Time-ordered, as every pass id (see `passes_for`); nothing personal in it.
        pass.pass_id = *uuid::Uuid::now_v7().as_bytes();
        pass.holder_hash = [0; 16];
        let fresh = PassRow {
            pass_id: hex::encode(pass.pass_id),
            code: self.signer.sign(pass)?,
            ..old
        };
        if !records::reissue_pass(&self.store, order_id, pass_id, &fresh, &self.now_s())? {
            return Err(BookingError::Conflict(
                "the pass changed meanwhile; look at it again".into(),
            ));
        }
        let name: Text = serde_json::from_str(&fresh.name_json)?;
        Ok((fresh.pass_id, name))
    }
}

/// A sub-order's lines by `kind:product_id`, in their order, each with whether its pass
/// was used.
fn by_key<'l>(lines: &'l [QuoteLine], used: &[bool]) -> Vec<(String, Vec<(&'l QuoteLine, bool)>)> {
    let mut keyed: Vec<(String, Vec<(&QuoteLine, bool)>)> = Vec::new();
    for (line, used) in lines.iter().zip(used) {
        let key = line_key(line.kind, &line.product_id);
        match keyed.iter_mut().find(|(k, _)| *k == key) {
            Some((_, of_key)) => of_key.push((line, *used)),
            None => keyed.push((key, vec![(line, *used)])),
        }
    }
    keyed
}
