//! `GET /api/v1/events`: the signed-in account's events as server-sent events.
//!
//! A stream starts where the client left off (`Last-Event-ID`, or `?since=` for clients
//! that cannot set headers): first every kept event after it, then each new one as its
//! unit commits. Both come from the same read of the log after the last id sent, woken by
//! the commit ([`crate::events`]), so the replay and the live part neither miss nor repeat
//! an event. Each message is `id:` the event id, `event:` its kind, `data:` the
//! [`Event`] JSON with the order as it is when sent. A stream with no position, or one the
//! log can no longer resume (pruned, or unknown here), starts with a `resync` message: read
//! the orders again, then carry on after its `id:`. A comment line every
//! [`HEARTBEAT`] keeps proxies from closing a quiet stream and tells the client the
//! platform is still there.
//!
//! A stream is opened only for a request that accepts `text/event-stream` (as every
//! EventSource does), so that a plain GET of this URL from a link or a generic API tool
//! gets an answer instead of a connection held open. It ends when its session does
//! (checked at every read and every [`SESSION_CHECK`]), when the platform stops, or when
//! the log cannot be read; the client then reconnects with its `Last-Event-ID`. An account
//! has at most [`crate::events::STREAMS_PER_ACCOUNT`] streams at once (429 past that).

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde::Deserialize;
use tokio::sync::watch;
use tongyou_core::api::{ApiError, Case, Event, Order};

use super::{AppState, BearerToken, HttpError, Query, SignedIn, off_thread};
use crate::accounts::Accounts;
use crate::events::{Events, Page, Subscription, kind_name};
use crate::orders::{Booking, BookingError};
use crate::support::Support;

/// A comment line this often on a quiet stream.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// A quiet stream checks this often that its session still stands.
pub const SESSION_CHECK: Duration = Duration::from_secs(60);
/// The `event:` of the message that says "read your orders again".
pub const RESYNC: &str = "resync";
/// The `event:` of a support case as it now is (`data:` is the [`Case`]): every case of
/// the account when a stream opens, then each one that changes (a message, a claim,
/// closed). It has no `id:`: a stream that opens again starts with every case again, so a
/// client misses nothing that changed while it was away, and needs no read of its own.
pub const CASE: &str = "case";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct Since {
    /// The last event id the client holds, for clients that cannot send `Last-Event-ID`
    /// (the header wins when both are sent).
    #[serde(default)]
    since: Option<i64>,
}

/// The signed-in account's events, as server-sent events.
///
/// Every kept event after `Last-Event-ID` (or `since`), then new ones as they happen, each
/// with its order as it is when sent. `event:` is the event's kind, or `resync`: the
/// position cannot be resumed (none was given, or its events are no longer kept), so read
/// the orders again; the stream carries on after the `resync` message's `id:`. A `case`
/// message (no `id:`) is a support case as it now is: every case of the account when the
/// stream opens, then each one that changes. A comment line comes every 15 s. Send `Accept: text/event-stream`. At most 8 streams per account.
#[utoipa::path(get, path = "/api/v1/events", operation_id = "events", security(("session" = [])),
    params(Since,
        ("Last-Event-ID" = Option<i64>, Header, description = "The last event id the client holds")),
    responses(
        (status = 200, content_type = "text/event-stream", body = Event,
            description = "Server-sent events; each `data:` is an Event (a `resync` message's is `{\"last_event_id\": id}`; a `case` message's, without `id:`, a Case)"),
        (status = 401, body = ApiError),
        (status = 406, body = ApiError, description = "The request does not accept `text/event-stream`"),
        (status = 429, body = ApiError, description = "The account has 8 streams open already"),
    ))]
