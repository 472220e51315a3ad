//! IPC commands: each is one line, calling the [`Device`] method of the same name, so the
//! argument names here are the ones the UI sends and the logic is `tongyou-device`'s.
//! The two exceptions, [`first_screen_drawn`] and [`listening_for_reminders`], are about
//! the shell itself.

use tauri::{AppHandle, Runtime, State};
use tongyou_core::api::{
    AccountExport, Availability, CalendarExport, CalendarFeedLink, CatalogSnapshot, CodeSent,
    DiscoverView, GateResult, GateSignIn, GateStation, Order, OrderRequest, PassQr, PlanRequest,
    Quote, QuoteRequest, Session, Startup, SyncStatus, Traveller, TravellerInput, TripPlans,
    TripSnapshot, VisitChoice, WalletPass,
};
use tongyou_core::api::{Affected, Case, CaseRequest, CrowdNow, Preferences, Share};
use tongyou_core::guide::{GuidePack, GuideStatus};
use tongyou_core::text::Lang;
use tongyou_device::outbox::PendingWrite;
use tongyou_device::{CommandError, Device};

// Start-up, Discover and the catalog sync.

#[tauri::command]
pub fn startup(device: State<'_, Device>) -> Result<Startup, CommandError> {
    device.startup()
}

#[tauri::command]
pub fn discover(
    device: State<'_, Device>,
    region: Option<String>,
) -> Result<Option<DiscoverView>, CommandError> {
    device.discover(region)
}

#[tauri::command]
pub async fn sync_catalog(device: State<'_, Device>) -> Result<SyncStatus, CommandError> {
    device.sync_catalog().await
}

// The tourist's preferences.

#[tauri::command]
pub fn set_language(device: State<'_, Device>, lang: Lang) -> Result<(), CommandError> {
    device.set_language(lang)
}

// Sign-in, the session on the device, saved travellers and the account's data.

#[tauri::command]
pub async fn request_code(
    device: State<'_, Device>,
    mobile: String,
) -> Result<CodeSent, CommandError> {
    device.request_code(mobile).await
}

#[tauri::command]
pub async fn sign_in(
    device: State<'_, Device>,
    mobile: String,
    code: String,
) -> Result<Session, CommandError> {
    device.sign_in(mobile, code).await
}

#[tauri::command]
pub async fn sign_out(device: State<'_, Device>) -> Result<(), CommandError> {
    device.sign_out().await
}

#[tauri::command]
pub async fn export_account(device: State<'_, Device>) -> Result<AccountExport, CommandError> {
    device.export_account().await
}

#[tauri::command]
pub async fn delete_account(device: State<'_, Device>) -> Result<(), CommandError> {
    device.delete_account().await
}

#[tauri::command]
pub async fn travellers(device: State<'_, Device>) -> Result<Vec<Traveller>, CommandError> {
    device.travellers().await
}

#[tauri::command]
pub async fn add_traveller(
    device: State<'_, Device>,
    input: TravellerInput,
) -> Result<Traveller, CommandError> {
    device.add_traveller(input).await
}

#[tauri::command]
pub async fn remove_traveller(device: State<'_, Device>, id: i64) -> Result<(), CommandError> {
    device.remove_traveller(id).await
}

// Prices, availability, orders, the cashier and cancelling.

#[tauri::command]
pub fn booking_catalog(
    device: State<'_, Device>,
    region: Option<String>,
) -> Result<Option<CatalogSnapshot>, CommandError> {
    device.booking_catalog(region)
}

#[tauri::command]
pub fn quote(device: State<'_, Device>, request: QuoteRequest) -> Result<Quote, CommandError> {
    device.quote(request)
}

#[tauri::command]
pub async fn availability(
    device: State<'_, Device>,
    region: String,
    date: String,
) -> Result<Availability, CommandError> {
    device.availability(region, date).await
}

#[tauri::command]
pub async fn place_order(
    device: State<'_, Device>,
    request: OrderRequest,
    idempotency_key: String,
) -> Result<Order, CommandError> {
    device.place_order(request, idempotency_key).await
}

#[tauri::command]
pub async fn orders(device: State<'_, Device>) -> Result<Vec<Order>, CommandError> {
    device.orders().await
}

