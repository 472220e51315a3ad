//! One-tap support with both real clients: the tourist's app (tauri-driver) asks for help
//! on a pass; the agents' console (Chromium) sees the case arrive, claims it, reads the
//! shared trip with its live statuses and talks with the tourist; the agent refunds the
//! audio guide and the app shows it refunded; the tourist ends the share and the open
//! console page loses the trip at once.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::Client;
use tongyou_e2e::{
    Env, Platform, click, open_app, open_browser, resize, screenshot, wait_for_attr, wait_for_text,
};

use crate::booking::{MOBILE, find, sign_in, type_into, value_of};
use crate::console::{booked_tourist, paste};

/// Signs the console in; the stream is live once the queue can arrive.
async fn sign_in_console(browser: &Client, login: &str, password: &str) {
    type_into(browser, "[data-test=signin-login]", login).await;
    type_into(browser, "[data-test=signin-password]", password).await;
    click(browser, "[data-test=signin-submit]").await;
    wait_for_attr(browser, "[data-test=stream-state]", "data-state", "live").await;
}

#[tokio::test]
async fn help_on_a_pass_reaches_an_agent_who_fixes_it_until_the_share_ends() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let platform = Platform::start(&env, &dir.path().join("platform.db")).await;
    // The trip is booked through the API (entry, audio guide, hotel, shuttle); the app
    // signs in as the same tourist and has it.
    let tourist = booked_tourist(&platform.url, MOBILE).await;
    let app = open_app(&env, &platform.url, &dir.path().join("device")).await;
    resize(&app, 390, 844).await;
    wait_for_attr(&app, "[data-test=net-badge]", "data-state", "online").await;
    sign_in(&app, &platform).await;

    // Help on the entry pass: the sheet is about that pass, a gate refusal.
    click(&app, "[data-test=nav-tickets]").await;
    click(&app, "[data-test=wallet-pass][data-product=entry]").await;
    click(&app, "[data-test=pass-sheet] [data-test=help-item]").await;
    wait_for_text(&app, "[data-test=help-about]", |t| t.contains("门票")).await;
    wait_for_attr(
        &app,
        "[data-test=help-category][data-category=gate_refused]",
        "aria-checked",
        "true",
    )
    .await;
    // Too long: said by field, and nothing typed is lost.
    let long = "长".repeat(10_000);
    paste(&app, "[data-test=help-message]", &long).await;
    click(&app, "[data-test=help-send]").await;
    wait_for_text(&app, "[data-test=help-error]", |t| t.contains("2000")).await;
    assert_eq!(
        value_of(&app, "[data-test=help-message]")
            .await
            .chars()
            .count(),
        10_000
    );
    type_into(&app, "[data-test=help-message]", "南门闸机扫不出我的票").await;
    find(&app, "[data-test=help-place]")
        .await
        .select_by_value("welcoming-guest-pine")
        .await
        .unwrap();
    screenshot(&env, &app, "help-sheet-zh-phone").await;
    click(&app, "[data-test=help-send]").await;
    let chat = find(&app, "[data-test=chat]").await;
    let case_id = chat.attr("data-case").await.unwrap().unwrap();
    assert!(case_id.parse::<i64>().unwrap() > 0, "online: sent at once");
    wait_for_attr(&app, "[data-test=chat-state]", "data-state", "waiting").await;

    // The console: the case arrives in the live queue, first as a gate refusal.
    let browser = open_browser(&env, &dir.path().join("chromium-profile")).await;
    resize(&browser, 1280, 800).await;
    browser
        .goto(&format!("{}/console/", platform.url))
        .await
        .unwrap();
    sign_in_console(&browser, "agent", "demo-agent-password").await;
    let line = format!("[data-test=queue-line][data-case=\"{case_id}\"]");
    wait_for_text(
        &browser,
        &format!("{line} [data-test=queue-preview]"),
        |t| t.contains("南门闸机"),
    )
    .await;
    screenshot(&env, &browser, "support-console-queue-zh").await;
    click(&browser, &format!("{line} [data-test=claim]")).await;
    // The trip as shared: its items with their live status, the passes unused.
    wait_for_attr(
        &browser,
        "[data-test=trip-item]",
        "data-status",
        "confirmed",
    )
    .await;
    wait_for_attr(&browser, "[data-test=pass]", "data-state", "valid").await;
    type_into(
        &browser,
        "[data-test=chat-input]",
        "您好，我在查看您的门票，请稍等",
    )
    .await;
    click(&browser, "[data-test=chat-send]").await;

    // The tourist sees it live, and answers.
    wait_for_text(&app, "[data-test=chat-message][data-author=agent]", |t| {
        t.contains("我在查看您的门票")
    })
    .await;
    wait_for_attr(&app, "[data-test=chat-state]", "data-state", "claimed").await;
    type_into(
        &app,
        "[data-test=chat-input]",
        "好的，谢谢！导览器我们也不要了",
    )
    .await;
    click(&app, "[data-test=chat-send]").await;
    wait_for_text(&app, "[data-test=chat-message][data-author=tourist]", |t| {
        t.contains("导览器我们也不要了")
    })
    .await;
    assert_eq!(
        value_of(&app, "[data-test=chat-input]").await,
        "",
        "sent, so cleared"
    );
    screenshot(&env, &app, "help-chat-zh-phone").await;
    wait_for_text(
        &browser,
        "[data-test=chat-message][data-author=tourist]",
        |t| t.contains("导览器我们也不要了"),
    )
    .await;

    // The agent refunds the audio guide under its rule, shown before confirming.
    click(&browser, "[data-test=refund-show]").await;
    let option = "[data-test=refund-option][data-line=\"ticket:audio-guide\"]";
    wait_for_text(&browser, option, |t| t.contains('¥')).await;
    click(&browser, &format!("{option} [data-test=refund-pick]")).await;
    screenshot(&env, &browser, "support-console-refund-zh").await;
    click(&browser, "[data-test=refund-confirm]").await;
    wait_for_text(
        &browser,
        "[data-test=chat-message][data-author=system]",
        |t| t.contains("语音导览"),
    )
    .await;
    // The app shows the sub-order refunded, from the live event.
    wait_for_text(&app, "[data-test=chat-message][data-author=system]", |t| {
        t.contains("语音导览")
    })
    .await;
    let order_id = tourist.trip_id.rsplit('-').next().unwrap().to_owned();
    click(&app, "[data-test=nav-orders]").await;
    click(
        &app,
        &format!("[data-test=order-card][data-id=\"{order_id}\"]"),
    )
    .await;
    wait_for_text(&app, "[data-test=order-refunded]", |t| t.starts_with('¥')).await;

    // The tourist sees who viewed the trip, and ends the share.
    click(&app, "[data-test=help]").await;
    click(&app, "[data-test=help-open-list]").await;
    let live = "[data-test=share][data-state=live]";
    wait_for_text(&app, &format!("{live} [data-test=share-views]"), |t| {
        t.contains("小林") && t.contains("退款")
    })
    .await;
    click(&app, "[data-test=lang-en]").await;
    screenshot(&env, &app, "help-shares-en-phone").await;
    click(&app, &format!("{live} [data-test=share-end]")).await;
    wait_for_attr(&app, "[data-test=share]", "data-state", "ended").await;

    // The open console page loses the trip at once, without a reload.
    wait_for_text(&browser, "[data-test=share-ended]", |_| true).await;
    assert!(
        browser
            .find(fantoccini::Locator::Css("[data-test=trip-item]"))
            .await
            .is_err(),
        "no trip item is left on the page"
    );
    click(&browser, "[data-test=lang-en]").await;
    screenshot(&env, &browser, "support-console-share-ended-en").await;

    // A supervisor reads the audit log: the agent's refund is in it, with the case.
    click(&browser, "[data-test=sign-out]").await;
    sign_in_console(&browser, "supervisor", "demo-supervisor-password").await;
    click(&browser, "[data-test=audit-link]").await;
    wait_for_text(
        &browser,
        "[data-test=audit-line][data-action=refund]",
        |t| t.contains("agent") && t.contains(&format!("#{case_id}")),
    )
    .await;
    screenshot(&env, &browser, "support-console-audit-en").await;

    // The chat in English on a desktop window.
    click(&app, "[data-test=case-line]").await;
    resize(&app, 1280, 800).await;
    wait_for_text(&app, "[data-test=chat-message][data-author=agent]", |_| {
        true
    })
    .await;
    screenshot(&env, &app, "help-chat-en-desktop").await;

    app.close().await.unwrap();
    browser.close().await.unwrap();
    drop(tourist);
}
