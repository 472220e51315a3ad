//! Sign-in, saved travellers and combo booking, as a tourist does them in the app window.

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::{Client, Locator};
use tongyou_client::PlatformClient;
use tongyou_core::api::{Fault, FaultStep, FaultTarget};
use tongyou_core::testing::resident_id;
use tongyou_e2e::{
    Env, Platform, click, open_app, resize, screenshot, scroll_to, texts, wait_for_attr,
    wait_for_text,
};

pub(crate) const MOBILE: &str = "13800138000";

/// The same number with a wrong check digit.
fn with_wrong_check_digit(id: &str) -> String {
    let (body, check) = id.split_at(17);
    let wrong = if check == "0" { "1" } else { "0" };
    format!("{body}{wrong}")
}

/// The first element matching `css`, waiting for it: a screen fills in what it reads
/// from the shell a moment after it appears.
pub(crate) async fn find(app: &Client, css: &str) -> fantoccini::elements::Element {
    wait_for_text(app, css, |_| true).await
}

/// What a field holds now.
pub(crate) async fn value_of(app: &Client, css: &str) -> String {
    find(app, css)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

pub(crate) async fn type_into(app: &Client, css: &str, text: &str) {
    let input = find(app, css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Signs in on the Me tab with the code the dev platform hands out.
pub(crate) async fn sign_in(app: &Client, platform: &Platform) {
    click(app, "[data-test=nav-me]").await;
    type_into(app, "[data-test=mobile]", MOBILE).await;
    click(app, "[data-test=send-code]").await;
    wait_for_text(app, "[data-test=code-sent]", |t| t.contains("138****8000")).await;
    let code = PlatformClient::new(&platform.url)
        .unwrap()
        .dev_sign_in_code(MOBILE)
        .await
        .unwrap();
    type_into(app, "[data-test=code]", &code).await;
    click(app, "[data-test=sign-in]").await;
    wait_for_text(app, "[data-test=account-mobile]", |t| t == "138****8000").await;
}

pub(crate) async fn add_traveller(app: &Client, name: &str, id_number: &str) {
    type_into(app, "[data-test=traveller-name-input]", name).await;
    type_into(app, "[data-test=traveller-id-number]", id_number).await;
    agree_to_the_privacy_notice(app).await;
    click(app, "[data-test=traveller-save]").await;
}

/// Ticks the privacy consent where the form asks for it (before the first saved
/// traveller); leaves it alone where it does not.
pub(crate) async fn agree_to_the_privacy_notice(app: &Client) {
    let boxes = app
        .find_all(Locator::Css("[data-test=privacy-consent]"))
        .await
        .unwrap();
    for consent in boxes {
        if consent.prop("checked").await.unwrap().as_deref() != Some("true") {
            consent.click().await.unwrap();
        }
    }
}

/// Waits for the order page of a confirmed order whose scenic, hotel and transport
/// sub-orders are each confirmed.
pub(crate) async fn see_a_confirmed_combo(app: &Client) {
    wait_for_attr(
        app,
        "[data-test=order] [data-test=order-state]",
        "data-state",
        "confirmed",
    )
    .await;
    for provider in ["scenic", "hotel", "transport"] {
        let sub = find(
            app,
            &format!("[data-test=sub-order][data-provider={provider}]"),
        )
        .await;
        assert_eq!(
            sub.attr("data-state").await.unwrap().as_deref(),
            Some("confirmed"),
            "{provider}"
        );
    }
}

/// A fresh platform and device, the app at phone size and online.
pub(crate) async fn online_phone(env: &Env, dir: &std::path::Path) -> (Platform, Client) {
    let platform = Platform::start(env, &dir.join("platform.db")).await;
    let app = open_app(env, &platform.url, &dir.join("device")).await;
    resize(&app, 390, 844).await;
    wait_for_attr(&app, "[data-test=net-badge]", "data-state", "online").await;
    (platform, app)
}

/// A fresh platform and device, signed in with one saved traveller, on the Book screen
/// with that traveller chosen.
pub(crate) async fn ready_to_book(
    env: &Env,
    dir: &std::path::Path,
    name: &str,
) -> (Platform, Client) {
    let (platform, app) = online_phone(env, dir).await;
    sign_in(&app, &platform).await;
    add_traveller(&app, name, &resident_id("34100319850612002")).await;
    wait_for_text(&app, "[data-test=traveller]", |t| t.contains(name)).await;
    click(&app, "[data-test=nav-book]").await;
    wait_for_text(&app, "[data-test=party-member]", |t| t.contains(name)).await;
    click(&app, "[data-test=party-member] [data-test=party-pick]").await;
    (platform, app)
}

/// On the Book screen: entry ticket + Yungu cable car + a Tangkou hotel near the gate + the
/// 08:00 shuttle, paid from the wallet.
pub(crate) async fn pick_tangkou_combo(app: &Client) {
    click(app, "[data-test=add-on][data-id=yungu] input").await;
    click(app, "[data-test=hotel-on]").await;
    find(app, "[data-test=hotel-select]")
        .await
        .select_by_value("tangkou-shanshui-hotel")
        .await
        .unwrap();
    click(app, "[data-test=add-shuttle]").await;
    find(app, "[data-test=shuttle-departure]")
        .await
        .select_by_value("08:00")
        .await
        .unwrap();
    click(app, "[data-test=pay-wallet]").await;
}

/// Books the Tangkou combo from the Book screen, paid from the wallet, and waits until the
/// order shows confirmed.
pub(crate) async fn book_tangkou_combo(app: &Client) {
    pick_tangkou_combo(app).await;
    wait_for_text(app, "[data-test=quote-total]", |t| t.starts_with('¥')).await;
    click(app, "[data-test=pay]").await;
    see_a_confirmed_combo(app).await;
}

#[tokio::test]
async fn sign_in_and_a_bad_id_number_keeps_the_form() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let (platform, app) = online_phone(&env, dir.path()).await;

    // A number that is not a mobile number: a clear message, and the number stays.
    click(&app, "[data-test=nav-me]").await;
    type_into(&app, "[data-test=mobile]", "12345").await;
    click(&app, "[data-test=send-code]").await;
    wait_for_text(&app, "[data-test=field-error][data-field=mobile]", |t| {
        t.contains("手机")
    })
    .await;
    assert_eq!(value_of(&app, "[data-test=mobile]").await, "12345");
    screenshot(&env, &app, "sign-in-bad-mobile-zh-phone").await;

    sign_in(&app, &platform).await;

    // The first saved traveller asks for the privacy notice to be agreed to: saving
    // without it says so next to the box and keeps what was typed.
    let good = resident_id("34010219900307123");
    type_into(&app, "[data-test=traveller-name-input]", "张三").await;
    type_into(&app, "[data-test=traveller-id-number]", &good).await;
    click(&app, "[data-test=traveller-save]").await;
    wait_for_text(&app, "[data-test=field-error][data-field=consent]", |t| {
        t.contains("隐私声明")
    })
    .await;
    assert_eq!(
        value_of(&app, "[data-test=traveller-id-number]").await,
        good
    );
    click(&app, "[data-test=privacy] summary").await;
    wait_for_text(&app, "[data-test=privacy-notice]", |t| {
        t.contains("敏感个人信息")
    })
    .await;
    scroll_to(&app, "[data-test=privacy]").await;
    screenshot(&env, &app, "traveller-privacy-consent-zh-phone").await;
    resize(&app, 1280, 800).await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=privacy-notice]", |t| {
        t.contains("sensitive")
    })
    .await;
    scroll_to(&app, "[data-test=privacy]").await;
    screenshot(&env, &app, "traveller-privacy-consent-en-desktop").await;
    click(&app, "[data-test=lang-zh]").await;
    resize(&app, 390, 844).await;

    // A resident ID whose check digit is wrong: the platform's message at the field, in
    // Chinese, and everything typed is still there.
    let bad = with_wrong_check_digit(&good);
    add_traveller(&app, "张三", &bad).await;
    let error = wait_for_text(&app, "[data-test=field-error][data-field=id_number]", |t| {
        !t.is_empty()
    })
    .await;
    let zh = error.text().await.unwrap();
    assert!(zh.contains("校验"), "{zh}");
    assert_eq!(
        value_of(&app, "[data-test=traveller-name-input]").await,
        "张三"
    );
    assert_eq!(value_of(&app, "[data-test=traveller-id-number]").await, bad);
    scroll_to(&app, "[data-test=traveller-form]").await;
    screenshot(&env, &app, "traveller-bad-id-zh-phone").await;

    // The same message in English, still next to the field, the input still kept.
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=field-error][data-field=id_number]", |t| {
        t.contains("check")
    })
    .await;
    assert_eq!(value_of(&app, "[data-test=traveller-id-number]").await, bad);
    screenshot(&env, &app, "traveller-bad-id-en-phone").await;

    // Fixed: saved, listed with the number masked, the error gone.
    type_into(&app, "[data-test=traveller-id-number]", &good).await;
    click(&app, "[data-test=traveller-save]").await;
    let row = wait_for_text(&app, "[data-test=traveller]", |t| t.contains("张三")).await;
    let row = row.text().await.unwrap();
    assert!(row.contains('*') && !row.contains(&good), "{row}");
    assert!(
        texts(&app, "[data-test=field-error]").await.is_empty(),
        "the error must go once fixed"
    );
    app.close().await.unwrap();
}

