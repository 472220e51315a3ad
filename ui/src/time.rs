//! Times and dates as the screens show them.

use std::sync::atomic::{AtomicU32, Ordering};

/// Milliseconds since the page began to load.
pub fn page_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

static STARTED_MS: AtomicU32 = AtomicU32::new(0);

/// Notes when the UI's code began to run (the wasm loaded and compiled).
pub fn mark_started() {
    STARTED_MS.store(page_ms() as u32, Ordering::Relaxed);
}

/// When the UI's code began to run, in milliseconds since the page began to load.
pub fn started_ms() -> f64 {
    f64::from(STARTED_MS.load(Ordering::Relaxed))
}

/// `MM-DD HH:MM`: an RFC 3339 moment (the platform writes UTC) in the device's time zone,
/// or a `YYYY-MM-DD HH:MM` already in the device's time zone (its last sync) as it is.
pub fn short_time(at: &str) -> String {
    if at.len() == 16 && at.as_bytes().get(10) == Some(&b' ') {
        return at.get(5..).unwrap_or(at).to_owned();
    }
    let moment = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(at));
    if moment.get_time().is_nan() {
        return at.to_owned();
    }
    format!(
        "{:02}-{:02} {:02}:{:02}",
        moment.get_month() + 1,
        moment.get_date(),
        moment.get_hours(),
        moment.get_minutes()
    )
}

/// `YYYY-MM-DD` → the next day. The UI does not depend on chrono directly: the date type
/// is whatever `core::booking::nights` takes, and its second night is tomorrow.
pub fn tomorrow(today: &str) -> Option<String> {
    let day = today.parse().ok()?;
    tongyou_core::booking::nights(day, 2)
        .get(1)
        .map(ToString::to_string)
}
