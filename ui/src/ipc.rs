//! The one typed bridge to the Tauri shell. Every call goes through [`invoke`], which
//! checks that the shell is there (a plain browser page has no `window.__TAURI__`) and
//! turns every failure into an [`ApiError`] instead of a thrown exception.

use serde::Serialize;
use serde::de::DeserializeOwned;
use tongyou_core::api::{
    AccountExport, Affected, ApiError, Availability, CalendarExport, CalendarFeedLink, Case,
    CaseRequest, CatalogSnapshot, CodeSent, DiscoverView, ErrorCode, GateResult, GateSignIn,
    GateStation, Lang, Order, OrderRequest, PassQr, PlanRequest, Preferences, Quote, QuoteRequest,
    Session, Share, Startup, SyncStatus, Traveller, TravellerInput, TripPlans, TripSnapshot,
    VisitChoice, WalletPass,
};
use tongyou_core::guide::{GuidePack, GuideStatus};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "event"], js_name = listen)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

/// Calls `handler` with each payload of the shell's `event`, for as long as the app runs
/// (the listener is set up once, at start).
pub async fn listen<T: DeserializeOwned + 'static>(
    event: &str,
    mut handler: impl FnMut(T) + 'static,
) {
    if !shell_present() {
        return;
    }
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |message: JsValue| {
        let payload = js_sys::Reflect::get(&message, &JsValue::from_str("payload"))
            .ok()
            .and_then(|p| serde_wasm_bindgen::from_value(p).ok());
        if let Some(payload) = payload {
            handler(payload);
        }
    });
    if tauri_listen(event, &closure).await.is_ok() {
        // The listener lives as long as the page.
        closure.forget();
    }
}

fn shell_present() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("__TAURI__")).ok())
        .is_some_and(|v| !v.is_undefined())
}

fn internal(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Internal, message)
}

async fn invoke<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> Result<R, ApiError> {
    if !shell_present() {
        return Err(internal("this page runs inside the Tongyou app"));
    }
    let args = args
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| internal(e.to_string()))?;
    match tauri_invoke(cmd, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| internal(e.to_string())),
        Err(error) => Err(
            serde_wasm_bindgen::from_value(error.clone()).unwrap_or_else(|_| {
                internal(error.as_string().unwrap_or_else(|| format!("{error:?}")))
            }),
        ),
    }
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct RegionArg<'a> {
    region: Option<&'a str>,
}

#[derive(Serialize)]
struct LangArg {
    lang: Lang,
}

pub async fn preferences() -> Result<Preferences, ApiError> {
    invoke("preferences", &NoArgs {}).await
}

#[derive(Serialize)]
struct MinutesArg {
    minutes: u16,
}

pub async fn set_reminder_lead(minutes: u16) -> Result<(), ApiError> {
    invoke("set_reminder_lead", &MinutesArg { minutes }).await
}

