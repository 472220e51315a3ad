//! Gates, as the platform sees them: staff sign-in for a gate, the revocation list gates
//! sync (a log they read from a cursor), and the scan logs gates upload when they are
//! back online.
//!
//! Gates decide offline (`core::gate`); the platform only learns afterwards. An upload
//! may arrive twice, late or out of order, so every scan is keyed by the nonce the gate
//! made: the first copy is recorded, marks its pass used and counts its people through
//! the gate's turnstile; any later copy changes nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, params};
use tongyou_core::api::{
    FieldError, GateCount, GateScan, GateSession, GateSignIn, RevocationDelta, ScanReceipt,
    ScanUpload,
};
use tongyou_core::catalog::Catalog;
use tongyou_core::gate::Refusal;
use tongyou_core::identity::Mobile;

use crate::accounts::{AccountError, Accounts, Clock};
use crate::orders::fmt;
use crate::sqlite::{Savepoint, SqliteStore};
use crate::store::StoreError;

/// Most scans taken in one upload; a gate with more sends several.
pub const MAX_UPLOAD: usize = 1000;
/// Scans listed by [`Gates::scans`].
const RECENT_SCANS: i64 = 500;

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("this account is not gate staff: ask the operator to add the number")]
    NotStaff,
    #[error("this session is not signed in at a gate")]
    NoPost,
    #[error("no region `{0}`")]
    UnknownRegion(String),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for GateError {
    fn from(e: rusqlite::Error) -> Self {
        GateError::Store(StoreError::Database(e))
    }
}

pub struct Gates {
    store: Arc<SqliteStore>,
    catalogs: HashMap<String, Arc<Catalog>>,
    accounts: Arc<Accounts>,
    /// Normalised mobile numbers allowed to sign in at a gate.
    staff: Vec<String>,
    clock: Clock,
}

/// Where a staff account is signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub region_id: String,
    pub gate_id: String,
}

impl Gates {
    pub fn new(
        store: Arc<SqliteStore>,
        catalogs: &[Catalog],
        accounts: Arc<Accounts>,
        staff: &[String],
        clock: Clock,
    ) -> Gates {
        Gates {
            store,
            catalogs: catalogs
                .iter()
                .map(|c| (c.region.id.clone(), Arc::new(c.clone())))
                .collect(),
            accounts,
            staff: staff
                .iter()
                .filter_map(|m| Mobile::parse(m).ok())
                .map(|m| m.as_str().to_owned())
                .collect(),
            clock,
        }
    }

    /// Signs a staff member in at one gate. The gate is checked before the code, so a
    /// typo in the gate does not burn the code.
    pub fn sign_in(&self, input: &GateSignIn, from: IpAddr) -> Result<GateSession, GateError> {
        let catalog = self.catalogs.get(&input.region_id);
        let mut fields = Vec::new();
        match catalog {
            None => fields.push(FieldError::new(
                "region_id",
                "没有这个景区。",
                "There is no such scenic area.",
            )),
            Some(c) if c.gate(&input.gate_id).is_none() => fields.push(FieldError::new(
                "gate_id",
                "本景区没有这个检票口。",
                "This scenic area has no such gate.",
            )),
            Some(_) => {}
        }
        if !fields.is_empty() {
            return Err(GateError::Invalid(fields));
        }
        let is_staff =
            Mobile::parse(&input.mobile).is_ok_and(|m| self.staff.iter().any(|s| s == m.as_str()));
        if !is_staff {
            return Err(GateError::NotStaff);
        }
        let session = self.accounts.sign_in(&input.mobile, &input.code, from)?;
        self.store.conn()?.execute(
            "INSERT INTO gate_post (account_id, region_id, gate_id, signed_in_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account_id) DO UPDATE SET
                region_id = excluded.region_id, gate_id = excluded.gate_id, signed_in_at = excluded.signed_in_at",
            params![session.account_id, input.region_id, input.gate_id, fmt((self.clock)())],
        )?;
        Ok(GateSession {
            session,
            region_id: input.region_id.clone(),
            gate_id: input.gate_id.clone(),
        })
    }

    /// The gate a signed-in account works at; an account never signed in at a gate has
    /// no rights here.
    pub fn post(&self, account_id: i64) -> Result<Post, GateError> {
        self.store
            .conn()?
            .query_row(
                "SELECT region_id, gate_id FROM gate_post WHERE account_id = ?1",
                [account_id],
                |r| {
                    Ok(Post {
                        region_id: r.get(0)?,
                        gate_id: r.get(1)?,
                    })
                },
            )
            .optional()?
            .ok_or(GateError::NoPost)
    }

    /// The region's passes revoked after `since`, oldest first.
    pub fn revocations(&self, post: &Post, since: i64) -> Result<RevocationDelta, GateError> {
        let conn = self.store.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT seq, pass_id FROM pass_revocation WHERE region_id = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows = stmt
            .query_map(params![post.region_id, since], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RevocationDelta {
            region_id: post.region_id.clone(),
            cursor: rows.last().map_or(since.max(0), |(seq, _)| *seq),
            revoked: rows.into_iter().map(|(_, id)| id).collect(),
        })
    }

