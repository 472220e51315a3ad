use geo::{Bearing, Distance, Geodesic, Point};

use super::*;
use crate::guide::PoiKind;
use crate::text::Text;

/// A point of interest with only what the geometry, layout and route tests look at.
pub(in crate::guide) fn poi(id: &str, lat: f64, lon: f64, elevation_m: u32) -> Poi {
    Poi {
        id: id.into(),
        kind: PoiKind::Peak,
        name: Text::new(id, id),
        location: GeoPoint { lat, lon },
        elevation_m,
        importance: 2,
        guide: None,
        hours: None,
        faces: None,
        sight_id: None,
    }
}

const BRIGHT_SUMMIT: GeoPoint = GeoPoint {
    lat: 30.1365,
    lon: 118.1700,
};
const TIANDU: GeoPoint = GeoPoint {
    lat: 30.1265,
    lon: 118.1745,
};
const LOTUS: GeoPoint = GeoPoint {
    lat: 30.1310,
    lon: 118.1660,
};
/// Standing on Bright Summit (1,860 m) holding the phone 1.6 m up.
const EYE_M: f64 = 1_861.6;

fn view(heading_deg: f64, mode: ViewMode) -> View {
    View {
        at: BRIGHT_SUMMIT,
        eye_m: EYE_M,
        heading_deg,
        pitch_deg: 0.0,
        fov_deg: 60.0,
        width_px: 1200.0,
        height_px: 800.0,
        mode,
    }
}

fn close(actual: f64, expected: f64, within: f64) {
    assert!(
        (actual - expected).abs() <= within,
        "{actual} is not within {within} of {expected}"
    );
}

/// Expected values worked out apart from this code (Python, R = 6,371,008.8 m):
/// haversine distance 1,193.197 m and initial bearing 158.733°; an equirectangular
/// approximation at the mean latitude gives 1,193.197 m and 158.734°, so both agree.
/// (About 1.19 km south-south-east.)
#[test]
fn bright_summit_to_tiandu_peak() {
    close(distance_m(BRIGHT_SUMMIT, TIANDU), 1_193.2, 0.5);
    close(bearing_deg(BRIGHT_SUMMIT, TIANDU), 158.73, 0.01);
    // Lotus Peak is 722.5 m away at 212.17° (south-west), by the same formulas.
    close(distance_m(BRIGHT_SUMMIT, LOTUS), 722.5, 0.5);
    close(bearing_deg(BRIGHT_SUMMIT, LOTUS), 212.17, 0.01);
}

/// The sphere against the ellipsoid (geographiclib, through geo's `Geodesic`): at this
/// scale they differ by well under 1 %, and in bearing by a fraction of a degree.
#[test]
fn the_sphere_agrees_with_the_ellipsoid() {
    let (from, to) = (
        Point::new(BRIGHT_SUMMIT.lon, BRIGHT_SUMMIT.lat),
        Point::new(TIANDU.lon, TIANDU.lat),
    );
    let geodesic: f64 = Geodesic.distance(from, to);
    close(distance_m(BRIGHT_SUMMIT, TIANDU) / geodesic, 1.0, 0.005);
    let geodesic_bearing: f64 = Geodesic.bearing(from, to);
    close(bearing_deg(BRIGHT_SUMMIT, TIANDU), geodesic_bearing, 0.3);
}

#[test]
fn turns_wrap_around_north() {
    close(turn_deg(350.0, 10.0), 20.0, 1e-9);
    close(turn_deg(10.0, 350.0), -20.0, 1e-9);
    close(turn_deg(0.0, 180.0), 180.0, 1e-9);
    close(turn_deg(90.0, 90.0), 0.0, 1e-9);
}

/// Worked out apart: atan((Δh − d²(1 − k)/2R) / d) with k = 0.13.
#[test]
fn elevation_angles() {
    // Lotus Peak, 1,864 m, from an eye at 1,861.6 m, 722.5 m away: a little above.
    close(elevation_deg(722.49, EYE_M, 1_864.0), 0.1875, 0.0005);
    // Tiandu Peak, 1,810 m, 1,193 m away: below.
    close(elevation_deg(1_193.2, EYE_M, 1_810.0), -2.4809, 0.0005);
    // A higher peak nearby is above the horizontal.
    assert!(elevation_deg(2_000.0, 1_000.0, 1_300.0) > 8.0);
    // At the same height, the earth's curve puts a point below the horizontal, more so
    // the farther it is: 0.039° at 10 km, 0.196° at 50 km.
    close(elevation_deg(10_000.0, 1_000.0, 1_000.0), -0.0391, 0.0005);
    close(elevation_deg(50_000.0, 1_000.0, 1_000.0), -0.1956, 0.0005);
    // Refraction gives some of the curve back: without it, 0.225° at 50 km.
    let no_refraction = -(50_000.0 / (2.0 * EARTH_RADIUS_M)).to_degrees();
    assert!(elevation_deg(50_000.0, 1_000.0, 1_000.0) > no_refraction);
}

