//! Offline writes, as a tourist makes them on a mountain with no signal: a combo booked a
//! week ahead is cancelled with the platform down; the order page says it will be
//! cancelled once online, the Me screen lists what waits (with a traveller added offline,
//! and one the platform will refuse); the platform comes back on the same address, the
//! app's own sync sends everything, the pending state clears itself and the page shows
//! the cancelled order with its refund. On the platform the order is cancelled and
//! refunded once, by the amount the app shows.

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use tongyou_client::{ClientError, PlatformClient};
use tongyou_core::api::{ErrorCode, OrderState, Session};
use tongyou_core::testing::resident_id;
use tongyou_e2e::{
    Env, Platform, click, pick_date, resize, screenshot, scroll_to, texts, wait_for_attr,
    wait_for_text,
};

use crate::booking::{MOBILE, add_traveller, find, pick_tangkou_combo, ready_to_book};

/// The first saved traveller's ID number (the one `ready_to_book` saves).
const FIRST_ID: &str = "34100319850612002";

/// Entry + Yungu cable car + a Tangkou hotel night + a shuttle seat, a week from today,
/// paid from the wallet; returns the confirmed order's id.
async fn book_a_week_ahead(app: &Client) -> i64 {
    pick_date(app, "[data-test=date]", 7).await;
    pick_tangkou_combo(app).await;
    pay(app).await
}

/// Pays the combo on the Book screen; waits for the confirmed order page and returns the
/// order's id.
async fn pay(app: &Client) -> i64 {
    wait_for_text(app, "[data-test=quote-total]", |t| t.starts_with('¥')).await;
    click(app, "[data-test=pay]").await;
    wait_for_attr(
        app,
        "[data-test=order] [data-test=order-state]",
        "data-state",
        "confirmed",
    )
    .await;
    find(app, "[data-test=order]")
        .await
        .attr("data-id")
        .await
        .unwrap()
        .expect("the order page names its order")
        .parse()
        .unwrap()
}

