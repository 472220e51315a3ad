//! Contracts of support: a tourist's trip shares (read-only, scoped to one trip, expiring,
//! revocable, every view listed), support cases with their chat, and the agents' console.
//!
//! A share carries no ID numbers and no mobile numbers: the trip's timeline, its passes'
//! states and the holders' masked names, nothing else of the tourist.

use serde::{Deserialize, Serialize};

use super::{Affected, PassState, TripView};
use crate::catalog::GeoPoint;
use crate::text::Text;

/// A tourist asks to share one trip until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareRequest {
    /// `{region}-{order}`, as in [`TripView::trip_id`].
    pub trip_id: String,
    /// RFC 3339; after now and at most 30 days ahead ([`crate::support::MAX_SHARE`]).
    pub expires_at: String,
}

/// One share of a trip, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share {
    pub id: i64,
    pub trip_id: String,
    /// The address that opens the trip in a browser (`/s/{token}`), present only in the
    /// answer that made the share: the platform keeps the token's hash alone.
    #[serde(default)]
    pub path: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub expires_at: String,
    /// RFC 3339, when the tourist ended it.
    #[serde(default)]
    pub ended_at: Option<String>,
    /// Live: neither ended nor expired.
    pub live: bool,
    /// The support case the share was made for, if any.
    #[serde(default)]
    pub case_id: Option<i64>,
    /// Every time someone looked at the trip or acted on it through the share, newest first.
    #[serde(default)]
    pub views: Vec<ShareAccess>,
}

/// Someone reached the trip through a share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareAccess {
    /// RFC 3339.
    pub at: String,
    /// `link` (whoever has the address) or the agent's display name.
    pub who: String,
    /// What they did: `viewed`, or an action's name.
    pub what: String,
}

/// A trip as a share shows it: read-only, nothing personal beyond masked names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedTrip {
    pub trip: TripView,
    pub passes: Vec<SharedPass>,
    /// RFC 3339: the share stops answering then.
    pub expires_at: String,
}

/// One pass of a shared trip and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedPass {
    pub pass_id: String,
    pub order_id: i64,
    pub sub_order_id: i64,
    pub name: Text,
    /// Masked (`张*`).
    #[serde(default)]
    pub holder: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub state: PassState,
    /// The gate that let it through, when used.
    #[serde(default)]
    pub used_gate: Option<String>,
    /// RFC 3339, when used.
    #[serde(default)]
    pub used_at: Option<String>,
}

/// What a case is about. A refusal at a gate goes to the front of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseCategory {
    /// A gate did not let the party in.
    GateRefused,
    /// A shuttle, lift or slot missed or about to be.
    Transport,
    /// Something booked is not as booked (a hotel, a ticket, a pass).
    Booking,
    /// Lost, hurt or unwell.
    Safety,
    Other,
}

/// A tourist opens a case. Sent with an `Idempotency-Key`: an app that was offline sends
/// it from its outbox, and the same key lands one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseRequest {
    pub category: CaseCategory,
    /// May be empty: one tap is enough. At most [`crate::support::MAX_MESSAGE`] characters.
    #[serde(default)]
    pub message: String,
    /// The trip to share with the agent (for 72 hours), if any.
    #[serde(default)]
    pub trip_id: Option<String>,
    /// The timeline item or pass the help button was on (`41-7-entry`, a pass id).
    #[serde(default)]
    pub item: Option<String>,
    /// The last known position, if the tourist has one to give.
    #[serde(default)]
    pub location: Option<GeoPoint>,
    /// RFC 3339, when the tourist tapped (an outbox may send it much later).
    #[serde(default)]
    pub asked_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// In the queue: no agent has it.
    Waiting,
    /// An agent has it.
    Claimed,
    Closed,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Tourist,
    Agent,
    /// The platform itself (claimed, handed over, closed).
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    /// Grows within the platform: orders a case's messages.
    pub id: i64,
    pub author: Author,
    /// The agent's display name, for an agent's message.
    #[serde(default)]
    pub agent: Option<String>,
    pub text: String,
    /// RFC 3339.
    pub at: String,
}

/// A message typed by the tourist or an agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageRequest {
    pub text: String,
}

