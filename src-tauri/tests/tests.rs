//! The app shell against a real platform on 127.0.0.1, through the real command table on
//! Tauri's mock runtime (so argument names are the ones the UI sends): the ticket wallet
//! and its QR code with the platform gone, a gate station signing in, deciding offline,
//! and uploading its log once however often it is sent, and the tourist's own writes
//! made offline reaching the platform once (`outbox`); trip plans live, refused and
//! made on the device (`plan`).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod outbox;
mod plan;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chrono::{Days, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};
use tongyou_app::with_commands;
use tongyou_client::PlatformClient;
use tongyou_core::api::{
    ApiError, ErrorCode, GateResult, GateStation, Order, OrderState, PassQr, PassState, ScanUpload,
    Session, Traveller, WalletPass,
};
use tongyou_core::gate::Refusal;
use tongyou_core::pass::read_unverified;
use tongyou_device::station::{self, Reading};
use tongyou_device::{Device, qr};
use tongyou_platform::config::DEMO_GATE_STAFF;
use tongyou_platform::{Config, RunningPlatform};

/// A platform, and the app on the mock runtime talking to it.
struct Rig {
    dir: tempfile::TempDir,
    platform: Option<RunningPlatform>,
    addr: SocketAddr,
    client: PlatformClient,
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl Rig {
    async fn new() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let platform = start_platform(dir.path(), "127.0.0.1:0".parse().unwrap()).await;
        let addr = platform.addr();
        let state = Device::open(&dir.path().join("app"), &platform.url()).unwrap();
        let app = with_commands(mock_builder())
            .manage(state)
            .build(mock_context(noop_assets()))
            .unwrap();
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Rig {
            client: PlatformClient::new(&platform.url()).unwrap(),
            dir,
            platform: Some(platform),
            addr,
            _app: app,
            window,
        }
    }

    /// Calls a command as the UI does: by name, with camelCase arguments.
    fn invoke<T: DeserializeOwned>(&self, cmd: &str, args: Value) -> Result<T, ApiError> {
        let request = tauri::webview::InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.into(),
        };
        // The command may call the platform, which runs on this test's runtime.
        tokio::task::block_in_place(|| get_ipc_response(&self.window, request))
            .map(|body| body.deserialize().unwrap())
            .map_err(|e| serde_json::from_value(e).unwrap())
    }

    fn state(&self) -> tauri::State<'_, Device> {
        self.window.state::<Device>()
    }

    async fn stop_platform(&mut self) {
        self.platform.take().unwrap().stop().await;
    }

    /// The same platform (same database and keys) back at the same address.
    async fn restart_platform(&mut self) {
        self.platform = Some(start_platform(self.dir.path(), self.addr).await);
    }

    async fn code_for(&self, mobile: &str) -> String {
        let _: Value = self
            .invoke("request_code", json!({ "mobile": mobile }))
            .unwrap();
        self.client.dev_sign_in_code(mobile).await.unwrap()
    }

    /// A tourist signed in on the app with one saved traveller.
    async fn tourist(&self, mobile: &str) -> (Session, Traveller) {
        let code = self.code_for(mobile).await;
        let session: Session = self
            .invoke("sign_in", json!({ "mobile": mobile, "code": code }))
            .unwrap();
        let traveller: Traveller = self
            .invoke(
                "add_traveller",
                json!({ "input": {
                    "name": "张三", "id_kind": "resident_id", "id_number": "110105198912310028",
                    "consent": tongyou_core::privacy::NOTICE_VERSION
                }}),
            )
            .unwrap();
        (session, traveller)
    }

    /// An entry ticket a week ahead, paid from the wallet, placed through the app.
    fn book(&self, traveller: &Traveller, key: &str) -> Order {
        let visit = (Utc::now().date_naive() + Days::new(7)).to_string();
        let request = json!({
            "combo": { "region_id": "huangshan", "date": visit, "slot_id": "morning" },
            "travellers": [{ "traveller_id": traveller.id }],
            "payment": "wallet",
        });
        let order: Order = self
            .invoke(
                "place_order",
                json!({ "request": request, "idempotencyKey": key }),
            )
            .unwrap();
        assert_eq!(order.state, OrderState::Confirmed, "{:?}", order.problem);
        assert!(!order.passes.is_empty());
        order
    }

    /// Gate staff signed in at `gate_id` through the app.
    async fn staff_at(&self, gate_id: &str) -> Result<GateStation, ApiError> {
        let code = self.code_for(DEMO_GATE_STAFF).await;
        self.invoke(
            "gate_sign_in",
            json!({ "input": {
                "mobile": DEMO_GATE_STAFF, "code": code,
                "region_id": "huangshan", "gate_id": gate_id
            }}),
        )
    }
}

