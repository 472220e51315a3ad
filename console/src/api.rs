//! The console's one door to the platform: typed calls of `/api/v1/console/…` (and the
//! region catalog for "send a place"), each a browser `fetch` to the page's own origin
//! with its session cookie and, on every write, the session's CSRF token; and the queue's
//! live stream, an `EventSource`. Nothing else in the console builds a request.
//!
//! The session itself is an `HttpOnly` cookie no script can read: the console only ever
//! holds the CSRF token that `POST /console/session` and `GET /console/me` answer with.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tongyou_core::api::{
    AgentMe, AgentSignIn, AgentWayOut, ApiError, Case, CaseDetail, CatalogSnapshot, ErrorCode,
    HandOver, MessageRequest, QueueChanges, QueueEntry, RefundLine, RefundOption, RegionSummary,
    ReissuePass, SupportAudit,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent, RequestCredentials};

const API: &str = "/api/v1";
/// The header a console write carries the session's CSRF token in.
const CSRF_HEADER: &str = "X-CSRF-Token";

/// A call that did not answer with what was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The HTTP status; 0 when the platform did not answer at all.
    pub status: u16,
    pub error: ApiError,
    /// From `Retry-After`: seconds until a locked sign-in may be tried again.
    pub retry_after_s: Option<u32>,
}

impl Failure {
    fn unreachable(why: impl std::fmt::Display) -> Failure {
        Failure {
            status: 0,
            error: ApiError::new(ErrorCode::Offline, why.to_string()),
            retry_after_s: None,
        }
    }

    /// The platform has no such route at all (as opposed to no such case): an endpoint
    /// this console knows of that the platform it talks to does not serve yet.
    pub fn no_such_endpoint(&self) -> bool {
        self.status == 404 && self.error.message == "no such endpoint"
    }
}

fn url(path: &str) -> String {
    format!("{API}{path}")
}

fn same_origin(request: RequestBuilder) -> RequestBuilder {
    request.credentials(RequestCredentials::SameOrigin)
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, Failure> {
    let request = request.map_err(Failure::unreachable)?;
    request.send().await.map_err(Failure::unreachable)
}

/// The answer's body as `T`, or the platform's `ApiError` with its status.
async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, Failure> {
    if response.ok() {
        return response.json::<T>().await.map_err(Failure::unreachable);
    }
    Err(failure(response).await)
}

async fn failure(response: Response) -> Failure {
    let status = response.status();
    let retry_after_s = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse().ok());
    let error = match response.json::<ApiError>().await {
        Ok(error) => error,
        Err(_) => ApiError::new(ErrorCode::Internal, format!("HTTP {status}")),
    };
    Failure {
        status,
        error,
        retry_after_s,
    }
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    decode(send(same_origin(Request::get(&url(path))).build()).await?).await
}

/// A console write: the CSRF token in its header, the body (if any) as JSON.
async fn write<T: DeserializeOwned, B: Serialize>(
    path: &str,
    csrf: &str,
    body: Option<&B>,
) -> Result<T, Failure> {
    let request = same_origin(Request::post(&url(path))).header(CSRF_HEADER, csrf);
    let request = match body {
        Some(body) => request.json(body),
        None => request.build(),
    };
    decode(send(request).await?).await
}

pub async fn sign_in(login: String, password: String) -> Result<AgentMe, Failure> {
    let body = AgentSignIn { login, password };
    let request = same_origin(Request::post(&url("/console/session"))).json(&body);
    decode(send(request).await?).await
}

pub async fn sign_out(csrf: String) -> Result<(), Failure> {
    let request = same_origin(Request::delete(&url("/console/session")))
        .header(CSRF_HEADER, &csrf)
        .build();
    let response = send(request).await?;
    if response.ok() {
        Ok(())
    } else {
        Err(failure(response).await)
    }
}

/// The agent of the page's session cookie, with a fresh CSRF token.
pub async fn me() -> Result<AgentMe, Failure> {
    get("/console/me").await
}

/// The support audit log, newest first (supervisors only).
pub async fn audit() -> Result<Vec<SupportAudit>, Failure> {
    get("/console/audit").await
}

pub async fn case(id: i64) -> Result<CaseDetail, Failure> {
    get(&format!("/console/cases/{id}")).await
}

pub async fn claim(csrf: String, id: i64) -> Result<CaseDetail, Failure> {
    write(&format!("/console/cases/{id}/claim"), &csrf, None::<&()>).await
}

