//! Support: trip shares, support cases with their chat, and the agents who answer them.
//!
//! **Shares.** A tourist shares one trip until a time of their choosing (at most 30 days):
//! read-only, nothing personal beyond masked holder names. The address carries a 256-bit
//! random token of which only the SHA-256 is kept, so it is shown once. An ended or
//! expired share answers exactly like one that never was. Every read through a share is a
//! line of the audit log, which the tourist sees beside the share.
//!
//! **Cases.** One tap opens a case (category, an optional message, the trip shared for
//! [`DEFAULT_SHARE`], the item the help button was on, the last known position), keyed by
//! the app's Idempotency-Key so an outbox that sends it twice lands one case. The case is
//! a chat; each side marks what it has read.
//!
//! **Agents** are made by `tongyou-platform agent add` (Argon2id password hashes) and sign
//! in to the console with a cookie session and a CSRF token for writes; tries are limited
//! per login and per address. An agent reaches a trip only through the share of a case they
//! hold (a supervisor: of any open case), and only while that share is live. Every view and
//! action is audited in the unit that does it; `support_audit` refuses updates by trigger.
//! A session seen once is remembered, so that a console's requests and its stream's checks
//! do not read it again each time.
//!
//! **The queue** every console shows is worked out once per change for all of them
//! ([`Support::publish_queue`]) and what changed in it is serialized once, so that a
//! change costs one read of the open cases however many consoles follow it
//! ([`Support::follow_queue`]).
//!
//! **Actions** (`actions.rs`): the agent holding a case acts on its trip for the tourist,
//! within what the share reaches: refunds a line under its rule, issues a pass again,
//! applies a way out of a disruption.

mod actions;
mod records;

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;
use tokio::sync::{broadcast, watch};
use tongyou_core::api::{
    AgentMe, AgentRole, AgentSignIn, Author, Case, CaseDetail, CaseRequest, CaseState, FieldError,
    HandOver, MessageRequest, QueueChanges, QueueEntry, Share, ShareAccess, ShareRequest,
    SharedPass, SharedTrip, SupportAudit,
};
use tongyou_core::api::{Order, TripView};
use tongyou_core::catalog::GeoPoint;
use tongyou_core::discover::local_now;
use tongyou_core::support::{self as rules, DEFAULT_SHARE};
use tongyou_core::text::Text;
use tongyou_core::trip;

use crate::accounts::{parse_time, token_hash};
use crate::disruptions::{DisruptionError, Disruptions};
use crate::limits::{Limit, Limiter, address_key};
use crate::orders::{Booking, BookingError, fmt};
use crate::sqlite::SqliteStore;
use crate::store::StoreError;

pub(crate) use records::delete_account;

