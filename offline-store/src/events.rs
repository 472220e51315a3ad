//! The platform's live events, applied to the device's copies of the orders.
//!
//! An event carries its order as it now is, so applying one is keeping that copy (and its
//! passes, through the same write as a full refresh) and moving the account's cursor to
//! the event's id, in one transaction. Events at or below the cursor change nothing: the
//! same event twice, or one replayed after a reconnect, is applied once. A full refresh
//! of the orders ([`OfflineStore::save_orders`]) followed by [`OfflineStore::caught_up`]
//! is how a device fills a gap in the stream instead of skipping it.

use rusqlite::{OptionalExtension, Transaction, params};
use tongyou_core::api::Event;

use crate::account::write_orders;
use crate::{OfflineStore, StoreError};

/// Where an account's stream stands on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCursor {
    /// The last event applied: a reconnect resumes after it.
    pub last_event_id: i64,
    /// When the device last heard from the platform about its orders (RFC 3339).
    pub as_of: String,
}

impl OfflineStore {
    /// Applies `event` to `account_id`'s copies, heard at `received_at` (RFC 3339).
    /// Returns whether anything changed: `false` for an event already applied (or older
    /// than one applied) and for another account's order.
    pub fn apply_event(
        &self,
        account_id: i64,
        event: &Event,
        received_at: &str,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let cursor = cursor_in(&tx, account_id)?;
        if cursor.is_some_and(|c| event.id <= c.last_event_id) || event.order.id != event.order_id {
            return Ok(false);
        }
        write_orders(
            &tx,
            account_id,
            std::slice::from_ref(&event.order),
            received_at,
        )?;
        set_cursor(&tx, account_id, event.id, received_at)?;
        tx.commit()?;
        Ok(true)
    }

    /// The account's stream position, if it ever had one.
    pub fn event_cursor(&self, account_id: i64) -> Result<Option<EventCursor>, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        cursor_in(&tx, account_id)
    }

    /// After a full refresh of the orders: the copies are current as of `as_of`, up to
    /// event `last_event_id` (the newest the platform had when the refresh began; never
    /// moves the cursor back).
    pub fn caught_up(
        &self,
        account_id: i64,
        last_event_id: i64,
        as_of: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let last = cursor_in(&tx, account_id)?
            .map_or(last_event_id, |c| c.last_event_id.max(last_event_id));
        set_cursor(&tx, account_id, last, as_of)?;
        tx.commit()?;
        Ok(())
    }

    /// Notes that the platform was heard at `as_of` with nothing new (a heartbeat).
    pub fn heard_at(&self, account_id: i64, as_of: &str) -> Result<(), StoreError> {
        self.conn()?.execute(
            "UPDATE event_cursor SET as_of = ?2 WHERE account_id = ?1",
            params![account_id, as_of],
        )?;
        Ok(())
    }
}

fn cursor_in(tx: &Transaction<'_>, account_id: i64) -> Result<Option<EventCursor>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT last_event_id, as_of FROM event_cursor WHERE account_id = ?1",
            [account_id],
            |r| {
                Ok(EventCursor {
                    last_event_id: r.get(0)?,
                    as_of: r.get(1)?,
                })
            },
        )
        .optional()?)
}

fn set_cursor(
    tx: &Transaction<'_>,
    account_id: i64,
    last_event_id: i64,
    as_of: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO event_cursor (account_id, last_event_id, as_of) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id) DO UPDATE SET last_event_id = ?2, as_of = ?3",
        params![account_id, last_event_id, as_of],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use tongyou_core::api::{Event, EventKind, OrderState, PassState};

    use crate::OfflineStore;
    use crate::wallet::tests::{order, pass};

    fn event(id: i64, kind: EventKind, order: tongyou_core::api::Order) -> Event {
        Event {
            id,
            kind,
            at: "2026-11-23T01:00:00Z".into(),
            order_id: order.id,
            order,
        }
    }

    #[test]
    fn an_event_applied_twice_changes_the_device_once() {
        let store = OfflineStore::open_in_memory().unwrap();
        let booked = order(7, vec![pass("p1", "2026-11-23", None)]);
        store
            .save_orders(1, std::slice::from_ref(&booked), "2026-11-22T10:00:00Z")
            .unwrap();
        let mut used = booked.clone();
        used.passes[0].state = PassState::Used;
        let e = event(41, EventKind::PassUsed, used.clone());

        assert!(store.apply_event(1, &e, "2026-11-23T01:00:02Z").unwrap());
        assert!(!store.apply_event(1, &e, "2026-11-23T01:00:05Z").unwrap());
        assert_eq!(store.order(1, 7).unwrap(), Some(used));
        assert_eq!(store.wallet(1).unwrap()[0].state, PassState::Used);
        let cursor = store.event_cursor(1).unwrap().unwrap();
        assert_eq!(cursor.last_event_id, 41);
        assert_eq!(
            cursor.as_of, "2026-11-23T01:00:02Z",
            "the repeat was not news"
        );
    }

    #[test]
    fn an_older_event_never_overwrites_a_newer_copy() {
        let store = OfflineStore::open_in_memory().unwrap();
        let mut cancelled = order(7, vec![]);
        cancelled.state = OrderState::Cancelled;
        let confirmed = order(7, vec![]);
        assert!(
            store
                .apply_event(
                    1,
                    &event(50, EventKind::OrderCancelled, cancelled.clone()),
                    "t2"
                )
                .unwrap()
        );
        // Replayed after a reconnect, out of order: kept out.
        assert!(
            !store
                .apply_event(1, &event(49, EventKind::SubOrderStatus, confirmed), "t3")
                .unwrap()
        );
        assert_eq!(store.order(1, 7).unwrap(), Some(cancelled));
    }

    #[test]
    fn an_event_that_names_another_order_than_it_carries_is_ignored() {
        let store = OfflineStore::open_in_memory().unwrap();
        let mut odd = event(3, EventKind::SubOrderStatus, order(8, vec![]));
        odd.order_id = 9;
        assert!(!store.apply_event(1, &odd, "t").unwrap());
        assert_eq!(store.orders(1).unwrap(), vec![]);
        assert_eq!(store.event_cursor(1).unwrap(), None);
    }

    #[test]
    fn a_refresh_catches_up_without_moving_the_cursor_back() {
        let store = OfflineStore::open_in_memory().unwrap();
        store
            .apply_event(1, &event(20, EventKind::PassUsed, order(7, vec![])), "t1")
            .unwrap();
        store.caught_up(1, 12, "t2").unwrap();
        let cursor = store.event_cursor(1).unwrap().unwrap();
        assert_eq!((cursor.last_event_id, cursor.as_of.as_str()), (20, "t2"));
        store.caught_up(1, 25, "t3").unwrap();
        assert_eq!(store.event_cursor(1).unwrap().unwrap().last_event_id, 25);
        store.heard_at(1, "t4").unwrap();
        assert_eq!(store.event_cursor(1).unwrap().unwrap().as_of, "t4");
        // Another account's stream is its own.
        assert_eq!(store.event_cursor(2).unwrap(), None);
    }
}
