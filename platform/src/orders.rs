//! The booking saga: one combo order split into one sub-order per provider module.
//!
//! 1. Check and price the combo (`core::booking::quote`, the same rules the app shows).
//! 2. Hold every sub-order with an expiry. Any failure here releases every hold taken;
//!    nothing is charged and the order is `failed` with the reason.
//! 3. Take the payment: the pivot. The wallet answers at once; redirect methods leave the
//!    order `awaiting_payment` until the provider's signed callback. A decline releases
//!    every hold.
//! 4. Confirm every sub-order. A provider failing now cannot undo the payment, so its
//!    fallback runs: a hotel is replaced by the nearest same-grade hotel with rooms, plus
//!    compensation; anything else is refunded for that sub-order (`partly_confirmed`).
//! 5. Issue a signed pass for every confirmed ticket, ride and seat.
//!
//! Step 1 and the signing of step 5 happen first, on a read connection; steps 2 to 5 are
//! then one unit on the store (for a redirect payment, 2 and 3 are, and 4 and 5 come with
//! the callback).
//!
//! Holds not confirmed in time are released by [`Booking::sweep`], which also expires
//! orders whose payment never came. A payment that arrives after that is refunded, so
//! nobody is ever charged without a ticket. Every write takes an idempotency key: the same
//! key answers with the same order again (as it stands now, so a client that lost the
//! first answer also learns what happened since), a different body with it is refused.

#[cfg(test)]
mod crash_tests;
mod records;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tongyou_core::api::{
    Availability, FieldError, Order, OrderRequest, PaymentCallback, PaymentMethod, PaymentState,
    Provider as Module, QuoteLine,
};
use tongyou_core::booking::{quote, refund_due, same_grade_alternatives};
use tongyou_core::catalog::{Catalog, Fen, ProductKind};
use tongyou_core::clock::ClockTime;
use tongyou_core::pass::{Party, Pass};
use tongyou_core::pricing::{self, age_on};
use tongyou_core::text::Text;

use crate::accounts::{AccountError, Accounts, Clock};
use crate::payments::{Charge, PaymentError, Payments};
use crate::providers::{Faults, Item, Provider, ProviderError};
use crate::signer::{Signer, SignerError};
use crate::sqlite::SqliteStore;
use crate::store::StoreError;

use records::{Begin, NewSub, OrderRow, PassRow, StoredOrder, SubRow, SubUpdate};

/// What an order request comes to before anything is written: worked out on a read
/// connection, so that the store's one writer does not wait for it.
enum Ahead {
    /// The key already made an order: answer with it.
    Replay(Box<StoredOrder>),
    Fresh(Box<Prepared>),
}

/// A new order, ready to be written: priced, split into sub-orders, and with the passes
/// each sub-order issues once it confirms already signed.
struct Prepared {
    order_id: i64,
    catalog: Arc<Catalog>,
    /// The visit date as asked for, and parsed.
    day: String,
    date: NaiveDate,
    now: DateTime<Utc>,
    total: Fen,
    subs: Vec<PreparedSub>,
    /// By sub-order, in `subs` order.
    passes: Vec<Vec<PassRow>>,
    quote_json: String,
    travellers_json: String,
}

/// What the unit placing an order wrote.
enum Written {
    /// Confirmed whole: the order as stored, known without reading it back.
    Whole(Box<StoredOrder>),
    /// Anything else (refused, declined, waiting for the cashier, partly confirmed, or
    /// placed by an earlier request with the key): read it back.
    Elsewhere(i64),
}

impl Written {
    fn id(&self) -> i64 {
        match self {
            Written::Whole(order) => order.id(),
            Written::Elsewhere(id) => *id,
        }
    }
}

/// A sub-order ready to be held and written, its JSON made ahead.
struct PreparedSub {
    module: Module,
    items: Vec<Item>,
    items_json: String,
    lines_json: String,
    amount: i64,
}

/// What every pass of an order shares.
struct PassScope<'a> {
    order_id: i64,
    /// The visit date as the order keeps it.
    day: &'a str,
    date: NaiveDate,
    catalog: &'a Catalog,
    members: &'a [Member],
}

