//! Calendar routes: a trip's subscribable calendar feed, opened and revoked by its owner,
//! and the feed itself, read by calendar apps with nothing but the address.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tongyou_core::api::{ApiError, CalendarFeed, CalendarFeedRequest};

use super::{Body, HttpError, Path, SignedIn, off_thread};
use crate::calendars::{CalendarError, Calendars};

impl From<CalendarError> for HttpError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::NotFound => HttpError::NotFound("no such trip calendar".into()),
            CalendarError::Booking(b) => HttpError::from(b),
            CalendarError::Account(a) => HttpError::Account(a),
            CalendarError::Store(s) => HttpError::Store(s),
        }
    }
}

/// Opens a subscribable calendar of one of the account's trips, in the language asked.
/// The answer's `path` (token included) is shown this once; an earlier feed of the trip
/// stops working.
#[utoipa::path(post, path = "/api/v1/trips/{trip_id}/calendar", security(("session" = [])),
    params(("trip_id" = String, Path, description = "`{region}-{order}`, as the trip view names it")),
    request_body = CalendarFeedRequest,
    responses((status = 201, body = CalendarFeed),
        (status = 400, body = ApiError, description = "The body is not a calendar feed request"),
        (status = 401, body = ApiError),
        (status = 404, body = ApiError, description = "No such trip of this account")))]
pub(super) async fn open(
    State(calendars): State<Arc<Calendars>>,
    SignedIn(account): SignedIn,
    Path(trip_id): Path<String>,
    Body(request): Body<CalendarFeedRequest>,
) -> Result<(StatusCode, Json<CalendarFeed>), HttpError> {
    let feed = off_thread(move || calendars.open(account, &trip_id, request.lang)).await?;
    Ok((StatusCode::CREATED, Json(feed)))
}

/// Ends the trip's calendar feed: its address answers 404 from now on.
#[utoipa::path(delete, path = "/api/v1/trips/{trip_id}/calendar", security(("session" = [])),
    params(("trip_id" = String, Path)),
    responses((status = 204), (status = 401, body = ApiError),
        (status = 404, body = ApiError, description = "The trip has no live feed")))]
pub(super) async fn revoke(
    State(calendars): State<Arc<Calendars>>,
    SignedIn(account): SignedIn,
    Path(trip_id): Path<String>,
) -> Result<StatusCode, HttpError> {
    off_thread(move || calendars.revoke(account, &trip_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A trip's calendar (iCalendar, RFC 5545), as the trip now is. No session: the address
/// is the key. An unknown, revoked or malformed address is a plain 404.
#[utoipa::path(get, path = "/api/v1/calendar/{feed}",
    params(("feed" = String, Path, description = "`{token}.ics`")),
    responses((status = 200, content_type = "text/calendar", body = String),
        (status = 404, body = ApiError)))]
pub(super) async fn feed(
    State(calendars): State<Arc<Calendars>>,
    Path(feed): Path<String>,
) -> Result<Response, HttpError> {
    let token = feed.strip_suffix(".ics").unwrap_or(&feed).to_owned();
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CalendarError::NotFound.into());
    }
    let text = off_thread(move || calendars.feed(&token)).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            // The address is a key: it must not leak through caches or referrers.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
        text,
    )
        .into_response())
}
