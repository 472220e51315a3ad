//! Contracts of disruptions: what an operator posts (a closure, a late or cancelled
//! shuttle, a hotel that cannot honour a night), which of a tourist's orders it touches,
//! and the ways out offered for each.

use serde::{Deserialize, Serialize};

use super::Combo;
use crate::catalog::Fen;
use crate::clock::ClockTime;
use crate::text::Text;

/// What is disrupted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DisruptionKind {
    /// The whole scenic area is closed (a storm): no entry, no rides.
    AreaClosed,
    /// One sight is closed.
    SightClosed { sight_id: String },
    /// A cable car or the funicular has stopped (wind, maintenance).
    LiftStopped { lift_id: String },
    /// One entrance is closed; the area can still be entered at another that admits the
    /// same ticket.
    GateClosed { gate_id: String },
    /// A shuttle departure runs this many minutes late.
    ShuttleDelayed {
        line_id: String,
        departure: ClockTime,
        minutes: u16,
    },
    /// A shuttle departure does not run.
    ShuttleCancelled {
        line_id: String,
        departure: ClockTime,
    },
    /// A hotel cannot honour the nights in the range (overbooking, a water failure).
    HotelUnavailable { hotel_id: String },
}

/// `POST /api/v1/operator/disruptions` (and `PUT …/{id}` to change one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisruptionRequest {
    pub region_id: String,
    #[serde(flatten)]
    pub kind: DisruptionKind,
    /// Region-local `YYYY-MM-DDTHH:MM`; a shuttle's disruption names its day here (the
    /// departure is in `kind`).
    pub from: String,
    /// Region-local `YYYY-MM-DDTHH:MM`, after `from`.
    pub to: String,
    /// Why, in both languages: shown to every affected tourist.
    pub reason: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisruptionState {
    Active,
    Lifted,
}

/// A disruption as the platform keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Disruption {
    pub id: i64,
    pub region_id: String,
    #[serde(flatten)]
    pub kind: DisruptionKind,
    pub from: String,
    pub to: String,
    pub reason: Text,
    pub state: DisruptionState,
    /// RFC 3339.
    pub posted_at: String,
    /// How many orders it touched when last posted or changed.
    #[serde(default)]
    pub affected_orders: u32,
}

/// The ways out of a disruption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WayOutKind {
    /// Everything of the order moved one day later together.
    DelayOneDay,
    /// The disrupted thing swapped: another lift, the next departure or a later slot, a
    /// same-grade hotel nearby.
    Swap,
    /// The disrupted things (or the whole order) refunded in full.
    Refund,
}

/// One way out for one order, priced on the inventory as it was when offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WayOut {
    /// Names what it books, so the one a tourist chose is the one applied: `delay`
    /// (`delay-{slot}` into another slot), `swap-{lift, hotel, slot or HHMM departure}`,
    /// `refund`.
    pub id: String,
    pub kind: WayOutKind,
    /// What changes, in a sentence.
    pub summary: Text,
    /// The order as it would be booked after it; `None` for a refund.
    #[serde(default)]
    pub combo: Option<Combo>,
    /// What the new booking costs minus what the replaced part cost. Never charged: the
    /// tourist did nothing wrong; a negative difference comes back.
    pub price_difference: Fen,
    /// What goes back to the tourist.
    pub refund: Fen,
    /// Paid on top for the trouble (a replacement hotel).
    pub compensation: Fen,
    /// Lines of the order that are refunded or replaced, as `kind:product_id`.
    pub replaces: Vec<String>,
}

/// One of the tourist's orders caught by a disruption, with its ways out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Affected {
    pub disruption: Disruption,
    pub order_id: i64,
    /// What is hit, in a sentence ("the 08:00 shuttle runs 90 minutes late, after your
    /// entry slot ends").
    pub why: Text,
    pub ways_out: Vec<WayOut>,
    /// RFC 3339: untouched by then, the refund is applied.
    pub expires_at: String,
}

/// `POST /api/v1/orders/{id}/disruption`, with an `Idempotency-Key` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplyWayOut {
    pub disruption_id: i64,
    pub way_out: String,
}

/// One line of the operators' audit log: who did what, when, to which disruption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    /// The operator's account.
    pub account_id: i64,
    /// `post`, `update`, `lift`.
    pub action: String,
    #[serde(default)]
    pub disruption_id: Option<i64>,
    /// What was sent, as JSON.
    pub detail: String,
}
