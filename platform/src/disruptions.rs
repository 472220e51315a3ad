//! Disruptions: an operator posts one (a closure, a late or cancelled departure, a hotel
//! that cannot honour a night), the platform finds the orders it hits through the hold
//! lines' index on the resource, and each hit order's tourist gets the ways out
//! (`core::disruption`), worked out on the live inventory whenever they are read.
//!
//! Applying a way out is one unit with the tourist's Idempotency-Key (or the unit of an
//! agent acting on the tourist's support case): the re-booking or refund
//! (`Booking::rebook_in_unit` / `refund_in_unit`), the case settled and the event, all
//! kept or none, so a provider refusing a step leaves the order as it was and the
//! ways out are worked out again on the next read. The new items of a way out are held
//! only once its tourist is shown it (for `orders::HOLD_FOR`, and again when shown
//! again), so a storm does not freeze the inventory and what was shown can be taken; the
//! other ways' holds are given back when one is taken. A case left open past its expiry gets
//! the refund ([`Disruptions::expire`], run by the sweeper).
//!
//! Every operator action is written to `operator_audit` (append-only, by trigger) in the
//! unit that makes it.

mod records;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Days, Duration, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};
use tongyou_core::api::{
    Affected, ApplyWayOut, AuditEntry, Disruption, DisruptionKind, DisruptionRequest,
    DisruptionState, EventKind, FieldError, Order, Provider as Module, WayOut, WayOutKind,
};
use tongyou_core::catalog::{Catalog, Fen};
use tongyou_core::discover::local_now;
use tongyou_core::disruption::{self as rules, Hit, Posted, Window};
use tongyou_core::text::Text;

