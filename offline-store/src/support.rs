//! The tourist's support cases on the device: the platform's copies (the chat included,
//! sealed at rest), with help requests still waiting in the outbox laid over them as
//! cases under the provisional id `-entry id`, as the outbox does for travellers.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use tongyou_core::api::{Author, Case, CaseState, Message};

use crate::outbox::{OutboxEntry, OutboxWrite, pending_entries};

// `conn` is the store's one connection: nothing here calls back into `self` while it is held.
use crate::{OfflineStore, StoreError};

impl OfflineStore {
    /// Keeps `account_id`'s cases as the platform listed them: the list replaces the old.
    pub fn save_cases(&self, account_id: i64, cases: &[Case]) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM support_case WHERE account_id = ?1",
            [account_id],
        )?;
        for case in cases {
            write_case(&tx, account_id, case)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Keeps one case as the platform sent it (a live message, an answer); `false` when
    /// the device held it just so already (a stream that opened again sends every case).
    pub fn save_case(&self, account_id: i64, case: &Case) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let held: Option<String> = tx
            .query_row(
                "SELECT unseal(case_json) FROM support_case WHERE account_id = ?1 AND case_id = ?2",
                params![account_id, case.id],
                |r| r.get(0),
            )
            .optional()?;
        if held.is_some_and(|json| serde_json::from_str::<Case>(&json).ok().as_ref() == Some(case))
        {
            return Ok(false);
        }
        write_case(&tx, account_id, case)?;
        tx.commit()?;
        Ok(true)
    }

    /// The cases as the device shows them, newest first: help requests still waiting to be
    /// sent, then the platform's cases as last heard.
    pub fn cases(&self, account_id: i64) -> Result<Vec<Case>, StoreError> {
        let conn = self.conn()?;
        let mut list: Vec<Case> = pending_entries(&conn, account_id)?
            .iter()
            .rev()
            .filter_map(waiting_case)
            .collect();
        list.extend(saved_cases(&conn, account_id)?);
        Ok(list)
    }

    /// One case by its id; a provisional id (`-entry id`) whose request has since been
    /// sent reads as the case the platform opened for it.
    pub fn case(&self, account_id: i64, id: i64) -> Result<Option<Case>, StoreError> {
        let conn = self.conn()?;
        let id = match id.checked_neg().filter(|entry| *entry > 0) {
            Some(entry) => match crate::outbox::entry(&conn, entry)? {
                Some(e) if e.account_id != account_id => return Ok(None),
                Some(e) if e.is_pending() => return Ok(waiting_case(&e)),
                Some(OutboxEntry {
                    result_id: Some(id),
                    ..
                }) => id,
                _ => return Ok(None),
            },
            None => id,
        };
        Ok(saved_cases(&conn, account_id)?
            .into_iter()
            .find(|c| c.id == id))
    }
}

pub(crate) fn write_case(
    tx: &Transaction<'_>,
    account_id: i64,
    case: &Case,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO support_case (account_id, case_id, opened_at, case_json)
         VALUES (?1, ?2, ?3, seal(?4))",
        params![
            account_id,
            case.id,
            case.opened_at,
            serde_json::to_string(case)?
        ],
    )?;
    Ok(())
}

fn saved_cases(conn: &Connection, account_id: i64) -> Result<Vec<Case>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT unseal(case_json) FROM support_case WHERE account_id = ?1
         ORDER BY opened_at DESC, case_id DESC",
    )?;
    let rows = stmt.query_map([account_id], |r| r.get::<_, String>(0))?;
    rows.map(|json| Ok(serde_json::from_str(&json?)?)).collect()
}

