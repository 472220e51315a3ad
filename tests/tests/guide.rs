//! The guide in the real app window: the pack downloaded with its progress shown, then the
//! platform stopped; at a viewpoint the panorama labels 天都峰 left of 莲花峰, a drag and
//! the arrow keys turn it, a label opens its card, and the walk to 北海宾馆 shows on the
//! map with its time — all from the pack on the device.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use fantoccini::Client;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::key::Key;
use tongyou_e2e::{
    Env, Platform, click, open_app_with, resize, screenshot, wait_for_attr, wait_for_text,
};

use crate::booking::find;

/// From 散花坞 the panorama opens facing south-south-west: 天都峰 almost straight ahead,
/// 莲花峰 about 24° to its right.
const VIEWPOINT: &str = "sanhuawu-lookout";

/// A label's anchor on screen, from its `data-x`.
async fn label_x(app: &Client, poi: &str) -> f64 {
    let css = format!("[data-test=label][data-poi={poi}]");
    let label = wait_for_attr_present(app, &css, "data-x").await;
    label.parse().unwrap()
}

/// Waits for `css` to carry `attr`, and returns its value.
async fn wait_for_attr_present(app: &Client, css: &str, attr: &str) -> String {
    let element = wait_for_text(app, css, |_| true).await;
    element
        .attr(attr)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{css} has no {attr}"))
}