#[tauri::command]
pub async fn order(device: State<'_, Device>, id: i64) -> Result<Order, CommandError> {
    device.order(id).await
}

#[tauri::command]
pub async fn cancel_order(device: State<'_, Device>, order_id: i64) -> Result<Order, CommandError> {
    device.cancel_order(order_id).await
}

#[tauri::command]
pub async fn cashier(
    device: State<'_, Device>,
    payment_id: String,
    approve: bool,
) -> Result<(), CommandError> {
    device.cashier(payment_id, approve).await
}

// Trip plans.

#[tauri::command]
pub async fn plan_trip(
    device: State<'_, Device>,
    request: PlanRequest,
) -> Result<TripPlans, CommandError> {
    device.plan_trip(request).await
}

// The tourist's writes still waiting for the platform, or refused by it.

#[tauri::command]
pub fn outbox(device: State<'_, Device>) -> Result<Vec<PendingWrite>, CommandError> {
    device.outbox()
}

#[tauri::command]
pub fn outbox_dismiss(device: State<'_, Device>, id: i64) -> Result<(), CommandError> {
    device.outbox_dismiss(id)
}

// The ticket wallet and a pass's QR code.

#[tauri::command]
pub fn wallet(device: State<'_, Device>) -> Result<Vec<WalletPass>, CommandError> {
    device.wallet()
}

#[tauri::command]
pub async fn refresh_wallet(device: State<'_, Device>) -> Result<Vec<WalletPass>, CommandError> {
    device.refresh_wallet().await
}

#[tauri::command]
pub fn pass_qr(device: State<'_, Device>, pass_id: String) -> Result<PassQr, CommandError> {
    device.pass_qr(pass_id)
}

// Gate mode: staff sign-in, sync and offline verification.

#[tauri::command]
pub async fn gate_sign_in(
    device: State<'_, Device>,
    input: GateSignIn,
) -> Result<GateStation, CommandError> {
    device.gate_sign_in(input).await
}

#[tauri::command]
pub fn gate_station(device: State<'_, Device>) -> Result<Option<GateStation>, CommandError> {
    device.gate_station()
}

#[tauri::command]
pub async fn gate_sync(device: State<'_, Device>) -> Result<GateStation, CommandError> {
    device.gate_sync().await
}

#[tauri::command]
pub fn gate_verify_code(
    device: State<'_, Device>,
    code: String,
) -> Result<GateResult, CommandError> {
    device.gate_verify_code(code)
}

#[tauri::command]
pub async fn gate_verify_image(
    device: State<'_, Device>,
    data_url: String,
) -> Result<GateResult, CommandError> {
    device.gate_verify_image(data_url).await
}

#[tauri::command]
pub fn gate_sign_out(device: State<'_, Device>) -> Result<(), CommandError> {
    device.gate_sign_out()
}

// The trip.

#[tauri::command]
pub fn preferences(device: State<'_, Device>) -> Result<Preferences, CommandError> {
    device.preferences()
}

#[tauri::command]
pub fn set_reminder_lead(device: State<'_, Device>, minutes: u16) -> Result<(), CommandError> {
    device.set_reminder_lead(minutes)
}

#[tauri::command]
pub async fn disruptions(device: State<'_, Device>) -> Result<Vec<Affected>, CommandError> {
    device.disruptions().await
}

#[tauri::command]
pub async fn apply_way_out(
    device: State<'_, Device>,
    order_id: i64,
    disruption_id: i64,
    way_out: String,
) -> Result<Order, CommandError> {
    device.apply_way_out(order_id, disruption_id, way_out).await
}

#[tauri::command]
pub fn trip(device: State<'_, Device>) -> Result<TripSnapshot, CommandError> {
    device.trip()
}

#[tauri::command]
pub fn visit_choice(
    device: State<'_, Device>,
    sight_id: String,
) -> Result<Option<VisitChoice>, CommandError> {
    device.visit_choice(&sight_id)
}

#[tauri::command]
pub fn add_visit(
    device: State<'_, Device>,
    sight_id: String,
    day: String,
    time: String,
) -> Result<TripSnapshot, CommandError> {
    device.add_visit(&sight_id, &day, &time)
}