/// The trip under way or next, as the device knows it (no network needed).
pub async fn trip() -> Result<TripSnapshot, ApiError> {
    invoke("trip", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VisitArgs<'a> {
    sight_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    day: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<&'a str>,
}

/// What the guide's card offers to add a sight to the trip, if there is a trip for it.
pub async fn visit_choice(sight_id: &str) -> Result<Option<VisitChoice>, ApiError> {
    let args = VisitArgs {
        sight_id,
        day: None,
        time: None,
    };
    invoke("visit_choice", &args).await
}

/// Puts a sight on a day of the trip at a time (`YYYY-MM-DD`, `HH:MM`).
pub async fn add_visit(sight_id: &str, day: &str, time: &str) -> Result<TripSnapshot, ApiError> {
    let args = VisitArgs {
        sight_id,
        day: Some(day),
        time: Some(time),
    };
    invoke("add_visit", &args).await
}

/// Takes a sight off a day of the trip again.
pub async fn remove_visit(sight_id: &str, day: &str) -> Result<TripSnapshot, ApiError> {
    let args = VisitArgs {
        sight_id,
        day: Some(day),
        time: None,
    };
    invoke("remove_visit", &args).await
}

/// The disruptions that hit the tourist's orders, with their ways out.
pub async fn disruptions() -> Result<Vec<Affected>, ApiError> {
    invoke("disruptions", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WayOutArgs<'a> {
    order_id: i64,
    disruption_id: i64,
    way_out: &'a str,
}

/// Applies one way out of a disruption: the order as it now stands.
pub async fn apply_way_out(
    order_id: i64,
    disruption_id: i64,
    way_out: &str,
) -> Result<Order, ApiError> {
    invoke(
        "apply_way_out",
        &WayOutArgs {
            order_id,
            disruption_id,
            way_out,
        },
    )
    .await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TripIdArg<'a> {
    trip_id: &'a str,
}

/// Writes the trip as an `.ics` file on the device (no network needed).
pub async fn export_calendar(trip_id: &str) -> Result<CalendarExport, ApiError> {
    invoke("export_calendar", &TripIdArg { trip_id }).await
}

/// Makes the trip's subscription link on the platform; an earlier one stops working.
pub async fn open_calendar_feed(trip_id: &str) -> Result<CalendarFeedLink, ApiError> {
    invoke("open_calendar_feed", &TripIdArg { trip_id }).await
}

pub async fn end_calendar_feed(trip_id: &str) -> Result<(), ApiError> {
    invoke("end_calendar_feed", &TripIdArg { trip_id }).await
}

#[derive(Serialize)]
struct HelpArgs<'a> {
    request: &'a CaseRequest,
    region: Option<&'a str>,
    place: Option<&'a str>,
}

/// Asks for help: the platform's case, or with no network the case as it waits to be sent
/// (a negative id).
pub async fn ask_for_help(
    request: &CaseRequest,
    region: Option<&str>,
    place: Option<&str>,
) -> Result<Case, ApiError> {
    invoke(
        "ask_for_help",
        &HelpArgs {
            request,
            region,
            place,
        },
    )
    .await
}

pub async fn cases() -> Result<Vec<Case>, ApiError> {
    invoke("cases", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SayArgs<'a> {
    case_id: i64,
    text: &'a str,
}

pub async fn say(case_id: i64, text: &str) -> Result<Case, ApiError> {
    invoke("say", &SayArgs { case_id, text }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CaseIdArg {
    case_id: i64,
}

pub async fn read_case(case_id: i64) -> Result<Case, ApiError> {
    invoke("read_case", &CaseIdArg { case_id }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ShareArgs<'a> {
    trip_id: &'a str,
    hours: u32,
}

/// Shares a trip read-only for `hours`; the answer alone carries the link's path.
pub async fn share_trip(trip_id: &str, hours: u32) -> Result<Share, ApiError> {
    invoke("share_trip", &ShareArgs { trip_id, hours }).await
}

pub async fn shares() -> Result<Vec<Share>, ApiError> {
    invoke("shares", &NoArgs {}).await
}

pub async fn end_share(id: i64) -> Result<Share, ApiError> {
    invoke("end_share", &IdArg { id }).await
}

pub async fn startup() -> Result<Startup, ApiError> {
    invoke("startup", &NoArgs {}).await
}

pub async fn discover(region: Option<&str>) -> Result<Option<DiscoverView>, ApiError> {
    invoke("discover", &RegionArg { region }).await
}

pub async fn sync_catalog() -> Result<SyncStatus, ApiError> {
    invoke("sync_catalog", &NoArgs {}).await
}

pub async fn set_language(lang: Lang) -> Result<(), ApiError> {
    invoke("set_language", &LangArg { lang }).await
}

// Tauri names command arguments in camelCase on the JavaScript side.

#[derive(Serialize)]
struct MobileArg<'a> {
    mobile: &'a str,
}

#[derive(Serialize)]
struct SignInArgs<'a> {
    mobile: &'a str,
    code: &'a str,
}

#[derive(Serialize)]
struct InputArg<'a> {
    input: &'a TravellerInput,
}

#[derive(Serialize)]
struct IdArg {
    id: i64,
}

#[derive(Serialize)]
struct QuoteArg<'a> {
    request: &'a QuoteRequest,
}

#[derive(Serialize)]
struct AvailabilityArgs<'a> {
    region: &'a str,
    date: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlaceOrderArgs<'a> {
    request: &'a OrderRequest,
    idempotency_key: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CashierArgs<'a> {
    payment_id: &'a str,
    approve: bool,
}

