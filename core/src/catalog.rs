//! A region's catalog: what a tourist can see, ride, sleep in and book there.
//!
//! A region is a data file (TOML, under `assets/regions/`), never code: adding a region
//! means adding a file. [`Catalog::from_toml`] parses and validates one, and every error
//! names the file and the field so a bad data file is fixed in one look. This module
//! owns the shape and the consistency rules of the catalog; it does not own inventory
//! (what is left to sell), which changes by the minute and lives on the platform.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::clock::{ClockTime, MonthDay};
use crate::text::Text;

/// Money in fen (1/100 yuan), so sums and discounts never round.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fen(pub i64);

impl Fen {
    pub fn from_yuan(yuan: u32) -> Fen {
        Fen(i64::from(yuan) * 100)
    }

    /// `¥190` or `¥12.50`.
    pub fn display_yuan(self) -> String {
        let (yuan, fen) = (self.0 / 100, (self.0 % 100).abs());
        if fen == 0 {
            format!("¥{yuan}")
        } else {
            format!("¥{yuan}.{fen:02}")
        }
    }
}

/// A price per season id, in whole yuan as published (`{ peak = 190, off = 150 }`).
pub type SeasonalPrice = BTreeMap<String, u32>;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

/// The whole catalog of one region, as in its data file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub region: Region,
    pub seasons: Vec<Season>,
    pub slots: Vec<EntrySlot>,
    pub tickets: Vec<TicketProduct>,
    #[serde(default)]
    pub discounts: Vec<DiscountRule>,
    pub sights: Vec<Sight>,
    #[serde(default)]
    pub cable_cars: Vec<CableCar>,
    #[serde(default)]
    pub hotels: Vec<Hotel>,
    #[serde(default)]
    pub shuttles: Vec<ShuttleLine>,
    #[serde(default)]
    pub linked_offers: Vec<LinkedOffer>,
    /// How each kind of product is refunded on cancellation; every kind booked needs one.
    #[serde(default)]
    pub refund_rules: Vec<RefundRule>,
    /// Where passes are checked: entrances, cable-car stations, shuttle stops.
    #[serde(default)]
    pub gates: Vec<Gate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: String,
    pub name: Text,
    pub summary: Text,
    /// Demo data is shown as such to the tourist.
    #[serde(default)]
    pub demo: bool,
    /// Minutes east of UTC; all clock times in the file are local to the region.
    pub utc_offset_minutes: i32,
    /// The zone's IANA name (`Asia/Shanghai`), which calendars show. The offset above is
    /// what every rule uses: a region is in a zone without daylight saving.
    #[serde(default)]
    pub time_zone: Option<String>,
    pub center: GeoPoint,
    /// Most visitors admitted in one day (the region's approved carrying capacity).
    pub daily_capacity: u32,
}

/// A pricing season, from one month-day to another inclusive; it may wrap the new year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Season {
    pub id: String,
    pub name: Text,
    pub from: MonthDay,
    pub to: MonthDay,
}

impl Season {
    pub fn contains(&self, day: MonthDay) -> bool {
        if self.from <= self.to {
            self.from <= day && day <= self.to
        } else {
            day >= self.from || day <= self.to
        }
    }
}

/// A timed-entry slot with its share of the daily capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EntrySlot {
    pub id: String,
    pub start: ClockTime,
    pub end: ClockTime,
    pub quota: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    Entry,
    AudioGuide,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketProduct {
    pub id: String,
    pub kind: TicketKind,
    pub name: Text,
    pub price: SeasonalPrice,
    /// Units that can be sold per day (audio guides to rent); `None`: not limited.
    #[serde(default)]
    pub daily_stock: Option<u32>,
}

