//! The platform's live events for one account (`GET /api/v1/events`, server-sent events).
//!
//! Each event names what changed and carries the order as it now is, so a device applies
//! it by keeping the newer copy: the same event twice changes nothing, and a device that
//! missed events re-reads the orders (`GET /api/v1/orders`) instead of guessing.

use serde::{Deserialize, Serialize};

use super::Order;

/// What happened to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A sub-order's state changed (confirmed, adjusted, failed, cancelled…).
    SubOrderStatus,
    /// A shuttle's vehicle and driver were assigned or changed.
    VehicleAssigned,
    /// A pass was used at a gate.
    PassUsed,
    /// A pass was revoked.
    PassRevoked,
    /// The order was cancelled.
    OrderCancelled,
    /// A disruption hits the order (posted, changed or lifted): its ways out are at
    /// `GET /api/v1/disruptions`.
    Disruption,
}

/// One event on an account's stream. `id` grows with every event the platform records
/// (across accounts), so it orders events and resumes a stream (`Last-Event-ID`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: i64,
    pub kind: EventKind,
    /// When it happened (RFC 3339, UTC).
    pub at: String,
    pub order_id: i64,
    /// The order after the change.
    pub order: Order,
}

/// The Trip screen's data: the trip under way or next (or the latest), and when the device
/// last heard from the platform about its orders, for "as of HH:MM" while offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TripSnapshot {
    #[serde(default)]
    pub trip: Option<super::TripView>,
    /// RFC 3339; `None` before the first fetch of the orders.
    #[serde(default)]
    pub heard_at: Option<String>,
}
