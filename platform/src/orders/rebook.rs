//! Changing a paid order because of a disruption, for `crate::disruptions`: what the rules
//! need to know of an order, whether the live inventory can take a new combo, and the
//! two ways to apply a way out, each run inside the caller's unit so a failure at any
//! step leaves the order exactly as it was:
//!
//! - [`Booking::rebook_in_unit`]: hold the new items → give the old ones back → confirm
//!   the new ones → revoke the old passes and issue new ones → refund what is owed. Only
//!   the modules whose items change are touched; the order keeps its id and payment.
//! - [`Booking::refund_in_unit`]: the hit lines (or the whole order) refunded in full;
//!   the lines alone through `amend.rs`, as an agent's refund under the rules is.

use tongyou_core::api::Combo;

use super::cancel::Basis;
use super::place::{hold_problem, modules_of};
use super::*;

/// An order as the disruption rules read it: its owner, the order, and its party.
pub struct OrderForRules {
    pub account_id: i64,
    pub order: Order,
    pub party: Vec<pricing::Traveller>,
}

impl Booking {
    /// The region's catalog as the platform loaded it.
    pub fn region(&self, region_id: &str) -> Option<Arc<Catalog>> {
        self.catalog(region_id)
    }

    /// The platform's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// An order with its owner and party, whoever owns it; `None` for no such order.
    /// Runs on whatever connection the caller is in (a read, or a unit).
    pub fn for_rules(&self, order_id: i64) -> Result<Option<OrderForRules>, BookingError> {
        let Some(row) = records::order_row(&self.store, order_id)? else {
            return Ok(None);
        };
        let members: Vec<Member> = serde_json::from_str(&row.travellers_json)?;
        let account_id = row.account_id;
        let payment = self.payments.payment(&row.payment_id)?;
        let order = records::stored(&self.store, row, payment)?.into_order()?;
        Ok(Some(OrderForRules {
            account_id,
            order,
            party: members.iter().map(party_member).collect(),
        }))
    }

    /// Holds, until `expires_at`, what `new` books that `old` does not hold already (the
    /// modules whose items or day change): all of it or none. For a way out a tourist is
    /// looking at, so it is still there when they take it.
    pub fn hold_changes(
        &self,
        old: &Order,
        new: &Combo,
        people: u32,
        expires_at: &str,
    ) -> Result<Vec<(Module, i64)>, BookingError> {
        let (catalog, old_combo) = match (self.catalog(&new.region_id), &old.combo) {
            (Some(c), Some(o)) => (c, o),
            _ => return Err(BookingError::NotFound),
        };
        let date: NaiveDate = new
            .date
            .parse()
            .map_err(|_| invalid("date", "日期无效", "Invalid date"))?;
        let before = modules_of(old_combo, people, &old.quote);
        let mut taken = Vec::new();
        for (module, items, _) in modules_of(new, people, &old.quote) {
            if old_combo.date == new.date
                && before.iter().any(|(m, i, _)| *m == module && *i == items)
            {
                continue;
            }
            match self
                .provider(module)
                .hold(&catalog, date, &items, expires_at)
            {
                Ok(hold) => taken.push((module, hold)),
                Err(e) => {
                    self.release_holds(&taken);
                    return Err(BookingError::Conflict(hold_problem(module, &e).en));
                }
            }
        }
        Ok(taken)
    }

    /// Gives holds back, leaving any the module does not take back to lapse.
    pub fn release_holds(&self, holds: &[(Module, i64)]) {
        for (module, hold) in holds {
            if let Err(e) = self.provider(*module).release(*hold) {
                tracing::warn!(
                    hold,
                    "a way out's hold was not given back, it will lapse: {e}"
                );
            }
        }
    }