pub(super) async fn stream(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    BearerToken(token): BearerToken,
    Query(Since { since }): Query<Since>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let last = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .ok_or_else(|| {
                    HttpError::BadRequest("Last-Event-ID must be an event id, a number".into())
                })?,
        ),
        None => since,
    };
    if !accepts_event_stream(&headers) {
        return Err(HttpError::NotAcceptable(
            "this is a stream of server-sent events: send `Accept: text/event-stream`".into(),
        ));
    }
    let subscription = state.events.subscribe(account)?;
    let feed = Feed {
        cases: state.support.watch_cases(account),
        support: Arc::clone(&state.support),
        case_marks: None,
        cases_due: false,
        events: Arc::clone(&state.events),
        booking: Arc::clone(&state.booking),
        accounts: Arc::clone(&state.accounts),
        account,
        token,
        last,
        subscription,
        ready: VecDeque::new(),
    };
    let messages = stream::unfold(feed, Feed::next);
    Ok(Sse::new(messages)
        .keep_alive(KeepAlive::new().interval(HEARTBEAT).text("heartbeat"))
        .into_response())
}

/// Whether `Accept` names `text/event-stream` (a wildcard does not count).
pub(super) fn accepts_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|range| range.split(';').next())
        .any(|media| media.trim().eq_ignore_ascii_case("text/event-stream"))
}

/// One open stream: where it stands and what is ready to send.
struct Feed {
    events: Arc<Events>,
    booking: Arc<Booking>,
    accounts: Arc<Accounts>,
    account: i64,
    token: String,
    /// The last event id sent, or asked to start after; `None` before a `resync`.
    last: Option<i64>,
    subscription: Subscription,
    ready: VecDeque<sse::Event>,
    support: Arc<Support>,
    /// Woken when one of the account's support cases changed.
    cases: watch::Receiver<()>,
    /// The cases as last sent; `None` before the first look, which sends every case.
    case_marks: Option<HashMap<i64, Case>>,
    /// The wait was woken by a change of the cases.
    cases_due: bool,
}

/// Why a stream stops.
enum End {
    SessionGone,
    Stopping,
    Failed(String),
}

impl Feed {
    /// The next message, waiting for one as long as it takes; `None` ends the stream.
    async fn next(mut self) -> Option<(Result<sse::Event, Infallible>, Feed)> {
        loop {
            if let Some(message) = self.ready.pop_front() {
                return Some((Ok(message), self));
            }
            if let Err(end) = self.fill().await {
                if let End::Failed(why) = end {
                    tracing::warn!(account = self.account, "event stream ended: {why}");
                }
                return None;
            }
        }
    }

    /// Reads what is new into `ready`, waiting for a commit when nothing is.
    async fn fill(&mut self) -> Result<(), End> {
        loop {
            // Before the read: a commit after it wakes the wait below.
            self.subscription.mark_seen();
            // A change seen by the wait below, one since, or the first look.
            let cases_due = std::mem::take(&mut self.cases_due)
                || self.cases.has_changed().unwrap_or(false)
                || self.case_marks.is_none();
            self.cases.borrow_and_update();
            self.read().await?;
            if cases_due {
                self.read_cases().await?;
            }
            if !self.ready.is_empty() {
                return Ok(());
            }
            loop {
                tokio::select! {
                    woke = self.subscription.changed() => {
                        if woke { break } else { return Err(End::Stopping) }
                    }
                    Ok(()) = self.cases.changed() => {
                        self.cases_due = true;
                        break;
                    }
                    () = tokio::time::sleep(SESSION_CHECK) => self.check_session().await?,
                }
            }
        }
    }

