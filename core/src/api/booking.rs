//! Contracts of combo booking: building a combo, its price quote, orders with their
//! sub-orders and passes, payment, and the dev-only fault switches the tests use.

use serde::{Deserialize, Serialize};

use super::{ApiError, Traveller};
use crate::catalog::{Fen, ProductKind};
use crate::clock::ClockTime;
use crate::text::Text;

/// What a tourist puts together on the Book screen. Everything is for one region and
/// starts on one date: the visit (entry slot, rides, shuttles) and the hotel check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Combo {
    pub region_id: String,
    /// `YYYY-MM-DD`, region-local.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: String,
    /// The timed-entry slot for an entry ticket each; `None` books no entry ticket.
    #[serde(default)]
    pub slot_id: Option<String>,
    /// Rides and rentals (cable car, funicular, audio guide), one each per traveller.
    #[serde(default)]
    pub add_ons: Vec<String>,
    #[serde(default)]
    pub hotel: Option<HotelStay>,
    /// Shuttle departures on `date`, one seat each per traveller.
    #[serde(default)]
    pub shuttles: Vec<ShuttleSeat>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotelStay {
    pub hotel_id: String,
    pub room_type_id: String,
    pub rooms: u8,
    pub nights: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShuttleSeat {
    pub line_id: String,
    pub departure: ClockTime,
}

/// A member of the party as pricing sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Guest {
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// A full-time student who will show the card at the gate.
    #[serde(default)]
    pub student: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteRequest {
    pub combo: Combo,
    pub guests: Vec<Guest>,
}

/// The price of a combo, line by line, with every discount explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quote {
    pub lines: Vec<QuoteLine>,
    /// Before any discount.
    pub full_total: Fen,
    /// To pay.
    pub total: Fen,
    /// Linked offers that applied.
    pub offers: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteLine {
    pub kind: ProductKind,
    pub product_id: String,
    pub name: Text,
    /// Index into the party for per-person lines (entry tickets).
    #[serde(default)]
    pub guest: Option<u32>,
    /// Units: people, rooms × nights, seats.
    pub quantity: u32,
    pub full: Fen,
    pub pay: Fen,
    /// Why `pay` differs from `full`, and other facts worth knowing (the dates, the slot).
    pub notes: Vec<Text>,
}

/// A traveller on an order: a saved traveller, so the real-name ticket carries their ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderTraveller {
    pub traveller_id: i64,
    #[serde(default)]
    pub student: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// The Tongyou wallet: charged at once.
    Wallet,
    /// Redirect to the provider's cashier; the result arrives by callback.
    WechatPay,
    Alipay,
}

