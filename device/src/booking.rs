//! Booking commands: the catalog the Book screen builds a combo from, the live quote
//! (priced on the device by `core::booking::quote`, so it works offline), places left,
//! placing an order, the simulated cashier, orders with the device's copy of each, and
//! cancelling one (through the outbox, so it works offline too).

use chrono::NaiveDate;
use tongyou_core::api::{
    Availability, CatalogSnapshot, FieldError, Guest, Order, OrderRequest, Quote, QuoteRequest,
};
use tongyou_core::catalog::Catalog;
use tongyou_core::pricing;
use tongyou_core::text::Text;
use tongyou_offline_store::outbox::OutboxWrite;

use crate::Device;
use crate::catalog::stored_catalog;
use crate::error::CommandError;
use crate::outbox::{self, Drain};

impl Device {
    /// The region's catalog as stored on the device (default: the first region).
    pub fn booking_catalog(
        &self,
        region: Option<String>,
    ) -> Result<Option<CatalogSnapshot>, CommandError> {
        Ok(
            stored_catalog(self, region.as_deref())?.map(|stored| CatalogSnapshot {
                version: stored.version,
                catalog: stored.catalog,
            }),
        )
    }

    /// Prices a combo on the device, at the region's local time now.
    pub fn quote(&self, request: QuoteRequest) -> Result<Quote, CommandError> {
        let stored = self
            .store
            .catalog(&request.combo.region_id)?
            .ok_or_else(|| CommandError::NotFound(request.combo.region_id.clone()))?;
        let now = tongyou_core::discover::local_now(&stored.catalog, chrono::Utc::now());
        price(&stored.catalog, &request, now)
    }

    pub async fn availability(
        &self,
        region: String,
        date: String,
    ) -> Result<Availability, CommandError> {
        Ok(self.client.availability(&region, &date).await?)
    }

    /// Places the order. `idempotency_key` is made once per submission by the UI, so a retry
    /// after a lost answer replays the first outcome instead of booking twice. Online only;
    /// the outbox is sent first, so a traveller added offline is saved and can be booked for.
    pub async fn place_order(
        &self,
        mut request: OrderRequest,
        idempotency_key: String,
    ) -> Result<Order, CommandError> {
        let session = self.signed_in()?;
        if let Drain::Offline(why) = outbox::drain(self).await? {
            return Err(CommandError::Offline(why));
        }
        let mut waiting = Vec::new();
        for (i, member) in request.travellers.iter_mut().enumerate() {
            let Some(adding) = outbox::adding(self, session.account_id, member.traveller_id)?
            else {
                continue;
            };
            match adding.result_id {
                Some(saved) => member.traveller_id = saved,
                None => waiting.push(FieldError {
                    field: format!("travellers[{i}]"),
                    message: Text::new(
                        "这位旅客尚未保存到平台，联网同步后再试",
                        "This traveller is not saved on the platform yet; try again once synced",
                    ),
                }),
            }
        }
        if !waiting.is_empty() {
            return Err(CommandError::Invalid(waiting));
        }
        let order = self
            .client
            .place_order(&session.token, &idempotency_key, &request)
            .await
            .map_err(|e| self.on_platform_error(e.into()))?;
        keep(self, session.account_id, std::slice::from_ref(&order))?;
        Ok(order)
    }

    /// The tourist's orders: fresh from the platform when it answers (after sending the
    /// outbox), else the device's copies.
    pub async fn orders(&self) -> Result<Vec<Order>, CommandError> {
        let session = self.signed_in()?;
        if let Drain::Offline(_) = outbox::drain(self).await? {
            return Ok(self.store.orders(session.account_id)?);
        }
        match self.client.orders(&session.token).await {
            Ok(list) => {
                keep(self, session.account_id, &list)?;
                Ok(self.store.orders(session.account_id)?)
            }
            Err(e) if e.is_offline() => Ok(self.store.orders(session.account_id)?),
            Err(e) => Err(self.on_platform_error(e.into())),
        }
    }

    /// One order: fresh when the platform answers (after sending the outbox), else the
    /// device's copy.
    pub async fn order(&self, id: i64) -> Result<Order, CommandError> {
        let session = self.signed_in()?;
        if let Drain::Offline(why) = outbox::drain(self).await? {
            return self
                .store
                .order(session.account_id, id)?
                .ok_or(CommandError::Offline(why));
        }
        match self.client.order(&session.token, id).await {
            Ok(order) => {
                keep(self, session.account_id, std::slice::from_ref(&order))?;
                Ok(order)
            }
            Err(e) if e.is_offline() => self
                .store
                .order(session.account_id, id)?
                .ok_or_else(|| CommandError::from(e)),
            Err(e) => Err(self.on_platform_error(e.into())),
        }
    }

