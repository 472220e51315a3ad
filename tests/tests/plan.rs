//! Trip planning as a family does it in the app window: three plans with their reasons
//! and timelines, a blocking constraint said next to the form with everything kept, the
//! plans kept while signing in, one plan booked through to the confirmed order, and plans
//! made on the device once the platform is gone.

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::{Client, Locator};
use tongyou_core::testing::resident_id;
use tongyou_e2e::{
    Env, click, pick_date, resize, screenshot, scroll_to, texts, wait_for_attr, wait_for_text,
    wait_gone,
};

use crate::booking::{
    add_traveller, find, online_phone, see_a_confirmed_combo, sign_in, type_into, value_of,
};

const KINDS: [&str; 3] = ["budget", "balanced", "comfort"];

async fn count(app: &Client, css: &str) -> usize {
    app.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Clicks the last element matching `css`, first scrolled to the middle of the window so
/// the phone's fixed bars cannot be in the way.
async fn click_last(app: &Client, css: &str) {
    let script = "const all = document.querySelectorAll(arguments[0]); \
                  if (all.length) all[all.length - 1].scrollIntoView({block: 'center'});";
    app.execute(script, vec![serde_json::json!(css)])
        .await
        .unwrap();
    let all = app.find_all(Locator::Css(css)).await.unwrap();
    all.last()
        .unwrap_or_else(|| panic!("no `{css}`"))
        .click()
        .await
        .unwrap();
}

/// Sets the first day to a week after the region's today (the date field's minimum), as
/// a date picker would, and returns it.
async fn start_a_week_ahead(app: &Client) -> String {
    pick_date(app, "[data-test=plan-start]", 7).await
}

/// Makes plans and waits for the three cards of a fresh answer.
async fn make_plans(app: &Client, live: bool) {
    click(app, "[data-test=plan-make]").await;
    wait_for_attr(
        app,
        "[data-test=plan-results]",
        "data-live",
        &live.to_string(),
    )
    .await;
    wait_for_text(app, "[data-test=plan-make]", |t| {
        t == "生成方案" || t == "Make plans"
    })
    .await;
}

#[tokio::test]
async fn a_family_plans_a_trip_and_books_one_plan() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let (platform, app) = online_phone(&env, dir.path()).await;

    // A family: two adults and a child of nine, two days from a week ahead.
    click(&app, "[data-test=nav-plan]").await;
    wait_for_text(&app, "[data-test=plan] h1", |t| t == "出行规划").await;
    let start = start_a_week_ahead(&app).await;
    click(&app, "[data-test=plan-days][data-id='2']").await;
    assert_eq!(
        find(&app, "[data-test=plan-adults] [data-test=count]")
            .await
            .text()
            .await
            .unwrap(),
        "2"
    );
    click(&app, "[data-test=plan-add-child]").await;
    click(&app, "[data-test=plan-add-child]").await;
    assert_eq!(count(&app, "[data-test=plan-child]").await, 2);
    click_last(&app, "[data-test=plan-child-remove]").await;
    assert_eq!(count(&app, "[data-test=plan-child]").await, 1);
    find(&app, "[data-test=plan-child-age]")
        .await
        .select_by_value("9")
        .await
        .unwrap();
    click(&app, "[data-test=plan-profile][data-id=family]").await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "plan-form-zh-phone").await;

    // A budget no plan fits: the blocking constraint beside the form, all input kept.
    type_into(&app, "[data-test=plan-budget]", "50").await;
    click(&app, "[data-test=plan-make]").await;
    let blocked = wait_for_attr(
        &app,
        "[data-test=plan-blocked]",
        "data-constraint",
        "budget",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(blocked.contains("¥50"), "{blocked}");
    assert_eq!(value_of(&app, "[data-test=plan-budget]").await, "50");
    assert_eq!(value_of(&app, "[data-test=plan-child-age]").await, "9");
    assert_eq!(value_of(&app, "[data-test=plan-start]").await, start);
    scroll_to(&app, "[data-test=plan-budget]").await;
    screenshot(&env, &app, "plan-blocked-zh-phone").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=plan-blocked]", |t| {
        t.contains("budget of ¥50")
    })
    .await;
    click(&app, "[data-test=lang-zh]").await;

    // Without a budget: three plans, each with its reasons and a timed day by day.
    find(&app, "[data-test=plan-budget]")
        .await
        .clear()
        .await
        .unwrap();
    make_plans(&app, true).await;
    assert!(texts(&app, "[data-test=plan-blocked]").await.is_empty());
    assert_eq!(count(&app, "[data-test=plan-card]").await, 3);
    for kind in KINDS {
        let card = format!("[data-test=plan-card][data-kind={kind}]");
        let reasons = texts(&app, &format!("{card} [data-test=plan-reason]")).await;
        assert!(
            !reasons.is_empty() && reasons.iter().all(|r| !r.is_empty()),
            "{kind}: {reasons:?}"
        );
        assert_eq!(
            count(&app, &format!("{card} [data-test=plan-day]")).await,
            2,
            "{kind}"
        );
        assert!(
            count(
                &app,
                &format!("{card} [data-test=plan-step][data-kind=visit]")
            )
            .await
                > 3
        );
        assert!(count(&app, &format!("{card} [data-test=step-crowd][data-level]")).await > 3);
        let total = find(&app, &format!("{card} [data-test=plan-total]"))
            .await
            .text()
            .await
            .unwrap();
        assert!(total.starts_with('¥'), "{kind}: {total}");
    }
    screenshot(&env, &app, "plan-zh-phone").await;
    scroll_to(&app, "[data-test=plan-card][data-kind=balanced]").await;
    screenshot(&env, &app, "plan-zh-phone-second").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=plan-card] [data-test=plan-title]", |t| {
        t == "Budget"
    })
    .await;
    scroll_to(&app, "[data-test=plan-results]").await;
    screenshot(&env, &app, "plan-en-phone").await;
    resize(&app, 1280, 800).await;
    scroll_to(&app, "[data-test=plan-results]").await;
    screenshot(&env, &app, "plan-en-desktop").await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "plan-form-en-desktop").await;
    click(&app, "[data-test=lang-zh]").await;
    wait_for_text(&app, "[data-test=plan-card] [data-test=plan-title]", |t| {
        t.contains("经济")
    })
    .await;
    scroll_to(&app, "[data-test=plan-results]").await;
    screenshot(&env, &app, "plan-zh-desktop").await;

    // Open the off-peak plan while signed out: sign in first, and the plans stay.
    click(
        &app,
        "[data-test=plan-card][data-kind=balanced] [data-test=plan-open]",
    )
    .await;
    wait_for_attr(&app, "[data-test=plan-detail]", "data-kind", "balanced").await;
    // The open plan has an address with its trip in it: Back shows the three plans,
    // Forward the plan again, and the address opened afresh (a link in a message, the
    // page reloaded) makes the plans again and opens the same one.
    let address = app.current_url().await.unwrap();
    assert_eq!(address.path(), "/plan/balanced");
    assert!(
        address.query().is_some_and(|q| q.contains("adults=")),
        "{address}"
    );
    app.back().await.unwrap();
    wait_gone(&app, "[data-test=plan-detail]").await;
    assert_eq!(count(&app, "[data-test=plan-card]").await, 3);
    app.forward().await.unwrap();
    wait_for_attr(&app, "[data-test=plan-detail]", "data-kind", "balanced").await;
    click(&app, "[data-test=nav-discover]").await;
    wait_for_attr(&app, "main", "data-tab", "discover").await;
    app.goto(address.as_str()).await.unwrap();
    wait_for_attr(&app, "[data-test=plan-detail]", "data-kind", "balanced").await;
    wait_for_text(&app, "[data-test=plan-sign-in-first]", |t| {
        t.contains("登录")
    })
    .await;
    screenshot(&env, &app, "plan-open-zh-desktop").await;
    resize(&app, 390, 844).await;
    screenshot(&env, &app, "plan-open-zh-phone").await;
    click(&app, "[data-test=plan-sign-in]").await;
    sign_in(&app, &platform).await;
    let family = [
        ("张伟", resident_id("34100319850612002")),
        ("李娜", resident_id("34010219880412002")),
        ("张小宝", resident_id("34010220170315123")),
    ];
    for (n, (name, id_number)) in family.iter().enumerate() {
        add_traveller(&app, name, id_number).await;
        wait_for_text(&app, "[data-test=traveller]", |t| t.contains(name)).await;
        assert_eq!(count(&app, "[data-test=traveller]").await, n + 1);
    }
    click(&app, "[data-test=nav-plan]").await;
    wait_for_attr(&app, "[data-test=plan-detail]", "data-kind", "balanced").await;
    wait_for_text(&app, "[data-test=plan-traveller]", |t| t.contains("张小宝")).await;
    assert_eq!(
        count(&app, "[data-test=plan-traveller-pick]:checked").await,
        3
    );
    assert!(
        texts(&app, "[data-test=plan-party-mismatch]")
            .await
            .is_empty()
    );

    // Two ticked for a plan made for three: said plainly.
    click_last(&app, "[data-test=plan-traveller-pick]").await;
    let mismatch = wait_for_text(&app, "[data-test=plan-party-mismatch]", |t| !t.is_empty())
        .await
        .text()
        .await
        .unwrap();
    assert!(
        mismatch.contains('2') && mismatch.contains('3'),
        "{mismatch}"
    );
    scroll_to(&app, "[data-test=plan-book-panel]").await;
    screenshot(&env, &app, "plan-book-mismatch-zh-phone").await;
    click_last(&app, "[data-test=plan-traveller-pick]").await;
    assert!(
        texts(&app, "[data-test=plan-party-mismatch]")
            .await
            .is_empty()
    );
    click(&app, "[data-test=lang-en]").await;
    scroll_to(&app, "[data-test=plan-book-panel]").await;
    screenshot(&env, &app, "plan-book-en-phone").await;
    resize(&app, 1280, 800).await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "plan-book-en-desktop").await;
    click(&app, "[data-test=lang-zh]").await;
    resize(&app, 390, 844).await;

    // Book it in one tap (wallet): the order page shows it confirmed.
    click(&app, "[data-test=pay-wallet]").await;
    click(&app, "[data-test=plan-book]").await;
    see_a_confirmed_combo(&app).await;
    screenshot(&env, &app, "plan-order-zh-phone").await;

    // The platform gone: plans made on the device, and the screen says what was not checked.
    platform.stop();
    click(&app, "[data-test=nav-plan]").await;
    click(&app, "[data-test=plan-back]").await;
    make_plans(&app, false).await;
    wait_for_text(&app, "[data-test=plan-offline]", |t| {
        t.contains("未核对余票和空房")
    })
    .await;
    assert_eq!(count(&app, "[data-test=plan-card]").await, 3);
    wait_for_attr(&app, "[data-test=net-badge]", "data-state", "offline").await;
    scroll_to(&app, "[data-test=plan-results]").await;
    screenshot(&env, &app, "plan-offline-zh-phone").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=plan-offline]", |t| {
        t.contains("places and rooms not checked")
    })
    .await;
    app.close().await.unwrap();
}