    /// Moves a confirmed order onto `new` (another day, lift, departure, slot or hotel),
    /// refunding `back`, and says `why` on the order, using the holds in `held` (taken
    /// when the way out was offered) and holding what they do not cover. Inside the
    /// caller's unit: any provider refusing a step fails the whole change.
    pub fn rebook_in_unit(
        &self,
        order_id: i64,
        new: &Combo,
        held: &[(Module, i64)],
        back: Fen,
        why: &Text,
    ) -> Result<(), BookingError> {
        let row = records::order_row(&self.store, order_id)?.ok_or(BookingError::NotFound)?;
        if row.state != "confirmed" {
            return Err(BookingError::Conflict(format!(
                "an order that is {} cannot be moved",
                row.state
            )));
        }
        let catalog = self.catalog(&row.region_id).ok_or(BookingError::NotFound)?;
        let members: Vec<Member> = serde_json::from_str(&row.travellers_json)?;
        let party: Vec<pricing::Traveller> = members.iter().map(party_member).collect();
        let now = (self.clock)();
        let now_s = fmt(now);
        let quote =
            quote(&catalog, new, &party, local(&catalog, now)).map_err(BookingError::Invalid)?;
        let date: NaiveDate = new
            .date
            .parse()
            .map_err(|_| invalid("date", "日期无效", "Invalid date"))?;
        let people = u32::try_from(members.len()).unwrap_or(u32::MAX);
        let old_subs = records::sub_orders(&self.store, order_id)?;
        let same_day = row.date == new.date;

        // Which modules change: those whose items or day differ.
        let mut changing = Vec::new();
        for (module, items, lines) in modules_of(new, people, &quote) {
            let old = old_subs
                .iter()
                .find(|s| s.module == module && s.state == "confirmed");
            let items_json = serde_json::to_string(&items)?;
            if same_day && old.is_some_and(|o| o.items_json == items_json) {
                continue;
            }
            changing.push((module, items, items_json, lines, old));
        }

        // 1. Hold every new item (or take the holds made when it was offered); the first
        //    refusal fails the change.
        let expires = fmt(now + HOLD_FOR);
        let mut fresh = Vec::new();
        for (module, items, items_json, lines, _) in &changing {
            let hold = match held.iter().find(|(m, _)| m == module) {
                Some((_, hold)) => *hold,
                None => self
                    .provider(*module)
                    .hold(&catalog, date, items, &expires)
                    .map_err(|e| BookingError::Conflict(hold_problem(*module, &e).en))?,
            };
            fresh.push(NewSub {
                module: *module,
                items_json: items_json.clone(),
                lines_json: serde_json::to_string(lines)?,
                amount: lines.iter().map(|l| l.pay.0).sum(),
                state: "held",
                hold: Some(hold),
            });
        }
        // 2. Give the old ones back.
        let mut updates = Vec::new();
        for (module, _, _, _, old) in &changing {
            let Some(old) = old else { continue };
            if let Some(hold) = old.hold_id {
                self.provider(*module)
                    .cancel(hold)
                    .map_err(|e| BookingError::Conflict(e.to_string()))?;
            }
            records::revoke_sub_passes(&self.store, old.id, None, &now_s)?;
            updates.push(SubUpdate {
                note: Some(Text::new("已改订。", "Re-booked.")),
                ..SubUpdate::new(old.id, "cancelled", old.hold_id)
            });
        }
        // 3. Confirm the new ones, 4. with their passes.
        let added = records::add_subs(&self.store, order_id, fresh)?;
        let scope = PassScope {
            order_id,
            day: &new.date,
            date,
            catalog: &catalog,
            members: &members,
        };
        let mut passes = Vec::new();
        for (index, sub) in added.iter().enumerate() {
            let Some(hold) = sub.hold_id else { continue };
            let items: Vec<Item> = serde_json::from_str(&sub.items_json)?;
            let issued = self.passes_for(&scope, &items, index + old_subs.len())?;
            self.provider(sub.module)
                .confirm(hold, &now_s)
                .map_err(|e| BookingError::Conflict(e.to_string()))?;
            updates.push(SubUpdate::new(sub.id, "confirmed", Some(hold)));
            passes.extend(issued.into_iter().map(|p| PassRow {
                sub_order_id: sub.id,
                ..p
            }));
        }
        records::apply(&self.store, order_id, &updates, &passes, None, &now_s)?;
        // 5. The money: what the new booking costs less is refunded, with any compensation.
        let refunded = self.payments.refund(&row.payment_id, back, &now_s)?;
        let note = Text::new(
            format!("{}已退款{}。", why.zh, refunded.display_yuan()),
            format!("{} {} refunded.", why.en, refunded.display_yuan()),
        );
        records::rebooked(
            &self.store,
            order_id,
            &new.date,
            &serde_json::to_string(new)?,
            &serde_json::to_string(&quote)?,
            if refunded.0 > 0 { &note } else { why },
        )?;
        Ok(())
    }

