//! The gate's decision, made offline: may this pass enter here, now?
//!
//! A gate station holds the platform's public keys ([`Keyring`]), the revocation list and
//! its own log of admissions; [`GateCheck::check`] applies every rule in a fixed order and
//! names the first one that fails. It stays pure: the caller says what "now" is and
//! answers "was this pass already admitted here?" from its own store, so the same rules
//! run on a phone at the gate, in tests and in the benchmark.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::pass::{Keyring, Pass, PassError};
use crate::text::Text;

/// Why a gate refused a pass. Stable codes: they travel in uploaded scan logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not a Tongyou pass, or damaged beyond reading.
    Unreadable,
    /// The signature does not match: forged or altered.
    Forged,
    /// Signed by a key this gate does not hold (or one that was retired).
    UnknownKey,
    /// Cancelled or replaced on the platform.
    Revoked,
    NotYetValid,
    Expired,
    /// For another scenic region.
    WrongSite,
    /// Scoped to other gates of this region.
    WrongGate,
    /// For a product this gate does not admit (a cable-car pass at an entrance).
    WrongProduct,
    /// Already admitted once at this gate.
    AlreadyUsed,
}

impl Refusal {
    /// What the gate screen says, and what the staff member should do.
    pub fn message(self) -> Text {
        let (zh, en) = match self {
            Refusal::Unreadable => (
                "无法识别：这不是通游票码，或二维码已损坏。请让游客重新打开票码。",
                "Unreadable: not a Tongyou pass, or the QR code is damaged. Ask the visitor to reopen it.",
            ),
            Refusal::Forged => (
                "伪造或被篡改：签名不符，禁止入园。",
                "Forged or altered: the signature does not match. Do not admit.",
            ),
            Refusal::UnknownKey => (
                "签名密钥未知：请联网同步闸机后重试。",
                "Signed with a key this gate does not know: sync the gate when online and try again.",
            ),
            Refusal::Revoked => (
                "票已作废（已退票或已更换）。",
                "This pass was cancelled or replaced.",
            ),
            Refusal::NotYetValid => ("未到使用日期。", "Not valid yet: it is for a later date."),
            Refusal::Expired => ("票已过期。", "Expired: its date has passed."),
            Refusal::WrongSite => ("不是本景区的票。", "This pass is for another scenic area."),
            Refusal::WrongGate => (
                "此票不能从本入口进入。",
                "This pass does not open this gate.",
            ),
            Refusal::WrongProduct => (
                "此票不适用于本检票口。",
                "This gate does not admit this product.",
            ),
            Refusal::AlreadyUsed => (
                "已在本检票口使用过，不能再次进入。",
                "Already used at this gate: a second entry is refused.",
            ),
        };
        Text::new(zh, en)
    }
}

impl From<PassError> for Refusal {
    fn from(e: PassError) -> Refusal {
        match e {
            PassError::UnknownKey(_) => Refusal::UnknownKey,
            PassError::BadSignature => Refusal::Forged,
            PassError::NotAPass
            | PassError::Version(_)
            | PassError::Length
            | PassError::Field(_) => Refusal::Unreadable,
        }
    }
}

/// Where the check happens: a region and one of its gates, with the products it admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatePost {
    pub site: String,
    pub gate: String,
    pub admits: Vec<String>,
}

/// What a gate station knows when offline.
#[derive(Debug, Clone, Default)]
pub struct GateCheck {
    pub keys: Keyring,
    /// Pass ids revoked on the platform, as of the gate's last sync.
    pub revoked: HashSet<[u8; 16]>,
}

impl GateCheck {
    /// Decides whether `text` may enter at `post` at `now` (Unix seconds). `admitted_here`
    /// answers whether this pass was already admitted at this gate. The first failing rule
    /// wins, in this order: readable, signature and key, site, gate, product, date, revoked,
    /// already used. Never panics, whatever `text` holds. A refusal carries the pass when
    /// it could be read, so the gate screen can say what was shown.
    // The refusal is as large as a pass by design; it is built once per scan.
    #[allow(clippy::result_large_err)]
    pub fn check(
        &self,
        post: &GatePost,
        text: &str,
        now: i64,
        admitted_here: impl FnOnce(&[u8; 16]) -> bool,
    ) -> Result<Pass, (Refusal, Option<Pass>)> {
        let pass = self
            .keys
            .verify(text)
            .map_err(|e| (Refusal::from(e), None))?;
        #[allow(clippy::result_large_err)]
        let refuse = |r: Refusal, pass: Pass| Err((r, Some(pass)));
        if pass.site != post.site {
            return refuse(Refusal::WrongSite, pass);
        }
        if !pass.gates.is_empty() && !pass.gates.contains(&post.gate) {
            return refuse(Refusal::WrongGate, pass);
        }
        if !post.admits.contains(&pass.product) {
            return refuse(Refusal::WrongProduct, pass);
        }
        if now < pass.valid_from {
            return refuse(Refusal::NotYetValid, pass);
        }
        if now >= pass.valid_until {
            return refuse(Refusal::Expired, pass);
        }
        if self.revoked.contains(&pass.pass_id) {
            return refuse(Refusal::Revoked, pass);
        }
        if admitted_here(&pass.pass_id) {
            return refuse(Refusal::AlreadyUsed, pass);
        }
        Ok(pass)
    }
}

#[cfg(test)]
mod tests;
