//! HTTP routes of `/api/v1`, the OpenAPI document, and [`HttpError`]: the one place where
//! failures become status codes.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tongyou_core::api::{API_PREFIX, ApiError, CatalogSnapshot, ErrorCode, Health, RegionSummary};
use utoipa::OpenApi;

use crate::store::{CatalogStore, StoreError};

type Store = Arc<dyn CatalogStore>;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tongyou platform API",
        description = "Catalog of the regions served by the Tongyou platform."
    ),
    paths(health, list_regions, region_catalog),
    components(schemas(ApiError, Health, RegionSummary, CatalogSnapshot))
)]
pub struct ApiDoc;

pub fn router(store: Store) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/regions", get(list_regions))
        .route("/regions/{id}/catalog", get(region_catalog))
        .route("/openapi.json", get(openapi));
    Router::new()
        .route("/", get(home))
        .nest(API_PREFIX, api)
        .fallback(not_found)
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(store)
}

/// Failures of a request, mapped to a status and an [`ApiError`] body in one place.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a worker thread failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            HttpError::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            HttpError::Store(_) | HttpError::Join(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
        };
        if status.is_server_error() {
            tracing::error!("{self}");
        }
        (
            status,
            Json(ApiError {
                code,
                message: self.to_string(),
            }),
        )
            .into_response()
    }
}

/// Runs a blocking store call off the async workers.
async fn blocking<T: Send + 'static>(
    store: &Store,
    f: impl FnOnce(&dyn CatalogStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, HttpError> {
    let store = Arc::clone(store);
    Ok(tokio::task::spawn_blocking(move || f(store.as_ref())).await??)
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
    let etag = format!("\"{}\"", snapshot.version);
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    Ok(([(header::ETAG, etag)], Json(snapshot)).into_response())
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn home() -> Html<&'static str> {
    Html(concat!(
        "<!doctype html><meta charset=utf-8><title>Tongyou platform</title>",
        "<h1>通游 Tongyou platform</h1>",
        "<p><a href=\"/api/v1/regions\">/api/v1/regions</a> · ",
        "<a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a></p>"
    ))
}

async fn not_found() -> HttpError {
    HttpError::NotFound("no such endpoint".into())
}