pub async fn request_code(mobile: &str) -> Result<CodeSent, ApiError> {
    invoke("request_code", &MobileArg { mobile }).await
}

pub async fn sign_in(mobile: &str, code: &str) -> Result<Session, ApiError> {
    invoke("sign_in", &SignInArgs { mobile, code }).await
}

pub async fn sign_out() -> Result<(), ApiError> {
    invoke("sign_out", &NoArgs {}).await
}

/// What the platform holds of the account.
pub async fn export_account() -> Result<AccountExport, ApiError> {
    invoke("export_account", &NoArgs {}).await
}

/// Deletes the account on the platform and everything of it on this device.
pub async fn delete_account() -> Result<(), ApiError> {
    invoke("delete_account", &NoArgs {}).await
}

pub async fn travellers() -> Result<Vec<Traveller>, ApiError> {
    invoke("travellers", &NoArgs {}).await
}

pub async fn add_traveller(input: &TravellerInput) -> Result<Traveller, ApiError> {
    invoke("add_traveller", &InputArg { input }).await
}

pub async fn remove_traveller(id: i64) -> Result<(), ApiError> {
    invoke("remove_traveller", &IdArg { id }).await
}

pub async fn booking_catalog() -> Result<Option<CatalogSnapshot>, ApiError> {
    invoke("booking_catalog", &RegionArg { region: None }).await
}

pub async fn quote(request: &QuoteRequest) -> Result<Quote, ApiError> {
    invoke("quote", &QuoteArg { request }).await
}

pub async fn availability(region: &str, date: &str) -> Result<Availability, ApiError> {
    invoke("availability", &AvailabilityArgs { region, date }).await
}

pub async fn place_order(request: &OrderRequest, idempotency_key: &str) -> Result<Order, ApiError> {
    invoke(
        "place_order",
        &PlaceOrderArgs {
            request,
            idempotency_key,
        },
    )
    .await
}

#[derive(Serialize)]
struct PlanArg<'a> {
    request: &'a PlanRequest,
}

/// Three plans: the platform's when it answers (`live`), else made on the device. No
/// feasible plan is an `invalid` error whose one field names the blocking constraint.
pub async fn plan_trip(request: &PlanRequest) -> Result<TripPlans, ApiError> {
    invoke("plan_trip", &PlanArg { request }).await
}

pub async fn orders() -> Result<Vec<Order>, ApiError> {
    invoke("orders", &NoArgs {}).await
}

pub async fn order(id: i64) -> Result<Order, ApiError> {
    invoke("order", &IdArg { id }).await
}

pub async fn cashier(payment_id: &str, approve: bool) -> Result<(), ApiError> {
    invoke(
        "cashier",
        &CashierArgs {
            payment_id,
            approve,
        },
    )
    .await
}

// The ticket wallet: read from the device first, refreshed from the platform when it answers.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PassArg<'a> {
    pass_id: &'a str,
}

/// The passes kept on the device (instant, works offline).
pub async fn wallet() -> Result<Vec<WalletPass>, ApiError> {
    invoke("wallet", &NoArgs {}).await
}

/// The passes fetched again from the platform; `Offline` when it cannot be reached, and the
/// device's copy is left as it was.
pub async fn refresh_wallet() -> Result<Vec<WalletPass>, ApiError> {
    invoke("refresh_wallet", &NoArgs {}).await
}

/// One pass with its QR code, drawn on the device.
pub async fn pass_qr(pass_id: &str) -> Result<PassQr, ApiError> {
    invoke("pass_qr", &PassArg { pass_id }).await
}

// Gate mode: staff sign in for one gate, then the shell verifies passes offline.

#[derive(Serialize)]
struct GateSignInArg<'a> {
    input: &'a GateSignIn,
}

#[derive(Serialize)]
struct CodeArg<'a> {
    code: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImageArg<'a> {
    data_url: &'a str,
}

pub async fn gate_sign_in(input: &GateSignIn) -> Result<GateStation, ApiError> {
    invoke("gate_sign_in", &GateSignInArg { input }).await
}

