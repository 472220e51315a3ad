//! Disruption routes: the operators' (post, change, lift, list, the audit log) and the
//! tourist's (the ways out of each hit order, and applying one).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tongyou_core::api::{
    Affected, ApiError, ApplyWayOut, AuditEntry, Disruption, DisruptionRequest, Order,
};

use super::{Body, HttpError, Path, SignedIn, idempotency_key, off_thread};
use crate::disruptions::{DisruptionError, Disruptions};
use crate::orders::BookingError;

impl From<DisruptionError> for HttpError {
    fn from(e: DisruptionError) -> Self {
        match e {
            DisruptionError::Invalid(fields) => HttpError::Booking(BookingError::Invalid(fields)),
            DisruptionError::NotOperator => HttpError::Forbidden(e.to_string()),
            DisruptionError::NotFound => HttpError::NotFound(e.to_string()),
            DisruptionError::Conflict(message) => {
                HttpError::Booking(BookingError::Conflict(message))
            }
            DisruptionError::Booking(b) => HttpError::from(b),
            DisruptionError::Account(a) => HttpError::Account(a),
            DisruptionError::Store(s) => HttpError::Store(s),
            DisruptionError::Corrupt(c) => HttpError::Booking(BookingError::Corrupt(c)),
        }
    }
}

/// Posts a disruption: every order it hits gets its ways out, and its tourist an event.
/// Operators only; audited.
#[utoipa::path(post, path = "/api/v1/operator/disruptions", security(("session" = [])),
    request_body = DisruptionRequest,
    responses((status = 201, body = Disruption),
        (status = 403, body = ApiError, description = "Not an operator"),
        (status = 422, body = ApiError, description = "A field is wrong: `fields` names each")))]
pub(super) async fn post(
    State(disruptions): State<Arc<Disruptions>>,
    SignedIn(account): SignedIn,
    Body(request): Body<DisruptionRequest>,
) -> Result<(StatusCode, Json<Disruption>), HttpError> {
    let posted = off_thread(move || disruptions.post(account, &request)).await?;
    Ok((StatusCode::CREATED, Json(posted)))
}

/// Changes an active disruption; the orders it hits are found again.
#[utoipa::path(put, path = "/api/v1/operator/disruptions/{id}", security(("session" = [])),
    params(("id" = i64, Path)), request_body = DisruptionRequest,
    responses((status = 200, body = Disruption), (status = 403, body = ApiError),
        (status = 404, body = ApiError, description = "No such active disruption"),
        (status = 422, body = ApiError)))]
pub(super) async fn update(
    State(disruptions): State<Arc<Disruptions>>,
    SignedIn(account): SignedIn,
    Path(id): Path<i64>,
    Body(request): Body<DisruptionRequest>,
) -> Result<Json<Disruption>, HttpError> {
    Ok(Json(
        off_thread(move || disruptions.update(account, id, &request)).await?,
    ))
}

/// Lifts a disruption: ways out not taken close.
#[utoipa::path(delete, path = "/api/v1/operator/disruptions/{id}", security(("session" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Disruption), (status = 403, body = ApiError),
        (status = 404, body = ApiError)))]
pub(super) async fn lift(
    State(disruptions): State<Arc<Disruptions>>,
    SignedIn(account): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Disruption>, HttpError> {
    Ok(Json(
        off_thread(move || disruptions.lift(account, id)).await?,
    ))
}

/// The newest disruptions.
#[utoipa::path(get, path = "/api/v1/operator/disruptions", security(("session" = [])),
    responses((status = 200, body = [Disruption]), (status = 403, body = ApiError)))]
pub(super) async fn list(
    State(disruptions): State<Arc<Disruptions>>,
    SignedIn(account): SignedIn,
) -> Result<Json<Vec<Disruption>>, HttpError> {
    Ok(Json(off_thread(move || disruptions.list(account)).await?))
}

/// The newest lines of the operators' audit log.
#[utoipa::path(get, path = "/api/v1/operator/audit", security(("session" = [])),
    responses((status = 200, body = [AuditEntry]), (status = 403, body = ApiError)))]
pub(super) async fn audit(
    State(disruptions): State<Arc<Disruptions>>,
    SignedIn(account): SignedIn,
) -> Result<Json<Vec<AuditEntry>>, HttpError> {
    Ok(Json(
        off_thread(move || disruptions.audit_log(account)).await?,
    ))
}

/// The account's orders an active disruption hits, each with its ways out on the live
/// inventory now.
#[utoipa::path(get, path = "/api/v1/disruptions", security(("session" = [])),
    responses((status = 200, body = [Affected])))]
pub(super) async fn mine(
    State(disruptions): State<Arc<Disruptions>>,
    SignedIn(account): SignedIn,
) -> Result<Json<Vec<Affected>>, HttpError> {
    Ok(Json(off_thread(move || disruptions.mine(account)).await?))
}

/// Applies one way out of a disruption to the order: all of it or, on any refusal, none
/// (409, and the ways out read next are worked out again). The same Idempotency-Key
/// answers with the order again.
#[utoipa::path(post, path = "/api/v1/orders/{id}/disruption", security(("session" = [])),
    params(("id" = i64, Path),
        ("Idempotency-Key" = String, Header, max_length = 128, pattern = "^[!-~]+$")),
    request_body = ApplyWayOut,
    responses((status = 200, body = Order),
        (status = 404, body = ApiError, description = "No such case of this account"),
        (status = 409, body = ApiError, description = "The way out can no longer be taken; nothing changed")))]
pub(super) async fn apply(
    State(disruptions): State<Arc<Disruptions>>,
    SignedIn(account): SignedIn,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Body(request): Body<ApplyWayOut>,
) -> Result<Json<Order>, HttpError> {
    let key = idempotency_key(&headers)?;
    Ok(Json(
        off_thread(move || disruptions.apply(account, key.as_deref(), id, &request)).await?,
    ))
}

/// The operators' page: sign in, post a disruption (each wrong field marked, nothing typed
/// lost), see and lift them. Static: its script talks to the API above. Only the page's
/// own files run on it.
pub(super) async fn page() -> Response {
    asset(
        "text/html; charset=utf-8",
        include_str!("../../assets/operator.html"),
    )
}

pub(super) async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/operator.js"),
    )
}

pub(super) async fn style() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../assets/operator.css"),
    )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
                ),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        ],
        body,
    )
        .into_response()
}
