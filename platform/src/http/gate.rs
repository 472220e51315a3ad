//! Gate routes: staff sign-in at a gate, the revocation delta, scan-log uploads, recorded
//! scans, and the turnstile counts per gate and hour.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use serde::Deserialize;
use tongyou_core::api::{
    ApiError, GateCount, GateScan, GateSession, GateSignIn, RevocationDelta, ScanReceipt,
    ScanUpload,
};

use super::{BearerToken, Body, HttpError, Path, Query, SignedIn, off_thread};
use crate::gates::Gates;

/// Signs gate staff in at one gate of a region, with the one-time code from `auth/code`.
#[utoipa::path(post, path = "/api/v1/gate/session", operation_id = "gate_sign_in", request_body = GateSignIn,
    responses((status = 200, body = GateSession), (status = 400, body = ApiError),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 422, body = ApiError), (status = 429, body = ApiError)))]
pub(super) async fn sign_in(
    State(gates): State<Arc<Gates>>,
    connected: ConnectInfo<SocketAddr>,
    Body(input): Body<GateSignIn>,
) -> Result<Json<GateSession>, HttpError> {
    let from = super::client(connected);
    Ok(Json(off_thread(move || gates.sign_in(&input, from)).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct Since {
    /// The `cursor` of the last delta the gate holds; 0 or absent for everything.
    #[serde(default)]
    since: i64,
}

/// Passes of the gate's region revoked after a cursor.
#[utoipa::path(get, path = "/api/v1/gate/revocations", params(Since),
    responses((status = 200, body = RevocationDelta), (status = 403, body = ApiError)),
    security(("session" = [])))]
pub(super) async fn revocations(
    State(gates): State<Arc<Gates>>,
    SignedIn(account): SignedIn,
    BearerToken(token): BearerToken,
    Query(Since { since }): Query<Since>,
) -> Result<Json<RevocationDelta>, HttpError> {
    Ok(Json(
        off_thread(move || {
            let post = gates.post(account, &token)?;
            gates.revocations(&post, since)
        })
        .await?,
    ))
}

/// Uploads a gate's scan log. Replays are harmless: one entry per scan nonce.
#[utoipa::path(post, path = "/api/v1/gate/scans", request_body = ScanUpload,
    responses((status = 200, body = ScanReceipt), (status = 403, body = ApiError),
        (status = 422, body = ApiError)),
    security(("session" = [])))]
pub(super) async fn upload_scans(
    State(gates): State<Arc<Gates>>,
    SignedIn(account): SignedIn,
    BearerToken(token): BearerToken,
    Body(upload): Body<ScanUpload>,
) -> Result<Json<ScanReceipt>, HttpError> {
    Ok(Json(
        off_thread(move || {
            let post = gates.post(account, &token)?;
            gates.record(account, &post, &upload)
        })
        .await?,
    ))
}

/// The latest scans recorded for the gate's region, newest first.
#[utoipa::path(get, path = "/api/v1/gate/scans",
    responses((status = 200, body = [GateScan]), (status = 403, body = ApiError)),
    security(("session" = [])))]
pub(super) async fn scans(
    State(gates): State<Arc<Gates>>,
    SignedIn(account): SignedIn,
    BearerToken(token): BearerToken,
) -> Result<Json<Vec<GateScan>>, HttpError> {
    Ok(Json(
        off_thread(move || {
            let post = gates.post(account, &token)?;
            gates.scans(&post)
        })
        .await?,
    ))
}

/// People admitted per gate and region-local hour on a date: the turnstile feed.
#[utoipa::path(get, path = "/api/v1/regions/{id}/gate-counts/{date}",
    params(("id" = String, Path), ("date" = String, Path, description = "`YYYY-MM-DD`")),
    responses((status = 200, body = [GateCount]), (status = 404, body = ApiError),
        (status = 422, body = ApiError, description = "The date is not `YYYY-MM-DD`")))]
pub(super) async fn counts(
    State(gates): State<Arc<Gates>>,
    Path((id, date)): Path<(String, String)>,
) -> Result<Json<Vec<GateCount>>, HttpError> {
    Ok(Json(off_thread(move || gates.counts(&id, &date)).await?))
}