async fn start_platform(dir: &Path, bind: SocketAddr) -> RunningPlatform {
    let config = Config {
        bind,
        database: dir.join("platform.db"),
        regions_dir: regions_dir(),
        dev_mode: true,
        ..Config::default()
    };
    tongyou_platform::start(config).await.unwrap()
}

fn regions_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/regions"))
}

/// Noon of the pass's visit date: inside its validity window.
fn during(code: &str) -> chrono::DateTime<Utc> {
    let pass = read_unverified(code).unwrap();
    chrono::DateTime::from_timestamp(pass.valid_from + 12 * 3600, 0).unwrap()
}

fn entry_pass(order: &Order) -> &tongyou_core::api::IssuedPass {
    order
        .passes
        .iter()
        .find(|p| p.product_id == "entry")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booked_pass_opens_as_a_qr_code_with_the_platform_gone() {
    let mut rig = Rig::new().await;
    let _: Value = rig.invoke("sync_catalog", json!({})).unwrap();
    let wallet: Vec<WalletPass> = rig.invoke("wallet", json!({})).unwrap();
    assert!(wallet.is_empty(), "signed out: no passes");

    let (_, traveller) = rig.tourist("13800138301").await;
    let order = rig.book(&traveller, "k1");
    // Placing the order kept it, and so its passes: no refresh needed.
    let wallet: Vec<WalletPass> = rig.invoke("wallet", json!({})).unwrap();
    assert_eq!(wallet.len(), order.passes.len());
    let pass = entry_pass(&order);
    let shown = wallet.iter().find(|p| p.pass_id == pass.pass_id).unwrap();
    assert_eq!(shown.code, pass.code);
    assert_eq!(shown.state, PassState::Valid);
    assert!(shown.gates.iter().any(|g| g.en == "South Gate (Tangkou)"));

    rig.stop_platform().await;
    let offline = rig.invoke::<Vec<WalletPass>>("refresh_wallet", json!({}));
    assert_eq!(offline.unwrap_err().code, ErrorCode::Offline);
    let wallet: Vec<WalletPass> = rig.invoke("wallet", json!({})).unwrap();
    assert_eq!(
        wallet.len(),
        order.passes.len(),
        "the device keeps its passes"
    );

    let started = std::time::Instant::now();
    let opened: PassQr = rig
        .invoke("pass_qr", json!({ "passId": pass.pass_id }))
        .unwrap();
    let took = started.elapsed();
    let png = qr::data_url_bytes(&opened.qr_png).unwrap();
    assert_eq!(qr::decode_qr(&png).as_deref(), Some(pass.code.as_str()));
    assert_eq!(opened.pass.pass_id, pass.pass_id);
    eprintln!("pass_qr offline (debug build): {took:?}");

    let missing = rig.invoke::<PassQr>("pass_qr", json!({ "passId": "00".repeat(16) }));
    assert_eq!(missing.unwrap_err().code, ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_gate_staff_become_a_station() {
    let rig = Rig::new().await;
    let _: Value = rig.invoke("sync_catalog", json!({})).unwrap();
    let tourist = "13800138302";
    let code = rig.code_for(tourist).await;
    let refused = rig.invoke::<GateStation>(
        "gate_sign_in",
        json!({ "input": {
            "mobile": tourist, "code": code, "region_id": "huangshan", "gate_id": "south-gate"
        }}),
    );
    let error = refused.unwrap_err();
    assert_eq!(error.code, ErrorCode::Unauthorized, "{error:?}");
    assert!(error.message.contains("not gate staff"), "{error:?}");
    assert!(!error.message.is_empty());

    let wrong_code = rig.invoke::<GateStation>(
        "gate_sign_in",
        json!({ "input": {
            "mobile": DEMO_GATE_STAFF, "code": "000000", "region_id": "huangshan", "gate_id": "south-gate"
        }}),
    );
    assert!(wrong_code.is_err());
    assert_eq!(
        rig.invoke::<Option<GateStation>>("gate_station", json!({}))
            .unwrap(),
        None
    );
    let not_a_gate = rig.invoke::<GateResult>("gate_verify_code", json!({ "code": "TY1:x" }));
    assert_eq!(not_a_gate.unwrap_err().code, ErrorCode::Unauthorized);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gate_decides_offline_and_its_log_reaches_the_platform_once() {
    // No catalog sync first: signing in at a gate brings the region's catalog itself.
    let mut rig = Rig::new().await;
    let (session, traveller) = rig.tourist("13800138303").await;
    let admitted = rig.book(&traveller, "k1");
    let cancelled = rig.book(&traveller, "k2");
    let pass = entry_pass(&admitted).clone();
    let opened: PassQr = rig
        .invoke("pass_qr", json!({ "passId": pass.pass_id }))
        .unwrap();

    let station = rig.staff_at("south-gate").await.unwrap();
    assert_eq!(station.gate_name.en, "South Gate (Tangkou)");
    assert_eq!(station.staff, "139****9000");
    assert!(station.keys >= 1);
    assert!(station.synced_at.is_some());
    assert_eq!(station.sync_error, None);

    // Cancel the second order while the gate is online: the next sync brings it in.
    let token = session_token(&rig);
    rig.client
        .cancel_order(&token, "c1", cancelled.id)
        .await
        .unwrap();
    assert_eq!(
        session.account_id,
        rig.state().store.session().unwrap().unwrap().account_id
    );
    let station: GateStation = rig.invoke("gate_sync", json!({})).unwrap();
    assert!(station.revoked >= 1);

    rig.stop_platform().await;
    // The picture of today's screen: a week early, but read and checked offline.
    let early: GateResult = rig
        .invoke("gate_verify_image", json!({ "dataUrl": opened.qr_png }))
        .unwrap();
    assert_eq!(early.refusal, Some(Refusal::NotYetValid), "{early:?}");
    assert!(early.product.is_some());

    let blank = blank_png_data_url();
    let unreadable: GateResult = rig
        .invoke("gate_verify_image", json!({ "dataUrl": blank }))
        .unwrap();
    assert_eq!(unreadable.refusal, Some(Refusal::Unreadable));
    assert!(unreadable.message.en.contains("No QR code"));
    assert!(unreadable.message.zh.contains("二维码"));

    // On its visit day: in once, then refused as already used; the cancelled one revoked.
    let state = rig.state();
    let day = during(&pass.code);
    let first = station::verify(&state, Reading::Code(&pass.code), day).unwrap();
    assert!(first.admitted, "{first:?}");
    let again = station::verify(&state, Reading::Code(&pass.code), day).unwrap();
    assert_eq!(again.refusal, Some(Refusal::AlreadyUsed));
    let void = entry_pass(&cancelled);
    let revoked = station::verify(&state, Reading::Code(&void.code), day).unwrap();
    assert_eq!(revoked.refusal, Some(Refusal::Revoked));
    let forged = station::verify(&state, Reading::Code(&tamper(&pass.code)), day).unwrap();
    assert!(!forged.admitted);

    let offline: GateStation = rig.invoke("gate_sync", json!({})).unwrap();
    assert!(
        offline.sync_error.is_some(),
        "offline is recorded, not an error"
    );
    assert_eq!(offline.pending_uploads, 6);
    assert_eq!(
        offline.refused_today, 2,
        "the two pictures were scanned today"
    );

    // The platform returns. The app had sent its log but died before marking it sent:
    // the next sync sends it again, and the platform still holds one entry per scan.
    rig.restart_platform().await;
    let station_token = rig.state().store.station().unwrap().unwrap().token;
    let pending = rig.state().store.pending_scans("huangshan", 100).unwrap();
    let nonces: Vec<String> = pending.iter().map(|s| s.nonce.clone()).collect();
    rig.client
        .upload_scans(&station_token, &ScanUpload { scans: pending })
        .await
        .unwrap();
    let synced: GateStation = rig.invoke("gate_sync", json!({})).unwrap();
    assert_eq!(synced.sync_error, None);
    assert_eq!(synced.pending_uploads, 0);
    let _: GateStation = rig.invoke("gate_sync", json!({})).unwrap();
    let on_platform = rig.client.gate_scans(&station_token).await.unwrap();
    for nonce in &nonces {
        let copies = on_platform.iter().filter(|s| &s.nonce == nonce).count();
        assert_eq!(copies, 1, "scan {nonce} recorded {copies} times");
    }

    // The tourist's wallet learns the pass was used, and the cancelled one is void.
    let wallet: Vec<WalletPass> = rig.invoke("refresh_wallet", json!({})).unwrap();
    let state_of = |id: &str| wallet.iter().find(|p| p.pass_id == id).unwrap().state;
    assert_eq!(state_of(&pass.pass_id), PassState::Used);
    assert_eq!(state_of(&void.pass_id), PassState::Revoked);

    // Leaving gate mode keeps nothing of the station but its log.
    let _: () = rig.invoke("gate_sign_out", json!({})).unwrap();
    assert_eq!(
        rig.invoke::<Option<GateStation>>("gate_station", json!({}))
            .unwrap(),
        None
    );
}

fn session_token(rig: &Rig) -> String {
    rig.state().store.session().unwrap().unwrap().token
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
