//! Support routes: the tourist's shares and cases (bearer session), the read-only trip page
//! behind a share's address, and the agents' console API (cookie session, CSRF token on
//! every write).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use futures_util::stream;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use tongyou_core::api::{
    AgentMe, AgentSignIn, AgentWayOut, ApiError, Case, CaseDetail, CaseRequest, HandOver,
    ItemStatus, Lang, MessageRequest, PassState, QueueEntry, RefundLine, RefundOption, ReissuePass,
    Share, ShareRequest, SharedTrip, SupportAudit,
};

use super::{Body, HttpError, Path, SignedIn, client, idempotency_key, off_thread};
use crate::orders::BookingError;
use crate::support::{Agent, Support, SupportError};

/// The console's session cookie. `HttpOnly` (no script reads it), `SameSite=Strict` (no
/// other site's page sends it), `Secure` outside dev mode.
pub const SESSION_COOKIE: &str = "tongyou_console";
/// The header every console write carries the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

impl From<SupportError> for HttpError {
    fn from(e: SupportError) -> Self {
        use crate::accounts::AccountError as A;
        match e {
            SupportError::Invalid(fields) => HttpError::Booking(BookingError::Invalid(fields)),
            SupportError::NotFound => HttpError::NotFound("not found".into()),
            SupportError::Forbidden => HttpError::Forbidden("not allowed".into()),
            SupportError::Conflict(m) => HttpError::Booking(BookingError::Conflict(m)),
            SupportError::Unauthorized => HttpError::Account(A::Unauthorized(
                "wrong login or password, or the session has ended",
            )),
            SupportError::Limited { wait_s } => HttpError::Account(A::Limited { wait_s }),
            SupportError::Booking(b) => HttpError::from(b),
            SupportError::Disruption(d) => HttpError::from(d),
            SupportError::Store(s) => HttpError::Store(s),
            SupportError::Crypto(c) => HttpError::Account(A::Crypto(c)),
        }
    }
}

// --- the tourist's side

/// Shares one of the account's trips, read-only, until `expires_at`. The answer alone
/// carries the address (`path`).
#[utoipa::path(post, path = "/api/v1/shares", security(("session" = [])), request_body = ShareRequest,
    responses((status = 201, body = Share),
        (status = 422, body = ApiError, description = "No such trip, or an expiry in the past or beyond 30 days")))]
pub(super) async fn share(
    State(support): State<Arc<Support>>,
    SignedIn(account): SignedIn,
    Body(request): Body<ShareRequest>,
) -> Result<(StatusCode, Json<Share>), HttpError> {
    let share = off_thread(move || support.share(account, &request)).await?;
    Ok((StatusCode::CREATED, Json(share)))
}

/// The account's shares, newest first, each with every access through it.
#[utoipa::path(get, path = "/api/v1/shares", security(("session" = [])),
    responses((status = 200, body = [Share])))]
pub(super) async fn shares(
    State(support): State<Arc<Support>>,
    SignedIn(account): SignedIn,
) -> Result<Json<Vec<Share>>, HttpError> {
    Ok(Json(off_thread(move || support.shares(account)).await?))
}

/// Ends a share at once.
#[utoipa::path(delete, path = "/api/v1/shares/{id}", security(("session" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Share), (status = 404, body = ApiError)))]
pub(super) async fn end_share(
    State(support): State<Arc<Support>>,
    SignedIn(account): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Share>, HttpError> {
    Ok(Json(
        off_thread(move || support.end_share(account, id)).await?,
    ))
}

/// The trip behind a live share's token; anything else is a plain 404.
#[utoipa::path(get, path = "/api/v1/shared/{token}", params(("token" = String, Path)),
    responses((status = 200, body = SharedTrip), (status = 404, body = ApiError)))]
pub(super) async fn shared(
    State(support): State<Arc<Support>>,
    Path(token): Path<String>,
) -> Result<Json<SharedTrip>, HttpError> {
    Ok(Json(off_thread(move || support.shared(&token)).await?))
}

/// Opens a support case; the trip named is shared with the agents for 72 hours. Needs an
/// Idempotency-Key: the same key answers with the same case.
#[utoipa::path(post, path = "/api/v1/cases", security(("session" = [])),
    params(("Idempotency-Key" = String, Header, max_length = 128, pattern = "^[!-~]+$")),
    request_body = CaseRequest,
    responses((status = 201, body = Case), (status = 422, body = ApiError)))]
