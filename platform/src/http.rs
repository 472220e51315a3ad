//! HTTP routes of `/api/v1`, the OpenAPI document, and [`HttpError`]: the one place where
//! failures become status codes.

use std::net::SocketAddr;
use std::sync::Arc;

mod calendar;
mod console;
mod crowd;
mod disruptions;
mod events;
mod gate;
mod guide;
mod support;

use axum::extract::rejection::JsonRejection;
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRef, FromRequest, FromRequestParts, Request, State,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use tongyou_core::api::{
    API_PREFIX, AccountExport, ApiError, Availability, CalendarFeed, CalendarFeedRequest,
    CashierAction, CatalogSnapshot, CodeRequest, CodeSent, Combo, CrowdForecast, ErrorCode, Event,
    EventKind, Fault, FaultStep, FaultTarget, FieldError, GateCount, GateScan, GateSession,
    GateSignIn, Guest, Health, HotelStay, IdKind, IssuedPass, OnTheDay, Order, OrderRequest,
    OrderState, OrderTraveller, PassState, Payment, PaymentCallback, PaymentMethod, PaymentState,
    Plan, PlanDay, PlanKind, PlanParty, PlanRequest, PlanStep, Profile, Provider, PublicKey, Quote,
    QuoteLine, RegionSummary, RevocationDelta, ScanReceipt, ScanUpload, SensorReading, Session,
    ShuttleSeat, SightCrowd, SignIn, StepKind, SubOrder, SubOrderState, Traveller, TravellerInput,
    Vehicle,
};
use tongyou_core::api::{
    Affected, ApplyWayOut, AuditEntry, Disruption, DisruptionKind, DisruptionRequest,
    DisruptionState, WayOut, WayOutKind,
};
use tongyou_core::api::{
    AgentMe, AgentRole, AgentSignIn, AgentWayOut, Author, Case, CaseCategory, CaseDetail,
    CaseRequest, CaseState, GateRef, HandOver, ItemKind, ItemStatus, Message, MessageRequest,
    NowNext, QueueChanges, QueueEntry, RefundLine, RefundOption, ReissuePass, RideDirection, Share,
    ShareAccess, ShareRequest, SharedPass, SharedTrip, SupportAudit, TimelineItem, TripPhase,
    TripView, WalkingLeg,
};
use tongyou_core::gate::Refusal;
use utoipa::OpenApi;

use crate::accounts::{AccountError, Accounts};
use crate::calendars::Calendars;
use crate::crowd::{CrowdError, Crowds};
use crate::disruptions::Disruptions;
use crate::events::{EventError, Events};
use crate::gates::{GateError, Gates};
use crate::orders::{Booking, BookingError};
use crate::payments::PaymentError;
use crate::sqlite::SqliteStore;
use crate::store::StoreError;
use crate::support::Support;
use crate::texts::DevTexts;

type Store = Arc<SqliteStore>;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub catalog: Store,
    pub accounts: Arc<Accounts>,
    pub booking: Arc<Booking>,
    pub gates: Arc<Gates>,
    pub crowds: Arc<Crowds>,
    /// The account event log the event streams read.
    pub events: Arc<Events>,
    pub calendars: Arc<Calendars>,
    pub disruptions: Arc<Disruptions>,
    pub support: Arc<Support>,
    /// Serves the dev-only endpoints (sign-in codes, fault switches, the sweep trigger,
    /// the simulated cashier).
    pub dev_mode: bool,
    /// Dev mode's stand-in for text messages, whose codes `dev/sign-in-code` serves.
    pub dev_texts: Option<Arc<DevTexts>>,
    /// Sagas run at most this many at once ([`SAGAS_AT_ONCE`]), each on a blocking thread.
    pub sagas: Arc<tokio::sync::Semaphore>,
    /// The built agents' console served at `/console/`, if any (`--console-dir`).
    pub console_dir: Option<std::path::PathBuf>,
    pub guides: Arc<crate::guides::Guides>,
}

impl FromRef<AppState> for Arc<crate::guides::Guides> {
    fn from_ref(state: &AppState) -> Arc<crate::guides::Guides> {
        Arc::clone(&state.guides)
    }
}

/// Sagas in flight. Each reads on a read connection, then writes as one unit on the
/// store's writer, and units that queue for it share a commit, so the more in line the
/// less each order costs; past that they only wait longer and hold more blocking threads.
pub const SAGAS_AT_ONCE: usize = 64;

impl FromRef<AppState> for Arc<tokio::sync::Semaphore> {
    fn from_ref(state: &AppState) -> Arc<tokio::sync::Semaphore> {
        Arc::clone(&state.sagas)
    }
}

impl FromRef<AppState> for Arc<Booking> {
    fn from_ref(state: &AppState) -> Arc<Booking> {
        Arc::clone(&state.booking)
    }
}

impl FromRef<AppState> for Arc<Calendars> {
    fn from_ref(state: &AppState) -> Arc<Calendars> {
        Arc::clone(&state.calendars)
    }
}

impl FromRef<AppState> for Arc<Disruptions> {
    fn from_ref(state: &AppState) -> Arc<Disruptions> {
        Arc::clone(&state.disruptions)
    }
}

impl FromRef<AppState> for Arc<Support> {
    fn from_ref(state: &AppState) -> Arc<Support> {
        Arc::clone(&state.support)
    }
}

impl FromRef<AppState> for support::DevMode {
    fn from_ref(state: &AppState) -> support::DevMode {
        support::DevMode(state.dev_mode)
    }
}

