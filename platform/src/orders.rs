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
//! Every change a tourist's devices should hear of is written with an event, in the same
//! unit (`records::apply` for sub-orders and cancellations, [`Booking::assign_vehicle`];
//! passes by triggers): see [`crate::events`].
//!
//! Holds not confirmed in time are released by [`Booking::sweep`], which also expires
//! orders whose payment never came. A payment that arrives after that is refunded, so
//! nobody is ever charged without a ticket. Every write takes an idempotency key: the same
//! key answers with the same order again (as it stands now, so a client that lost the
//! first answer also learns what happened since), a different body with it is refused.

mod amend;
mod cancel;
mod confirm;
#[cfg(test)]
mod crash_tests;
mod place;
mod read;
mod rebook;
mod records;
mod sweep;
mod vehicle;

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

pub use rebook::OrderForRules;
use records::{Begin, NewSub, OrderRow, PassRow, StoredOrder, SubRow, SubUpdate};
pub(crate) use records::{module_of, module_str};

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
}

/// RFC 3339 UTC to the second: every stored time is in this one form, so they sort.
pub fn fmt(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn local(catalog: &Catalog, now: DateTime<Utc>) -> NaiveDateTime {
    now.naive_utc() + Duration::minutes(i64::from(catalog.region.utc_offset_minutes))
}

fn module_name(module: Module) -> Text {
    match module {
        Module::Scenic => Text::new("景区门票", "scenic-area ticketing"),
        Module::Hotel => Text::new("酒店", "hotel"),
        Module::Transport => Text::new("换乘车", "shuttle"),
    }
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