pub(super) async fn open_case(
    State(support): State<Arc<Support>>,
    SignedIn(account): SignedIn,
    headers: HeaderMap,
    Body(request): Body<CaseRequest>,
) -> Result<(StatusCode, Json<Case>), HttpError> {
    let key = idempotency_key(&headers)?.ok_or(HttpError::Booking(BookingError::MissingKey))?;
    let case = off_thread(move || support.open_case(account, &key, &request)).await?;
    Ok((StatusCode::CREATED, Json(case)))
}

/// The account's cases, newest first.
#[utoipa::path(get, path = "/api/v1/cases", security(("session" = [])),
    responses((status = 200, body = [Case])))]
pub(super) async fn cases(
    State(support): State<Arc<Support>>,
    SignedIn(account): SignedIn,
) -> Result<Json<Vec<Case>>, HttpError> {
    Ok(Json(off_thread(move || support.cases(account)).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", security(("session" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Case), (status = 404, body = ApiError)))]
pub(super) async fn case(
    State(support): State<Arc<Support>>,
    SignedIn(account): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Case>, HttpError> {
    Ok(Json(
        off_thread(move || support.tourist_case(account, id)).await?,
    ))
}

/// The tourist writes in their case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/messages", security(("session" = [])),
    params(("id" = i64, Path)), request_body = MessageRequest,
    responses((status = 200, body = Case), (status = 404, body = ApiError),
        (status = 409, body = ApiError, description = "The case is closed"),
        (status = 422, body = ApiError, description = "Empty, or longer than 2,000 characters")))]
pub(super) async fn tourist_says(
    State(support): State<Arc<Support>>,
    SignedIn(account): SignedIn,
    Path(id): Path<i64>,
    Body(request): Body<MessageRequest>,
) -> Result<Json<Case>, HttpError> {
    Ok(Json(
        off_thread(move || support.tourist_says(account, id, &request)).await?,
    ))
}

/// The tourist has read the case up to its newest message.
#[utoipa::path(post, path = "/api/v1/cases/{id}/read", security(("session" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Case), (status = 404, body = ApiError)))]
pub(super) async fn tourist_read(
    State(support): State<Arc<Support>>,
    SignedIn(account): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Case>, HttpError> {
    Ok(Json(
        off_thread(move || support.tourist_read(account, id)).await?,
    ))
}

// --- the console

/// The agent of the request's console session cookie, with the session's token.
pub struct ConsoleAgent(pub Agent, pub String);

impl<S: Send + Sync> FromRequestParts<S> for ConsoleAgent
where
    Arc<Support>: FromRef<S>,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ConsoleAgent, HttpError> {
        let token = session_cookie(&parts.headers).ok_or(SupportError::Unauthorized)?;
        let support = Arc::<Support>::from_ref(state);
        let agent = match support.known_agent(&token) {
            Some(known) => known?,
            None => {
                let held = token.clone();
                off_thread(move || support.agent(&held)).await?
            }
        };
        Ok(ConsoleAgent(agent, token))
    }
}

/// A console write: the session cookie and, in `X-CSRF-Token`, the session's CSRF token.
/// Without the token, 403: a page of another site cannot send it.
pub struct ConsoleWrite(pub Agent);

impl<S: Send + Sync> FromRequestParts<S> for ConsoleWrite
where
    Arc<Support>: FromRef<S>,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ConsoleWrite, HttpError> {
        let ConsoleAgent(agent, _) = ConsoleAgent::from_request_parts(parts, state).await?;
        let csrf = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if csrf.is_empty() || !agent.csrf_matches(csrf) {
            return Err(HttpError::Forbidden("missing or wrong CSRF token".into()));
        }
        Ok(ConsoleWrite(agent))
    }
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE)
        .map(|c| c.value().to_owned())
}