/// How long holds last while the tourist pays.
pub const HOLD_FOR: Duration = Duration::minutes(15);
/// How long an idempotency key answers with what it did: a client retrying later than
/// this (an app offline for a month) makes a new request.
pub const KEYS_KEPT: Duration = Duration::days(30);
/// Compensation for moving a tourist to another hotel: this share of the stay, refunded.
pub const HOTEL_COMPENSATION_PERCENT: i64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    #[error("invalid order")]
    Invalid(Vec<FieldError>),
    #[error("no such order")]
    NotFound,
    #[error("an Idempotency-Key header is required on this write")]
    MissingKey,
    #[error("this Idempotency-Key was already used for a different request")]
    KeyReused,
    #[error("a request with this Idempotency-Key is still being processed; retry shortly")]
    InProgress,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Payment(#[from] PaymentError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Signer(#[from] SignerError),
    #[error("the stored order is unreadable: {0}")]
    Corrupt(#[from] serde_json::Error),
}

impl From<rusqlite::Error> for BookingError {
    fn from(e: rusqlite::Error) -> Self {
        BookingError::Store(StoreError::Database(e))
    }
}

/// A member of an order's party as the order keeps them: no ID number, nor any hash of
/// one (orders stored before kept a reversible one, which is ignored now).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Member {
    traveller_id: i64,
    /// `张*`.
    holder: String,
    birth_date: NaiveDate,
    student: bool,
}

pub struct Booking {
    store: Arc<SqliteStore>,
    catalogs: HashMap<String, Arc<Catalog>>,
    accounts: Arc<Accounts>,
    providers: Vec<Arc<dyn Provider>>,
    payments: Payments,
    signer: Signer,
    faults: Arc<Faults>,
    clock: Clock,
    /// The last order id handed out; `None` until read from the store. Ids are handed out
    /// before the order is written, because its passes carry the id and are signed first.
    last_order_id: std::sync::Mutex<Option<i64>>,
    /// Tests only: the step at which to stop as a killed process would.
    #[cfg(test)]
    crash_at: std::sync::Mutex<Option<&'static str>>,
}

