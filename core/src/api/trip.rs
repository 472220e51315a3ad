//! Contracts of itinerary tracking: one trip's timeline as the Trip screen and the agent
//! console show it, what is on now and next, and the reminders a device schedules.
//!
//! Times are region-local and written `YYYY-MM-DDTHH:MM` (no seconds, no offset): the
//! region's UTC offset is in its catalog, and a timeline is always read in the region.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{Lang, Vehicle};
use crate::catalog::{GeoPoint, LiftKind, OpeningHours};
use crate::clock::ClockTime;
use crate::text::Text;

/// One trip, ready to render: the list of items, the walks between them and, when the
/// view was made for a moment, the now/next card for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TripView {
    /// `{region}-{lowest order id}`: stays the same while orders are added to the trip.
    pub trip_id: String,
    pub region_id: String,
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub first_day: String,
    /// `YYYY-MM-DD`: the last check-out or visit day.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub last_day: String,
    pub order_ids: Vec<i64>,
    /// Every item in time order, cancelled and failed ones included (shown struck out).
    pub items: Vec<TimelineItem>,
    /// The walks between consecutive items of a day that both have a place on the map.
    pub legs: Vec<WalkingLeg>,
    /// What is on at `as_of`, when the view was made for a moment.
    #[serde(default)]
    pub now_next: Option<NowNext>,
    /// The region-local moment the view was made for (`YYYY-MM-DDTHH:MM`).
    #[serde(default, with = "local_minute_opt")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
    )]
    pub as_of: Option<NaiveDateTime>,
}

/// One thing booked, at its time and place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineItem {
    /// `{order}-{sub-order}-{what}`, such as `41-7-entry` or `41-9-shuttle-tangkou-yungu`:
    /// the same on every rebuild, and when the item's time changes, so a device can
    /// reschedule or cancel what it keyed by it.
    pub id: String,
    pub order_id: i64,
    /// The provider's sub-order the item belongs to, when the order lists it.
    #[serde(default)]
    pub sub_order_id: Option<i64>,
    pub kind: ItemKind,
    pub title: Text,
    #[serde(with = "local_minute")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$", example = "2026-07-15T06:00")
    )]
    pub start: NaiveDateTime,
    /// When it ends, if it lasts (a slot, a ride, a shuttle trip).
    #[serde(default, with = "local_minute_opt")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
    )]
    pub end: Option<NaiveDateTime>,
    /// The time is the timeline's estimate, not booked (rides and rentals have no time).
    #[serde(default)]
    pub estimated: bool,
    /// Where to go for it.
    pub place: Text,
    #[serde(default)]
    pub location: Option<GeoPoint>,
    #[serde(default)]
    pub elevation_m: Option<u32>,
    /// The guide's point of interest where it happens (`core::guide`): the gate, the
    /// station boarded at, the hotel. `None` when the place is not known yet (an entry
    /// with several gates and nothing telling which).
    #[serde(default)]
    pub guide_place: Option<String>,
    pub status: ItemStatus,
    /// Ids of the passes that open it (`IssuedPass::pass_id`), revoked ones left out.
    #[serde(default)]
    pub passes: Vec<String>,
    #[serde(default)]
    pub what_to_bring: Vec<Text>,
    /// What happened, when it is not simply booked: the replacement, the refund.
    #[serde(default)]
    pub note: Option<Text>,
}

/// What an item is, with what the screen shows for that kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemKind {
    /// Through a gate inside a timed-entry slot.
    Entry {
        slot_id: String,
        /// Every gate the ticket opens; `place` is the one the party is likely to use.
        gates: Vec<GateRef>,
    },
    /// A cable car or funicular.
    Ride {
        lift_id: String,
        lift_kind: LiftKind,
        lower: Text,
        upper: Text,
        direction: RideDirection,
    },
    /// A shuttle departure.
    Shuttle {
        line_id: String,
        line: Text,
        /// Where to board.
        boarding: Text,
        destination: Text,
        /// Seats booked.
        seats: u32,
        /// Plate, driver and phone, once the transport module has assigned them.
        #[serde(default)]
        vehicle: Option<Vehicle>,
    },
    HotelCheckIn {
        hotel_id: String,
        hotel: Text,
        #[serde(default)]
        room_type: Option<Text>,
        rooms: u8,
        nights: u8,
        address: Text,
    },
    HotelCheckOut {
        hotel_id: String,
        hotel: Text,
        address: Text,
    },
    /// Picking up something rented, such as the audio guide.
    Rental { product_id: String },
    /// A sight the tourist added to a day from the guide: their own plan, nothing booked
    /// (see [`DayVisit`]).
    Visit { sight_id: String },
}

