//! Inventory with holds, the shape every provider module shares: a stock row per
//! sellable resource (a slot on a day, a room type on a night, a shuttle departure),
//! places held for a while during booking, then confirmed (sold), released, or after a
//! sale cancelled back into stock.
//!
//! Nothing is ever oversold: `held + sold <= capacity` is a CHECK on each stock table,
//! and a hold only succeeds through conditional updates that respect it, all of a hold's
//! resources in one transaction or none.

use rusqlite::{Connection, OptionalExtension, params};

use crate::sqlite::{Savepoint, SqliteStore};
use crate::store::StoreError;

/// One provider module's tables: `{name}_stock`, `{name}_hold`, `{name}_hold_line`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inventory {
    name: &'static str,
}

pub const SCENIC: Inventory = Inventory { name: "scenic" };
pub const HOTEL: Inventory = Inventory { name: "hotel" };
pub const TRANSPORT: Inventory = Inventory { name: "transport" };

/// The tables of a provider module.
pub fn of(module: tongyou_core::api::Provider) -> Inventory {
    use tongyou_core::api::Provider as Module;
    match module {
        Module::Scenic => SCENIC,
        Module::Hotel => HOTEL,
        Module::Transport => TRANSPORT,
    }
}

/// Places wanted of one resource. `capacity` comes from the catalog and is used the first
/// time the resource is touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Want {
    pub resource: String,
    pub capacity: u32,
    pub quantity: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stock {
    pub capacity: u32,
    pub held: u32,
    pub sold: u32,
}