impl FromRef<AppState> for Arc<Gates> {
    fn from_ref(state: &AppState) -> Arc<Gates> {
        Arc::clone(&state.gates)
    }
}

impl FromRef<AppState> for Arc<Crowds> {
    fn from_ref(state: &AppState) -> Arc<Crowds> {
        Arc::clone(&state.crowds)
    }
}

impl FromRef<AppState> for Store {
    fn from_ref(state: &AppState) -> Store {
        Arc::clone(&state.catalog)
    }
}

impl FromRef<AppState> for Arc<Accounts> {
    fn from_ref(state: &AppState) -> Arc<Accounts> {
        Arc::clone(&state.accounts)
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tongyou platform API",
        description = "The Tongyou platform: regions and their catalogs, accounts and saved travellers, combo orders (the booking saga), payments and pass-signing keys."
    ),
    paths(
        health, list_regions, region_catalog, availability, request_code, sign_in, sign_out,
        sign_out_everywhere, export_account, delete_account, list_travellers,
        add_traveller, remove_traveller, place_order, list_orders, get_order, cancel_order,
        payment_callback, cashier, public_keys, gate::sign_in, gate::revocations,
        gate::upload_scans, gate::scans, gate::counts, crowd::forecast, crowd::plans,
        guide::about, guide::pack,
        events::stream, calendar::open, calendar::revoke, calendar::feed, disruptions::post,
        disruptions::update, disruptions::lift, disruptions::list, disruptions::audit,
        disruptions::mine, disruptions::apply, support::share, support::shares,
        support::end_share, support::shared, support::open_case, support::cases, support::case,
        support::tourist_says, support::tourist_read, support::console_sign_in, support::console_sign_out,
        support::me, support::queue, support::claim, support::hand_over, support::case_detail,
        support::agent_says, support::close, support::console_audit, support::console_stream,
        support::refund_options, support::refund_line, support::reissue_pass, support::agent_way_out
    ),
    components(schemas(
        ApiError, FieldError, AccountExport, Health, RegionSummary, CatalogSnapshot, CodeRequest, CodeSent, SignIn, Session,
        IdKind, TravellerInput, Traveller, Availability, Combo, HotelStay, ShuttleSeat, Guest, Quote,
        QuoteLine, OrderRequest, OrderTraveller, PaymentMethod, Order, OrderState, SubOrder,
        SubOrderState, Provider, Payment, PaymentState, IssuedPass, PassState, PaymentCallback,
        CashierAction, PublicKey, Fault, FaultTarget, FaultStep, GateSignIn, GateSession,
        RevocationDelta, GateScan, ScanUpload, ScanReceipt, GateCount, Refusal, CrowdForecast,
        SightCrowd, SensorReading, PlanRequest, PlanParty, Profile, Plan, PlanKind, PlanDay,
        PlanStep, StepKind, OnTheDay, Vehicle, Event, EventKind, CalendarFeed, CalendarFeedRequest,
        DisruptionKind, DisruptionRequest, Disruption, DisruptionState, WayOut, WayOutKind,
        Affected, ApplyWayOut, AuditEntry, ShareRequest, Share, ShareAccess, SharedTrip,
        SharedPass, CaseCategory, CaseRequest, CaseState, Author, Message, MessageRequest, Case,
        AgentSignIn, AgentRole, AgentMe, QueueEntry, QueueChanges, CaseDetail, HandOver, SupportAudit,
        RefundOption, RefundLine, ReissuePass, AgentWayOut, TripView,
        TimelineItem, ItemKind, GateRef, RideDirection, ItemStatus, WalkingLeg, NowNext, TripPhase
    )),
    modifiers(&BearerAuth, &CommonAnswers)
)]
pub struct ApiDoc;

/// The answers any operation can give besides its own: 400 for a malformed request, 413
/// for an oversized body, 401 where a session is needed, 429 where sign-in is limited,
/// 500 and 503 anywhere. Added here so that no operation's list can leave them out.
struct CommonAnswers;

impl utoipa::Modify for CommonAnswers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, RefOr, ResponseBuilder, content::Content};
        let answer = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        Content::new(Some(Ref::from_schema_name("ApiError"))),
                    )
                    .build(),
            )
        };
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let has_input = operation.request_body.is_some()
                    || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let signed_in = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let answers = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    answers
                        .entry(status.to_owned())
                        .or_insert_with(|| answer(description));
                };
                if has_input {
                    add(
                        "400",
                        "The request is malformed: a body, parameter or header that is not what the operation takes",
                    );
                }
                if operation.request_body.is_some() {
                    add("413", "The request body is larger than 1 MiB");
                }
                if signed_in {
                    add("401", "No valid session");
                }
                add(
                    "500",
                    "Internal error; the message carries a request id, also in `x-request-id`",
                );
                add(
                    "503",
                    "The platform took longer than 30 s, or a service it needs is not set up",
                );
            }
        }
    }
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        // The agents' console: the cookie `POST /console/session` sets.
        components.add_security_scheme(
            "console",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::new(support::SESSION_COOKIE),
            )),
        );
    }
}

