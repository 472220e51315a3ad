//! After the pivot: the payment provider's callback, confirming every sub-order (a hotel
//! that fails replaced by the nearest same-grade one, anything else refunded), and giving
//! an order up before it was paid.

use super::*;

impl Booking {
    /// The payment provider's callback: the pivot for redirect methods. One unit: the
    /// payment's result, the confirmations, refunds and passes are kept together or not at
    /// all, and the provider's retry of an unanswered callback finds it untouched.
    pub fn on_payment(&self, callback: &PaymentCallback) -> Result<(), BookingError> {
        self.store.atomically(|| self.on_payment_now(callback))?;
        self.send_refunds(false);
        Ok(())
    }

    pub(super) fn on_payment_now(&self, callback: &PaymentCallback) -> Result<(), BookingError> {
        let Some(paid) = self.payments.callback(callback)? else {
            return Ok(()); // A replayed notification: already handled.
        };
        let order_id = records::order_of_payment(&self.store, &callback.payment_id)?
            .ok_or(BookingError::NotFound)?;
        self.crash_point("payment:recorded");
        if paid {
            self.after_payment(order_id)
        } else {
            let problem = Text::new(
                "付款未完成，订单未成立，所有预留已释放，没有扣款。请重新下单或换一种支付方式。",
                "The payment was not completed. Nothing was booked or charged and every hold was released. Order again or use another payment method.",
            );
            self.abort(order_id, "failed", &problem)
        }
    }

    /// The simulated cashier's buttons: the provider reports back by a signed callback.
    pub fn cashier(&self, payment_id: &str, approve: bool) -> Result<(), BookingError> {
        let simulated = self.payments.simulated().ok_or(BookingError::NotFound)?;
        let payment = self.payments.payment(payment_id)?;
        if payment.state != PaymentState::Pending {
            return Err(BookingError::Conflict(
                "this payment is no longer waiting to be paid".into(),
            ));
        }
        let approve = approve
            && !self.faults.take(
                tongyou_core::api::FaultTarget::Payment,
                tongyou_core::api::FaultStep::Charge,
            );
        let callback = PaymentCallback {
            payment_id: payment_id.to_owned(),
            paid: approve,
            signature: simulated.sign(payment_id, approve),
        };
        self.on_payment(&callback)
    }

    /// Confirms an order paid at the cashier, or found paid at start.
    pub(super) fn after_payment(&self, order_id: i64) -> Result<(), BookingError> {
        let row = records::order_row(&self.store, order_id)?.ok_or(BookingError::NotFound)?;
        if !records::transition(
            &self.store,
            order_id,
            &["holding", "awaiting_payment"],
            "confirming",
            None,
        )? {
            // The order gave up (expired, cancelled) before the money came: all of it goes back.
            let payment = self.payments.payment(&row.payment_id)?;
            self.payments
                .refund(&row.payment_id, payment.amount, &self.now_s())?;
            return Ok(());
        }
        self.confirm_stored(&row)
    }

    /// Confirms a paid order as stored, in state `confirming`, signing its passes now.
    pub(super) fn confirm_stored(&self, row: &OrderRow) -> Result<(), BookingError> {
        self.crash_point("payment:confirming");
        let subs = records::sub_orders(&self.store, row.id)?;
        self.confirm_all(row, &subs, "confirming", None)?;
        self.crash_point("payment:confirmed");
        Ok(())
    }

