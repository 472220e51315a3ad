//! A region's guide pack: what it is before downloading (version and size), and the pack
//! itself, `304` when the client's version is current.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tongyou_core::api::ApiError;
use tongyou_core::guide::{GuideAbout, GuidePack};

use super::{HttpError, Path, etag_for};
use crate::guides::Guides;

/// The version and download size of a region's guide pack, to show before downloading.
#[utoipa::path(get, path = "/api/v1/regions/{id}/guide/about",
    params(("id" = String, Path, description = "Region id, e.g. `huangshan`")),
    responses((status = 200, body = GuideAbout),
        (status = 404, body = ApiError, description = "No such region, or it has no guide")))]
pub(super) async fn about(
    State(guides): State<Arc<Guides>>,
    Path(id): Path<String>,
) -> Result<Json<GuideAbout>, HttpError> {
    guides
        .about(&id)
        .map(Json)
        .ok_or_else(|| HttpError::NotFound(format!("region `{id}` has no guide")))
}

/// A region's guide pack: points of interest, trails and texts, for the guide screens to
/// work with no network. Send the version you hold as `If-None-Match` to get `304`.
#[utoipa::path(get, path = "/api/v1/regions/{id}/guide",
    params(("id" = String, Path, description = "Region id, e.g. `huangshan`")),
    responses(
        (status = 200, body = GuidePack, headers(("ETag" = String))),
        (status = 304, description = "The pack has not changed"),
        (status = 404, body = ApiError, description = "No such region, or it has no guide")))]
pub(super) async fn pack(
    State(guides): State<Arc<Guides>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let served = guides
        .pack(&id)
        .ok_or_else(|| HttpError::NotFound(format!("region `{id}` has no guide")))?;
    let (etag, unchanged) = etag_for(&headers, &served.version);
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    Ok((
        [
            (header::ETAG, etag),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
        ],
        served.json.clone(),
    )
        .into_response())
}
