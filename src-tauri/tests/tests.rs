//! The shell's command table on Tauri's mock runtime, against a real platform on
//! 127.0.0.1:0: each command the UI calls is found under its name, takes its arguments
//! under the camelCase names the UI sends (`ui/src/ipc.rs`), and answers with what the
//! device did. What the commands do (the wallet, the gate station, the outbox, trip
//! planning) is `tongyou-device`'s and tested there, in `device/tests/`, without Tauri.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Days, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::{App, WebviewWindow, WebviewWindowBuilder};
use tongyou_app::with_commands;
use tongyou_client::PlatformClient;
use tongyou_core::api::{
    ApiError, Case, CodeSent, CrowdNow, ErrorCode, GateResult, GateStation, Order, OrderState,
    PassQr, PlanKind, Session, Share, SyncStatus, Traveller, TripPlans,
};
use tongyou_core::gate::Refusal;
use tongyou_core::guide::{GuidePack, GuideStatus};
use tongyou_core::testing::family_trip;
use tongyou_device::{Device, qr};
use tongyou_platform::config::DEMO_GATE_STAFF;
use tongyou_platform::{Config, RunningPlatform};

/// A platform, and the app on the mock runtime talking to it.
struct Shell {
    _dir: tempfile::TempDir,
    _platform: RunningPlatform,
    /// The test's own line to the platform, for sign-in codes.
    client: PlatformClient,
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl Shell {
    async fn new() -> Shell {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            database: dir.path().join("platform.db"),
            dev_mode: true,
            ..Config::default()
        };
        let platform = tongyou_platform::start(config).await.unwrap();
        let device = Device::open(&dir.path().join("app"), &platform.url()).unwrap();
        let app = with_commands(mock_builder())
            .manage(device)
            .build(mock_context(noop_assets()))
            .unwrap();
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Shell {
            client: PlatformClient::new(&platform.url()).unwrap(),
            _dir: dir,
            _platform: platform,
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
            // An argument under the wrong name fails here: Tauri's own error is a string.
            .map_err(|e| serde_json::from_value(e).unwrap())
    }

    /// A sign-in code sent through `request_code`, read back from the dev platform.
    async fn code_for(&self, mobile: &str) -> String {
        let sent: CodeSent = self
            .invoke("request_code", json!({ "mobile": mobile }))
            .unwrap();
        assert_eq!(sent.mobile, format!("{}****{}", &mobile[..3], &mobile[7..]));
        self.client.dev_sign_in_code(mobile).await.unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ui_s_commands_reach_the_device_under_the_ui_s_names() {
    let shell = Shell::new().await;
    let status: SyncStatus = shell.invoke("sync_catalog", json!({})).unwrap();
    assert_eq!(
        (status.online, status.regions),
        (Some(true), vec!["huangshan".into()])
    );

    let mobile = "13800138601";
    let code = shell.code_for(mobile).await;
    let session: Session = shell
        .invoke("sign_in", json!({ "mobile": mobile, "code": code }))
        .unwrap();
    assert_eq!(session.mobile, "138****8601");
    assert!(session.token.is_empty(), "the token stays in the shell");
    let traveller: Traveller = shell
        .invoke(
            "add_traveller",
            json!({ "input": {
                "name": "张三", "id_kind": "resident_id", "id_number": "110105198912310028",
                "consent": tongyou_core::privacy::NOTICE_VERSION
            }}),
        )
        .unwrap();
    assert!(traveller.id > 0, "saved on the platform: {traveller:?}");
    assert_eq!(traveller.id_masked, "1101**********0028");

    // A week ahead: bookable at any hour, since the platform's "today" is the real one.
    let visit = (Utc::now().date_naive() + Days::new(7)).to_string();
    let trip: TripPlans = shell
        .invoke("plan_trip", json!({ "request": family_trip(&visit) }))
        .unwrap();
    assert!(trip.live);
    let kinds: Vec<PlanKind> = trip.plans.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [PlanKind::Budget, PlanKind::Balanced, PlanKind::Comfort]
    );

    let order = json!({ "request": {
        "combo": { "region_id": "huangshan", "date": visit, "slot_id": "morning" },
        "travellers": [{ "traveller_id": traveller.id }],
        "payment": "wallet",
    }, "idempotencyKey": "k1" });
    let placed: Order = shell.invoke("place_order", order.clone()).unwrap();
    assert_eq!(placed.state, OrderState::Confirmed, "{:?}", placed.problem);
    // The key reached the platform: the same submission again is the same order.
    let replayed: Order = shell.invoke("place_order", order).unwrap();
    assert_eq!(replayed.id, placed.id);

    let pass = &placed.passes[0];
    let opened: PassQr = shell
        .invoke("pass_qr", json!({ "passId": pass.pass_id }))
        .unwrap();
    let png = qr::data_url_bytes(&opened.qr_png).unwrap();
    assert_eq!(qr::decode_qr(&png).as_deref(), Some(pass.code.as_str()));

    let code = shell.code_for(DEMO_GATE_STAFF).await;
    let station: GateStation = shell
        .invoke(
            "gate_sign_in",
            json!({ "input": {
                "mobile": DEMO_GATE_STAFF, "code": code,
                "region_id": "huangshan", "gate_id": "south-gate"
            }}),
        )
        .unwrap();
    assert_eq!(station.gate_name.en, "South Gate (Tangkou)");
    let early: GateResult = shell
        .invoke("gate_verify_image", json!({ "dataUrl": opened.qr_png }))
        .unwrap();
    assert_eq!(early.refusal, Some(Refusal::NotYetValid), "{early:?}");

    // Help: a case about the pass with the trip shared, its chat, and the shares.
    let trip_id = format!("huangshan-{}", placed.id);
    let case: Case = shell
        .invoke(
            "ask_for_help",
            json!({
                "request": { "category": "gate_refused", "message": "进不去", "trip_id": trip_id, "item": pass.pass_id },
                "region": "huangshan",
                "place": "welcoming-guest-pine",
            }),
        )
        .unwrap();
    assert!(case.id > 0 && case.share_id.is_some(), "{case:?}");
    let said: Case = shell
        .invoke("say", json!({ "caseId": case.id, "text": "在南门" }))
        .unwrap();
    assert_eq!(
        said.messages.last().map(|m| m.text.as_str()),
        Some("在南门")
    );
    let read: Case = shell
        .invoke("read_case", json!({ "caseId": case.id }))
        .unwrap();
    assert_eq!(read.unread, 0);
    let cases: Vec<Case> = shell.invoke("cases", json!({})).unwrap();
    assert_eq!(cases.len(), 1);
    let share: Share = shell
        .invoke("share_trip", json!({ "tripId": trip_id, "hours": 24 }))
        .unwrap();
    assert!(share.path.is_some_and(|p| p.contains("/s/")));
    let shares: Vec<Share> = shell.invoke("shares", json!({})).unwrap();
    assert_eq!(shares.len(), 2, "the case's and the family link");
    let ended: Share = shell
        .invoke("end_share", json!({ "id": share.id }))
        .unwrap();
    assert!(!ended.live);

    let status: GuideStatus = shell
        .invoke("guide_status", json!({ "regionId": "huangshan" }))
        .unwrap();
    assert!(status.update_due());
    let pack: GuidePack = shell
        .invoke("download_guide", json!({ "regionId": "huangshan" }))
        .unwrap();
    let held: GuidePack = shell
        .invoke("guide", json!({ "regionId": "huangshan" }))
        .unwrap();
    assert_eq!(held, pack);
    let crowd: CrowdNow = shell
        .invoke(
            "crowd_now",
            json!({ "regionId": "huangshan", "sightId": "bright-summit" }),
        )
        .unwrap();
    assert_eq!(crowd.sight_id, "bright-summit");

    let cancelled: Order = shell
        .invoke("cancel_order", json!({ "orderId": placed.id }))
        .unwrap();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    let dismissed = shell.invoke::<()>("outbox_dismiss", json!({ "id": 42 }));
    let dismissed = dismissed.unwrap_err();
    assert_eq!(dismissed.code, ErrorCode::NotFound);
    assert!(
        dismissed.message.contains("refused write 42"),
        "{dismissed:?}"
    );
}
