//! The ticket wallet: a booked pass is in it at once, and stays there, openable as a QR
//! code drawn on the device, with the platform gone.

use tongyou_core::api::{ErrorCode, PassState};
use tongyou_device::qr;

use super::{Rig, api_error, entry_pass};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booked_pass_opens_as_a_qr_code_with_the_platform_gone() {
    let mut rig = Rig::new().await;
    rig.sync().await;
    assert!(
        rig.device.wallet().unwrap().is_empty(),
        "signed out: no passes"
    );

    let (_, traveller) = rig.tourist("13800138301").await;
    let order = rig.book(&traveller, "k1").await;
    // Placing the order kept it, and so its passes: no refresh needed.
    let wallet = rig.device.wallet().unwrap();
    assert_eq!(wallet.len(), order.passes.len());
    let pass = entry_pass(&order);
    let shown = wallet.iter().find(|p| p.pass_id == pass.pass_id).unwrap();
    assert_eq!(shown.code, pass.code);
    assert_eq!(shown.state, PassState::Valid);
    assert!(shown.gates.iter().any(|g| g.en == "South Gate (Tangkou)"));

    rig.stop_platform().await;
    let offline = rig.device.refresh_wallet().await;
    assert_eq!(api_error(offline).code, ErrorCode::Offline);
    assert_eq!(
        rig.device.wallet().unwrap().len(),
        order.passes.len(),
        "the device keeps its passes"
    );

    let started = std::time::Instant::now();
    let opened = rig.device.pass_qr(pass.pass_id.clone()).unwrap();
    let took = started.elapsed();
    let png = qr::data_url_bytes(&opened.qr_png).unwrap();
    assert_eq!(qr::decode_qr(&png).as_deref(), Some(pass.code.as_str()));
    assert_eq!(opened.pass.pass_id, pass.pass_id);
    eprintln!("pass_qr offline (debug build): {took:?}");

    let missing = rig.device.pass_qr("00".repeat(16));
    assert_eq!(api_error(missing).code, ErrorCode::NotFound);
}