use crate::accounts::{AccountError, Accounts};
use crate::events;
use crate::orders::{Booking, BookingError, OrderForRules};
use crate::sqlite::SqliteStore;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DisruptionError {
    #[error("invalid disruption")]
    Invalid(Vec<FieldError>),
    #[error("this account is not an operator: ask for the number to be added")]
    NotOperator,
    #[error("no such disruption")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Booking(#[from] BookingError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a stored disruption is unreadable: {0}")]
    Corrupt(#[from] serde_json::Error),
}

/// How many disruptions and audit lines a list answers with.
pub const LIST_LIMIT: u32 = 200;

pub struct Disruptions {
    store: Arc<SqliteStore>,
    booking: Arc<Booking>,
    accounts: Arc<Accounts>,
    /// Mobile numbers of the operators.
    operators: Vec<String>,
}

impl Disruptions {
    pub fn new(
        store: Arc<SqliteStore>,
        booking: Arc<Booking>,
        accounts: Arc<Accounts>,
        operators: &[String],
    ) -> Disruptions {
        Disruptions {
            store,
            booking,
            accounts,
            operators: operators.to_vec(),
        }
    }

    fn operator(&self, account: i64) -> Result<(), DisruptionError> {
        if self
            .accounts
            .signed_in_with_one_of(account, &self.operators)?
        {
            Ok(())
        } else {
            Err(DisruptionError::NotOperator)
        }
    }

    fn now_s(&self) -> String {
        crate::orders::fmt(self.booking.now())
    }

    /// Checks a posting against its region's catalog and the region-local now.
    fn checked(
        &self,
        request: &DisruptionRequest,
    ) -> Result<(Arc<Catalog>, Posted), DisruptionError> {
        let catalog = self.booking.region(&request.region_id).ok_or_else(|| {
            DisruptionError::Invalid(vec![FieldError::new(
                "region_id",
                "没有这个景区",
                "There is no such region",
            )])
        })?;
        let window = rules::check(&catalog, request, local_now(&catalog, self.booking.now()))
            .map_err(DisruptionError::Invalid)?;
        Ok((
            catalog,
            Posted {
                kind: request.kind.clone(),
                window,
            },
        ))
    }

    /// `POST /operator/disruptions`: posts a disruption and opens a case for every order
    /// it hits, telling each tourist through the event stream.
    pub fn post(
        &self,
        operator: i64,
        request: &DisruptionRequest,
    ) -> Result<Disruption, DisruptionError> {
        self.write(operator, None, request)
    }

    /// `PUT /operator/disruptions/{id}`: changes an active disruption; the orders it hits
    /// now get (or keep) their cases, those it no longer hits lose them.
    pub fn update(
        &self,
        operator: i64,
        id: i64,
        request: &DisruptionRequest,
    ) -> Result<Disruption, DisruptionError> {
        self.write(operator, Some(id), request)
    }

    /// Posts (`existing` none) or changes a disruption, audited, and finds its orders
    /// again, in one unit.
    fn write(
        &self,
        operator: i64,
        existing: Option<i64>,
        request: &DisruptionRequest,
    ) -> Result<Disruption, DisruptionError> {
        self.operator(operator)?;
        let (catalog, posted) = self.checked(request)?;
        let kind_json = serde_json::to_string(&request.kind)?;
        let reason_json = serde_json::to_string(&request.reason)?;
        let id = self.store.atomically(|| {
            let now = self.now_s();
            let posting = posting(request, &kind_json, &reason_json);
            let (id, action) = match existing {
                None => (records::insert(&self.store, &posting, &now)?, "post"),
                Some(id) if records::update(&self.store, id, &posting)? => (id, "update"),
                Some(_) => return Err(DisruptionError::NotFound),
            };
            records::audit(
                &self.store,
                operator,
                action,
                Some(id),
                &serde_json::to_string(request)?,
                &now,
            )?;
            self.reopen(id, &catalog, &posted, &request.reason, &now)?;
            Ok(id)
        })?;
        self.disruption(id)
    }

    /// `DELETE /operator/disruptions/{id}`: lifts it; open cases close (what was applied
    /// stays applied).
    pub fn lift(&self, operator: i64, id: i64) -> Result<Disruption, DisruptionError> {
        self.operator(operator)?;
        self.store.atomically(|| {
            let now = self.now_s();
            if !records::lift(&self.store, id)? {
                return Err(DisruptionError::NotFound);
            }
            records::audit(&self.store, operator, "lift", Some(id), "{}", &now)?;
            for order in records::close_cases_except(&self.store, id, &[])? {
                self.booking
                    .release_holds(&records::take_holds(&self.store, id, order, None)?);
                events::record(&self.store, order, EventKind::Disruption, &now)?;
            }
            Ok(())
        })?;
        self.disruption(id)
    }

    /// The newest disruptions, for operators.
    pub fn list(&self, operator: i64) -> Result<Vec<Disruption>, DisruptionError> {
        self.operator(operator)?;
        let rows = self
            .store
            .reading(|| records::recent(&self.store, LIST_LIMIT))?;
        rows.into_iter().map(disruption_of).collect()
    }

    /// The newest lines of the operators' audit log.
    pub fn audit_log(&self, operator: i64) -> Result<Vec<AuditEntry>, DisruptionError> {
        self.operator(operator)?;
        Ok(self
            .store
            .reading(|| records::audit_log(&self.store, LIST_LIMIT))?)
    }

    fn disruption(&self, id: i64) -> Result<Disruption, DisruptionError> {
        let row = self
            .store
            .reading(|| records::get(&self.store, id))?
            .ok_or(DisruptionError::NotFound)?;
        disruption_of(row)
    }

    /// Finds the orders `posted` hits and opens (or keeps) their cases, closing those it
    /// no longer hits; tells every order concerned. Inside the caller's unit.
    fn reopen(
        &self,
        id: i64,
        catalog: &Catalog,
        posted: &Posted,
        reason: &Text,
        now: &str,
    ) -> Result<(), DisruptionError> {
        let now_local = local_now(catalog, self.booking.now());
        let mut hit = Vec::new();
        for order_id in candidates(&self.store, catalog, posted)? {
            let Some(found) = self.booking.for_rules(order_id)? else {
                continue;
            };
            let Some(h) = rules::hit(catalog, posted, &found.order) else {
                continue;
            };
            let expires = utc(catalog, rules::expires(&h, now_local));
            records::open_case(
                &self.store,
                id,
                order_id,
                found.account_id,
                &serde_json::to_string(&why(reason, &h))?,
                &crate::orders::fmt(expires),
            )?;
            events::record(&self.store, order_id, EventKind::Disruption, now)?;
            hit.push(order_id);
        }
        for order in records::close_cases_except(&self.store, id, &hit)? {
            self.booking
                .release_holds(&records::take_holds(&self.store, id, order, None)?);
            events::record(&self.store, order, EventKind::Disruption, now)?;
        }
        records::set_affected(&self.store, id, hit.len())?;
        Ok(())
    }

    /// `GET /disruptions`: the account's orders hit by an active disruption, each with its
    /// ways out as the live inventory allows now, each held for the tourist a while
    /// ([`crate::orders::HOLD_FOR`]) from when it is shown (so a unit per case).
    pub fn mine(&self, account: i64) -> Result<Vec<Affected>, DisruptionError> {
        let cases = self
            .store
            .reading(|| records::open_cases_of(&self.store, account))?;
        let mut all = Vec::new();
        for case in cases {
            if let Some(affected) = self
                .store
                .atomically(|| self.affected(case.disruption_id, case.order_id, &case.expires_at))?
            {
                all.push(affected);
            }
        }
        Ok(all)
    }

    /// One case as the tourist sees it, or `None` when the disruption no longer hits it.
    fn affected(
        &self,
        disruption_id: i64,
        order_id: i64,
        expires_at: &str,
    ) -> Result<Option<Affected>, DisruptionError> {
        let Some((row, catalog, posted, found, hit)) = self.case_now(disruption_id, order_id)?
        else {
            return Ok(None);
        };
        let ways = self.ways(disruption_id, &catalog, &posted, &found, &hit);
        let reason: Text = serde_json::from_str(&row.reason_json)?;
        Ok(Some(Affected {
            why: why(&reason, &hit),
            disruption: disruption_of(row)?,
            order_id,
            ways_out: ways,
            expires_at: expires_at.to_owned(),
        }))
    }

    /// The disruption, its catalog and rules, the order and what it hits now.
    #[allow(clippy::type_complexity)]
    fn case_now(
        &self,
        disruption_id: i64,
        order_id: i64,
    ) -> Result<Option<(records::Row, Arc<Catalog>, Posted, OrderForRules, Hit)>, DisruptionError>
    {
        let Some(row) = records::get(&self.store, disruption_id)? else {
            return Ok(None);
        };
        if row.state != "active" {
            return Ok(None);
        }
        let Some(catalog) = self.booking.region(&row.region_id) else {
            return Ok(None);
        };
        let posted = posted_of(&row)?;
        let Some(found) = self.booking.for_rules(order_id)? else {
            return Ok(None);
        };
        let Some(hit) = rules::hit(&catalog, &posted, &found.order) else {
            return Ok(None);
        };
        Ok(Some((row, catalog, posted, found, hit)))
    }

    /// The ways out of a hit order; one that books something new is offered only when its
    /// new items are held for the tourist (already, or now): nothing is held for an order
    /// whose tourist has not looked, and what is shown can be taken. Inside a unit.
    fn ways(
        &self,
        disruption_id: i64,
        catalog: &Catalog,
        posted: &Posted,
        found: &OrderForRules,
        hit: &Hit,
    ) -> Vec<WayOut> {
        let people = u32::try_from(found.party.len()).unwrap_or(u32::MAX);
        let now = self.booking.now();
        let (now_s, until) = (
            crate::orders::fmt(now),
            crate::orders::fmt(now + crate::orders::HOLD_FOR),
        );
        let order_id = found.order.id;
        let fits = |combo: &tongyou_core::api::Combo| {
            let hash = combo_hash(combo);
            match records::live_holds(&self.store, disruption_id, order_id, &hash, &now_s) {
                Ok(Some(_)) => true,
                Ok(None) => match self
                    .booking
                    .hold_changes(&found.order, combo, people, &until)
                {
                    Ok(holds) => records::put_holds(
                        &self.store,
                        disruption_id,
                        order_id,
                        &hash,
                        &holds,
                        &until,
                    )
                    .is_ok(),
                    Err(_) => false,
                },
                Err(_) => false,
            }
        };
        rules::ways_out(
            catalog,
            posted,
            &found.order,
            hit,
            &found.party,
            local_now(catalog, now),
            &fits,
        )
    }

    /// `POST /orders/{id}/disruption`: applies one way out, with the tourist's key. A way
    /// the live inventory can no longer honour, or a provider refusing a step, leaves the
    /// order as it was (409); the ways out read next are worked out again.
    pub fn apply(
        &self,
        account: i64,
        key: Option<&str>,
        order_id: i64,
        request: &ApplyWayOut,
    ) -> Result<Order, DisruptionError> {
        let key = format!(
            "disruption:{order_id}:{}",
            key.filter(|k| !k.trim().is_empty())
                .ok_or(BookingError::MissingKey)?
        );
        let hash = hex::encode(Sha256::digest(serde_json::to_vec(request)?));
        self.booking.once(account, &key, &hash, order_id, || {
            self.apply_in_unit(account, order_id, request).map(|_| ())
        })?;
        Ok(self.booking.order(account, order_id)?)
    }

    /// Applies one way out of a disruption to one of `account`'s orders, inside the
    /// caller's unit: for the tourist's request above, and for an agent acting for them
    /// (`crate::support`), who holds no key of theirs. The refunds it records are sent
    /// after the unit ([`Booking::send_owed_refunds`]). Returns what the way out does, as
    /// the tourist was offered it.
    pub fn apply_in_unit(
        &self,
        account: i64,
        order_id: i64,
        request: &ApplyWayOut,
    ) -> Result<Text, DisruptionError> {
        let case = records::case(&self.store, request.disruption_id, order_id)?
            .filter(|c| c.account_id == account)
            .ok_or(DisruptionError::NotFound)?;
        if case.state != "open" {
            return Err(DisruptionError::Conflict(format!(
                "this disruption's ways out are closed ({})",
                case.state
            )));
        }
        self.take(&case, &request.way_out, "applied")
    }

    /// Takes one way out of an open case and settles it as `state`. Inside a unit. Returns
    /// the way's summary.
    fn take(
        &self,
        case: &records::CaseRow,
        way_id: &str,
        state: &str,
    ) -> Result<Text, DisruptionError> {
        let Some((row, catalog, posted, found, hit)) =
            self.case_now(case.disruption_id, case.order_id)?
        else {
            return Err(DisruptionError::Conflict(
                "this order is no longer hit by the disruption".into(),
            ));
        };
        let ways = self.ways(case.disruption_id, &catalog, &posted, &found, &hit);
        let way = ways.iter().find(|w| w.id == way_id).ok_or_else(|| {
            DisruptionError::Conflict(
                "that way out can no longer be offered; look at the ways out again".into(),
            )
        })?;
        let reason: Text = serde_json::from_str(&row.reason_json)?;
        let said = Text::new(
            format!("因{}：{}。", reason.zh, way.summary.zh),
            format!("Because of {}: {}.", reason.en, way.summary.en),
        );
        let (d, o) = (case.disruption_id, case.order_id);
        match (way.kind, &way.combo) {
            (WayOutKind::Refund, _) | (_, None) => {
                self.booking
                    .release_holds(&records::take_holds(&self.store, d, o, None)?);
                self.booking
                    .refund_in_unit(o, &way.replaces, hit.whole_order, &said)?;
            }
            (_, Some(combo)) => {
                let hash = combo_hash(combo);
                let held = records::live_holds(&self.store, d, o, &hash, &self.now_s())?
                    .unwrap_or_default();
                self.booking
                    .release_holds(&records::take_holds(&self.store, d, o, Some(&hash))?);
                let back = Fen(way.refund.0 + way.compensation.0);
                self.booking.rebook_in_unit(o, combo, &held, back, &said)?;
            }
        }
        if !records::settle(
            &self.store,
            case.disruption_id,
            case.order_id,
            state,
            &way.id,
        )? {
            return Err(DisruptionError::Conflict(
                "the case changed meanwhile".into(),
            ));
        }
        events::record(
            &self.store,
            case.order_id,
            EventKind::Disruption,
            &self.now_s(),
        )?;
        Ok(way.summary.clone())
    }

    /// Applies the refund to every case whose ways out closed by `now` untouched. Each in
    /// its own unit; one that fails stays open for the next sweep. Returns how many.
    pub fn expire(&self, now: DateTime<Utc>) -> Result<usize, DisruptionError> {
        let due = self
            .store
            .reading(|| records::due(&self.store, &crate::orders::fmt(now)))?;
        let mut done = 0;
        for case in due {
            let taken = self.store.atomically(|| {
                let Some(case) = records::case(&self.store, case.disruption_id, case.order_id)?
                    .filter(|c| c.state == "open")
                else {
                    return Ok(false);
                };
                match self.take(&case, "refund", "expired") {
                    Ok(_) => Ok(true),
                    // No longer hit (lifted, changed, cancelled meanwhile): nothing to refund.
                    Err(DisruptionError::Conflict(_)) => {
                        records::settle(
                            &self.store,
                            case.disruption_id,
                            case.order_id,
                            "closed",
                            "",
                        )?;
                        Ok(false)
                    }
                    Err(e) => Err(e),
                }
            });
            match taken {
                Ok(true) => done += 1,
                Ok(false) => {}
                Err(e) => tracing::warn!(
                    order = case.order_id,
                    "an expired disruption case could not be refunded: {e}"
                ),
            }
        }
        if done > 0 {
            self.booking.send_owed_refunds();
        }
        Ok(done)
    }
}

/// A way out's combo, named for its holds.
fn combo_hash(combo: &tongyou_core::api::Combo) -> String {
    hex::encode(Sha256::digest(
        serde_json::to_vec(combo).unwrap_or_default(),
    ))
}

fn posting<'a>(
    request: &'a DisruptionRequest,
    kind_json: &'a str,
    reason_json: &'a str,
) -> records::Posting<'a> {
    records::Posting {
        region_id: &request.region_id,
        kind_json,
        from_local: request.from.trim(),
        to_local: request.to.trim(),
        reason_json,
    }
}