/// An age- or status-based discount, as data because regions differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DiscountRule {
    pub id: String,
    pub name: Text,
    /// Ticket ids the rule applies to.
    pub tickets: Vec<String>,
    /// Age on the visit date, inclusive lower bound.
    #[serde(default)]
    pub min_age: Option<u8>,
    /// Age on the visit date, exclusive upper bound.
    #[serde(default)]
    pub below_age: Option<u8>,
    /// Needs proof of status (for example a full-time student card).
    #[serde(default)]
    pub requires: Option<String>,
    /// Share of the full price paid, 0 (free) to 100.
    pub pay_percent: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SightKind {
    Peak,
    Rock,
    Tree,
    Pavilion,
    Canyon,
    Viewpoint,
    Temple,
    Waterfall,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    pub open: ClockTime,
    pub close: ClockTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Sight {
    pub id: String,
    pub kind: SightKind,
    pub name: Text,
    pub summary: Text,
    pub location: GeoPoint,
    pub elevation_m: u32,
    /// `None`: open air, always accessible.
    #[serde(default)]
    pub hours: Option<OpeningHours>,
    /// How long a typical visit takes.
    pub visit_minutes: u16,
    /// People the sight holds comfortably at once (its instantaneous carrying capacity in
    /// LB/T 068-2017 terms): what a live head count is measured against.
    #[serde(default)]
    pub capacity: Option<u32>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LiftKind {
    CableCar,
    Funicular,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Station {
    pub name: Text,
    pub location: GeoPoint,
    pub elevation_m: u32,
}

/// Operating hours in one season.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SeasonHours {
    pub season: String,
    pub open: ClockTime,
    pub close: ClockTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CableCar {
    pub id: String,
    pub kind: LiftKind,
    pub name: Text,
    pub lower: Station,
    pub upper: Station,
    pub length_m: u32,
    pub ride_minutes: u16,
    pub hours: Vec<SeasonHours>,
    /// One-way fare.
    pub price: SeasonalPrice,
    /// Rides that can be sold ahead per day; `None`: not limited.
    #[serde(default)]
    pub daily_capacity: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HotelArea {
    /// On the mountain, inside the scenic area.
    Summit,
    /// In the gateway town below.
    Town,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoomType {
    pub id: String,
    pub name: Text,
    pub sleeps: u8,
    /// Rooms of this type in the hotel.
    pub rooms: u32,
    /// Per night.
    pub price: SeasonalPrice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Hotel {
    pub id: String,
    pub name: Text,
    pub area: HotelArea,
    /// Star-style grade, 1–5, used to find a same-grade replacement.
    pub grade: u8,
    pub location: GeoPoint,
    pub elevation_m: u32,
    pub check_in: ClockTime,
    pub check_out: ClockTime,
    pub room_types: Vec<RoomType>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Stop {
    pub name: Text,
    pub location: GeoPoint,
}

/// A regular timetable: every `every_minutes` from `first` to `last` inclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Timetable {
    pub first: ClockTime,
    pub last: ClockTime,
    pub every_minutes: u16,
}

impl Timetable {
    pub fn departures(&self) -> impl Iterator<Item = ClockTime> + '_ {
        let step = self.every_minutes.max(1);
        (self.first.minutes()..=self.last.minutes())
            .step_by(step.into())
            .filter_map(|m| ClockTime::from_hm(m / 60, m % 60))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShuttleLine {
    pub id: String,
    pub name: Text,
    pub from: Stop,
    pub to: Stop,
    pub ride_minutes: u16,
    pub seats: u32,
    pub timetable: Timetable,
    /// One-way fare.
    pub price: SeasonalPrice,
}

/// A discount for booking things together (联票优惠): staying at a hotel near where the
/// scenic area is entered takes a share off the entry ticket and can make the shuttle free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkedOffer {
    pub id: String,
    pub name: Text,
    /// Where the scenic area is entered; hotels within `within_m` of it qualify.
    pub anchor: Stop,
    pub within_m: u32,
    /// Taken off the entry ticket after any age or status discount.
    pub ticket_percent_off: u8,
    #[serde(default)]
    pub free_shuttle: bool,
}

/// A checkpoint where gate staff verify passes, and the products it admits (ticket,
/// cable-car or shuttle ids). A pass for anything else is refused there as the wrong
/// product, even when its signature is good.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub id: String,
    pub name: Text,
    pub location: GeoPoint,
    /// Needed by the guide for an entrance or a shuttle boarding point, which it shows as
    /// a point of its own (a lift's boarding gate is its lower station there).
    #[serde(default)]
    pub elevation_m: Option<u32>,
    pub admits: Vec<String>,
}

/// The kinds of product a combo order can hold, one provider module each (hotels and
/// shuttles), with scenic products split because their refund rules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// Entry tickets and rentals such as the audio guide.
    Ticket,
    /// Cable car and funicular rides.
    Lift,
    Hotel,
    Shuttle,
}

impl ProductKind {
    pub const ALL: [ProductKind; 4] = [
        ProductKind::Ticket,
        ProductKind::Lift,
        ProductKind::Hotel,
        ProductKind::Shuttle,
    ];
}

/// Cancellation terms: a full refund until `until` on the day `days_before` the visit (or
/// check-in, or departure), then `late_percent` until it starts, then nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefundRule {
    pub id: String,
    pub name: Text,
    pub applies_to: Vec<ProductKind>,
    pub days_before: u8,
    pub until: ClockTime,
    pub late_percent: u8,
}

impl Catalog {
    /// A lift's opening and closing on a date, by season (its first hours when no season
    /// matches; all day when it lists none).
    pub fn lift_hours(
        &self,
        lift: &CableCar,
        date: chrono::NaiveDate,
    ) -> (chrono::NaiveDateTime, chrono::NaiveDateTime) {
        let season = self.season_on(date).map(|s| s.id.as_str());
        let hours = lift
            .hours
            .iter()
            .find(|h| Some(h.season.as_str()) == season)
            .or_else(|| lift.hours.first());
        let (open, close) = hours.map_or((ClockTime::MIDNIGHT, ClockTime::END_OF_DAY), |h| {
            (h.open, h.close)
        });
        (
            date.and_time(open.to_naive()),
            date.and_time(close.to_naive()),
        )
    }

    pub fn refund_rule(&self, kind: ProductKind) -> Option<&RefundRule> {
        self.refund_rules
            .iter()
            .find(|r| r.applies_to.contains(&kind))
    }
}

/// Why a catalog data file was refused. Always names the file and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}: {problem}")]
pub struct CatalogError {
    pub file: String,
    /// Path of the offending field, such as `sights[2].elevation_m`.
    pub field: String,
    pub problem: String,
}

impl Catalog {
    /// Parses and validates a region data file. `file` names it in errors.
    ///
    /// The file's `[guide]` section is left out: the guide is a pack of its own
    /// ([`crate::guide::pack_from_region_file`]), downloaded apart, and it must not change the
    /// catalog's version.
    pub fn from_toml(file: &str, text: &str) -> Result<Catalog, CatalogError> {
        let mut document = toml::de::DeTable::parse(text).map_err(|e| CatalogError {
            file: file.to_owned(),
            field: "(syntax)".to_owned(),
            problem: one_line(&e.to_string()),
        })?;
        document.get_mut().remove("guide");
        let deserializer = toml::Deserializer::from(document);
        let catalog: Catalog = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let field = e.path().to_string();
            let mut error = e.into_inner();
            // The spans still point into `text`: with it the message quotes the line.
            error.set_input(Some(text));
            CatalogError {
                file: file.to_owned(),
                field: if field == "." {
                    "(top level)".to_owned()
                } else {
                    field
                },
                problem: one_line(&error.to_string()),
            }
        })?;
        catalog
            .validate()
            .map_err(|(field, problem)| CatalogError {
                file: file.to_owned(),
                field,
                problem,
            })?;
        Ok(catalog)
    }

    /// A stable fingerprint of the content, so clients can tell whether theirs is stale.
    pub fn version(&self) -> String {
        use sha2::{Digest, Sha256};
        // Serialising a plain struct to JSON cannot fail; an empty string would only make
        // every client re-sync, never serve stale data.
        let json = serde_json::to_vec(self).unwrap_or_default();
        let digest = Sha256::digest(&json);
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// The season a local date falls in. Validation guarantees seasons cover the year.
    pub fn season_on(&self, date: chrono::NaiveDate) -> Option<&Season> {
        let day = MonthDay::of(date);
        self.seasons.iter().find(|s| s.contains(day))
    }

    /// The name of a product a pass can be for: a ticket, a cable car or a shuttle line.
    pub fn product_name(&self, id: &str) -> Option<&Text> {
        let ticket = self.tickets.iter().find(|t| t.id == id).map(|t| &t.name);
        let lift = || self.cable_cars.iter().find(|c| c.id == id).map(|c| &c.name);
        let shuttle = || self.shuttles.iter().find(|s| s.id == id).map(|s| &s.name);
        ticket.or_else(lift).or_else(shuttle)
    }

    pub fn gate(&self, id: &str) -> Option<&Gate> {
        self.gates.iter().find(|g| g.id == id)
    }

    pub fn entry_ticket(&self) -> Option<&TicketProduct> {
        self.tickets.iter().find(|t| t.kind == TicketKind::Entry)
    }

    fn validate(&self) -> Result<(), (String, String)> {
        let r = &self.region;
        check_id("region.id", &r.id)?;
        check_text("region.name", &r.name)?;
        check_point("region.center", r.center)?;
        if !(-12 * 60..=14 * 60).contains(&r.utc_offset_minutes) {
            return invalid("region.utc_offset_minutes", "must be between -720 and 840");
        }
        if r.daily_capacity == 0 {
            return invalid("region.daily_capacity", "must be more than 0");
        }

        if self.seasons.is_empty() {
            return invalid("seasons", "at least one season is needed");
        }
        let seasons = unique_ids("seasons", self.seasons.iter().map(|s| s.id.as_str()))?;
        for (i, s) in self.seasons.iter().enumerate() {
            check_text(&format!("seasons[{i}].name"), &s.name)?;
        }
        // Every day of a leap year must fall in exactly one season, or prices are undefined.
        let mut day = chrono::NaiveDate::from_ymd_opt(2000, 1, 1);
        while let Some(d) = day.filter(|d| chrono::Datelike::year(d) == 2000) {
            let md = MonthDay::of(d);
            let n = self.seasons.iter().filter(|s| s.contains(md)).count();
            if n != 1 {
                let problem = if n == 0 {
                    "is in no season"
                } else {
                    "is in more than one season"
                };
                return invalid("seasons", &format!("{md} {problem}"));
            }
            day = d.succ_opt();
        }

        unique_ids("slots", self.slots.iter().map(|s| s.id.as_str()))?;
        let mut quota = 0u64;
        for (i, s) in self.slots.iter().enumerate() {
            if s.start >= s.end {
                return invalid(&format!("slots[{i}].end"), "must be after start");
            }
            quota += u64::from(s.quota);
        }
        if quota > u64::from(r.daily_capacity) {
            return invalid(
                "slots",
                "slot quotas add up to more than region.daily_capacity",
            );
        }

        let tickets = unique_ids("tickets", self.tickets.iter().map(|t| t.id.as_str()))?;
        if self.entry_ticket().is_none() {
            return invalid("tickets", "an entry ticket (kind = \"entry\") is needed");
        }
        for (i, t) in self.tickets.iter().enumerate() {
            check_text(&format!("tickets[{i}].name"), &t.name)?;
            check_price(&format!("tickets[{i}].price"), &t.price, &seasons)?;
        }

        unique_ids("discounts", self.discounts.iter().map(|d| d.id.as_str()))?;
        for (i, d) in self.discounts.iter().enumerate() {
            let at = |f: &str| format!("discounts[{i}].{f}");
            check_text(&at("name"), &d.name)?;
            for (j, t) in d.tickets.iter().enumerate() {
                if !tickets.contains(t.as_str()) {
                    return invalid(
                        &format!("discounts[{i}].tickets[{j}]"),
                        &format!("no ticket `{t}`"),
                    );
                }
            }
            if d.pay_percent > 100 {
                return invalid(&at("pay_percent"), "must be 0 to 100");
            }
            if let (Some(lo), Some(hi)) = (d.min_age, d.below_age)
                && lo >= hi
            {
                return invalid(&at("below_age"), "must be more than min_age");
            }
            if d.min_age.is_none() && d.below_age.is_none() && d.requires.is_none() {
                return invalid(&at("min_age"), "a rule needs an age range or a `requires`");
            }
        }

        if self.sights.is_empty() {
            return invalid("sights", "at least one sight is needed");
        }
        unique_ids("sights", self.sights.iter().map(|s| s.id.as_str()))?;
        for (i, s) in self.sights.iter().enumerate() {
            let at = |f: &str| format!("sights[{i}].{f}");
            check_text(&at("name"), &s.name)?;
            check_point(&at("location"), s.location)?;
            check_elevation(&at("elevation_m"), s.elevation_m)?;
            if s.visit_minutes == 0 {
                return invalid(&at("visit_minutes"), "must be more than 0");
            }
            if let Some(h) = &s.hours
                && h.open >= h.close
            {
                return invalid(&at("hours.close"), "must be after open");
            }
        }

        unique_ids("cable_cars", self.cable_cars.iter().map(|c| c.id.as_str()))?;
        for (i, c) in self.cable_cars.iter().enumerate() {
            let at = |f: &str| format!("cable_cars[{i}].{f}");
            check_text(&at("name"), &c.name)?;
            check_point(&at("lower.location"), c.lower.location)?;
            check_point(&at("upper.location"), c.upper.location)?;
            check_elevation(&at("lower.elevation_m"), c.lower.elevation_m)?;
            check_elevation(&at("upper.elevation_m"), c.upper.elevation_m)?;
            if c.upper.elevation_m <= c.lower.elevation_m {
                return invalid(&at("upper.elevation_m"), "must be above the lower station");
            }
            if c.ride_minutes == 0 {
                return invalid(&at("ride_minutes"), "must be more than 0");
            }
            check_price(&at("price"), &c.price, &seasons)?;
            for season in &seasons {
                if !c.hours.iter().any(|h| h.season == *season) {
                    return invalid(&at("hours"), &format!("no hours for season `{season}`"));
                }
            }
            for (j, h) in c.hours.iter().enumerate() {
                if !seasons.contains(h.season.as_str()) {
                    return invalid(
                        &format!("cable_cars[{i}].hours[{j}].season"),
                        &format!("no season `{}`", h.season),
                    );
                }
                if h.open >= h.close {
                    return invalid(
                        &format!("cable_cars[{i}].hours[{j}].close"),
                        "must be after open",
                    );
                }
            }
        }

        unique_ids("hotels", self.hotels.iter().map(|h| h.id.as_str()))?;
        for (i, h) in self.hotels.iter().enumerate() {
            let at = |f: &str| format!("hotels[{i}].{f}");
            check_text(&at("name"), &h.name)?;
            check_point(&at("location"), h.location)?;
            check_elevation(&at("elevation_m"), h.elevation_m)?;
            if !(1..=5).contains(&h.grade) {
                return invalid(&at("grade"), "must be 1 to 5");
            }
            if h.room_types.is_empty() {
                return invalid(&at("room_types"), "a hotel needs at least one room type");
            }
            unique_ids(
                &at("room_types"),
                h.room_types.iter().map(|r| r.id.as_str()),
            )?;
            for (j, room) in h.room_types.iter().enumerate() {
                let at = |f: &str| format!("hotels[{i}].room_types[{j}].{f}");
                check_text(&at("name"), &room.name)?;
                if room.sleeps == 0 {
                    return invalid(&at("sleeps"), "must be more than 0");
                }
                if room.rooms == 0 {
                    return invalid(&at("rooms"), "must be more than 0");
                }
                check_price(&at("price"), &room.price, &seasons)?;
            }
        }

        unique_ids("shuttles", self.shuttles.iter().map(|s| s.id.as_str()))?;
        for (i, s) in self.shuttles.iter().enumerate() {
            let at = |f: &str| format!("shuttles[{i}].{f}");
            check_text(&at("name"), &s.name)?;
            check_point(&at("from.location"), s.from.location)?;
            check_point(&at("to.location"), s.to.location)?;
            if s.timetable.every_minutes == 0 {
                return invalid(&at("timetable.every_minutes"), "must be more than 0");
            }
            if s.timetable.first > s.timetable.last {
                return invalid(&at("timetable.last"), "must not be before first");
            }
            if s.seats == 0 {
                return invalid(&at("seats"), "must be more than 0");
            }
            check_price(&at("price"), &s.price, &seasons)?;
        }

        unique_ids(
            "linked_offers",
            self.linked_offers.iter().map(|o| o.id.as_str()),
        )?;
        for (i, o) in self.linked_offers.iter().enumerate() {
            let at = |f: &str| format!("linked_offers[{i}].{f}");
            check_text(&at("name"), &o.name)?;
            check_point(&at("anchor.location"), o.anchor.location)?;
            if o.ticket_percent_off > 100 {
                return invalid(&at("ticket_percent_off"), "must be 0 to 100");
            }
        }

        unique_ids(
            "refund_rules",
            self.refund_rules.iter().map(|r| r.id.as_str()),
        )?;
        for (i, r) in self.refund_rules.iter().enumerate() {
            check_text(&format!("refund_rules[{i}].name"), &r.name)?;
            if r.late_percent > 100 {
                return invalid(
                    &format!("refund_rules[{i}].late_percent"),
                    "must be 0 to 100",
                );
            }
        }
        unique_ids("gates", self.gates.iter().map(|g| g.id.as_str()))?;
        for (i, g) in self.gates.iter().enumerate() {
            let at = |f: &str| format!("gates[{i}].{f}");
            check_id(&at("id"), &g.id)?;
            check_text(&at("name"), &g.name)?;
            check_point(&at("location"), g.location)?;
            if g.admits.is_empty() {
                return invalid(&at("admits"), "a gate must admit at least one product");
            }
            for (j, product) in g.admits.iter().enumerate() {
                if self.product_name(product).is_none() {
                    return invalid(
                        &format!("gates[{i}].admits[{j}]"),
                        &format!("no ticket, cable car or shuttle `{product}`"),
                    );
                }
            }
        }

        for kind in ProductKind::ALL {
            let n = self
                .refund_rules
                .iter()
                .filter(|r| r.applies_to.contains(&kind))
                .count();
            if n > 1 {
                return invalid(
                    "refund_rules",
                    &format!("more than one rule applies to `{kind:?}`"),
                );
            }
        }
        Ok(())
    }
}

/// A check's outcome: the field and the problem, which the caller names the file for.
pub(crate) type Checked<T> = Result<T, (String, String)>;

pub(crate) fn invalid<T>(field: &str, problem: &str) -> Checked<T> {
    Err((field.to_owned(), problem.to_owned()))
}

pub(crate) fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn check_id(field: &str, id: &str) -> Checked<()> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        invalid(field, &format!("`{id}` is not an id (a-z, 0-9, - and _)"))
    }
}