/// The largest request body taken: a gate's upload of [`crate::gates::MAX_UPLOAD`] scans
/// fits with room to spare; anything larger is answered 413.
pub const MAX_BODY: usize = 1024 * 1024;
/// A request still running after this is answered 503. Its work carries on: a write it
/// makes lands once, and the same Idempotency-Key answers with it.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// The longest Idempotency-Key taken (a UUID is 36).
pub const MAX_KEY_LEN: usize = 128;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/regions", get(list_regions))
        .route("/regions/{id}/catalog", get(region_catalog))
        .route("/regions/{id}/availability/{date}", get(availability))
        .route("/auth/code", post(request_code))
        .route("/auth/session", post(sign_in).delete(sign_out))
        .route("/auth/sessions", delete(sign_out_everywhere))
        .route("/me", delete(delete_account))
        .route("/me/export", get(export_account))
        .route("/dev/sign-in-code/{mobile}", get(dev_sign_in_code))
        .route("/travellers", get(list_travellers).post(add_traveller))
        .route("/travellers/{id}", delete(remove_traveller))
        .route("/orders", get(list_orders).post(place_order))
        .route("/orders/{id}", get(get_order))
        .route("/orders/{id}/cancel", post(cancel_order))
        .route("/orders/{id}/disruption", post(disruptions::apply))
        .route("/disruptions", get(disruptions::mine))
        .route(
            "/operator/disruptions",
            get(disruptions::list).post(disruptions::post),
        )
        .route(
            "/operator/disruptions/{id}",
            put(disruptions::update).delete(disruptions::lift),
        )
        .route("/operator/audit", get(disruptions::audit))
        .route("/shares", get(support::shares).post(support::share))
        .route("/shares/{id}", delete(support::end_share))
        .route("/shared/{token}", get(support::shared))
        .route("/cases", get(support::cases).post(support::open_case))
        .route("/cases/{id}", get(support::case))
        .route("/cases/{id}/messages", post(support::tourist_says))
        .route("/cases/{id}/read", post(support::tourist_read))
        .route(
            "/console/session",
            post(support::console_sign_in).delete(support::console_sign_out),
        )
        .route("/console/me", get(support::me))
        .route("/console/queue", get(support::queue))
        .route("/console/stream", get(support::console_stream))
        .route("/console/cases/{id}", get(support::case_detail))
        .route("/console/cases/{id}/claim", post(support::claim))
        .route("/console/cases/{id}/hand-over", post(support::hand_over))
        .route("/console/cases/{id}/messages", post(support::agent_says))
        .route("/console/cases/{id}/close", post(support::close))
        .route("/console/cases/{id}/refunds", get(support::refund_options))
        .route("/console/cases/{id}/refund", post(support::refund_line))
        .route("/console/cases/{id}/reissue", post(support::reissue_pass))
        .route("/console/cases/{id}/way-out", post(support::agent_way_out))
        .route("/console/audit", get(support::console_audit))
        .route("/events", get(events::stream))
        .route(
            "/trips/{trip_id}/calendar",
            post(calendar::open).delete(calendar::revoke),
        )
        .route("/calendar/{feed}", get(calendar::feed))
        .route("/payments/callback", post(payment_callback))
        .route("/sim-pay/{id}", get(cashier_page).post(cashier))
        .route("/keys", get(public_keys))
        .route("/gate/session", post(gate::sign_in))
        .route("/gate/revocations", get(gate::revocations))
        .route("/gate/scans", get(gate::scans).post(gate::upload_scans))
        .route("/regions/{id}/gate-counts/{date}", get(gate::counts))
        .route("/regions/{id}/crowd/{date}", get(crowd::forecast))
        .route("/regions/{id}/guide", get(guide::pack))
        .route("/regions/{id}/guide/about", get(guide::about))
        .route("/plans", post(crowd::plans))
        .route("/dev/sensors", post(crowd::feed))
        .route("/dev/faults", post(set_fault).delete(clear_faults))
        .route("/dev/sweep", post(dev_sweep))
        .route("/dev/held", get(dev_held))
        .route("/dev/vehicle", post(dev_vehicle))
        .route("/openapi.json", get(openapi))
        .method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .route("/", get(home))
        .route("/s/{token}", get(support::page))
        .route("/operator", get(disruptions::page))
        .route("/operator.js", get(disruptions::script))
        .route("/operator.css", get(disruptions::style))
        .merge(console::routes(state.console_dir.clone()))
        .nest(API_PREFIX, api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn(within_time))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Failures of a request, mapped to a status and an [`ApiError`] body in one place.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    NotFound(String),
    /// Signed in, but not someone this endpoint serves (an operator's, for a tourist).
    #[error("{0}")]
    Forbidden(String),
    #[error("the request body is not what this endpoint takes: {0}")]
    BadBody(String),
    /// A path parameter, query parameter or header that is not what the endpoint takes.
    #[error("{0}")]
    BadRequest(String),
    #[error("the request body is larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("this endpoint does not take that method")]
    MethodNotAllowed,
    /// The request does not accept what the endpoint answers with.
    #[error("{0}")]
    NotAcceptable(String),
    #[error(
        "the platform took too long to answer; try again (a write sent with an Idempotency-Key lands once)"
    )]
    TimedOut,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a worker thread failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Booking(BookingError),
    #[error(transparent)]
    Gate(GateError),
    #[error(transparent)]
    Crowd(CrowdError),
    #[error(transparent)]
    Event(EventError),
}

impl From<EventError> for HttpError {
    fn from(e: EventError) -> Self {
        match e {
            EventError::Store(s) => HttpError::Store(s),
            other => HttpError::Event(other),
        }
    }
}

impl From<CrowdError> for HttpError {
    fn from(e: CrowdError) -> Self {
        match e {
            CrowdError::Booking(b) => HttpError::from(b),
            CrowdError::Store(s) => HttpError::Store(s),
            other => HttpError::Crowd(other),
        }
    }
}