#[test]
fn lotus_peak_in_the_panorama() {
    let pois = [
        poi("bright-summit", BRIGHT_SUMMIT.lat, BRIGHT_SUMMIT.lon, 1_860),
        poi("lotus-peak", LOTUS.lat, LOTUS.lon, 1_864),
        poi("celestial-capital-peak", TIANDU.lat, TIANDU.lon, 1_810),
    ];
    let x_of_lotus = |heading| {
        let shown = project(&view(heading, ViewMode::Panorama), &pois);
        shown.iter().find(|p| p.index == 1).map(|p| p.x)
    };
    // Looking straight at it: the centre. 20 px per degree (1,200 px over 60°).
    close(x_of_lotus(212.17).unwrap(), 600.0, 0.5);
    // Looking a little left of it (210°): it is 2.17° to the right, clockwise.
    close(x_of_lotus(210.0).unwrap(), 600.0 + 2.17 * 20.0, 0.5);
    // Looking a little right of it (215°): to the left.
    close(x_of_lotus(215.0).unwrap(), 600.0 - 2.83 * 20.0, 0.5);
    // Behind: not shown.
    assert_eq!(x_of_lotus(30.0), None);

    let shown = project(&view(212.17, ViewMode::Panorama), &pois);
    let lotus = shown.iter().find(|p| p.index == 1).unwrap();
    close(lotus.y, 400.0 - 0.1875 * 20.0, 0.05);
    close(lotus.distance_m, 722.5, 0.5);
    // Tiandu at 158.7° is 53° to the left: outside a 60° view, so not shown; where the
    // tourist stands is never shown.
    assert_eq!(shown.len(), 1);
}

#[test]
fn where_you_stand_is_not_in_view() {
    let near = poi(
        "pavilion",
        BRIGHT_SUMMIT.lat - 0.0002,
        BRIGHT_SUMMIT.lon,
        1_858,
    );
    close(distance_m(BRIGHT_SUMMIT, near.location), 22.2, 0.2);
    assert!(project(&view(180.0, ViewMode::Panorama), &[near]).is_empty());
}

#[test]
fn the_camera_is_a_perspective() {
    let camera = view(0.0, ViewMode::Camera);
    let panorama = view(0.0, ViewMode::Panorama);
    // Straight ahead: the centre in both.
    for v in [camera, panorama] {
        let (x, y) = v.place(0.0, 0.0).unwrap();
        close(x, 600.0, 1e-9);
        close(y, 400.0, 1e-9);
    }
    // At the edge of the field of view: the edge in both.
    close(camera.place(30.0, 0.0).unwrap().0, 1_200.0, 1e-6);
    close(panorama.place(-30.0, 0.0).unwrap().0, 0.0, 1e-6);
    // Halfway out: the panorama is linear, the camera goes by tan: 600 · tan 15° / tan 30°.
    close(panorama.place(15.0, 0.0).unwrap().0, 900.0, 1e-6);
    close(camera.place(15.0, 0.0).unwrap().0, 600.0 + 278.46, 0.01);
    // Up by 10°: the camera's focal length is 1,039.2 px, so 1,039.2 · tan 10° higher.
    close(camera.place(0.0, 10.0).unwrap().1, 400.0 - 183.24, 0.01);
    close(panorama.place(0.0, 10.0).unwrap().1, 400.0 - 200.0, 1e-6);
    // Tilting the camera up by 10° brings that point to the centre.
    let tilted = View {
        pitch_deg: 10.0,
        ..camera
    };
    close(tilted.place(0.0, 10.0).unwrap().1, 400.0, 1e-6);
    // Behind the camera: nowhere.
    assert_eq!(camera.place(180.0, 0.0), None);
}
