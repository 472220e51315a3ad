//! Crowd and planning routes: the forecast per sight and hour, three plans for a trip,
//! and (dev mode) the simulated sensor feed.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tongyou_core::api::{ApiError, CrowdForecast, Plan, PlanRequest, SensorReading};

use super::{AppState, Body, HttpError, Path, dev_only, off_thread};
use crate::crowd::Crowds;

/// Each sight's forecast crowding by hour on a date, with live levels from sensors.
#[utoipa::path(get, path = "/api/v1/regions/{id}/crowd/{date}",
    params(("id" = String, Path), ("date" = String, Path, description = "`YYYY-MM-DD`")),
    responses((status = 200, body = CrowdForecast), (status = 404, body = ApiError),
        (status = 422, body = ApiError)))]
pub(super) async fn forecast(
    State(crowds): State<Arc<Crowds>>,
    Path((id, date)): Path<(String, String)>,
) -> Result<Json<CrowdForecast>, HttpError> {
    Ok(Json(off_thread(move || crowds.forecast(&id, &date)).await?))
}

/// Three plans (budget, off-peak, comfort) for a trip; when none is possible, a 422 whose
/// one field names the blocking constraint (`slots`, `rooms`, `budget`, `dates`, `party`).
#[utoipa::path(post, path = "/api/v1/plans", request_body = PlanRequest,
    responses((status = 200, body = [Plan]), (status = 404, body = ApiError),
        (status = 422, body = ApiError)))]
pub(super) async fn plans(
    State(crowds): State<Arc<Crowds>>,
    Body(request): Body<PlanRequest>,
) -> Result<Json<Vec<Plan>>, HttpError> {
    Ok(Json(off_thread(move || crowds.plans(&request)).await?))
}

/// Dev mode only: a sensor's head count at a sight, as the simulated feed sends it.
pub(super) async fn feed(
    State(state): State<AppState>,
    Body(reading): Body<SensorReading>,
) -> Result<StatusCode, HttpError> {
    dev_only(&state)?;
    let crowds = Arc::clone(&state.crowds);
    off_thread(move || crowds.feed(&reading)).await?;
    Ok(StatusCode::NO_CONTENT)
}
