//! Discover: online in Chinese, switched to English, then offline after a restart.

use tongyou_e2e::{
    Env, Platform, click, open_app, resize, screenshot, scroll_to, texts, wait_for_attr,
    wait_for_text,
};

const SIGHT_NAMES: &str = "[data-test=sight] h3";

#[tokio::test]
async fn discover_online_in_both_languages_then_offline() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("device");
    let platform = Platform::start(&env, &dir.path().join("platform.db")).await;

    // First start, online: the catalog is synced and shown in Chinese.
    let app = open_app(&env, &platform.url, &device).await;
    resize(&app, 1280, 800).await;
    wait_for_text(&app, SIGHT_NAMES, |t| t == "光明顶").await;
    wait_for_attr(&app, "[data-test=net-badge]", "data-state", "online").await;
    let region = wait_for_text(&app, "[data-test=region-name]", |t| !t.is_empty()).await;
    assert_eq!(region.text().await.unwrap(), "黄山风景区");
    let names = texts(&app, SIGHT_NAMES).await;
    for sight in ["莲花峰", "天都峰", "迎客松", "飞来石"] {
        assert!(
            names.iter().any(|n| n == sight),
            "{sight} missing from {names:?}"
        );
    }
    let elevations = texts(&app, "[data-test=sight] [data-test=elevation]").await;
    assert!(
        elevations.iter().any(|e| e == "海拔 1860 米"),
        "{elevations:?}"
    );
    assert!(!texts(&app, "[data-test=lift] h3").await.is_empty());
    assert!(
        texts(&app, "[data-test=hotel] [data-test=lowest-price]")
            .await
            .iter()
            .all(|p| p.starts_with('¥'))
    );
    assert!(
        !texts(&app, "[data-test=shuttle] [data-test=next-departures]")
            .await
            .is_empty()
    );
    assert!(
        !texts(&app, "[data-test=demo-banner]").await.is_empty(),
        "demo data must say so"
    );
    screenshot(&env, &app, "discover-zh-desktop").await;
    scroll_to(&app, "#lifts").await;
    screenshot(&env, &app, "discover-zh-desktop-lifts-hotels").await;
    resize(&app, 390, 844).await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "discover-zh-phone").await;
    scroll_to(&app, "#shuttles").await;
    screenshot(&env, &app, "discover-zh-phone-shuttles").await;
    scroll_to(&app, "body").await;

    // Switch to English: names come from the same local data, no network needed.
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, SIGHT_NAMES, |t| t.contains("Bright Summit")).await;
    wait_for_text(&app, "[data-test=region-name]", |t| t.contains("Huangshan")).await;
    let badge = wait_for_attr(&app, "[data-test=net-badge]", "data-state", "online").await;
    assert_eq!(badge.text().await.unwrap().trim(), "Online");
    screenshot(&env, &app, "discover-en-phone").await;
    resize(&app, 1280, 800).await;
    screenshot(&env, &app, "discover-en-desktop").await;
    app.close().await.unwrap();

    // The platform goes away; the app restarts and still shows everything, marked offline,
    // in the language the tourist chose.
    platform.stop();
    let app = open_app(&env, "http://127.0.0.1:9", &device).await;
    resize(&app, 390, 844).await;
    wait_for_text(&app, SIGHT_NAMES, |t| t.contains("Bright Summit")).await;
    let badge = wait_for_attr(&app, "[data-test=net-badge]", "data-state", "offline").await;
    assert_eq!(badge.text().await.unwrap().trim(), "Offline");
    click(&app, "[data-test=lang-zh]").await;
    wait_for_text(&app, SIGHT_NAMES, |t| t == "光明顶").await;
    let badge = wait_for_attr(&app, "[data-test=net-badge]", "data-state", "offline").await;
    assert_eq!(badge.text().await.unwrap().trim(), "离线");
    screenshot(&env, &app, "discover-offline-zh-phone").await;
    resize(&app, 1280, 800).await;
    screenshot(&env, &app, "discover-offline-zh-desktop").await;
    app.close().await.unwrap();
}

#[tokio::test]
async fn first_start_without_network_explains_what_to_do() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    // Port 9 (discard) is never a platform: this device has never been online.
    let app = open_app(&env, "http://127.0.0.1:9", &dir.path().join("device")).await;
    resize(&app, 390, 844).await;
    wait_for_text(&app, "[data-test=no-data] h2", |t| t == "还没有离线数据").await;
    wait_for_attr(&app, "[data-test=net-badge]", "data-state", "offline").await;
    screenshot(&env, &app, "discover-first-start-offline-phone").await;
    app.close().await.unwrap();
}
