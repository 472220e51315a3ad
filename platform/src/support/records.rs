//! The support tables' SQL: `trip_share`, `agent`, `agent_session`, `support_case`,
//! `case_message` and the append-only `support_audit`.

use rusqlite::{Connection, OptionalExtension, params};
use tongyou_core::api::{AgentRole, Author, CaseCategory, CaseState, Message, SupportAudit};

pub(super) struct ShareRow {
    pub id: i64,
    pub account_id: i64,
    pub trip_id: String,
    pub created_at: String,
    pub expires_at: String,
    pub ended_at: Option<String>,
}

pub(super) struct AgentRow {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: AgentRole,
    pub password_hash: String,
}

pub(super) struct CaseRow {
    pub id: i64,
    pub account_id: i64,
    pub category: CaseCategory,
    pub state: CaseState,
    pub trip_id: Option<String>,
    pub item: Option<String>,
    pub share_id: Option<i64>,
    pub location: Option<(f64, f64)>,
    pub agent_id: Option<i64>,
    pub agent_name: Option<String>,
    pub opened_at: String,
    pub tourist_read: i64,
    pub agent_read: i64,
}

pub(super) fn category_str(c: CaseCategory) -> &'static str {
    match c {
        CaseCategory::GateRefused => "gate_refused",
        CaseCategory::Transport => "transport",
        CaseCategory::Booking => "booking",
        CaseCategory::Safety => "safety",
        CaseCategory::Other => "other",
    }
}

fn category_of(s: &str) -> CaseCategory {
    [
        CaseCategory::GateRefused,
        CaseCategory::Transport,
        CaseCategory::Booking,
        CaseCategory::Safety,
    ]
    .into_iter()
    .find(|c| category_str(*c) == s)
    .unwrap_or(CaseCategory::Other)
}

fn state_of(s: &str) -> CaseState {
    match s {
        "waiting" => CaseState::Waiting,
        "claimed" => CaseState::Claimed,
        _ => CaseState::Closed,
    }
}

pub(super) fn role_str(r: AgentRole) -> &'static str {
    match r {
        AgentRole::Agent => "agent",
        AgentRole::Supervisor => "supervisor",
    }
}

fn role_of(s: &str) -> AgentRole {
    if s == "supervisor" {
        AgentRole::Supervisor
    } else {
        AgentRole::Agent
    }
}

// --- shares

pub(super) fn insert_share(
    conn: &Connection,
    account: i64,
    trip_id: &str,
    token_hash: &str,
    now: &str,
    expires_at: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO trip_share (account_id, trip_id, token_hash, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![account, trip_id, token_hash, now, expires_at],
    )?;
    Ok(conn.last_insert_rowid())
}

const SHARE: &str =
    "SELECT id, account_id, trip_id, created_at, expires_at, ended_at FROM trip_share";

fn share_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ShareRow> {
    Ok(ShareRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        trip_id: r.get(2)?,
        created_at: r.get(3)?,
        expires_at: r.get(4)?,
        ended_at: r.get(5)?,
    })
}

pub(super) fn share(conn: &Connection, id: i64) -> rusqlite::Result<Option<ShareRow>> {
    conn.query_row(&format!("{SHARE} WHERE id = ?1"), [id], share_row)
        .optional()
}

pub(super) fn share_by_token(
    conn: &Connection,
    token_hash: &str,
) -> rusqlite::Result<Option<ShareRow>> {
    conn.query_row(
        &format!("{SHARE} WHERE token_hash = ?1"),
        [token_hash],
        share_row,
    )
    .optional()
}

pub(super) fn shares_of(conn: &Connection, account: i64) -> rusqlite::Result<Vec<ShareRow>> {
    let mut stmt = conn.prepare(&format!(
        "{SHARE} WHERE account_id = ?1 ORDER BY id DESC LIMIT 50"
    ))?;
    stmt.query_map([account], share_row)?.collect()
}

/// Ends a live share; the number of shares ended (0 or 1).
pub(super) fn end_share(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE trip_share SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL",
        params![id, now],
    )
}

/// The case a share was made for.
pub(super) fn case_of_share(conn: &Connection, share: i64) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM support_case WHERE share_id = ?1",
        [share],
        |r| r.get(0),
    )
    .optional()
}