fn set_cookie(value: &str, secure: bool, max_age: Option<chrono::Duration>) -> HeaderValue {
    let mut c = cookie::Cookie::build((SESSION_COOKIE, value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .secure(secure);
    c = match max_age {
        Some(age) => c.max_age(cookie::time::Duration::seconds(age.num_seconds())),
        None => c.max_age(cookie::time::Duration::ZERO),
    };
    HeaderValue::from_str(&c.build().to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// Signs an agent in: the session comes back as an `HttpOnly`, `SameSite=Strict` cookie, the
/// CSRF token for writes in the body. Tries are limited per login and per address.
#[utoipa::path(post, path = "/api/v1/console/session", request_body = AgentSignIn,
    responses((status = 200, body = AgentMe, headers(("Set-Cookie" = String))),
        (status = 401, body = ApiError, description = "Wrong login or password"),
        (status = 429, body = ApiError, description = "Too many tries; `Retry-After` says when to try again",
            headers(("Retry-After" = u32, description = "Seconds to wait")))))]
pub(super) async fn console_sign_in(
    State(support): State<Arc<Support>>,
    State(dev_mode): State<DevMode>,
    connected: ConnectInfo<SocketAddr>,
    Body(request): Body<AgentSignIn>,
) -> Result<Response, HttpError> {
    let from = client(connected);
    let (token, me) = off_thread(move || support.sign_in(&request, from)).await?;
    let cookie = set_cookie(&token, !dev_mode.0, Some(crate::support::AGENT_SESSION));
    Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
}

/// Whether the platform runs in dev mode (plain HTTP on loopback: cookies without `Secure`).
#[derive(Clone, Copy)]
pub struct DevMode(pub bool);

/// Ends the console session and clears its cookie.
#[utoipa::path(delete, path = "/api/v1/console/session",
    responses((status = 204, description = "Signed out")))]
pub(super) async fn console_sign_out(
    State(support): State<Arc<Support>>,
    State(dev_mode): State<DevMode>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    if let Some(token) = session_cookie(&headers) {
        off_thread(move || support.sign_out(&token)).await?;
    }
    let cookie = set_cookie("", !dev_mode.0, None);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The signed-in agent, with a fresh CSRF token (a reloaded console page asks for one).
#[utoipa::path(get, path = "/api/v1/console/me", security(("console" = [])),
    responses((status = 200, body = AgentMe), (status = 401, body = ApiError)))]
pub(super) async fn me(
    State(support): State<Arc<Support>>,
    ConsoleAgent(agent, token): ConsoleAgent,
) -> Result<Json<AgentMe>, HttpError> {
    Ok(Json(off_thread(move || support.me(&agent, &token)).await?))
}

/// Every open case, urgent ones first, then the longest waiting.
#[utoipa::path(get, path = "/api/v1/console/queue", security(("console" = [])),
    responses((status = 200, body = [QueueEntry]), (status = 401, body = ApiError)))]
pub(super) async fn queue(
    State(support): State<Arc<Support>>,
    ConsoleAgent(agent, _): ConsoleAgent,
) -> Result<Json<Vec<QueueEntry>>, HttpError> {
    Ok(Json(off_thread(move || support.queue(&agent)).await?))
}

/// Takes a waiting case; when two agents try at once, one gets it and the other 409.
#[utoipa::path(post, path = "/api/v1/console/cases/{id}/claim", security(("console" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = CaseDetail), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 409, body = ApiError, description = "Another agent has it, or it is closed")))]
pub(super) async fn claim(
    State(support): State<Arc<Support>>,
    ConsoleWrite(agent): ConsoleWrite,
    Path(id): Path<i64>,
) -> Result<Json<CaseDetail>, HttpError> {
    Ok(Json(off_thread(move || support.claim(&agent, id)).await?))
}

/// Gives the case to another agent (its holder, or a supervisor).
#[utoipa::path(post, path = "/api/v1/console/cases/{id}/hand-over", security(("console" = [])), params(("id" = i64, Path)),
    request_body = HandOver,
    responses((status = 200, body = Case), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub(super) async fn hand_over(
    State(support): State<Arc<Support>>,
    ConsoleWrite(agent): ConsoleWrite,
    Path(id): Path<i64>,
    Body(request): Body<HandOver>,
) -> Result<Json<Case>, HttpError> {
    Ok(Json(
        off_thread(move || support.hand_over(&agent, id, &request)).await?,
    ))
}

/// The case, its chat and, while the share is live, the trip: for the agent who holds it,
/// or a supervisor. Audited.
#[utoipa::path(get, path = "/api/v1/console/cases/{id}", security(("console" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = CaseDetail), (status = 403, body = ApiError),
        (status = 404, body = ApiError)))]
