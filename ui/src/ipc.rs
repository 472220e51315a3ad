//! The one typed bridge to the Tauri shell. Every call goes through [`invoke`], which
//! checks that the shell is there (a plain browser page has no `window.__TAURI__`) and
//! turns every failure into an [`ApiError`] instead of a thrown exception.

use serde::Serialize;
use serde::de::DeserializeOwned;
use tongyou_core::api::{ApiError, DiscoverView, ErrorCode, Lang, Startup, SyncStatus};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

fn shell_present() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("__TAURI__")).ok())
        .is_some_and(|v| !v.is_undefined())
}

fn internal(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Internal, message)
}

async fn invoke<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> Result<R, ApiError> {
    if !shell_present() {
        return Err(internal("this page runs inside the Tongyou app"));
    }
    let args = args
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| internal(e.to_string()))?;
    match tauri_invoke(cmd, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| internal(e.to_string())),
        Err(error) => Err(
            serde_wasm_bindgen::from_value(error.clone()).unwrap_or_else(|_| {
                internal(error.as_string().unwrap_or_else(|| format!("{error:?}")))
            }),
        ),
    }
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct RegionArg<'a> {
    region: Option<&'a str>,
}

#[derive(Serialize)]
struct LangArg {
    lang: Lang,
}

pub async fn startup() -> Result<Startup, ApiError> {
    invoke("startup", &NoArgs {}).await
}

pub async fn discover(region: Option<&str>) -> Result<Option<DiscoverView>, ApiError> {
    invoke("discover", &RegionArg { region }).await
}

pub async fn sync_catalog() -> Result<SyncStatus, ApiError> {
    invoke("sync_catalog", &NoArgs {}).await
}

pub async fn set_language(lang: Lang) -> Result<(), ApiError> {
    invoke("set_language", &LangArg { lang }).await
}
