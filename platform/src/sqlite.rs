//! The embedded SQLite store. One connection behind a mutex: the catalog is small and
//! read-mostly, and SQLite serialises writers anyway.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use tongyou_core::api::{CatalogSnapshot, RegionSummary};
use tongyou_core::catalog::Catalog;
use tongyou_core::text::Text;

use crate::store::{AccountStore, CatalogStore, StoreError, StoredCode, StoredTraveller};

/// Append-only: never edit a released migration, add a new file.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../migrations/20261122_0001_catalog.sql")),
    M::up(include_str!("../migrations/20261122_0002_accounts.sql")),
    M::up(include_str!(
        "../migrations/20261122_0003_scenic_inventory.sql"
    )),
    M::up(include_str!("../migrations/20261122_0004_booking.sql")),
    M::up(include_str!("../migrations/20261122_0005_gates.sql")),
    M::up(include_str!("../migrations/20261122_0006_crowd.sql")),
    M::up(include_str!(
        "../migrations/20261122_0007_traveller_ids.sql"
    )),
];

pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, or in memory for `:memory:`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let mut conn = if path.as_os_str() == ":memory:" {
            Connection::open_in_memory()?
        } else {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                // A missing folder surfaces as the open error just below.
                let _ = std::fs::create_dir_all(dir);
            }
            Connection::open(path)?
        };
        // The platform is the database's only user: holding the lock for good saves two
        // file-lock system calls per transaction on the booking path.
        // 4 KiB pages: on the booking rush they cost less CPU per order than 1 KiB (more log
        // frames per commit, each a write) and ran faster than 8 KiB. (Set when the file
        // is made.)
        conn.pragma_update(None, "page_size", 4096)?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Checkpoint every ~32 MB of log instead of 4 MB: the saga rewrites the same hot
        // pages (stock rows, indexes) many times, and each checkpoint writes them once.
        conn.pragma_update(None, "wal_autocheckpoint", 8000)?;
        conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Every hot statement of the booking saga stays prepared.
        conn.set_prepared_statement_cache_capacity(256);
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }
}

