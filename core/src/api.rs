//! Every type that crosses a process boundary: the platform's HTTP API and the app's IPC.
//! These are contracts: change them only compatibly (add optional fields), or bump the
//! API version in the path.

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Fen, HotelArea, LiftKind, SightKind};
use crate::clock::ClockTime;
pub use crate::text::{Lang, Text};

mod booking;
mod disruption;
mod events;
mod gate;
mod plan;
mod support;
mod trip;
pub use booking::*;
pub use disruption::*;
pub use events::*;
pub use gate::*;
pub use plan::*;
pub use support::*;
pub use trip::*;

/// The path prefix of the current API version.
pub const API_PREFIX: &str = "/api/v1";

/// An error as any API answers it: a stable machine code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// For `invalid` input: which fields are wrong and why, in both languages, so a
    /// form can mark each field and keep everything the user typed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

/// One wrong field of a submitted form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name in the request body, such as `id_number`.
    pub field: String,
    pub message: Text,
}

impl FieldError {
    pub fn new(field: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            message: Text::new(zh, en),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    Invalid,
    /// No valid session, or the session does not allow this.
    Unauthorized,
    /// Slow down: asked again too soon or too often.
    TooManyRequests,
    Conflict,
    /// The platform could not be reached (only produced client-side).
    Offline,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// One line of the region list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionSummary {
    pub id: String,
    pub name: Text,
    pub demo: bool,
    /// Content version of the region's catalog; changes whenever the catalog does.
    pub catalog_version: String,
}

/// A region's whole catalog at one version: what a device stores to work offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogSnapshot {
    pub version: String,
    pub catalog: Catalog,
}

/// What the app knows about its link to the platform and its local data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Whether the latest attempt in this run reached the platform; `None` before the first.
    pub online: Option<bool>,
    /// Regions whose catalog is in the local store.
    pub regions: Vec<String>,
    /// When the catalog was last refreshed from the platform, in the device's local time
    /// (`YYYY-MM-DD HH:MM`), if ever.
    pub synced_at: Option<String>,
    /// Why the last sync failed, when it did.
    pub last_error: Option<String>,
}

/// What the app shows the moment it opens, read from the device alone in one call (each
/// call from the page is a round trip the first screen would wait for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Startup {
    /// The saved choice, else the system language.
    pub lang: Lang,
    /// `None` until a first sync has brought a catalog onto the device.
    pub discover: Option<DiscoverView>,
    pub status: SyncStatus,
    /// Who is signed in (never the token).
    pub session: Option<Session>,
    /// Set on a device signed in as a gate: the app opens on its station.
    pub station: Option<GateStation>,
    /// A trip is under way: the app opens on its timeline.
    pub trip_under_way: bool,
}

/// The app's saved preferences.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Preferences {
    /// `None` until the tourist picks one: then the system language decides.
    pub lang: Option<Lang>,
    /// How long before an entry slot, a departure or a check-in the trip's reminder
    /// comes; `None` until the tourist picks one (then [`Preferences::DEFAULT_LEAD_MINUTES`]).
    #[serde(default)]
    pub reminder_lead_minutes: Option<u16>,
}

impl Preferences {
    pub const DEFAULT_LEAD_MINUTES: u16 = 60;

    /// The reminders' lead as set, or the default hour.
    pub fn lead_minutes(&self) -> u16 {
        self.reminder_lead_minutes
            .unwrap_or(Self::DEFAULT_LEAD_MINUTES)
    }
}