/// Waits until nothing matches `css`.
async fn wait_gone(app: &Client, css: &str) {
    let deadline = Instant::now() + tongyou_e2e::PATIENCE;
    while !app.find_all(Locator::Css(css)).await.unwrap().is_empty() {
        assert!(
            Instant::now() < deadline,
            "`{css}` still there after {:?}",
            tongyou_e2e::PATIENCE
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Opens order `id` from the Orders tab.
async fn open_order(app: &Client, id: i64) {
    click(app, "[data-test=nav-orders]").await;
    let card = format!("[data-test=order-card][data-id='{id}']");
    wait_for_text(app, &card, |t| !t.is_empty()).await;
    click(app, &card).await;
    wait_for_attr(app, "[data-test=order]", "data-id", &id.to_string()).await;
}

/// A session of the app's own account, straight from the platform. The app asked for a
/// code for this number earlier; a new one may only be sent a minute after that.
async fn platform_session(client: &PlatformClient) -> Session {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        match client.request_code(MOBILE).await {
            Ok(_) => break,
            Err(ClientError::Api { error, .. })
                if error.code == ErrorCode::TooManyRequests && Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            Err(e) => panic!("ask for a sign-in code: {e}"),
        }
    }
    let code = client.dev_sign_in_code(MOBILE).await.unwrap();
    client.sign_in(MOBILE, &code).await.unwrap()
}

#[tokio::test]
async fn an_order_cancelled_offline_is_cancelled_once_when_the_network_returns() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("platform.db");
    let (platform, app) = ready_to_book(&env, dir.path(), "周七").await;
    let id = book_a_week_ahead(&app).await;

    // The platform goes away.
    let url = platform.url.clone();
    platform.stop();

    // Cancel: the confirm step names each product's refund rule.
    click(&app, "[data-test=cancel-order]").await;
    wait_for_text(&app, "[data-test=cancel-ask]", |t| t.contains("确定取消")).await;
    let rules = texts(&app, "[data-test=refund-rule-name]").await;
    for rule in ["门票及租赁", "酒店", "换乘车"] {
        assert!(
            rules.iter().any(|r| r.contains(rule)),
            "the {rule} rule is named: {rules:?}"
        );
    }
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "outbox-cancel-ask-zh-phone").await;

    // Offline, the cancellation waits, and the page says it will happen once online.
    click(&app, "[data-test=cancel-confirm]").await;
    wait_for_text(&app, "[data-test=cancel-pending]", |t| {
        t.contains("联网后自动取消")
    })
    .await;
    wait_for_attr(
        &app,
        "[data-test=order] [data-test=order-state]",
        "data-state",
        "confirmed",
    )
    .await;
    assert!(texts(&app, "[data-test=cancel-order]").await.is_empty());
    // The try just made found no platform: the badge says so without waiting for a sync.
    wait_for_attr(&app, "[data-test=net-badge]", "data-state", "offline").await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "outbox-cancel-pending-zh-phone").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=cancel-pending]", |t| {
        t.contains("when you are back online")
    })
    .await;
    screenshot(&env, &app, "outbox-cancel-pending-en-phone").await;
    resize(&app, 1280, 800).await;
    screenshot(&env, &app, "outbox-cancel-pending-en-desktop").await;
    click(&app, "[data-test=lang-zh]").await;
    wait_for_text(&app, "[data-test=cancel-pending]", |t| t.contains("联网后")).await;
    screenshot(&env, &app, "outbox-cancel-pending-zh-desktop").await;
    resize(&app, 390, 844).await;

    // The list marks the order too.
    click(&app, "[data-test=nav-orders]").await;
    wait_for_text(
        &app,
        &format!("[data-test=order-card][data-id='{id}'] [data-test=order-card-cancelling]"),
        |t| t == "待取消",
    )
    .await;
    screenshot(&env, &app, "outbox-orders-cancelling-zh-phone").await;

    // On Me, what waits: the cancellation, and two travellers added offline, shown at
    // once as not yet saved. The second is someone already saved: the platform will say no.
    click(&app, "[data-test=nav-me]").await;
    wait_for_text(
        &app,
        "[data-test=outbox-write][data-kind=cancel_order]",
        |t| t.contains(&format!("订单 {id}")),
    )
    .await;
    add_traveller(&app, "吴八", &resident_id("11010519900101003")).await;
    wait_for_text(&app, "[data-test=traveller][data-saved=false]", |t| {
        t.contains("吴八") && t.contains("待同步")
    })
    .await;
    add_traveller(&app, "周七", &resident_id(FIRST_ID)).await;
    wait_for_text(&app, "[data-test=traveller][data-saved=false]", |t| {
        t.contains("周七")
    })
    .await;
    wait_for_text(
        &app,
        "[data-test=outbox-write][data-kind=add_traveller]",
        |t| t.contains("周七"),
    )
    .await;
    assert_eq!(texts(&app, "[data-test=outbox-write]").await.len(), 3);
    // Sent oldest first: the cancellation was tried, the travellers wait behind it.
    let tries = texts(&app, "[data-test=outbox-tries]").await;
    assert!(tries[0].starts_with("已尝试"), "{tries:?}");
    assert_eq!(&tries[1..], ["尚未发送", "尚未发送"], "{tries:?}");
    wait_for_text(&app, "[data-test=outbox-last-error]", |t| {
        t.contains("无法连接平台")
    })
    .await;
    scroll_to(&app, "[data-test=account]").await;
    screenshot(&env, &app, "outbox-me-waiting-zh-phone").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=outbox]", |t| {
        t.contains("Waiting to send")
    })
    .await;
    resize(&app, 1280, 800).await;
    scroll_to(&app, "[data-test=account]").await;
    screenshot(&env, &app, "outbox-me-waiting-en-desktop").await;
    click(&app, "[data-test=lang-zh]").await;
    resize(&app, 390, 844).await;

    // Back on the order, the platform returns where the app expects it: the app's own
    // sync sends the cancellation, and the page clears its waiting state by itself.
    open_order(&app, id).await;
    wait_for_text(&app, "[data-test=cancel-pending]", |t| t.contains("联网后")).await;
    let platform = Platform::restart(&env, &db, &url).await;
    wait_for_attr(
        &app,
        "[data-test=order] [data-test=order-state]",
        "data-state",
        "cancelled",
    )
    .await;
    wait_gone(&app, "[data-test=cancel-pending]").await;
    assert!(texts(&app, "[data-test=cancel-order]").await.is_empty());
    let refunded = wait_for_text(&app, "[data-test=order-refunded]", |t| t.starts_with('¥'))
        .await
        .text()
        .await
        .unwrap();
    wait_for_text(&app, "[data-test=order-problem]", |t| t.contains("已取消")).await;
    screenshot(&env, &app, "outbox-order-cancelled-zh-phone").await;
    resize(&app, 1280, 800).await;
    screenshot(&env, &app, "outbox-order-cancelled-zh-desktop").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=order] [data-test=order-state]", |t| {
        t == "Cancelled"
    })
    .await;
    screenshot(&env, &app, "outbox-order-cancelled-en-desktop").await;
    resize(&app, 390, 844).await;
    screenshot(&env, &app, "outbox-order-cancelled-en-phone").await;
    click(&app, "[data-test=lang-zh]").await;

    // On Me, the new traveller is saved; the one already saved is refused, said in the
    // tourist's language, until dismissed.
    click(&app, "[data-test=nav-me]").await;
    wait_for_text(&app, "[data-test=traveller][data-saved=true]", |t| {
        t.contains("吴八")
    })
    .await;
    let refusal = wait_for_text(
        &app,
        "[data-test=write-refused][data-kind=add_traveller]",
        |t| t.contains("已在常用旅客中"),
    )
    .await;
    let refusal = refusal.text().await.unwrap();
    assert!(
        refusal.contains("旅客没有保存") && refusal.contains("周七"),
        "{refusal}"
    );
    assert!(
        texts(&app, "[data-test=traveller-unsaved]")
            .await
            .is_empty()
    );
    assert!(texts(&app, "[data-test=outbox-write]").await.is_empty());
    scroll_to(&app, "[data-test=account]").await;
    screenshot(&env, &app, "outbox-me-refused-zh-phone").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=write-refused]", |t| {
        t.contains("already saved")
    })
    .await;
    screenshot(&env, &app, "outbox-me-refused-en-phone").await;
    click(&app, "[data-test=lang-zh]").await;
    click(&app, "[data-test=outbox-dismiss]").await;
    wait_gone(&app, "[data-test=outbox]").await;

    // On the platform: cancelled, refunded once, by what the app shows.
    let client = PlatformClient::new(&platform.url).unwrap();
    let session = platform_session(&client).await;
    let order = client.order(&session.token, id).await.unwrap();
    assert_eq!(order.state, OrderState::Cancelled);
    // A week ahead every rule still refunds in full; refunded twice would be more.
    assert_eq!(order.payment.refunded, order.payment.amount, "{order:?}");
    let by_sub_order: i64 = order.sub_orders.iter().map(|s| s.refunded.0).sum();
    assert_eq!(by_sub_order, order.payment.refunded.0, "{order:?}");
    assert_eq!(refunded, order.payment.refunded.display_yuan());
    let orders = client.orders(&session.token).await.unwrap();
    assert_eq!(orders.len(), 1, "one order: {orders:?}");
    let travellers = client.travellers(&session.token).await.unwrap();
    let names: Vec<&str> = travellers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names.iter().filter(|n| **n == "吴八").count(),
        1,
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| **n == "周七").count(),
        1,
        "{names:?}"
    );
    app.close().await.unwrap();
}