pub async fn say(csrf: String, id: i64, text: String) -> Result<Case, Failure> {
    let body = MessageRequest { text };
    write(&format!("/console/cases/{id}/messages"), &csrf, Some(&body)).await
}

pub async fn hand_over(csrf: String, id: i64, to_login: String) -> Result<Case, Failure> {
    let body = HandOver { to_login };
    write(
        &format!("/console/cases/{id}/hand-over"),
        &csrf,
        Some(&body),
    )
    .await
}

pub async fn close(csrf: String, id: i64) -> Result<Case, Failure> {
    write(&format!("/console/cases/{id}/close"), &csrf, None::<&()>).await
}

/// What may be refunded on the case's shared trip, each with its rule and amount.
pub async fn refunds(id: i64) -> Result<Vec<RefundOption>, Failure> {
    get(&format!("/console/cases/{id}/refunds")).await
}

pub async fn refund(csrf: String, id: i64, line: RefundLine) -> Result<CaseDetail, Failure> {
    write(&format!("/console/cases/{id}/refund"), &csrf, Some(&line)).await
}

/// Applies one of the ways out of a disruption hitting the case's trip, for the tourist.
pub async fn way_out(csrf: String, id: i64, way: AgentWayOut) -> Result<CaseDetail, Failure> {
    write(&format!("/console/cases/{id}/way-out"), &csrf, Some(&way)).await
}

pub async fn reissue(csrf: String, id: i64, pass_id: String) -> Result<CaseDetail, Failure> {
    let body = ReissuePass { pass_id };
    write(&format!("/console/cases/{id}/reissue"), &csrf, Some(&body)).await
}

pub async fn regions() -> Result<Vec<RegionSummary>, Failure> {
    get("/regions").await
}

pub async fn catalog(region_id: String) -> Result<CatalogSnapshot, Failure> {
    get(&format!("/regions/{region_id}/catalog")).await
}

/// What the queue's stream says.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueMessage {
    /// The whole queue: the first message of every connection.
    Whole(Vec<QueueEntry>),
    /// Only the lines that changed and the cases that left.
    Changes(QueueChanges),
}

/// Where the queue's stream stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamState {
    Connecting,
    Live,
    /// Lost; the browser is connecting again by itself.
    Reconnecting,
    /// The browser gave up (the platform refused it, or is gone): the page decides.
    Closed,
}

/// The queue's live stream (`GET /console/stream`, server-sent events), open while this
/// is held: dropping it closes the connection.
pub struct QueueStream {
    source: EventSource,
    _listeners: Vec<Closure<dyn FnMut(MessageEvent)>>,
    _state: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl QueueStream {
    /// Opens the stream; `on_message` gets each message, `on_state` each change of the
    /// connection. A message that does not parse is skipped: the next whole queue (at
    /// the next connection) puts the page right.
    pub fn open(
        on_message: impl Fn(QueueMessage) + Clone + 'static,
        on_state: impl Fn(StreamState) + Clone + 'static,
    ) -> Result<QueueStream, Failure> {
        let source = EventSource::new(&url("/console/stream"))
            .map_err(|e| Failure::unreachable(format!("{e:?}")))?;
        let whole = on_message.clone();
        let queue = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(lines) = data_of::<Vec<QueueEntry>>(&e) {
                whole(QueueMessage::Whole(lines));
            }
        });
        let changes = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(changes) = data_of::<QueueChanges>(&e) {
                on_message(QueueMessage::Changes(changes));
            }
        });
        let opened = on_state.clone();
        let open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| opened(StreamState::Live));
        let lost = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let closed = e
                .current_target()
                .and_then(|t| t.dyn_into::<EventSource>().ok())
                .is_none_or(|s| s.ready_state() == EventSource::CLOSED);
            on_state(if closed {
                StreamState::Closed
            } else {
                StreamState::Reconnecting
            });
        });
        for (name, listener) in [("queue", &queue), ("queue_changes", &changes)] {
            source
                .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
                .map_err(|e| Failure::unreachable(format!("{e:?}")))?;
        }
        for (name, listener) in [("open", &open), ("error", &lost)] {
            source
                .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
                .map_err(|e| Failure::unreachable(format!("{e:?}")))?;
        }
        Ok(QueueStream {
            source,
            _listeners: vec![queue, changes],
            _state: vec![open, lost],
        })
    }
}

impl Drop for QueueStream {
    fn drop(&mut self) {
        self.source.close();
    }
}

fn data_of<T: DeserializeOwned>(e: &MessageEvent) -> Option<T> {
    serde_json::from_str(&e.data().as_string()?).ok()
}