    /// One page of the log, each event with its order as it now is.
    async fn read(&mut self) -> Result<(), End> {
        let (events, booking, accounts) = (
            Arc::clone(&self.events),
            Arc::clone(&self.booking),
            Arc::clone(&self.accounts),
        );
        let (account, token, last) = (self.account, self.token.clone(), self.last);
        let read = tokio::task::spawn_blocking(move || {
            if accounts.authenticate(&token).ok() != Some(account) {
                return Err(End::SessionGone);
            }
            let page = events
                .page(account, last)
                .map_err(|e| End::Failed(e.to_string()))?;
            Ok(match page {
                Page::Resync { newest } => vec![Message::Resync(newest)],
                Page::Events(logged) => {
                    // Several events of one order in a page carry the same order: read once.
                    let mut orders: HashMap<i64, Option<Order>> = HashMap::new();
                    let mut out = Vec::with_capacity(logged.len());
                    for e in logged {
                        let order = match orders.get(&e.order_id) {
                            Some(order) => order.clone(),
                            None => {
                                let order = match booking.order(account, e.order_id) {
                                    Ok(order) => Some(order),
                                    Err(BookingError::NotFound) => None,
                                    Err(other) => return Err(End::Failed(other.to_string())),
                                };
                                orders.insert(e.order_id, order.clone());
                                order
                            }
                        };
                        out.push(match order {
                            Some(order) => Message::Event(Box::new(Event {
                                id: e.id,
                                kind: e.kind,
                                at: e.at,
                                order_id: e.order_id,
                                order,
                            })),
                            // Not this account's order any more: passed over.
                            None => Message::Skip(e.id),
                        });
                    }
                    out
                }
            })
        })
        .await
        .map_err(|e| End::Failed(e.to_string()))??;
        for message in read {
            let (id, sent) = message.into_sse();
            self.last = Some(id);
            self.ready.extend(sent);
        }
        Ok(())
    }

    /// The account's cases that changed since the last look, as `case` messages.
    async fn read_cases(&mut self) -> Result<(), End> {
        let (support, account) = (Arc::clone(&self.support), self.account);
        let cases = tokio::task::spawn_blocking(move || support.cases(account))
            .await
            .map_err(|e| End::Failed(e.to_string()))?
            .map_err(|e| End::Failed(e.to_string()))?;
        let marks = self.case_marks.get_or_insert_with(HashMap::new);
        for case in cases {
            if marks.get(&case.id) == Some(&case) {
                continue;
            }
            if let Ok(json) = serde_json::to_string(&case) {
                self.ready
                    .push_back(sse::Event::default().event(CASE).data(json));
            }
            marks.insert(case.id, case);
        }
        Ok(())
    }

    async fn check_session(&self) -> Result<(), End> {
        let (accounts, token, account) =
            (Arc::clone(&self.accounts), self.token.clone(), self.account);
        match off_thread(move || accounts.authenticate(&token)).await {
            Ok(signed_in) if signed_in == account => Ok(()),
            _ => Err(End::SessionGone),
        }
    }
}

/// What one read found, before it becomes SSE.
enum Message {
    Event(Box<Event>),
    Resync(i64),
    Skip(i64),
}

impl Message {
    /// The position it moves the stream to, and what to send.
    fn into_sse(self) -> (i64, Option<sse::Event>) {
        match self {
            Message::Event(event) => {
                let id = event.id;
                let sent = serde_json::to_string(&event)
                    .map_err(|e| tracing::error!(event = id, "an event did not serialise: {e}"))
                    .ok()
                    .map(|json| {
                        sse::Event::default()
                            .id(id.to_string())
                            .event(kind_name(event.kind))
                            .data(json)
                    });
                (id, sent)
            }
            Message::Resync(newest) => (
                newest,
                Some(
                    sse::Event::default()
                        .id(newest.to_string())
                        .event(RESYNC)
                        .data(serde_json::json!({ "last_event_id": newest }).to_string()),
                ),
            ),
            Message::Skip(id) => (id, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_explicit_event_stream_is_accepted() {
        let with = |accept: &[&str]| {
            let mut headers = HeaderMap::new();
            for a in accept {
                headers.append(header::ACCEPT, a.parse().unwrap());
            }
            accepts_event_stream(&headers)
        };
        assert!(with(&["text/event-stream"]));
        assert!(with(&["application/json, Text/Event-Stream;q=0.9"]));
        assert!(with(&["application/json", "text/event-stream"]));
        assert!(!with(&[]));
        assert!(!with(&["*/*"]));
        assert!(!with(&["text/*"]));
    }
}
