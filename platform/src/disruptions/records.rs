//! The disruption tables' SQL: `disruption`, `disruption_case`, `operator_audit`, and the
//! look-up of the orders holding a resource (through each module's hold lines).

use rusqlite::{OptionalExtension, params};
use tongyou_core::api::{AuditEntry, Provider as Module};

use crate::orders::{module_of, module_str};
use crate::sqlite::SqliteStore;
use crate::store::StoreError;

pub(super) struct Row {
    pub id: i64,
    pub region_id: String,
    pub kind_json: String,
    pub from_local: String,
    pub to_local: String,
    pub reason_json: String,
    pub state: String,
    pub posted_at: String,
    pub affected: i64,
}

pub(super) struct CaseRow {
    pub disruption_id: i64,
    pub order_id: i64,
    pub account_id: i64,
    pub expires_at: String,
    pub state: String,
}

/// What a disruption says, as stored.
pub(super) struct Posting<'a> {
    pub region_id: &'a str,
    pub kind_json: &'a str,
    pub from_local: &'a str,
    pub to_local: &'a str,
    pub reason_json: &'a str,
}

const ROW: &str = "SELECT id, region_id, kind_json, from_local, to_local, reason_json, state, posted_at, affected FROM disruption";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        region_id: r.get(1)?,
        kind_json: r.get(2)?,
        from_local: r.get(3)?,
        to_local: r.get(4)?,
        reason_json: r.get(5)?,
        state: r.get(6)?,
        posted_at: r.get(7)?,
        affected: r.get(8)?,
    })
}

