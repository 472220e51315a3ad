//! Walking between two places of a timeline: how far, how much up and down, how long.

use super::Placed;
use crate::api::WalkingLeg;
use crate::booking::distance_m;
use crate::catalog::GeoPoint;

/// Trails wind: a walk is this many times the straight line (the planner's figure too).
pub const TRAIL_FACTOR: f64 = 1.4;

/// Places closer than this are one place: no walk between them.
pub const SAME_PLACE_M: f64 = 50.0;

/// Places farther apart than this (straight line) are not walked between on a trip day:
/// the party rides (a cable car, a shuttle) and the timeline shows no walk for it.
pub const LONGEST_WALK_M: f64 = 3_000.0;

/// Tobler's hiking function (1993): walking speed in km/h on a path of `slope` (rise over
/// run; negative downhill), `6 · e^(−3.5 · |slope + 0.05|)`. Fastest, 6 km/h, on a gentle
/// 5 % descent; about 5.04 km/h on the level; slower both ways from there, so a steep
/// descent is slow too, as on mountain stairs.
pub fn tobler_kmh(slope: f64) -> f64 {
    6.0 * (-3.5 * (slope + 0.05).abs()).exp()
}

/// Minutes to walk `run_m` metres (horizontal) that rise by `rise_m` overall (negative:
/// fall), at Tobler's speed for the average slope.
pub fn walk_minutes(run_m: f64, rise_m: f64) -> f64 {
    if run_m <= 0.0 {
        return 0.0;
    }
    run_m / 1000.0 / tobler_kmh(rise_m / run_m) * 60.0
}

/// A place on the map, with its elevation when the catalog has it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Spot {
    pub at: GeoPoint,
    pub elevation_m: Option<u32>,
}

/// A walk from one spot to another; `None` when they are the same place, or too far apart
/// to walk ([`LONGEST_WALK_M`]).
pub(super) fn walk(from: Spot, to: Spot) -> Option<Walk> {
    let straight = distance_m(from.at, to.at);
    if !(SAME_PLACE_M..=LONGEST_WALK_M).contains(&straight) {
        return None;
    }
    let trail = straight * TRAIL_FACTOR;
    let (climb, descent) = match (from.elevation_m, to.elevation_m) {
        (Some(a), Some(b)) => (b.saturating_sub(a), a.saturating_sub(b)),
        _ => (0, 0),
    };
    let rise = f64::from(climb) - f64::from(descent);
    let minutes = walk_minutes(trail, rise).ceil();
    Some(Walk {
        straight_m: straight.round() as u32,
        walk_m: trail.round() as u32,
        climb_m: climb,
        descent_m: descent,
        minutes: minutes.min(f64::from(u16::MAX)) as u16,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Walk {
    pub straight_m: u32,
    pub walk_m: u32,
    pub climb_m: u32,
    pub descent_m: u32,
    pub minutes: u16,
}

/// Minutes to walk between two spots, 0 when either is unknown or they are one place.
pub(super) fn minutes_between(from: Option<Spot>, to: Option<Spot>) -> u16 {
    match (from, to) {
        (Some(a), Some(b)) => walk(a, b).map_or(0, |w| w.minutes),
        _ => 0,
    }
}

/// The walks between consecutive items of the same day that are on (not cancelled or
/// failed), from where one ends to where the next begins, when both are on the map.
pub(super) fn legs(placed: &[Placed]) -> Vec<WalkingLeg> {
    let on: Vec<&Placed> = placed.iter().filter(|p| p.item.status.is_on()).collect();
    on.windows(2)
        .filter_map(|pair| {
            let (a, b) = (pair[0], pair[1]);
            if a.item.start.date() != b.item.start.date() {
                return None;
            }
            let walk = walk(a.exit?, b.entry()?)?;
            Some(WalkingLeg {
                from_item: a.item.id.clone(),
                to_item: b.item.id.clone(),
                straight_m: walk.straight_m,
                walk_m: walk.walk_m,
                climb_m: walk.climb_m,
                descent_m: walk.descent_m,
                minutes: walk.minutes,
            })
        })
        .collect()
}

#[cfg(test)]
mod far {
    use super::*;

    fn spot(lat: f64, lon: f64) -> Spot {
        Spot {
            at: GeoPoint { lat, lon },
            elevation_m: None,
        }
    }

    #[test]
    fn places_a_ride_apart_have_no_walk_between_them() {
        // About 1.1 km apart: a walk. About 8.9 km apart (0.08° of latitude): a ride.
        assert!(walk(spot(30.10, 118.16), spot(30.11, 118.16)).is_some());
        assert!(walk(spot(30.10, 118.16), spot(30.18, 118.16)).is_none());
    }
}