fn posted_of(row: &records::Row) -> Result<Posted, DisruptionError> {
    let kind: DisruptionKind = serde_json::from_str(&row.kind_json)?;
    let (Some(from), Some(to)) = (
        rules::parse_local(&row.from_local),
        rules::parse_local(&row.to_local),
    ) else {
        return Err(DisruptionError::Conflict(
            "a stored disruption has no range".into(),
        ));
    };
    Ok(Posted {
        kind,
        window: Window { from, to },
    })
}

fn disruption_of(row: records::Row) -> Result<Disruption, DisruptionError> {
    Ok(Disruption {
        id: row.id,
        region_id: row.region_id,
        kind: serde_json::from_str(&row.kind_json)?,
        from: row.from_local,
        to: row.to_local,
        reason: serde_json::from_str(&row.reason_json)?,
        state: if row.state == "active" {
            DisruptionState::Active
        } else {
            DisruptionState::Lifted
        },
        posted_at: row.posted_at,
        affected_orders: u32::try_from(row.affected).unwrap_or(u32::MAX),
    })
}

/// What the tourist is told: the operator's reason, then what it hits of their order.
fn why(reason: &Text, hit: &Hit) -> Text {
    Text::new(
        format!("{}：{}", reason.zh, hit.why.zh),
        format!("{}: {}", reason.en, hit.why.en),
    )
}