impl From<GateError> for HttpError {
    fn from(e: GateError) -> Self {
        match e {
            GateError::Account(a) => HttpError::Account(a),
            GateError::Store(s) => HttpError::Store(s),
            other => HttpError::Gate(other),
        }
    }
}

impl From<BookingError> for HttpError {
    fn from(e: BookingError) -> Self {
        match e {
            BookingError::Account(a) => HttpError::Account(a),
            other => HttpError::Booking(other),
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        use AccountError as A;
        use BookingError as B;
        let (status, code) = match &self {
            HttpError::Booking(B::Invalid(_)) | HttpError::Booking(B::KeyReused) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid)
            }
            HttpError::Booking(B::MissingKey) => (StatusCode::BAD_REQUEST, ErrorCode::Invalid),
            HttpError::Booking(B::NotFound | B::Payment(PaymentError::Unknown(_))) => {
                (StatusCode::NOT_FOUND, ErrorCode::NotFound)
            }
            HttpError::Booking(B::InProgress | B::Conflict(_)) => {
                (StatusCode::CONFLICT, ErrorCode::Conflict)
            }
            HttpError::Booking(B::Payment(PaymentError::BadSignature)) => {
                (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
            }
            HttpError::Booking(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
            HttpError::NotFound(_) | HttpError::Account(A::NotFound) => {
                (StatusCode::NOT_FOUND, ErrorCode::NotFound)
            }
            HttpError::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Unauthorized),
            HttpError::Account(A::Invalid(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid)
            }
            HttpError::BadBody(_) | HttpError::BadRequest(_) => {
                (StatusCode::BAD_REQUEST, ErrorCode::Invalid)
            }
            HttpError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::Invalid),
            HttpError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::NotFound),
            HttpError::NotAcceptable(_) => (StatusCode::NOT_ACCEPTABLE, ErrorCode::Invalid),
            HttpError::Event(EventError::TooManyStreams) => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyRequests)
            }
            HttpError::Event(EventError::Store(_)) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
            HttpError::TimedOut => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Internal),
            HttpError::Crowd(CrowdError::Invalid(_) | CrowdError::Blocked(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid)
            }
            HttpError::Crowd(CrowdError::UnknownRegion(_)) => {
                (StatusCode::NOT_FOUND, ErrorCode::NotFound)
            }
            HttpError::Crowd(CrowdError::Booking(_) | CrowdError::Store(_)) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
            HttpError::Gate(GateError::Invalid(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid)
            }
            HttpError::Gate(GateError::NotStaff | GateError::NoPost) => {
                (StatusCode::FORBIDDEN, ErrorCode::Unauthorized)
            }
            HttpError::Gate(GateError::UnknownRegion(_)) => {
                (StatusCode::NOT_FOUND, ErrorCode::NotFound)
            }
            HttpError::Gate(GateError::Account(_) | GateError::Store(_)) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
            HttpError::Account(A::Unauthorized(_)) => {
                (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
            }
            HttpError::Account(A::TooSoon { .. } | A::Limited { .. }) => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyRequests)
            }
            HttpError::Account(A::Texts(_)) => {
                (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Internal)
            }
            HttpError::Store(_)
            | HttpError::Join(_)
            | HttpError::Account(A::Store(_) | A::Crypto(_)) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
        };
        let fields = match self {
            HttpError::Account(A::Invalid(ref fields))
            | HttpError::Booking(B::Invalid(ref fields))
            | HttpError::Gate(GateError::Invalid(ref fields))
            | HttpError::Crowd(CrowdError::Invalid(ref fields)) => fields.clone(),
            HttpError::Crowd(CrowdError::Blocked(ref blocked)) => vec![blocked.clone()],
            _ => Vec::new(),
        };
        let retry_after = match self {
            HttpError::Account(A::TooSoon { wait_s, .. } | A::Limited { wait_s }) => Some(wait_s),
            _ => None,
        };
        // What went wrong inside stays in the log; the answer carries an id to find it by.
        let mut request_id = None;
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            let id = uuid::Uuid::now_v7().simple().to_string();
            tracing::error!(request_id = %id, "{self}");
            let message = format!("internal error; quote request {id} when reporting it");
            request_id = Some(id);
            message
        } else {
            if status.is_server_error() {
                tracing::warn!("{self}");
            }
            self.to_string()
        };
        let mut response = (
            status,
            Json(ApiError {
                fields,
                ..ApiError::new(code, message)
            }),
        )
            .into_response();
        if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
            response.headers_mut().insert("x-request-id", id);
        }
        if let Some(wait_s) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait_s.max(1)));
        }
        response
    }
}

/// Runs blocking work (SQLite, hashing) off the async workers.
async fn off_thread<T: Send + 'static, E: Into<HttpError> + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, HttpError> {
    tokio::task::spawn_blocking(f).await?.map_err(Into::into)
}

/// A JSON request body whose failures answer in the API's own error shape, not axum's
/// plain-text rejection.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = HttpError;

    async fn from_request(request: Request, state: &S) -> Result<Body<T>, HttpError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(HttpError::TooLarge)
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(HttpError::BadBody(
                "send the body as JSON, with `Content-Type: application/json`".into(),
            )),
            Err(rejection) => Err(HttpError::BadBody(rejection.body_text())),
        }
    }
}

/// Path parameters whose failures answer in the API's error shape.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Path<T>, HttpError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(HttpError::BadRequest(rejection.body_text())),
        }
    }
}

/// Query parameters whose failures answer in the API's error shape.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Query<T>, HttpError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(HttpError::BadRequest(rejection.body_text())),
        }
    }
}

