//! Per-trip calendar feeds: an address a calendar app subscribes to and polls, so that a
//! change on the platform (a vehicle assigned, a departure moved, an order cancelled)
//! reaches the tourist's own calendar.
//!
//! The address carries a 256-bit random token; only its SHA-256 is kept, so the address is
//! shown once, when made. A trip has one live feed: opening another, or revoking it, ends
//! the old address, which then answers 404 like any address that never was. The feed is
//! the trip as [`tongyou_core::trip::calendar`] writes it, built from the account's orders
//! as they are when the calendar app asks; each event's `SEQUENCE` grows when what it
//! shows changed, which this module keeps per account and event `UID`.

mod records;

use std::collections::HashMap;
use std::sync::Arc;

use tongyou_core::api::{CalendarFeed, Lang};
use tongyou_core::catalog::Catalog;
use tongyou_core::trip::{self, calendar};

use crate::accounts::{AccountError, Clock, token_hash};
use crate::orders::{Booking, BookingError, fmt};
use crate::sqlite::SqliteStore;
use crate::store::StoreError;

/// Where feeds are served, below the API prefix; the token and `.ics` follow.
pub const FEED_PATH: &str = "/api/v1/calendar/";

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// No trip of the account has this id, or it has no live feed: the same answer for
    /// another account's trip, so that ids reveal nothing.
    #[error("no such trip calendar")]
    NotFound,
    #[error(transparent)]
    Booking(#[from] BookingError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for CalendarError {
    fn from(e: rusqlite::Error) -> Self {
        CalendarError::Store(StoreError::Database(e))
    }
}

pub struct Calendars {
    store: Arc<SqliteStore>,
    booking: Arc<Booking>,
    catalogs: HashMap<String, Arc<Catalog>>,
    clock: Clock,
}

impl Calendars {
    pub fn new(
        store: Arc<SqliteStore>,
        booking: Arc<Booking>,
        catalogs: &[Catalog],
        clock: Clock,
    ) -> Calendars {
        Calendars {
            store,
            booking,
            catalogs: catalogs
                .iter()
                .map(|c| (c.region.id.clone(), Arc::new(c.clone())))
                .collect(),
            clock,
        }
    }

    /// A new feed of the account's trip `trip_id` in `lang`; the trip's earlier feed, if
    /// any, ends.
    pub fn open(
        &self,
        account: i64,
        trip_id: &str,
        lang: Lang,
    ) -> Result<CalendarFeed, CalendarError> {
        self.view(account, trip_id)?;
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(|e| AccountError::Crypto(e.to_string()))?;
        let token = hex::encode(raw);
        let now = fmt((self.clock)());
        self.store.atomically(|| {
            let conn = self.store.conn()?;
            records::revoke(&conn, account, trip_id, &now)?;
            records::insert(&conn, &token_hash(&token), account, trip_id, lang, &now)
        })?;
        Ok(CalendarFeed {
            trip_id: trip_id.to_owned(),
            path: format!("{FEED_PATH}{token}.ics"),
            lang,
            created_at: now,
        })
    }

    /// Ends the trip's live feed. `NotFound` when it has none.
    pub fn revoke(&self, account: i64, trip_id: &str) -> Result<(), CalendarError> {
        let now = fmt((self.clock)());
        let ended = self.store.atomically(|| {
            let conn = self.store.conn()?;
            records::revoke(&conn, account, trip_id, &now)
        })?;
        if ended == 0 {
            return Err(CalendarError::NotFound);
        }
        Ok(())
    }

    /// The calendar behind a feed token, as the trip now is. `NotFound` for a token that
    /// is unknown or revoked, and for a trip that is gone (its orders deleted).
    pub fn feed(&self, token: &str) -> Result<String, CalendarError> {
        let hash = token_hash(token);
        let (account, trip_id, lang) = self
            .store
            .reading(|| {
                let conn = self.store.conn()?;
                records::live(&conn, &hash)
            })?
            .ok_or(CalendarError::NotFound)?;
        let (view, catalog) = self.view(account, &trip_id)?;
        let now = (self.clock)();
        let shown: Vec<(String, String)> = view
            .items
            .iter()
            .map(|i| (calendar::uid(i), calendar::fingerprint(i)))
            .collect();
        // A calendar app polls: read what was kept, and write only when an event changed.
        let kept = self.store.reading(|| {
            let conn = self.store.conn()?;
            records::known(&conn, account, shown.iter().map(|(uid, _)| uid))
        })?;
        let mut sequences = HashMap::with_capacity(shown.len());
        let mut changed = Vec::new();
        for (uid, fingerprint) in &shown {
            let prior = kept.get(uid).map(|(f, s)| (f.as_str(), *s));
            let sequence = calendar::sequence_after(prior, fingerprint);
            if prior.is_none_or(|(f, _)| f != fingerprint) {
                changed.push((uid.as_str(), fingerprint.as_str(), sequence));
            }
            sequences.insert(uid.as_str(), sequence);
        }
        if !changed.is_empty() {
            self.store.atomically(|| {
                let conn = self.store.conn()?;
                records::keep(&conn, account, &changed)
            })?;
        }
        Ok(calendar::ics(
            &view,
            &catalog.region,
            lang,
            |uid| sequences.get(uid).copied().unwrap_or(0),
            now,
        ))
    }

    /// The account's trip `trip_id` (`{region}-{order}`) and its region's catalog.
    fn view(
        &self,
        account: i64,
        trip_id: &str,
    ) -> Result<(tongyou_core::api::TripView, Arc<Catalog>), CalendarError> {
        let catalog = trip::parse_trip_id(trip_id)
            .and_then(|(region, _)| self.catalogs.get(region))
            .ok_or(CalendarError::NotFound)?;
        let orders = self.booking.orders(account)?;
        let view =
            trip::view_by_id(&orders, catalog, trip_id, None).ok_or(CalendarError::NotFound)?;
        Ok((view, Arc::clone(catalog)))
    }
}