fn utc(catalog: &Catalog, local: NaiveDateTime) -> DateTime<Utc> {
    (local - Duration::minutes(i64::from(catalog.region.utc_offset_minutes))).and_utc()
}

/// The orders that may be hit: those holding a resource the disruption touches, found
/// by each module's resource keys (`{region}/{date}/slot/…`, `{region}/{line}/{date}/…`,
/// `{region}/{hotel}/{room}/{night}`). A superset; `core::disruption::hit` decides.
fn candidates(
    store: &SqliteStore,
    catalog: &Catalog,
    posted: &Posted,
) -> Result<BTreeSet<i64>, StoreError> {
    let region = &catalog.region.id;
    let Window { from, to } = posted.window;
    let last = (to - Duration::minutes(1)).date();
    let days: Vec<chrono::NaiveDate> = from.date().iter_days().take_while(|d| *d <= last).collect();
    let exact = |key: String| {
        let end = format!("{key}\u{1}");
        (key, end)
    };
    let prefix = |key: String| {
        let end = format!("{key}\u{ffff}");
        (key, end)
    };
    let mut ranges: Vec<(Module, (String, String))> = Vec::new();
    for day in &days {
        match &posted.kind {
            DisruptionKind::AreaClosed => {
                ranges.push((Module::Scenic, prefix(format!("{region}/{day}/slot/"))));
            }
            DisruptionKind::LiftStopped { lift_id } => {
                ranges.push((
                    Module::Scenic,
                    exact(format!("{region}/{day}/addon/{lift_id}")),
                ));
            }
            DisruptionKind::GateClosed { gate_id } => {
                ranges.push((Module::Scenic, prefix(format!("{region}/{day}/slot/"))));
                for product in catalog
                    .gate(gate_id)
                    .map(|g| g.admits.as_slice())
                    .unwrap_or_default()
                {
                    ranges.push((
                        Module::Scenic,
                        exact(format!("{region}/{day}/addon/{product}")),
                    ));
                }
            }
            DisruptionKind::ShuttleDelayed {
                line_id, departure, ..
            }
            | DisruptionKind::ShuttleCancelled { line_id, departure } => {
                ranges.push((
                    Module::Transport,
                    exact(format!("{region}/{line_id}/{day}/{departure}")),
                ));
            }
            DisruptionKind::SightClosed { .. } | DisruptionKind::HotelUnavailable { .. } => {}
        }
    }
    if let DisruptionKind::HotelUnavailable { hotel_id } = &posted.kind
        && let Some(hotel) = catalog.hotels.iter().find(|h| &h.id == hotel_id)
    {
        // A night starts on its date; the night before ends on the morning of `from`.
        let first = from
            .date()
            .checked_sub_days(Days::new(1))
            .unwrap_or(from.date());
        for night in first.iter_days().take_while(|d| *d <= to.date()) {
            for room in &hotel.room_types {
                ranges.push((
                    Module::Hotel,
                    exact(format!("{region}/{hotel_id}/{}/{night}", room.id)),
                ));
            }
        }
    }
    let mut orders = BTreeSet::new();
    for (module, (lo, hi)) in ranges {
        orders.extend(records::holders(store, module, &lo, &hi)?);
    }
    Ok(orders)
}
