//! The tourist's outbox: writes made on this device (cancelling an order, adding or
//! removing a saved traveller) kept, in order, until the platform has answered them.
//!
//! The gate's scan log works the same way: a write gets its identity once, here, when it
//! is queued (a random idempotency key), and every try sends that same key, so a try
//! whose answer was lost is simply sent again. A try is counted before it goes out, so
//! "this may already have reached the platform" survives a crash. An answer is kept in
//! one transaction with what it changes on the device (the cancelled order's copy, the
//! saved traveller list), so the screen never shows a write both pending and done.
//!
//! While a write waits, the device shows it as made: [`OfflineStore::travellers`] reads
//! the saved list with the pending writes laid over it (a traveller being added appears
//! under the provisional id `-entry id`, one being removed is gone). Laying them over at
//! read time, rather than editing the list when queuing, makes the effect atomic with the
//! queuing, lets a refresh from a platform that has not seen the write yet leave it in
//! place, and makes it vanish by itself when the platform refuses the write.
//!
//! This module keeps the queue; sending, and reading what an answer means, is
//! `tongyou-device`'s (its `outbox` module).

use std::fmt;

use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};
use tongyou_core::api::{ApiError, Case, CaseRequest, Order, Traveller, TravellerInput};

use crate::{OfflineStore, StoreError};

/// A write waiting for the platform, as queued.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "body", rename_all = "snake_case")]
pub enum OutboxWrite {
    /// `POST /orders/{id}/cancel` with the entry's key: the platform replays by key.
    CancelOrder { order_id: i64 },
    /// `POST /travellers`. The full ID number waits here until the write is answered;
    /// then only the masked one is kept.
    AddTraveller {
        input: TravellerInput,
        /// The traveller as the device shows it meanwhile: masked, id not yet known.
        shown: Traveller,
        /// The saved travellers the device knew of when this was queued, so that a
        /// duplicate reported after a lost answer can be told to be this write's own.
        known: Vec<i64>,
    },
    /// `DELETE /travellers/{id}`; a negative id is a traveller still waiting in the
    /// outbox to be added (`-entry id`).
    RemoveTraveller {
        traveller_id: i64,
        /// The traveller as the screen showed it, to say what is being removed.
        shown: Option<Traveller>,
    },
    /// `POST /cases` with the entry's key: a help request made with no network lands once.
    /// Shown meanwhile as a case with the provisional id `-entry id`.
    OpenCase { request: CaseRequest },
}

impl OutboxWrite {
    /// The name kept in the `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            OutboxWrite::CancelOrder { .. } => "cancel_order",
            OutboxWrite::AddTraveller { .. } => "add_traveller",
            OutboxWrite::RemoveTraveller { .. } => "remove_traveller",
            OutboxWrite::OpenCase { .. } => "open_case",
        }
    }

    /// The same write without personal data beyond what the device keeps anyway: once a
    /// write is answered its full ID number has no use left on the device.
    fn redacted(&self) -> OutboxWrite {
        match self {
            OutboxWrite::AddTraveller {
                input,
                shown,
                known,
            } => OutboxWrite::AddTraveller {
                input: TravellerInput {
                    id_number: shown.id_masked.clone(),
                    ..input.clone()
                },
                shown: shown.clone(),
                known: known.clone(),
            },
            other => other.clone(),
        }
    }
}

/// Written by hand so that no log line ever carries a full ID number.
impl fmt::Debug for OutboxWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutboxWrite::CancelOrder { order_id } => {
                write!(f, "CancelOrder({order_id})")
            }
            OutboxWrite::AddTraveller { shown, .. } => {
                write!(f, "AddTraveller({} {})", shown.name, shown.id_masked)
            }
            OutboxWrite::RemoveTraveller { traveller_id, .. } => {
                write!(f, "RemoveTraveller({traveller_id})")
            }
            // Not the message: it may say anything.
            OutboxWrite::OpenCase { request } => write!(f, "OpenCase({:?})", request.category),
        }
    }
}

/// One queued write and what has happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub id: i64,
    pub account_id: i64,
    pub write: OutboxWrite,
    /// Random hex, made when the write was queued; the same on every try.
    pub idempotency_key: String,
    /// RFC 3339.
    pub created_at: String,
    /// Tries started, including any whose answer never came.
    pub attempts: u32,
    /// Why the latest try did not get through.
    pub last_error: Option<String>,
    /// When the platform answered for good (took the write or refused it).
    pub done_at: Option<String>,
    /// The platform's answer when it refused the write; not retried.
    pub refusal: Option<ApiError>,
    /// The id of what the write made on the platform (a saved traveller's).
    pub result_id: Option<i64>,
}

