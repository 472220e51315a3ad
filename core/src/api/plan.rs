//! Trip-planning contracts: what the tourist asks for and the three plans they get back.

use serde::{Deserialize, Serialize};

use super::{Combo, Quote};
use crate::catalog::Fen;
use crate::clock::ClockTime;
use crate::text::Text;

/// What kind of trip the party enjoys; it decides which sights come first, the pace and
/// whether mornings start at sunrise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    Family,
    Seniors,
    /// Study and culture.
    Culture,
    /// Young people: sunrise, sunset, steep climbs.
    Night,
    Leisure,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanParty {
    pub adults: u8,
    /// Each child's age on the first day.
    #[serde(default)]
    pub children: Vec<u8>,
    /// People 60 or older.
    #[serde(default)]
    pub seniors: u8,
}

impl PlanParty {
    pub fn size(&self) -> u32 {
        u32::from(self.adults) + self.children.len() as u32 + u32::from(self.seniors)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRequest {
    pub region_id: String,
    /// First day, `YYYY-MM-DD`, region-local.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub start: String,
    /// 1 to 5.
    pub days: u8,
    pub party: PlanParty,
    pub profile: Profile,
    /// Most the whole party wants to spend, in yuan.
    #[serde(default)]
    pub budget_yuan: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// Least money: dorm beds, on foot where the party can walk.
    Budget,
    /// Off-peak: every sight at its quietest hour.
    Balanced,
    /// Best rooms, rides both ways, an unhurried pace.
    Comfort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Shuttle,
    /// Through a gate with the entry ticket.
    Enter,
    /// Cable car or funicular.
    Ride,
    Walk,
    Visit,
    Meal,
    Rest,
    /// Check in for the night.
    Hotel,
}

/// One timed step of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanStep {
    pub start: ClockTime,
    pub end: ClockTime,
    pub kind: StepKind,
    pub title: Text,
    /// The sight, lift, shuttle line, gate or hotel id.
    #[serde(default)]
    pub place_id: Option<String>,
    /// For walks: metres walked and metres climbed.
    #[serde(default)]
    pub walk: Option<(u32, u32)>,
    /// Forecast crowding at a visit, percent.
    #[serde(default)]
    pub crowd: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub steps: Vec<PlanStep>,
}

/// Something the plan needs that is bought on the day, outside the combo order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnTheDay {
    pub name: Text,
    pub cost: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub kind: PlanKind,
    pub title: Text,
    pub days: Vec<PlanDay>,
    /// What "book this plan" orders, in one combo.
    pub combo: Combo,
    /// The combo priced by the same rules as the order.
    pub quote: Quote,
    #[serde(default)]
    pub on_the_day: Vec<OnTheDay>,
    /// The combo plus what is bought on the day.
    pub total: Fen,
    pub highlights: Vec<Text>,
    /// Average forecast crowding over the visits, weighted by time, percent.
    pub crowd_exposure: u8,
    /// Why the plan is ordered as it is, in plain words.
    pub reasons: Vec<Text>,
}

/// No feasible plan: which constraint blocks it, and what to change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanBlocked {
    /// `slots`, `rooms`, `budget`, `dates` or `party`.
    pub constraint: String,
    pub message: Text,
}

/// The crowd forecast of a region on a date, per sight and hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrowdForecast {
    pub region_id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What kind of day it is (workday, weekend, a holiday and which day of it, a make-up
    /// working day).
    pub day: Text,
    /// Expected share of the region's daily capacity, percent.
    pub day_percent: u8,
    pub sights: Vec<SightCrowd>,
}

/// How busy one sight is now, for the guide's card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrowdNow {
    pub sight_id: String,
    /// Percent of the people it holds comfortably.
    pub percent: u8,
    pub level: crate::crowd::CrowdLevel,
    pub source: CrowdSource,
    /// Outside the sight's opening hours now: the card says it is closed, not how quiet.
    #[serde(default)]
    pub closed: bool,
}

/// Where a crowd level comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CrowdSource {
    /// The sight's sensor, a recent reading.
    Live,
    /// The platform's forecast for the hour, with the tickets sold.
    Forecast,
    /// The device's own model for the hour, with no network: no tickets or sensors known.
    Model,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SightCrowd {
    pub sight_id: String,
    pub name: Text,
    /// Forecast percent for each hour 0–23, region-local.
    pub hours: Vec<u8>,
    /// The live level from the sight's sensor, when a reading is recent (percent).
    #[serde(default)]
    pub live: Option<u8>,
    /// When that reading was taken (RFC 3339).
    #[serde(default)]
    pub live_at: Option<String>,
}

/// A head count at a sight from its sensor (turnstile or camera counter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SensorReading {
    pub region_id: String,
    pub sight_id: String,
    /// People at the sight now.
    pub people: u32,
    /// RFC 3339.
    pub at: String,
}

/// Plans as the app shows them (IPC): from the platform when it answers, else made on the
/// device from the crowd model alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripPlans {
    pub plans: Vec<Plan>,
    /// True when the platform planned on live availability and forecast; false when the
    /// device planned offline (places and rooms left were not checked).
    pub live: bool,
}