pub(super) async fn case_detail(
    State(support): State<Arc<Support>>,
    ConsoleAgent(agent, _): ConsoleAgent,
    Path(id): Path<i64>,
) -> Result<Json<CaseDetail>, HttpError> {
    Ok(Json(
        off_thread(move || support.case_detail(&agent, id)).await?,
    ))
}

/// The agent holding the case writes to the tourist.
#[utoipa::path(post, path = "/api/v1/console/cases/{id}/messages", security(("console" = [])), params(("id" = i64, Path)),
    request_body = MessageRequest,
    responses((status = 200, body = Case), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub(super) async fn agent_says(
    State(support): State<Arc<Support>>,
    ConsoleWrite(agent): ConsoleWrite,
    Path(id): Path<i64>,
    Body(request): Body<MessageRequest>,
) -> Result<Json<Case>, HttpError> {
    Ok(Json(
        off_thread(move || support.agent_says(&agent, id, &request)).await?,
    ))
}

/// Closes the case; its share ends with it.
#[utoipa::path(post, path = "/api/v1/console/cases/{id}/close", security(("console" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Case), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub(super) async fn close(
    State(support): State<Arc<Support>>,
    ConsoleWrite(agent): ConsoleWrite,
    Path(id): Path<i64>,
) -> Result<Json<Case>, HttpError> {
    Ok(Json(off_thread(move || support.close(&agent, id)).await?))
}

/// What the agent holding the case may refund on its trip: every line of its confirmed
/// bookings, with the product's refund rule and what would go back if refunded now.
/// Audited as `viewed_refunds`.
#[utoipa::path(get, path = "/api/v1/console/cases/{id}/refunds", security(("console" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = [RefundOption]),
        (status = 403, body = ApiError, description = "Not the agent holding the case"),
        (status = 404, body = ApiError),
        (status = 409, body = ApiError, description = "The case is closed, or its trip no longer shared")))]
pub(super) async fn refund_options(
    State(support): State<Arc<Support>>,
    ConsoleAgent(agent, _): ConsoleAgent,
    Path(id): Path<i64>,
) -> Result<Json<Vec<RefundOption>>, HttpError> {
    Ok(Json(off_thread(move || support.refunds(&agent, id)).await?))
}

/// The agent holding the case refunds one line of its trip under the line's refund rule:
/// its passes are revoked and the tourist's order changes on their event stream. The
/// same line again is refused (409) and moves no money.
#[utoipa::path(post, path = "/api/v1/console/cases/{id}/refund", security(("console" = [])), params(("id" = i64, Path)),
    request_body = RefundLine,
    responses((status = 200, body = CaseDetail),
        (status = 403, body = ApiError, description = "Not the agent holding the case, or no CSRF token"),
        (status = 404, body = ApiError, description = "No such case, or no such order in its trip"),
        (status = 409, body = ApiError, description = "The line was refunded already or used; the case is closed; or its trip is no longer shared"),
        (status = 422, body = ApiError, description = "The order has no such line")))]
pub(super) async fn refund_line(
    State(support): State<Arc<Support>>,
    ConsoleWrite(agent): ConsoleWrite,
    Path(id): Path<i64>,
    Body(request): Body<RefundLine>,
) -> Result<Json<CaseDetail>, HttpError> {
    Ok(Json(
        off_thread(move || support.refund(&agent, id, &request)).await?,
    ))
}

/// The agent holding the case issues a valid pass of its trip again: the old one is
/// revoked, a new one for the same holder, product and day takes its place.
#[utoipa::path(post, path = "/api/v1/console/cases/{id}/reissue", security(("console" = [])), params(("id" = i64, Path)),
    request_body = ReissuePass,
    responses((status = 200, body = CaseDetail),
        (status = 403, body = ApiError, description = "Not the agent holding the case, or no CSRF token"),
        (status = 404, body = ApiError, description = "No such case, or no such pass in its trip"),
        (status = 409, body = ApiError, description = "The pass was used or revoked; the case is closed; or its trip is no longer shared")))]