    /// Confirms every held sub-order of a paid order (in state `from`), running the
    /// fallbacks, then issues passes: those in `signed` (by sub-order) when the caller
    /// signed them ahead, else signed here. Safe to run again on the same order (after a
    /// crash). Returns the passes issued when every sub-order confirmed as booked.
    pub(super) fn confirm_all(
        &self,
        row: &OrderRow,
        subs: &[SubRow],
        from: &str,
        mut signed: Option<Vec<Vec<PassRow>>>,
    ) -> Result<Option<Vec<PassRow>>, BookingError> {
        let catalog = self.catalog(&row.region_id).ok_or(BookingError::NotFound)?;
        let date: NaiveDate = row.date.parse().map_err(|_| BookingError::NotFound)?;
        let now = (self.clock)();
        let now_s = fmt(now);
        let mut problems = Vec::new();
        let mut updates = Vec::new();
        let mut passes = Vec::new();
        // Passes not signed ahead are signed here, for the party as the order keeps it.
        let members: Vec<Member> = match signed {
            Some(_) => Vec::new(),
            None => serde_json::from_str(&row.travellers_json)?,
        };
        for (index, sub) in subs.iter().enumerate() {
            if sub.state != "held" {
                continue;
            }
            let provider = self.provider(sub.module);
            let Some(hold) = sub.hold_id else { continue };
            // Ready before the confirmation, so that nothing can fail between the two.
            let issued = match signed.as_mut().and_then(|s| s.get_mut(index)) {
                Some(ahead) => std::mem::take(ahead),
                None => {
                    let items: Vec<Item> = serde_json::from_str(&sub.items_json)?;
                    let scope = PassScope {
                        order_id: row.id,
                        day: &row.date,
                        date,
                        catalog: &catalog,
                        members: &members,
                    };
                    self.passes_for(&scope, &items, index)?
                }
            };
            match provider.confirm(hold, &now_s) {
                Ok(()) => {
                    updates.push(SubUpdate::new(sub.id, "confirmed", Some(hold)));
                    passes.extend(issued.into_iter().map(|p| PassRow {
                        sub_order_id: sub.id,
                        ..p
                    }));
                }
                Err(e) => {
                    tracing::warn!(order = row.id, module = ?sub.module, "confirm failed after payment: {e}");
                    self.release_quietly(row.id, sub.module, Some(hold));
                    if sub.module == Module::Hotel
                        && let Some((note, update)) =
                            self.replace_hotel(row, &catalog, date, sub, &now)?
                    {
                        problems.push(note);
                        updates.push(update);
                        continue;
                    }
                    let back =
                        self.payments
                            .refund(&row.payment_id, Fen(sub.amount), &self.now_s())?;
                    let note = Text::new(
                        format!(
                            "{}未能确认，已退款{}。",
                            module_name(sub.module).zh,
                            back.display_yuan()
                        ),
                        format!(
                            "The {} could not confirm; {} was refunded.",
                            module_name(sub.module).en,
                            back.display_yuan()
                        ),
                    );
                    updates.push(SubUpdate {
                        note: Some(note.clone()),
                        refunded: back.0,
                        ..SubUpdate::new(sub.id, "failed", None)
                    });
                    problems.push(note);
                }
            }
        }
        let state_of = |s: &SubRow| -> String {
            updates
                .iter()
                .find(|u| u.sub_id == s.id)
                .map_or(s.state.clone(), |u| u.state.to_owned())
        };
        let ok = subs
            .iter()
            .filter(|s| matches!(state_of(s).as_str(), "confirmed" | "adjusted"))
            .count();
        let failed = subs.iter().any(|s| state_of(s) == "failed");
        let state = match (ok, failed) {
            (0, _) => "failed",
            (_, true) => "partly_confirmed",
            _ => "confirmed",
        };
        let problem = (!problems.is_empty()).then(|| {
            Text::new(
                problems
                    .iter()
                    .map(|p| p.zh.as_str())
                    .collect::<Vec<_>>()
                    .join(""),
                problems
                    .iter()
                    .map(|p| p.en.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        });
        // Sub-order states, passes and the order's state land in one transaction.
        let moved = records::apply(
            &self.store,
            row.id,
            &updates,
            &passes,
            Some((&[from], state, problem.as_ref())),
            &now_s,
        )?;
        let whole = moved
            && problem.is_none()
            && subs
                .iter()
                .all(|s| s.state == "held" && state_of(s) == "confirmed");
        Ok(whole.then_some(passes))
    }

    /// Gives a hold back, leaving it to expire when the module does not answer.
    pub(super) fn release_quietly(&self, order_id: i64, module: Module, hold: Option<i64>) {
        if let Some(hold) = hold
            && let Err(e) = self.provider(module).release(hold)
        {
            tracing::warn!(
                order = order_id,
                "release failed; the sweeper will free it: {e}"
            );
        }
    }

    /// The hotel could not honour a paid stay: book the nearest same-grade hotel with a
    /// room that sleeps as many, at the platform's cost, and compensate.
    pub(super) fn replace_hotel(
        &self,
        row: &OrderRow,
        catalog: &Catalog,
        date: NaiveDate,
        sub: &SubRow,
        now: &DateTime<Utc>,
    ) -> Result<Option<(Text, SubUpdate)>, BookingError> {
        let items: Vec<Item> = serde_json::from_str(&sub.items_json)?;
        let Some(Item::Room {
            hotel_id,
            room_type_id,
            rooms,
            nights,
        }) = items.first().cloned()
        else {
            return Ok(None);
        };
        let Some(original) = catalog.hotels.iter().find(|h| h.id == hotel_id) else {
            return Ok(None);
        };
        let sleeps = original
            .room_types
            .iter()
            .find(|r| r.id == room_type_id)
            .map_or(1, |r| r.sleeps);
        let provider = self.provider(Module::Hotel);
        let now_s = fmt(*now);
        let expires = fmt(*now + HOLD_FOR);
        for alt in same_grade_alternatives(catalog, &hotel_id) {
            let season = catalog
                .season_on(date)
                .map(|s| s.id.clone())
                .unwrap_or_default();
            let mut fitting: Vec<_> = alt
                .room_types
                .iter()
                .filter(|r| r.sleeps >= sleeps)
                .collect();
            fitting.sort_by_key(|r| r.price.get(&season).copied().unwrap_or(u32::MAX));
            for room in fitting {
                let item = Item::Room {
                    hotel_id: alt.id.clone(),
                    room_type_id: room.id.clone(),
                    rooms,
                    nights,
                };
                let Ok(hold) = provider.hold(catalog, date, std::slice::from_ref(&item), &expires)
                else {
                    continue;
                };
                if provider.confirm(hold, &now_s).is_err() {
                    let _ = provider.release(hold);
                    continue;
                }
                let compensation = Fen(sub.amount * HOTEL_COMPENSATION_PERCENT / 100);
                let back = self
                    .payments
                    .refund(&row.payment_id, compensation, &now_s)?;
                let metres =
                    tongyou_core::booking::distance_m(original.location, alt.location).round();
                let note = Text::new(
                    format!(
                        "{}无法确认入住，已为您改订同级的{}{}（相距约{metres}米），差价由通游承担，并补偿{}。",
                        original.name.zh,
                        alt.name.zh,
                        room.name.zh,
                        back.display_yuan()
                    ),
                    format!(
                        "{} could not confirm the stay, so you are booked into {} ({}), the same grade about {metres} m away, at no extra cost, with {} compensation.",
                        original.name.en,
                        alt.name.en,
                        room.name.en,
                        back.display_yuan()
                    ),
                );
                let update = SubUpdate {
                    note: Some(note.clone()),
                    refunded: back.0,
                    items_json: Some(serde_json::to_string(&[item])?),
                    ..SubUpdate::new(sub.id, "adjusted", Some(hold))
                };
                return Ok(Some((note, update)));
            }
        }
        Ok(None)
    }

    /// Ends an order before the pivot: every hold released, the payment never taken.
    pub(super) fn abort(
        &self,
        order_id: i64,
        state: &str,
        problem: &Text,
    ) -> Result<(), BookingError> {
        let row = records::order_row(&self.store, order_id)?.ok_or(BookingError::NotFound)?;
        if !matches!(row.state.as_str(), "holding" | "awaiting_payment") {
            return Ok(());
        }
        let subs = records::sub_orders(&self.store, order_id)?;
        let open: Vec<&SubRow> = subs
            .iter()
            .filter(|s| s.state == "held" || s.state == "pending")
            .collect();
        let updates: Vec<SubUpdate> = open
            .iter()
            .map(|s| SubUpdate::new(s.id, "released", s.hold_id))
            .collect();
        let from: &[&str] = &["holding", "awaiting_payment"];
        let moved = records::apply(
            &self.store,
            order_id,
            &updates,
            &[],
            Some((from, state, Some(problem))),
            &self.now_s(),
        )?;
        if !moved {
            return Ok(()); // Settled meanwhile by someone else (a callback, the sweeper).
        }
        for sub in open {
            self.release_quietly(order_id, sub.module, sub.hold_id);
        }
        self.payments.abandon(&row.payment_id)?;
        Ok(())
    }
}
