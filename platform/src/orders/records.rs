//! The saga's own tables: orders, sub-orders, passes and idempotency keys. Every state
//! change is a conditional update, so two actors (a payment callback and the sweeper)
//! racing for one order cannot both win.

use rusqlite::{OptionalExtension, Params, params};
use tongyou_core::api::{
    EventKind, IssuedPass, Order, OrderState, PassState, Payment, Provider as Module, Quote,
    SubOrder, SubOrderState, Vehicle,
};
use tongyou_core::catalog::Fen;
use tongyou_core::text::Text;

use super::BookingError;
use crate::events;
use crate::sqlite::{Savepoint, SqliteStore};

pub(super) struct OrderRow {
    pub id: i64,
    pub account_id: i64,
    pub region_id: String,
    pub date: String,
    pub state: String,
    pub created_at: String,
    pub holds_expire_at: String,
    pub quote_json: String,
    pub travellers_json: String,
    pub payment_id: String,
    pub problem_json: Option<String>,
    /// The combo as asked for; `None` for orders placed before it was kept.
    pub combo_json: Option<String>,
}

pub(super) struct SubRow {
    pub id: i64,
    pub module: Module,
    pub state: String,
    pub items_json: String,
    pub lines_json: String,
    pub amount: i64,
    pub refunded: i64,
    pub hold_id: Option<i64>,
    pub note_json: Option<String>,
    /// A shuttle's vehicle, once assigned (`transport_vehicle`).
    pub vehicle: Option<Vehicle>,
}

pub(super) struct PassRow {
    pub pass_id: String,
    pub sub_order_id: i64,
    pub product_id: String,
    /// The product's name as stored (JSON), made before the unit that stores it.
    pub name_json: String,
    pub holder: Option<String>,
    pub date: String,
    /// `HH:MM-HH:MM`.
    pub slot: Option<String>,
    pub code: String,
}

/// A change to one sub-order, applied with others in one transaction.
pub(super) struct SubUpdate {
    pub sub_id: i64,
    pub state: &'static str,
    pub hold: Option<i64>,
    pub note: Option<Text>,
    pub refunded: i64,
    /// The items, when the sub-order now holds something else (a replacement hotel).
    pub items_json: Option<String>,
}

impl SubUpdate {
    pub fn new(sub_id: i64, state: &'static str, hold: Option<i64>) -> SubUpdate {
        SubUpdate {
            sub_id,
            state,
            hold,
            note: None,
            refunded: 0,
            items_json: None,
        }
    }
}

/// The order's next state, if it is still in one of the expected states.
pub(super) type Move<'a> = (&'a [&'a str], &'a str, Option<&'a Text>);

/// Sub-order changes, new passes and the order's state change, in one transaction: a
/// booking writes a few of these instead of a commit per step. The events they make (one
/// `sub_order_status` for the sub-orders changed, `order_cancelled` when the order ends so)
/// are written with them; call it inside a unit.
pub(super) fn apply(
    store: &SqliteStore,
    order_id: i64,
    updates: &[SubUpdate],
    passes: &[PassRow],
    order: Option<Move<'_>>,
    now: &str,
) -> Result<bool, BookingError> {
    let conn = store.conn()?;
    let tx = Savepoint::begin(&conn)?;
    if let Some((from, to, problem)) = order
        && !move_order(&tx, order_id, from, to, problem)?
    {
        // Someone else settled the order first; change nothing.
        return Ok(false);
    }
    {
        let mut update = tx.prepare_cached(
            "UPDATE sub_order SET state = ?2, hold_id = ?3, note_json = COALESCE(?4, note_json),
             refunded = MAX(refunded, ?5), items_json = COALESCE(?6, items_json) WHERE id = ?1",
        )?;
        for u in updates {
            let note = u.note.as_ref().map(serde_json::to_string).transpose()?;
            update.execute(params![
                u.sub_id,
                u.state,
                u.hold,
                note,
                u.refunded,
                u.items_json
            ])?;
        }
        let mut insert = tx.prepare_cached(
            "INSERT INTO pass (pass_id, order_id, sub_order_id, product_id, name_json, holder, date, slot, code, state, changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'valid', ?10)",
        )?;
        for p in passes {
            insert.execute(params![
                p.pass_id,
                order_id,
                p.sub_order_id,
                p.product_id,
                p.name_json,
                p.holder,
                p.date,
                p.slot,
                p.code,
                now
            ])?;
        }
    }
    if !updates.is_empty() {
        events::record(store, order_id, EventKind::SubOrderStatus, now)?;
    }
    if order.is_some_and(|(_, to, _)| to == "cancelled") {
        events::record(store, order_id, EventKind::OrderCancelled, now)?;
    }
    tx.commit()?;
    Ok(true)
}

pub(super) enum Begin {
    Fresh,
    /// The order the key created.
    Replay(i64),
    Mismatch,
    InProgress,
}

fn exec(store: &SqliteStore, sql: &str, params: impl Params) -> Result<usize, BookingError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(sql)?;
    Ok(stmt.execute(params)?)
}