impl ItemKind {
    /// The kind as its `type` tag spells it (`entry`, `hotel_check_in`…), for tests and CSS.
    pub fn key(&self) -> &'static str {
        match self {
            ItemKind::Entry { .. } => "entry",
            ItemKind::Ride { .. } => "ride",
            ItemKind::Shuttle { .. } => "shuttle",
            ItemKind::HotelCheckIn { .. } => "hotel_check_in",
            ItemKind::HotelCheckOut { .. } => "hotel_check_out",
            ItemKind::Rental { .. } => "rental",
            ItemKind::Visit { .. } => "visit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GateRef {
    pub id: String,
    pub name: Text,
    pub location: GeoPoint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RideDirection {
    Up,
    Down,
}

/// An item's state, from its sub-order and its passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Held while the order waits for payment.
    Held,
    Confirmed,
    /// Not booked: the hold failed, lapsed or could not be confirmed.
    Failed,
    /// Confirmed with a change (a replacement hotel); see the item's note.
    Adjusted,
    Cancelled,
    /// Its pass was used at a gate.
    Used,
    /// The tourist's own plan, nothing booked: a visit added from the guide.
    Planned,
}

impl ItemStatus {
    /// Will happen, or has: everything but cancelled and failed items.
    pub fn is_on(self) -> bool {
        !matches!(self, ItemStatus::Cancelled | ItemStatus::Failed)
    }
}

/// A sight the tourist added to a day of the trip, from the guide's card. Theirs alone,
/// kept on their device: the timeline shows it among the booked things, with the walks to
/// and from it, and it is taken off again as simply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayVisit {
    pub sight_id: String,
    /// Region-local `YYYY-MM-DDTHH:MM`.
    #[serde(with = "local_minute")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub at: NaiveDateTime,
}

/// What the guide's card offers to add a sight to the trip: the trip's days, a time that
/// fits the day and the sight's hours, and whether the sight is on the trip already.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitChoice {
    pub sight_id: String,
    /// The trip's days, `YYYY-MM-DD`, first to last.
    pub days: Vec<String>,
    /// The day offered first: today while the trip is under way, else its first day.
    pub day: String,
    /// A time on `day` after what is booked then and within the sight's hours.
    pub time: ClockTime,
    /// The sight's hours, when it keeps any.
    #[serde(default)]
    pub hours: Option<OpeningHours>,
    pub visit_minutes: u16,
    /// The timeline item of this sight when it is on the trip already (added before).
    #[serde(default)]
    pub on_trip: Option<String>,
}

/// The walk from where one item ends to where the next begins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalkingLeg {
    pub from_item: String,
    pub to_item: String,
    /// As the crow flies.
    pub straight_m: u32,
    /// Along the trail, estimated (trails wind).
    pub walk_m: u32,
    /// Metres up, when both ends' elevations are known (else 0).
    pub climb_m: u32,
    /// Metres down, likewise.
    pub descent_m: u32,
    pub minutes: u16,
}

/// Where a trip stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TripPhase {
    /// Nothing on the timeline is going to happen (all cancelled, or empty).
    Empty,
    NotStarted,
    UnderWay,
    Over,
}

/// The now/next card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NowNext {
    pub phase: TripPhase,
    /// The item under way (start ≤ now < end); of several, the one that began last.
    #[serde(default)]
    pub now: Option<TimelineItem>,
    /// The first item still to start.
    #[serde(default)]
    pub next: Option<TimelineItem>,
    /// Whole minutes until `next` starts, rounded up.
    #[serde(default)]
    pub next_in_minutes: Option<u32>,
    /// The walk to `next`, when there is one.
    #[serde(default)]
    pub walk_to_next: Option<WalkingLeg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// A set time before an entry slot, a shuttle departure or a hotel check-in.
    Lead,
    /// The day's plan, each morning of the trip.
    Morning,
}

/// A local notification to schedule. A device keys it by `id`: rebuilding the reminders
/// and rescheduling every id is idempotent, and an id that is gone is cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reminder {
    /// `{item id}/lead`, or `{region}-{YYYY-MM-DD}/morning`.
    pub id: String,
    pub kind: ReminderKind,
    /// The item it is for (lead reminders).
    #[serde(default)]
    pub item_id: Option<String>,
    #[serde(with = "local_minute")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$", example = "2026-07-15T05:00")
    )]
    pub at: NaiveDateTime,
    pub title: Text,
    pub body: Text,
}

/// What a subscribable calendar of a trip is written in; the body of opening one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeedRequest {
    #[serde(default)]
    pub lang: Lang,
}

/// A trip's calendar feed: an address calendar apps subscribe to and poll. Whoever holds
/// it reads the trip's times and places (never names or ID numbers), so it is shown once,
/// when made; opening a new one for the trip, or revoking it, ends the old address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeed {
    pub trip_id: String,
    /// The feed's path on the platform, its token included (`/api/v1/calendar/{token}.ics`).
    pub path: String,
    pub lang: Lang,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A trip written as an `.ics` file on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarExport {
    /// Where the file is, to show the tourist.
    pub path: String,
    /// Events in it, one per timeline item.
    pub events: u32,
}

/// A calendar feed as the app shows it once made: the address to copy and the link that
/// opens a calendar app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarFeedLink {
    pub trip_id: String,
    /// `https://…` (or `http://` on a dev platform).
    pub url: String,
    /// The same as `webcal://…`.
    pub webcal: String,
}

/// The wire form of a region-local moment.
pub const LOCAL_MINUTE: &str = "%Y-%m-%dT%H:%M";

/// `YYYY-MM-DDTHH:MM`, exactly.
mod local_minute {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format(super::LOCAL_MINUTE))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDateTime::parse_from_str(&text, super::LOCAL_MINUTE).map_err(|_| {
            serde::de::Error::custom(format!("`{text}` is not a time like 2026-07-15T06:00"))
        })
    }
}

mod local_minute_opt {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.collect_str(&t.format(super::LOCAL_MINUTE)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| {
                NaiveDateTime::parse_from_str(&text, super::LOCAL_MINUTE).map_err(|_| {
                    serde::de::Error::custom(format!(
                        "`{text}` is not a time like 2026-07-15T06:00"
                    ))
                })
            })
            .transpose()
    }
}