pub(super) async fn reissue_pass(
    State(support): State<Arc<Support>>,
    ConsoleWrite(agent): ConsoleWrite,
    Path(id): Path<i64>,
    Body(request): Body<ReissuePass>,
) -> Result<Json<CaseDetail>, HttpError> {
    Ok(Json(
        off_thread(move || support.reissue(&agent, id, &request)).await?,
    ))
}

/// The agent holding the case applies one way out of a disruption hitting an order of its
/// trip, as the tourist would (`POST /orders/{id}/disruption`): all of it or nothing.
#[utoipa::path(post, path = "/api/v1/console/cases/{id}/way-out", security(("console" = [])), params(("id" = i64, Path)),
    request_body = AgentWayOut,
    responses((status = 200, body = CaseDetail),
        (status = 403, body = ApiError, description = "Not the agent holding the case, or no CSRF token"),
        (status = 404, body = ApiError, description = "No such case, order of its trip or disruption of the order"),
        (status = 409, body = ApiError, description = "The way out can no longer be taken; the case is closed; or its trip is no longer shared")))]
pub(super) async fn agent_way_out(
    State(support): State<Arc<Support>>,
    ConsoleWrite(agent): ConsoleWrite,
    Path(id): Path<i64>,
    Body(request): Body<AgentWayOut>,
) -> Result<Json<CaseDetail>, HttpError> {
    Ok(Json(
        off_thread(move || support.way_out(&agent, id, &request)).await?,
    ))
}

/// The newest lines of the support audit log: supervisors only.
#[utoipa::path(get, path = "/api/v1/console/audit", security(("console" = [])),
    responses((status = 200, body = [SupportAudit]), (status = 403, body = ApiError)))]
pub(super) async fn console_audit(
    State(support): State<Arc<Support>>,
    ConsoleAgent(agent, _): ConsoleAgent,
) -> Result<Json<Vec<SupportAudit>>, HttpError> {
    Ok(Json(off_thread(move || support.audit_log(&agent)).await?))
}

/// The console's live queue: a `queue` message (`data:` every open case, as
/// `GET /console/queue`) at once, then after every change a `queue_changes` message with
/// only the lines that changed and the cases that left, and a comment line every 15 s.
/// A console that falls far behind is sent a `queue` message again. Ends when the session
/// does (checked at each message, and every minute) or the platform stops. Send
/// `Accept: text/event-stream`.
#[utoipa::path(get, path = "/api/v1/console/stream", security(("console" = [])),
    responses((status = 200, content_type = "text/event-stream", body = [QueueEntry],
            description = "Server-sent events; each `queue` message's `data:` is the queue"),
        (status = 401, body = ApiError),
        (status = 406, body = ApiError, description = "The request does not accept `text/event-stream`")))]
pub(super) async fn console_stream(
    State(support): State<Arc<Support>>,
    ConsoleAgent(_, token): ConsoleAgent,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    if !super::events::accepts_event_stream(&headers) {
        return Err(HttpError::NotAcceptable(
            "this is a stream of server-sent events: send `Accept: text/event-stream`".into(),
        ));
    }
    if support.start_publishing() {
        // Woken from here on: the queue followed just below is worked out after this.
        let changes = support.watch_console();
        tokio::spawn(publish_queue(Arc::clone(&support), changes));
    }
    let following = Arc::clone(&support);
    let (queue, news) = off_thread(move || following.follow_queue()).await?;
    let feed = QueueFeed {
        closing: support.watch_closing(),
        support,
        token,
        whole: Some(queue),
        news,
    };
    Ok(Sse::new(stream::unfold(feed, QueueFeed::next))
        .keep_alive(
            KeepAlive::new()
                .interval(super::events::HEARTBEAT)
                .text("heartbeat"),
        )
        .into_response())
}