#[tokio::test]
async fn an_order_cancelled_online_shows_the_platforms_refund_at_once() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let (platform, app) = ready_to_book(&env, dir.path(), "郑九").await;
    // Tomorrow (the form's default): depending on the hour, a late cancellation refunds
    // only part; whatever the rules give, the page shows the platform's figure.
    click(&app, "[data-test=add-on][data-id=yungu] input").await;
    click(&app, "[data-test=pay-wallet]").await;
    let id = pay(&app).await;

    click(&app, "[data-test=lang-en]").await;
    click(&app, "[data-test=cancel-order]").await;
    wait_for_text(&app, "[data-test=refund-rule-name]", |t| {
        t.contains("Tickets and rentals")
    })
    .await;
    // Keeping the order puts the button back.
    click(&app, "[data-test=cancel-keep]").await;
    wait_gone(&app, "[data-test=cancel-ask]").await;
    click(&app, "[data-test=cancel-order]").await;
    click(&app, "[data-test=cancel-confirm]").await;
    wait_for_attr(
        &app,
        "[data-test=order] [data-test=order-state]",
        "data-state",
        "cancelled",
    )
    .await;
    assert!(texts(&app, "[data-test=cancel-pending]").await.is_empty());
    assert!(texts(&app, "[data-test=cancel-order]").await.is_empty());
    let refunded = wait_for_text(&app, "[data-test=order-refunded]", |t| t.starts_with('¥'))
        .await
        .text()
        .await
        .unwrap();
    click(&app, "[data-test=nav-me]").await;
    wait_for_text(&app, "[data-test=account-mobile]", |t| !t.is_empty()).await;
    assert!(
        texts(&app, "[data-test=outbox]").await.is_empty(),
        "nothing waits once the platform took it"
    );

    let client = PlatformClient::new(&platform.url).unwrap();
    let session = platform_session(&client).await;
    let order = client.order(&session.token, id).await.unwrap();
    assert_eq!(order.state, OrderState::Cancelled);
    assert_eq!(refunded, order.payment.refunded.display_yuan());
    assert!(order.payment.refunded <= order.payment.amount, "{order:?}");
    app.close().await.unwrap();
}