impl Booking {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Arc<SqliteStore>,
        catalogs: &[Catalog],
        accounts: Arc<Accounts>,
        providers: Vec<Arc<dyn Provider>>,
        payments: Payments,
        signer: Signer,
        faults: Arc<Faults>,
        clock: Clock,
    ) -> Booking {
        Booking {
            store,
            catalogs: catalogs
                .iter()
                .map(|c| (c.region.id.clone(), Arc::new(c.clone())))
                .collect(),
            accounts,
            providers,
            payments,
            signer,
            faults,
            clock,
            last_order_id: std::sync::Mutex::new(None),
            #[cfg(test)]
            crash_at: std::sync::Mutex::new(None),
        }
    }

    /// A step where a test may stop the platform as if killed: a panic inside a unit
    /// rolls the unit back, as a kill before its commit loses it. Compiled only for tests.
    #[cfg(test)]
    fn crash_point(&self, step: &'static str) {
        let armed = self.crash_at.lock().map(|a| *a == Some(step));
        if armed.unwrap_or(false) {
            panic!("killed at {step}");
        }
    }

    #[cfg(not(test))]
    #[inline(always)]
    fn crash_point(&self, _: &'static str) {}

    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    pub fn payments(&self) -> &Payments {
        &self.payments
    }

    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// `POST /orders`: runs the saga as far as it can go now and answers with the order.
    ///
    /// Everything that only reads (the travellers, the price, the sub-orders, signing the
    /// passes the order will issue) is done first on a read connection. Then one unit on
    /// the store checks the key again, holds, records the order, takes the payment,
    /// confirms and binds the key to the order: all of it is kept or none, and the writer
    /// is held only for the writes.
    pub fn place(
        &self,
        account: i64,
        key: Option<&str>,
        request: &OrderRequest,
    ) -> Result<Order, BookingError> {
        let key = format!("order:{}", required(key)?);
        let hash = hex::encode(Sha256::digest(serde_json::to_vec(request)?));
        let ahead =
            self.store.reading(
                || match records::lookup(&self.store, account, &key, &hash)? {
                    Begin::Replay(order_id) => Ok(Ahead::Replay(Box::new(
                        self.stored_order(account, order_id)?,
                    ))),
                    Begin::Mismatch => Err(BookingError::KeyReused),
                    Begin::InProgress => Err(BookingError::InProgress),
                    Begin::Fresh => Ok(Ahead::Fresh(Box::new(self.prepare(account, request)?))),
                },
            )?;
        let prepared = match ahead {
            Ahead::Replay(order) => return order.into_order(),
            Ahead::Fresh(prepared) => prepared,
        };
        let written = self.store.atomically(|| {
            // Asked again: a request with the same key may have been placed meanwhile.
            match records::lookup(&self.store, account, &key, &hash)? {
                Begin::Replay(order_id) => return Ok(Written::Elsewhere(order_id)),
                Begin::Mismatch => return Err(BookingError::KeyReused),
                Begin::InProgress => return Err(BookingError::InProgress),
                Begin::Fresh => {}
            }
            // A failure rolls the unit back and leaves the key free for the corrected request.
            let now = fmt(prepared.now);
            let written = self.run(account, request.payment, *prepared)?;
            records::bind(&self.store, account, &key, &hash, written.id(), &now)?;
            Ok(written)
        })?;
        self.send_refunds();
        match written {
            Written::Whole(order) => order.into_order(),
            // Should this read fail, the order is kept all the same, and the same key
            // answers with it.
            Written::Elsewhere(order_id) => self
                .store
                .reading(|| self.stored_order(account, order_id))?
                .into_order(),
        }
    }

    /// Reads and works out everything placing the order needs before it writes.
    fn prepare(&self, account: i64, request: &OrderRequest) -> Result<Prepared, BookingError> {
        let combo = &request.combo;
        let catalog = self
            .catalog(&combo.region_id)
            .ok_or_else(|| invalid("combo.region_id", "没有这个景区", "There is no such region"))?;
        let members = self.members(account, request)?;
        let party: Vec<pricing::Traveller> = members
            .iter()
            .map(|m| pricing::Traveller {
                birth_date: m.birth_date,
                statuses: if m.student {
                    vec!["student".into()]
                } else {
                    vec![]
                },
            })
            .collect();
        let now = (self.clock)();
        let quote =
            quote(&catalog, combo, &party, local(&catalog, now)).map_err(BookingError::Invalid)?;
        let date: NaiveDate = combo
            .date
            .parse()
            .map_err(|_| invalid("date", "日期无效", "Invalid date"))?;
        let people = u32::try_from(members.len()).unwrap_or(u32::MAX);

        let mut subs: Vec<(Module, Vec<Item>, Vec<QuoteLine>)> = Vec::new();
        let mut scenic = Vec::new();
        if let Some(slot_id) = &combo.slot_id {
            scenic.push(Item::Entry {
                slot_id: slot_id.clone(),
                people,
            });
        }
        for id in &combo.add_ons {
            scenic.push(Item::AddOn {
                product_id: id.clone(),
                people,
            });
        }
        let lines_of = |kinds: &[ProductKind]| -> Vec<QuoteLine> {
            quote
                .lines
                .iter()
                .filter(|l| kinds.contains(&l.kind))
                .cloned()
                .collect()
        };
        if !scenic.is_empty() {
            subs.push((
                Module::Scenic,
                scenic,
                lines_of(&[ProductKind::Ticket, ProductKind::Lift]),
            ));
        }
        if let Some(stay) = &combo.hotel {
            let item = Item::Room {
                hotel_id: stay.hotel_id.clone(),
                room_type_id: stay.room_type_id.clone(),
                rooms: u32::from(stay.rooms),
                nights: stay.nights,
            };
            subs.push((Module::Hotel, vec![item], lines_of(&[ProductKind::Hotel])));
        }
        if !combo.shuttles.is_empty() {
            let seats = combo
                .shuttles
                .iter()
                .map(|s| Item::Seat {
                    line_id: s.line_id.clone(),
                    departure: s.departure,
                    seats: people,
                })
                .collect();
            subs.push((Module::Transport, seats, lines_of(&[ProductKind::Shuttle])));
        }

        let order_id = self.next_order_id()?;
        let scope = PassScope {
            order_id,
            day: &combo.date,
            date,
            catalog: &catalog,
            members: &members,
        };
        let passes = subs
            .iter()
            .enumerate()
            .map(|(index, (_, items, _))| self.passes_for(&scope, items, index))
            .collect::<Result<Vec<_>, _>>()?;
        let subs = subs
            .into_iter()
            .map(|(module, items, lines)| {
                Ok(PreparedSub {
                    module,
                    items_json: serde_json::to_string(&items)?,
                    lines_json: serde_json::to_string(&lines)?,
                    amount: lines.iter().map(|l| l.pay.0).sum(),
                    items,
                })
            })
            .collect::<Result<Vec<_>, BookingError>>()?;
        Ok(Prepared {
            order_id,
            day: combo.date.clone(),
            date,
            now,
            total: quote.total,
            subs,
            passes,
            quote_json: serde_json::to_string(&quote)?,
            travellers_json: serde_json::to_string(&members)?,
            catalog,
        })
    }

    /// An id for a new order: one more than any order stored or handed out before.
    fn next_order_id(&self) -> Result<i64, BookingError> {
        let mut last = self
            .last_order_id
            .lock()
            .map_err(|_| StoreError::Poisoned)?;
        let id = match *last {
            Some(id) => id + 1,
            // The platform is the store's only writer, and every order gets its id here.
            None => records::last_order_id(&self.store)? + 1,
        };
        *last = Some(id);
        Ok(id)
    }

    /// The saga, within the unit that writes the order: holds, the order's record, the
    /// payment as the pivot and, once paid, the confirmations with their passes.
    fn run(
        &self,
        account: i64,
        method: PaymentMethod,
        prepared: Prepared,
    ) -> Result<Written, BookingError> {
        let Prepared {
            order_id,
            catalog,
            day,
            date,
            now,
            total,
            subs,
            passes,
            quote_json,
            travellers_json,
        } = prepared;
        let now_s = fmt(now);
        let expires = fmt(now + HOLD_FOR);
        let payment_id = self.payments.create(account, method, total, &now_s)?;

        // Hold everything, or nothing: the first refusal gives back the holds taken. The
        // order is recorded with the outcome (it shares this unit with the holds).
        let mut holds: Vec<i64> = Vec::new();
        let mut refused = None;
        for sub in &subs {
            match self
                .provider(sub.module)
                .hold(&catalog, date, &sub.items, &expires)
            {
                Ok(hold) => holds.push(hold),
                Err(e) => {
                    refused = Some(hold_problem(sub.module, &e));
                    break;
                }
            }
        }
        if refused.is_some() {
            for (hold, sub) in holds.iter().zip(&subs) {
                self.release_quietly(order_id, sub.module, Some(*hold));
            }
        }
        let new_subs: Vec<NewSub> = subs
            .into_iter()
            .enumerate()
            .map(|(i, sub)| {
                let (state, hold) = match (&refused, holds.get(i)) {
                    (None, hold) => ("held", hold.copied()),
                    (Some(_), None) if i == holds.len() => ("failed", None),
                    (Some(_), _) => ("released", None),
                };
                NewSub {
                    module: sub.module,
                    items_json: sub.items_json,
                    lines_json: sub.lines_json,
                    amount: sub.amount,
                    state,
                    hold,
                }
            })
            .collect();
        let row = OrderRow {
            id: order_id,
            account_id: account,
            region_id: catalog.region.id.clone(),
            date: day,
            state: if refused.is_some() {
                "failed"
            } else {
                "holding"
            }
            .into(),
            created_at: now_s,
            holds_expire_at: expires,
            quote_json,
            travellers_json,
            payment_id: payment_id.clone(),
            problem_json: refused.as_ref().map(serde_json::to_string).transpose()?,
        };
        let subs = records::create_order(&self.store, &row, new_subs)?;
        if refused.is_some() {
            self.payments.abandon(&payment_id)?;
            return Ok(Written::Elsewhere(order_id));
        }

        match self.payments.charge(&payment_id)? {
            Charge::Paid => {
                if let Some(passes) = self.confirm_all(&row, &subs, "holding", Some(passes))? {
                    let payment = self.payments.payment(&payment_id)?;
                    return Ok(Written::Whole(Box::new(StoredOrder::confirmed(
                        row, subs, payment, passes,
                    ))));
                }
            }
            Charge::Declined(reason) => {
                let problem = Text::new(
                    format!(
                        "{}。订单未成立，所有预留已释放，没有扣款。请换一种支付方式再试。",
                        reason.zh
                    ),
                    format!(
                        "{}. Nothing was booked or charged and every hold was released. Try another payment method.",
                        reason.en
                    ),
                );
                self.abort(order_id, "failed", &problem)?;
            }
            Charge::Redirect => {
                records::transition(
                    &self.store,
                    order_id,
                    &["holding"],
                    "awaiting_payment",
                    None,
                )?;
            }
        }
        Ok(Written::Elsewhere(order_id))
    }

    /// The payment provider's callback: the pivot for redirect methods. One unit: the
    /// payment's result, the confirmations, refunds and passes are kept together or not at
    /// all, and the provider's retry of an unanswered callback finds it untouched.
    pub fn on_payment(&self, callback: &PaymentCallback) -> Result<(), BookingError> {
        self.store.atomically(|| self.on_payment_now(callback))?;
        self.send_refunds();
        Ok(())
    }

    fn on_payment_now(&self, callback: &PaymentCallback) -> Result<(), BookingError> {
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
    fn after_payment(&self, order_id: i64) -> Result<(), BookingError> {
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
    fn confirm_stored(&self, row: &OrderRow) -> Result<(), BookingError> {
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
    fn confirm_all(
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
    fn release_quietly(&self, order_id: i64, module: Module, hold: Option<i64>) {
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
    fn replace_hotel(
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
    fn abort(&self, order_id: i64, state: &str, problem: &Text) -> Result<(), BookingError> {
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
        for order_id in records::waiting_past(&self.store, &now_s)? {
            self.abort(order_id, "expired", &problem)?;
        }
        self.send_refunds();
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
        self.send_refunds();
        Ok(stuck)
    }

    fn recover_order(&self, order_id: i64, state: &str) -> Result<(), BookingError> {
        let Some(row) = records::order_row(&self.store, order_id)? else {
            return Ok(());
        };
        match state {
            "confirming" => self.confirm_stored(&row),
            "cancelling" => self.finish_cancel(&row),
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
        self.send_refunds();
        self.order(account, order_id)
    }

    fn cancel_now(&self, account: i64, order_id: i64) -> Result<(), BookingError> {
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
                self.finish_cancel(&row)
            }
            "cancelling" => self.finish_cancel(&row),
            other => Err(BookingError::Conflict(format!(
                "an order that is {other} cannot be cancelled"
            ))),
        }
    }

    /// Cancels and refunds every sub-order still confirmed of an order in `cancelling`,
    /// by the refund rules as of when the cancellation was asked, revokes its passes and
    /// marks it cancelled. Run inside a unit; safe to run again.
    fn finish_cancel(&self, row: &OrderRow) -> Result<(), BookingError> {
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
            let due: i64 = lines
                .iter()
                .zip(&used)
                .filter(|(_, used)| !**used)
                .map(|(l, _)| {
                    let starts = line_start(&catalog, date, l, slot_start);
                    refund_due(catalog.refund_rule(l.kind), l.pay, starts, asked_local).0
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
        let problem = Text::new(
            format!(
                "订单已取消，按退改规则退款{}。",
                refunded_total.display_yuan()
            ),
            format!(
                "The order was cancelled; {} was refunded under the refund rules.",
                refunded_total.display_yuan()
            ),
        );
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

    pub fn order(&self, account: i64, order_id: i64) -> Result<Order, BookingError> {
        self.store
            .reading(|| self.stored_order(account, order_id))?
            .into_order()
    }

    /// What [`Booking::order`] reads, parsed only once the connection is given back.
    fn stored_order(&self, account: i64, order_id: i64) -> Result<StoredOrder, BookingError> {
        let row = records::order_row(&self.store, order_id)?
            .filter(|r| r.account_id == account)
            .ok_or(BookingError::NotFound)?;
        let payment = self.payments.payment(&row.payment_id)?;
        records::stored(&self.store, row, payment)
    }

    /// The account's orders, newest first.
    pub fn orders(&self, account: i64) -> Result<Vec<Order>, BookingError> {
        // One read transaction for all the reads, parsed once the connection is given back.
        let stored = self.store.reading(|| {
            records::orders_of(&self.store, account)?
                .into_iter()
                .map(|id| self.stored_order(account, id))
                .collect::<Result<Vec<_>, BookingError>>()
        })?;
        stored.into_iter().map(StoredOrder::into_order).collect()
    }

    /// Everything the platform holds of the account, for its owner.
    pub fn export(&self, account: i64) -> Result<tongyou_core::api::AccountExport, BookingError> {
        let orders = self.orders(account)?;
        Ok(self.accounts.export(account, orders)?)
    }

    /// Deletes the account's personal data, in one unit: its orders stay for accounting
    /// but keep nothing personal beyond the masked holder names, and everything of the
    /// account itself goes. Refused while an order is still being paid, confirmed or
    /// cancelled, since those steps need it.
    pub fn delete_account(&self, account: i64) -> Result<(), BookingError> {
        self.store.atomically(|| {
            if records::in_flight(&self.store, account)? > 0 {
                return Err(BookingError::Conflict(
                    "an order of this account is still being paid, confirmed or cancelled; finish or cancel it first".into(),
                ));
            }
            records::scrub_orders(&self.store, account)?;
            Ok(self.accounts.delete_data(account)?)
        })
    }

    /// Drops idempotency records older than [`KEYS_KEPT`] at `now`.
    pub fn prune_keys(&self, now: DateTime<Utc>) -> Result<usize, BookingError> {
        records::prune_keys(&self.store, &fmt(now - KEYS_KEPT))
    }

    /// Places held right now, per module: zero once every hold is settled.
    pub fn held(&self) -> Result<Vec<(Module, u64)>, BookingError> {
        Module::ALL
            .into_iter()
            .map(|m| {
                let held = crate::inventory::of(m)
                    .total_held(&self.store)
                    .map_err(|e| store_of(ProviderError::Inventory(e)))?;
                Ok((m, held))
            })
            .collect()
    }

    /// Places left per entry slot on a date.
    pub fn availability(&self, region_id: &str, date: &str) -> Result<Availability, BookingError> {
        let catalog = self.catalog(region_id).ok_or(BookingError::NotFound)?;
        let day: NaiveDate = tongyou_core::clock::parse_date(date)
            .ok_or_else(|| invalid("date", "日期格式应为 YYYY-MM-DD", "Dates are YYYY-MM-DD"))?;
        let scenic = self.provider(Module::Scenic);
        let slots = catalog
            .slots
            .iter()
            .map(|s| {
                let item = Item::Entry {
                    slot_id: s.id.clone(),
                    people: 0,
                };
                Ok((
                    s.id.clone(),
                    scenic.remaining(&catalog, day, &item).map_err(store_of)?,
                ))
            })
            .collect::<Result<_, BookingError>>()?;
        Ok(Availability {
            date: date.to_owned(),
            slots,
        })
    }

    /// What is left to sell for a trip from `start` over `days`: entry places on the first
    /// day per slot, and summit rooms for each night, as the planner wants them.
    pub fn vacancy(
        &self,
        catalog: &Catalog,
        start: NaiveDate,
        days: u8,
    ) -> Result<tongyou_core::planner::Vacancy, BookingError> {
        let mut vacancy = tongyou_core::planner::Vacancy::default();
        let scenic = self.provider(Module::Scenic);
        for slot in &catalog.slots {
            let item = Item::Entry {
                slot_id: slot.id.clone(),
                people: 0,
            };
            let left = scenic.remaining(catalog, start, &item).map_err(store_of)?;
            vacancy.slots.insert((start, slot.id.clone()), left);
        }
        let hotels = self.provider(Module::Hotel);
        for night in (0..days.saturating_sub(1)).map(|i| start + Duration::days(i64::from(i))) {
            for hotel in &catalog.hotels {
                for room in &hotel.room_types {
                    let item = Item::Room {
                        hotel_id: hotel.id.clone(),
                        room_type_id: room.id.clone(),
                        rooms: 0,
                        nights: 1,
                    };
                    let left = hotels.remaining(catalog, night, &item).map_err(store_of)?;
                    vacancy
                        .rooms
                        .insert((night, hotel.id.clone(), room.id.clone()), left);
                }
            }
        }
        Ok(vacancy)
    }

    /// Entry tickets sold or held for a date, all slots together.
    pub fn entries_sold(&self, catalog: &Catalog, date: NaiveDate) -> Result<u32, BookingError> {
        let scenic = self.provider(Module::Scenic);
        let mut sold = 0;
        for slot in &catalog.slots {
            let item = Item::Entry {
                slot_id: slot.id.clone(),
                people: 0,
            };
            sold += slot.quota
                - scenic
                    .remaining(catalog, date, &item)
                    .map_err(store_of)?
                    .min(slot.quota);
        }
        Ok(sold)
    }

    /// Signs the passes of a confirmed sub-order: one real-name pass per traveller for entry,
    /// one for the whole party per ride, rental or shuttle departure.
    ///
    /// The passes' sub-order is left for whoever stores them to fill in.
    fn passes_for(
        &self,
        scope: &PassScope<'_>,
        items: &[Item],
        index: usize,
    ) -> Result<Vec<PassRow>, BookingError> {
        let PassScope {
            order_id,
            day,
            date,
            catalog,
            members,
        } = *scope;
        let offset = Duration::minutes(i64::from(catalog.region.utc_offset_minutes));
        let from = (date.and_time(chrono::NaiveTime::MIN) - offset)
            .and_utc()
            .timestamp();
        let category = |m: &Member| match age_on(m.birth_date, date).unwrap_or(0) {
            0..18 => Party {
                adults: 0,
                children: 1,
                seniors: 0,
            },
            18..60 => Party {
                adults: 1,
                children: 0,
                seniors: 0,
            },
            _ => Party {
                adults: 0,
                children: 0,
                seniors: 1,
            },
        };
        let whole = members.iter().fold(Party::default(), |p, m| {
            let c = category(m);
            Party {
                adults: p.adults + c.adults,
                children: p.children + c.children,
                seniors: p.seniors + c.seniors,
            }
        });
        let mut issued = Vec::new();
        for item in items {
            let (product, name, slot, holders): PassPlan<'_> = match item {
                Item::Entry { slot_id, .. } => {
                    let slot = catalog
                        .slots
                        .iter()
                        .find(|s| &s.id == slot_id)
                        .map(|s| (s.start, s.end));
                    let entry = catalog
                        .entry_ticket()
                        .map(|t| (t.id.clone(), t.name.clone()));
                    let Some((id, name)) = entry else { continue };
                    (id, name, slot, members.iter().map(Some).collect())
                }
                Item::AddOn { product_id, .. } => {
                    let name = catalog
                        .cable_cars
                        .iter()
                        .find(|c| &c.id == product_id)
                        .map(|c| c.name.clone())
                        .or_else(|| {
                            catalog
                                .tickets
                                .iter()
                                .find(|t| &t.id == product_id)
                                .map(|t| t.name.clone())
                        });
                    let Some(name) = name else { continue };
                    (product_id.clone(), name, None, vec![None])
                }
                Item::Seat {
                    line_id, departure, ..
                } => {
                    let Some(line) = catalog.shuttles.iter().find(|s| &s.id == line_id) else {
                        continue;
                    };
                    let slot = departure
                        .plus(line.ride_minutes)
                        .map(|end| (*departure, end));
                    (line_id.clone(), line.name.clone(), slot, vec![None])
                }
                Item::Room { .. } => continue,
            };
            for holder in holders {
                // Time-ordered, so that new passes go to the end of the pass table's
                // index instead of to a random page of it.
                let pass_id = *uuid::Uuid::now_v7().as_bytes();
                let pass = Pass {
                    key_id: 0,
                    pass_id,
                    order_id: u64::try_from(order_id).unwrap_or_default(),
                    sub_order: u16::try_from(index).unwrap_or(u16::MAX),
                    product: product.clone(),
                    site: catalog.region.id.clone(),
                    gates: Vec::new(),
                    valid_from: from,
                    valid_until: from + 86_400,
                    slot,
                    party: holder.map_or(whole, category),
                    holder_hash: [0; 16],
                };
                let code = self.signer.sign(pass)?;
                issued.push(PassRow {
                    pass_id: hex::encode(pass_id),
                    sub_order_id: 0,
                    product_id: product.clone(),
                    name_json: serde_json::to_string(&name)?,
                    holder: holder.map(|m| m.holder.clone()),
                    date: day.to_owned(),
                    slot: slot.map(|(a, b)| format!("{a}-{b}")),
                    code,
                });
            }
        }
        Ok(issued)
    }

    fn members(&self, account: i64, request: &OrderRequest) -> Result<Vec<Member>, BookingError> {
        let ids: Vec<i64> = request.travellers.iter().map(|t| t.traveller_id).collect();
        let saved = self.accounts.travellers(account)?;
        let found = ids.iter().map(|id| saved.iter().find(|t| t.id == *id));
        let mut problems = Vec::new();
        let mut members = Vec::new();
        for (i, (wanted, found)) in request.travellers.iter().zip(found).enumerate() {
            if ids[..i].contains(&wanted.traveller_id) {
                problems.push(FieldError::new(
                    &format!("travellers[{i}]"),
                    "同一位旅客选了两次",
                    "This traveller is chosen twice",
                ));
                continue;
            }
            let Some(real) = found else {
                problems.push(FieldError::new(
                    &format!("travellers[{i}]"),
                    "常用旅客中没有这位旅客",
                    "This traveller is not among your saved travellers",
                ));
                continue;
            };
            let Ok(birth_date) = real.birth_date.parse() else {
                problems.push(FieldError::new(
                    &format!("travellers[{i}]"),
                    "出生日期无效",
                    "Invalid birth date",
                ));
                continue;
            };
            members.push(Member {
                traveller_id: wanted.traveller_id,
                holder: mask_name(&real.name),
                birth_date,
                student: wanted.student,
            });
        }
        if problems.is_empty() {
            Ok(members)
        } else {
            Err(BookingError::Invalid(problems))
        }
    }

    fn catalog(&self, region_id: &str) -> Option<Arc<Catalog>> {
        self.catalogs.get(region_id).cloned()
    }

    fn provider(&self, module: Module) -> &Arc<dyn Provider> {
        // `start` registers one provider per module, in `Module::ALL` order.
        let at = Module::ALL
            .iter()
            .position(|m| *m == module)
            .unwrap_or_default();
        &self.providers[at]
    }

    fn now_s(&self) -> String {
        fmt((self.clock)())
    }

    /// Sends the provider every refund that kept units recorded and it has not taken yet,
    /// after those units, so a unit rolled back never moves money. One the provider does
    /// not take stays owed, and the next saga, sweep or start sends it again under the same
    /// id. Never fails the caller: its order is already whole.
    fn send_refunds(&self) {
        let owed = match self.payments.owed() {
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

/// What to issue for one item: product id, its name, the time window, and the holders
/// (`None`: one pass for the whole party).
type PassPlan<'a> = (
    String,
    Text,
    Option<(ClockTime, ClockTime)>,
    Vec<Option<&'a Member>>,
);

/// RFC 3339 UTC to the second: every stored time is in this one form, so they sort.
pub fn fmt(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn local(catalog: &Catalog, now: DateTime<Utc>) -> NaiveDateTime {
    now.naive_utc() + Duration::minutes(i64::from(catalog.region.utc_offset_minutes))
}

/// When a quote line's product starts, for its refund deadline.
/// When an order's entry slot starts, if it has one.
fn entry_slot_start(catalog: &Catalog, subs: &[SubRow]) -> Result<Option<ClockTime>, BookingError> {
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
fn used_lines(lines: &[QuoteLine], passes: &[(String, String)]) -> Vec<bool> {
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

fn line_start(
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

fn hold_problem(module: Module, e: &ProviderError) -> Text {
    match e {
        ProviderError::SoldOut { what, remaining } => Text::new(
            format!(
                "{}只剩{remaining}个名额，订单未成立，没有扣款。请换个时段、日期，或减少人数后再试。",
                what.zh
            ),
            format!(
                "Only {remaining} left for {}; nothing was booked or charged. Choose another slot or date, or fewer people.",
                what.en
            ),
        ),
        _ => Text::new(
            format!(
                "{}系统暂时没有响应，订单未成立，没有扣款。请稍后再试。",
                module_name(module).zh
            ),
            format!(
                "The {} system is not answering; nothing was booked or charged. Please try again shortly.",
                module_name(module).en
            ),
        ),
    }
}

fn module_name(module: Module) -> Text {
    match module {
        Module::Scenic => Text::new("景区门票", "scenic-area ticketing"),
        Module::Hotel => Text::new("酒店", "hotel"),
        Module::Transport => Text::new("换乘车", "shuttle"),
    }
}

/// `张三` → `张*`; `Li Lei` → `L*****`.
fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    let first = chars.next().map(String::from).unwrap_or_default();
    first + &"*".repeat(chars.count().max(1))
}

/// An `Idempotency-Key` header's value, which every write needs.
fn required(key: Option<&str>) -> Result<&str, BookingError> {
    key.filter(|k| !k.trim().is_empty())
        .ok_or(BookingError::MissingKey)
}

fn invalid(name: &str, zh: &str, en: &str) -> BookingError {
    BookingError::Invalid(vec![FieldError::new(name, zh, en)])
}

fn store_of(e: ProviderError) -> BookingError {
    match e {
        ProviderError::Inventory(crate::inventory::InventoryError::Store(s)) => {
            BookingError::Store(s)
        }
        other => BookingError::Conflict(other.to_string()),
    }
}