/// Works the queue out after each change the consoles show (changes kept while it works
/// are taken together the next time), and every [`crate::support::FRESH`] as urgency
/// moves with the clock, until the platform stops. What changed goes to every console's
/// stream as one serialized message.
async fn publish_queue(support: Arc<Support>, mut changes: watch::Receiver<()>) {
    let mut closing = support.watch_closing();
    let fresh = crate::support::FRESH
        .to_std()
        .unwrap_or(super::events::SESSION_CHECK);
    loop {
        if *closing.borrow() {
            return;
        }
        tokio::select! {
            _ = changes.changed() => {}
            _ = closing.changed() => continue,
            () = tokio::time::sleep(fresh) => {}
        }
        // Before the work: a change kept during it wakes the next turn.
        changes.borrow_and_update();
        let publishing = Arc::clone(&support);
        if let Err(e) = off_thread(move || publishing.publish_queue()).await {
            tracing::warn!("the consoles' queue could not be worked out: {e:?}");
        }
    }
}

/// One console's live queue.
struct QueueFeed {
    support: Arc<Support>,
    token: String,
    closing: watch::Receiver<bool>,
    /// The whole queue, to send next: at the start, and after falling behind.
    whole: Option<Vec<QueueEntry>>,
    /// The queue's changes, each serialized once for every console.
    news: broadcast::Receiver<Arc<str>>,
}

impl QueueFeed {
    async fn next(mut self) -> Option<(Result<sse::Event, Infallible>, QueueFeed)> {
        loop {
            if *self.closing.borrow() {
                return None;
            }
            if let Some(queue) = self.whole.take() {
                let message = sse::Event::default().event("queue").json_data(&queue);
                return Some((Ok(message.ok()?), self));
            }
            tokio::select! {
                news = self.news.recv() => match news {
                    Ok(changes) => {
                        // Signed out: the stream ends, the page reconnects and is told.
                        self.session_stands().await?;
                        let message = sse::Event::default().event("queue_changes").data(&*changes);
                        return Some((Ok(message), self));
                    }
                    // Too far behind to catch up change by change: the whole queue again,
                    // which the page takes in place of what it holds.
                    Err(RecvError::Lagged(_)) => {
                        self.session_stands().await?;
                        let support = Arc::clone(&self.support);
                        let (queue, news) = off_thread(move || support.follow_queue()).await.ok()?;
                        (self.whole, self.news) = (Some(queue), news);
                    }
                    // The queue can no longer be worked out: the page reconnects.
                    Err(RecvError::Closed) => return None,
                },
                _ = self.closing.changed() => {}
                () = tokio::time::sleep(super::events::SESSION_CHECK) => self.session_stands().await?,
            }
        }
    }

    /// `Some` while the console's session stands: from memory when the platform has seen
    /// it, else read.
    async fn session_stands(&self) -> Option<()> {
        match self.support.known_agent(&self.token) {
            Some(known) => known.ok().map(drop),
            None => {
                let (support, token) = (Arc::clone(&self.support), self.token.clone());
                off_thread(move || support.agent(&token))
                    .await
                    .ok()
                    .map(drop)
            }
        }
    }
}

// --- the shared trip's page

#[derive(serde::Deserialize)]
pub(super) struct PageQuery {
    lang: Option<String>,
}

/// The trip behind a share, as a page any browser opens: read-only, phone-sized, in
/// Chinese or (`?lang=en`, or a browser that prefers English) English. No script runs on
/// it; it reloads itself every minute, so an ended share leaves an open page within one.
pub(super) async fn page(
    State(support): State<Arc<Support>>,
    Path(token): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = match query.lang.as_deref() {
        Some("en") => Lang::En,
        Some(_) => Lang::Zh,
        None => {
            let accept = headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if accept.trim_start().starts_with("en") {
                Lang::En
            } else {
                Lang::Zh
            }
        }
    };
    let shared = off_thread(move || support.shared(&token)).await;
    let (status, body) = match shared {
        Ok(trip) => (StatusCode::OK, trip_page(&trip, lang)),
        Err(HttpError::NotFound(_)) => (StatusCode::NOT_FOUND, gone_page(lang)),
        Err(e) => return e.into_response(),
    };
    (
        status,
        [
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
                ),
            ),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        Html(body),
    )
        .into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const PAGE_STYLE: &str = "body{font-family:system-ui,'PingFang SC','Noto Sans CJK SC',sans-serif;margin:0 auto;max-width:40rem;padding:1rem;color:#1d2a24;background:#f6f4ee}h1{font-size:1.3rem}ol{list-style:none;padding:0}li{background:#fff;border-radius:.6rem;margin:.5rem 0;padding:.7rem .9rem}li.off{opacity:.6;text-decoration:line-through}.t{font-weight:600;margin-right:.5rem}.s{float:right;font-size:.85rem;color:#3b6e53}.p{color:#5b6660;font-size:.9rem}footer{color:#5b6660;font-size:.8rem;margin-top:1rem}";

