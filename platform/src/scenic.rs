//! The scenic provider's inventory: places in timed-entry slots, held for a while during
//! booking, then confirmed (sold) or released. Nothing is ever oversold: the invariant
//! `held + sold <= capacity` is a CHECK on the table, and a hold only succeeds through a
//! conditional update that respects it.
//!
//! This module knows slots and quantities only. Orders, payment and the saga that holds
//! across providers come later and call [`SlotKey`]-level operations here.

use rusqlite::{OptionalExtension, params};

use crate::sqlite::SqliteStore;
use crate::store::StoreError;

/// One slot on one day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SlotKey {
    pub region_id: String,
    /// `YYYY-MM-DD`, region-local.
    pub date: String,
    pub slot_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotAvailability {
    pub capacity: u32,
    pub held: u32,
    pub sold: u32,
}

impl SlotAvailability {
    pub fn remaining(&self) -> u32 {
        self.capacity.saturating_sub(self.held + self.sold)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("only {remaining} places left in this slot")]
    SoldOut { remaining: u32 },
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

impl SqliteStore {
    /// Holds `quantity` places until `expires_at` (RFC 3339 UTC). `capacity` is the slot's
    /// quota from the catalog, used the first time the day's slot is touched.
    pub fn hold_places(
        &self,
        slot: &SlotKey,
        capacity: u32,
        quantity: u32,
        expires_at: &str,
    ) -> Result<i64, InventoryError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO scenic_slot (region_id, date, slot_id, capacity) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            params![slot.region_id, slot.date, slot.slot_id, capacity],
        )?;
        let taken = tx.execute(
            "UPDATE scenic_slot SET held = held + ?4
             WHERE region_id = ?1 AND date = ?2 AND slot_id = ?3 AND held + sold + ?4 <= capacity",
            params![slot.region_id, slot.date, slot.slot_id, quantity],
        )?;
        if taken == 0 {
            let remaining = availability_in(&tx, slot)?.map_or(0, |a| a.remaining());
            return Err(InventoryError::SoldOut { remaining });
        }
        tx.execute(
            "INSERT INTO scenic_hold (region_id, date, slot_id, quantity, state, expires_at)
             VALUES (?1, ?2, ?3, ?4, 'held', ?5)",
            params![
                slot.region_id,
                slot.date,
                slot.slot_id,
                quantity,
                expires_at
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Turns a live hold into sold places. Confirming twice is harmless.
    pub fn confirm_hold(&self, hold: i64, now: &str) -> Result<(), InventoryError> {
        self.settle(
            hold,
            Some(now),
            "confirmed",
            "held = held - ?2, sold = sold + ?2",
        )
    }

    /// Gives a hold's places back. Releasing twice, or a confirmed hold, is harmless.
    pub fn release_hold(&self, hold: i64) -> Result<(), InventoryError> {
        match self.settle(hold, None, "released", "held = held - ?2") {
            Err(InventoryError::HoldGone(_)) => Ok(()),
            other => other,
        }
    }

    /// Releases every hold that expired at or before `now`; returns how many.
    pub fn release_expired_holds(&self, now: &str) -> Result<usize, InventoryError> {
        let expired: Vec<i64> = {
            let conn = self.conn()?;
            let mut stmt = conn
                .prepare("SELECT id FROM scenic_hold WHERE state = 'held' AND expires_at <= ?1")?;
            stmt.query_map([now], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        for id in &expired {
            self.release_hold(*id)?;
        }
        Ok(expired.len())
    }

    pub fn slot_availability(
        &self,
        slot: &SlotKey,
    ) -> Result<Option<SlotAvailability>, InventoryError> {
        let conn = self.conn()?;
        availability_in(&conn, slot)
    }

    /// Moves a hold out of `held` into `to`, applying `change` to its slot, atomically.
    /// With `now`, an expired hold is refused instead.
    fn settle(
        &self,
        hold: i64,
        now: Option<&str>,
        to: &str,
        change: &str,
    ) -> Result<(), InventoryError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let row: Option<(String, String, String, u32, String, String)> = tx
            .query_row(
                "SELECT region_id, date, slot_id, quantity, state, expires_at FROM scenic_hold WHERE id = ?1",
                [hold],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let Some((region_id, date, slot_id, quantity, state, expires_at)) = row else {
            return Err(InventoryError::UnknownHold(hold));
        };
        if state == to {
            return Ok(());
        }
        if state != "held" || now.is_some_and(|now| expires_at.as_str() <= now) {
            return Err(InventoryError::HoldGone(hold));
        }
        tx.execute(
            &format!("UPDATE scenic_slot SET {change} WHERE region_id = ?1 AND date = ?3 AND slot_id = ?4"),
            params![region_id, quantity, date, slot_id],
        )?;
        tx.execute(
            "UPDATE scenic_hold SET state = ?2 WHERE id = ?1",
            params![hold, to],
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn availability_in(
    conn: &rusqlite::Connection,
    slot: &SlotKey,
) -> Result<Option<SlotAvailability>, InventoryError> {
    Ok(conn
        .query_row(
            "SELECT capacity, held, sold FROM scenic_slot WHERE region_id = ?1 AND date = ?2 AND slot_id = ?3",
            params![slot.region_id, slot.date, slot.slot_id],
            |r| Ok(SlotAvailability { capacity: r.get(0)?, held: r.get(1)?, sold: r.get(2)? }),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::sync::Arc;

    const LATER: &str = "2026-11-22T09:00:00+00:00";
    const NOW: &str = "2026-11-22T08:00:00+00:00";

    fn slot() -> SlotKey {
        SlotKey {
            region_id: "huangshan".into(),
            date: "2026-12-01".into(),
            slot_id: "early".into(),
        }
    }

    fn store() -> SqliteStore {
        SqliteStore::open(Path::new(":memory:")).unwrap()
    }

    #[test]
    fn hold_confirm_release_move_places() {
        let s = store();
        let a = s.hold_places(&slot(), 10, 3, LATER).unwrap();
        let b = s.hold_places(&slot(), 10, 2, LATER).unwrap();
        assert_eq!(
            s.slot_availability(&slot()).unwrap().unwrap().remaining(),
            5
        );
        s.confirm_hold(a, NOW).unwrap();
        s.confirm_hold(a, NOW).unwrap();
        s.release_hold(b).unwrap();
        s.release_hold(b).unwrap();
        let after = s.slot_availability(&slot()).unwrap().unwrap();
        assert_eq!((after.held, after.sold, after.remaining()), (0, 3, 7));
        // A confirmed hold is not given back by a late release.
        s.release_hold(a).unwrap();
        assert_eq!(s.slot_availability(&slot()).unwrap().unwrap().sold, 3);
    }

    #[test]
    fn a_hold_past_the_capacity_is_refused_with_what_is_left() {
        let s = store();
        s.hold_places(&slot(), 4, 3, LATER).unwrap();
        match s.hold_places(&slot(), 4, 2, LATER) {
            Err(InventoryError::SoldOut { remaining }) => assert_eq!(remaining, 1),
            other => panic!("expected sold out, got {other:?}"),
        }
        assert!(s.hold_places(&slot(), 4, 1, LATER).is_ok());
    }

    #[test]
    fn expired_holds_are_swept_and_cannot_be_confirmed() {
        let s = store();
        let h = s.hold_places(&slot(), 5, 5, NOW).unwrap();
        assert!(matches!(
            s.confirm_hold(h, LATER),
            Err(InventoryError::HoldGone(_))
        ));
        assert_eq!(s.release_expired_holds(LATER).unwrap(), 1);
        assert_eq!(
            s.slot_availability(&slot()).unwrap().unwrap().remaining(),
            5
        );
        assert_eq!(s.release_expired_holds(LATER).unwrap(), 0);
    }

    #[test]
    fn the_table_itself_refuses_an_oversell() {
        let s = store();
        s.hold_places(&slot(), 2, 2, LATER).unwrap();
        let conn = s.conn().unwrap();
        let direct = conn.execute("UPDATE scenic_slot SET sold = sold + 1", []);
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
                        .filter(|_| s.hold_places(&slot(), capacity, 1, LATER).is_ok())
                        .count()
                })
            })
            .collect();
        let granted: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(granted, capacity as usize);
        let a = s.slot_availability(&slot()).unwrap().unwrap();
        assert_eq!((a.held, a.remaining()), (capacity, 0));
    }
}
