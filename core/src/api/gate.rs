//! Gate and ticket-wallet contracts: gate staff sign-in, revocation deltas, scan-log
//! uploads and live counts over HTTP; the wallet and gate-station views over IPC.

use serde::{Deserialize, Serialize};

use super::{PassState, Session};
use crate::clock::ClockTime;
use crate::gate::Refusal;
use crate::text::Text;

/// Gate staff sign in with the same one-time code as tourists, for one gate of a region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GateSignIn {
    /// A mainland mobile number: 11 digits starting with 1; spaces, dashes and a leading
    /// `+86` are ignored.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "13800138000", min_length = 11, max_length = 40)
    )]
    pub mobile: String,
    pub code: String,
    pub region_id: String,
    pub gate_id: String,
}

/// A signed-in gate: the session carries the staff member's rights for `region_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GateSession {
    pub session: Session,
    pub region_id: String,
    pub gate_id: String,
}

/// The passes revoked since a cursor. Revocation is final, so the list only grows and a
/// gate keeps the last `cursor` and asks for what came after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevocationDelta {
    pub region_id: String,
    /// Pass ids (hex) revoked after the cursor that was asked for, oldest first.
    pub revoked: Vec<String>,
    /// Ask with this next time.
    pub cursor: i64,
}

/// One scan at a gate, good or bad, as the gate logged it offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GateScan {
    /// Hex of 16 random bytes made at the gate: the platform keeps one entry per nonce
    /// however often a log is uploaded.
    pub nonce: String,
    pub region_id: String,
    pub gate_id: String,
    /// RFC 3339.
    pub scanned_at: String,
    /// Hex pass id; none when the code could not be read.
    #[serde(default)]
    pub pass_id: Option<String>,
    /// Why it was refused; none when admitted.
    #[serde(default)]
    pub refusal: Option<Refusal>,
    /// People admitted (the pass's party); 0 when refused.
    pub people: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScanUpload {
    pub scans: Vec<GateScan>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScanReceipt {
    /// Scans the platform had not seen before.
    pub recorded: u32,
    /// Scans it already had (a replayed upload).
    pub duplicates: u32,
}

/// People admitted through one gate: the turnstile counts behind the live crowd level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GateCount {
    pub gate_id: String,
    /// Region-local `YYYY-MM-DDTHH`: the hour the people entered in.
    pub hour: String,
    pub people: u32,
}

/// One pass in the app's ticket wallet, read from the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletPass {
    pub pass_id: String,
    pub order_id: i64,
    pub region_id: String,
    pub product_id: String,
    pub name: Text,
    /// Masked holder name, for real-name tickets.
    #[serde(default)]
    pub holder: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[serde(default)]
    pub slot: Option<(ClockTime, ClockTime)>,
    /// The gates that admit it, by name.
    pub gates: Vec<Text>,
    pub state: PassState,
    /// The QR text.
    pub code: String,
}

/// A pass opened full screen: its QR code rendered on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassQr {
    pub pass: WalletPass,
    /// `data:image/png;base64,…`
    pub qr_png: String,
}

/// The gate station as its screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateStation {
    pub region_id: String,
    pub region_name: Text,
    pub gate_id: String,
    pub gate_name: Text,
    /// Masked mobile of the staff member signed in.
    pub staff: String,
    /// Public keys held.
    pub keys: u32,
    /// Revoked passes known.
    pub revoked: u32,
    /// When keys and revocations were last brought in (RFC 3339).
    #[serde(default)]
    pub synced_at: Option<String>,
    /// Scans logged here that the platform has not confirmed yet.
    pub pending_uploads: u32,
    pub admitted_today: u32,
    pub refused_today: u32,
    /// Why the latest sync failed, if it did, as a code: `offline`, `signed_out`,
    /// `platform` or `device`.
    #[serde(default)]
    pub sync_error: Option<String>,
}

/// The answer the gate screen shows after a scan: green or red, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateResult {
    pub admitted: bool,
    #[serde(default)]
    pub refusal: Option<Refusal>,
    pub message: Text,
    /// What the pass is for, when it could be read.
    #[serde(default)]
    pub product: Option<Text>,
    /// Adults, children, seniors.
    #[serde(default)]
    pub party: Option<(u8, u8, u8)>,
    #[serde(default)]
    pub slot: Option<(ClockTime, ClockTime)>,
    /// RFC 3339.
    pub scanned_at: String,
    pub nonce: String,
}
