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
use tongyou_core::pass::read_unverified;

use crate::accounts::{AccountError, Accounts, Clock, token_hash};
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
        // The post belongs to this session: the same number signed in as a tourist has no
        // gate rights, and a new gate sign-in moves them.
        self.store.conn()?.execute(
            "INSERT INTO gate_post (account_id, region_id, gate_id, signed_in_at, token_hash)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account_id) DO UPDATE SET
                region_id = excluded.region_id, gate_id = excluded.gate_id,
                signed_in_at = excluded.signed_in_at, token_hash = excluded.token_hash",
            params![
                session.account_id,
                input.region_id,
                input.gate_id,
                fmt((self.clock)()),
                token_hash(&session.token)
            ],
        )?;
        Ok(GateSession {
            session,
            region_id: input.region_id.clone(),
            gate_id: input.gate_id.clone(),
        })
    }

    /// Takes gate rights from every account no longer on the staff list. Run at start,
    /// when the list is read.
    pub fn drop_former_staff(&self) -> Result<usize, GateError> {
        let keys: Vec<String> = self
            .staff
            .iter()
            .filter_map(|m| Mobile::parse(m).ok())
            .map(|m| self.accounts.mobile_key(&m))
            .collect();
        let staff = serde_json::to_string(&keys).unwrap_or_else(|_| "[]".into());
        Ok(self.store.conn()?.execute(
            "DELETE FROM gate_post WHERE account_id NOT IN
                (SELECT id FROM account WHERE mobile_lookup IN (SELECT value FROM json_each(?1)))",
            [staff],
        )?)
    }

    /// The gate the session of `token` (of `account_id`) was signed in at; a session not
    /// made by a gate sign-in has no rights here.
    pub fn post(&self, account_id: i64, token: &str) -> Result<Post, GateError> {
        self.store
            .conn()?
            .query_row(
                "SELECT region_id, gate_id FROM gate_post WHERE account_id = ?1 AND token_hash = ?2",
                params![account_id, token_hash(token)],
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

    /// Records a gate's scan log, once per nonce, in one unit: a crash mid-upload records
    /// nothing and the gate simply uploads again. A pass marked used writes its event
    /// (the `pass_used_event` trigger) in the same unit. A gate uploads only what it
    /// scanned itself: its own gate, passes of its region, each admitted with the people
    /// its pass carries, so that no account marks another gate's passes used or swells
    /// the crowd counts.
    pub fn record(
        &self,
        account_id: i64,
        post: &Post,
        upload: &ScanUpload,
    ) -> Result<ScanReceipt, GateError> {
        check_upload(post, upload)?;
        self.check_passes(post, upload)?;
        let catalog = self
            .catalogs
            .get(&post.region_id)
            .ok_or_else(|| GateError::UnknownRegion(post.region_id.clone()))?;
        let offset = Duration::minutes(i64::from(catalog.region.utc_offset_minutes));
        let now = fmt((self.clock)());
        self.store
            .atomically(|| self.record_now(account_id, upload, offset, &now))
    }

    /// [`Gates::record`]'s writes, inside its unit.
    fn record_now(
        &self,
        account_id: i64,
        upload: &ScanUpload,
        offset: Duration,
        now: &str,
    ) -> Result<ScanReceipt, GateError> {
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

    /// Every admitted scan names a pass of the post's region and admits as many people as
    /// that pass carries; a refused scan admits nobody.
    fn check_passes(&self, post: &Post, upload: &ScanUpload) -> Result<(), GateError> {
        let conn = self.store.conn()?;
        let mut party_of = conn.prepare_cached(
            "SELECT p.code FROM pass p JOIN booking_order o ON o.id = p.order_id
             WHERE p.pass_id = ?1 AND o.region_id = ?2",
        )?;
        let mut fields = Vec::new();
        for (i, scan) in upload.scans.iter().enumerate() {
            let at = |f: &str| format!("scans[{i}].{f}");
            if scan.refusal.is_some() {
                if scan.people != 0 {
                    fields.push(FieldError::new(
                        &at("people"),
                        "拒绝入园的记录人数应为 0。",
                        "A refused scan admits nobody.",
                    ));
                }
                continue;
            }
            let code: Option<String> = match &scan.pass_id {
                Some(pass_id) => party_of
                    .query_row(params![pass_id, post.region_id], |r| r.get(0))
                    .optional()?,
                None => None,
            };
            let Some(code) = code else {
                fields.push(FieldError::new(
                    &at("pass_id"),
                    "本景区没有这张票。",
                    "No pass of this scenic area has this id.",
                ));
                continue;
            };
            // The platform signed this code itself; reading it needs no key.
            let people = read_unverified(&code).map(|p| {
                u32::from(p.party.adults) + u32::from(p.party.children) + u32::from(p.party.seniors)
            });
            if people.ok() != Some(scan.people) {
                fields.push(FieldError::new(
                    &at("people"),
                    "入园人数与票上的人数不符。",
                    "The people admitted differ from the pass's party.",
                ));
            }
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(GateError::Invalid(fields))
        }
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
        if tongyou_core::clock::parse_date(date).is_none() {
            return Err(GateError::Invalid(vec![FieldError::new(
                "date",
                "日期格式应为 YYYY-MM-DD。",
                "Dates are YYYY-MM-DD.",
            )]));
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
        if scan.gate_id != post.gate_id {
            fields.push(FieldError::new(
                &at("gate_id"),
                "只能上传本检票口的记录。",
                "A gate can only upload its own scans.",
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

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};
    use std::path::Path;
    use std::sync::Mutex;

    use super::*;
    use crate::accounts::Secret;
    use crate::limits::Limits;
    use crate::texts::DevTexts;

    const HERE: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
    const STAFF: &str = "13900139001";

    /// Gate rights belong to the gate sign-in's session: the same number signed in the
    /// ordinary way has none, and staff taken off the list lose them.
    #[test]
    fn gate_rights_go_with_the_gate_sign_in_and_the_staff_list() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(Path::new(":memory:")).unwrap());
        let now = Arc::new(Mutex::new(
            DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
                .unwrap()
                .to_utc(),
        ));
        let at = Arc::clone(&now);
        let clock: Clock = Arc::new(move || *at.lock().unwrap());
        let accounts = Arc::new(Accounts::new(
            store.clone(),
            Secret::load_or_create(&dir.path().join("platform.key")).unwrap(),
            Arc::new(DevTexts::default()),
            Limits::default(),
            clock.clone(),
        ));
        let regions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/regions");
        let catalogs = crate::regions::load_dir(&regions).unwrap();
        let gates = |staff: &[String]| {
            Gates::new(
                store.clone(),
                &catalogs,
                accounts.clone(),
                staff,
                clock.clone(),
            )
        };
        let staffed = gates(&[STAFF.to_owned()]);

        let (_, code) = accounts.request_code(STAFF, HERE).unwrap();
        let at_gate = staffed
            .sign_in(
                &GateSignIn {
                    mobile: STAFF.into(),
                    code,
                    region_id: "huangshan".into(),
                    gate_id: "south-gate".into(),
                },
                HERE,
            )
            .unwrap()
            .session;
        *now.lock().unwrap() += crate::accounts::RESEND_AFTER;
        let (_, code) = accounts.request_code(STAFF, HERE).unwrap();
        let ordinary = accounts.sign_in(STAFF, &code, HERE).unwrap();
        assert_eq!(ordinary.account_id, at_gate.account_id);

        let post = staffed.post(at_gate.account_id, &at_gate.token).unwrap();
        assert_eq!(post.gate_id, "south-gate");
        assert!(matches!(
            staffed.post(ordinary.account_id, &ordinary.token),
            Err(GateError::NoPost)
        ));

        // Started again with the number off the list.
        let unstaffed = gates(&[]);
        assert_eq!(unstaffed.drop_former_staff().unwrap(), 1);
        assert!(matches!(
            unstaffed.post(at_gate.account_id, &at_gate.token),
            Err(GateError::NoPost)
        ));
    }
}
