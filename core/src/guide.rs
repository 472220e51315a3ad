//! The guide: what each peak, pavilion, station and toilet around the tourist is, how far,
//! and how to walk there, with no network.
//!
//! A region's guide is one [`GuidePack`]: its points of interest (the catalog's sights,
//! hotels and lift stations, plus viewpoints, toilets, first aid and the like from the
//! data file's `[guide]` section) and the trail network joining them. The platform builds
//! it from the region's data file and serves it versioned by content hash; the app keeps
//! it on the device, and every guide screen reads only the pack.
//!
//! The rules on a pack are pure: where a point shows in a view (`geometry`), which labels
//! fit without overlapping (`layout`), and how to walk from one point to another on the
//! trails (`route`).

pub mod geometry;
pub mod layout;
pub mod route;
mod source;

pub use source::{pack_for_catalog, pack_from_region_file};

use serde::{Deserialize, Serialize};

use crate::catalog::{GeoPoint, OpeningHours};
use crate::text::Text;

/// Everything the guide screens need for one region, downloaded once and kept offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuidePack {
    pub region_id: String,
    /// A fingerprint of the content: a pack with the same version need not be fetched.
    pub version: String,
    /// Demo values (positions, elevations, texts written for the demo), said on screen.
    pub demo: bool,
    /// The area the region covers; every point lies inside.
    pub bounds: Bounds,
    pub pois: Vec<Poi>,
    pub trails: Vec<Trail>,
}

/// A rectangle of latitude and longitude.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl Bounds {
    pub fn contains(&self, p: GeoPoint) -> bool {
        (self.south..=self.north).contains(&p.lat) && (self.west..=self.east).contains(&p.lon)
    }
}

/// One point of interest: something a tourist can see, reach or need on the mountain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Poi {
    /// Unique in the pack: a sight's, hotel's or gate's catalog id, [`station_id`] for a
    /// lift's stations, or the data file's own id for the rest.
    pub id: String,
    pub kind: PoiKind,
    pub name: Text,
    pub location: GeoPoint,
    pub elevation_m: u32,
    /// Which labels win when they do not all fit: 3 the main peaks, 2 sights, stations and
    /// hotels, 1 amenities.
    pub importance: u8,
    /// A few sentences to read (or hear) at the place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<OpeningHours>,
    /// For a viewpoint: the directions it looks over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faces: Option<Faces>,
    /// The catalog sight it is, for its crowd forecast and "add to my day".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sight_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PoiKind {
    Peak,
    /// A sight that is not a peak: a tree, a rock, a canyon, a waterfall, a temple.
    Sight,
    Viewpoint,
    Pavilion,
    /// A cable-car or funicular station.
    Station,
    /// An entrance, or where a shuttle boards: a catalog gate (a lift's boarding gate is
    /// its lower station).
    Gate,
    Hotel,
    Toilet,
    FirstAid,
    Rest,
    Water,
}

/// The compass directions a viewpoint looks over, clockwise from `from_deg` to `to_deg`
/// (0 north, 90 east; `to_deg` may be smaller when the range crosses north).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Faces {
    pub from_deg: f64,
    pub to_deg: f64,
}

/// One stretch of trail between two points of interest, walkable both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trail {
    pub id: String,
    /// [`Poi::id`]s at its two ends.
    pub from: String,
    pub to: String,
    pub kind: TrailKind,
    /// Along the trail, not the straight line.
    pub length_m: u32,
    /// Metres climbed and descended walking from `from` to `to` (the other way, swapped).
    pub up_m: u32,
    pub down_m: u32,
    /// The way it runs, `from` first and `to` last, for drawing on the map.
    pub path: Vec<GeoPoint>,
    /// Closed in the data (a peak resting in rotation): routes go around it.
    #[serde(default)]
    pub closed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrailKind {
    /// Stone steps: steep, hard on knees, avoided for seniors where there is another way.
    Steps,
    Path,
}

/// The point of a lift's station: `{lift}-lower` or `{lift}-upper`.
pub fn station_id(lift_id: &str, end: &str) -> String {
    format!("{lift_id}-{end}")
}

impl GuidePack {
    pub fn poi(&self, id: &str) -> Option<&Poi> {
        self.pois.iter().find(|p| p.id == id)
    }

    /// The point a place link names: a point's own id, or a lift's id for its foot
    /// station (where the ride up boards), as the agents' "send a place" sends it.
    pub fn place(&self, id: &str) -> Option<&Poi> {
        self.poi(id).or_else(|| self.poi(&station_id(id, "lower")))
    }

    /// Whether the content is what its version says: a download damaged on the way, or
    /// a file changed on the device, is not.
    pub fn is_intact(&self) -> bool {
        self.version == source::content_version(self)
    }
}

/// A region's guide pack before downloading it: which version, and how big.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideAbout {
    pub region_id: String,
    pub version: String,
    /// The download's size in bytes.
    pub bytes: u64,
}

/// A region's guide on the device and on the platform, for the download screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideStatus {
    pub region_id: String,
    /// The version on the device; `None` before the first download.
    #[serde(default)]
    pub held: Option<String>,
    /// RFC 3339: when the held pack was downloaded.
    #[serde(default)]
    pub downloaded_at: Option<String>,
    /// What a download would fetch, when the platform answers.
    #[serde(default)]
    pub latest: Option<GuideAbout>,
}

impl GuideStatus {
    /// The platform has a pack this device does not hold.
    pub fn update_due(&self) -> bool {
        self.latest
            .as_ref()
            .is_some_and(|l| self.held.as_deref() != Some(l.version.as_str()))
    }
}
