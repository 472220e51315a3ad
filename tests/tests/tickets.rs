//! The ticket wallet and the gate, as a tourist and a gate keeper use them with no network:
//! a tourist books; the pass is kept on the device; a gate station signs in while the
//! platform is up; the platform goes away; the pass opens full screen as a QR code; the
//! gate admits that picture once and refuses it the second time, all offline; once the
//! platform is back the gate uploads its log and the admission is on the platform once.

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use fantoccini::Client;
use tongyou_client::PlatformClient;
use tongyou_core::api::GateSignIn;
use tongyou_e2e::{
    Env, Platform, TEST_GATE_STAFF, click, open_app, pick_date, resize, screenshot, scroll_to,
    wait_for_attr, wait_for_text, wait_gone,
};

use crate::booking::{find, ready_to_book, type_into};

/// The dev platform's own gate-staff number.
const GATE_STAFF: &str = "13900139000";
const REGION: &str = "huangshan";
/// The main entrance: it admits entry tickets and audio guides.
const GATE: &str = "south-gate";

/// Books today's entry (the first slot that is not over yet, if any) and the audio guide,
/// paid from the wallet, and waits for the confirmed order. Gates only admit a pass on its
/// own date, so the pass must be for today.
async fn book_for_today(app: &Client, platform: &Platform) {
    pick_date(app, "[data-test=date]", 0).await;
    let catalog = PlatformClient::new(&platform.url)
        .unwrap()
        .catalog(REGION, None)
        .await
        .unwrap()
        .unwrap()
        .catalog;
    let utc_minutes = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 60;
    let offset = i64::from(catalog.region.utc_offset_minutes);
    let local = (i64::try_from(utc_minutes).unwrap() + offset).rem_euclid(24 * 60);
    // A margin, so the slot is not over by the time the order reaches the platform.
    let open = catalog
        .slots
        .iter()
        .find(|s| i64::from(s.end.minutes()) > local + 10);
    match open {
        Some(slot) => click(app, &format!("[data-test=slot][data-id={}]", slot.id)).await,
        // Late in the evening there is no entry left today: the audio guide alone.
        None => click(app, "[data-test=slot][data-id='']").await,
    }
    click(app, "[data-test=add-on][data-id=audio-guide] input").await;
    click(app, "[data-test=pay-wallet]").await;
    wait_for_text(app, "[data-test=quote-total]", |t| t.starts_with('¥')).await;
    click(app, "[data-test=pay]").await;
    wait_for_attr(
        app,
        "[data-test=order] [data-test=order-state]",
        "data-state",
        "confirmed",
    )
    .await;
}

/// Signs the app in as the gate at [`GATE`], on the Gate screen reached from Me.
async fn sign_in_gate(env: &Env, app: &Client, platform: &Platform) {
    click(app, "[data-test=nav-me]").await;
    click(app, "[data-test=gate-mode]").await;
    let form = "[data-test=gate-sign-in]";
    find(app, &format!("{form} [data-test=gate-select]"))
        .await
        .select_by_value(GATE)
        .await
        .unwrap();
    type_into(app, &format!("{form} [data-test=mobile]"), GATE_STAFF).await;
    click(app, &format!("{form} [data-test=send-code]")).await;
    wait_for_text(app, &format!("{form} [data-test=code-sent]"), |t| {
        t.contains("139****9000")
    })
    .await;
    let code = PlatformClient::new(&platform.url)
        .unwrap()
        .dev_sign_in_code(GATE_STAFF)
        .await
        .unwrap();
    type_into(app, &format!("{form} [data-test=code]"), &code).await;
    screenshot(env, app, "gate-sign-in-zh-phone").await;
    click(app, "[data-test=gate-sign-in-submit]").await;
    wait_for_text(app, "[data-test=gate-name]", |t| t.contains("南大门")).await;
}

/// The pass to check at the gate: the entry pass, or the audio guide when no entry was left
/// today. Returns its id.
/// The pass the south gate admits, and its product: the entry ticket, or after the day's
/// last slot the audio guide.
async fn pass_for_the_gate(app: &Client) -> (String, &'static str) {
    for product in ["entry", "audio-guide"] {
        let css = format!("[data-test=wallet-pass][data-product={product}]");
        if let Ok(card) = app.find(fantoccini::Locator::Css(&css)).await {
            let pass = card.attr("data-pass").await.unwrap();
            return (pass.expect("a card names its pass"), product);
        }
    }
    panic!("no pass the south gate admits")
}

/// The QR picture shown full screen, checked to be a drawn PNG and saved to `path`.
async fn save_shown_qr(app: &Client, path: &Path) {
    let qr =
        wait_for_attr_prefix(app, "[data-test=pass-qr]", "src", "data:image/png;base64,").await;
    assert!(!qr.is_empty());
    let width = app
        .execute(
            "const img = document.querySelector('[data-test=pass-qr]'); \
             return img.complete ? img.naturalWidth : 0;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        width.as_u64().unwrap_or(0) > 0,
        "the QR image is drawn: {width}"
    );
    let bytes = app
        .execute(
            "const src = document.querySelector('[data-test=pass-qr]').src; \
             return Array.from(atob(src.split(',')[1]), c => c.charCodeAt(0));",
            vec![],
        )
        .await
        .unwrap();
    let bytes: Vec<u8> = serde_json::from_value(bytes).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    std::fs::write(path, bytes).unwrap();
}

