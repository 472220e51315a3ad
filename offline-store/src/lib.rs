//! The device's local store (SQLite through rusqlite).
//!
//! The app is offline-first: every screen reads from here, never from the network, and
//! [`sync`] brings the platform's data in when it can be reached. This crate owns the
//! on-device schema and its migrations; it knows nothing about windows or IPC.
//!
//! - [`account`]: the signed-in session, saved travellers and order copies.
//! - [`wallet`]: every pass of those orders, written with them, for the Tickets screen.
//! - [`outbox`]: the tourist's writes made offline, kept until the platform answers.
//! - [`gate`]: a gate station's keys, revocations and scan log.
//! - [`sync`]: catalogs from the platform.

pub mod account;
pub mod events;
pub mod gate;
mod guide;
pub mod outbox;
mod sealed;
pub mod support;
mod visits;

pub use sealed::Keystore;
pub mod sync;
pub mod wallet;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tongyou_core::api::{CatalogSnapshot, Preferences};
use tongyou_core::catalog::Catalog;
use tongyou_core::text::Lang;

/// Append-only: never edit a released migration, add a new file.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../migrations/20261122_0001_catalog.sql")),
    M::up(include_str!("../migrations/20261122_0002_account.sql")),
    M::up(include_str!("../migrations/20261122_0003_wallet_gate.sql")),
    M::up(include_str!("../migrations/20261122_0004_outbox.sql")),
    M::up(include_str!("../migrations/20261205_0005_events.sql")),
    M::up(include_str!("../migrations/20261205_0006_reminders.sql")),
    M::up(include_str!("../migrations/20261207_0007_calendar.sql")),
    M::up(include_str!("../migrations/20261210_0008_support.sql")),
    M::up(include_str!("../migrations/20261212_0009_guide.sql")),
    M::up(include_str!("../migrations/20261215_0010_day_visits.sql")),
    M::up(include_str!(
        "../migrations/20261216_0011_day_visit_removed.sql"
    )),
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("local database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("migrating the local database: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("a stored record is unreadable: {0}")]
    Corrupt(#[from] serde_json::Error),
    /// A value from the platform or the database that this device cannot use.
    #[error("not a valid {what}: {why}")]
    Invalid { what: &'static str, why: String },
    #[error("local database lock poisoned by a panic")]
    Poisoned,
    /// The system would not give random bytes (for an idempotency key).
    #[error("no randomness from the system: {0}")]
    Random(String),
}

/// The stable text a unit enum (a pass state, a refusal) is stored as: its JSON name, so
/// the device and the platform spell it the same way.
pub(crate) fn to_tag<T: Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value)? {
        serde_json::Value::String(tag) => Ok(tag),
        other => Err(StoreError::Invalid {
            what: "tag",
            why: format!("{other} is not a name"),
        }),
    }
}

pub(crate) fn from_tag<T: DeserializeOwned>(
    what: &'static str,
    tag: &str,
) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(tag.to_owned())).map_err(|e| {
        StoreError::Invalid {
            what,
            why: e.to_string(),
        }
    })
}

/// A catalog as held on the device.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCatalog {
    pub version: String,
    pub catalog: Catalog,
    /// RFC 3339.
    pub synced_at: String,
}

/// The outcome of the last attempt to sync, kept so a restarted app can tell the user.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LastSync {
    /// When a sync last succeeded (RFC 3339).
    pub succeeded_at: Option<String>,
    /// Why the latest attempt failed, if it did.
    pub error: Option<String>,
}

pub struct OfflineStore {
    conn: Mutex<Connection>,
    /// Seals the session token and waiting writes (also through SQL: `seal`, `unseal`).
    key: std::sync::Arc<sealed::DeviceKey>,
}

impl OfflineStore {
    /// Opens (creating if needed) the store at `path`, migrated to the latest schema, with
    /// its device key in the file `device.key` beside it.
    pub fn open(path: &Path) -> Result<OfflineStore, StoreError> {
        Self::open_with(path, None)
    }

    /// The same, with the device key in the operating system's keystore where it answers
    /// (and in `device.key` where not): the app's store.
    pub fn open_on_device(path: &Path) -> Result<OfflineStore, StoreError> {
        Self::open_with(path, sealed::os_keystore(path).as_deref())
    }

