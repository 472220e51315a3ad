//! The account event log behind `GET /api/v1/events`: which change happened to which
//! order, and the wake-ups of the streams that serve it.
//!
//! An event is written in the unit that makes the change it reports (`record`, called
//! by the saga for sub-order states, a cancelled order and an assigned vehicle; triggers
//! on `pass` for passes used and revoked, whichever code path changes them), so it exists
//! exactly when its change was kept. After every commit the store runs this module's hook,
//! which looks for events committed since its last look and wakes the streams of their
//! accounts. A stream then reads its account's events after the last one it sent
//! ([`Events::page`]). The wake-up only says "look"; what is sent always comes from the
//! table, in id order, so nothing is lost or sent twice between a stream's replay and its
//! live part, nor when wake-ups race with commits.
//!
//! It keeps ids and kinds, never orders: the order an event carries is read by the caller
//! (the HTTP layer, through `orders`) when it sends the event, as the order then is. So
//! this module sits below the saga that writes into it, and knows nothing of HTTP.

mod records;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;
use rusqlite::Connection;
use tokio::sync::watch;
use tongyou_core::api::EventKind;

use crate::sqlite::SqliteStore;
use crate::store::StoreError;

pub(crate) use records::record;

/// Streams one account may have open at once. One per device is the app's own rule; this
/// is the platform's, so that one account (or a client reconnecting in a loop without
/// closing) cannot hold an unbounded share of the server's connections and wake-ups. A
/// stream's place is given back when its connection ends, which the server notices at the
/// latest when the next heartbeat cannot be written.
pub const STREAMS_PER_ACCOUNT: usize = 8;
/// How long events are kept. A device away for longer is told to read its orders again
/// (`resync`), which costs one `GET /orders`; keeping more would only make such replays
/// longer.
pub const EVENTS_KEPT: Duration = Duration::days(7);
/// Events read at a time by a stream: a long replay is sent in pages, each on one read.
pub const PAGE: i64 = 64;

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("this account already has {STREAMS_PER_ACCOUNT} event streams open; close one first")]
    TooManyStreams,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for EventError {
    fn from(e: rusqlite::Error) -> Self {
        EventError::Store(StoreError::Database(e))
    }
}

/// An event as the log keeps it: no order, only which one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedEvent {
    pub id: i64,
    pub kind: EventKind,
    /// RFC 3339, UTC.
    pub at: String,
    pub order_id: i64,
}

/// What a stream reads next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// The account's events after the position asked for, oldest first, at most [`PAGE`].
    Events(Vec<LoggedEvent>),
    /// The position cannot be resumed from (none given, pruned since, or unknown here):
    /// the client reads its orders again and carries on after `newest`, the last event
    /// the platform had.
    Resync { newest: i64 },
}

/// The name an event kind has on the wire (its `event:` field) and in the log.
pub fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::SubOrderStatus => "sub_order_status",
        EventKind::VehicleAssigned => "vehicle_assigned",
        EventKind::PassUsed => "pass_used",
        EventKind::PassRevoked => "pass_revoked",
        EventKind::OrderCancelled => "order_cancelled",
        EventKind::Disruption => "disruption",
    }
}

fn kind_of(name: &str) -> Option<EventKind> {
    [
        EventKind::SubOrderStatus,
        EventKind::VehicleAssigned,
        EventKind::PassUsed,
        EventKind::PassRevoked,
        EventKind::OrderCancelled,
        EventKind::Disruption,
    ]
    .into_iter()
    .find(|k| kind_name(*k) == name)
}

pub struct Events {
    store: Arc<SqliteStore>,
    hub: Arc<Hub>,
}

/// The open streams per account, and what the commit hook has seen.
struct Hub {
    accounts: Mutex<HashMap<i64, Listeners>>,
    /// The last event id the commit hook has woken streams for.
    seen: AtomicI64,
    /// Set when the platform stops: every stream ends.
    closing: watch::Sender<bool>,
}

struct Listeners {
    wake: watch::Sender<()>,
    streams: usize,
}

impl Events {
    /// The log on `store`, told of its commits from now on. One per store.
    pub fn new(store: Arc<SqliteStore>) -> Result<Events, EventError> {
        let (newest, _) = store.reading(|| {
            let conn = store.conn()?;
            records::bounds(&conn)
        })?;
        let hub = Arc::new(Hub {
            accounts: Mutex::new(HashMap::new()),
            seen: AtomicI64::new(newest),
            closing: watch::channel(false).0,
        });
        let woken = Arc::clone(&hub);
        if !store.after_commits(move |conn| woken.committed(conn)) {
            tracing::error!("the store already tells another event log of its commits");
        }
        Ok(Events { store, hub })
    }