/// Who reached the share, newest first: (at, agent's name or `None` for the link, action).
pub(super) fn share_accesses(
    conn: &Connection,
    share: i64,
) -> rusqlite::Result<Vec<(String, Option<String>, String)>> {
    let mut stmt = conn.prepare(
        "SELECT a.at, g.name, a.action FROM support_audit a LEFT JOIN agent g ON g.id = a.agent_id
         WHERE a.share_id = ?1 ORDER BY a.id DESC LIMIT 100",
    )?;
    stmt.query_map([share], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect()
}

/// The first admitting scan of a pass: (gate, when).
pub(super) fn first_use(
    conn: &Connection,
    pass_id: &str,
) -> rusqlite::Result<Option<(String, String)>> {
    conn.query_row(
        "SELECT gate_id, scanned_at FROM gate_scan WHERE pass_id = ?1 AND refusal IS NULL
         ORDER BY scanned_at LIMIT 1",
        [pass_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

// --- audit

pub(super) fn audit(
    conn: &Connection,
    at: &str,
    agent: Option<i64>,
    action: &str,
    case: Option<i64>,
    share: Option<i64>,
    detail: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO support_audit (at, agent_id, action, case_id, share_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![at, agent, action, case, share, detail],
    )?;
    Ok(())
}

pub(super) fn audit_log(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<SupportAudit>> {
    let mut stmt = conn.prepare(
        "SELECT a.id, a.at, COALESCE(g.login, 'link'), a.action, a.case_id, a.share_id, a.detail
         FROM support_audit a LEFT JOIN agent g ON g.id = a.agent_id
         ORDER BY a.id DESC LIMIT ?1",
    )?;
    stmt.query_map([limit], |r| {
        Ok(SupportAudit {
            id: r.get(0)?,
            at: r.get(1)?,
            agent: r.get(2)?,
            action: r.get(3)?,
            case_id: r.get(4)?,
            share_id: r.get(5)?,
            detail: r.get(6)?,
        })
    })?
    .collect()
}

// --- agents and their sessions

pub(super) fn insert_agent(
    conn: &Connection,
    login: &str,
    name: &str,
    role: AgentRole,
    password_hash: &str,
    now: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO agent (login, name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (login) DO NOTHING",
        params![login, name, role_str(role), password_hash, now],
    )
}

const AGENT: &str = "SELECT id, login, name, role, password_hash FROM agent";

fn agent_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AgentRow> {
    Ok(AgentRow {
        id: r.get(0)?,
        login: r.get(1)?,
        name: r.get(2)?,
        role: role_of(&r.get::<_, String>(3)?),
        password_hash: r.get(4)?,
    })
}

pub(super) fn agent_by_login(conn: &Connection, login: &str) -> rusqlite::Result<Option<AgentRow>> {
    conn.query_row(&format!("{AGENT} WHERE login = ?1"), [login], agent_row)
        .optional()
}

pub(super) fn insert_session(
    conn: &Connection,
    token_hash: &str,
    csrf_hash: &str,
    agent: i64,
    now: &str,
    expires_at: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO agent_session (token_hash, csrf_hash, agent_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_hash, csrf_hash, agent, now, expires_at],
    )?;
    Ok(())
}

/// The agent of a live session, with the session's CSRF hash and when it expires.
pub(super) fn session_agent(
    conn: &Connection,
    token_hash: &str,
    now: &str,
) -> rusqlite::Result<Option<(AgentRow, String, String)>> {
    conn.query_row(
        "SELECT g.id, g.login, g.name, g.role, g.password_hash, s.csrf_hash, s.expires_at
         FROM agent_session s JOIN agent g ON g.id = s.agent_id
         WHERE s.token_hash = ?1 AND s.expires_at > ?2",
        params![token_hash, now],
        |r| Ok((agent_row(r)?, r.get(5)?, r.get(6)?)),
    )
    .optional()
}

pub(super) fn end_session(conn: &Connection, token_hash: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM agent_session WHERE token_hash = ?1",
        [token_hash],
    )
}

pub(super) fn prune_sessions(conn: &Connection, now: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM agent_session WHERE expires_at <= ?1", [now])
}

// --- cases and messages

pub(super) struct NewCase<'a> {
    pub account: i64,
    pub key: &'a str,
    pub category: CaseCategory,
    pub trip_id: Option<&'a str>,
    pub item: Option<&'a str>,
    pub share_id: Option<i64>,
    pub location: Option<(f64, f64)>,
    pub opened_at: &'a str,
}

/// The case this account opened with `key`, if any.
pub(super) fn case_by_key(
    conn: &Connection,
    account: i64,
    key: &str,
) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM support_case WHERE account_id = ?1 AND client_key = ?2",
        params![account, key],
        |r| r.get(0),
    )
    .optional()
}

pub(super) fn insert_case(conn: &Connection, c: &NewCase<'_>) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO support_case (account_id, client_key, category, state, trip_id, item,
             share_id, lat, lon, opened_at)
         VALUES (?1, ?2, ?3, 'waiting', ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            c.account,
            c.key,
            category_str(c.category),
            c.trip_id,
            c.item,
            c.share_id,
            c.location.map(|l| l.0),
            c.location.map(|l| l.1),
            c.opened_at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

const CASE_COLUMNS: &str =
    "SELECT c.id, c.account_id, c.category, c.state, c.trip_id, c.item, c.share_id,
    c.lat, c.lon, c.agent_id, g.name, c.opened_at, c.tourist_read, c.agent_read";
const CASE_FROM: &str = "FROM support_case c LEFT JOIN agent g ON g.id = c.agent_id";

fn case_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CaseRow> {
    let lat: Option<f64> = r.get(7)?;
    let lon: Option<f64> = r.get(8)?;
    Ok(CaseRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        category: category_of(&r.get::<_, String>(2)?),
        state: state_of(&r.get::<_, String>(3)?),
        trip_id: r.get(4)?,
        item: r.get(5)?,
        share_id: r.get(6)?,
        location: lat.zip(lon),
        agent_id: r.get(9)?,
        agent_name: r.get(10)?,
        opened_at: r.get(11)?,
        tourist_read: r.get(12)?,
        agent_read: r.get(13)?,
    })
}