#[tokio::test]
async fn book_a_combo_and_see_the_confirmed_order() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    // `_platform` keeps the platform process alive until the end of the test.
    let (_platform, app) = ready_to_book(&env, dir.path(), "李四").await;

    pick_tangkou_combo(&app).await;

    // The live price explains the linked offer: entry 10 % off and the shuttle free.
    wait_for_text(&app, "[data-test=quote-offer]", |t| t.contains("汤口")).await;
    let notes = texts(&app, "[data-test=quote-note]").await;
    assert!(
        notes.iter().any(|n| n.contains("班车免费")),
        "the free shuttle must be explained: {notes:?}"
    );
    wait_for_text(&app, "[data-test=quote-total]", |t| t.starts_with('¥')).await;
    wait_for_text(&app, "[data-test=quote-savings]", |t| t.contains('¥')).await;

    screenshot(&env, &app, "book-zh-phone").await;
    scroll_to(&app, "[data-test=quote]").await;
    screenshot(&env, &app, "book-zh-phone-price").await;
    resize(&app, 1280, 800).await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "book-zh-desktop").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=quote-offer]", |t| {
        t.contains("Stay near the gate")
    })
    .await;
    screenshot(&env, &app, "book-en-desktop").await;
    resize(&app, 390, 844).await;
    screenshot(&env, &app, "book-en-phone").await;

    // Pay: the order page shows it confirmed, each provider's sub-order, and the passes.
    click(&app, "[data-test=pay]").await;
    see_a_confirmed_combo(&app).await;
    let passes = texts(&app, "[data-test=pass]").await;
    assert!(
        passes.iter().any(|p| p.contains("Entry ticket")),
        "an entry pass: {passes:?}"
    );
    assert!(!texts(&app, "[data-test=pass-code]").await.is_empty());
    screenshot(&env, &app, "order-en-phone").await;
    scroll_to(&app, "[data-test=pass]").await;
    screenshot(&env, &app, "order-en-phone-passes").await;
    resize(&app, 1280, 800).await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "order-en-desktop").await;
    click(&app, "[data-test=lang-zh]").await;
    wait_for_text(&app, "[data-test=order] [data-test=order-state]", |t| {
        t == "已确认"
    })
    .await;
    screenshot(&env, &app, "order-zh-desktop").await;
    resize(&app, 390, 844).await;
    screenshot(&env, &app, "order-zh-phone").await;

    // The orders list, reachable from the navigation, has it too.
    click(&app, "[data-test=nav-orders]").await;
    wait_for_text(&app, "[data-test=order-card]", |t| t.contains("已确认")).await;

    // The order has its own address: Back from the list returns to it, and the address
    // opened afresh (as a link from a notification or a message would) shows it again.
    app.back().await.unwrap();
    wait_for_text(&app, "[data-test=order] [data-test=order-state]", |t| {
        t == "已确认"
    })
    .await;
    let address = app.current_url().await.unwrap();
    assert!(address.path().starts_with("/orders/"), "{address}");
    click(&app, "[data-test=nav-discover]").await;
    wait_for_attr(&app, "main", "data-tab", "discover").await;
    app.goto(address.as_str()).await.unwrap();
    wait_for_text(&app, "[data-test=order] [data-test=order-state]", |t| {
        t == "已确认"
    })
    .await;
    wait_for_attr(&app, "main", "data-tab", "orders").await;
    app.back().await.unwrap();
    wait_for_attr(&app, "main", "data-tab", "discover").await;
    app.close().await.unwrap();
}