async fn heading(app: &Client) -> i64 {
    find(app, "[data-test=panorama]")
        .await
        .attr("data-heading")
        .await
        .unwrap()
        .expect("the panorama says its heading")
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_guide_works_offline_from_its_pack() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let platform = Platform::start(&env, &dir.path().join("platform.db")).await;
    // Mid-morning in the region (10:00, UTC+8) tomorrow, whatever the hour the test runs:
    // the sights keep hours, and the card says how busy an open one is.
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    let clock = format!("{tomorrow}T02:00:00Z");
    let app = open_app_with(
        &env,
        &platform.url,
        &dir.path().join("device"),
        &["--dev-clock", &clock],
    )
    .await;
    resize(&app, 390, 844).await;
    wait_for_attr(&app, "[data-test=net-badge]", "data-state", "online").await;

    // The pack: its size said first, then downloaded with the progress shown.
    click(&app, "[data-test=open-guide]").await;
    wait_for_text(&app, "[data-test=guide-size]", |t| t.contains("KB")).await;
    screenshot(&env, &app, "guide-download-zh-phone").await;
    click(&app, "[data-test=guide-get]").await;
    let progress = wait_for_attr(&app, "[data-test=guide-progress]", "data-state", "done").await;
    let (value, max) = (
        progress.attr("value").await.unwrap().unwrap(),
        progress.attr("max").await.unwrap().unwrap(),
    );
    assert_eq!(value, max, "the bar ends full");
    wait_for_text(&app, "[data-test=guide-held]", |t| !t.is_empty()).await;

    // No network from here on.
    platform.stop();
    wait_for_attr(&app, "[data-test=net-badge]", "data-state", "offline").await;

    // The panorama at a viewpoint: 天都峰 left of 莲花峰.
    click(&app, "[data-test=guide-mode-panorama]").await;
    find(&app, "[data-test=guide-viewpoint]")
        .await
        .select_by_value(VIEWPOINT)
        .await
        .unwrap();
    let tiandu = label_x(&app, "celestial-capital-peak").await;
    let lotus = label_x(&app, "lotus-peak").await;
    assert!(tiandu < lotus, "天都峰 at {tiandu}, 莲花峰 at {lotus}");
    find(&app, "[data-test=compass]").await;
    screenshot(&env, &app, "guide-panorama-zh-phone").await;

    // Dragging to the right turns to the left, as a panorama does; the keys turn too.
    let before = heading(&app).await;
    let panorama = find(&app, "[data-test=panorama]").await;
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: panorama.clone(),
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(300)),
            x: 120.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    app.perform_actions(drag).await.unwrap();
    let dragged = heading(&app).await;
    let turned = (before - dragged).rem_euclid(360);
    assert!(
        (1..180).contains(&turned),
        "dragged right, turned left: {before}° → {dragged}°"
    );
    panorama.send_keys(&Key::Right.to_string()).await.unwrap();
    let keyed = heading(&app).await;
    assert_eq!((keyed - dragged).rem_euclid(360), 5, "→ turns 5° right");

    // Back round with the button (the drag took 莲花峰 out of a phone's view), and a
    // label opens its card.
    click(&app, "[data-test=turn-right]").await;
    let back = heading(&app).await;
    assert_eq!(
        (back - keyed).rem_euclid(360),
        15,
        "the button turns 15° right"
    );
    click(&app, "[data-test=label][data-poi=lotus-peak]").await;
    wait_for_text(&app, "[data-test=poi-card] [data-test=poi-name]", |t| {
        t == "莲花峰"
    })
    .await;
    wait_for_text(&app, "[data-test=poi-elevation]", |t| t.contains("1864")).await;
    wait_for_text(&app, "[data-test=poi-distance]", |t| {
        t.contains("公里") || t.contains('米')
    })
    .await;
    wait_for_text(&app, "[data-test=poi-guide]", |t| !t.is_empty()).await;
    // How busy it is this hour: with no network, the device's own estimate, said so.
    wait_for_text(&app, "[data-test=poi-crowd]", |t| {
        t.contains("现在人流") && t.contains("离线估计")
    })
    .await;
    screenshot(&env, &app, "guide-card-zh-phone").await;
    click(&app, "[data-test=poi-close]").await;

    // The walk to 北海宾馆 on the map, with its length, climb and time.
    click(&app, "[data-test=guide-mode-map]").await;
    find(&app, "[data-test=map] [data-test=map-here]").await;
    find(&app, "[data-test=route-to]")
        .await
        .select_by_value("beihai-hotel")
        .await
        .unwrap();
    find(&app, "[data-test=map] [data-test=route-line]").await;
    let summary = wait_for_text(&app, "[data-test=route-summary]", |t| t.contains("分钟"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains("公里") || summary.contains('米'),
        "{summary}"
    );
    let steps = crate::booking::find(&app, "[data-test=route-step]").await;
    assert!(!steps.text().await.unwrap().is_empty());
    screenshot(&env, &app, "guide-map-route-zh-phone").await;

    // Seniors take longer on the same walk.
    let minutes = |s: &str| -> u32 {
        s.split(|c: char| !c.is_ascii_digit())
            .rfind(|n| !n.is_empty())
            .unwrap()
            .parse()
            .unwrap()
    };
    find(&app, "[data-test=walker]")
        .await
        .select_by_value("senior")
        .await
        .unwrap();
    let slower = wait_for_text(&app, "[data-test=route-summary]", |t| {
        minutes(t) > minutes(&summary)
    })
    .await;
    assert!(!slower.text().await.unwrap().is_empty());

    // English, on a desktop window: the map with the route, then the panorama and a card.
    click(&app, "[data-test=lang-en]").await;
    resize(&app, 1280, 800).await;
    wait_for_text(&app, "[data-test=route-summary]", |t| t.contains("min")).await;
    screenshot(&env, &app, "guide-map-route-en-desktop").await;
    click(&app, "[data-test=guide-mode-panorama]").await;
    click(&app, "[data-test=label][data-poi=celestial-capital-peak]").await;
    wait_for_text(&app, "[data-test=poi-card] [data-test=poi-name]", |t| {
        t == "Celestial Capital Peak"
    })
    .await;
    screenshot(&env, &app, "guide-panorama-card-en-desktop").await;
    click(&app, "[data-test=route-here]").await;
    find(&app, "[data-test=map] [data-test=route-line]").await;
    wait_for_text(&app, "[data-test=route-summary]", |t| t.contains("min")).await;
    click(&app, "[data-test=lang-zh]").await;
    click(&app, "[data-test=guide-mode-panorama]").await;
    find(&app, "[data-test=label][data-poi=lotus-peak]").await;
    screenshot(&env, &app, "guide-panorama-zh-desktop").await;
    click(&app, "[data-test=lang-en]").await;
    resize(&app, 390, 844).await;
    find(&app, "[data-test=label]").await;
    screenshot(&env, &app, "guide-panorama-en-phone").await;

    app.close().await.unwrap();
}