/// Answers 503 for a request still running after [`REQUEST_TIMEOUT`].
async fn within_time(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => HttpError::TimedOut.into_response(),
    }
}

async fn method_not_allowed() -> HttpError {
    HttpError::MethodNotAllowed
}

/// The session token of `Authorization: Bearer <token>`.
pub struct BearerToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<BearerToken, HttpError> {
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| BearerToken(t.trim().to_owned()))
            .ok_or_else(|| {
                AccountError::Unauthorized("sign in first: no session token was sent").into()
            })
    }
}

/// The client's address, for the per-address limits.
fn client(ConnectInfo(addr): ConnectInfo<SocketAddr>) -> std::net::IpAddr {
    addr.ip()
}

/// The signed-in account, from `Authorization: Bearer <token>`.
pub struct SignedIn(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn
where
    Arc<Accounts>: FromRef<S>,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<SignedIn, HttpError> {
        let BearerToken(token) = BearerToken::from_request_parts(parts, state).await?;
        let accounts = Arc::<Accounts>::from_ref(state);
        if let Some(account) = accounts.known_session(&token) {
            return Ok(SignedIn(account));
        }
        off_thread(move || accounts.authenticate(&token))
            .await
            .map(SignedIn)
    }
}

/// Runs a blocking store call off the async workers.
async fn blocking<T: Send + 'static>(
    store: &Store,
    f: impl FnOnce(&SqliteStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, HttpError> {
    let store = Arc::clone(store);
    off_thread(move || f(store.as_ref())).await
}

#[utoipa::path(get, path = "/api/v1/health", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

#[utoipa::path(get, path = "/api/v1/regions", responses((status = 200, body = [RegionSummary])))]
async fn list_regions(State(store): State<Store>) -> Result<Json<Vec<RegionSummary>>, HttpError> {
    Ok(Json(blocking(&store, |s| s.regions()).await?))
}

/// A region's whole catalog. Send the version you hold as `If-None-Match` to get
/// `304 Not Modified` when it is still current.
#[utoipa::path(
    get,
    path = "/api/v1/regions/{id}/catalog",
    params(("id" = String, Path, description = "Region id, e.g. `huangshan`")),
    responses(
        (status = 200, body = CatalogSnapshot, headers(("ETag" = String))),
        (status = 304, description = "The catalog has not changed"),
        (status = 404, body = ApiError),
    )
)]
async fn region_catalog(
    State(store): State<Store>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let wanted = id.clone();
    let snapshot = blocking(&store, move |s| s.snapshot(&wanted))
        .await?
        .ok_or_else(|| HttpError::NotFound(format!("no region `{id}`")))?;
    let (etag, unchanged) = etag_for(&headers, &snapshot.version);
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    Ok(([(header::ETAG, etag)], Json(snapshot)).into_response())
}

/// The `ETag` for content at `version`, and whether the request's `If-None-Match` names
/// it already (so `304` will do).
fn etag_for(headers: &HeaderMap, version: &str) -> (HeaderValue, bool) {
    let etag = format!("\"{version}\"");
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    (etag, unchanged)
}

/// Sends a one-time sign-in code to a mobile number.
#[utoipa::path(post, path = "/api/v1/auth/code", request_body = CodeRequest, responses(
    (status = 202, body = CodeSent),
    (status = 400, body = ApiError, description = "The body is not a code request"),
    (status = 422, body = ApiError, description = "Not a valid mobile number"),
    (status = 429, body = ApiError, description = "A code was sent less than a minute ago, or too many were asked for from this number or address; `Retry-After` says when to ask again",
        headers(("Retry-After" = u32, description = "Seconds to wait"))),
    (status = 503, body = ApiError, description = "No text-message gateway is set up"),
))]
async fn request_code(
    State(accounts): State<Arc<Accounts>>,
    connected: ConnectInfo<SocketAddr>,
    Body(body): Body<CodeRequest>,
) -> Result<(StatusCode, Json<CodeSent>), HttpError> {
    let from = client(connected);
    let (sent, _code) = off_thread(move || accounts.request_code(&body.mobile, from)).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

/// Exchanges a code for a session.
#[utoipa::path(post, path = "/api/v1/auth/session", request_body = SignIn, responses(
    (status = 200, body = Session),
    (status = 400, body = ApiError, description = "The body is not a sign-in"),
    (status = 401, body = ApiError, description = "Wrong or expired code"),
    (status = 422, body = ApiError, description = "Not a valid mobile number"),
    (status = 429, body = ApiError, description = "Too many tries from this address; `Retry-After` says when to try again",
        headers(("Retry-After" = u32, description = "Seconds to wait"))),
))]
async fn sign_in(
    State(accounts): State<Arc<Accounts>>,
    connected: ConnectInfo<SocketAddr>,
    Body(body): Body<SignIn>,
) -> Result<Json<Session>, HttpError> {
    let from = client(connected);
    Ok(Json(
        off_thread(move || accounts.sign_in(&body.mobile, &body.code, from)).await?,
    ))
}