pub(super) fn insert(store: &SqliteStore, p: &Posting<'_>, now: &str) -> Result<i64, StoreError> {
    let conn = store.conn()?;
    conn.prepare_cached(
        "INSERT INTO disruption (region_id, kind_json, from_local, to_local, reason_json, state, posted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6)",
    )?
    .execute(params![
        p.region_id,
        p.kind_json,
        p.from_local,
        p.to_local,
        p.reason_json,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn update(store: &SqliteStore, id: i64, p: &Posting<'_>) -> Result<bool, StoreError> {
    Ok(store
        .conn()?
        .prepare_cached(
            "UPDATE disruption SET kind_json = ?2, from_local = ?3, to_local = ?4, reason_json = ?5
             WHERE id = ?1 AND state = 'active' AND region_id = ?6",
        )?
        .execute(params![
            id,
            p.kind_json,
            p.from_local,
            p.to_local,
            p.reason_json,
            p.region_id
        ])?
        == 1)
}

pub(super) fn lift(store: &SqliteStore, id: i64) -> Result<bool, StoreError> {
    Ok(store
        .conn()?
        .prepare_cached(
            "UPDATE disruption SET state = 'lifted' WHERE id = ?1 AND state = 'active'",
        )?
        .execute([id])?
        == 1)
}

pub(super) fn set_affected(
    store: &SqliteStore,
    id: i64,
    affected: usize,
) -> Result<(), StoreError> {
    store
        .conn()?
        .prepare_cached("UPDATE disruption SET affected = ?2 WHERE id = ?1")?
        .execute(params![id, i64::try_from(affected).unwrap_or(i64::MAX)])?;
    Ok(())
}

pub(super) fn get(store: &SqliteStore, id: i64) -> Result<Option<Row>, StoreError> {
    Ok(store
        .conn()?
        .prepare_cached(&format!("{ROW} WHERE id = ?1"))?
        .query_row([id], row)
        .optional()?)
}

/// The newest disruptions first, at most `limit`.
pub(super) fn recent(store: &SqliteStore, limit: u32) -> Result<Vec<Row>, StoreError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(&format!("{ROW} ORDER BY id DESC LIMIT ?1"))?;
    let rows = stmt.query_map([limit], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn audit(
    store: &SqliteStore,
    account: i64,
    action: &str,
    disruption: Option<i64>,
    detail: &str,
    now: &str,
) -> Result<(), StoreError> {
    store
        .conn()?
        .prepare_cached(
            "INSERT INTO operator_audit (at, account_id, action, disruption_id, detail_json)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![now, account, action, disruption, detail])?;
    Ok(())
}

/// The newest audit entries first, at most `limit`.
pub(super) fn audit_log(store: &SqliteStore, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, account_id, action, disruption_id, detail_json FROM operator_audit
         ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            account_id: r.get(2)?,
            action: r.get(3)?,
            disruption_id: r.get(4)?,
            detail: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The orders with a confirmed hold on a resource in `[from, to)` of `module`: found
/// through the hold lines' index on the resource, not by reading every order.
pub(super) fn holders(
    store: &SqliteStore,
    module: Module,
    from: &str,
    to: &str,
) -> Result<Vec<i64>, StoreError> {
    let table = module_str(module);
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT DISTINCT s.order_id FROM {table}_hold_line l
         JOIN {table}_hold h ON h.id = l.hold_id AND h.state = 'confirmed'
         JOIN sub_order s ON s.provider = ?3 AND s.hold_id = h.id
         WHERE l.resource >= ?1 AND l.resource < ?2"
    ))?;
    let rows = stmt.query_map(params![from, to, table], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Opens (or reopens, with the new reason and expiry) the case of an order a disruption
/// hits. A case already settled (applied or expired) stays as it is.
pub(super) fn open_case(
    store: &SqliteStore,
    disruption: i64,
    order: i64,
    account: i64,
    why_json: &str,
    expires_at: &str,
) -> Result<(), StoreError> {
    store
        .conn()?
        .prepare_cached(
            "INSERT INTO disruption_case (disruption_id, order_id, account_id, why_json, expires_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, 'open')
             ON CONFLICT (disruption_id, order_id) DO UPDATE SET why_json = excluded.why_json,
                expires_at = excluded.expires_at, state = 'open'
             WHERE disruption_case.state IN ('open', 'closed')",
        )?
        .execute(params![disruption, order, account, why_json, expires_at])?;
    Ok(())
}

/// Closes the open cases of a disruption whose order is not in `keep`; returns their
/// orders.
pub(super) fn close_cases_except(
    store: &SqliteStore,
    disruption: i64,
    keep: &[i64],
) -> Result<Vec<i64>, StoreError> {
    let conn = store.conn()?;
    let open: Vec<i64> = conn
        .prepare_cached(
            "SELECT order_id FROM disruption_case WHERE disruption_id = ?1 AND state = 'open'",
        )?
        .query_map([disruption], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut close = conn.prepare_cached(
        "UPDATE disruption_case SET state = 'closed' WHERE disruption_id = ?1 AND order_id = ?2",
    )?;
    let mut closed = Vec::new();
    for order in open.into_iter().filter(|o| !keep.contains(o)) {
        close.execute(params![disruption, order])?;
        closed.push(order);
    }
    Ok(closed)
}

fn case_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        disruption_id: r.get(0)?,
        order_id: r.get(1)?,
        account_id: r.get(2)?,
        expires_at: r.get(3)?,
        state: r.get(4)?,
    })
}

const CASE: &str =
    "SELECT disruption_id, order_id, account_id, expires_at, state FROM disruption_case";

pub(super) fn open_cases_of(store: &SqliteStore, account: i64) -> Result<Vec<CaseRow>, StoreError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(&format!(
        "{CASE} WHERE account_id = ?1 AND state = 'open' ORDER BY expires_at"
    ))?;
    let rows = stmt.query_map([account], case_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn case(
    store: &SqliteStore,
    disruption: i64,
    order: i64,
) -> Result<Option<CaseRow>, StoreError> {
    Ok(store
        .conn()?
        .prepare_cached(&format!(
            "{CASE} WHERE disruption_id = ?1 AND order_id = ?2"
        ))?
        .query_row(params![disruption, order], case_row)
        .optional()?)
}

/// Settles an open case (`applied` or `expired`) with the way out taken; `false` when it
/// was not open.
pub(super) fn settle(
    store: &SqliteStore,
    disruption: i64,
    order: i64,
    state: &str,
    way_out: &str,
) -> Result<bool, StoreError> {
    Ok(store
        .conn()?
        .prepare_cached(
            "UPDATE disruption_case SET state = ?3, way_out = ?4
             WHERE disruption_id = ?1 AND order_id = ?2 AND state = 'open'",
        )?
        .execute(params![disruption, order, state, way_out])?
        == 1)
}

/// Open cases whose ways out closed by `now`, oldest first.
pub(super) fn due(store: &SqliteStore, now: &str) -> Result<Vec<CaseRow>, StoreError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(&format!(
        "{CASE} WHERE state = 'open' AND expires_at <= ?1 ORDER BY expires_at LIMIT 500"
    ))?;
    let rows = stmt.query_map([now], case_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The holds kept for one way out (its combo's hash) of a case, live after `now`; none
/// when any of them lapsed (the way out is then held again, or not offered).
pub(super) fn live_holds(
    store: &SqliteStore,
    disruption: i64,
    order: i64,
    combo_hash: &str,
    now: &str,
) -> Result<Option<Vec<(Module, i64)>>, StoreError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT module, hold_id, expires_at FROM disruption_hold
         WHERE disruption_id = ?1 AND order_id = ?2 AND combo_hash = ?3",
    )?;
    let rows: Vec<(String, i64, String)> = stmt
        .query_map(params![disruption, order, combo_hash], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    if rows.is_empty() || rows.iter().any(|(_, _, expires)| expires.as_str() <= now) {
        return Ok(None);
    }
    Ok(Some(
        rows.into_iter()
            .map(|(module, hold, _)| (module_of(&module), hold))
            .collect(),
    ))
}

pub(super) fn put_holds(
    store: &SqliteStore,
    disruption: i64,
    order: i64,
    combo_hash: &str,
    holds: &[(Module, i64)],
    expires_at: &str,
) -> Result<(), StoreError> {
    let conn = store.conn()?;
    let mut put = conn.prepare_cached(
        "INSERT OR REPLACE INTO disruption_hold (disruption_id, order_id, combo_hash, module, hold_id, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (module, hold) in holds {
        put.execute(params![
            disruption,
            order,
            combo_hash,
            module_str(*module),
            hold,
            expires_at
        ])?;
    }
    Ok(())
}

/// Forgets the holds kept for a case (all of its ways out, or all but `keep`), returning
/// them so the caller gives them back.
pub(super) fn take_holds(
    store: &SqliteStore,
    disruption: i64,
    order: i64,
    keep: Option<&str>,
) -> Result<Vec<(Module, i64)>, StoreError> {
    let conn = store.conn()?;
    let rows: Vec<(String, i64)> = conn
        .prepare_cached(
            "SELECT module, hold_id FROM disruption_hold
             WHERE disruption_id = ?1 AND order_id = ?2 AND combo_hash IS NOT ?3",
        )?
        .query_map(params![disruption, order, keep], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    conn.prepare_cached("DELETE FROM disruption_hold WHERE disruption_id = ?1 AND order_id = ?2")?
        .execute(params![disruption, order])?;
    Ok(rows
        .into_iter()
        .map(|(module, hold)| (module_of(&module), hold))
        .collect())
}
