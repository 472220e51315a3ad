//! The event log's SQL: `event` and `event_pruned`. Recording takes the store, to join the
//! caller's unit; the reads take a connection, since the commit hook is handed the
//! writer's and the streams read on read connections.

use rusqlite::{Connection, OptionalExtension, params};
use tongyou_core::api::EventKind;

use super::{EventError, LoggedEvent, kind_name, kind_of};
use crate::sqlite::SqliteStore;
use crate::store::StoreError;

/// Records that `kind` happened to `order_id` at `at` (RFC 3339), for the order's account.
/// Call it inside the unit that makes the change, so the event is kept exactly when the
/// change is; the commit hook only hears of events written in units.
pub(crate) fn record(
    store: &SqliteStore,
    order_id: i64,
    kind: EventKind,
    at: &str,
) -> Result<(), StoreError> {
    debug_assert!(store.in_unit(), "an event is recorded outside a unit");
    store
        .conn()?
        .prepare_cached(
            "INSERT INTO event (account_id, order_id, kind, at)
             SELECT account_id, id, ?2, ?3 FROM booking_order WHERE id = ?1",
        )?
        .execute(params![order_id, kind_name(kind), at])?;
    Ok(())
}

/// The newest event id ever kept (0 for none; it stays when its event is pruned) and the
/// newest pruned (0 for none).
pub(super) fn bounds(conn: &Connection) -> Result<(i64, i64), StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'event'), 0),
                    COALESCE((SELECT upto FROM event_pruned WHERE only = 1), 0)",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// The account's events after `after`, oldest first, at most `limit`. Found through the
/// account's orders (`booking_order_account`, then `event_order`), so a long replay reads
/// no other account's rows.
pub(super) fn after(
    conn: &Connection,
    account: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<LoggedEvent>, EventError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, at, order_id FROM event
         WHERE order_id IN (SELECT id FROM booking_order WHERE account_id = ?1)
           AND id > ?2 AND account_id = ?1
         ORDER BY id LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![account, after, limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut events = Vec::new();
    for row in rows {
        let (id, kind, at, order_id) = row?;
        // The table's CHECK admits only the kinds this build knows.
        if let Some(kind) = kind_of(&kind) {
            events.push(LoggedEvent {
                id,
                kind,
                at,
                order_id,
            });
        }
    }
    Ok(events)
}

/// Every event after `after`, with its account: what the commit hook wakes streams for.
/// A seek on the id, then the few rows the last commit added.
pub(super) fn committed_after(
    conn: &Connection,
    after: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id, account_id FROM event WHERE id > ?1 ORDER BY id")?;
    let rows = stmt.query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Drops every event before the first one at or after `before`, and notes the newest id
/// dropped. Ids and times mostly rise together; an event written late about something
/// earlier (a gate's upload of old scans) only keeps what follows it a little longer.
pub(super) fn prune(conn: &Connection, before: &str) -> Result<usize, EventError> {
    let (newest, pruned) = bounds(conn)?;
    let first_kept: Option<i64> = conn
        .prepare_cached("SELECT id FROM event WHERE at >= ?1 ORDER BY id LIMIT 1")?
        .query_row([before], |r| r.get(0))
        .optional()?;
    let upto = first_kept.map_or(newest, |id| id - 1);
    if upto <= pruned {
        return Ok(0);
    }
    let dropped = conn
        .prepare_cached("DELETE FROM event WHERE id <= ?1")?
        .execute([upto])?;
    conn.prepare_cached(
        "INSERT INTO event_pruned (only, upto) VALUES (1, ?1)
         ON CONFLICT (only) DO UPDATE SET upto = MAX(upto, excluded.upto)",
    )?
    .execute([upto])?;
    Ok(dropped)
}