/// Ends the session whose token is sent.
#[utoipa::path(delete, path = "/api/v1/auth/session", security(("session" = [])), responses(
    (status = 204, description = "Signed out (also when the session had already ended)"),
    (status = 401, body = ApiError, description = "No session token was sent"),
))]
async fn sign_out(
    State(accounts): State<Arc<Accounts>>,
    BearerToken(token): BearerToken,
) -> Result<StatusCode, HttpError> {
    off_thread(move || accounts.sign_out(&token)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the signed-in account, on every device.
#[utoipa::path(delete, path = "/api/v1/auth/sessions", security(("session" = [])), responses(
    (status = 204, description = "Every session of the account ended"),
    (status = 401, body = ApiError),
))]
async fn sign_out_everywhere(
    State(accounts): State<Arc<Accounts>>,
    SignedIn(account): SignedIn,
) -> Result<StatusCode, HttpError> {
    off_thread(move || accounts.sign_out_everywhere(account)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything the platform holds of the signed-in account, as JSON (ID numbers masked).
#[utoipa::path(get, path = "/api/v1/me/export", security(("session" = [])), responses(
    (status = 200, body = AccountExport),
    (status = 401, body = ApiError),
))]
async fn export_account(
    State(booking): State<Arc<Booking>>,
    State(support): State<Arc<crate::support::Support>>,
    SignedIn(account): SignedIn,
) -> Result<Json<AccountExport>, HttpError> {
    let mut export = off_thread(move || booking.export(account)).await?;
    (export.shares, export.cases) =
        off_thread(move || Ok::<_, HttpError>((support.shares(account)?, support.cases(account)?)))
            .await?;
    Ok(Json(export))
}

/// Deletes the signed-in account: saved travellers, ID numbers, sessions and the mobile
/// number go at once; orders keep only what accounting needs.
#[utoipa::path(delete, path = "/api/v1/me", security(("session" = [])), responses(
    (status = 204, description = "Deleted; every session of the account has ended"),
    (status = 401, body = ApiError),
    (status = 409, body = ApiError, description = "An order is still being paid, confirmed or cancelled"),
))]
async fn delete_account(
    State(booking): State<Arc<Booking>>,
    SignedIn(account): SignedIn,
) -> Result<StatusCode, HttpError> {
    off_thread(move || booking.delete_account(account)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Dev mode only: the last code "sent" to a number, standing in for the text message.
async fn dev_sign_in_code(
    State(state): State<AppState>,
    Path(mobile): Path<String>,
) -> Result<Json<serde_json::Value>, HttpError> {
    state
        .dev_texts
        .as_ref()
        .and_then(|texts| texts.last_code(&mobile))
        .map(|code| Json(serde_json::json!({ "code": code })))
        .ok_or_else(|| HttpError::NotFound("no such endpoint".into()))
}

#[utoipa::path(get, path = "/api/v1/travellers", security(("session" = [])), responses(
    (status = 200, body = [Traveller]),
    (status = 401, body = ApiError),
))]
async fn list_travellers(
    State(accounts): State<Arc<Accounts>>,
    SignedIn(account): SignedIn,
) -> Result<Json<Vec<Traveller>>, HttpError> {
    Ok(Json(
        off_thread(move || accounts.travellers(account)).await?,
    ))
}

/// Saves a traveller. Every invalid field is reported at once in `fields`.
#[utoipa::path(post, path = "/api/v1/travellers", security(("session" = [])), request_body = TravellerInput, responses(
    (status = 201, body = Traveller),
    (status = 401, body = ApiError),
    (status = 422, body = ApiError, description = "Invalid fields, each with a zh/en message"),
))]
async fn add_traveller(
    State(accounts): State<Arc<Accounts>>,
    SignedIn(account): SignedIn,
    Body(body): Body<TravellerInput>,
) -> Result<(StatusCode, Json<Traveller>), HttpError> {
    let saved = off_thread(move || accounts.add_traveller(account, &body)).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

#[utoipa::path(delete, path = "/api/v1/travellers/{id}", security(("session" = [])),
    params(("id" = i64, Path, description = "Traveller id")),
    responses((status = 204), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn remove_traveller(
    State(accounts): State<Arc<Accounts>>,
    SignedIn(account): SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, HttpError> {
    off_thread(move || accounts.remove_traveller(account, id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Places left per entry slot on a date.
#[utoipa::path(get, path = "/api/v1/regions/{id}/availability/{date}",
    params(("id" = String, Path), ("date" = String, Path, description = "`YYYY-MM-DD`")),
    responses((status = 200, body = Availability), (status = 404, body = ApiError),
        (status = 422, body = ApiError, description = "The date is not `YYYY-MM-DD`")))]
async fn availability(
    State(booking): State<Arc<Booking>>,
    Path((id, date)): Path<(String, String)>,
) -> Result<Json<Availability>, HttpError> {
    Ok(Json(
        off_thread(move || booking.availability(&id, &date)).await?,
    ))
}

/// The `Idempotency-Key` header, when sent: at most [`MAX_KEY_LEN`] visible ASCII
/// characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, HttpError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(HttpError::BadRequest(format!(
            "the Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters"
        )));
    }
    Ok(Some(key.to_owned()))
}

/// Places a combo order and runs the booking saga as far as it can go now. The answer is
/// the order in the state reached: `confirmed`, `failed` (nothing charged; `problem`
/// says why), or `awaiting_payment` at the provider's cashier. The same
/// `Idempotency-Key` replays the first answer; a different body with it is refused.
#[utoipa::path(post, path = "/api/v1/orders", security(("session" = [])), request_body = OrderRequest,
    params(("Idempotency-Key" = String, Header, max_length = 128, pattern = "^[!-~]+$",
        description = "Unique per order attempt: 1 to 128 visible ASCII characters")),
    responses(
        (status = 201, body = Order),
        (status = 400, body = ApiError, description = "No Idempotency-Key"),
        (status = 401, body = ApiError),
        (status = 409, body = ApiError, description = "The same key is still being processed"),
        (status = 422, body = ApiError, description = "Invalid combo (fields named), or the key was used for another body"),
    ))]
