//! The device against a real platform on 127.0.0.1:0, through the methods the shell's
//! commands call: the ticket wallet and a pass's QR code with the platform gone
//! (`wallet`); a gate station signing in, deciding offline, and uploading its log once
//! however often it is sent (`gate`); the tourist's own writes made offline reaching the
//! platform once (`outbox`); trip plans live, refused and made on the device (`plan`);
//! the trip's timeline, read with the platform gone (`trip`).
//!
//! That the UI's command and argument names reach these methods is the shell's test
//! (`src-tauri/tests/`), not this one's.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gate;
mod guide;
mod outbox;
mod plan;
mod support;
mod trip;
mod wallet;

use std::fmt::Debug;
use std::net::SocketAddr;
use std::path::Path;

use chrono::{Days, Utc};
use tongyou_client::PlatformClient;
use tongyou_core::api::{
    ApiError, Combo, GateSignIn, GateStation, IdKind, IssuedPass, Order, OrderRequest, OrderState,
    OrderTraveller, PaymentMethod, Session, SyncStatus, Traveller, TravellerInput,
};
use tongyou_device::{CommandError, Device};
use tongyou_platform::config::DEMO_GATE_STAFF;
use tongyou_platform::{Config, RunningPlatform};

/// A platform, and the device talking to it.
struct Rig {
    dir: tempfile::TempDir,
    platform: Option<RunningPlatform>,
    addr: SocketAddr,
    /// The test's own line to the platform: sign-in codes, and what the platform holds.
    client: PlatformClient,
    device: Device,
}

impl Rig {
    async fn new() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let platform = start_platform(dir.path(), "127.0.0.1:0".parse().unwrap()).await;
        // Opened on the test's runtime, which then runs the device's background uploads.
        let device = Device::open(&Rig::device_dir_in(dir.path()), &platform.url()).unwrap();
        Rig {
            client: PlatformClient::new(&platform.url()).unwrap(),
            addr: platform.addr(),
            dir,
            platform: Some(platform),
            device,
        }
    }

    fn device_dir_in(dir: &Path) -> std::path::PathBuf {
        dir.join("app")
    }

    /// Where the device keeps its data: a second `Device` opened there reads the same.
    fn device_dir(&self) -> std::path::PathBuf {
        Rig::device_dir_in(self.dir.path())
    }

    async fn stop_platform(&mut self) {
        self.platform.take().unwrap().stop().await;
    }

    /// The same platform (same database and keys) back at the same address.
    async fn restart_platform(&mut self) {
        self.platform = Some(start_platform(self.dir.path(), self.addr).await);
    }

    /// The sync the UI runs every 15 seconds, which also sends the outbox when the
    /// platform answers.
    async fn sync(&self) -> SyncStatus {
        self.device.sync_catalog().await.unwrap()
    }

    async fn code_for(&self, mobile: &str) -> String {
        self.device.request_code(mobile.into()).await.unwrap();
        self.client.dev_sign_in_code(mobile).await.unwrap()
    }

    /// A tourist signed in on the device with one saved traveller.
    async fn tourist(&self, mobile: &str) -> (Session, Traveller) {
        let code = self.code_for(mobile).await;
        let session = self.device.sign_in(mobile.into(), code).await.unwrap();
        let traveller = self
            .device
            .add_traveller(resident("张三", "110105198912310028"))
            .await
            .unwrap();
        (session, traveller)
    }

    /// An entry ticket a week ahead, paid from the wallet, placed through the device.
    async fn book(&self, traveller: &Traveller, key: &str) -> Order {
        let combo = Combo {
            region_id: "huangshan".into(),
            date: visit_date(),
            slot_id: Some("morning".into()),
            add_ons: Vec::new(),
            hotel: None,
            shuttles: Vec::new(),
        };
        let request = order_for(combo, std::slice::from_ref(traveller));
        let order = self.device.place_order(request, key.into()).await.unwrap();
        assert_eq!(order.state, OrderState::Confirmed, "{:?}", order.problem);
        assert!(!order.passes.is_empty());
        order
    }

    /// Gate staff signed in at `gate_id` on the device.
    async fn staff_at(&self, gate_id: &str) -> Result<GateStation, CommandError> {
        let code = self.code_for(DEMO_GATE_STAFF).await;
        let input = at_gate(DEMO_GATE_STAFF, &code, gate_id);
        self.device.gate_sign_in(input).await
    }

    /// The signed-in tourist's session token, for calls the test makes itself.
    fn token(&self) -> String {
        self.device.store.session().unwrap().unwrap().token
    }

    fn account(&self) -> i64 {
        self.device.store.session().unwrap().unwrap().account_id
    }
}

async fn start_platform(dir: &Path, bind: SocketAddr) -> RunningPlatform {
    let config = Config {
        bind,
        database: dir.join("platform.db"),
        // `Config::default()` reads the regions shipped in assets/regions.
        dev_mode: true,
        ..Config::default()
    };
    tongyou_platform::start(config).await.unwrap()
}

/// A week ahead: bookable at any hour, since the platform's "today" is the real one.
fn visit_date() -> String {
    (Utc::now().date_naive() + Days::new(7)).to_string()
}

/// A traveller with a resident ID, consenting to the current privacy notice.
fn resident(name: &str, id_number: &str) -> TravellerInput {
    TravellerInput {
        name: name.into(),
        id_kind: IdKind::ResidentId,
        id_number: id_number.into(),
        birth_date: None,
        consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
    }
}

/// `combo` for `travellers`, none a student, paid from the wallet.
fn order_for(combo: Combo, travellers: &[Traveller]) -> OrderRequest {
    OrderRequest {
        combo,
        travellers: travellers
            .iter()
            .map(|t| OrderTraveller {
                traveller_id: t.id,
                student: false,
            })
            .collect(),
        payment: PaymentMethod::Wallet,
    }
}

fn at_gate(mobile: &str, code: &str, gate_id: &str) -> GateSignIn {
    GateSignIn {
        mobile: mobile.into(),
        code: code.into(),
        region_id: "huangshan".into(),
        gate_id: gate_id.into(),
    }
}

fn entry_pass(order: &Order) -> &IssuedPass {
    order
        .passes
        .iter()
        .find(|p| p.product_id == "entry")
        .unwrap()
}

/// The error as the UI receives it, or a failed test.
fn api_error<T: Debug>(result: Result<T, CommandError>) -> ApiError {
    result.unwrap_err().to_api_error()
}
