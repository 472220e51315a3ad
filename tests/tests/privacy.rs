//! The tourist's own data in the app: the privacy notice agreed to with the first saved
//! traveller, an export of what the platform holds, and deleting the account.

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tongyou_client::PlatformClient;
use tongyou_core::testing::resident_id;
use tongyou_e2e::{Env, click, resize, screenshot, scroll_to, wait_for_text};

use crate::booking::{MOBILE, add_traveller, online_phone, sign_in};

#[tokio::test]
async fn a_tourist_exports_their_data_and_deletes_the_account() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let (platform, app) = online_phone(&env, dir.path()).await;
    sign_in(&app, &platform).await;
    let id_number = resident_id("32050319880315002");
    add_traveller(&app, "钱六", &id_number).await;
    wait_for_text(&app, "[data-test=traveller]", |t| t.contains("钱六")).await;

    click(&app, "[data-test=export-data]").await;
    wait_for_text(&app, "[data-test=export-summary]", |t| {
        t.contains("138****8000") && t.contains("常用旅客 1 位")
    })
    .await;
    let json = wait_for_text(&app, "[data-test=export-json]", |t| t.contains("钱六"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !json.contains(&id_number),
        "the export shows ID numbers masked"
    );
    assert!(!json.contains(MOBILE), "and the mobile number masked");
    scroll_to(&app, "[data-test=my-data]").await;
    screenshot(&env, &app, "my-data-export-zh-phone").await;
    // The same card in English on a desktop window.
    resize(&app, 1280, 800).await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=export-data]", |t| t.contains("Export")).await;
    scroll_to(&app, "[data-test=my-data]").await;
    screenshot(&env, &app, "my-data-export-en-desktop").await;
    click(&app, "[data-test=lang-zh]").await;
    resize(&app, 390, 844).await;

    click(&app, "[data-test=delete-account]").await;
    wait_for_text(&app, "[data-test=delete-confirm]", |t| {
        t.contains("无法恢复")
    })
    .await;
    screenshot(&env, &app, "my-data-delete-confirm-zh-phone").await;
    click(&app, "[data-test=confirm-delete]").await;
    // Signed out, back at the sign-in form.
    wait_for_text(&app, "[data-test=send-code]", |_| true).await;

    // The same number starts afresh on the platform: nothing of the old account.
    let client = PlatformClient::new(&platform.url).unwrap();
    client.request_code(MOBILE).await.unwrap();
    let code = client.dev_sign_in_code(MOBILE).await.unwrap();
    let session = client.sign_in(MOBILE, &code).await.unwrap();
    assert!(client.travellers(&session.token).await.unwrap().is_empty());
    app.close().await.unwrap();
}