/// A case as the tourist sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    pub id: i64,
    pub category: CaseCategory,
    pub state: CaseState,
    /// RFC 3339.
    pub opened_at: String,
    #[serde(default)]
    pub trip_id: Option<String>,
    #[serde(default)]
    pub item: Option<String>,
    /// The share made with the case, if a trip was shared.
    #[serde(default)]
    pub share_id: Option<i64>,
    /// The agent's display name, once one has it.
    #[serde(default)]
    pub agent: Option<String>,
    pub messages: Vec<Message>,
    /// Messages from the other side after the last one this side read.
    pub unread: u32,
}

/// The console's sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentSignIn {
    pub login: String,
    pub password: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgentRole {
    Agent,
    /// An agent who also reads the audit log and hands over others' cases.
    Supervisor,
}

/// The signed-in agent. The session itself is an `HttpOnly` cookie; `csrf` goes back in
/// the `X-CSRF-Token` header of every write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentMe {
    pub login: String,
    pub name: String,
    pub role: AgentRole,
    pub csrf: String,
}

/// One case in the console's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueEntry {
    pub case_id: i64,
    pub category: CaseCategory,
    pub state: CaseState,
    /// Why it goes first, when it does.
    #[serde(default)]
    pub urgent: Option<Text>,
    /// RFC 3339.
    pub opened_at: String,
    /// Seconds since it opened.
    pub waiting_s: i64,
    /// The agent who has it.
    #[serde(default)]
    pub agent: Option<String>,
    /// The newest message's first words.
    #[serde(default)]
    pub last_message: Option<String>,
    /// Messages from the tourist after the last one an agent read.
    pub unread: u32,
    /// The case's trip share is live: ending it (or its expiry) changes the line, so an
    /// open console page learns at once that the trip is gone.
    #[serde(default)]
    pub shared: bool,
}

/// What changed in the console's queue since the stream's last message: the lines that
/// are new or changed, and the cases that left it (closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueChanges {
    pub lines: Vec<QueueEntry>,
    #[serde(default)]
    pub left: Vec<i64>,
}

/// A case as an agent sees it: the chat, where the tourist is, and the trip while the share
/// is live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseDetail {
    pub case: Case,
    #[serde(default)]
    pub urgent: Option<Text>,
    #[serde(default)]
    pub location: Option<GeoPoint>,
    /// The trip through the case's share; `None` once the share ended or expired.
    #[serde(default)]
    pub trip: Option<SharedTrip>,
    /// The trip's orders caught by a disruption, each with the ways out an agent may apply
    /// for the tourist; empty without a live share.
    #[serde(default)]
    pub disruptions: Vec<Affected>,
}

/// An agent gives a case to another agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandOver {
    pub to_login: String,
}

/// One line of the support audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportAudit {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    /// The agent's login.
    pub agent: String,
    /// `signed_in`, `viewed`, `claimed`, `handed_over`, `sent_message`, `closed`, and the
    /// actions on a case's trip: `viewed_refunds`, `refund`, `reissued_pass`,
    /// `applied_way_out`.
    pub action: String,
    #[serde(default)]
    pub case_id: Option<i64>,
    #[serde(default)]
    pub share_id: Option<i64>,
    #[serde(default)]
    pub detail: Option<String>,
}

/// Something an agent may refund for the tourist: one line of a sub-order in the case's
/// shared trip, with its refund rule and what would go back if refunded now. The console
/// shows this before the agent confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundOption {
    pub order_id: i64,
    pub sub_order_id: i64,
    /// `kind:product_id` (`ticket:audio-guide`), as `crate::disruption::line_key` makes
    /// it: names the line in [`RefundLine`].
    pub line: String,
    pub name: Text,
    /// What was paid for the line, in fen.
    pub paid_fen: i64,
    /// What goes back if refunded now, by [`RefundOption::rule`], in fen.
    pub refund_fen: i64,
    /// The product's refund rule, as the tourist agreed to it.
    pub rule: Text,
    /// Why it cannot be refunded (its pass was used, it was refunded already), if so.
    #[serde(default)]
    pub blocked: Option<Text>,
}

/// An agent refunds one line of the shared trip under its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundLine {
    pub order_id: i64,
    /// As in [`RefundOption::line`].
    pub line: String,
}

/// An agent re-issues one pass of the shared trip (the old one is revoked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReissuePass {
    pub pass_id: String,
}

/// An agent applies one way out of a disruption for the tourist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentWayOut {
    pub order_id: i64,
    pub disruption_id: i64,
    pub way_out: String,
}
