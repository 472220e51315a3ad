//! Times as the console shows them. The browser's clock is read here only; what depends
//! on it (waiting times) takes `now` so it is tested without one.

use tongyou_core::api::Lang;

/// The browser's clock, in milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// How long a case has waited, in whole minutes and hours.
pub fn waiting(lang: Lang, seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match (lang, minutes) {
        (Lang::Zh, 0) => "刚刚".into(),
        (Lang::En, 0) => "just now".into(),
        (Lang::Zh, m) if m < 60 => format!("已等 {m} 分钟"),
        (Lang::En, m) if m < 60 => format!("waiting {m} min"),
        (Lang::Zh, m) => format!("已等 {} 小时 {} 分", m / 60, m % 60),
        (Lang::En, m) => format!("waiting {} h {} min", m / 60, m % 60),
    }
}

/// An RFC 3339 instant as the desk's wall clock shows it (`HH:MM`, the browser's zone).
pub fn clock(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// An RFC 3339 instant with its day (`MM-DD HH:MM`, the browser's zone).
pub fn moment(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    format!(
        "{:02}-{:02} {:02}:{:02}",
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// The wall-clock time `seconds` from now (`HH:MM`), for "try again after".
pub fn clock_in(seconds: u32) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        now_ms() + f64::from(seconds) * 1000.0,
    ));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// An amount in fen as yuan (`¥12.50`).
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.abs();
    format!("{sign}¥{}.{:02}", fen / 100, fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_times_read_as_minutes_and_hours() {
        assert_eq!(waiting(Lang::Zh, 30), "刚刚");
        assert_eq!(waiting(Lang::En, 61), "waiting 1 min");
        assert_eq!(waiting(Lang::Zh, 59 * 60 + 59), "已等 59 分钟");
        assert_eq!(waiting(Lang::En, 3 * 3600 + 5 * 60), "waiting 3 h 5 min");
        assert_eq!(waiting(Lang::En, -5), "just now");
    }

    #[test]
    fn money_reads_in_yuan() {
        assert_eq!(yuan(1250), "¥12.50");
        assert_eq!(yuan(0), "¥0.00");
        assert_eq!(yuan(-5), "-¥0.05");
    }
}