pub(super) fn case(conn: &Connection, id: i64) -> rusqlite::Result<Option<CaseRow>> {
    conn.query_row(
        &format!("{CASE_COLUMNS} {CASE_FROM} WHERE c.id = ?1"),
        [id],
        case_row,
    )
    .optional()
}

pub(super) fn cases_of(conn: &Connection, account: i64) -> rusqlite::Result<Vec<CaseRow>> {
    let mut stmt = conn.prepare(&format!(
        "{CASE_COLUMNS} {CASE_FROM} WHERE c.account_id = ?1 ORDER BY c.id DESC LIMIT 50"
    ))?;
    stmt.query_map([account], case_row)?.collect()
}

/// A case in the queue: its row, its newest message's text, the tourist's messages after
/// the last one an agent read, and whether its share is live at the time asked.
pub(super) type QueueRow = (CaseRow, Option<String>, u32, bool);

/// Every case not closed, oldest first (see [`QueueRow`]); `now` as RFC 3339.
pub(super) fn queue_rows(conn: &Connection, now: &str) -> rusqlite::Result<Vec<QueueRow>> {
    let mut stmt = conn.prepare(&format!(
        "{CASE_COLUMNS},
            (SELECT m.text FROM case_message m WHERE m.case_id = c.id ORDER BY m.id DESC LIMIT 1),
            (SELECT COUNT(*) FROM case_message m
             WHERE m.case_id = c.id AND m.author = 'tourist' AND m.id > c.agent_read),
            EXISTS (SELECT 1 FROM trip_share s
                    WHERE s.id = c.share_id AND s.ended_at IS NULL AND s.expires_at > ?1)
         {CASE_FROM} WHERE c.state <> 'closed' ORDER BY c.opened_at, c.id"
    ))?;
    stmt.query_map([now], |r| {
        Ok((case_row(r)?, r.get(14)?, r.get(15)?, r.get(16)?))
    })?
    .collect()
}

/// Gives a waiting case to `agent`; `false` when it was no longer waiting (another agent
/// was first).
pub(super) fn claim(conn: &Connection, case: i64, agent: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE support_case SET state = 'claimed', agent_id = ?2 WHERE id = ?1 AND state = 'waiting'",
        params![case, agent],
    )? == 1)
}

pub(super) fn reassign(conn: &Connection, case: i64, from: i64, to: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE support_case SET agent_id = ?3, agent_read = 0
         WHERE id = ?1 AND state = 'claimed' AND agent_id = ?2",
        params![case, from, to],
    )? == 1)
}

pub(super) fn close(conn: &Connection, case: i64, now: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE support_case SET state = 'closed', closed_at = ?2 WHERE id = ?1 AND state <> 'closed'",
        params![case, now],
    )? == 1)
}

pub(super) fn insert_message(
    conn: &Connection,
    case: i64,
    author: Author,
    agent: Option<i64>,
    text: &str,
    at: &str,
) -> rusqlite::Result<i64> {
    let author = match author {
        Author::Tourist => "tourist",
        Author::Agent => "agent",
        Author::System => "system",
    };
    conn.execute(
        "INSERT INTO case_message (case_id, author, agent_id, text, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![case, author, agent, text, at],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn messages(conn: &Connection, case: i64) -> rusqlite::Result<Vec<Message>> {
    let mut stmt = conn.prepare(
        "SELECT m.id, m.author, g.name, m.text, m.at FROM case_message m
         LEFT JOIN agent g ON g.id = m.agent_id WHERE m.case_id = ?1 ORDER BY m.id",
    )?;
    stmt.query_map([case], |r| {
        let author = match r.get::<_, String>(1)?.as_str() {
            "tourist" => Author::Tourist,
            "agent" => Author::Agent,
            _ => Author::System,
        };
        Ok(Message {
            id: r.get(0)?,
            author,
            agent: r.get(2)?,
            text: r.get(3)?,
            at: r.get(4)?,
        })
    })?
    .collect()
}

/// Marks the case's messages up to `upto` read by the tourist or the agent.
pub(super) fn mark_read(
    conn: &Connection,
    case: i64,
    tourist: bool,
    upto: i64,
) -> rusqlite::Result<()> {
    let column = if tourist {
        "tourist_read"
    } else {
        "agent_read"
    };
    conn.execute(
        &format!("UPDATE support_case SET {column} = MAX({column}, ?2) WHERE id = ?1"),
        params![case, upto],
    )?;
    Ok(())
}

/// The account's support data, for deleting an account.
pub(crate) fn delete_account(conn: &Connection, account: i64) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM case_message WHERE case_id IN (SELECT id FROM support_case WHERE account_id = ?1)",
        [account],
    )?;
    conn.execute("DELETE FROM support_case WHERE account_id = ?1", [account])?;
    conn.execute("DELETE FROM trip_share WHERE account_id = ?1", [account])?;
    Ok(())
}
