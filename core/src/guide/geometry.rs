//! Where points of interest show on the screen: the distance, compass bearing and
//! elevation angle from where the tourist stands, and their projection into a view (a
//! drawn panorama or the camera's picture).
//!
//! Angles are in degrees. Bearings are clockwise from true north (0 north, 90 east), as
//! a compass reads. Screen positions are in pixels from the view's top-left corner: x
//! grows to the right, so clockwise; y grows downwards, so a point higher in the sky has
//! a smaller y. The view's heading and pitch are at its centre.
//!
//! Which labels fit on the screen is `layout`'s question, not this module's.

use geo::{Bearing, Distance, Haversine, Point};

use super::Poi;
use crate::catalog::GeoPoint;

/// The earth's mean radius, as `Haversine` measures with it.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The standard coefficient of atmospheric refraction: light bends along the curve of the
/// earth, so a far point looks as if the earth were flatter (radius `R / (1 − k)`).
pub const REFRACTION: f64 = 0.13;

/// A point of interest closer than this is where the tourist stands: it is not shown in
/// the view (its bearing would jump as the position wobbles).
pub const HERE_M: f64 = 30.0;

/// Metres along the earth's surface (great circle), as `booking::distance_m` measures.
pub fn distance_m(from: GeoPoint, to: GeoPoint) -> f64 {
    Haversine.distance(point(from), point(to))
}

/// The compass bearing to set off on from `from` towards `to`, in `[0, 360)`.
pub fn bearing_deg(from: GeoPoint, to: GeoPoint) -> f64 {
    Haversine.bearing(point(from), point(to))
}

/// The angle above the horizontal at which an eye `eye_m` metres above sea level sees a
/// point `target_m` metres above sea level, `distance_m` away along the ground; negative
/// below the horizontal.
///
/// The earth curves away under a far point, which drops by `d² / 2R`; refraction gives
/// back the fraction [`REFRACTION`] of it. Over 1 km that is 7 cm, over 20 km 27 m.
pub fn elevation_deg(distance_m: f64, eye_m: f64, target_m: f64) -> f64 {
    let drop = distance_m * distance_m * (1.0 - REFRACTION) / (2.0 * EARTH_RADIUS_M);
    (target_m - eye_m - drop).atan2(distance_m).to_degrees()
}

/// From `from` to `to`, in `(-180, 180]`: positive clockwise.
pub fn turn_deg(from: f64, to: f64) -> f64 {
    let turn = (to - from).rem_euclid(360.0);
    if turn > 180.0 { turn - 360.0 } else { turn }
}

/// What the tourist is looking at, and on what.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub at: GeoPoint,
    /// The eye's metres above sea level: the ground's elevation plus the phone's height.
    pub eye_m: f64,
    /// The compass bearing at the centre of the view.
    pub heading_deg: f64,
    /// The angle above the horizontal at the centre of the view (negative: looking down).
    pub pitch_deg: f64,
    /// The horizontal field of view, edge to edge.
    pub fov_deg: f64,
    pub width_px: f64,
    pub height_px: f64,
    pub mode: ViewMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewMode {
    /// A drawn panorama: x and y are linear in angle, the same pixels per degree both
    /// ways, so the skyline keeps its shape across a wide view.
    Panorama,
    /// Over the camera's picture: a perspective (pinhole) projection, so labels sit on
    /// what the lens shows.
    Camera,
}

/// A point of interest placed in a view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projected {
    /// Its index in the slice given to [`project`].
    pub index: usize,
    pub x: f64,
    pub y: f64,
    pub distance_m: f64,
    pub bearing_deg: f64,
    pub elevation_deg: f64,
}

/// The points of interest in front of the tourist, within the view's horizontal field of
/// view, in the order given. Where the tourist stands ([`HERE_M`]) is left out. A point
/// far above or below the centre keeps its y even off the screen: the caller draws what
/// shows.
pub fn project(view: &View, pois: &[Poi]) -> Vec<Projected> {
    pois.iter()
        .enumerate()
        .filter_map(|(index, poi)| {
            let distance_m = distance_m(view.at, poi.location);
            if distance_m < HERE_M {
                return None;
            }
            let bearing_deg = bearing_deg(view.at, poi.location);
            let elevation_deg = elevation_deg(distance_m, view.eye_m, f64::from(poi.elevation_m));
            let (x, y) = view.place(bearing_deg, elevation_deg)?;
            Some(Projected {
                index,
                x,
                y,
                distance_m,
                bearing_deg,
                elevation_deg,
            })
        })
        .collect()
}

impl View {
    /// Where a direction shows on the screen; `None` outside the horizontal field of view
    /// (x off the screen) or behind the camera.
    pub fn place(&self, bearing_deg: f64, elevation_deg: f64) -> Option<(f64, f64)> {
        let across = turn_deg(self.heading_deg, bearing_deg);
        let (x, y) = match self.mode {
            ViewMode::Panorama => {
                let px_per_deg = self.width_px / self.fov_deg;
                (
                    self.width_px / 2.0 + across * px_per_deg,
                    self.height_px / 2.0 - (elevation_deg - self.pitch_deg) * px_per_deg,
                )
            }
            ViewMode::Camera => self.through_lens(across, elevation_deg)?,
        };
        (0.0..=self.width_px).contains(&x).then_some((x, y))
    }

    /// The pinhole camera: the direction turned into the camera's frame (right, up,
    /// forward), then divided by its depth. `across` is the bearing relative to heading.
    fn through_lens(&self, across: f64, elevation_deg: f64) -> Option<(f64, f64)> {
        let focal_px = self.width_px / 2.0 / (self.fov_deg / 2.0).to_radians().tan();
        let (a, e, p) = (
            across.to_radians(),
            elevation_deg.to_radians(),
            self.pitch_deg.to_radians(),
        );
        // The direction with the heading straight ahead: x right, y forward, z up.
        let (dx, dy, dz) = (e.cos() * a.sin(), e.cos() * a.cos(), e.sin());
        // Tilt by the pitch about the x axis.
        let forward = dy * p.cos() + dz * p.sin();
        let up = dz * p.cos() - dy * p.sin();
        if forward <= 0.0 {
            return None;
        }
        Some((
            self.width_px / 2.0 + focal_px * dx / forward,
            self.height_px / 2.0 - focal_px * up / forward,
        ))
    }
}

fn point(p: GeoPoint) -> Point {
    Point::new(p.lon, p.lat)
}

/// `pub(super)`: the other guide modules' tests build their points with its `poi`.
#[cfg(test)]
pub(super) mod tests;
