//! Gate mode: only staff make the device a station; a station decides offline (early,
//! unreadable, admitted, used, revoked, forged) and its scan log reaches the platform once
//! however often it is sent; the tourist's wallet then learns what the gate did.

use chrono::{DateTime, Utc};
use tongyou_core::api::{ErrorCode, PassState, ScanUpload};
use tongyou_core::gate::Refusal;
use tongyou_core::pass::read_unverified;
use tongyou_device::qr;
use tongyou_device::station::{self, Reading};
use tongyou_platform::config::DEMO_GATE_STAFF;

use super::{Rig, api_error, at_gate, entry_pass};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_gate_staff_become_a_station() {
    let rig = Rig::new().await;
    rig.sync().await;
    let tourist = "13800138302";
    let code = rig.code_for(tourist).await;
    let refused = rig
        .device
        .gate_sign_in(at_gate(tourist, &code, "south-gate"))
        .await;
    let error = api_error(refused);
    assert_eq!(error.code, ErrorCode::Unauthorized, "{error:?}");
    assert!(error.message.contains("not gate staff"), "{error:?}");
    assert!(!error.message.is_empty());

    let wrong_code = rig
        .device
        .gate_sign_in(at_gate(DEMO_GATE_STAFF, "000000", "south-gate"))
        .await;
    assert!(wrong_code.is_err());
    assert_eq!(rig.device.gate_station().unwrap(), None);
    let not_a_gate = rig.device.gate_verify_code("TY1:x".into());
    assert_eq!(api_error(not_a_gate).code, ErrorCode::Unauthorized);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gate_decides_offline_and_its_log_reaches_the_platform_once() {
    // No catalog sync first: signing in at a gate brings the region's catalog itself.
    let mut rig = Rig::new().await;
    let (session, traveller) = rig.tourist("13800138303").await;
    let admitted = rig.book(&traveller, "k1").await;
    let cancelled = rig.book(&traveller, "k2").await;
    let pass = entry_pass(&admitted).clone();
    let opened = rig.device.pass_qr(pass.pass_id.clone()).unwrap();

    let station = rig.staff_at("south-gate").await.unwrap();
    assert_eq!(station.gate_name.en, "South Gate (Tangkou)");
    assert_eq!(station.staff, "139****9000");
    assert!(station.keys >= 1);
    assert!(station.synced_at.is_some());
    assert_eq!(station.sync_error, None);
    let opening = rig.device.startup().unwrap();
    assert_eq!(
        opening.station.as_ref(),
        Some(&station),
        "the app opens on the gate's station"
    );

    // Cancel the second order while the gate is online: the next sync brings it in.
    rig.client
        .cancel_order(&rig.token(), "c1", cancelled.id)
        .await
        .unwrap();
    assert_eq!(session.account_id, rig.account());
    let station = rig.device.gate_sync().await.unwrap();
    assert!(station.revoked >= 1);

    rig.stop_platform().await;
    // The picture of today's screen: a week early, but read and checked offline.
    let early = rig.device.gate_verify_image(opened.qr_png).await.unwrap();
    assert_eq!(early.refusal, Some(Refusal::NotYetValid), "{early:?}");
    assert!(early.product.is_some());

    let unreadable = rig
        .device
        .gate_verify_image(blank_png_data_url())
        .await
        .unwrap();
    assert_eq!(unreadable.refusal, Some(Refusal::Unreadable));
    assert!(unreadable.message.en.contains("No QR code"));
    assert!(unreadable.message.zh.contains("二维码"));

    // On its visit day: in once, then refused as already used; the cancelled one revoked.
    let device = &rig.device;
    let day = during(&pass.code);
    let first = station::verify(device, Reading::Code(&pass.code), day).unwrap();
    assert!(first.admitted, "{first:?}");
    let again = station::verify(device, Reading::Code(&pass.code), day).unwrap();
    assert_eq!(again.refusal, Some(Refusal::AlreadyUsed));
    let void = entry_pass(&cancelled);
    let revoked = station::verify(device, Reading::Code(&void.code), day).unwrap();
    assert_eq!(revoked.refusal, Some(Refusal::Revoked));
    let forged = station::verify(device, Reading::Code(&tamper(&pass.code)), day).unwrap();
    assert!(!forged.admitted);

    let offline = rig.device.gate_sync().await.unwrap();
    assert!(
        offline.sync_error.is_some(),
        "offline is recorded, not an error"
    );
    assert_eq!(offline.pending_uploads, 6);
    assert_eq!(
        offline.refused_today, 2,
        "the two pictures were scanned today"
    );

    // The platform returns. The device had sent its log but died before marking it sent:
    // the next sync sends it again, and the platform still holds one entry per scan.
    rig.restart_platform().await;
    let station_token = rig.device.store.station().unwrap().unwrap().token;
    let pending = rig.device.store.pending_scans("huangshan", 100).unwrap();
    let nonces: Vec<String> = pending.iter().map(|s| s.nonce.clone()).collect();
    rig.client
        .upload_scans(&station_token, &ScanUpload { scans: pending })
        .await
        .unwrap();
    let synced = rig.device.gate_sync().await.unwrap();
    assert_eq!(synced.sync_error, None);
    assert_eq!(synced.pending_uploads, 0);
    rig.device.gate_sync().await.unwrap();
    let on_platform = rig.client.gate_scans(&station_token).await.unwrap();
    for nonce in &nonces {
        let copies = on_platform.iter().filter(|s| &s.nonce == nonce).count();
        assert_eq!(copies, 1, "scan {nonce} recorded {copies} times");
    }

    // The tourist's wallet learns the pass was used, and the cancelled one is void.
    let wallet = rig.device.refresh_wallet().await.unwrap();
    let state_of = |id: &str| wallet.iter().find(|p| p.pass_id == id).unwrap().state;
    assert_eq!(state_of(&pass.pass_id), PassState::Used);
    assert_eq!(state_of(&void.pass_id), PassState::Revoked);

    // Leaving gate mode keeps nothing of the station but its log.
    rig.device.gate_sign_out().unwrap();
    assert_eq!(rig.device.gate_station().unwrap(), None);
}

/// Noon of the pass's visit date: inside its validity window.
fn during(code: &str) -> DateTime<Utc> {
    let pass = read_unverified(code).unwrap();
    DateTime::from_timestamp(pass.valid_from + 12 * 3600, 0).unwrap()
}

/// The same pass with one character of its signature changed.
fn tamper(code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    let last = chars.len() - 2;
    chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

/// A white picture: no QR code in it.
fn blank_png_data_url() -> String {
    let white = image::GrayImage::from_pixel(200, 200, image::Luma([255]));
    let mut png = Vec::new();
    white
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    qr::png_data_url(&png)
}