fn unique_ids<'a>(list: &str, ids: impl Iterator<Item = &'a str>) -> Checked<BTreeSet<&'a str>> {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        check_id(&format!("{list}[{i}].id"), id)?;
        if !seen.insert(id) {
            return invalid(&format!("{list}[{i}].id"), &format!("`{id}` is used twice"));
        }
    }
    Ok(seen)
}

pub(crate) fn check_text(field: &str, text: &Text) -> Checked<()> {
    if text.is_blank() {
        invalid(field, "needs both zh and en")
    } else {
        Ok(())
    }
}

fn check_point(field: &str, p: GeoPoint) -> Checked<()> {
    if (-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon) {
        Ok(())
    } else {
        invalid(
            field,
            "latitude must be within ±90 and longitude within ±180",
        )
    }
}

fn check_elevation(field: &str, metres: u32) -> Checked<()> {
    if metres <= 8_849 {
        Ok(())
    } else {
        invalid(field, "is higher than Everest")
    }
}

fn check_price(field: &str, price: &SeasonalPrice, seasons: &BTreeSet<&str>) -> Checked<()> {
    for season in seasons {
        if !price.contains_key(*season) {
            return invalid(field, &format!("no price for season `{season}`"));
        }
    }
    if let Some(other) = price.keys().find(|k| !seasons.contains(k.as_str())) {
        return invalid(&format!("{field}.{other}"), "is not a season");
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
