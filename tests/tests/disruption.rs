//! A storm closes the mountain: an operator posts the closure on the operator page
//! (Chromium), the tourist's open app (tauri-driver) shows it on the timeline with its
//! ways out, and one tap moves the whole trip a day later with new passes, the old ones
//! void.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use fantoccini::Client;
use tongyou_client::PlatformClient;
use tongyou_e2e::{
    Env, click, open_browser, resize, screenshot, scroll_to, texts, wait_for_attr, wait_for_text,
};

use crate::booking::{book_tangkou_combo, find, ready_to_book, type_into, value_of};

/// The operator number dev mode accepts.
const OPERATOR: &str = "13900139001";

/// Sets a form field's value as typing would (date-time pickers take no keys portably).
async fn set_value(browser: &Client, id: &str, value: &str) {
    browser
        .execute(
            "const e = document.getElementById(arguments[0]); e.value = arguments[1]; \
             e.dispatchEvent(new Event('change'));",
            vec![serde_json::json!(id), serde_json::json!(value)],
        )
        .await
        .unwrap();
}

fn next_day(date: &str) -> String {
    let d: chrono::NaiveDate = date.parse().unwrap();
    (d + chrono::Days::new(1)).to_string()
}

#[tokio::test]
async fn a_storm_closure_reaches_the_open_trip_and_one_tap_moves_it_a_day() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let (platform, app) = ready_to_book(&env, dir.path(), "赵六").await;
    book_tangkou_combo(&app).await;
    click(&app, "[data-test=nav-trip]").await;
    let dates = wait_for_text(&app, "[data-test=trip-dates]", |t| t.len() >= 10).await;
    let day = dates.text().await.unwrap()[..10].to_owned();

    // The operator signs in on the operator page and posts the closure; a range that
    // ends before it starts is refused first, field by field, with nothing typed lost.
    let browser = open_browser(&env, &dir.path().join("chromium-profile")).await;
    browser
        .goto(&format!("{}/operator", platform.url))
        .await
        .unwrap();
    type_into(&browser, "[data-test=mobile]", OPERATOR).await;
    click(&browser, "[data-test=send-code]").await;
    // The page asks for the code on its own time: wait until the platform has sent it.
    let client = PlatformClient::new(&platform.url).unwrap();
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    let code = loop {
        match client.dev_sign_in_code(OPERATOR).await {
            Ok(code) => break code,
            Err(e) => assert!(Instant::now() < deadline, "no code was sent: {e:?}"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    type_into(&browser, "[data-test=code]", &code).await;
    click(&browser, "[data-test=do-sign-in]").await;
    find(&browser, "[data-test=disruption-form]").await;
    wait_for_text(&browser, "[data-test=region] option", |t| {
        t.contains("黄山")
    })
    .await;
    set_value(&browser, "from", &format!("{day}T12:00")).await;
    set_value(&browser, "to", &format!("{day}T06:00")).await;
    type_into(&browser, "[data-test=reason-zh]", "暴雨预警，景区全天关闭").await;
    type_into(
        &browser,
        "[data-test=reason-en]",
        "Storm warning: the scenic area is closed all day",
    )
    .await;
    click(&browser, "[data-test=submit]").await;
    wait_for_text(&browser, ".field-error[data-field=to]", |t| {
        t.contains("结束时间必须晚于开始时间")
    })
    .await;
    assert_eq!(
        value_of(&browser, "[data-test=reason-zh]").await,
        "暴雨预警，景区全天关闭"
    );
    screenshot(&env, &browser, "operator-bad-range").await;
    set_value(&browser, "from", &format!("{day}T00:00")).await;
    set_value(&browser, "to", &format!("{}T00:00", next_day(&day))).await;
    let posted = Instant::now();
    click(&browser, "[data-test=submit]").await;
    wait_for_attr(&browser, "[data-test=post-said]", "data-affected", "1").await;
    wait_for_attr(
        &browser,
        "[data-test=disruption-row]",
        "data-state",
        "active",
    )
    .await;
    screenshot(&env, &browser, "operator-posted").await;

    // The open app hears of it and shows the ways out side by side.
    wait_for_text(&app, "[data-test=disruption-why]", |t| {
        t.contains("暴雨预警")
    })
    .await;
    eprintln!(
        "a closure posted on the operator page showed on the open timeline after {:?}",
        posted.elapsed()
    );
    let kinds = texts(&app, "[data-test=way-out] h3").await;
    assert_eq!(kinds, ["整体推迟一天", "全额退款"], "{kinds:?}");
    find(&app, "[data-test=way-out][data-kind=delay]").await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "disruption-zh-phone").await;
    resize(&app, 1280, 800).await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "disruption-zh-desktop").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=way-out] h3", |t| t == "Delay one day").await;
    screenshot(&env, &app, "disruption-en-desktop").await;
    resize(&app, 390, 844).await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "disruption-en-phone").await;
    click(&app, "[data-test=lang-zh]").await;

    // One tap: the entry, the hotel and the shuttle move a day together.
    click(
        &app,
        "[data-test=way-out][data-kind=delay] [data-test=choose-way]",
    )
    .await;
    let moved = next_day(&day);
    wait_for_attr(&app, "[data-test=way-applied]", "data-date", &moved).await;
    wait_for_text(&app, "[data-test=trip-dates]", |t| t.starts_with(&moved)).await;
    tongyou_e2e::wait_gone(&app, "[data-test=disruption]").await;
    for kind in ["shuttle", "entry", "hotel_check_in"] {
        wait_for_attr(
            &app,
            &format!("[data-test=trip-item][data-kind={kind}]"),
            "data-status",
            "confirmed",
        )
        .await;
    }
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "disruption-moved-zh-phone").await;
    resize(&app, 1280, 800).await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "disruption-moved-zh-desktop").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=way-applied] h2", |t| {
        t == "Done as you chose"
    })
    .await;
    screenshot(&env, &app, "disruption-moved-en-desktop").await;
    resize(&app, 390, 844).await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "disruption-moved-en-phone").await;
    click(&app, "[data-test=lang-zh]").await;

    // New passes for the new day; the old ones void.
    click(&app, "[data-test=nav-tickets]").await;
    find(&app, "[data-test=wallet-pass][data-state=valid]").await;
    let valid = texts(
        &app,
        "[data-test=wallet-pass][data-state=valid] [data-test=pass-when]",
    )
    .await;
    assert!(
        !valid.is_empty() && valid.iter().all(|w| w.contains(&moved)),
        "{valid:?}"
    );
    find(&app, "[data-test=wallet-pass][data-state=revoked]").await;
    screenshot(&env, &app, "disruption-passes-zh-desktop").await;

    browser.close().await.unwrap();
    app.close().await.unwrap();
}