/// Where a share opens in a browser; the token follows.
pub const SHARE_PATH: &str = "/s/";
/// How long a console session lasts: one long shift.
pub const AGENT_SESSION: Duration = Duration::hours(12);
/// Wrong passwords per login: five, then a wait.
pub const TRIES_PER_LOGIN: Limit = Limit::new(5, Duration::minutes(15));
/// Sign-in tries per client address, across logins.
pub const TRIES_PER_ADDRESS: Limit = Limit::new(30, Duration::hours(1));
/// How long a worked-out queue, and a case's urgency in it, stand without a change.
pub const FRESH: Duration = Duration::seconds(60);
/// Audit lines a supervisor reads at once.
pub const AUDIT_PAGE: i64 = 200;
/// Changes of the queue a console's stream may fall behind by before it is sent the whole
/// queue again.
pub const QUEUE_NEWS_KEPT: usize = 256;
/// Console sessions remembered at most; past this the memory starts again empty.
const SESSIONS_REMEMBERED: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum SupportError {
    #[error("some fields are not right")]
    Invalid(Vec<FieldError>),
    /// Unknown, another account's, ended or expired: one answer for all, so that ids and
    /// tokens reveal nothing.
    #[error("not found")]
    NotFound,
    /// An agent without the right to this case or this action.
    #[error("not allowed")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    #[error("wrong login or password, or the session has ended")]
    Unauthorized,
    #[error("too many sign-in tries; try again in {wait_s} s")]
    Limited { wait_s: i64 },
    #[error(transparent)]
    Booking(#[from] BookingError),
    /// An agent's way out, refused by the disruption's rules.
    #[error(transparent)]
    Disruption(#[from] DisruptionError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Crypto(String),
}

impl From<rusqlite::Error> for SupportError {
    fn from(e: rusqlite::Error) -> Self {
        SupportError::Store(StoreError::Database(e))
    }
}

/// A signed-in agent, as the console's routes know them.
#[derive(Debug, Clone)]
pub struct Agent {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: AgentRole,
    csrf_hash: String,
}

impl Agent {
    /// Whether `csrf` is this session's CSRF token.
    pub fn csrf_matches(&self, csrf: &str) -> bool {
        token_hash(csrf) == self.csrf_hash
    }

    fn supervises(&self) -> bool {
        self.role == AgentRole::Supervisor
    }
}

/// A value and when it was worked out.
type Dated<T> = (DateTime<Utc>, T);

/// The queue as last worked out, and the consoles following its changes.
struct QueueBoard {
    /// The change count ([`Support::changed`]) and the time it was worked out at; `None`
    /// before the first time.
    worked_out: Option<(u64, DateTime<Utc>)>,
    /// Every open case in the queue's order, each `waiting_s` left at 0: it grows by
    /// itself, so it is set as the queue is sent and a line does not change with it.
    lines: Vec<QueueEntry>,
    /// Each change of `lines`, as the JSON of a [`QueueChanges`]. Sent and subscribed to
    /// only under the board's lock, so that a console given `lines` misses no change
    /// after them and gets none before.
    news: broadcast::Sender<Arc<str>>,
}

impl QueueBoard {
    fn new() -> QueueBoard {
        QueueBoard {
            worked_out: None,
            lines: Vec::new(),
            news: broadcast::channel(QUEUE_NEWS_KEPT).0,
        }
    }

    /// The lines with how long each case has waited at `now`.
    fn as_of(&self, now: DateTime<Utc>) -> Vec<QueueEntry> {
        self.lines.iter().map(|line| waited(line, now)).collect()
    }

    /// From these lines to `lines`: the lines new or changed (their waits at `now`) and
    /// the cases that left.
    fn changes_to(&self, lines: &[QueueEntry], now: DateTime<Utc>) -> QueueChanges {
        let before: HashMap<i64, &QueueEntry> =
            self.lines.iter().map(|line| (line.case_id, line)).collect();
        let after: HashSet<i64> = lines.iter().map(|line| line.case_id).collect();
        QueueChanges {
            lines: lines
                .iter()
                .filter(|line| before.get(&line.case_id) != Some(line))
                .map(|line| waited(line, now))
                .collect(),
            left: self
                .lines
                .iter()
                .map(|line| line.case_id)
                .filter(|id| !after.contains(id))
                .collect(),
        }
    }
}

/// The line with how long its case has waited at `now`.
fn waited(line: &QueueEntry, now: DateTime<Utc>) -> QueueEntry {
    QueueEntry {
        waiting_s: (now - parse_time(&line.opened_at)).num_seconds().max(0),
        ..line.clone()
    }
}

pub struct Support {
    store: Arc<SqliteStore>,
    booking: Arc<Booking>,
    /// For an agent's way out, applied as the tourist's own.
    disruptions: Arc<Disruptions>,
    /// Woken after each kept change a console shows (a case opened, claimed, written in,
    /// closed; a share ended): it wakes the queue's publisher, not each console.
    console: watch::Sender<()>,
    /// Per account, woken after each kept change to one of its cases.
    accounts: Mutex<HashMap<i64, watch::Sender<()>>>,
    /// Set when the platform stops: the consoles' streams end.
    closing: watch::Sender<bool>,
    /// Counts kept changes: the queue worked out for one count serves every console.
    version: AtomicU64,
    /// The queue as last worked out. Its lock is held while the queue is worked out
    /// again, so that it is worked out once per change: whoever asks meanwhile waits and
    /// takes the result.
    board: Mutex<QueueBoard>,
    /// Whether the queue's publisher has been started (by the first console's stream).
    publishing: AtomicBool,
    /// Each open case's urgency, and when it was worked out.
    urgent: Mutex<HashMap<i64, Dated<Option<Text>>>>,
    /// Console sessions seen, by token hash, with when each expires: a session only ends
    /// (signed out or expired) or has its CSRF token replaced here, so one seen once is
    /// answered without the database next time.
    sessions: Mutex<HashMap<String, (Agent, DateTime<Utc>)>>,
    /// Counts sessions ended or changed, so that one read from the database while that
    /// happened is not remembered: it may be the one that just changed.
    session_edits: AtomicU64,
    tries_per_login: Limiter,
    tries_per_address: Limiter,
    /// A hash to check passwords against for logins that do not exist, so that a wrong
    /// login takes as long as a wrong password.
    decoy: String,
}

impl Support {
    pub fn new(
        store: Arc<SqliteStore>,
        booking: Arc<Booking>,
        disruptions: Arc<Disruptions>,
    ) -> Result<Support, SupportError> {
        Ok(Support {
            store,
            booking,
            disruptions,
            console: watch::channel(()).0,
            accounts: Mutex::new(HashMap::new()),
            closing: watch::channel(false).0,
            version: AtomicU64::new(0),
            board: Mutex::new(QueueBoard::new()),
            publishing: AtomicBool::new(false),
            urgent: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            session_edits: AtomicU64::new(0),
            tries_per_login: Limiter::new(TRIES_PER_LOGIN),
            tries_per_address: Limiter::new(TRIES_PER_ADDRESS),
            decoy: hash_password("not a password of anyone")?,
        })
    }

    fn now(&self) -> DateTime<Utc> {
        self.booking.now()
    }

    /// Woken after each kept change the consoles show: for the queue's publisher, which
    /// marks it seen before [`Support::publish_queue`].
    pub fn watch_console(&self) -> watch::Receiver<()> {
        self.console.subscribe()
    }

    /// `true` once: for the first console stream, which starts the queue's publisher.
    pub fn start_publishing(&self) -> bool {
        !self.publishing.swap(true, Ordering::SeqCst)
    }

    /// Set when the platform stops.
    pub fn watch_closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends the consoles' streams: the platform is stopping.
    pub fn stop_streams(&self) {
        self.closing.send_replace(true);
    }

    /// Woken after each kept change to one of the account's cases.
    pub fn watch_cases(&self, account: i64) -> watch::Receiver<()> {
        self.accounts
            .lock()
            .entry(account)
            .or_insert_with(|| watch::channel(()).0)
            .subscribe()
    }

    /// After a unit that changed `account`'s cases was kept: wakes the consoles and the
    /// account's streams. Senders nobody listens to any more are dropped on the way.
    fn changed(&self, account: i64) {
        self.version.fetch_add(1, Ordering::SeqCst);
        self.console.send_replace(());
        let mut accounts = self.accounts.lock();
        if let Some(sender) = accounts.get(&account) {
            sender.send_replace(());
        }
        accounts.retain(|_, sender| sender.receiver_count() > 0);
    }

    // --- shares

    /// Shares the account's trip until the time asked for.
    pub fn share(&self, account: i64, request: &ShareRequest) -> Result<Share, SupportError> {
        let now = self.now();
        let expires = rules::check_expiry(&request.expires_at, now)
            .map_err(|e| SupportError::Invalid(vec![e]))?;
        self.trip_view(account, &request.trip_id, None)
            .map_err(|e| match e {
                SupportError::NotFound => SupportError::Invalid(vec![FieldError::new(
                    "trip_id",
                    "没有这个行程",
                    "There is no such trip",
                )]),
                other => other,
            })?;
        let (token, id) = self.store.atomically(|| -> Result<_, SupportError> {
            let conn = self.store.conn()?;
            let token = random_token()?;
            let id = records::insert_share(
                &conn,
                account,
                &request.trip_id,
                &token_hash(&token),
                &fmt(now),
                &fmt(expires),
            )?;
            Ok((token, id))
        })?;
        let mut share = self.own_share(account, id)?;
        share.path = Some(format!("{SHARE_PATH}{token}"));
        Ok(share)
    }

    /// The account's shares, newest first, each with who reached it.
    pub fn shares(&self, account: i64) -> Result<Vec<Share>, SupportError> {
        let now = self.now();
        self.store.reading(|| {
            let conn = self.store.conn()?;
            records::shares_of(&conn, account)?
                .into_iter()
                .map(|row| share_out(&conn, row, now))
                .collect()
        })
    }

    /// Ends one of the account's shares at once: every reader loses it.
    pub fn end_share(&self, account: i64, id: i64) -> Result<Share, SupportError> {
        let now = fmt(self.now());
        self.store.atomically(|| -> Result<(), SupportError> {
            let conn = self.store.conn()?;
            match records::share(&conn, id)? {
                Some(row) if row.account_id == account => {
                    records::end_share(&conn, id, &now)?;
                    Ok(())
                }
                _ => Err(SupportError::NotFound),
            }
        })?;
        self.changed(account);
        self.own_share(account, id)
    }

    fn own_share(&self, account: i64, id: i64) -> Result<Share, SupportError> {
        let now = self.now();
        self.store.reading(|| {
            let conn = self.store.conn()?;
            match records::share(&conn, id)? {
                Some(row) if row.account_id == account => share_out(&conn, row, now),
                _ => Err(SupportError::NotFound),
            }
        })
    }

    /// The trip behind a share's token, as it is now, for whoever has the address. The
    /// read is audited as the link's.
    pub fn shared(&self, token: &str) -> Result<SharedTrip, SupportError> {
        let now = self.now();
        let row = self
            .store
            .reading(|| -> Result<_, SupportError> {
                let conn = self.store.conn()?;
                Ok(records::share_by_token(&conn, &token_hash(token))?)
            })?
            .filter(|row| live(row, now))
            .ok_or(SupportError::NotFound)?;
        let trip = self.shared_trip(&row)?;
        self.audit(None, "viewed", None, Some(row.id), None)?;
        Ok(trip)
    }

    fn shared_trip(&self, share: &records::ShareRow) -> Result<SharedTrip, SupportError> {
        let (orders, view) = self.trip_view(share.account_id, &share.trip_id, Some(self.now()))?;
        let passes = self.store.reading(|| -> Result<_, SupportError> {
            let conn = self.store.conn()?;
            let mut passes = Vec::new();
            for order in orders.iter().filter(|o| view.order_ids.contains(&o.id)) {
                for pass in &order.passes {
                    let used = records::first_use(&conn, &pass.pass_id)?;
                    passes.push(SharedPass {
                        pass_id: pass.pass_id.clone(),
                        order_id: order.id,
                        sub_order_id: pass.sub_order_id,
                        name: pass.name.clone(),
                        holder: pass.holder.clone(),
                        date: pass.date.clone(),
                        state: pass.state,
                        used_gate: used.as_ref().map(|(gate, _)| gate.clone()),
                        used_at: used.map(|(_, at)| at),
                    });
                }
            }
            Ok(passes)
        })?;
        Ok(SharedTrip {
            trip: view,
            passes,
            expires_at: share.expires_at.clone(),
        })
    }

    /// The account's orders and the trip's view made for `at` (region-local), when
    /// the account has that trip.
    fn trip_view(
        &self,
        account: i64,
        trip_id: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<(Vec<Order>, TripView), SupportError> {
        let catalog = trip::parse_trip_id(trip_id)
            .and_then(|(region, _)| self.booking.region(region))
            .ok_or(SupportError::NotFound)?;
        let orders = self.booking.orders(account)?;
        let as_of = at.map(|t| local_now(&catalog, t));
        let view =
            trip::view_by_id(&orders, &catalog, trip_id, as_of).ok_or(SupportError::NotFound)?;
        Ok((orders, view))
    }

    // --- cases, the tourist's side

    /// Opens a case; the same key answers with the same case.
    pub fn open_case(
        &self,
        account: i64,
        key: &str,
        request: &CaseRequest,
    ) -> Result<Case, SupportError> {
        let mut problems = Vec::new();
        let message = rules::check_message(&request.message, true, "message")
            .map_err(|e| problems.push(e))
            .unwrap_or_default();
        if let Some(trip_id) = &request.trip_id
            && let Err(e) = self.trip_view(account, trip_id, None)
        {
            match e {
                SupportError::NotFound => problems.push(FieldError::new(
                    "trip_id",
                    "没有这个行程",
                    "There is no such trip",
                )),
                other => return Err(other),
            }
        }
        if let Some(item) = &request.item
            && (item.is_empty() || item.len() > 128)
        {
            problems.push(FieldError::new("item", "条目不对", "The item is not right"));
        }
        if let Some(GeoPoint { lat, lon }) = request.location
            && !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        {
            problems.push(FieldError::new(
                "location",
                "位置不对",
                "The position is not on Earth",
            ));
        }
        if !problems.is_empty() {
            return Err(SupportError::Invalid(problems));
        }
        let now = self.now();
        // An outbox's case opened when the tourist tapped, not when the network came back;
        // a claim from the future or long past is taken as now.
        let asked = request
            .asked_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.to_utc())
            .filter(|t| *t <= now && now - *t <= Duration::days(1))
            .unwrap_or(now);
        let id = self.store.atomically(|| -> Result<i64, SupportError> {
            let conn = self.store.conn()?;
            if let Some(id) = records::case_by_key(&conn, account, key)? {
                return Ok(id);
            }
            let share_id = match &request.trip_id {
                Some(trip_id) => Some(records::insert_share(
                    &conn,
                    account,
                    trip_id,
                    // Reached through the case only: a token nobody is given.
                    &token_hash(&random_token()?),
                    &fmt(now),
                    &fmt(now + DEFAULT_SHARE),
                )?),
                None => None,
            };
            let id = records::insert_case(
                &conn,
                &records::NewCase {
                    account,
                    key,
                    category: request.category,
                    trip_id: request.trip_id.as_deref(),
                    item: request.item.as_deref(),
                    share_id,
                    location: request.location.map(|l| (l.lat, l.lon)),
                    opened_at: &fmt(asked),
                },
            )?;
            if !message.is_empty() {
                let m = records::insert_message(
                    &conn,
                    id,
                    Author::Tourist,
                    None,
                    &message,
                    &fmt(asked),
                )?;
                records::mark_read(&conn, id, true, m)?;
            }
            Ok(id)
        })?;
        self.changed(account);
        self.tourist_case(account, id)
    }

    /// The account's cases, newest first.
    pub fn cases(&self, account: i64) -> Result<Vec<Case>, SupportError> {
        self.store.reading(|| {
            let conn = self.store.conn()?;
            records::cases_of(&conn, account)?
                .into_iter()
                .map(|row| case_out(&conn, row, true))
                .collect()
        })
    }

    /// One of the account's cases.
    pub fn tourist_case(&self, account: i64, id: i64) -> Result<Case, SupportError> {
        self.store.reading(|| {
            let conn = self.store.conn()?;
            match records::case(&conn, id)? {
                Some(row) if row.account_id == account => case_out(&conn, row, true),
                _ => Err(SupportError::NotFound),
            }
        })
    }

    /// The tourist writes in their case (not once it is closed).
    pub fn tourist_says(
        &self,
        account: i64,
        id: i64,
        request: &MessageRequest,
    ) -> Result<Case, SupportError> {
        let text = rules::check_message(&request.text, false, "text")
            .map_err(|e| SupportError::Invalid(vec![e]))?;
        let now = fmt(self.now());
        self.store.atomically(|| -> Result<(), SupportError> {
            let conn = self.store.conn()?;
            let row = records::case(&conn, id)?
                .filter(|r| r.account_id == account)
                .ok_or(SupportError::NotFound)?;
            if row.state == CaseState::Closed {
                return Err(SupportError::Conflict("this case is closed".into()));
            }
            let m = records::insert_message(&conn, id, Author::Tourist, None, &text, &now)?;
            records::mark_read(&conn, id, true, m)?;
            Ok(())
        })?;
        self.changed(account);
        self.tourist_case(account, id)
    }

    /// The tourist has read their case up to its newest message.
    pub fn tourist_read(&self, account: i64, id: i64) -> Result<Case, SupportError> {
        self.store.atomically(|| -> Result<(), SupportError> {
            let conn = self.store.conn()?;
            records::case(&conn, id)?
                .filter(|r| r.account_id == account)
                .ok_or(SupportError::NotFound)?;
            let newest = records::messages(&conn, id)?.last().map_or(0, |m| m.id);
            records::mark_read(&conn, id, true, newest)?;
            Ok(())
        })?;
        self.tourist_case(account, id)
    }

    // --- agents

    /// Signs an agent in: the session token (for the cookie) and who they are, with the
    /// CSRF token their writes send back.
    pub fn sign_in(
        &self,
        request: &AgentSignIn,
        from: IpAddr,
    ) -> Result<(String, AgentMe), SupportError> {
        let now = self.now();
        let limited = |wait: Duration| SupportError::Limited {
            wait_s: wait.num_seconds().max(1),
        };
        self.tries_per_address
            .take(&address_key(from), now)
            .map_err(limited)?;
        // Only wrong passwords count against a login, so that signing in each shift never
        // locks anyone out; every try counts against the address.
        let login_key = request.login.to_lowercase();
        self.tries_per_login
            .full(&login_key, now)
            .map_err(limited)?;
        let agent = self.store.reading(|| -> Result<_, SupportError> {
            let conn = self.store.conn()?;
            Ok(records::agent_by_login(&conn, &request.login)?)
        })?;
        let hash = agent
            .as_ref()
            .map_or(self.decoy.as_str(), |a| &a.password_hash);
        let right = verify_password(&request.password, hash);
        let Some(agent) = agent.filter(|_| right) else {
            let _ = self.tries_per_login.take(&login_key, now);
            return Err(SupportError::Unauthorized);
        };
        let token = random_token()?;
        let csrf = random_token()?;
        self.store.atomically(|| -> Result<(), SupportError> {
            let conn = self.store.conn()?;
            records::prune_sessions(&conn, &fmt(now))?;
            records::insert_session(
                &conn,
                &token_hash(&token),
                &token_hash(&csrf),
                agent.id,
                &fmt(now),
                &fmt(now + AGENT_SESSION),
            )?;
            records::audit(
                &conn,
                &fmt(now),
                Some(agent.id),
                "signed_in",
                None,
                None,
                None,
            )?;
            Ok(())
        })?;
        Ok((
            token,
            AgentMe {
                login: agent.login,
                name: agent.name,
                role: agent.role,
                csrf,
            },
        ))
    }

    /// The agent of a live console session.
    pub fn agent(&self, token: &str) -> Result<Agent, SupportError> {
        let hash = token_hash(token);
        let now = self.now();
        if let Some(known) = self.remembered(&hash, now) {
            return known;
        }
        let edits = self.session_edits.load(Ordering::SeqCst);
        let (row, csrf_hash, expires_at) = self
            .store
            .reading(|| -> Result<_, SupportError> {
                let conn = self.store.conn()?;
                Ok(records::session_agent(&conn, &hash, &fmt(now))?)
            })?
            .ok_or(SupportError::Unauthorized)?;
        let agent = Agent {
            id: row.id,
            login: row.login,
            name: row.name,
            role: row.role,
            csrf_hash,
        };
        self.remember(hash, &agent, parse_time(&expires_at), edits);
        Ok(agent)
    }

    /// The agent of a console session this platform has seen, answered without the
    /// database (so on an async worker); `None` when it has to be looked up.
    pub fn known_agent(&self, token: &str) -> Option<Result<Agent, SupportError>> {
        self.remembered(&token_hash(token), self.now())
    }

    fn remembered(&self, hash: &str, now: DateTime<Utc>) -> Option<Result<Agent, SupportError>> {
        let sessions = self.sessions.lock();
        let (agent, expires_at) = sessions.get(hash)?;
        Some(if *expires_at > now {
            Ok(agent.clone())
        } else {
            Err(SupportError::Unauthorized)
        })
    }

    /// Remembers a session read from the database, unless one was ended or changed
    /// since the read began (`edits` is the count seen before it).
    fn remember(&self, hash: String, agent: &Agent, expires_at: DateTime<Utc>, edits: u64) {
        let mut sessions = self.sessions.lock();
        if edits != self.session_edits.load(Ordering::SeqCst) {
            return;
        }
        if sessions.len() >= SESSIONS_REMEMBERED {
            sessions.clear();
        }
        sessions.insert(hash, (agent.clone(), expires_at));
    }

    /// Drops a remembered session, and keeps a lookup under way from remembering it again.
    /// After the database's change: a lookup that read the row before it has seen the
    /// count unchanged.
    fn forget(&self, hash: &str) {
        self.session_edits.fetch_add(1, Ordering::SeqCst);
        self.sessions.lock().remove(hash);
    }

    pub fn sign_out(&self, token: &str) -> Result<(), SupportError> {
        let hash = token_hash(token);
        self.store.atomically(|| -> Result<(), SupportError> {
            let conn = self.store.conn()?;
            records::end_session(&conn, &hash)?;
            Ok(())
        })?;
        self.forget(&hash);
        Ok(())
    }

    /// A fresh CSRF token for the session (a reloaded console page asks for one).
    pub fn me(&self, agent: &Agent, token: &str) -> Result<AgentMe, SupportError> {
        let csrf = random_token()?;
        let hash = token_hash(token);
        self.store.atomically(|| -> Result<(), SupportError> {
            let conn = self.store.conn()?;
            conn.execute(
                "UPDATE agent_session SET csrf_hash = ?2 WHERE token_hash = ?1",
                rusqlite::params![hash, token_hash(&csrf)],
            )?;
            Ok(())
        })?;
        // The remembered session has the old CSRF token.
        self.forget(&hash);
        Ok(AgentMe {
            login: agent.login.clone(),
            name: agent.name.clone(),
            role: agent.role,
            csrf,
        })
    }

    /// Every open case: urgent ones first, then the longest waiting.
    pub fn queue(&self, _agent: &Agent) -> Result<Vec<QueueEntry>, SupportError> {
        let now = self.now();
        let mut board = self.board.lock();
        self.bring_up_to_date(&mut board, now)?;
        Ok(board.as_of(now))
    }

    /// The queue as it is now, and from then on each change of it as the JSON of a
    /// [`QueueChanges`], serialized once for every console: none made before the queue
    /// returned, none after it missed.
    pub fn follow_queue(
        &self,
    ) -> Result<(Vec<QueueEntry>, broadcast::Receiver<Arc<str>>), SupportError> {
        let now = self.now();
        let mut board = self.board.lock();
        self.bring_up_to_date(&mut board, now)?;
        Ok((board.as_of(now), board.news.subscribe()))
    }

    /// After a change the consoles show, or every [`FRESH`]: works the queue out again for
    /// every console following it. Nobody following: left to whoever next asks.
    ///
    /// When it cannot be worked out, every console's stream ends (their pages connect
    /// again and are told) rather than go on showing a queue that no longer moves.
    pub fn publish_queue(&self) -> Result<(), SupportError> {
        let now = self.now();
        let mut board = self.board.lock();
        if board.news.receiver_count() == 0 {
            return Ok(());
        }
        let published = self.bring_up_to_date(&mut board, now);
        if published.is_err() {
            board.news = broadcast::channel(QUEUE_NEWS_KEPT).0;
        }
        published
    }

    /// Works the queue out again when a change was kept since the board's, or the board
    /// is older than [`FRESH`] (urgency moves with the clock), and publishes what changed
    /// to the consoles following it. Each case's urgency, which reads its trip, is worked
    /// out once per [`FRESH`].
    fn bring_up_to_date(
        &self,
        board: &mut QueueBoard,
        now: DateTime<Utc>,
    ) -> Result<(), SupportError> {
        // Read before the queue: a change kept during the read leaves the board behind.
        let version = self.version.load(Ordering::SeqCst);
        if board
            .worked_out
            .is_some_and(|(v, at)| v == version && now - at < FRESH)
        {
            return Ok(());
        }
        let lines = self.work_out_queue(now)?;
        if board.news.receiver_count() > 0 {
            let changes = board.changes_to(&lines, now);
            if !changes.lines.is_empty() || !changes.left.is_empty() {
                match serde_json::to_string(&changes) {
                    Ok(json) => {
                        // Nobody left following since the count above: nothing to tell.
                        let _ = board.news.send(Arc::from(json));
                    }
                    // Not for these types; were it so, the consoles would miss a change:
                    // their streams end instead, and their pages connect again.
                    Err(e) => {
                        tracing::error!("the queue's changes did not serialise: {e}");
                        board.news = broadcast::channel(QUEUE_NEWS_KEPT).0;
                    }
                }
            }
        }
        board.worked_out = Some((version, now));
        board.lines = lines;
        Ok(())
    }

    fn work_out_queue(&self, now: DateTime<Utc>) -> Result<Vec<QueueEntry>, SupportError> {
        let rows = self.store.reading(|| -> Result<_, SupportError> {
            let conn = self.store.conn()?;
            Ok(records::queue_rows(&conn, &fmt(now))?)
        })?;
        let mut urgent = self.urgent.lock().clone();
        urgent.retain(|case, _| rows.iter().any(|(row, ..)| row.id == *case));
        let mut queue: Vec<QueueEntry> = rows
            .into_iter()
            .map(|(row, last, unread, shared)| {
                let why = match urgent.get(&row.id) {
                    Some((at, why)) if now - *at < FRESH => why.clone(),
                    _ => {
                        let why = self.urgency(&row);
                        urgent.insert(row.id, (now, why.clone()));
                        why
                    }
                };
                QueueEntry {
                    case_id: row.id,
                    category: row.category,
                    state: row.state,
                    urgent: why,
                    opened_at: row.opened_at.clone(),
                    waiting_s: 0,
                    agent: row.agent_name.clone(),
                    last_message: last.map(|m| rules::preview(&m, 60)),
                    unread,
                    shared,
                }
            })
            .collect();
        *self.urgent.lock() = urgent;
        queue.sort_by(|a, b| {
            b.urgent
                .is_some()
                .cmp(&a.urgent.is_some())
                .then(a.opened_at.cmp(&b.opened_at))
                .then(a.case_id.cmp(&b.case_id))
        });
        Ok(queue)
    }

    /// Why the case is urgent, from its category and its trip as it is now.
    fn urgency(&self, row: &records::CaseRow) -> Option<Text> {
        let view = row.trip_id.as_deref().and_then(|trip_id| {
            let catalog = trip::parse_trip_id(trip_id).and_then(|(r, _)| self.booking.region(r))?;
            let orders = self.booking.orders(row.account_id).ok()?;
            trip::view_by_id(&orders, &catalog, trip_id, None).map(|v| (v, catalog))
        });
        match view {
            Some((view, catalog)) => {
                rules::urgency(row.category, Some(&view), local_now(&catalog, self.now()))
            }
            // No trip: only the category counts, whatever the time.
            None => rules::urgency(row.category, None, self.now().naive_utc()),
        }
    }

    /// Takes a waiting case. Two agents at once: one wins, the other is told it is taken.
    pub fn claim(&self, agent: &Agent, case: i64) -> Result<CaseDetail, SupportError> {
        let now = fmt(self.now());
        let account = self.store.atomically(|| -> Result<i64, SupportError> {
            let conn = self.store.conn()?;
            let row = records::case(&conn, case)?.ok_or(SupportError::NotFound)?;
            if !records::claim(&conn, case, agent.id)? {
                return Err(SupportError::Conflict(match row.state {
                    CaseState::Closed => "this case is closed".into(),
                    _ => "another agent has this case".into(),
                }));
            }
            records::insert_message(
                &conn,
                case,
                Author::System,
                Some(agent.id),
                &format!(
                    "{} 正在为您处理 · {} is on your case",
                    agent.name, agent.name
                ),
                &now,
            )?;
            records::audit(
                &conn,
                &now,
                Some(agent.id),
                "claimed",
                Some(case),
                row.share_id,
                None,
            )?;
            Ok(row.account_id)
        })?;
        self.changed(account);
        self.case_detail(agent, case)
    }

    /// Gives the agent's case (a supervisor: any open case) to another agent.
    pub fn hand_over(
        &self,
        agent: &Agent,
        case: i64,
        request: &HandOver,
    ) -> Result<Case, SupportError> {
        let now = fmt(self.now());
        let account = self.store.atomically(|| -> Result<i64, SupportError> {
            let conn = self.store.conn()?;
            let row = records::case(&conn, case)?.ok_or(SupportError::NotFound)?;
            let holder = self.holder_check(agent, &row)?;
            let to = records::agent_by_login(&conn, &request.to_login)?.ok_or_else(|| {
                SupportError::Invalid(vec![FieldError::new(
                    "to_login",
                    "没有这个客服",
                    "There is no agent with this login",
                )])
            })?;
            if !records::reassign(&conn, case, holder, to.id)? {
                return Err(SupportError::Conflict("the case changed meanwhile".into()));
            }
            records::insert_message(
                &conn,
                case,
                Author::System,
                Some(to.id),
                &format!("{} 接手了您的问题 · {} has taken over", to.name, to.name),
                &now,
            )?;
            records::audit(
                &conn,
                &now,
                Some(agent.id),
                "handed_over",
                Some(case),
                row.share_id,
                Some(&to.login),
            )?;
            Ok(row.account_id)
        })?;
        self.changed(account);
        self.case_for_agent(case)
    }

    /// The case with its chat and, while its share is live, the trip. Only for the agent
    /// who holds it, or a supervisor; audited as a view.
    pub fn case_detail(&self, agent: &Agent, case: i64) -> Result<CaseDetail, SupportError> {
        let now = self.now();
        let (row, share) = self.store.reading(|| -> Result<_, SupportError> {
            let conn = self.store.conn()?;
            let row = records::case(&conn, case)?.ok_or(SupportError::NotFound)?;
            let share = match row.share_id {
                Some(id) => records::share(&conn, id)?,
                None => None,
            };
            Ok((row, share))
        })?;
        self.may_see(agent, &row)?;
        let live_share = share.filter(|s| live(s, now) && row.state != CaseState::Closed);
        let trip = match &live_share {
            Some(share) => Some(self.shared_trip(share)?),
            None => None,
        };
        let read = self.store.atomically(|| -> Result<bool, SupportError> {
            let conn = self.store.conn()?;
            let newest = records::messages(&conn, case)?.last().map_or(0, |m| m.id);
            let read = row.agent_id == Some(agent.id) && newest > row.agent_read;
            if read {
                records::mark_read(&conn, case, false, newest)?;
            }
            records::audit(
                &conn,
                &fmt(now),
                Some(agent.id),
                "viewed",
                Some(case),
                live_share.as_ref().map(|s| s.id),
                None,
            )?;
            Ok(read)
        })?;
        if read {
            // The queue's unread count fell.
            self.changed(row.account_id);
        }
        self.detail_for_agent(&row, live_share.as_ref(), trip)
    }

    /// The case as its agent sees it, with `trip` read through `share` when it is live.
    fn detail_for_agent(
        &self,
        row: &records::CaseRow,
        share: Option<&records::ShareRow>,
        trip: Option<SharedTrip>,
    ) -> Result<CaseDetail, SupportError> {
        let disruptions = match (share, &trip) {
            (Some(share), Some(trip)) => self
                .disruptions
                .mine(share.account_id)?
                .into_iter()
                .filter(|a| trip.trip.order_ids.contains(&a.order_id))
                .collect(),
            _ => Vec::new(),
        };
        Ok(CaseDetail {
            urgent: self.urgency(row),
            location: row.location.map(|(lat, lon)| GeoPoint { lat, lon }),
            case: self.case_for_agent(row.id)?,
            trip,
            disruptions,
        })
    }

    fn case_for_agent(&self, case: i64) -> Result<Case, SupportError> {
        self.store.reading(|| {
            let conn = self.store.conn()?;
            let row = records::case(&conn, case)?.ok_or(SupportError::NotFound)?;
            case_out(&conn, row, false)
        })
    }

    /// The agent who holds the case writes to the tourist: the case's chat after it (the
    /// console has the trip already; reading it again for every line would be audited
    /// as a view each time).
    pub fn agent_says(
        &self,
        agent: &Agent,
        case: i64,
        request: &MessageRequest,
    ) -> Result<Case, SupportError> {
        let text = rules::check_message(&request.text, false, "text")
            .map_err(|e| SupportError::Invalid(vec![e]))?;
        let now = fmt(self.now());
        let account = self.store.atomically(|| -> Result<i64, SupportError> {
            let conn = self.store.conn()?;
            let row = records::case(&conn, case)?.ok_or(SupportError::NotFound)?;
            if row.agent_id != Some(agent.id) || row.state != CaseState::Claimed {
                return Err(SupportError::Forbidden);
            }
            let m =
                records::insert_message(&conn, case, Author::Agent, Some(agent.id), &text, &now)?;
            records::mark_read(&conn, case, false, m)?;
            records::audit(
                &conn,
                &now,
                Some(agent.id),
                "sent_message",
                Some(case),
                row.share_id,
                None,
            )?;
            Ok(row.account_id)
        })?;
        self.changed(account);
        self.case_for_agent(case)
    }

    /// Closes the case (its holder or a supervisor). Its share ends with it.
    pub fn close(&self, agent: &Agent, case: i64) -> Result<Case, SupportError> {
        let now = fmt(self.now());
        let account = self.store.atomically(|| -> Result<i64, SupportError> {
            let conn = self.store.conn()?;
            let row = records::case(&conn, case)?.ok_or(SupportError::NotFound)?;
            self.holder_check(agent, &row)?;
            records::close(&conn, case, &now)?;
            if let Some(share) = row.share_id {
                records::end_share(&conn, share, &now)?;
            }
            records::insert_message(
                &conn,
                case,
                Author::System,
                Some(agent.id),
                "问题已解决，对话已结束 · The case is closed",
                &now,
            )?;
            records::audit(
                &conn,
                &now,
                Some(agent.id),
                "closed",
                Some(case),
                row.share_id,
                None,
            )?;
            Ok(row.account_id)
        })?;
        self.changed(account);
        self.case_for_agent(case)
    }

    /// The newest lines of the audit log: supervisors only.
    pub fn audit_log(&self, agent: &Agent) -> Result<Vec<SupportAudit>, SupportError> {
        if !agent.supervises() {
            return Err(SupportError::Forbidden);
        }
        self.store.reading(|| {
            let conn = self.store.conn()?;
            Ok(records::audit_log(&conn, AUDIT_PAGE)?)
        })
    }

    /// Who may act on a claimed case: its holder, or a supervisor. Returns the holder.
    fn holder_check(&self, agent: &Agent, row: &records::CaseRow) -> Result<i64, SupportError> {
        match (row.state, row.agent_id) {
            (CaseState::Claimed, Some(holder)) if holder == agent.id || agent.supervises() => {
                Ok(holder)
            }
            (CaseState::Closed, _) => Err(SupportError::Conflict("this case is closed".into())),
            _ => Err(SupportError::Forbidden),
        }
    }

    /// Who may see a case in full: the agent holding it, or a supervisor.
    fn may_see(&self, agent: &Agent, row: &records::CaseRow) -> Result<(), SupportError> {
        if row.agent_id == Some(agent.id) || agent.supervises() {
            Ok(())
        } else {
            Err(SupportError::Forbidden)
        }
    }

    fn audit(
        &self,
        agent: Option<i64>,
        action: &str,
        case: Option<i64>,
        share: Option<i64>,
        detail: Option<&str>,
    ) -> Result<(), SupportError> {
        let now = fmt(self.now());
        self.store.atomically(|| -> Result<(), SupportError> {
            let conn = self.store.conn()?;
            records::audit(&conn, &now, agent, action, case, share, detail)?;
            Ok(())
        })
    }
}

/// Makes an agent account (`tongyou-platform agent add`, and dev mode's demo agents).
/// `false` when the login is taken: an existing account is never overwritten.
pub fn add_agent(
    store: &SqliteStore,
    now: DateTime<Utc>,
    login: &str,
    name: &str,
    role: AgentRole,
    password: &str,
) -> Result<bool, SupportError> {
    let mut problems = Vec::new();
    if login.is_empty()
        || login.len() > 64
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        problems.push(FieldError::new(
            "login",
            "登录名为 1–64 个字母、数字或 . _ -",
            "A login is 1–64 letters, digits, '.', '_' or '-'",
        ));
    }
    if name.trim().is_empty() || name.chars().count() > 40 {
        problems.push(FieldError::new(
            "name",
            "名字为 1–40 个字",
            "A name is 1–40 characters",
        ));
    }
    if password.chars().count() < 12 {
        problems.push(FieldError::new(
            "password",
            "密码至少 12 个字符",
            "A password has at least 12 characters",
        ));
    }
    if !problems.is_empty() {
        return Err(SupportError::Invalid(problems));
    }
    let hash = hash_password(password)?;
    let added = store.atomically(|| -> Result<usize, SupportError> {
        let conn = store.conn()?;
        Ok(records::insert_agent(
            &conn,
            login,
            name.trim(),
            role,
            &hash,
            &fmt(now),
        )?)
    })?;
    Ok(added == 1)
}

fn live(share: &records::ShareRow, now: DateTime<Utc>) -> bool {
    share.ended_at.is_none() && parse_time(&share.expires_at) > now
}

fn share_out(
    conn: &rusqlite::Connection,
    row: records::ShareRow,
    now: DateTime<Utc>,
) -> Result<Share, SupportError> {
    let views = records::share_accesses(conn, row.id)?
        .into_iter()
        .map(|(at, who, what)| ShareAccess {
            at,
            who: who.unwrap_or_else(|| "link".into()),
            what,
        })
        .collect();
    Ok(Share {
        live: live(&row, now),
        case_id: records::case_of_share(conn, row.id)?,
        id: row.id,
        trip_id: row.trip_id,
        path: None,
        created_at: row.created_at,
        expires_at: row.expires_at,
        ended_at: row.ended_at,
        views,
    })
}

fn case_out(
    conn: &rusqlite::Connection,
    row: records::CaseRow,
    tourist: bool,
) -> Result<Case, SupportError> {
    let messages = records::messages(conn, row.id)?;
    let unread = if tourist {
        unread(&messages, row.tourist_read, Author::Agent)
            + unread(&messages, row.tourist_read, Author::System)
    } else {
        unread(&messages, row.agent_read, Author::Tourist)
    };
    Ok(Case {
        id: row.id,
        category: row.category,
        state: row.state,
        opened_at: row.opened_at,
        trip_id: row.trip_id,
        item: row.item,
        share_id: row.share_id,
        agent: row.agent_name,
        messages,
        unread,
    })
}

fn unread(messages: &[tongyou_core::api::Message], read_upto: i64, from: Author) -> u32 {
    messages
        .iter()
        .filter(|m| m.id > read_upto && m.author == from)
        .count() as u32
}

fn random_token() -> Result<String, SupportError> {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| SupportError::Crypto(e.to_string()))?;
    Ok(hex::encode(raw))
}

