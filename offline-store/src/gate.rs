//! The gate station's half of the device: where it stands, what it needs to decide
//! offline (public keys, revoked passes), and its scan log.
//!
//! Every scan is logged under a random nonce before the gate shows its answer; uploads
//! read the log oldest first and mark what the platform confirmed, so an upload cut off
//! between the two is simply sent again (the platform keeps one entry per nonce). A
//! revocation delta lands in one transaction with its cursor, so a crash never leaves
//! the cursor ahead of the passes it covers. The decision itself is `core::gate`'s; this
//! module only stores and answers "was this pass already admitted here?".

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};
use tongyou_core::api::{GateScan, PublicKey, RevocationDelta};
use tongyou_core::gate::GateCheck;
use tongyou_core::pass::Keyring;

use crate::{OfflineStore, StoreError, from_tag, to_tag};

/// The gate station this device is, with the staff session it syncs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStation {
    pub region_id: String,
    pub gate_id: String,
    /// The staff member's masked mobile.
    pub staff: String,
    /// Bearer token of the staff session; never shown.
    pub token: String,
    /// RFC 3339.
    pub signed_in_at: String,
}

/// How far a region's gate data has been brought in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GateSyncState {
    /// Ask for revocations after this.
    pub cursor: i64,
    /// When keys and revocations last came in (RFC 3339).
    pub synced_at: Option<String>,
    /// Why the latest attempt failed, if it did.
    pub last_error: Option<String>,
}

/// Scans at one gate on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScanCounts {
    pub admitted: u32,
    pub refused: u32,
}