impl OutboxEntry {
    pub fn is_pending(&self) -> bool {
        self.done_at.is_none()
    }
}

/// What the platform answered to a write it took, to keep on the device with it.
#[derive(Debug, Clone, Copy)]
pub enum Answer<'a> {
    /// The order as it now stands (a cancellation's answer): its copy is replaced.
    Order(&'a Order),
    /// The traveller the platform saved: it joins the saved list under its real id.
    Added(&'a Traveller),
    /// The traveller with this id is gone from the platform: it leaves the saved list.
    Removed(i64),
    /// The case the platform opened: kept with the account's cases, under its real id.
    Case(&'a Case),
    /// Nothing is left to change (removing a traveller whose adding was refused).
    Nothing,
}

/// Why a try did not end the write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// No answer, or not one that settles anything (the platform busy): try again later.
    Retry(String),
    /// The platform refused the write for good: it is finished and kept to be shown.
    Refused(ApiError),
}

const COLUMNS: &str = "id, account_id, kind, idempotency_key, unseal(body_json), created_at, attempts, \
                       last_error, done_at, refusal_json, result_id";

impl OfflineStore {
    /// Queues `write` for `account_id` under a fresh idempotency key. From this moment
    /// the device shows the write as made (see the module notes).
    pub fn enqueue(
        &self,
        account_id: i64,
        write: &OutboxWrite,
        at: &str,
    ) -> Result<OutboxEntry, StoreError> {
        let key = new_key()?;
        let body = serde_json::to_string(write)?;
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO outbox (account_id, kind, idempotency_key, body_json, created_at)
             VALUES (?1, ?2, ?3, seal(?4), ?5)",
            params![account_id, write.kind(), key, body, at],
        )?;
        entry(&conn, conn.last_insert_rowid())?.ok_or_else(|| StoreError::Invalid {
            what: "outbox entry",
            why: "not there after it was written".into(),
        })
    }

    /// `account_id`'s writes still to send, in the order they were made.
    pub fn pending(&self, account_id: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        pending_entries(&*self.conn()?, account_id)
    }

    /// What the outbox screen lists: writes still to send and writes the platform refused
    /// (until dismissed), oldest first.
    pub fn outbox(&self, account_id: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        select(
            &*self.conn()?,
            "WHERE account_id = ?1 AND (done_at IS NULL OR refusal_json IS NOT NULL) ORDER BY id",
            account_id,
        )
    }

    pub fn outbox_entry(&self, id: i64) -> Result<Option<OutboxEntry>, StoreError> {
        entry(&*self.conn()?, id)
    }

    /// Counts a try, before its request goes out.
    pub fn start_attempt(&self, id: i64) -> Result<(), StoreError> {
        self.conn()?.execute(
            "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?1 AND done_at IS NULL",
            [id],
        )?;
        Ok(())
    }

    /// The platform took the write: keeps its answer on the device and finishes the entry,
    /// in one transaction. A second call for an entry already done changes nothing.
    pub fn mark_done(&self, id: i64, at: &str, answer: Answer<'_>) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let Some(done) = entry(&tx, id)?.filter(OutboxEntry::is_pending) else {
            return Ok(());
        };
        let account = done.account_id;
        let result_id = match answer {
            Answer::Order(order) => {
                crate::account::write_orders(&tx, account, std::slice::from_ref(order), at)?;
                None
            }
            Answer::Added(traveller) => {
                let mut list = crate::account::saved_travellers(&tx, account)?;
                list.retain(|t| t.id != traveller.id);
                list.push(traveller.clone());
                crate::account::write_travellers(&tx, account, &list)?;
                Some(traveller.id)
            }
            Answer::Removed(traveller_id) => {
                let mut list = crate::account::saved_travellers(&tx, account)?;
                list.retain(|t| t.id != traveller_id);
                crate::account::write_travellers(&tx, account, &list)?;
                None
            }
            Answer::Case(case) => {
                crate::support::write_case(&tx, account, case)?;
                Some(case.id)
            }
            Answer::Nothing => None,
        };
        tx.execute(
            "UPDATE outbox SET done_at = ?2, last_error = NULL, result_id = ?3, body_json = seal(?4)
             WHERE id = ?1",
            params![
                id,
                at,
                result_id,
                serde_json::to_string(&done.write.redacted())?
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A try that did not end the write: kept to be tried again, or finished as refused.
    pub fn record_failure(
        &self,
        id: i64,
        failure: &SendFailure,
        at: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let Some(failed) = entry(&tx, id)?.filter(OutboxEntry::is_pending) else {
            return Ok(());
        };
        match failure {
            SendFailure::Retry(why) => {
                tx.execute(
                    "UPDATE outbox SET last_error = ?2 WHERE id = ?1",
                    params![id, why],
                )?;
            }
            SendFailure::Refused(refusal) => {
                tx.execute(
                    "UPDATE outbox SET done_at = ?2, last_error = ?3, refusal_json = ?4,
                        body_json = seal(?5) WHERE id = ?1",
                    params![
                        id,
                        at,
                        refusal.message,
                        serde_json::to_string(refusal)?,
                        serde_json::to_string(&failed.write.redacted())?
                    ],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Takes back a write that never left the device (no try started). `false` when it
    /// may already have reached the platform, or is not pending.
    pub fn withdraw(&self, id: i64) -> Result<bool, StoreError> {
        let n = self.conn()?.execute(
            "DELETE FROM outbox WHERE id = ?1 AND done_at IS NULL AND attempts = 0",
            [id],
        )?;
        Ok(n == 1)
    }

    /// Drops every write of an account, sent or not: for an account that no longer
    /// exists, whose writes can never be sent. Returns how many went.
    pub fn discard_outbox(&self, account_id: i64) -> Result<usize, StoreError> {
        Ok(self
            .conn()?
            .execute("DELETE FROM outbox WHERE account_id = ?1", [account_id])?)
    }

    /// Forgets writes the platform took that were finished before `before` (RFC 3339):
    /// their effect is in the saved orders and travellers, and nothing reads them again.
    /// Pending and refused writes stay. Returns how many went.
    pub fn prune_done(&self, before: &str) -> Result<usize, StoreError> {
        Ok(self.conn()?.execute(
            "DELETE FROM outbox WHERE done_at IS NOT NULL AND refusal_json IS NULL AND done_at < ?1",
            [before],
        )?)
    }

    /// Clears a refused write of `account_id`'s from the list once it has been seen.
    pub fn dismiss(&self, account_id: i64, id: i64) -> Result<bool, StoreError> {
        let n = self.conn()?.execute(
            "DELETE FROM outbox WHERE id = ?1 AND account_id = ?2 AND refusal_json IS NOT NULL",
            params![id, account_id],
        )?;
        Ok(n == 1)
    }
}

/// `account_id`'s pending writes, oldest first, for callers holding the connection.
pub(crate) fn pending_entries(
    conn: &Connection,
    account_id: i64,
) -> Result<Vec<OutboxEntry>, StoreError> {
    select(
        conn,
        "WHERE account_id = ?1 AND done_at IS NULL ORDER BY id",
        account_id,
    )
}

pub(crate) fn entry(conn: &Connection, id: i64) -> Result<Option<OutboxEntry>, StoreError> {
    Ok(select(conn, "WHERE id = ?1", id)?.into_iter().next())
}

fn select(conn: &Connection, filter: &str, arg: i64) -> Result<Vec<OutboxEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox {filter}"))?;
    let rows = stmt.query_map([arg], raw_entry)?;
    rows.map(|row| outbox_entry(row?)).collect()
}

/// A row as SQLite holds it, before its JSON is read.
struct RawEntry {
    id: i64,
    account_id: i64,
    kind: String,
    idempotency_key: String,
    body_json: String,
    created_at: String,
    attempts: u32,
    last_error: Option<String>,
    done_at: Option<String>,
    refusal_json: Option<String>,
    result_id: Option<i64>,
}

fn raw_entry(r: &Row<'_>) -> rusqlite::Result<RawEntry> {
    Ok(RawEntry {
        id: r.get(0)?,
        account_id: r.get(1)?,
        kind: r.get(2)?,
        idempotency_key: r.get(3)?,
        body_json: r.get(4)?,
        created_at: r.get(5)?,
        attempts: r.get(6)?,
        last_error: r.get(7)?,
        done_at: r.get(8)?,
        refusal_json: r.get(9)?,
        result_id: r.get(10)?,
    })
}

fn outbox_entry(raw: RawEntry) -> Result<OutboxEntry, StoreError> {
    let write: OutboxWrite = serde_json::from_str(&raw.body_json)?;
    if write.kind() != raw.kind {
        return Err(StoreError::Invalid {
            what: "outbox entry",
            why: format!("a {} stored as {}", write.kind(), raw.kind),
        });
    }
    Ok(OutboxEntry {
        id: raw.id,
        account_id: raw.account_id,
        write,
        idempotency_key: raw.idempotency_key,
        created_at: raw.created_at,
        attempts: raw.attempts,
        last_error: raw.last_error,
        done_at: raw.done_at,
        refusal: raw
            .refusal_json
            .map(|json| serde_json::from_str(&json))
            .transpose()?,
        result_id: raw.result_id,
    })
}

/// 16 random bytes in hex: the write's identity on every try.
fn new_key() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use tongyou_core::api::{ApiError, ErrorCode, IdKind, Traveller, TravellerInput};

    use super::{Answer, OutboxWrite, SendFailure};
    use crate::OfflineStore;

    fn traveller(id: i64, name: &str) -> Traveller {
        Traveller {
            id,
            name: name.into(),
            id_kind: IdKind::ResidentId,
            id_masked: "1101**********0028".into(),
            birth_date: "1989-12-31".into(),
        }
    }

    fn adding(name: &str) -> OutboxWrite {
        OutboxWrite::AddTraveller {
            input: TravellerInput {
                name: name.into(),
                id_kind: IdKind::ResidentId,
                id_number: "110105198912310028".into(),
                birth_date: None,
                consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
            },
            shown: traveller(0, name),
            known: vec![1],
        }
    }

    fn removing(id: i64) -> OutboxWrite {
        OutboxWrite::RemoveTraveller {
            traveller_id: id,
            shown: None,
        }
    }

    fn names(store: &OfflineStore, account: i64) -> Vec<(i64, String)> {
        store
            .travellers(account)
            .unwrap()
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect()
    }

    #[test]
    fn writes_drain_in_order_with_one_key_each() {
        let store = OfflineStore::open_in_memory().unwrap();
        let first = store
            .enqueue(7, &OutboxWrite::CancelOrder { order_id: 3 }, "t1")
            .unwrap();
        let second = store.enqueue(7, &removing(5), "t2").unwrap();
        store.enqueue(8, &removing(6), "t2").unwrap();
        assert_eq!(first.idempotency_key.len(), 32);
        assert!(first.idempotency_key.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(first.idempotency_key, second.idempotency_key);
        assert_eq!((first.attempts, first.done_at.as_deref()), (0, None));

        let pending = store.pending(7).unwrap();
        assert_eq!(pending, [first.clone(), second.clone()]);

        // A try goes out and its answer is lost: counted, still pending, same key.
        store.start_attempt(first.id).unwrap();
        store
            .record_failure(first.id, &SendFailure::Retry("unreachable".into()), "t3")
            .unwrap();
        let retried = store.outbox_entry(first.id).unwrap().unwrap();
        assert_eq!(retried.attempts, 1);
        assert_eq!(retried.last_error.as_deref(), Some("unreachable"));
        assert_eq!(retried.idempotency_key, first.idempotency_key);
        assert!(retried.is_pending());

        store.start_attempt(first.id).unwrap();
        store.mark_done(first.id, "t4", Answer::Nothing).unwrap();
        // A late second answer for the same write changes nothing.
        store
            .record_failure(first.id, &SendFailure::Retry("late".into()), "t5")
            .unwrap();
        store.mark_done(first.id, "t6", Answer::Nothing).unwrap();
        let done = store.outbox_entry(first.id).unwrap().unwrap();
        assert_eq!(
            (done.attempts, done.done_at.as_deref(), done.last_error),
            (2, Some("t4"), None)
        );
        assert_eq!(store.pending(7).unwrap(), [second]);
        assert_eq!(store.pending(8).unwrap().len(), 1);
    }

    #[test]
    fn taken_writes_are_forgotten_after_a_while_and_the_rest_stays() {
        let store = OfflineStore::open_in_memory().unwrap();
        let taken = |order_id, day: &str| {
            let at = format!("2026-11-{day}T00:00:00Z");
            let entry = store
                .enqueue(7, &OutboxWrite::CancelOrder { order_id }, &at)
                .unwrap();
            store.start_attempt(entry.id).unwrap();
            store.mark_done(entry.id, &at, Answer::Nothing).unwrap();
            entry
        };
        let (old, recent) = (taken(3, "01"), taken(4, "20"));
        let refused = store
            .enqueue(7, &adding("张三"), "2026-11-01T00:00:00Z")
            .unwrap();
        store.start_attempt(refused.id).unwrap();
        let refusal = ApiError::new(ErrorCode::Invalid, "invalid traveller");
        store
            .record_failure(
                refused.id,
                &SendFailure::Refused(refusal),
                "2026-11-01T00:00:02Z",
            )
            .unwrap();
        let waiting = store
            .enqueue(7, &removing(5), "2026-11-01T00:00:00Z")
            .unwrap();

        assert_eq!(store.prune_done("2026-11-15T00:00:00Z").unwrap(), 1);
        assert!(store.outbox_entry(old.id).unwrap().is_none());
        for kept in [recent.id, refused.id, waiting.id] {
            assert!(
                store.outbox_entry(kept).unwrap().is_some(),
                "entry {kept} stays"
            );
        }
        assert_eq!(store.pending(7).unwrap(), [waiting]);
    }

    #[test]
    fn a_refused_write_is_finished_listed_and_dismissable() {
        let store = OfflineStore::open_in_memory().unwrap();
        let entry = store.enqueue(7, &adding("张三"), "t1").unwrap();
        store.start_attempt(entry.id).unwrap();
        let mut refusal = ApiError::new(ErrorCode::Invalid, "invalid traveller");
        refusal.fields = vec![];
        store
            .record_failure(entry.id, &SendFailure::Refused(refusal.clone()), "t2")
            .unwrap();
        assert!(store.pending(7).unwrap().is_empty(), "not retried");
        let listed = store.outbox(7).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].refusal, Some(refusal));
        assert_eq!(listed[0].done_at.as_deref(), Some("t2"));
        // Finished: the full ID number is no longer kept.
        let OutboxWrite::AddTraveller { input, .. } = &listed[0].write else {
            panic!("an add");
        };
        assert_eq!(input.id_number, "1101**********0028");

        assert!(!store.dismiss(8, entry.id).unwrap(), "another account's");
        assert!(store.dismiss(7, entry.id).unwrap());
        assert!(store.outbox(7).unwrap().is_empty());
    }

    #[test]
    fn pending_writes_show_on_the_traveller_list_until_answered() {
        let store = OfflineStore::open_in_memory().unwrap();
        store
            .save_travellers(7, &[traveller(1, "甲"), traveller(2, "乙")])
            .unwrap();
        let remove = store.enqueue(7, &removing(1), "t1").unwrap();
        let add = store.enqueue(7, &adding("丙"), "t1").unwrap();
        let provisional = -add.id;
        assert_eq!(
            names(&store, 7),
            [(2, "乙".to_owned()), (provisional, "丙".to_owned())]
        );
        // A refresh from a platform that has not seen the writes yet leaves them shown.
        store
            .save_travellers(7, &[traveller(1, "甲"), traveller(2, "乙")])
            .unwrap();
        assert_eq!(names(&store, 7).len(), 2);

        store
            .mark_done(remove.id, "t2", Answer::Removed(1))
            .unwrap();
        store
            .mark_done(add.id, "t2", Answer::Added(&traveller(9, "丙")))
            .unwrap();
        assert_eq!(
            names(&store, 7),
            [(2, "乙".to_owned()), (9, "丙".to_owned())]
        );
        assert_eq!(
            store.outbox_entry(add.id).unwrap().unwrap().result_id,
            Some(9)
        );
        assert!(store.outbox(7).unwrap().is_empty());
    }

    #[test]
    fn a_refused_removal_brings_the_traveller_back() {
        let store = OfflineStore::open_in_memory().unwrap();
        store.save_travellers(7, &[traveller(1, "甲")]).unwrap();
        let remove = store.enqueue(7, &removing(1), "t1").unwrap();
        assert!(names(&store, 7).is_empty());
        let refusal = ApiError::new(ErrorCode::Conflict, "in use");
        store
            .record_failure(remove.id, &SendFailure::Refused(refusal), "t2")
            .unwrap();
        assert_eq!(names(&store, 7), [(1, "甲".to_owned())]);
    }

    #[test]
    fn only_a_write_never_sent_can_be_withdrawn() {
        let store = OfflineStore::open_in_memory().unwrap();
        let sent = store.enqueue(7, &adding("戊"), "t1").unwrap();
        let unsent = store.enqueue(7, &adding("丁"), "t1").unwrap();
        store.start_attempt(sent.id).unwrap();
        assert!(!store.withdraw(sent.id).unwrap(), "it may have landed");
        assert!(store.withdraw(unsent.id).unwrap());
        let left = store.outbox_entry(sent.id).unwrap().unwrap();
        assert_eq!(store.pending(7).unwrap(), [left]);
        // The next write does not take the withdrawn (highest) id again, so a provisional
        // traveller id never comes back for another write.
        let later = store.enqueue(7, &removing(1), "t2").unwrap();
        assert!(later.id > unsent.id);
    }

    #[test]
    fn a_debug_line_never_carries_an_id_number() {
        let shown = format!("{:?}", adding("张三"));
        assert!(!shown.contains("110105198912310028"), "{shown}");
        assert!(shown.contains("1101**********0028"));
    }
}
