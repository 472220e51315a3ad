//! The calendar feeds' SQL: `calendar_feed` and `calendar_sequence`.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use tongyou_core::api::Lang;

use crate::store::StoreError;

pub(super) fn insert(
    conn: &Connection,
    token_hash: &str,
    account: i64,
    trip_id: &str,
    lang: Lang,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO calendar_feed (token_hash, account_id, trip_id, lang, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![token_hash, account, trip_id, lang.tag(), now])?;
    Ok(())
}

/// Ends the trip's live feed; how many ended (0 or 1).
pub(super) fn revoke(
    conn: &Connection,
    account: i64,
    trip_id: &str,
    now: &str,
) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE calendar_feed SET revoked_at = ?3
             WHERE account_id = ?1 AND trip_id = ?2 AND revoked_at IS NULL",
        )?
        .execute(params![account, trip_id, now])?)
}

/// The account, trip and language of a live feed.
pub(super) fn live(
    conn: &Connection,
    token_hash: &str,
) -> Result<Option<(i64, String, Lang)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT account_id, trip_id, lang FROM calendar_feed
             WHERE token_hash = ?1 AND revoked_at IS NULL",
        )?
        .query_row([token_hash], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                Lang::from_tag(&r.get::<_, String>(2)?),
            ))
        })
        .optional()?)
}

/// What each of the account's events `uids` last showed: its fingerprint and sequence.
pub(super) fn known(
    conn: &Connection,
    account: i64,
    uids: impl IntoIterator<Item = impl AsRef<str>>,
) -> Result<HashMap<String, (String, u32)>, StoreError> {
    let mut read = conn.prepare_cached(
        "SELECT fingerprint, sequence FROM calendar_sequence WHERE account_id = ?1 AND uid = ?2",
    )?;
    let mut out = HashMap::new();
    for uid in uids {
        let uid = uid.as_ref();
        if let Some(kept) = read
            .query_row(params![account, uid], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
        {
            out.insert(uid.to_owned(), kept);
        }
    }
    Ok(out)
}

/// Keeps what each event now shows and its sequence.
pub(super) fn keep(
    conn: &Connection,
    account: i64,
    changed: &[(&str, &str, u32)],
) -> Result<(), StoreError> {
    let mut write = conn.prepare_cached(
        "INSERT INTO calendar_sequence (account_id, uid, fingerprint, sequence)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id, uid) DO UPDATE SET
            fingerprint = excluded.fingerprint, sequence = excluded.sequence",
    )?;
    for (uid, fingerprint, sequence) in changed {
        write.execute(params![account, uid, fingerprint, sequence])?;
    }
    Ok(())
}