impl OfflineStore {
    /// Makes this device the gate station `station`, replacing any earlier one.
    pub fn save_station(&self, station: &StoredStation) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT OR REPLACE INTO gate_station (id, region_id, gate_id, staff, token, signed_in_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            params![
                station.region_id,
                station.gate_id,
                station.staff,
                station.token,
                station.signed_in_at
            ],
        )?;
        Ok(())
    }

    pub fn station(&self) -> Result<Option<StoredStation>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT region_id, gate_id, staff, token, signed_in_at FROM gate_station WHERE id = 1",
                [],
                |r| {
                    Ok(StoredStation {
                        region_id: r.get(0)?,
                        gate_id: r.get(1)?,
                        staff: r.get(2)?,
                        token: r.get(3)?,
                        signed_in_at: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Stops being a gate station. The scan log, keys and revocations stay: scans not yet
    /// uploaded go up with the next sign-in at their region.
    pub fn forget_station(&self) -> Result<(), StoreError> {
        self.conn()?.execute("DELETE FROM gate_station", [])?;
        Ok(())
    }

    /// Replaces the key ring with the platform's list, in one transaction. A key the
    /// platform no longer lists stops verifying; every key is checked before any is kept.
    pub fn save_keys(&self, keys: &[PublicKey]) -> Result<(), StoreError> {
        for key in keys {
            public_key_bytes(&key.public_key)?;
            hex::decode(&key.holder_salt).map_err(|e| StoreError::Invalid {
                what: "holder salt",
                why: e.to_string(),
            })?;
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM gate_key", [])?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO gate_key (key_id, public_key, holder_salt, retired_at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for key in keys {
                insert.execute(params![
                    key.key_id,
                    key.public_key,
                    key.holder_salt,
                    key.retired_at
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Keys that still verify.
    pub fn active_key_count(&self) -> Result<u32, StoreError> {
        Ok(self.conn()?.query_row(
            "SELECT count(*) FROM gate_key WHERE retired_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Adds a revocation delta and moves the region's cursor to it, in one transaction.
    pub fn save_revocations(&self, delta: &RevocationDelta) -> Result<(), StoreError> {
        for pass_id in &delta.revoked {
            pass_id_bytes(pass_id)?;
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO gate_revoked (pass_id, region_id, cursor) VALUES (?1, ?2, ?3)",
            )?;
            for pass_id in &delta.revoked {
                insert.execute(params![
                    pass_id.to_ascii_lowercase(),
                    delta.region_id,
                    delta.cursor
                ])?;
            }
        }
        tx.execute(
            "INSERT INTO gate_sync (region_id, cursor) VALUES (?1, ?2)
             ON CONFLICT (region_id) DO UPDATE SET cursor = excluded.cursor",
            params![delta.region_id, delta.cursor],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn revoked_count(&self, region_id: &str) -> Result<u32, StoreError> {
        Ok(self.conn()?.query_row(
            "SELECT count(*) FROM gate_revoked WHERE region_id = ?1",
            [region_id],
            |r| r.get(0),
        )?)
    }

    /// Records the outcome of a gate sync: success clears the error and stamps the time;
    /// a failure keeps the last success and says why.
    pub fn record_gate_sync(
        &self,
        region_id: &str,
        at: &str,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let conn = self.conn()?;
        match error {
            None => conn.execute(
                "INSERT INTO gate_sync (region_id, synced_at) VALUES (?1, ?2)
                 ON CONFLICT (region_id) DO UPDATE SET synced_at = ?2, last_error = NULL",
                params![region_id, at],
            )?,
            Some(error) => conn.execute(
                "INSERT INTO gate_sync (region_id, last_error) VALUES (?1, ?2)
                 ON CONFLICT (region_id) DO UPDATE SET last_error = ?2",
                params![region_id, error],
            )?,
        };
        Ok(())
    }

    pub fn gate_sync_state(&self, region_id: &str) -> Result<GateSyncState, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT cursor, synced_at, last_error FROM gate_sync WHERE region_id = ?1",
                [region_id],
                |r| {
                    Ok(GateSyncState {
                        cursor: r.get(0)?,
                        synced_at: r.get(1)?,
                        last_error: r.get(2)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// Everything a gate of `region_id` needs to decide offline: the keys that still
    /// verify and the region's revoked passes. Build it once per sync, not per scan.
    pub fn gate_check(&self, region_id: &str) -> Result<GateCheck, StoreError> {
        let conn = self.conn()?;
        let mut keys = Keyring::new();
        let mut stmt = conn
            .prepare_cached("SELECT key_id, public_key FROM gate_key WHERE retired_at IS NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, u16>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (key_id, public_key) = row?;
            keys.add(key_id, &public_key_bytes(&public_key)?)
                .map_err(|e| StoreError::Invalid {
                    what: "public key",
                    why: e.to_string(),
                })?;
        }
        let mut stmt =
            conn.prepare_cached("SELECT pass_id FROM gate_revoked WHERE region_id = ?1")?;
        let rows = stmt.query_map([region_id], |r| r.get::<_, String>(0))?;
        let mut revoked = HashSet::new();
        for pass_id in rows {
            revoked.insert(pass_id_bytes(&pass_id?)?);
        }
        Ok(GateCheck { keys, revoked })
    }

    /// Logs one scan. Called before the gate shows its answer, so no answer is ever
    /// given that the log does not hold.
    pub fn record_scan(&self, scan: &GateScan) -> Result<(), StoreError> {
        let refusal = scan.refusal.as_ref().map(to_tag).transpose()?;
        self.conn()?
            .prepare_cached(
                "INSERT INTO gate_scan (nonce, region_id, gate_id, scanned_at, pass_id, refusal, people)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                scan.nonce,
                scan.region_id,
                scan.gate_id,
                scan.scanned_at,
                scan.pass_id.as_deref().map(str::to_ascii_lowercase),
                refusal,
                scan.people
            ])?;
        Ok(())
    }

    /// Whether `pass_id` (hex) was admitted at `gate_id`, by this device's own log.
    pub fn admitted_here(&self, pass_id: &str, gate_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()?
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM gate_scan
                 WHERE pass_id = ?1 AND gate_id = ?2 AND refusal IS NULL)",
            )?
            .query_row(params![pass_id.to_ascii_lowercase(), gate_id], |r| r.get(0))?)
    }

    /// Up to `limit` of `region_id`'s scans not yet confirmed by the platform, oldest
    /// first. Per region, because the platform takes a gate's uploads for its own region
    /// only.
    pub fn pending_scans(
        &self,
        region_id: &str,
        limit: usize,
    ) -> Result<Vec<GateScan>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT nonce, region_id, gate_id, scanned_at, pass_id, refusal, people FROM gate_scan
             WHERE region_id = ?1 AND uploaded_at IS NULL ORDER BY scanned_at, nonce LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![region_id, limit], |r| {
            Ok((
                GateScan {
                    nonce: r.get(0)?,
                    region_id: r.get(1)?,
                    gate_id: r.get(2)?,
                    scanned_at: r.get(3)?,
                    pass_id: r.get(4)?,
                    refusal: None,
                    people: r.get(6)?,
                },
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut scans = Vec::new();
        for row in rows {
            let (mut scan, refusal) = row?;
            scan.refusal = refusal.map(|tag| from_tag("refusal", &tag)).transpose()?;
            scans.push(scan);
        }
        Ok(scans)
    }

    pub fn pending_count(&self, region_id: &str) -> Result<u32, StoreError> {
        Ok(self.conn()?.query_row(
            "SELECT count(*) FROM gate_scan WHERE region_id = ?1 AND uploaded_at IS NULL",
            [region_id],
            |r| r.get(0),
        )?)
    }

    /// Marks scans the platform confirmed (recorded or already had), in one transaction.
    pub fn mark_uploaded(&self, nonces: &[String], at: &str) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        {
            let mut mark = tx.prepare_cached(
                "UPDATE gate_scan SET uploaded_at = ?2 WHERE nonce = ?1 AND uploaded_at IS NULL",
            )?;
            for nonce in nonces {
                mark.execute(params![nonce, at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Scans at `gate_id` on the region-local `date` (`YYYY-MM-DD`).
    pub fn scan_counts(
        &self,
        region_id: &str,
        gate_id: &str,
        date: &str,
    ) -> Result<ScanCounts, StoreError> {
        // scanned_at is region-local RFC 3339, so a day is a prefix range.
        let (from, to) = (format!("{date}T"), format!("{date}U"));
        Ok(self.conn()?.prepare_cached(
            "SELECT coalesce(sum(refusal IS NULL), 0), coalesce(sum(refusal IS NOT NULL), 0)
             FROM gate_scan WHERE region_id = ?1 AND gate_id = ?2 AND scanned_at >= ?3 AND scanned_at < ?4",
        )?
        .query_row(params![region_id, gate_id, from, to], |r| {
            Ok(ScanCounts {
                admitted: r.get(0)?,
                refused: r.get(1)?,
            })
        })?)
    }
}

fn public_key_bytes(hex_key: &str) -> Result<[u8; 32], StoreError> {
    hex_array("public key", hex_key)
}

fn pass_id_bytes(hex_id: &str) -> Result<[u8; 16], StoreError> {
    hex_array("pass id", hex_id)
}

/// Exactly `N` bytes written as hex.
fn hex_array<const N: usize>(what: &'static str, text: &str) -> Result<[u8; N], StoreError> {
    let invalid = |why: String| StoreError::Invalid { what, why };
    hex::decode(text)
        .map_err(|e| invalid(e.to_string()))?
        .try_into()
        .map_err(|_| invalid(format!("`{text}` is not {N} bytes of hex")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use ed25519_dalek::{Signer, SigningKey};
    use tongyou_core::api::{GateScan, PublicKey, RevocationDelta};
    use tongyou_core::gate::{GatePost, Refusal};
    use tongyou_core::pass::{Party, Pass};

    use super::StoredStation;
    use crate::OfflineStore;

    fn signing_key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn public_key(key_id: u16, seed: u8, retired: bool) -> PublicKey {
        PublicKey {
            key_id,
            public_key: hex::encode(signing_key(seed).verifying_key().to_bytes()),
            holder_salt: "00ff".into(),
            retired_at: retired.then(|| "2026-11-01T00:00:00Z".into()),
        }
    }

    fn signed(key_id: u16, seed: u8, pass_id: [u8; 16]) -> String {
        let pass = Pass {
            key_id,
            pass_id,
            order_id: 1,
            sub_order: 1,
            product: "entry".into(),
            site: "huangshan".into(),
            gates: vec![],
            valid_from: 0,
            valid_until: i64::MAX,
            slot: None,
            party: Party {
                adults: 2,
                children: 0,
                seniors: 0,
            },
            holder_hash: [0; 16],
        };
        let signature = signing_key(seed).sign(&pass.signing_bytes().unwrap());
        pass.to_text(&signature.to_bytes()).unwrap()
    }

    fn post() -> GatePost {
        GatePost {
            site: "huangshan".into(),
            gate: "south-gate".into(),
            admits: vec!["entry".into()],
        }
    }

    fn scan(nonce: &str, at: &str, pass_id: Option<&str>, refusal: Option<Refusal>) -> GateScan {
        GateScan {
            nonce: nonce.into(),
            region_id: "huangshan".into(),
            gate_id: "south-gate".into(),
            scanned_at: at.into(),
            pass_id: pass_id.map(Into::into),
            refusal,
            people: if refusal.is_none() { 2 } else { 0 },
        }
    }

    #[test]
    fn signing_out_of_a_gate_keeps_its_scan_log() {
        let store = OfflineStore::open_in_memory().unwrap();
        let station = StoredStation {
            region_id: "huangshan".into(),
            gate_id: "south-gate".into(),
            staff: "139****9000".into(),
            token: "secret".into(),
            signed_in_at: "2026-11-22T08:00:00Z".into(),
        };
        store.save_station(&station).unwrap();
        assert_eq!(store.station().unwrap(), Some(station));
        store
            .record_scan(&scan("n1", "2026-11-22T09:00:00+08:00", Some("aa"), None))
            .unwrap();
        store.forget_station().unwrap();
        assert_eq!(store.station().unwrap(), None);
        assert_eq!(store.pending_count("huangshan").unwrap(), 1);
    }

    #[test]
    fn keys_verify_until_retired_or_dropped() {
        let store = OfflineStore::open_in_memory().unwrap();
        store
            .save_keys(&[public_key(1, 1, false), public_key(2, 2, false)])
            .unwrap();
        assert_eq!(store.active_key_count().unwrap(), 2);
        let check = store.gate_check("huangshan").unwrap();
        assert!(
            check
                .check(&post(), &signed(1, 1, [1; 16]), 0, |_| false)
                .is_ok()
        );
        assert!(
            check
                .check(&post(), &signed(2, 2, [2; 16]), 0, |_| false)
                .is_ok()
        );

        // Key 1 is retired, key 3 arrives.
        store
            .save_keys(&[
                public_key(1, 1, true),
                public_key(2, 2, false),
                public_key(3, 3, false),
            ])
            .unwrap();
        assert_eq!(store.active_key_count().unwrap(), 2);
        let check = store.gate_check("huangshan").unwrap();
        let refused = check.check(&post(), &signed(1, 1, [1; 16]), 0, |_| false);
        assert_eq!(refused.unwrap_err().0, Refusal::UnknownKey);
        assert!(
            check
                .check(&post(), &signed(3, 3, [3; 16]), 0, |_| false)
                .is_ok()
        );
    }

    #[test]
    fn a_bad_key_is_refused_and_the_old_ring_kept() {
        let store = OfflineStore::open_in_memory().unwrap();
        store.save_keys(&[public_key(1, 1, false)]).unwrap();
        let mut bad = public_key(2, 2, false);
        bad.public_key = "zz".into();
        assert!(store.save_keys(&[public_key(3, 3, false), bad]).is_err());
        assert_eq!(store.active_key_count().unwrap(), 1);
    }

    #[test]
    fn revocation_deltas_add_up_and_move_the_cursor() {
        let store = OfflineStore::open_in_memory().unwrap();
        store.save_keys(&[public_key(1, 1, false)]).unwrap();
        assert_eq!(store.gate_sync_state("huangshan").unwrap().cursor, 0);
        let delta = |ids: &[[u8; 16]], cursor| RevocationDelta {
            region_id: "huangshan".into(),
            revoked: ids.iter().map(hex::encode).collect(),
            cursor,
        };
        store
            .save_revocations(&delta(&[[1; 16], [2; 16]], 2))
            .unwrap();
        store
            .save_revocations(&delta(&[[2; 16], [3; 16]], 3))
            .unwrap();
        assert_eq!(store.gate_sync_state("huangshan").unwrap().cursor, 3);
        assert_eq!(store.revoked_count("huangshan").unwrap(), 3);
        assert_eq!(store.revoked_count("other").unwrap(), 0);

        let check = store.gate_check("huangshan").unwrap();
        let refused = check.check(&post(), &signed(1, 1, [3; 16]), 0, |_| false);
        assert_eq!(refused.unwrap_err().0, Refusal::Revoked);
        assert!(
            check
                .check(&post(), &signed(1, 1, [4; 16]), 0, |_| false)
                .is_ok()
        );

        // A malformed id spoils the whole delta: neither its passes nor its cursor land.
        let mut bad = delta(&[[5; 16]], 9);
        bad.revoked.push("not hex".into());
        assert!(store.save_revocations(&bad).is_err());
        assert_eq!(store.gate_sync_state("huangshan").unwrap().cursor, 3);
        assert_eq!(store.revoked_count("huangshan").unwrap(), 3);
    }

    #[test]
    fn a_failed_gate_sync_keeps_the_last_success() {
        let store = OfflineStore::open_in_memory().unwrap();
        store.record_gate_sync("huangshan", "t1", None).unwrap();
        store
            .record_gate_sync("huangshan", "t2", Some("platform unreachable"))
            .unwrap();
        let state = store.gate_sync_state("huangshan").unwrap();
        assert_eq!(state.synced_at.as_deref(), Some("t1"));
        assert_eq!(state.last_error.as_deref(), Some("platform unreachable"));
        store.record_gate_sync("huangshan", "t3", None).unwrap();
        let state = store.gate_sync_state("huangshan").unwrap();
        assert_eq!(
            (state.synced_at.as_deref(), state.last_error),
            (Some("t3"), None)
        );
    }

    #[test]
    fn the_scan_log_answers_admissions_uploads_and_counts() {
        let store = OfflineStore::open_in_memory().unwrap();
        let pass = "0a".repeat(16);
        assert!(!store.admitted_here(&pass, "south-gate").unwrap());
        let log = [
            scan(
                "n1",
                "2026-11-22T09:00:00+08:00",
                Some(&pass),
                Some(Refusal::NotYetValid),
            ),
            scan("n2", "2026-11-22T09:01:00+08:00", Some(&pass), None),
            scan(
                "n3",
                "2026-11-22T09:02:00+08:00",
                Some(&pass),
                Some(Refusal::AlreadyUsed),
            ),
            scan(
                "n4",
                "2026-11-22T09:03:00+08:00",
                None,
                Some(Refusal::Unreadable),
            ),
            scan(
                "n0",
                "2026-11-21T18:00:00+08:00",
                Some(&"0b".repeat(16)),
                None,
            ),
        ];
        for s in &log {
            store.record_scan(s).unwrap();
        }
        assert!(
            store.record_scan(&log[0]).is_err(),
            "a nonce is logged once"
        );
        assert!(store.admitted_here(&pass, "south-gate").unwrap());
        assert!(!store.admitted_here(&pass, "yungu-gate").unwrap());
        let today = store
            .scan_counts("huangshan", "south-gate", "2026-11-22")
            .unwrap();
        assert_eq!((today.admitted, today.refused), (1, 3));
        let yesterday = store
            .scan_counts("huangshan", "south-gate", "2026-11-21")
            .unwrap();
        assert_eq!((yesterday.admitted, yesterday.refused), (1, 0));

        let pending = store.pending_scans("huangshan", 3).unwrap();
        let nonces: Vec<&str> = pending.iter().map(|s| s.nonce.as_str()).collect();
        assert_eq!(nonces, ["n0", "n1", "n2"]);
        assert_eq!(pending[1], log[0], "a scan reads back as it was logged");
        assert!(store.pending_scans("other", 10).unwrap().is_empty());

        let sent: Vec<String> = pending.iter().map(|s| s.nonce.clone()).collect();
        store.mark_uploaded(&sent, "t1").unwrap();
        store.mark_uploaded(&sent, "t2").unwrap();
        assert_eq!(store.pending_count("huangshan").unwrap(), 2);
        let rest = store.pending_scans("huangshan", 10).unwrap();
        assert_eq!(rest.len(), 2);
        assert_eq!(rest[1].refusal, Some(Refusal::Unreadable));
    }
}