fn trip_page(shared: &SharedTrip, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let status = |s: ItemStatus| -> &'static str {
        match (s, zh) {
            (ItemStatus::Held, true) => "保留中",
            (ItemStatus::Held, false) => "held",
            (ItemStatus::Confirmed, true) => "已确认",
            (ItemStatus::Confirmed, false) => "confirmed",
            (ItemStatus::Adjusted, true) => "已调整",
            (ItemStatus::Adjusted, false) => "adjusted",
            (ItemStatus::Failed, true) => "失败",
            (ItemStatus::Failed, false) => "failed",
            (ItemStatus::Cancelled, true) => "已取消",
            (ItemStatus::Cancelled, false) => "cancelled",
            (ItemStatus::Used, true) => "已使用",
            (ItemStatus::Used, false) => "used",
            (ItemStatus::Planned, true) => "自行安排",
            (ItemStatus::Planned, false) => "own plan",
        }
    };
    let items: String = shared
        .trip
        .items
        .iter()
        .map(|item| {
            format!(
                "<li class=\"{}\" data-item=\"{}\"><span class=\"t\">{}</span>{}<span class=\"s\">{}</span><div class=\"p\">{}</div></li>",
                if item.status.is_on() { "on" } else { "off" },
                escape(&item.id),
                item.start.format("%m-%d %H:%M"),
                escape(item.title.get(lang)),
                status(item.status),
                escape(item.place.get(lang)),
            )
        })
        .collect();
    let passes: String = shared
        .passes
        .iter()
        .map(|p| {
            let state = match (p.state, zh) {
                (PassState::Valid, true) => "未使用".to_owned(),
                (PassState::Valid, false) => "not used".to_owned(),
                (PassState::Used, _) => match (&p.used_gate, &p.used_at, zh) {
                    (Some(g), Some(at), true) => format!("已于 {at} 在 {g} 使用"),
                    (Some(g), Some(at), false) => format!("used at {g}, {at}"),
                    (_, _, true) => "已使用".to_owned(),
                    (_, _, false) => "used".to_owned(),
                },
                (PassState::Revoked, true) => "已作废".to_owned(),
                (PassState::Revoked, false) => "revoked".to_owned(),
            };
            format!(
                "<li data-pass=\"{}\">{} {}<span class=\"s\">{}</span></li>",
                escape(&p.pass_id),
                escape(p.name.get(lang)),
                escape(p.holder.as_deref().unwrap_or("")),
                escape(&state),
            )
        })
        .collect();
    let (title, passes_title, until, other) = if zh {
        (
            "通游 · 共享行程",
            "票券",
            "分享有效至",
            "<a href=\"?lang=en\">English</a>",
        )
    } else {
        (
            "Tongyou · shared trip",
            "Passes",
            "Shared until",
            "<a href=\"?lang=zh\">中文</a>",
        )
    };
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta http-equiv=\"refresh\" content=\"60\"><meta name=\"referrer\" content=\"no-referrer\"><title>{title}</title><style>{PAGE_STYLE}</style></head><body><h1>{title}</h1><p>{} – {}</p><ol id=\"items\">{items}</ol><h2>{passes_title}</h2><ol id=\"passes\">{passes}</ol><footer>{until} {} · {other}</footer></body></html>",
        if zh { "zh-CN" } else { "en" },
        escape(&shared.trip.first_day),
        escape(&shared.trip.last_day),
        escape(&shared.expires_at),
    )
}

fn gone_page(lang: Lang) -> String {
    let (title, says) = match lang {
        Lang::Zh => ("通游", "这个分享已结束或不存在。"),
        Lang::En => ("Tongyou", "This share has ended, or never was."),
    };
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title><style>{PAGE_STYLE}</style></head><body><h1>{title}</h1><p id=\"gone\">{says}</p></body></html>"
    )
}