impl CatalogStore for SqliteStore {
    fn put_catalog(&self, catalog: &Catalog) -> Result<(), StoreError> {
        let json = serde_json::to_string(catalog)?;
        let r = &catalog.region;
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM region WHERE id = ?1", [&r.id])?;
        tx.execute(
            "INSERT INTO region (id, name_zh, name_en, demo, catalog_version, catalog_json, loaded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![r.id, r.name.zh, r.name.en, r.demo, catalog.version(), json, chrono::Utc::now().to_rfc3339()],
        )?;
        {
            let mut item = tx.prepare(
                "INSERT INTO catalog_item (region_id, kind, id, name_zh, name_en) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut add = |kind: &str, id: &str, name: &Text| {
                item.execute(params![r.id, kind, id, name.zh, name.en])
            };
            for s in &catalog.sights {
                add("sight", &s.id, &s.name)?;
            }
            for c in &catalog.cable_cars {
                add("lift", &c.id, &c.name)?;
            }
            for h in &catalog.hotels {
                add("hotel", &h.id, &h.name)?;
            }
            for s in &catalog.shuttles {
                add("shuttle", &s.id, &s.name)?;
            }
            for t in &catalog.tickets {
                add("ticket", &t.id, &t.name)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn retain_regions(&self, ids: &[&str]) -> Result<Vec<String>, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let stored: Vec<String> = {
            let mut stmt = tx.prepare("SELECT id FROM region")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        let gone: Vec<String> = stored
            .into_iter()
            .filter(|id| !ids.contains(&id.as_str()))
            .collect();
        for id in &gone {
            tx.execute("DELETE FROM region WHERE id = ?1", [id])?;
        }
        tx.commit()?;
        Ok(gone)
    }

    fn regions(&self) -> Result<Vec<RegionSummary>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, name_zh, name_en, demo, catalog_version FROM region ORDER BY id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(RegionSummary {
                id: row.get(0)?,
                name: Text::new(row.get::<_, String>(1)?, row.get::<_, String>(2)?),
                demo: row.get(3)?,
                catalog_version: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn snapshot(&self, region_id: &str) -> Result<Option<CatalogSnapshot>, StoreError> {
        let conn = self.conn()?;
        let row: Option<(String, String)> = conn
            .query_row(
                "SELECT catalog_version, catalog_json FROM region WHERE id = ?1",
                [region_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        match row {
            None => Ok(None),
            Some((version, json)) => Ok(Some(CatalogSnapshot {
                version,
                catalog: serde_json::from_str(&json)?,
            })),
        }
    }
}

impl AccountStore for SqliteStore {
    fn put_code(&self, mobile: &str, code: &StoredCode) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT OR REPLACE INTO sign_in_code (mobile, code_hash, issued_at, expires_at, attempts)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![mobile, code.code_hash, code.issued_at, code.expires_at, code.attempts],
        )?;
        Ok(())
    }

    fn code(&self, mobile: &str) -> Result<Option<StoredCode>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT code_hash, issued_at, expires_at, attempts FROM sign_in_code WHERE mobile = ?1",
                [mobile],
                |r| {
                    Ok(StoredCode {
                        code_hash: r.get(0)?,
                        issued_at: r.get(1)?,
                        expires_at: r.get(2)?,
                        attempts: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    fn count_attempt(&self, mobile: &str) -> Result<u32, StoreError> {
        Ok(self.conn()?.query_row(
            "UPDATE sign_in_code SET attempts = attempts + 1 WHERE mobile = ?1 RETURNING attempts",
            [mobile],
            |r| r.get(0),
        )?)
    }

    fn delete_code(&self, mobile: &str) -> Result<(), StoreError> {
        self.conn()?
            .execute("DELETE FROM sign_in_code WHERE mobile = ?1", [mobile])?;
        Ok(())
    }

    fn account_for(&self, mobile: &str, now: &str) -> Result<i64, StoreError> {
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO account (mobile, created_at) VALUES (?1, ?2) ON CONFLICT (mobile) DO NOTHING",
            [mobile, now],
        )?;
        Ok(
            conn.query_row("SELECT id FROM account WHERE mobile = ?1", [mobile], |r| {
                r.get(0)
            })?,
        )
    }

    fn put_session(
        &self,
        token_hash: &str,
        account_id: i64,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT INTO session (token_hash, account_id, expires_at) VALUES (?1, ?2, ?3)",
            params![token_hash, account_id, expires_at],
        )?;
        Ok(())
    }

    fn session_account(
        &self,
        token_hash: &str,
        now: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT account_id, expires_at FROM session WHERE token_hash = ?1 AND expires_at > ?2",
                [token_hash, now],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    fn add_traveller(
        &self,
        account_id: i64,
        t: &StoredTraveller,
        now: &str,
    ) -> Result<Option<i64>, StoreError> {
        let conn = self.conn()?;
        let inserted = conn.execute(
            "INSERT INTO traveller (account_id, name, id_kind, id_cipher, id_masked, id_lookup, birth_date, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (account_id, id_lookup) DO NOTHING",
            params![account_id, t.name, t.id_kind, t.id_cipher, t.id_masked, t.id_lookup, t.birth_date, now],
        )?;
        Ok((inserted == 1).then(|| conn.last_insert_rowid()))
    }

    fn travellers(&self, account_id: i64) -> Result<Vec<StoredTraveller>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, name, id_kind, id_cipher, id_masked, id_lookup, birth_date
             FROM traveller WHERE account_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            Ok(StoredTraveller {
                id: r.get(0)?,
                name: r.get(1)?,
                id_kind: r.get(2)?,
                id_cipher: r.get(3)?,
                id_masked: r.get(4)?,
                id_lookup: r.get(5)?,
                birth_date: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn remove_traveller(&self, account_id: i64, id: i64) -> Result<bool, StoreError> {
        let n = self.conn()?.execute(
            "DELETE FROM traveller WHERE account_id = ?1 AND id = ?2",
            params![account_id, id],
        )?;
        Ok(n == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
    }
}