    /// Records a gate's scan log, once per nonce, in one transaction: a crash mid-upload
    /// records nothing and the gate simply uploads again.
    pub fn record(
        &self,
        account_id: i64,
        post: &Post,
        upload: &ScanUpload,
    ) -> Result<ScanReceipt, GateError> {
        check_upload(post, upload)?;
        let catalog = self
            .catalogs
            .get(&post.region_id)
            .ok_or_else(|| GateError::UnknownRegion(post.region_id.clone()))?;
        let offset = Duration::minutes(i64::from(catalog.region.utc_offset_minutes));
        let now = fmt((self.clock)());
        let conn = self.store.conn()?;
        let tx = Savepoint::begin(&conn)?;
        let mut receipt = ScanReceipt {
            recorded: 0,
            duplicates: 0,
        };
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO gate_scan (nonce, region_id, gate_id, scanned_at, pass_id, refusal, people, uploaded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (nonce) DO NOTHING",
            )?;
            let mut used = tx.prepare_cached(
                "UPDATE pass SET state = 'used', used_at = ?2, changed_at = ?3
                 WHERE pass_id = ?1 AND state = 'valid'",
            )?;
            let mut count = tx.prepare_cached(
                "INSERT INTO gate_count (region_id, gate_id, hour, people) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (region_id, gate_id, hour) DO UPDATE SET people = people + excluded.people",
            )?;
            for scan in &upload.scans {
                let scanned_at = DateTime::parse_from_rfc3339(&scan.scanned_at)
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_default();
                let inserted = insert.execute(params![
                    scan.nonce,
                    scan.region_id,
                    scan.gate_id,
                    fmt(scanned_at),
                    scan.pass_id,
                    scan.refusal.map(refusal_code),
                    scan.people,
                    account_id,
                    now
                ])?;
                if inserted == 0 {
                    receipt.duplicates += 1;
                    continue;
                }
                receipt.recorded += 1;
                if scan.refusal.is_none() {
                    if let Some(pass_id) = &scan.pass_id {
                        used.execute(params![pass_id, fmt(scanned_at), now])?;
                    }
                    let hour = (scanned_at + offset).format("%Y-%m-%dT%H").to_string();
                    count.execute(params![scan.region_id, scan.gate_id, hour, scan.people])?;
                }
            }
        }
        tx.commit()?;
        Ok(receipt)
    }

    /// The latest scans recorded for the post's region, newest first.
    pub fn scans(&self, post: &Post) -> Result<Vec<GateScan>, GateError> {
        let conn = self.store.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT nonce, region_id, gate_id, scanned_at, pass_id, refusal, people FROM gate_scan
             WHERE region_id = ?1 ORDER BY recorded_at DESC, scanned_at DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![post.region_id, RECENT_SCANS], |r| {
            let refusal: Option<String> = r.get(5)?;
            Ok(GateScan {
                nonce: r.get(0)?,
                region_id: r.get(1)?,
                gate_id: r.get(2)?,
                scanned_at: r.get(3)?,
                pass_id: r.get(4)?,
                refusal: refusal.and_then(|code| parse_refusal(&code)),
                people: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// People admitted per gate and hour on a region-local date.
    pub fn counts(&self, region_id: &str, date: &str) -> Result<Vec<GateCount>, GateError> {
        if !self.catalogs.contains_key(region_id) {
            return Err(GateError::UnknownRegion(region_id.to_owned()));
        }
        let conn = self.store.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT gate_id, hour, people FROM gate_count
             WHERE region_id = ?1 AND substr(hour, 1, 10) = ?2 ORDER BY hour, gate_id",
        )?;
        let rows = stmt.query_map(params![region_id, date], |r| {
            Ok(GateCount {
                gate_id: r.get(0)?,
                hour: r.get(1)?,
                people: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A gate uploads only its own region's scans, each with a well-formed nonce and time.
fn check_upload(post: &Post, upload: &ScanUpload) -> Result<(), GateError> {
    let mut fields = Vec::new();
    if upload.scans.len() > MAX_UPLOAD {
        fields.push(FieldError::new(
            "scans",
            format!("一次最多上传 {MAX_UPLOAD} 条记录。"),
            format!("At most {MAX_UPLOAD} scans per upload."),
        ));
    }
    for (i, scan) in upload.scans.iter().enumerate() {
        let at = |f: &str| format!("scans[{i}].{f}");
        if scan.nonce.len() != 32 || !scan.nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            fields.push(FieldError::new(
                &at("nonce"),
                "记录编号应为 32 位十六进制。",
                "The nonce must be 32 hex digits.",
            ));
        }
        if scan.region_id != post.region_id {
            fields.push(FieldError::new(
                &at("region_id"),
                "只能上传本景区检票口的记录。",
                "A gate can only upload scans of its own scenic area.",
            ));
        }
        if DateTime::parse_from_rfc3339(&scan.scanned_at).is_err() {
            fields.push(FieldError::new(
                &at("scanned_at"),
                "扫码时间格式不对。",
                "The scan time is not an RFC 3339 time.",
            ));
        }
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(GateError::Invalid(fields))
    }
}

/// The stable code a refusal is stored under (its JSON name).
fn refusal_code(refusal: Refusal) -> String {
    serde_json::to_value(refusal)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse_refusal(code: &str) -> Option<Refusal> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}