    /// The same, with the device key in `keystore` where it takes it.
    pub fn open_with(
        path: &Path,
        keystore: Option<&dyn Keystore>,
    ) -> Result<OfflineStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // A folder that cannot be made surfaces as the open error below.
            let _ = std::fs::create_dir_all(dir);
        }
        let key = sealed::DeviceKey::load_or_create(&path.with_file_name("device.key"), keystore)?;
        Self::setup(Connection::open(path)?, key)
    }

    pub fn open_in_memory() -> Result<OfflineStore, StoreError> {
        Self::setup(Connection::open_in_memory()?, sealed::DeviceKey::random()?)
    }

    fn setup(mut conn: Connection, key: sealed::DeviceKey) -> Result<OfflineStore, StoreError> {
        let key = std::sync::Arc::new(key);
        sealed::register(&conn, std::sync::Arc::clone(&key))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn)?;
        Ok(OfflineStore {
            conn: Mutex::new(conn),
            key,
        })
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }

    /// Stores a region's catalog, replacing whatever version was there.
    pub fn save_catalog(
        &self,
        snapshot: &CatalogSnapshot,
        synced_at: &str,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(&snapshot.catalog)?;
        self.conn()?.execute(
            "INSERT INTO catalog (region_id, version, catalog_json, synced_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (region_id) DO UPDATE SET
                version = excluded.version, catalog_json = excluded.catalog_json, synced_at = excluded.synced_at",
            params![snapshot.catalog.region.id, snapshot.version, json, synced_at],
        )?;
        Ok(())
    }

    /// Marks a catalog as current at `synced_at` without rewriting it.
    pub fn touch_catalog(&self, region_id: &str, synced_at: &str) -> Result<(), StoreError> {
        self.conn()?.execute(
            "UPDATE catalog SET synced_at = ?2 WHERE region_id = ?1",
            params![region_id, synced_at],
        )?;
        Ok(())
    }

    pub fn remove_catalog(&self, region_id: &str) -> Result<(), StoreError> {
        self.conn()?
            .execute("DELETE FROM catalog WHERE region_id = ?1", [region_id])?;
        Ok(())
    }

    pub fn catalog(&self, region_id: &str) -> Result<Option<StoredCatalog>, StoreError> {
        let row: Option<(String, String, String)> = self
            .conn()?
            .query_row(
                "SELECT version, catalog_json, synced_at FROM catalog WHERE region_id = ?1",
                [region_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(version, json, synced_at)| {
            Ok(StoredCatalog {
                version,
                catalog: serde_json::from_str(&json)?,
                synced_at,
            })
        })
        .transpose()
    }

    /// Region ids and their versions, in id order.
    pub fn catalog_versions(&self) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT region_id, version FROM catalog ORDER BY region_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn preferences(&self) -> Result<Preferences, StoreError> {
        let lang = self.setting("lang")?.map(|tag| Lang::from_tag(&tag));
        let reminder_lead_minutes = self
            .setting("reminder.lead_minutes")?
            .and_then(|m| m.parse().ok());
        Ok(Preferences {
            lang,
            reminder_lead_minutes,
        })
    }

    pub fn set_reminder_lead(&self, minutes: u16) -> Result<(), StoreError> {
        self.set_setting("reminder.lead_minutes", &minutes.to_string())
    }

    /// Notes that the reminder `id` due at `at` was shown, and says whether it was new:
    /// `false` when it had already been (so it is shown once, even across restarts). A
    /// reminder whose time moved has a new `at`, and is shown at its new time.
    pub fn mark_reminded(&self, id: &str, at: &str) -> Result<bool, StoreError> {
        let added = self.conn()?.execute(
            "INSERT OR IGNORE INTO reminder_shown (id, at) VALUES (?1, ?2)",
            rusqlite::params![id, at],
        )?;
        Ok(added == 1)
    }

    /// Each exported event's `SEQUENCE`, given its `UID` and fingerprint: the kept one
    /// while the fingerprint is the same, one more (kept from now on) when it changed, 0
    /// for an event never exported.
    pub fn calendar_sequences(
        &self,
        shown: &[(String, String)],
    ) -> Result<std::collections::HashMap<String, u32>, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let mut out = std::collections::HashMap::with_capacity(shown.len());
        {
            let mut read =
                tx.prepare("SELECT fingerprint, sequence FROM calendar_sequence WHERE uid = ?1")?;
            let mut write = tx.prepare(
                "INSERT INTO calendar_sequence (uid, fingerprint, sequence) VALUES (?1, ?2, ?3)
                 ON CONFLICT (uid) DO UPDATE SET
                    fingerprint = excluded.fingerprint, sequence = excluded.sequence",
            )?;
            for (uid, fingerprint) in shown {
                let prior: Option<(String, u32)> = read
                    .query_row([uid], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let sequence = tongyou_core::trip::calendar::sequence_after(
                    prior.as_ref().map(|(f, s)| (f.as_str(), *s)),
                    fingerprint,
                );
                if prior.as_ref().is_none_or(|(f, _)| f != fingerprint) {
                    write.execute(rusqlite::params![uid, fingerprint, sequence])?;
                }
                out.insert(uid.clone(), sequence);
            }
        }
        tx.commit()?;
        Ok(out)
    }

    pub fn set_language(&self, lang: Lang) -> Result<(), StoreError> {
        self.set_setting("lang", lang.tag())
    }

    pub fn last_sync(&self) -> Result<LastSync, StoreError> {
        Ok(LastSync {
            succeeded_at: self.setting("sync.succeeded_at")?,
            error: self.setting("sync.error")?,
        })
    }

    /// Records the outcome of a sync attempt.
    pub fn record_sync(&self, at: &str, error: Option<&str>) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        match error {
            None => {
                tx.execute(
                    "INSERT OR REPLACE INTO setting (key, value) VALUES ('sync.succeeded_at', ?1)",
                    [at],
                )?;
                tx.execute("DELETE FROM setting WHERE key = 'sync.error'", [])?;
            }
            Some(e) => {
                tx.execute(
                    "INSERT OR REPLACE INTO setting (key, value) VALUES ('sync.error', ?1)",
                    [e],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()?
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub(crate) fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT OR REPLACE INTO setting (key, value) VALUES (?1, ?2)",
            [key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
    }

    #[test]
    fn a_device_from_before_the_outbox_keeps_its_data_and_gains_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            // The schema as devices had it before the outbox.
            Migrations::from_slice(&MIGRATIONS[..3])
                .to_latest(&mut conn)
                .unwrap();
            conn.execute("INSERT INTO setting (key, value) VALUES ('lang', 'en')", [])
                .unwrap();
        }
        let store = OfflineStore::open(&path).unwrap();
        assert_eq!(store.preferences().unwrap().lang, Some(Lang::En));
        let write = crate::outbox::OutboxWrite::CancelOrder { order_id: 1 };
        let entry = store.enqueue(7, &write, "t").unwrap();
        assert_eq!(store.pending(7).unwrap(), [entry]);
    }

    #[test]
    fn language_preference_round_trips() {
        let store = OfflineStore::open_in_memory().unwrap();
        assert_eq!(store.preferences().unwrap().lang, None);
        store.set_language(Lang::En).unwrap();
        assert_eq!(store.preferences().unwrap().lang, Some(Lang::En));
        store.set_language(Lang::Zh).unwrap();
        assert_eq!(store.preferences().unwrap().lang, Some(Lang::Zh));
    }

    #[test]
    fn a_failed_sync_keeps_the_last_success() {
        let store = OfflineStore::open_in_memory().unwrap();
        store.record_sync("2026-11-22T08:00:00Z", None).unwrap();
        store
            .record_sync("2026-11-22T09:00:00Z", Some("platform unreachable"))
            .unwrap();
        let last = store.last_sync().unwrap();
        assert_eq!(last.succeeded_at.as_deref(), Some("2026-11-22T08:00:00Z"));
        assert_eq!(last.error.as_deref(), Some("platform unreachable"));
        store.record_sync("2026-11-22T10:00:00Z", None).unwrap();
        assert_eq!(store.last_sync().unwrap().error, None);
    }
}