#[tokio::test]
async fn a_declined_payment_keeps_the_form_and_the_cashier_takes_wechat_pay() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let (platform, app) = ready_to_book(&env, dir.path(), "王五").await;

    click(&app, "[data-test=add-on][data-id=audio-guide] input").await;
    let total = wait_for_text(&app, "[data-test=quote-total]", |t| t.starts_with('¥'))
        .await
        .text()
        .await
        .unwrap();

    // The wallet declines this once: the order fails, the screen says so and what to do,
    // and every choice is still there.
    let client = PlatformClient::new(&platform.url).unwrap();
    client
        .set_fault(Fault {
            target: FaultTarget::Payment,
            step: FaultStep::Charge,
        })
        .await
        .unwrap();
    click(&app, "[data-test=pay]").await;
    let outcome = wait_for_text(&app, "[data-test=book-outcome]", |t| t.contains("没有扣款"))
        .await
        .text()
        .await
        .unwrap();
    assert!(outcome.contains("选择都还在"), "{outcome}");
    let picked = find(&app, "[data-test=party-member] [data-test=party-pick]")
        .await
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(picked.as_deref(), Some("true"));
    let guide = find(&app, "[data-test=add-on][data-id=audio-guide] input")
        .await
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(guide.as_deref(), Some("true"));
    assert_eq!(
        find(&app, "[data-test=quote-total]")
            .await
            .text()
            .await
            .unwrap(),
        total
    );
    scroll_to(&app, "[data-test=book-outcome]").await;
    screenshot(&env, &app, "book-declined-zh-phone").await;

    // Pay again with WeChat Pay: the simulated cashier, clearly labelled, takes it.
    click(&app, "[data-test=pay-wechat]").await;
    click(&app, "[data-test=pay]").await;
    wait_for_attr(
        &app,
        "[data-test=order] [data-test=order-state]",
        "data-state",
        "awaiting_payment",
    )
    .await;
    wait_for_text(&app, "[data-test=cashier]", |t| t.contains("模拟收银台")).await;
    screenshot(&env, &app, "order-cashier-zh-phone").await;
    click(&app, "[data-test=cashier-pay]").await;
    wait_for_attr(
        &app,
        "[data-test=order] [data-test=order-state]",
        "data-state",
        "confirmed",
    )
    .await;
    assert!(texts(&app, "[data-test=cashier]").await.is_empty());
    assert!(!texts(&app, "[data-test=pass]").await.is_empty());
    app.close().await.unwrap();
}