/// Waits until `css`'s `attr` starts with `prefix`; returns the attribute.
async fn wait_for_attr_prefix(app: &Client, css: &str, attr: &str, prefix: &str) -> String {
    let deadline = std::time::Instant::now() + tongyou_e2e::PATIENCE;
    loop {
        if let Ok(e) = app.find(fantoccini::Locator::Css(css)).await
            && let Ok(Some(value)) = e.attr(attr).await
            && value.starts_with(prefix)
        {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "`{css}` never had {attr} starting with {prefix:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
}

/// Checks the picture at `path` through the gate screen's file input.
async fn check_picture(app: &Client, path: &Path) {
    let input = find(app, "[data-test=gate-image]").await;
    input.send_keys(path.to_str().unwrap()).await.unwrap();
}

#[tokio::test]
async fn tickets_open_offline_and_the_gate_admits_a_pass_once() {
    let env = Env::from_env();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("platform.db");

    // Before any booking: an empty wallet says so and leads to Book.
    let (platform, app) = ready_to_book(&env, dir.path(), "赵六").await;
    click(&app, "[data-test=nav-tickets]").await;
    wait_for_text(&app, "[data-test=no-tickets]", |t| {
        t.contains("还没有电子票")
    })
    .await;
    screenshot(&env, &app, "tickets-empty-zh-phone").await;
    click(&app, "[data-test=tickets-book]").await;

    book_for_today(&app, &platform).await;

    // The wallet lists today's passes, fresh from the platform.
    click(&app, "[data-test=nav-tickets]").await;
    wait_for_attr(&app, "[data-test=pass-group]", "data-group", "today").await;
    let (pass_id, product) = pass_for_the_gate(&app).await;
    let card = format!("[data-test=wallet-pass][data-pass='{pass_id}']");
    wait_for_attr(&app, &card, "data-state", "valid").await;
    screenshot(&env, &app, "tickets-zh-phone").await;

    // The gate signs in while the platform is up: it brings in the keys and revocations.
    sign_in_gate(&env, &app, &platform).await;
    let keys = wait_for_text(&app, "[data-test=gate-keys]", |t| t != "0").await;
    assert!(keys.text().await.unwrap().parse::<u32>().unwrap() >= 1);

    // The platform goes away.
    let url = platform.url.clone();
    platform.stop();

    // Offline, the wallet still lists the pass, says why it may be old, and opens it.
    click(&app, "[data-test=nav-tickets]").await;
    wait_for_text(&app, "[data-test=wallet-offline]", |t| t.contains("离线")).await;
    wait_for_attr(&app, &card, "data-state", "valid").await;
    wait_for_attr(&app, "[data-test=net-badge]", "data-state", "offline").await;
    screenshot(&env, &app, "tickets-offline-zh-phone").await;
    click(&app, &card).await;
    let shot = dir.path().join("pass-qr.png");
    save_shown_qr(&app, &shot).await;
    if product == "entry" {
        // A real-name ticket names its holder, masked.
        wait_for_text(&app, "[data-test=sheet-holder]", |t| t.contains('*')).await;
    } else {
        // A rental is not real-name: the sheet names the product and no holder.
        wait_for_text(&app, "[data-test=sheet-name]", |t| !t.is_empty()).await;
        assert!(
            app.find(fantoccini::Locator::Css("[data-test=sheet-holder]"))
                .await
                .is_err(),
            "a rental names no holder"
        );
    }
    screenshot(&env, &app, "pass-zh-phone").await;
    click(&app, "[data-test=pass-close]").await;
    click(&app, "[data-test=lang-en]").await;
    resize(&app, 1280, 800).await;
    wait_for_text(&app, "[data-test=wallet-offline]", |t| {
        t.contains("Offline")
    })
    .await;
    screenshot(&env, &app, "tickets-offline-en-desktop").await;
    click(&app, &card).await;
    wait_for_attr_prefix(&app, "[data-test=pass-qr]", "src", "data:image/png").await;
    screenshot(&env, &app, "pass-en-desktop").await;
    resize(&app, 390, 844).await;
    screenshot(&env, &app, "pass-en-phone").await;
    // The pass has its own address, so Back closes it as a phone user expects.
    let address = app.current_url().await.unwrap();
    assert_eq!(address.path(), format!("/tickets/{pass_id}"));
    app.back().await.unwrap();
    wait_gone(&app, "[data-test=pass-sheet]").await;
    wait_for_attr(&app, &card, "data-state", "valid").await;
    click(&app, "[data-test=lang-zh]").await;

    // The gate, still offline, reads the picture: admitted.
    click(&app, "[data-test=nav-me]").await;
    click(&app, "[data-test=gate-mode]").await;
    // A sync now cannot reach the platform, and says so in the staff's words.
    click(&app, "[data-test=gate-sync]").await;
    wait_for_attr(
        &app,
        "[data-test=gate-sync-error] small",
        "data-code",
        "offline",
    )
    .await;
    wait_for_text(&app, "[data-test=gate-sync-error]", |t| {
        t.contains("连不上平台")
    })
    .await;
    check_picture(&app, &shot).await;
    wait_for_attr(&app, "[data-test=gate-result]", "data-admitted", "true").await;
    wait_for_text(&app, "[data-test=gate-message]", |t| !t.is_empty()).await;
    let pending = wait_for_text(&app, "[data-test=gate-pending]", |t| t != "0").await;
    assert!(pending.text().await.unwrap().parse::<u32>().unwrap() >= 1);
    scroll_to(&app, "[data-test=gate-verify-panel]").await;
    screenshot(&env, &app, "gate-green-zh-phone").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=gate-result]", |t| t.contains("Admit")).await;
    resize(&app, 1280, 800).await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "gate-green-en-desktop").await;
    click(&app, "[data-test=lang-zh]").await;
    resize(&app, 390, 844).await;

    // The same picture again: refused, already used here, said in words and as a code.
    check_picture(&app, &shot).await;
    wait_for_attr(&app, "[data-test=gate-result]", "data-admitted", "false").await;
    let red = wait_for_attr(
        &app,
        "[data-test=gate-result]",
        "data-refusal",
        "already_used",
    )
    .await;
    assert!(red.text().await.unwrap().contains("已在本检票口使用过"));
    scroll_to(&app, "[data-test=gate-verify-panel]").await;
    screenshot(&env, &app, "gate-red-zh-phone").await;
    click(&app, "[data-test=lang-en]").await;
    wait_for_text(&app, "[data-test=gate-message]", |t| {
        t.contains("Already used")
    })
    .await;
    resize(&app, 1280, 800).await;
    scroll_to(&app, "body").await;
    screenshot(&env, &app, "gate-red-en-desktop").await;
    click(&app, "[data-test=lang-zh]").await;
    resize(&app, 390, 844).await;
    // A pasted code that is not a pass: refused as unreadable, and the text stays.
    type_into(&app, "[data-test=gate-code]", "TY1:not-a-pass").await;
    click(&app, "[data-test=gate-verify]").await;
    wait_for_attr(
        &app,
        "[data-test=gate-result]",
        "data-refusal",
        "unreadable",
    )
    .await;
    assert_eq!(
        find(&app, "[data-test=gate-code]")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("TY1:not-a-pass")
    );
    let waiting: u32 = find(&app, "[data-test=gate-pending]")
        .await
        .text()
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert!(waiting >= 3, "every scan waits for upload: {waiting}");

    // The platform comes back where the app expects it; Sync now uploads the log.
    let platform = Platform::restart(&env, &db, &url).await;
    scroll_to(&app, "body").await;
    click(&app, "[data-test=gate-sync]").await;
    wait_for_attr(&app, "[data-test=gate-pending]", "data-count", "0").await;
    screenshot(&env, &app, "gate-synced-zh-phone").await;

    // On the platform, the admission is there once, and so is the refusal.
    let client = PlatformClient::new(&platform.url).unwrap();
    client.request_code(TEST_GATE_STAFF).await.unwrap();
    let code = client.dev_sign_in_code(TEST_GATE_STAFF).await.unwrap();
    let gate = client
        .gate_sign_in(&GateSignIn {
            mobile: TEST_GATE_STAFF.to_owned(),
            code,
            region_id: REGION.to_owned(),
            gate_id: GATE.to_owned(),
        })
        .await
        .unwrap();
    let scans = client.gate_scans(&gate.session.token).await.unwrap();
    let of_pass: Vec<_> = scans
        .iter()
        .filter(|s| s.pass_id.as_deref() == Some(pass_id.as_str()))
        .collect();
    let admitted = of_pass.iter().filter(|s| s.refusal.is_none()).count();
    assert_eq!(admitted, 1, "one admission on the platform: {scans:?}");
    assert_eq!(
        of_pass.len(),
        2,
        "the admission and the refusal, once each: {scans:?}"
    );
    assert!(of_pass.iter().all(|s| s.gate_id == GATE));

    // Back on the wallet, the pass now reads as used: the platform marked it.
    click(&app, "[data-test=nav-tickets]").await;
    wait_for_attr(&app, &card, "data-state", "used").await;
    screenshot(&env, &app, "tickets-used-zh-phone").await;

    // A device signed in as a gate opens on the gate.
    app.close().await.unwrap();
    let app = open_app(&env, &platform.url, &dir.path().join("device")).await;
    wait_for_text(&app, "[data-test=gate-name]", |t| t.contains("南大门")).await;
    app.close().await.unwrap();
}