/// The Discover screen of one region, ready to render in either language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoverView {
    pub region_id: String,
    pub name: Text,
    pub summary: Text,
    pub demo: bool,
    /// The local date the view was computed for (`YYYY-MM-DD`).
    pub date: String,
    pub season: Text,
    /// Today's full-price entry ticket.
    pub entry_price: Fen,
    pub sights: Vec<SightCard>,
    pub lifts: Vec<LiftCard>,
    pub hotels: Vec<HotelCard>,
    pub shuttles: Vec<ShuttleCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SightCard {
    pub id: String,
    pub kind: SightKind,
    pub name: Text,
    pub summary: Text,
    pub elevation_m: u32,
    /// `None`: open air, always accessible.
    pub hours: Option<(ClockTime, ClockTime)>,
    pub visit_minutes: u16,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiftCard {
    pub id: String,
    pub kind: LiftKind,
    pub name: Text,
    pub from: Text,
    pub to: Text,
    pub climb_m: u32,
    pub ride_minutes: u16,
    /// Today's operating hours.
    pub hours: (ClockTime, ClockTime),
    pub price: Fen,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HotelCard {
    pub id: String,
    pub name: Text,
    pub area: HotelArea,
    pub grade: u8,
    pub elevation_m: u32,
    /// The cheapest room type tonight.
    pub lowest_price: Fen,
    pub room_types: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShuttleCard {
    pub id: String,
    pub name: Text,
    pub from: Text,
    pub to: Text,
    pub ride_minutes: u16,
    pub price: Fen,
    /// The next few departures from now; empty when today's last has gone.
    pub next_departures: Vec<ClockTime>,
    /// Tomorrow's first departure, shown when none is left today.
    pub first_departure: ClockTime,
}

/// Ask for a one-time sign-in code by text message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRequest {
    /// A mainland mobile number: 11 digits starting with 1; spaces, dashes and a leading
    /// `+86` are ignored.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "13800138000", min_length = 11, max_length = 40)
    )]
    pub mobile: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSent {
    /// The number the code went to, masked (`138****8000`).
    pub mobile: String,
    pub expires_in_s: u32,
    /// A new code can be asked for after this many seconds.
    pub resend_after_s: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignIn {
    /// A mainland mobile number: 11 digits starting with 1; spaces, dashes and a leading
    /// `+86` are ignored.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "13800138000", min_length = 11, max_length = 40)
    )]
    pub mobile: String,
    /// The six digits texted.
    #[cfg_attr(feature = "openapi", schema(example = "123456"))]
    pub code: String,
}

/// A signed-in session: send `token` as `Authorization: Bearer <token>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub token: String,
    pub account_id: i64,
    /// Masked.
    pub mobile: String,
    /// RFC 3339.
    pub expires_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// Mainland resident identity card (居民身份证), GB 11643-1999.
    ResidentId,
    Passport,
}

/// A saved traveller (常用旅客) as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TravellerInput {
    /// 1 to 40 characters, no control characters (line breaks, tabs).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub name: String,
    pub id_kind: IdKind,
    /// A resident ID: 18 characters (GB 11643: 17 digits and a check character, 0-9 or X,
    /// with a real birth date inside). A passport: 5 to 20 letters and digits.
    #[cfg_attr(feature = "openapi", schema(min_length = 5, max_length = 20))]
    pub id_number: String,
    /// `YYYY-MM-DD`; taken from a resident ID when omitted, required for a passport.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub birth_date: Option<String>,
    /// The version of the privacy notice the tourist agreed to
    /// (`core::privacy::NOTICE_VERSION`): needed with an account's first saved traveller,
    /// until the account has agreed to the current notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<String>,
}

/// Everything the platform holds of an account, as its owner exports it (PIPL's right of
/// access): ID numbers masked, as everywhere else the platform answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountExport {
    /// RFC 3339.
    pub exported_at: String,
    pub account_id: i64,
    /// Masked.
    pub mobile: String,
    /// RFC 3339.
    pub created_at: String,
    /// The privacy notice version agreed to, and when (RFC 3339).
    #[serde(default)]
    pub consent: Option<(String, String)>,
    pub travellers: Vec<Traveller>,
    pub orders: Vec<Order>,
    /// Sessions open (signed-in devices).
    pub sessions: u32,
    /// The account's trip shares, each with who reached the trip through it.
    #[serde(default)]
    pub shares: Vec<Share>,
    /// Support cases with their chat.
    #[serde(default)]
    pub cases: Vec<Case>,
}

/// A saved traveller as the platform returns it: the ID number only ever masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Traveller {
    pub id: i64,
    pub name: String,
    pub id_kind: IdKind,
    pub id_masked: String,
    pub birth_date: String,
}
