//! The agents' console page: the wasm app `console/` builds (trunk, into `console/dist`),
//! served from the folder `--console-dir` names at `/console/`. Its built files are served
//! as they are; any other path under `/console/` is the page's own route (`/console/cases/7`)
//! and gets `index.html`. The platform does not need the build to compile or to start:
//! without the option, `/console` says how to serve it.
//!
//! The page runs under a CSP that lets only its own code run: the one inline script trunk
//! writes (the wasm loader) by its hash, worked out from the file at each request so a new
//! build needs no restart; the wasm it loads (`'wasm-unsafe-eval'`); requests to this
//! origin only. What the page calls is the API under `/api/v1`, nothing here.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

use super::HttpError;

/// Where the console is served.
pub const PREFIX: &str = "/console";

#[derive(Clone)]
struct ConsoleDir(Arc<PathBuf>);

/// The console's routes, with the folder they serve from (or none).
pub(super) fn routes<S: Clone + Send + Sync + 'static>(dir: Option<PathBuf>) -> Router<S> {
    let Some(dir) = dir else {
        return Router::new()
            .route(PREFIX, get(not_served))
            .route("/console/", get(not_served))
            .route("/console/{*path}", get(not_served));
    };
    Router::new()
        .route(PREFIX, get(|| async { Redirect::permanent("/console/") }))
        .route("/console/", get(page))
        .route("/console/{*path}", get(file))
        .with_state(ConsoleDir(Arc::new(dir)))
}

async fn not_served() -> HttpError {
    HttpError::NotFound(
        "the agents' console is not served by this platform: build `console/` with trunk and start the platform with `--console-dir console/dist` (`cargo xtask run` does both)".into(),
    )
}

/// A built file as it is; anything else under `/console/` is a route of the page.
async fn file(State(dir): State<ConsoleDir>, request: Request) -> Response {
    let below = request
        .uri()
        .path()
        .strip_prefix("/console/")
        .unwrap_or_default()
        .to_owned();
    if below == "index.html" || !is_built_file(&dir.0, &below).await {
        return page(State(dir)).await;
    }
    let (mut parts, body) = request.into_parts();
    parts.uri = match format!("/{below}").parse() {
        Ok(uri) => uri,
        Err(_) => return page(State(dir)).await,
    };
    let served = ServeDir::new(dir.0.as_path())
        .try_call(Request::from_parts(parts, body))
        .await;
    match served {
        Ok(response) => {
            let mut response = response.map(Body::new);
            response.headers_mut().insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        Err(e) => {
            tracing::error!(file = below, "serving a console file: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Whether `below` names a file of the build: plain names only, nothing that climbs out.
async fn is_built_file(dir: &Path, below: &str) -> bool {
    let path = Path::new(below);
    if below.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return false;
    }
    tokio::fs::metadata(dir.join(path))
        .await
        .is_ok_and(|m| m.is_file())
}

/// `index.html`, under the CSP that admits its inline loader by hash.
async fn page(State(dir): State<ConsoleDir>) -> Response {
    let html = match tokio::fs::read_to_string(dir.0.join("index.html")).await {
        Ok(html) => html,
        Err(e) => {
            tracing::warn!(dir = %dir.0.display(), "the console's index.html: {e}");
            return HttpError::NotFound(format!(
                "the agents' console is not built in {}: build `console/` with trunk (`cargo xtask run` does)",
                dir.0.display()
            ))
            .into_response();
        }
    };
    let csp = HeaderValue::from_str(&policy(&html))
        .unwrap_or(HeaderValue::from_static("default-src 'none'"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_SECURITY_POLICY, csp),
            // A new build is picked up at the next load; its files have hashed names.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        Html(html),
    )
        .into_response()
}

/// The console's CSP: its own files, its inline scripts by hash, wasm, this origin.
fn policy(html: &str) -> String {
    let hashes: String = inline_scripts(html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The text of every `<script>` without a `src`, as the browser hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, rest) = rest.split_once('>')?;
        let (body, _) = rest.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = "<head><script type=\"module\">\nimport init from '/console/a.js';\n</script>\
                    <script src=\"/console/b.js\"></script></head>";
        let scripts: Vec<&str> = inline_scripts(html).collect();
        assert_eq!(scripts, ["\nimport init from '/console/a.js';\n"]);
        let csp = policy(html);
        let digest = Sha256::digest(scripts[0].as_bytes());
        let hash = base64::engine::general_purpose::STANDARD.encode(digest);
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
    }
}