async fn place_order(
    State(booking): State<Arc<Booking>>,
    State(sagas): State<Arc<tokio::sync::Semaphore>>,
    SignedIn(account): SignedIn,
    headers: HeaderMap,
    Body(body): Body<OrderRequest>,
) -> Result<(StatusCode, Json<Order>), HttpError> {
    let key = idempotency_key(&headers)?;
    let _turn = sagas.acquire_owned().await;
    let order = off_thread(move || booking.place(account, key.as_deref(), &body)).await?;
    Ok((StatusCode::CREATED, Json(order)))
}

#[utoipa::path(get, path = "/api/v1/orders", security(("session" = [])),
    responses((status = 200, body = [Order]), (status = 401, body = ApiError)))]
async fn list_orders(
    State(booking): State<Arc<Booking>>,
    SignedIn(account): SignedIn,
) -> Result<Json<Vec<Order>>, HttpError> {
    Ok(Json(off_thread(move || booking.orders(account)).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", security(("session" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Order), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn get_order(
    State(booking): State<Arc<Booking>>,
    SignedIn(account): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Order>, HttpError> {
    Ok(Json(off_thread(move || booking.order(account, id)).await?))
}

/// Cancels an order, refunding each sub-order by its product's rule.
#[utoipa::path(post, path = "/api/v1/orders/{id}/cancel", security(("session" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = String, Header, max_length = 128,
        pattern = "^[!-~]+$", description = "Unique per cancellation attempt: 1 to 128 visible ASCII characters")),
    responses((status = 200, body = Order), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
async fn cancel_order(
    State(booking): State<Arc<Booking>>,
    SignedIn(account): SignedIn,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Json<Order>, HttpError> {
    let key = idempotency_key(&headers)?;
    Ok(Json(
        off_thread(move || booking.cancel(account, key.as_deref(), id)).await?,
    ))
}

/// The payment provider's signed notification. Replays are harmless.
#[utoipa::path(post, path = "/api/v1/payments/callback", request_body = PaymentCallback,
    responses((status = 200), (status = 401, body = ApiError, description = "Bad signature")))]
async fn payment_callback(
    State(booking): State<Arc<Booking>>,
    Body(body): Body<PaymentCallback>,
) -> Result<Json<serde_json::Value>, HttpError> {
    off_thread(move || booking.on_payment(&body)).await?;
    Ok(Json(serde_json::json!({})))
}

/// Dev mode only: the simulated provider's cashier, pay or refuse. It answers the platform with a signed
/// callback, as a real provider would.
#[utoipa::path(post, path = "/api/v1/sim-pay/{id}", request_body = CashierAction,
    params(("id" = String, Path, description = "Payment id")),
    responses((status = 200), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
async fn cashier(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<CashierAction>,
) -> Result<Json<serde_json::Value>, HttpError> {
    dev_only(&state)?;
    let booking = Arc::clone(&state.booking);
    off_thread(move || booking.cashier(&id, body.approve)).await?;
    Ok(Json(serde_json::json!({})))
}

/// The simulated cashier as a page, where a redirect payment's `redirect_url` leads.
async fn cashier_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, HttpError> {
    dev_only(&state)?;
    let booking = Arc::clone(&state.booking);
    let wanted = id.clone();
    let payment = off_thread(move || {
        booking
            .payments()
            .payment(&wanted)
            .map_err(BookingError::from)
    })
    .await?;
    let (zh, en) = match payment.method {
        PaymentMethod::WechatPay => ("微信支付", "WeChat Pay"),
        PaymentMethod::Alipay => ("支付宝", "Alipay"),
        PaymentMethod::Wallet => ("通游钱包", "Tongyou wallet"),
    };
    let pending = payment.state == PaymentState::Pending;
    let id = escape(&id);
    Ok(Html(format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>模拟收银台 Simulated cashier</title>\
         <style>body{{font-family:\"Noto Sans CJK SC\",system-ui,sans-serif;margin:2rem;color:#1d2a2f;max-width:28rem}}\
         button{{font-size:1.1rem;padding:.8rem 1.4rem;margin:.4rem .4rem 0 0;border-radius:.5rem;border:0}}\
         #pay{{background:#1f6f5c;color:#fff}}#refuse{{background:#e6e9ea}}</style>\
         <h1>{zh} · {en}</h1><p>模拟收银台，不会真实扣款。Simulated cashier: no real money moves.</p>\
         <p id=\"amount\">{amount}</p>\
         <p id=\"state\">{state}</p>\
         <button id=\"pay\" {disabled}>确认支付 Pay</button><button id=\"refuse\" {disabled}>取消 Cancel</button>\
         <script>for (const [b, ok] of [['pay', true], ['refuse', false]]) document.getElementById(b).onclick = async () => {{\
           const r = await fetch('{API_PREFIX}/sim-pay/{id}', {{method: 'POST', headers: {{'content-type': 'application/json'}}, body: JSON.stringify({{approve: ok}})}});\
           document.getElementById('state').textContent = r.ok ? (ok ? '已支付，请返回通游。Paid: go back to Tongyou.' : '已取消。Cancelled.') : '这笔付款已处理。This payment is already settled.';\
           for (const x of ['pay', 'refuse']) document.getElementById(x).disabled = true; }};</script></html>",
        amount = payment.amount.display_yuan(),
        state = if pending {
            "待支付 Waiting for payment"
        } else {
            "这笔付款已处理 Already settled"
        },
        disabled = if pending { "" } else { "disabled" },
    )))
}

/// The public keys that verify passes, by key id, for gates to download.
#[utoipa::path(get, path = "/api/v1/keys", responses((status = 200, body = [PublicKey])))]
async fn public_keys(
    State(booking): State<Arc<Booking>>,
) -> Result<Json<Vec<PublicKey>>, HttpError> {
    Ok(Json(
        off_thread(move || booking.signer().public_keys().map_err(BookingError::from)).await?,
    ))
}

/// Dev mode only: arm one failure of a provider at a step.
async fn set_fault(
    State(state): State<AppState>,
    Body(fault): Body<Fault>,
) -> Result<Json<serde_json::Value>, HttpError> {
    dev_only(&state)?;
    state.booking.faults().set(fault);
    Ok(Json(serde_json::json!({})))
}

async fn clear_faults(State(state): State<AppState>) -> Result<Json<serde_json::Value>, HttpError> {
    dev_only(&state)?;
    state.booking.faults().clear();
    Ok(Json(serde_json::json!({})))
}

#[derive(serde::Deserialize)]
struct SweepAt {
    at: String,
}

/// Dev mode only: run the hold sweeper as if it were `at`.
async fn dev_sweep(
    State(state): State<AppState>,
    Body(body): Body<SweepAt>,
) -> Result<Json<serde_json::Value>, HttpError> {
    dev_only(&state)?;
    let at = chrono::DateTime::parse_from_rfc3339(&body.at)
        .map_err(|e| HttpError::BadBody(format!("`at` is not an RFC 3339 time: {e}")))?
        .to_utc();
    let booking = Arc::clone(&state.booking);
    let released = off_thread(move || booking.sweep(at)).await?;
    let disruptions = Arc::clone(&state.disruptions);
    let expired = off_thread(move || disruptions.expire(at)).await?;
    Ok(Json(
        serde_json::json!({ "released": released, "expired": expired }),
    ))
}

/// Dev mode only: places held right now per provider module.
async fn dev_held(State(state): State<AppState>) -> Result<Json<serde_json::Value>, HttpError> {
    dev_only(&state)?;
    let booking = Arc::clone(&state.booking);
    let held = off_thread(move || booking.held()).await?;
    let map: serde_json::Map<String, serde_json::Value> = held
        .into_iter()
        .map(|(m, n)| (format!("{m:?}").to_lowercase(), n.into()))
        .collect();
    Ok(Json(map.into()))
}

/// Dev mode only: what a transport company's feed would send, a shuttle's vehicle and
/// driver for an order's transport sub-order (`sub_order_id`, or the order's one).
#[derive(serde::Deserialize)]
struct VehicleAssignment {
    order_id: i64,
    #[serde(default)]
    sub_order_id: Option<i64>,
    #[serde(flatten)]
    vehicle: Vehicle,
}

/// Dev mode only: assign or change a shuttle's vehicle; answers with the order.
async fn dev_vehicle(
    State(state): State<AppState>,
    Body(body): Body<VehicleAssignment>,
) -> Result<Json<Order>, HttpError> {
    dev_only(&state)?;
    let booking = Arc::clone(&state.booking);
    Ok(Json(
        off_thread(move || booking.assign_vehicle(body.order_id, body.sub_order_id, &body.vehicle))
            .await?,
    ))
}

fn dev_only(state: &AppState) -> Result<(), HttpError> {
    if state.dev_mode {
        Ok(())
    } else {
        Err(HttpError::NotFound("no such endpoint".into()))
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The platform's own status page for operators: which regions it serves, at which
/// catalog version, and where the API is described.
async fn home(State(store): State<Store>) -> Result<Html<String>, HttpError> {
    let regions = blocking(&store, |s| s.regions()).await?;
    let items: String = regions
        .iter()
        .map(|r| {
            format!(
                "<li data-region=\"{}\">{} · {}{} <small>catalog {}</small></li>",
                escape(&r.id),
                escape(&r.name.zh),
                escape(&r.name.en),
                if r.demo {
                    " (demo data / 演示数据)"
                } else {
                    ""
                },
                escape(&r.catalog_version),
            )
        })
        .collect();
    Ok(Html(format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>通游 Tongyou platform</title>\
         <style>body{{font-family:\"Noto Sans CJK SC\",system-ui,sans-serif;margin:2rem;color:#1d2a2f}}\
         h1{{color:#1f6f5c}}li{{margin:.4rem 0}}small{{color:#5b6b70}}</style>\
         <h1>通游 Tongyou platform</h1><h2>Regions · 景区</h2><ul id=\"regions\">{items}</ul>\
         <p><a href=\"{API_PREFIX}/regions\">{API_PREFIX}/regions</a> · \
         <a href=\"{API_PREFIX}/openapi.json\">{API_PREFIX}/openapi.json</a> · \
         <a href=\"/operator\">运营 Operator</a></p></html>"
    )))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn not_found() -> HttpError {
    HttpError::NotFound("no such endpoint".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What went wrong inside stays in the log: the answer says "internal error" and
    /// gives the id the log line carries.
    #[tokio::test]
    async fn an_internal_error_answers_with_a_request_id_only() {
        let response =
            HttpError::Store(StoreError::Writer("disk on fire at /srv/db".into())).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let error: ApiError = serde_json::from_slice(&body).unwrap();
        assert_eq!(error.code, ErrorCode::Internal);
        assert!(
            error.message.starts_with("internal error"),
            "{}",
            error.message
        );
        assert!(error.message.contains(&id));
        assert!(!error.message.contains("/srv/db"));
    }
}