/// The gate station signed in on this device, if any.
pub async fn gate_station() -> Result<Option<GateStation>, ApiError> {
    invoke("gate_station", &NoArgs {}).await
}

/// Uploads the scan log and brings keys and revocations in. Being offline is not an
/// error here: the station comes back with `sync_error` set.
pub async fn gate_sync() -> Result<GateStation, ApiError> {
    invoke("gate_sync", &NoArgs {}).await
}

pub async fn gate_verify_code(code: &str) -> Result<GateResult, ApiError> {
    invoke("gate_verify_code", &CodeArg { code }).await
}

/// Verifies the QR code in a picture (`data:image/...;base64,...`), decoded by the shell.
pub async fn gate_verify_image(data_url: &str) -> Result<GateResult, ApiError> {
    invoke("gate_verify_image", &ImageArg { data_url }).await
}

pub async fn gate_sign_out() -> Result<(), ApiError> {
    invoke("gate_sign_out", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DrawnArgs {
    started_ms: f64,
    drawn_ms: f64,
}

/// Tells the shell the first Discover screen is on the glass (the start benchmark ends
/// there): `drawn_ms` after the page began to load, the UI's code having begun to run at
/// `started_ms`.
pub async fn first_screen_drawn(started_ms: f64, drawn_ms: f64) -> Result<(), ApiError> {
    invoke(
        "first_screen_drawn",
        &DrawnArgs {
            started_ms,
            drawn_ms,
        },
    )
    .await
}

/// Tells the shell the screens listen for reminders: it starts showing those due.
pub async fn listening_for_reminders() -> Result<(), ApiError> {
    invoke("listening_for_reminders", &NoArgs {}).await
}

// Offline writes: cancelling an order goes through the shell's outbox like the traveller
// writes above, so it works with no network and lands on the platform once.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrderIdArg {
    order_id: i64,
}

/// Cancels an order. Online: the platform's order, cancelled and refunded, or its
/// refusal. Offline: the device's copy unchanged, and the cancellation waits in
/// [`outbox`] until the next sync sends it.
pub async fn cancel_order(order_id: i64) -> Result<Order, ApiError> {
    invoke("cancel_order", &OrderIdArg { order_id }).await
}

/// Writes still waiting for the platform, and those it refused (oldest first).
pub async fn outbox() -> Result<Vec<tongyou_core::api::PendingWrite>, ApiError> {
    invoke("outbox", &NoArgs {}).await
}

/// Clears a refused write once the tourist has read why.
pub async fn outbox_dismiss(id: i64) -> Result<(), ApiError> {
    invoke("outbox_dismiss", &IdArg { id }).await
}

/// One region's catalog as stored on the device (the order page reads its refund rules).
pub async fn region_catalog(region: &str) -> Result<Option<CatalogSnapshot>, ApiError> {
    invoke(
        "booking_catalog",
        &RegionArg {
            region: Some(region),
        },
    )
    .await
}

// The guide pack: its status and download need the platform, reading it does not.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RegionIdArg<'a> {
    region_id: &'a str,
}

/// The version held on the device and, when the platform answers, what a download would
/// fetch (`latest` is `None` offline).
pub async fn guide_status(region_id: &str) -> Result<GuideStatus, ApiError> {
    invoke("guide_status", &RegionIdArg { region_id }).await
}

/// Downloads the region's guide pack (the shell emits `guide-progress` meanwhile) and
/// answers the pack now held; on failure the pack held before stays.
pub async fn download_guide(region_id: &str) -> Result<GuidePack, ApiError> {
    invoke("download_guide", &RegionIdArg { region_id }).await
}

/// The region's guide pack from the device, network or not; `NotFound` before the first
/// download.
pub async fn guide(region_id: &str) -> Result<GuidePack, ApiError> {
    invoke("guide", &RegionIdArg { region_id }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SightArg<'a> {
    region_id: &'a str,
    sight_id: &'a str,
}

/// How busy a sight is at this hour (online the platform's figure, offline the device's).
pub async fn crowd_now(
    region_id: &str,
    sight_id: &str,
) -> Result<tongyou_core::api::CrowdNow, ApiError> {
    invoke(
        "crowd_now",
        &SightArg {
            region_id,
            sight_id,
        },
    )
    .await
}