/// An Argon2id PHC string of `password` with a random salt (the crate's default cost).
fn hash_password(password: &str) -> Result<String, SupportError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| SupportError::Crypto(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| SupportError::Crypto(e.to_string()))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| SupportError::Crypto(e.to_string()))?
        .to_string())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    // Test code: a failed unwrap is a failed test.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn passwords_are_argon2id_and_checked() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        // Salted: the same password twice is two hashes.
        assert_ne!(hash, hash_password("correct horse battery").unwrap());
    }

    fn line(case_id: i64, last: &str) -> QueueEntry {
        QueueEntry {
            case_id,
            category: tongyou_core::api::CaseCategory::Booking,
            state: CaseState::Waiting,
            urgent: None,
            opened_at: "2026-07-15T08:00:00Z".into(),
            waiting_s: 0,
            agent: None,
            last_message: Some(last.into()),
            unread: 1,
            shared: true,
        }
    }

    #[test]
    fn the_board_tells_only_the_lines_that_changed_and_the_cases_that_left() {
        let mut board = QueueBoard::new();
        board.lines = vec![line(1, "a"), line(2, "b"), line(3, "c")];
        let now = parse_time("2026-07-15T08:01:00Z");
        let changes = board.changes_to(&[line(1, "a"), line(3, "c, again"), line(4, "d")], now);
        let changed: Vec<i64> = changes.lines.iter().map(|l| l.case_id).collect();
        assert_eq!(changed, vec![3, 4], "in the queue's order");
        assert!(changes.lines.iter().all(|l| l.waiting_s == 60));
        assert_eq!(changes.left, vec![2]);
        // The clock alone changes no line.
        let later = board.changes_to(&board.lines.clone(), now + Duration::minutes(5));
        assert_eq!((later.lines.len(), later.left.len()), (0, 0));
        assert_eq!(board.as_of(now)[0].waiting_s, 60);
    }
}