/// A help request waiting in the outbox, shown as the case it will open.
fn waiting_case(entry: &OutboxEntry) -> Option<Case> {
    let OutboxWrite::OpenCase { request } = &entry.write else {
        return None;
    };
    let at = request
        .asked_at
        .clone()
        .unwrap_or_else(|| entry.created_at.clone());
    let messages = (!request.message.trim().is_empty())
        .then(|| Message {
            id: 0,
            author: Author::Tourist,
            agent: None,
            text: request.message.clone(),
            at: at.clone(),
        })
        .into_iter()
        .collect();
    Some(Case {
        id: -entry.id,
        category: request.category,
        state: CaseState::Waiting,
        opened_at: at,
        trip_id: request.trip_id.clone(),
        item: request.item.clone(),
        share_id: None,
        agent: None,
        messages,
        unread: 0,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use tongyou_core::api::{CaseCategory, CaseRequest};

    use super::*;
    use crate::outbox::Answer;

    fn case(id: i64, opened_at: &str, text: &str) -> Case {
        Case {
            id,
            category: CaseCategory::Booking,
            state: CaseState::Claimed,
            opened_at: opened_at.into(),
            trip_id: None,
            item: None,
            share_id: None,
            agent: Some("小王".into()),
            messages: vec![Message {
                id: 1,
                author: Author::Agent,
                agent: Some("小王".into()),
                text: text.into(),
                at: opened_at.into(),
            }],
            unread: 1,
        }
    }

    #[test]
    fn cases_are_kept_sealed_newest_first_and_a_live_copy_replaces_the_old() {
        let store = OfflineStore::open_in_memory().unwrap();
        store
            .save_cases(
                7,
                &[
                    case(1, "2026-07-14T08:00:00Z", "您好"),
                    case(2, "2026-07-15T08:00:00Z", "护照号在这里"),
                ],
            )
            .unwrap();
        store
            .save_cases(8, &[case(3, "2026-07-15T09:00:00Z", "别人的")])
            .unwrap();
        let ids: Vec<i64> = store.cases(7).unwrap().iter().map(|c| c.id).collect();
        assert_eq!(ids, [2, 1]);

        let mut newer = case(1, "2026-07-14T08:00:00Z", "您好");
        newer.unread = 0;
        store.save_case(7, &newer).unwrap();
        assert_eq!(store.case(7, 1).unwrap().map(|c| c.unread), Some(0));
        assert_eq!(store.case(7, 3).unwrap(), None, "another account's case");

        let raw: String = store
            .conn()
            .unwrap()
            .query_row(
                "SELECT group_concat(case_json) FROM support_case",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!raw.contains("护照号"), "the chat is sealed at rest");
    }

    #[test]
    fn a_request_waiting_shows_as_a_case_until_it_is_sent_then_as_the_platforms() {
        let store = OfflineStore::open_in_memory().unwrap();
        let request = CaseRequest {
            category: CaseCategory::GateRefused,
            message: "闸机不让进".into(),
            trip_id: Some("huangshan-41".into()),
            item: Some("P-1".into()),
            location: None,
            asked_at: Some("2026-07-15T08:30:00Z".into()),
        };
        let queued = store
            .enqueue(
                7,
                &OutboxWrite::OpenCase { request },
                "2026-07-15T08:30:01Z",
            )
            .unwrap();
        store
            .save_cases(7, &[case(1, "2026-07-14T08:00:00Z", "您好")])
            .unwrap();

        let list = store.cases(7).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].id, -queued.id);
        assert_eq!(list[0].state, CaseState::Waiting);
        assert_eq!(list[0].messages[0].text, "闸机不让进");
        assert_eq!(list[0].item.as_deref(), Some("P-1"));
        assert!(store.cases(8).unwrap().is_empty());
        assert_eq!(store.case(8, -queued.id).unwrap(), None);

        let opened = case(5, "2026-07-15T08:31:00Z", "我们来看看");
        store
            .mark_done(queued.id, "2026-07-15T08:31:00Z", Answer::Case(&opened))
            .unwrap();
        let ids: Vec<i64> = store.cases(7).unwrap().iter().map(|c| c.id).collect();
        assert_eq!(ids, [5, 1], "sent: the platform's case, once");
        assert_eq!(
            store.case(7, -queued.id).unwrap().map(|c| c.id),
            Some(5),
            "the provisional id leads to the case it became"
        );
    }
}