/// What a key already stands for, without claiming it: for a caller whose whole request
/// is one unit on the store, so that nobody can claim the key in between (and, as a first
/// look, on a read connection before it).
pub(super) fn lookup(
    store: &SqliteStore,
    account: i64,
    key: &str,
    hash: &str,
) -> Result<Begin, BookingError> {
    let conn = store.conn()?;
    let stored: Option<(String, Option<i64>)> = conn
        .prepare_cached(
            "SELECT request_hash, order_id FROM idempotency WHERE account_id = ?1 AND key = ?2",
        )?
        .query_row(params![account, key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match stored {
        None => Begin::Fresh,
        Some((stored_hash, _)) if stored_hash != hash => Begin::Mismatch,
        Some((_, None)) => Begin::InProgress,
        Some((_, Some(order_id))) => Begin::Replay(order_id),
    })
}

/// Records a key with the order it created, in the unit that created it.
pub(super) fn bind(
    store: &SqliteStore,
    account: i64,
    key: &str,
    hash: &str,
    order_id: i64,
    now: &str,
) -> Result<(), BookingError> {
    exec(
        store,
        "INSERT INTO idempotency (account_id, key, request_hash, created_at, status, order_id)
         VALUES (?1, ?2, ?3, ?4, 201, ?5)",
        params![account, key, hash, now, order_id],
    )?;
    Ok(())
}

/// Records a key with the order it acted on, whether or not an earlier request left it
/// claimed.
pub(super) fn settle_key(
    store: &SqliteStore,
    account: i64,
    key: &str,
    hash: &str,
    order_id: i64,
    now: &str,
) -> Result<(), BookingError> {
    exec(
        store,
        "INSERT INTO idempotency (account_id, key, request_hash, created_at, status, order_id)
         VALUES (?1, ?2, ?3, ?4, 200, ?5)
         ON CONFLICT (account_id, key) DO UPDATE SET status = 200, order_id = excluded.order_id",
        params![account, key, hash, now, order_id],
    )?;
    Ok(())
}

/// Frees keys left claimed by requests a stop cut short: at start nothing is running, so
/// a claimed key is one whose request will never answer. What it did, if anything, is in
/// the order's state, which the next request with the key reads.
pub(super) fn free_stale_keys(store: &SqliteStore) -> Result<usize, BookingError> {
    exec(store, "DELETE FROM idempotency WHERE order_id IS NULL", [])
}

/// Moves a paid order to `cancelling`, noting when it was asked; `false` when it was not
/// confirmed (or partly) any more.
pub(super) fn start_cancelling(
    store: &SqliteStore,
    order_id: i64,
    asked_at: &str,
) -> Result<bool, BookingError> {
    let n = exec(
        store,
        "UPDATE booking_order SET state = 'cancelling', cancel_asked_at = ?2
         WHERE id = ?1 AND state IN ('confirmed', 'partly_confirmed')",
        params![order_id, asked_at],
    )?;
    Ok(n == 1)
}

/// When the cancellation of an order was asked for.
pub(super) fn cancel_asked_at(
    store: &SqliteStore,
    order_id: i64,
) -> Result<Option<String>, BookingError> {
    let conn = store.conn()?;
    Ok(conn
        .prepare_cached("SELECT cancel_asked_at FROM booking_order WHERE id = ?1")?
        .query_row([order_id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// The passes of a sub-order in the order they were issued, with their states: a pass
/// issued again stands in the place of the one it replaced, with its own state (the
/// replaced one was valid when replaced, so whatever became of the place since is its).
pub(super) fn pass_states(
    store: &SqliteStore,
    sub_order_id: i64,
) -> Result<Vec<(String, String)>, BookingError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT pass_id, product_id, state, reissue_of FROM pass WHERE sub_order_id = ?1
         ORDER BY rowid",
    )?;
    let rows = stmt.query_map([sub_order_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    // (the pass now in the place, its product, its state), in the order first issued.
    let mut places: Vec<(String, String, String)> = Vec::new();
    for row in rows {
        let (pass_id, product, state, reissue_of) = row?;
        let replaced = reissue_of.and_then(|old| places.iter().position(|(p, _, _)| *p == old));
        match replaced {
            Some(at) => places[at] = (pass_id, product, state),
            None => places.push((pass_id, product, state)),
        }
    }
    Ok(places
        .into_iter()
        .map(|(_, product, state)| (product, state))
        .collect())
}

/// A pass with its order and state (`valid`, `used`, `revoked`).
pub(super) fn pass(
    store: &SqliteStore,
    pass_id: &str,
) -> Result<Option<(i64, PassRow, String)>, BookingError> {
    let conn = store.conn()?;
    Ok(conn
        .prepare_cached(
            "SELECT order_id, pass_id, sub_order_id, product_id, name_json, holder, date, slot,
                    code, state
             FROM pass WHERE pass_id = ?1",
        )?
        .query_row([pass_id], |r| {
            Ok((
                r.get(0)?,
                PassRow {
                    pass_id: r.get(1)?,
                    sub_order_id: r.get(2)?,
                    product_id: r.get(3)?,
                    name_json: r.get(4)?,
                    holder: r.get(5)?,
                    date: r.get(6)?,
                    slot: r.get(7)?,
                    code: r.get(8)?,
                },
                r.get(9)?,
            ))
        })
        .optional()?)
}

/// Revokes a valid pass and stores `new` in its place; `false` (and nothing changed) when
/// the old pass was not valid any more. The revocation's event comes by trigger.
pub(super) fn reissue_pass(
    store: &SqliteStore,
    order_id: i64,
    old: &str,
    new: &PassRow,
    now: &str,
) -> Result<bool, BookingError> {
    let conn = store.conn()?;
    let tx = Savepoint::begin(&conn)?;
    let revoked = tx
        .prepare_cached(
            "UPDATE pass SET state = 'revoked', changed_at = ?2 WHERE pass_id = ?1 AND state = 'valid'",
        )?
        .execute(params![old, now])?;
    if revoked != 1 {
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO pass (pass_id, order_id, sub_order_id, product_id, name_json, holder, date, slot, code, state, changed_at, reissue_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'valid', ?10, ?11)",
    )?
    .execute(params![
        new.pass_id,
        order_id,
        new.sub_order_id,
        new.product_id,
        new.name_json,
        new.holder,
        new.date,
        new.slot,
        new.code,
        now,
        old
    ])?;
    tx.commit()?;
    Ok(true)
}

/// The lines of a sub-order refunded on their own (`kind:product_id`).
pub(super) fn refunded_lines(
    store: &SqliteStore,
    sub_order_id: i64,
) -> Result<Vec<String>, BookingError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached("SELECT line FROM line_refund WHERE sub_order_id = ?1")?;
    Ok(stmt
        .query_map([sub_order_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Notes a line of a sub-order refunded; `false` when it was already.
pub(super) fn line_refunded(
    store: &SqliteStore,
    sub_order_id: i64,
    line: &str,
    now: &str,
) -> Result<bool, BookingError> {
    let n = exec(
        store,
        "INSERT INTO line_refund (sub_order_id, line, refunded_at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
        params![sub_order_id, line, now],
    )?;
    Ok(n == 1)
}

/// Orders of the account that a later step still has to settle.
pub(super) fn in_flight(store: &SqliteStore, account: i64) -> Result<i64, BookingError> {
    let conn = store.conn()?;
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM booking_order WHERE account_id = ?1
         AND state IN ('holding', 'awaiting_payment', 'confirming', 'cancelling')",
        [account],
        |r| r.get(0),
    )?)
}

/// Takes from the account's orders what accounting does not need: each traveller's birth
/// date and saved-traveller id, the holder hash older orders kept (an ID hash), and the
/// idempotency keys. The masked holder names and the prices stay.
pub(super) fn scrub_orders(store: &SqliteStore, account: i64) -> Result<(), BookingError> {
    exec(
        store,
        "UPDATE booking_order SET travellers_json =
            (SELECT json_group_array(
                json_remove(value, '$.holder_hash', '$.birth_date', '$.traveller_id'))
             FROM json_each(booking_order.travellers_json))
         WHERE account_id = ?1",
        [account],
    )?;
    exec(
        store,
        "DELETE FROM idempotency WHERE account_id = ?1",
        [account],
    )?;
    Ok(())
}

/// Drops settled idempotency records made before `before`: a retry that late is a new
/// request. A key still being processed is kept.
pub(super) fn prune_keys(store: &SqliteStore, before: &str) -> Result<usize, BookingError> {
    exec(
        store,
        "DELETE FROM idempotency WHERE created_at < ?1 AND order_id IS NOT NULL",
        params![before],
    )
}

/// A sub-order as it is first recorded, with the outcome of its hold. Its JSON is made
/// before the unit that writes it.
pub(super) struct NewSub {
    pub module: Module,
    pub items_json: String,
    pub lines_json: String,
    pub amount: i64,
    pub state: &'static str,
    pub hold: Option<i64>,
}

/// Inserts the order (under its id, handed out beforehand) and its sub-orders in one
/// transaction; returns the sub-orders as stored.
pub(super) fn create_order(
    store: &SqliteStore,
    o: &OrderRow,
    subs: Vec<NewSub>,
) -> Result<Vec<SubRow>, BookingError> {
    let conn = store.conn()?;
    let tx = Savepoint::begin(&conn)?;
    tx.prepare_cached(
        "INSERT INTO booking_order (id, account_id, region_id, date, state, created_at, holds_expire_at, quote_json, travellers_json, payment_id, problem_json, combo_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        o.id,
        o.account_id,
        o.region_id,
        o.date,
        o.state,
        o.created_at,
        o.holds_expire_at,
        o.quote_json,
        o.travellers_json,
        o.payment_id,
        o.problem_json,
        o.combo_json
    ])?;
    let rows = add_subs(store, o.id, subs)?;
    tx.commit()?;
    Ok(rows)
}

/// The highest order id stored, 0 when there is none.
pub(super) fn last_order_id(store: &SqliteStore) -> Result<i64, BookingError> {
    let conn = store.conn()?;
    Ok(
        conn.query_row("SELECT COALESCE(MAX(id), 0) FROM booking_order", [], |r| {
            r.get(0)
        })?,
    )
}

/// Moves an order from one of `from` to `to`; `false` when it was in another state.
pub(super) fn transition(
    store: &SqliteStore,
    order_id: i64,
    from: &[&str],
    to: &str,
    problem: Option<&Text>,
) -> Result<bool, BookingError> {
    let conn = store.conn()?;
    move_order(&conn, order_id, from, to, problem)
}

/// The one conditional update every order state change goes through.
fn move_order(
    conn: &rusqlite::Connection,
    order_id: i64,
    from: &[&str],
    to: &str,
    problem: Option<&Text>,
) -> Result<bool, BookingError> {
    let problem = problem.map(serde_json::to_string).transpose()?;
    let from_a = from.first().copied().unwrap_or_default();
    let from_b = from.get(1).copied().unwrap_or(from_a);
    let changed = conn
        .prepare_cached(
            "UPDATE booking_order SET state = ?4, problem_json = COALESCE(?5, problem_json)
             WHERE id = ?1 AND state IN (?2, ?3)",
        )?
        .execute(params![order_id, from_a, from_b, to, problem])?;
    Ok(changed == 1)
}

pub(super) fn order_row(store: &SqliteStore, id: i64) -> Result<Option<OrderRow>, BookingError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, account_id, region_id, date, state, created_at, holds_expire_at, quote_json, travellers_json, payment_id, problem_json, combo_json
         FROM booking_order WHERE id = ?1",
    )?;
    Ok(stmt
        .query_row([id], |r| {
            Ok(OrderRow {
                id: r.get(0)?,
                account_id: r.get(1)?,
                region_id: r.get(2)?,
                date: r.get(3)?,
                state: r.get(4)?,
                created_at: r.get(5)?,
                holds_expire_at: r.get(6)?,
                quote_json: r.get(7)?,
                travellers_json: r.get(8)?,
                payment_id: r.get(9)?,
                problem_json: r.get(10)?,
                combo_json: r.get(11)?,
            })
        })
        .optional()?)
}

pub(super) fn sub_orders(store: &SqliteStore, order_id: i64) -> Result<Vec<SubRow>, BookingError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.provider, s.state, s.items_json, s.lines_json, s.amount, s.refunded,
                s.hold_id, s.note_json, v.plate, v.driver, v.driver_phone
         FROM sub_order s LEFT JOIN transport_vehicle v ON v.sub_order_id = s.id
         WHERE s.order_id = ?1 ORDER BY s.id",
    )?;
    let rows = stmt.query_map([order_id], |r| {
        Ok(SubRow {
            id: r.get(0)?,
            module: module_of(&r.get::<_, String>(1)?),
            state: r.get(2)?,
            items_json: r.get(3)?,
            lines_json: r.get(4)?,
            amount: r.get(5)?,
            refunded: r.get(6)?,
            hold_id: r.get(7)?,
            note_json: r.get(8)?,
            vehicle: match (r.get(9)?, r.get(10)?, r.get(11)?) {
                (Some(plate), Some(driver), Some(driver_phone)) => Some(Vehicle {
                    plate,
                    driver,
                    driver_phone,
                }),
                _ => None,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn order_of_payment(
    store: &SqliteStore,
    payment_id: &str,
) -> Result<Option<i64>, BookingError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached("SELECT id FROM booking_order WHERE payment_id = ?1")?;
    Ok(stmt.query_row([payment_id], |r| r.get(0)).optional()?)
}

/// Orders still waiting (holding or awaiting payment) whose holds have lapsed.
pub(super) fn waiting_past(store: &SqliteStore, now: &str) -> Result<Vec<i64>, BookingError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM booking_order WHERE state IN ('holding', 'awaiting_payment') AND holds_expire_at <= ?1",
    )?;
    Ok(stmt
        .query_map([now], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Orders a crash may have left mid-saga.
pub(super) fn unfinished(store: &SqliteStore) -> Result<Vec<(i64, String)>, BookingError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, state FROM booking_order
         WHERE state IN ('holding', 'awaiting_payment', 'confirming', 'cancelling')",
    )?;
    Ok(stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

pub(super) fn orders_of(store: &SqliteStore, account: i64) -> Result<Vec<i64>, BookingError> {
    let conn = store.conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM booking_order WHERE account_id = ?1 ORDER BY id DESC LIMIT 100",
    )?;
    Ok(stmt
        .query_map([account], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

pub(super) fn revoke_passes(
    store: &SqliteStore,
    order_id: i64,
    now: &str,
) -> Result<(), BookingError> {
    exec(
        store,
        "UPDATE pass SET state = 'revoked', changed_at = ?2 WHERE order_id = ?1 AND state = 'valid'",
        params![order_id, now],
    )?;
    Ok(())
}

/// Gives a sub-order its vehicle, or another one; `false` when it already had this one.
pub(super) fn set_vehicle(
    store: &SqliteStore,
    sub_order_id: i64,
    vehicle: &Vehicle,
    now: &str,
) -> Result<bool, BookingError> {
    let changed = exec(
        store,
        "INSERT INTO transport_vehicle (sub_order_id, plate, driver, driver_phone, assigned_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (sub_order_id) DO UPDATE SET plate = excluded.plate,
            driver = excluded.driver, driver_phone = excluded.driver_phone,
            assigned_at = excluded.assigned_at
         WHERE plate <> excluded.plate OR driver <> excluded.driver
            OR driver_phone <> excluded.driver_phone",
        params![
            sub_order_id,
            vehicle.plate,
            vehicle.driver,
            vehicle.driver_phone,
            now
        ],
    )?;
    Ok(changed == 1)
}

/// An order as stored, read in one go; [`StoredOrder::into_order`] makes the API's view
/// of it without the store.
pub(super) struct StoredOrder {
    row: OrderRow,
    payment: Payment,
    subs: Vec<SubRow>,
    passes: Vec<StoredPass>,
}

/// A pass as stored: what was issued, and what became of it (`valid`, `used`, `revoked`).
struct StoredPass {
    pass: PassRow,
    state: String,
}

/// Reads everything the API shows of an order.
pub(super) fn stored(
    store: &SqliteStore,
    row: OrderRow,
    payment: Payment,
) -> Result<StoredOrder, BookingError> {
    let subs = sub_orders(store, row.id)?;
    let passes = {
        let conn = store.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT pass_id, sub_order_id, product_id, name_json, holder, date, slot, code, state FROM pass WHERE order_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([row.id], |r| {
            Ok(StoredPass {
                pass: PassRow {
                    pass_id: r.get(0)?,
                    sub_order_id: r.get(1)?,
                    product_id: r.get(2)?,
                    name_json: r.get(3)?,
                    holder: r.get(4)?,
                    date: r.get(5)?,
                    slot: r.get(6)?,
                    code: r.get(7)?,
                },
                state: r.get(8)?,
            })
        })?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    Ok(StoredOrder {
        row,
        payment,
        subs,
        passes,
    })
}

impl StoredOrder {
    /// An order its unit has just written and confirmed whole, as the store now holds it,
    /// without reading it back: the order and every sub-order confirmed (the sub-orders
    /// as recorded before, each with its hold), every pass valid in the order written.
    pub(super) fn confirmed(
        mut row: OrderRow,
        subs: Vec<SubRow>,
        payment: Payment,
        passes: Vec<PassRow>,
    ) -> StoredOrder {
        row.state = "confirmed".into();
        row.problem_json = None;
        let subs = subs
            .into_iter()
            .map(|s| SubRow {
                state: "confirmed".into(),
                ..s
            })
            .collect();
        let passes = passes
            .into_iter()
            .map(|pass| StoredPass {
                pass,
                state: "valid".into(),
            })
            .collect();
        StoredOrder {
            row,
            payment,
            subs,
            passes,
        }
    }

    pub(super) fn id(&self) -> i64 {
        self.row.id
    }

    /// The order as the API shows it.
    pub(super) fn into_order(self) -> Result<Order, BookingError> {
        let StoredOrder {
            row,
            payment,
            subs,
            passes,
        } = self;
        let sub_orders = subs
            .into_iter()
            .map(|s| {
                Ok(SubOrder {
                    id: s.id,
                    provider: s.module,
                    state: sub_state(&s.state),
                    lines: serde_json::from_str(&s.lines_json)?,
                    amount: Fen(s.amount),
                    refunded: Fen(s.refunded),
                    note: s
                        .note_json
                        .as_deref()
                        .map(serde_json::from_str)
                        .transpose()?,
                    vehicle: s.vehicle,
                })
            })
            .collect::<Result<Vec<_>, BookingError>>()?;
        let passes = passes
            .into_iter()
            .map(|StoredPass { pass: p, state }| {
                Ok(IssuedPass {
                    pass_id: p.pass_id,
                    sub_order_id: p.sub_order_id,
                    product_id: p.product_id,
                    name: serde_json::from_str(&p.name_json)?,
                    holder: p.holder,
                    date: p.date,
                    slot: p.slot.and_then(|s| {
                        let (a, b) = s.split_once('-')?;
                        Some((a.parse().ok()?, b.parse().ok()?))
                    }),
                    code: p.code,
                    state: match state.as_str() {
                        "revoked" => PassState::Revoked,
                        "used" => PassState::Used,
                        _ => PassState::Valid,
                    },
                })
            })
            .collect::<Result<Vec<_>, BookingError>>()?;
        let state = match row.state.as_str() {
            "confirmed" => OrderState::Confirmed,
            "partly_confirmed" => OrderState::PartlyConfirmed,
            "failed" => OrderState::Failed,
            "expired" => OrderState::Expired,
            // Cancelling is decided; a restart finishes it.
            "cancelled" | "cancelling" => OrderState::Cancelled,
            // holding, awaiting_payment, confirming: paid or not, not settled yet.
            _ => OrderState::AwaitingPayment,
        };
        let quote: Quote = serde_json::from_str(&row.quote_json)?;
        Ok(Order {
            id: row.id,
            region_id: row.region_id,
            date: row.date,
            state,
            created_at: row.created_at,
            holds_expire_at: (state == OrderState::AwaitingPayment).then_some(row.holds_expire_at),
            quote,
            combo: row
                .combo_json
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
            payment,
            sub_orders,
            passes,
            problem: row
                .problem_json
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
        })
    }
}

pub(super) fn sub_state(s: &str) -> SubOrderState {
    match s {
        "confirmed" => SubOrderState::Confirmed,
        "adjusted" => SubOrderState::Adjusted,
        "released" => SubOrderState::Released,
        "failed" => SubOrderState::Failed,
        "cancelled" => SubOrderState::Cancelled,
        // pending (about to be held) and held.
        _ => SubOrderState::Held,
    }
}

/// A module's name in the store (`sub_order.provider`, and each module's table prefix).
pub(crate) fn module_str(m: Module) -> &'static str {
    match m {
        Module::Scenic => "scenic",
        Module::Hotel => "hotel",
        Module::Transport => "transport",
    }
}

pub(crate) fn module_of(s: &str) -> Module {
    match s {
        "hotel" => Module::Hotel,
        "transport" => Module::Transport,
        _ => Module::Scenic,
    }
}

/// Adds sub-orders to an order that exists (a re-booking's new ones).
pub(super) fn add_subs(
    store: &SqliteStore,
    order_id: i64,
    subs: Vec<NewSub>,
) -> Result<Vec<SubRow>, BookingError> {
    let conn = store.conn()?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO sub_order (order_id, provider, state, items_json, lines_json, amount, hold_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut rows = Vec::with_capacity(subs.len());
    for s in subs {
        insert.execute(params![
            order_id,
            module_str(s.module),
            s.state,
            s.items_json,
            s.lines_json,
            s.amount,
            s.hold
        ])?;
        rows.push(SubRow {
            id: conn.last_insert_rowid(),
            module: s.module,
            state: s.state.to_owned(),
            items_json: s.items_json,
            lines_json: s.lines_json,
            amount: s.amount,
            refunded: 0,
            hold_id: s.hold,
            note_json: None,
            vehicle: None,
        });
    }
    Ok(rows)
}

/// Revokes the valid passes of a sub-order; with `products`, only those of these products.
pub(super) fn revoke_sub_passes(
    store: &SqliteStore,
    sub_order_id: i64,
    products: Option<&[String]>,
    now: &str,
) -> Result<(), BookingError> {
    let conn = store.conn()?;
    let mut revoke = conn.prepare_cached(
        "UPDATE pass SET state = 'revoked', changed_at = ?2
         WHERE sub_order_id = ?1 AND state = 'valid' AND (?3 IS NULL OR product_id = ?3)",
    )?;
    match products {
        None => {
            revoke.execute(params![sub_order_id, now, None::<String>])?;
        }
        Some(products) => {
            for product in products {
                revoke.execute(params![sub_order_id, now, product])?;
            }
        }
    }
    Ok(())
}

/// An order re-booked under a disruption: its new date, combo and price, and what
/// happened, said on the order.
pub(super) fn rebooked(
    store: &SqliteStore,
    order_id: i64,
    date: &str,
    combo_json: &str,
    quote_json: &str,
    problem: &Text,
) -> Result<(), BookingError> {
    exec(
        store,
        "UPDATE booking_order SET date = ?2, combo_json = ?3, quote_json = ?4, problem_json = ?5
         WHERE id = ?1",
        params![
            order_id,
            date,
            combo_json,
            quote_json,
            serde_json::to_string(problem)?
        ],
    )?;
    Ok(())
}

/// Puts a note on an order (what a disruption's refund did) without changing its state.
pub(super) fn note_order(
    store: &SqliteStore,
    order_id: i64,
    problem: &Text,
) -> Result<(), BookingError> {
    exec(
        store,
        "UPDATE booking_order SET problem_json = ?2 WHERE id = ?1",
        params![order_id, serde_json::to_string(problem)?],
    )?;
    Ok(())
}