/// `POST /api/v1/orders`, with an `Idempotency-Key` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderRequest {
    pub combo: Combo,
    pub travellers: Vec<OrderTraveller>,
    pub payment: PaymentMethod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Everything is held; waiting for the payment provider's callback.
    AwaitingPayment,
    /// Paid, every sub-order confirmed (some possibly adjusted), passes issued.
    Confirmed,
    /// Paid, but a sub-order could not be confirmed nor replaced: it was refunded.
    PartlyConfirmed,
    /// Nothing was charged: a hold failed or the payment was declined. Holds released.
    Failed,
    /// Payment did not arrive before the holds expired. Nothing charged.
    Expired,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Scenic,
    Hotel,
    Transport,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Scenic, Provider::Hotel, Provider::Transport];

    pub fn of(kind: ProductKind) -> Provider {
        match kind {
            ProductKind::Ticket | ProductKind::Lift => Provider::Scenic,
            ProductKind::Hotel => Provider::Hotel,
            ProductKind::Shuttle => Provider::Transport,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubOrderState {
    Held,
    Confirmed,
    /// Confirmed with a replacement (a same-grade hotel nearby) and compensation.
    Adjusted,
    /// The hold was given back before payment.
    Released,
    /// Could not be held, or could not be confirmed after payment and was refunded.
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubOrder {
    pub id: i64,
    pub provider: Provider,
    pub state: SubOrderState,
    /// The quote lines this sub-order covers.
    pub lines: Vec<QuoteLine>,
    pub amount: Fen,
    pub refunded: Fen,
    /// What happened, when it is not simply confirmed: the replacement, the refund.
    #[serde(default)]
    pub note: Option<Text>,
    /// A shuttle's vehicle and driver, once the transport module has assigned them (the
    /// evening before; they may change).
    #[serde(default)]
    pub vehicle: Option<Vehicle>,
}

/// The vehicle and driver of a booked shuttle departure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Vehicle {
    /// The plate, as written on the vehicle (`皖J·12345`).
    pub plate: String,
    /// The driver's name as the transport company gives it (`王师傅`).
    pub driver: String,
    /// The driver's work phone, to call on the day.
    pub driver_phone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    Pending,
    Paid,
    Declined,
    /// Some or all of a paid amount went back.
    Refunded,
    /// Never asked for: the order failed before payment.
    NotTaken,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    pub id: String,
    pub method: PaymentMethod,
    pub state: PaymentState,
    pub amount: Fen,
    pub refunded: Fen,
    /// For redirect methods while pending: the provider's cashier page.
    #[serde(default)]
    pub redirect_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PassState {
    Valid,
    /// Cancelled or replaced: gates refuse it once they have synced.
    Revoked,
    /// Admitted at a gate at least once (known once the gate's scan log is uploaded).
    Used,
}

/// A signed pass as issued: `code` is what the QR code holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedPass {
    /// Hex of the 16-byte pass id.
    pub pass_id: String,
    pub sub_order_id: i64,
    pub product_id: String,
    pub name: Text,
    /// The holder's name, masked (`张*`), for real-name entry tickets.
    #[serde(default)]
    pub holder: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[serde(default)]
    pub slot: Option<(ClockTime, ClockTime)>,
    pub code: String,
    pub state: PassState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: i64,
    pub region_id: String,
    pub date: String,
    pub state: OrderState,
    /// RFC 3339.
    pub created_at: String,
    /// While awaiting payment: when the holds lapse (RFC 3339).
    #[serde(default)]
    pub holds_expire_at: Option<String>,
    pub quote: Quote,
    /// What was booked, as asked (the slot, rides, hotel stay, shuttle departures): what
    /// the trip's timeline is built from. Orders placed before it was kept have none.
    #[serde(default)]
    pub combo: Option<Combo>,
    pub payment: Payment,
    pub sub_orders: Vec<SubOrder>,
    pub passes: Vec<IssuedPass>,
    /// Why the order failed, expired or is only partly confirmed.
    #[serde(default)]
    pub problem: Option<Text>,
}

/// The payment provider's notification of a result, signed with the shared secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentCallback {
    pub payment_id: String,
    pub paid: bool,
    /// Hex HMAC-SHA256 of `payment_id:paid` under the provider's secret.
    pub signature: String,
}

/// The simulated cashier's two buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CashierAction {
    pub approve: bool,
}

/// Dev mode only: make one provider fail at one step, to test the saga's outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fault {
    pub target: FaultTarget,
    pub step: FaultStep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FaultTarget {
    Scenic,
    Hotel,
    Transport,
    Payment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FaultStep {
    Hold,
    Confirm,
    Release,
    /// Payment only: the charge is declined.
    Charge,
}

/// Remaining places and rooms, for the Book screen's pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Availability {
    pub date: String,
    /// Per entry slot id.
    pub slots: Vec<(String, u32)>,
}

/// A pass-verifying key, as gates download it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicKey {
    pub key_id: u16,
    /// Hex of the 32-byte Ed25519 public key.
    pub public_key: String,
    /// Always empty: passes no longer carry a holder hash, and the salt of the ones that
    /// did is not published (it let anyone reverse the hash). Kept for older apps.
    #[serde(default)]
    pub holder_salt: String,
    /// Retired keys no longer verify (RFC 3339).
    #[serde(default)]
    pub retired_at: Option<String>,
}

/// A queued write as the outbox screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingWrite {
    pub id: i64,
    pub kind: WriteKind,
    /// For a cancellation.
    pub order_id: Option<i64>,
    /// For a traveller added or removed, as the device shows them: masked, and under a
    /// provisional negative id while waiting to be added.
    pub traveller: Option<Traveller>,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// Tries so far.
    pub attempts: u32,
    /// Why the latest try did not get through; it is tried again at the next sync.
    pub last_error: Option<String>,
    /// The platform refused it: not tried again; `outbox_dismiss` clears it.
    pub refusal: Option<ApiError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteKind {
    CancelOrder,
    AddTraveller,
    RemoveTraveller,
    /// A help request made with no network (its case shows with the id `-id`).
    OpenCase,
}