#[tauri::command]
pub fn remove_visit(
    device: State<'_, Device>,
    sight_id: String,
    day: String,
) -> Result<TripSnapshot, CommandError> {
    device.remove_visit(&sight_id, &day)
}

#[tauri::command]
pub fn export_calendar(
    device: State<'_, Device>,
    dir: State<'_, crate::ExportDir>,
    trip_id: String,
) -> Result<CalendarExport, CommandError> {
    device.export_calendar(&trip_id, &dir.0, chrono::Utc::now())
}

#[tauri::command]
pub async fn open_calendar_feed(
    device: State<'_, Device>,
    trip_id: String,
) -> Result<CalendarFeedLink, CommandError> {
    device.open_calendar_feed(&trip_id).await
}

#[tauri::command]
pub async fn end_calendar_feed(
    device: State<'_, Device>,
    trip_id: String,
) -> Result<(), CommandError> {
    device.end_calendar_feed(&trip_id).await
}

// Help: cases with their chat, and the tourist's shares of a trip.

#[tauri::command]
pub async fn ask_for_help(
    device: State<'_, Device>,
    request: CaseRequest,
    region: Option<String>,
    place: Option<String>,
) -> Result<Case, CommandError> {
    device.ask_for_help(request, region, place).await
}

#[tauri::command]
pub async fn cases(device: State<'_, Device>) -> Result<Vec<Case>, CommandError> {
    device.cases().await
}

#[tauri::command]
pub async fn say(
    device: State<'_, Device>,
    case_id: i64,
    text: String,
) -> Result<Case, CommandError> {
    device.say(case_id, text).await
}

#[tauri::command]
pub async fn read_case(device: State<'_, Device>, case_id: i64) -> Result<Case, CommandError> {
    device.read_case(case_id).await
}

#[tauri::command]
pub async fn share_trip(
    device: State<'_, Device>,
    trip_id: String,
    hours: u32,
) -> Result<Share, CommandError> {
    device.share_trip(trip_id, hours).await
}

#[tauri::command]
pub async fn shares(device: State<'_, Device>) -> Result<Vec<Share>, CommandError> {
    device.shares().await
}

#[tauri::command]
pub async fn end_share(device: State<'_, Device>, id: i64) -> Result<Share, CommandError> {
    device.end_share(id).await
}

// The guide pack.

#[tauri::command]
pub async fn guide_status(
    device: State<'_, Device>,
    region_id: String,
) -> Result<GuideStatus, CommandError> {
    device.guide_status(&region_id).await
}

/// Downloads the region's guide pack, telling the screens how far it has come with
/// `guide-progress` events (`[received, total]` bytes).
#[tauri::command]
pub async fn download_guide<R: Runtime>(
    app: AppHandle<R>,
    device: State<'_, Device>,
    region_id: String,
) -> Result<GuidePack, CommandError> {
    use tauri::Emitter;
    device
        .download_guide(&region_id, |received, total| {
            let _ = app.emit("guide-progress", (received, total));
        })
        .await
}

#[tauri::command]
pub fn guide(device: State<'_, Device>, region_id: String) -> Result<GuidePack, CommandError> {
    device.guide(&region_id)
}

#[tauri::command]
pub async fn crowd_now(
    device: State<'_, Device>,
    region_id: String,
    sight_id: String,
) -> Result<CrowdNow, CommandError> {
    device.crowd_now(&region_id, &sight_id).await
}

// The shell itself.

/// The UI has drawn its first Discover screen with data, `drawn_ms` after its page began
/// to load (its code began to run at `started_ms`). Under `--exit-when-drawn` (the start
/// benchmark) the app prints both and quits; otherwise nothing happens.
#[tauri::command]
pub fn first_screen_drawn<R: Runtime>(
    app: AppHandle<R>,
    exit: State<'_, crate::ExitWhenDrawn>,
    started_ms: f64,
    drawn_ms: f64,
) {
    if exit.0 {
        println!("drawn {started_ms:.0} {drawn_ms:.0}");
        app.exit(0);
    }
}

/// The screens listen for the `reminder` event now: the shell starts looking for reminders
/// that fell due (see `remind` in the crate root).
#[tauri::command]
pub fn listening_for_reminders(listening: State<'_, crate::ScreensListening>) {
    listening.0.notify_one();
}