    /// A place among the account's streams, woken whenever events of the account are
    /// committed. Refused past [`STREAMS_PER_ACCOUNT`].
    pub fn subscribe(&self, account: i64) -> Result<Subscription, EventError> {
        let mut accounts = self.hub.accounts.lock();
        let listeners = accounts.entry(account).or_insert_with(|| Listeners {
            wake: watch::channel(()).0,
            streams: 0,
        });
        if listeners.streams >= STREAMS_PER_ACCOUNT {
            return Err(EventError::TooManyStreams);
        }
        listeners.streams += 1;
        Ok(Subscription {
            wake: listeners.wake.subscribe(),
            closing: self.hub.closing.subscribe(),
            hub: Arc::clone(&self.hub),
            account,
        })
    }

    /// What a stream of `account` that has sent everything up to `after` reads next, on a
    /// read connection. `None`: the stream starts with no position.
    pub fn page(&self, account: i64, after: Option<i64>) -> Result<Page, EventError> {
        self.store.reading(|| {
            let conn = self.store.conn()?;
            let (newest, pruned) = records::bounds(&conn)?;
            match after {
                Some(after) if after >= pruned && after <= newest => {
                    Ok(Page::Events(records::after(&conn, account, after, PAGE)?))
                }
                _ => Ok(Page::Resync { newest }),
            }
        })
    }

    /// Drops events older than [`EVENTS_KEPT`] at `now`, in one unit; returns how many.
    pub fn prune(&self, now: DateTime<Utc>) -> Result<usize, EventError> {
        let before = crate::orders::fmt(now - EVENTS_KEPT);
        self.store.atomically(|| {
            let conn = self.store.conn()?;
            records::prune(&conn, &before)
        })
    }

    /// Ends every stream: the platform is stopping, and waits for open requests to end.
    pub fn close(&self) {
        self.hub.closing.send_replace(true);
    }
}

impl Hub {
    /// After a commit: wakes the streams of every account with events committed since the
    /// last look. A failed look is logged; the events are not lost, and the next commit's
    /// look finds them.
    fn committed(&self, conn: &Connection) {
        let seen = self.seen.load(Ordering::SeqCst);
        let new = match records::committed_after(conn, seen) {
            Ok(new) => new,
            Err(e) => return tracing::warn!("could not look for new events: {e}"),
        };
        let Some((last, _)) = new.last().copied() else {
            return;
        };
        let accounts = self.accounts.lock();
        for (_, account) in &new {
            if let Some(listeners) = accounts.get(account) {
                listeners.wake.send_replace(());
            }
        }
        self.seen.store(last, Ordering::SeqCst);
    }
}

/// One stream's place: woken when events of its account are committed, given back when
/// dropped.
pub struct Subscription {
    hub: Arc<Hub>,
    account: i64,
    wake: watch::Receiver<()>,
    closing: watch::Receiver<bool>,
}

impl Subscription {
    /// Forgets the wake-ups so far. Call before reading the log: a commit after this
    /// wakes [`Subscription::changed`] again, so none falls between a read and the wait.
    pub fn mark_seen(&mut self) {
        self.wake.borrow_and_update();
    }

