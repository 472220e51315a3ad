//! Accounts as the platform stores them: codes, sessions, sealed mobile numbers and
//! saved travellers.

use rusqlite::{OptionalExtension, params};

use crate::sqlite::{Savepoint, SqliteStore};
use crate::store::{SealedMobile, StoreError, StoredCode, StoredTraveller};

/// An account whose mobile number is not under the current key: its id, the number in
/// plain text (rows from before sealing) and its sealed form.
pub type MobileToSeal = (i64, Option<String>, Option<Vec<u8>>);

impl SqliteStore {
    pub fn put_code(&self, mobile: &str, code: &StoredCode) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT OR REPLACE INTO sign_in_code (mobile, code_hash, issued_at, expires_at, attempts)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![mobile, code.code_hash, code.issued_at, code.expires_at, code.attempts],
        )?;
        Ok(())
    }

    pub fn code(&self, mobile: &str) -> Result<Option<StoredCode>, StoreError> {
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

    pub fn take_attempt(
        &self,
        mobile: &str,
        max_attempts: u32,
        now: &str,
    ) -> Result<Option<StoredCode>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "UPDATE sign_in_code SET attempts = attempts + 1
                 WHERE mobile = ?1 AND attempts < ?2 AND expires_at > ?3
                 RETURNING code_hash, issued_at, expires_at, attempts",
                params![mobile, max_attempts, now],
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

    pub fn claim_code(&self, mobile: &str, code_hash: &str) -> Result<bool, StoreError> {
        let n = self.conn()?.execute(
            "DELETE FROM sign_in_code WHERE mobile = ?1 AND code_hash = ?2",
            [mobile, code_hash],
        )?;
        Ok(n == 1)
    }

    pub fn delete_code(&self, mobile: &str) -> Result<(), StoreError> {
        self.conn()?
            .execute("DELETE FROM sign_in_code WHERE mobile = ?1", [mobile])?;
        Ok(())
    }

    pub fn account_for(&self, mobile: &SealedMobile, now: &str) -> Result<i64, StoreError> {
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO account (mobile, created_at, mobile_lookup, mobile_masked, mobile_sealed)
             VALUES ('sealed:' || ?1, ?2, ?1, ?3, ?4) ON CONFLICT DO NOTHING",
            params![mobile.lookup, now, mobile.masked, mobile.sealed],
        )?;
        Ok(conn.query_row(
            "SELECT id FROM account WHERE mobile_lookup = ?1",
            [&mobile.lookup],
            |r| r.get(0),
        )?)
    }

    pub fn mobiles_to_seal(&self, prefix: &str) -> Result<Vec<MobileToSeal>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, CASE WHEN mobile_lookup IS NULL THEN mobile END, mobile_sealed FROM account
             WHERE mobile NOT LIKE 'deleted:%'
               AND (mobile_lookup IS NULL OR substr(mobile_lookup, 1, length(?1)) <> ?1)",
        )?;
        let rows = stmt.query_map([prefix], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn seal_mobile(&self, account_id: i64, mobile: &SealedMobile) -> Result<(), StoreError> {
        self.conn()?.execute(
            "UPDATE account SET mobile = 'sealed:' || ?2, mobile_lookup = ?2, mobile_masked = ?3,
                mobile_sealed = ?4 WHERE id = ?1",
            params![account_id, mobile.lookup, mobile.masked, mobile.sealed],
        )?;
        Ok(())
    }

    pub fn put_session(
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

    pub fn session_account(
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

    pub fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        let n = self
            .conn()?
            .execute("DELETE FROM session WHERE token_hash = ?1", [token_hash])?;
        Ok(n == 1)
    }

    pub fn delete_sessions(&self, account_id: i64) -> Result<usize, StoreError> {
        Ok(self
            .conn()?
            .execute("DELETE FROM session WHERE account_id = ?1", [account_id])?)
    }

    pub fn prune_expired(&self, now: &str) -> Result<usize, StoreError> {
        let conn = self.conn()?;
        let codes = conn.execute("DELETE FROM sign_in_code WHERE expires_at <= ?1", [now])?;
        let sessions = conn.execute("DELETE FROM session WHERE expires_at <= ?1", [now])?;
        Ok(codes + sessions)
    }

    pub fn lookups_to_rehash(
        &self,
        prefix: &str,
    ) -> Result<Vec<(i64, String, Vec<u8>)>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, id_kind, id_cipher FROM traveller WHERE substr(id_lookup, 1, length(?1)) <> ?1",
        )?;
        let rows = stmt.query_map([prefix], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn account(&self, account_id: i64) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT COALESCE(mobile_masked, ''), created_at FROM account WHERE id = ?1",
                [account_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The keyed hash the account's mobile number is found by.
    pub fn mobile_lookup(&self, account_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT mobile_lookup FROM account WHERE id = ?1",
                [account_id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    pub fn session_count(&self, account_id: i64) -> Result<u32, StoreError> {
        Ok(self.conn()?.query_row(
            "SELECT COUNT(*) FROM session WHERE account_id = ?1",
            [account_id],
            |r| r.get(0),
        )?)
    }

    pub fn consent_detail(&self, account_id: i64) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT notice_version, agreed_at FROM consent WHERE account_id = ?1",
                [account_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn delete_account_data(&self, account_id: i64) -> Result<(), StoreError> {
        let conn = self.conn()?;
        let tx = Savepoint::begin(&conn)?;
        tx.execute(
            "DELETE FROM sign_in_code WHERE mobile = (SELECT mobile_lookup FROM account WHERE id = ?1)",
            [account_id],
        )?;
        for table in [
            "traveller",
            "session",
            "consent",
            "gate_post",
            "calendar_feed",
            "calendar_sequence",
            "disruption_case",
        ] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE account_id = ?1"),
                [account_id],
            )?;
        }
        crate::support::delete_account(&tx, account_id)?;
        // The number is gone; the row stays for the orders that point at it.
        tx.execute(
            "UPDATE account SET mobile = 'deleted:' || id, mobile_lookup = NULL,
                mobile_masked = NULL, mobile_sealed = NULL WHERE id = ?1",
            [account_id],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn consent(&self, account_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT notice_version FROM consent WHERE account_id = ?1",
                [account_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn record_consent(
        &self,
        account_id: i64,
        version: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT INTO consent (account_id, notice_version, agreed_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (account_id) DO UPDATE SET
                notice_version = excluded.notice_version, agreed_at = excluded.agreed_at",
            params![account_id, version, now],
        )?;
        Ok(())
    }

    pub fn reseal_traveller(
        &self,
        traveller_id: i64,
        sealed: &[u8],
        lookup: &str,
    ) -> Result<(), StoreError> {
        self.conn()?.execute(
            "UPDATE traveller SET id_cipher = ?2, id_lookup = ?3 WHERE id = ?1",
            params![traveller_id, sealed, lookup],
        )?;
        Ok(())
    }

    pub fn add_traveller(
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

    pub fn travellers(&self, account_id: i64) -> Result<Vec<StoredTraveller>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
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

    pub fn remove_traveller(&self, account_id: i64, id: i64) -> Result<bool, StoreError> {
        let n = self.conn()?.execute(
            "DELETE FROM traveller WHERE account_id = ?1 AND id = ?2",
            params![account_id, id],
        )?;
        Ok(n == 1)
    }
}