    /// Cancels one of the tourist's orders through the outbox, under a key made once when
    /// the cancellation is queued. Online the answer is the platform's order, cancelled and
    /// refunded, or its refusal. Offline the cancellation waits in the outbox (listed by
    /// `outbox` with this order's id) and the answer is the device's copy, unchanged until
    /// the platform has cancelled it. Asking again while one waits queues nothing new.
    pub async fn cancel_order(&self, order_id: i64) -> Result<Order, CommandError> {
        let session = self.signed_in()?;
        let cached = self
            .store
            .order(session.account_id, order_id)?
            .ok_or_else(|| CommandError::NotFound(format!("order {order_id}")))?;
        let waiting =
            self.store.pending(session.account_id)?.into_iter().find(
                |e| matches!(e.write, OutboxWrite::CancelOrder { order_id: o } if o == order_id),
            );
        let entry = match waiting {
            Some(entry) => {
                outbox::drain(self).await?;
                self.store.outbox_entry(entry.id)?.unwrap_or(entry)
            }
            None => outbox::write(self, OutboxWrite::CancelOrder { order_id }).await?,
        };
        if let Some(refused) = outbox::refused_now(self, &entry) {
            return Err(refused);
        }
        Ok(self
            .store
            .order(session.account_id, order_id)?
            .unwrap_or(cached))
    }

    /// The simulated payment provider's cashier (WeChat Pay / Alipay stand-in).
    pub async fn cashier(&self, payment_id: String, approve: bool) -> Result<(), CommandError> {
        Ok(self.client.cashier(&payment_id, approve).await?)
    }
}

/// Keeps fetched orders on the device; their passes go to the wallet in the same write.
pub(crate) fn keep(state: &Device, account_id: i64, orders: &[Order]) -> Result<(), CommandError> {
    let now = chrono::Utc::now().to_rfc3339();
    state.store.save_orders(account_id, orders, &now)?;
    // The copies are as of now: what the trip's "as of" says while offline. (The event
    // cursor stays where it is: a refresh says nothing of which events it covers.)
    Ok(state.store.caught_up(account_id, 0, &now)?)
}

/// The quote rule with the party as the UI sends it (birth dates as text, a student box).
fn price(
    catalog: &Catalog,
    request: &QuoteRequest,
    now: chrono::NaiveDateTime,
) -> Result<Quote, CommandError> {
    let (party, mut problems) = party(&request.guests);
    if !problems.is_empty() {
        // Report the combo's own problems too, so the form marks everything at once.
        if let Err(more) = tongyou_core::booking::quote(catalog, &request.combo, &party, now) {
            for m in more {
                if !problems.contains(&m) {
                    problems.push(m);
                }
            }
        }
        return Err(CommandError::Invalid(problems));
    }
    tongyou_core::booking::quote(catalog, &request.combo, &party, now)
        .map_err(CommandError::Invalid)
}

fn party(guests: &[Guest]) -> (Vec<pricing::Traveller>, Vec<FieldError>) {
    let mut party = Vec::new();
    let mut problems = Vec::new();
    for (i, guest) in guests.iter().enumerate() {
        match guest.birth_date.parse::<NaiveDate>() {
            Ok(birth_date) => party.push(pricing::Traveller {
                birth_date,
                statuses: if guest.student {
                    vec!["student".to_owned()]
                } else {
                    Vec::new()
                },
            }),
            Err(_) => problems.push(FieldError {
                field: format!("travellers[{i}]"),
                message: Text::new(
                    "出生日期无效（格式 YYYY-MM-DD）",
                    "The birth date is not valid (YYYY-MM-DD)",
                ),
            }),
        }
    }
    (party, problems)
}

#[cfg(test)]
mod tests {
    use tongyou_core::api::Combo;

    use super::*;

    use crate::demo_catalog as catalog;

    fn now() -> chrono::NaiveDateTime {
        "2026-11-22T10:00:00".parse().unwrap()
    }

    fn request(guests: Vec<Guest>) -> QuoteRequest {
        QuoteRequest {
            combo: Combo {
                region_id: "huangshan".into(),
                date: "2026-11-23".into(),
                slot_id: Some("morning".into()),
                add_ons: vec![],
                hotel: None,
                shuttles: vec![],
            },
            guests,
        }
    }

    #[test]
    fn a_student_pays_half_and_says_why() {
        let guests = vec![
            Guest {
                birth_date: "1990-05-01".into(),
                student: false,
            },
            Guest {
                birth_date: "2004-05-01".into(),
                student: true,
            },
        ];
        let q = price(&catalog(), &request(guests), now()).unwrap();
        assert_eq!(q.lines.len(), 2);
        assert_eq!(q.lines[1].pay.0 * 2, q.lines[1].full.0);
        assert!(q.lines[1].notes.iter().any(|n| n.en.contains("student")));
    }

    #[test]
    fn a_bad_birth_date_and_a_bad_combo_are_reported_together() {
        let mut r = request(vec![Guest {
            birth_date: "1990-13-01".into(),
            student: false,
        }]);
        r.combo.date = "2026-11-01".into();
        let Err(CommandError::Invalid(fields)) = price(&catalog(), &r, now()) else {
            panic!("expected field errors");
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert!(names.contains(&"travellers[0]"), "{names:?}");
        assert!(names.contains(&"date"), "{names:?}");
    }
}