    /// Waits for a commit with events of the account since [`Subscription::mark_seen`];
    /// `false` when the platform is stopping.
    pub async fn changed(&mut self) -> bool {
        if *self.closing.borrow_and_update() {
            return false;
        }
        tokio::select! {
            woken = self.wake.changed() => woken.is_ok(),
            _ = self.closing.changed() => false,
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut accounts = self.hub.accounts.lock();
        if let Some(listeners) = accounts.get_mut(&self.account) {
            listeners.streams = listeners.streams.saturating_sub(1);
            if listeners.streams == 0 {
                accounts.remove(&self.account);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// A store with two orders of account 1 and one of account 2.
    fn store(dir: &Path) -> Arc<SqliteStore> {
        let store = Arc::new(SqliteStore::open(&dir.join("events.db")).unwrap());
        store
            .conn()
            .unwrap()
            .execute_batch(
                "INSERT INTO account (id, mobile, created_at) VALUES (1, 'a', ''), (2, 'b', '');
                 INSERT INTO payment (id, account_id, method, state, amount, created_at)
                    VALUES ('p', 1, 'wallet', 'paid', 0, '');
                 INSERT INTO booking_order (id, account_id, region_id, date, state, created_at,
                    holds_expire_at, quote_json, travellers_json, payment_id)
                 VALUES (10, 1, 'r', 'd', 'confirmed', '', '', '{}', '[]', 'p'),
                        (11, 1, 'r', 'd', 'confirmed', '', '', '{}', '[]', 'p'),
                        (20, 2, 'r', 'd', 'confirmed', '', '', '{}', '[]', 'p');",
            )
            .unwrap();
        store
    }

    fn log(store: &SqliteStore, order_id: i64, kind: EventKind, at: &str) {
        store
            .atomically(|| record(store, order_id, kind, at))
            .unwrap();
    }

    fn ids(page: Page) -> Vec<i64> {
        match page {
            Page::Events(events) => events.into_iter().map(|e| e.id).collect(),
            Page::Resync { newest } => panic!("resync at {newest}"),
        }
    }

    /// An account reads its own events after a position, in order, and nobody else's; a
    /// stream with no position, or one ahead of the log, is told to read its orders again.
    #[test]
    fn a_page_holds_the_accounts_events_after_the_position() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let events = Events::new(Arc::clone(&store)).unwrap();
        log(
            &store,
            10,
            EventKind::SubOrderStatus,
            "2026-12-01T08:00:00Z",
        );
        log(
            &store,
            20,
            EventKind::SubOrderStatus,
            "2026-12-01T08:00:01Z",
        );
        log(
            &store,
            11,
            EventKind::OrderCancelled,
            "2026-12-01T08:00:02Z",
        );
        assert_eq!(ids(events.page(1, Some(0)).unwrap()), [1, 3]);
        assert_eq!(ids(events.page(1, Some(1)).unwrap()), [3]);
        assert_eq!(ids(events.page(1, Some(3)).unwrap()), Vec::<i64>::new());
        assert_eq!(ids(events.page(2, Some(0)).unwrap()), [2]);
        assert_eq!(events.page(1, None).unwrap(), Page::Resync { newest: 3 });
        assert_eq!(events.page(1, Some(4)).unwrap(), Page::Resync { newest: 3 });
        let Page::Events(first) = events.page(1, Some(2)).unwrap() else {
            panic!("a page")
        };
        assert_eq!(
            first,
            [LoggedEvent {
                id: 3,
                kind: EventKind::OrderCancelled,
                at: "2026-12-01T08:00:02Z".into(),
                order_id: 11,
            }]
        );
    }

    /// Pruned events are gone for good: a position before them is told to resync, one
    /// after them reads on, and ids keep growing even when every event was pruned.
    #[test]
    fn a_position_before_what_was_pruned_resyncs() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let events = Events::new(Arc::clone(&store)).unwrap();
        log(
            &store,
            10,
            EventKind::SubOrderStatus,
            "2026-11-01T08:00:00Z",
        );
        log(&store, 10, EventKind::PassUsed, "2026-11-02T08:00:00Z");
        log(
            &store,
            11,
            EventKind::SubOrderStatus,
            "2026-12-01T08:00:00Z",
        );
        let now: DateTime<Utc> = "2026-12-02T00:00:00Z".parse().unwrap();
        assert_eq!(events.prune(now).unwrap(), 2);
        assert_eq!(events.prune(now).unwrap(), 0);
        assert_eq!(events.page(1, Some(1)).unwrap(), Page::Resync { newest: 3 });
        assert_eq!(ids(events.page(1, Some(2)).unwrap()), [3]);

        assert_eq!(events.prune(now + EVENTS_KEPT).unwrap(), 1);
        assert_eq!(events.page(1, Some(2)).unwrap(), Page::Resync { newest: 3 });
        assert_eq!(ids(events.page(1, Some(3)).unwrap()), Vec::<i64>::new());
        log(
            &store,
            11,
            EventKind::OrderCancelled,
            "2026-12-09T08:00:00Z",
        );
        assert_eq!(ids(events.page(1, Some(3)).unwrap()), [4]);
    }

    /// A commit with an account's events wakes that account's streams, not others'; an
    /// account has at most [`STREAMS_PER_ACCOUNT`], and a place dropped is free again.
    #[tokio::test]
    async fn a_commit_wakes_the_streams_of_its_accounts_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let events = Events::new(Arc::clone(&store)).unwrap();
        let mut first = events.subscribe(1).unwrap();
        let mut other = events.subscribe(2).unwrap();
        first.mark_seen();
        other.mark_seen();
        let writer = Arc::clone(&store);
        tokio::task::spawn_blocking(move || log(&writer, 10, EventKind::PassUsed, "t"))
            .await
            .unwrap();
        assert!(first.changed().await);
        assert!(!other.wake.has_changed().unwrap());

        let more: Vec<_> = (1..STREAMS_PER_ACCOUNT)
            .map(|_| events.subscribe(1).unwrap())
            .collect();
        assert!(matches!(
            events.subscribe(1),
            Err(EventError::TooManyStreams)
        ));
        drop(more);
        assert!(events.subscribe(1).is_ok());

        events.close();
        assert!(!first.changed().await);
    }
}