impl Stock {
    pub fn remaining(&self) -> u32 {
        self.capacity.saturating_sub(self.held + self.sold)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("only {remaining} left of {resource}")]
    SoldOut { resource: String, remaining: u32 },
    #[error("hold {0} does not exist")]
    UnknownHold(i64),
    #[error("hold {0} expired or was released; hold again")]
    HoldGone(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for InventoryError {
    fn from(e: rusqlite::Error) -> Self {
        InventoryError::Store(StoreError::Database(e))
    }
}

impl Inventory {
    /// Holds every want until `expires_at` (RFC 3339 UTC), all or nothing.
    pub fn hold(
        self,
        store: &SqliteStore,
        wants: &[Want],
        expires_at: &str,
    ) -> Result<i64, InventoryError> {
        let n = self.name;
        let conn = store.conn()?;
        let tx = Savepoint::begin(&conn)?;
        cached(
            &tx,
            &format!("INSERT INTO {n}_hold (state, expires_at) VALUES ('held', ?1)"),
            [expires_at],
        )?;
        let hold = tx.last_insert_rowid();
        for want in wants {
            // The first hold of a resource makes its row; later ones take from it, only
            // while what is held and sold stays within capacity.
            let taken = want.quantity <= want.capacity
                && cached(
                    &tx,
                    &format!(
                        "INSERT INTO {n}_stock (resource, capacity, held) VALUES (?1, ?2, ?3)
                         ON CONFLICT (resource) DO UPDATE SET held = held + excluded.held
                         WHERE held + sold + excluded.held <= capacity"
                    ),
                    params![want.resource, want.capacity, want.quantity],
                )? == 1;
            if !taken {
                // Dropping the transaction rolls back the wants already taken. A resource
                // nobody has held yet still has all of its capacity.
                let remaining =
                    stock_in(&tx, n, &want.resource)?.map_or(want.capacity, |s| s.remaining());
                return Err(InventoryError::SoldOut {
                    resource: want.resource.clone(),
                    remaining,
                });
            }
            cached(
                &tx,
                &format!(
                    "INSERT INTO {n}_hold_line (hold_id, resource, quantity) VALUES (?1, ?2, ?3)"
                ),
                params![hold, want.resource, want.quantity],
            )?;
        }
        tx.commit()?;
        Ok(hold)
    }

    /// Turns a live hold into sold places. Confirming twice is harmless; an expired hold
    /// is refused.
    pub fn confirm(self, store: &SqliteStore, hold: i64, now: &str) -> Result<(), InventoryError> {
        self.settle(
            store,
            hold,
            "held",
            Some(now),
            "confirmed",
            "held = held - line.q, sold = sold + line.q",
        )
    }

    /// Gives a hold's places back. Releasing twice, or a confirmed hold, is harmless.
    pub fn release(self, store: &SqliteStore, hold: i64) -> Result<(), InventoryError> {
        match self.settle(
            store,
            hold,
            "held",
            None,
            "released",
            "held = held - line.q",
        ) {
            Err(InventoryError::HoldGone(_)) => Ok(()),
            other => other,
        }
    }

    /// Puts sold places back on sale. Cancelling twice is harmless.
    pub fn cancel(self, store: &SqliteStore, hold: i64) -> Result<(), InventoryError> {
        match self.settle(
            store,
            hold,
            "confirmed",
            None,
            "cancelled",
            "sold = sold - line.q",
        ) {
            // Never confirmed: release what is held instead.
            Err(InventoryError::HoldGone(_)) => self.release(store, hold),
            other => other,
        }
    }

    /// Releases every hold that expired at or before `now`; returns how many.
    pub fn release_expired(self, store: &SqliteStore, now: &str) -> Result<usize, InventoryError> {
        let n = self.name;
        let expired: Vec<i64> = {
            let conn = store.conn()?;
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT id FROM {n}_hold WHERE state = 'held' AND expires_at <= ?1"
            ))?;
            stmt.query_map([now], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        for id in &expired {
            self.release(store, *id)?;
        }
        Ok(expired.len())
    }

    pub fn stock(
        self,
        store: &SqliteStore,
        resource: &str,
    ) -> Result<Option<Stock>, InventoryError> {
        let conn = store.conn()?;
        stock_in(&conn, self.name, resource)
    }

    /// Places still held across every resource: zero once every hold is settled.
    pub fn total_held(self, store: &SqliteStore) -> Result<u64, InventoryError> {
        let conn = store.conn()?;
        Ok(conn.query_row(
            &format!("SELECT COALESCE(SUM(held), 0) FROM {}_stock", self.name),
            [],
            |r| r.get(0),
        )?)
    }

    /// Moves a hold from state `from` to `to`, applying `change` to each of its stock
    /// rows (`line.q` is the held quantity), atomically. With `now`, an expired hold is refused instead.
    fn settle(
        self,
        store: &SqliteStore,
        hold: i64,
        from: &str,
        now: Option<&str>,
        to: &str,
        change: &str,
    ) -> Result<(), InventoryError> {
        let n = self.name;
        let conn = store.conn()?;
        let tx = Savepoint::begin(&conn)?;
        let row: Option<(String, String)> = tx
            .prepare_cached(&format!(
                "SELECT state, expires_at FROM {n}_hold WHERE id = ?1"
            ))?
            .query_row([hold], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((state, expires_at)) = row else {
            return Err(InventoryError::UnknownHold(hold));
        };
        if state == to {
            return Ok(());
        }
        if state != from || now.is_some_and(|now| expires_at.as_str() <= now) {
            return Err(InventoryError::HoldGone(hold));
        }
        cached(&tx, &format!(
                "UPDATE {n}_stock SET {change} FROM (SELECT resource AS r, quantity AS q FROM {n}_hold_line WHERE hold_id = ?1) AS line
                 WHERE resource = line.r"
            ),
            [hold],
        )?;
        cached(
            &tx,
            &format!("UPDATE {n}_hold SET state = ?2 WHERE id = ?1"),
            params![hold, to],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Runs a statement through the connection's statement cache: the hot path of every
/// booking, so it should not be parsed again each time.
fn cached(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

fn stock_in(
    conn: &Connection,
    table: &str,
    resource: &str,
) -> Result<Option<Stock>, InventoryError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT capacity, held, sold FROM {table}_stock WHERE resource = ?1"
        ))?
        .query_row([resource], |r| {
            Ok(Stock {
                capacity: r.get(0)?,
                held: r.get(1)?,
                sold: r.get(2)?,
            })
        })
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::sync::Arc;

    const LATER: &str = "2026-11-22T09:00:00+00:00";
    const NOW: &str = "2026-11-22T08:00:00+00:00";
    const SLOT: &str = "huangshan/2026-12-01/early";

    fn want(resource: &str, capacity: u32, quantity: u32) -> Want {
        Want {
            resource: resource.into(),
            capacity,
            quantity,
        }
    }

    fn store() -> SqliteStore {
        SqliteStore::open(Path::new(":memory:")).unwrap()
    }

    fn remaining(s: &SqliteStore, resource: &str) -> u32 {
        SCENIC.stock(s, resource).unwrap().unwrap().remaining()
    }

    #[test]
    fn hold_confirm_release_cancel_move_places() {
        let s = store();
        let a = SCENIC.hold(&s, &[want(SLOT, 10, 3)], LATER).unwrap();
        let b = SCENIC.hold(&s, &[want(SLOT, 10, 2)], LATER).unwrap();
        assert_eq!(remaining(&s, SLOT), 5);
        SCENIC.confirm(&s, a, NOW).unwrap();
        SCENIC.confirm(&s, a, NOW).unwrap();
        SCENIC.release(&s, b).unwrap();
        SCENIC.release(&s, b).unwrap();
        let after = SCENIC.stock(&s, SLOT).unwrap().unwrap();
        assert_eq!((after.held, after.sold, after.remaining()), (0, 3, 7));
        // A confirmed hold is not given back by a late release, only by a cancel.
        SCENIC.release(&s, a).unwrap();
        assert_eq!(SCENIC.stock(&s, SLOT).unwrap().unwrap().sold, 3);
        SCENIC.cancel(&s, a).unwrap();
        SCENIC.cancel(&s, a).unwrap();
        assert_eq!(remaining(&s, SLOT), 10);
    }

    #[test]
    fn a_hold_is_all_or_nothing_across_resources() {
        let s = store();
        let nights = ["beihai/twin/2026-12-01", "beihai/twin/2026-12-02"];
        HOTEL.hold(&s, &[want(nights[1], 2, 2)], LATER).unwrap();
        let refused = HOTEL.hold(&s, &[want(nights[0], 2, 1), want(nights[1], 2, 1)], LATER);
        match refused {
            Err(InventoryError::SoldOut {
                resource,
                remaining,
            }) => {
                assert_eq!((resource.as_str(), remaining), (nights[1], 0));
            }
            other => panic!("expected sold out, got {other:?}"),
        }
        // The first night was not left held by the failed attempt.
        assert_eq!(HOTEL.stock(&s, nights[0]).unwrap().map_or(0, |s| s.held), 0);
        assert_eq!(HOTEL.total_held(&s).unwrap(), 2);
    }

    #[test]
    fn modules_keep_their_own_tables() {
        let s = store();
        SCENIC.hold(&s, &[want("x", 1, 1)], LATER).unwrap();
        assert!(TRANSPORT.hold(&s, &[want("x", 1, 1)], LATER).is_ok());
        assert_eq!(HOTEL.stock(&s, "x").unwrap(), None);
    }

    #[test]
    fn expired_holds_are_swept_and_cannot_be_confirmed() {
        let s = store();
        let h = SCENIC.hold(&s, &[want(SLOT, 5, 5)], NOW).unwrap();
        assert!(matches!(
            SCENIC.confirm(&s, h, LATER),
            Err(InventoryError::HoldGone(_))
        ));
        assert_eq!(SCENIC.release_expired(&s, LATER).unwrap(), 1);
        assert_eq!(remaining(&s, SLOT), 5);
        assert_eq!(SCENIC.release_expired(&s, LATER).unwrap(), 0);
    }

    #[test]
    fn the_table_itself_refuses_an_oversell() {
        let s = store();
        SCENIC.hold(&s, &[want(SLOT, 2, 2)], LATER).unwrap();
        let conn = s.conn().unwrap();
        let direct = conn.execute("UPDATE scenic_stock SET sold = sold + 1", []);
        assert!(
            direct.is_err(),
            "the CHECK constraint must refuse held + sold > capacity"
        );
    }

    #[test]
    fn racing_buyers_get_exactly_the_capacity() {
        let dir = tempfile::tempdir().unwrap();
        let s = Arc::new(SqliteStore::open(&dir.path().join("race.db")).unwrap());
        let capacity = 37;
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let s = Arc::clone(&s);
                std::thread::spawn(move || {
                    (0..20)
                        .filter(|_| SCENIC.hold(&s, &[want(SLOT, capacity, 1)], LATER).is_ok())
                        .count()
                })
            })
            .collect();
        let granted: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(granted, capacity as usize);
        let a = SCENIC.stock(&s, SLOT).unwrap().unwrap();
        assert_eq!((a.held, a.remaining()), (capacity, 0));
    }
}