    /// Refunds in full the lines `replaces` names (`kind:product_id`), or with `whole`
    /// the whole order (cancelled), saying `why`. Inside the caller's unit. A line whose
    /// pass was used is not refunded, nor one refunded before (`amend.rs`). Returns what
    /// went back.
    pub fn refund_in_unit(
        &self,
        order_id: i64,
        replaces: &[String],
        whole: bool,
        why: &Text,
    ) -> Result<Fen, BookingError> {
        let row = records::order_row(&self.store, order_id)?.ok_or(BookingError::NotFound)?;
        let before = self.payments.payment(&row.payment_id)?.refunded;
        if whole {
            if !records::start_cancelling(&self.store, order_id, &self.now_s())? {
                return Err(BookingError::Conflict(
                    "the order changed meanwhile; look at it again".into(),
                ));
            }
            self.finish_cancel(&row, Basis::InFull(why))?;
            let after = self.payments.payment(&row.payment_id)?.refunded;
            return Ok(Fen(after.0 - before.0));
        }
        let total = self.refund_lines(&row, replaces, &|l| l.pay, &|back| {
            Text::new(
                format!("{}退款{}。", why.zh, back.display_yuan()),
                format!("{} {} refunded.", why.en, back.display_yuan()),
            )
        })?;
        records::note_order(
            &self.store,
            order_id,
            &Text::new(
                format!("{}已全额退款{}。", why.zh, total.display_yuan()),
                format!("{} {} refunded in full.", why.en, total.display_yuan()),
            ),
        )?;
        Ok(total)
    }

    /// Runs `work` as one unit bound to the tourist's Idempotency-Key (`key`, namespaced
    /// by the caller, and `hash`, the request's): the same key and body again do nothing
    /// more, another body with it is refused. Refunds the unit recorded are sent after.
    pub fn once<E: From<BookingError> + From<StoreError> + Send>(
        &self,
        account: i64,
        key: &str,
        hash: &str,
        order_id: i64,
        work: impl FnOnce() -> Result<(), E> + Send,
    ) -> Result<(), E> {
        self.store.atomically(|| -> Result<(), E> {
            match records::lookup(&self.store, account, key, hash)? {
                Begin::Replay(_) => return Ok(()),
                Begin::Mismatch => return Err(BookingError::KeyReused.into()),
                Begin::InProgress | Begin::Fresh => {}
            }
            work()?;
            records::settle_key(&self.store, account, key, hash, order_id, &self.now_s())?;
            Ok(())
        })?;
        self.send_refunds(false);
        Ok(())
    }

    /// Sends the refunds the kept units recorded (after a unit that applied a way out).
    pub fn send_owed_refunds(&self) {
        self.send_refunds(false);
    }
}

pub(super) fn party_member(m: &Member) -> pricing::Traveller {
    pricing::Traveller {
        birth_date: m.birth_date,
        statuses: if m.student {
            vec!["student".into()]
        } else {
            vec![]
        },
    }
}
