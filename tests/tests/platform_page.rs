//! The platform's status page in a normal browser (Chromium), as an operator sees it.

use fantoccini::Locator;
use tongyou_e2e::{Env, Platform, open_browser, screenshot, wait_for_text};

#[tokio::test]
async fn the_status_page_lists_the_served_regions() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let platform = Platform::start(&env, &dir.path().join("platform.db")).await;
    let browser = open_browser(&env, &dir.path().join("chromium-profile")).await;
    browser.goto(&platform.url).await.unwrap();
    let region = wait_for_text(&browser, "[data-region=huangshan]", |t| {
        t.contains("黄山风景区")
    })
    .await;
    let text = region.text().await.unwrap();
    assert!(
        text.contains("Mount Huangshan") && text.contains("演示数据"),
        "{text}"
    );
    let link = browser
        .find(Locator::LinkText("/api/v1/openapi.json"))
        .await
        .unwrap();
    link.click().await.unwrap();
    let body = wait_for_text(&browser, "body", |t| t.contains("\"openapi\"")).await;
    assert!(
        body.text()
            .await
            .unwrap()
            .contains("/api/v1/regions/{id}/catalog")
    );
    browser.back().await.unwrap();
    wait_for_text(&browser, "[data-region=huangshan]", |t| {
        t.contains("黄山风景区")
    })
    .await;
    screenshot(&env, &browser, "platform-status-page").await;
    browser.close().await.unwrap();
}
