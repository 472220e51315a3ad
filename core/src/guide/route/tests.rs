use super::*;
use crate::guide::geometry::tests::poi;
use crate::guide::{Bounds, Poi};

/// A made-up mountain, not the region's data:
///
/// ```text
///   summit (1,000 m) ──steps 1,000 m, +200──▶ tower (1,200 m) ──steps 800 m, +100──▶ hotel (1,300 m)
///      └──path 1,500 m, level──▶ pool (1,000 m) ──path 1,500 m, +300────────────────────▲
///   hut: no trail
/// ```
fn mountain() -> GuidePack {
    let named = |mut p: Poi, zh: &str, en: &str| {
        p.name = Text::new(zh, en);
        p
    };
    GuidePack {
        region_id: "test".into(),
        version: "1".into(),
        demo: true,
        bounds: Bounds {
            south: 30.0,
            west: 118.0,
            north: 30.2,
            east: 118.2,
        },
        pois: vec![
            named(
                poi("summit", 30.10, 118.10, 1_000),
                "光明顶",
                "Bright Summit",
            ),
            poi("tower", 30.11, 118.10, 1_200),
            named(
                poi("hotel", 30.12, 118.11, 1_300),
                "西海饭店",
                "Xihai Hotel",
            ),
            poi("pool", 30.10, 118.12, 1_000),
            poi("hut", 30.15, 118.15, 900),
        ],
        trails: vec![
            trail(
                "summit-tower",
                "summit",
                "tower",
                TrailKind::Steps,
                1_000,
                200,
                0,
            ),
            trail(
                "tower-hotel",
                "tower",
                "hotel",
                TrailKind::Steps,
                800,
                100,
                0,
            ),
            trail(
                "summit-pool",
                "summit",
                "pool",
                TrailKind::Path,
                1_500,
                0,
                0,
            ),
            trail(
                "pool-hotel",
                "pool",
                "hotel",
                TrailKind::Path,
                1_500,
                300,
                0,
            ),
        ],
    }
}

fn trail(
    id: &str,
    from: &str,
    to: &str,
    kind: TrailKind,
    length_m: u32,
    up_m: u32,
    down_m: u32,
) -> Trail {
    Trail {
        id: id.into(),
        from: from.into(),
        to: to.into(),
        kind,
        length_m,
        up_m,
        down_m,
        path: Vec::new(),
        closed: false,
    }
}

fn trails(route: &Route) -> Vec<&str> {
    route.legs.iter().map(|l| l.trail_id.as_str()).collect()
}

/// Tobler, worked out apart: 1 km rising 200 m is a slope of 0.2, 6·e^(−3.5·0.25) =
/// 2.501 km/h, 23.99 min; back down (−0.2), 6·e^(−3.5·0.15) = 3.549 km/h, 16.90 min.
#[test]
fn climbing_takes_longer_than_coming_down() {
    let pack = mountain();
    let up = route(&pack, "summit", "tower", &Walker::ADULT, &[]).unwrap();
    let down = route(&pack, "tower", "summit", &Walker::ADULT, &[]).unwrap();
    assert_eq!(up.minutes, 24);
    assert_eq!(down.minutes, 17);
    assert_eq!((up.up_m, up.down_m), (200, 0));
    assert_eq!((down.up_m, down.down_m), (0, 200));
    assert_eq!(
        down.legs,
        vec![Leg {
            trail_id: "summit-tower".into(),
            from: "tower".into(),
            to: "summit".into(),
            kind: TrailKind::Steps,
            length_m: 1_000,
            up_m: 0,
            down_m: 200,
            minutes: 17,
        }]
    );
}

/// By the steps: 23.99 + 14.76 (800 m, +100) = 38.7 min. By the paths: 17.87 (1,500 m
/// level) + 35.98 (1,500 m, +300) = 53.9 min. An adult takes the steps; a senior walks
/// 1.5 times slower and counts steps three times over (174 against 81), so takes the
/// paths: 27 + 54 minutes.
#[test]
fn seniors_walk_slower_and_around_steps() {
    let pack = mountain();
    let adult = route(&pack, "summit", "hotel", &Walker::ADULT, &[]).unwrap();
    assert_eq!(trails(&adult), ["summit-tower", "tower-hotel"]);
    assert_eq!(adult.minutes, 24 + 15);
    assert_eq!((adult.length_m, adult.up_m, adult.down_m), (1_800, 300, 0));

    let senior = route(&pack, "summit", "hotel", &Walker::SENIOR, &[]).unwrap();
    assert_eq!(trails(&senior), ["summit-pool", "pool-hotel"]);
    assert_eq!(senior.minutes, 27 + 54);

    let child = route(&pack, "summit", "hotel", &Walker::CHILD, &[]).unwrap();
    assert_eq!(trails(&child), ["summit-tower", "tower-hotel"]);
    assert_eq!(child.minutes, 31 + 19);
}

/// Steps are a penalty, not a ban: to the tower the senior still takes the steps (24 ·
/// 1.5 · 3 = 108 counted) rather than the paths round by the hotel (81 + 10.4 · 1.5 · 3
/// = 128), and the time said is the real one, 36 minutes.
#[test]
fn steps_are_walked_when_they_are_the_way() {
    let senior = route(&mountain(), "summit", "tower", &Walker::SENIOR, &[]).unwrap();
    assert_eq!(trails(&senior), ["summit-tower"]);
    assert_eq!(senior.minutes, 36);
}

#[test]
fn a_closed_trail_is_walked_around() {
    let mut pack = mountain();
    let around = route(&pack, "summit", "hotel", &Walker::ADULT, &["tower-hotel"]).unwrap();
    assert_eq!(trails(&around), ["summit-pool", "pool-hotel"]);
    assert_eq!(around.minutes, 18 + 36);

    // Closed in the data: the same.
    pack.trails[1].closed = true;
    let around = route(&pack, "summit", "hotel", &Walker::ADULT, &[]).unwrap();
    assert_eq!(trails(&around), ["summit-pool", "pool-hotel"]);
}

#[test]
fn no_route_is_said_clearly() {
    let pack = mountain();
    let closed = route(
        &pack,
        "summit",
        "hotel",
        &Walker::ADULT,
        &["tower-hotel", "pool-hotel"],
    )
    .unwrap_err();
    assert_eq!(
        closed,
        NoRoute::Closed {
            from: Text::new("光明顶", "Bright Summit"),
            to: Text::new("西海饭店", "Xihai Hotel"),
            trails: vec!["tower-hotel".into()],
        }
    );
    assert_eq!(
        closed.message(),
        Text::new(
            "从光明顶步行到不了西海饭店：途中步道关闭",
            "You cannot walk from Bright Summit to Xihai Hotel now: a trail on the way is closed."
        )
    );

    let cut_off = route(&pack, "summit", "hut", &Walker::ADULT, &[]).unwrap_err();
    assert_eq!(cut_off.message().zh, "光明顶和hut之间没有步道相连");
    assert_eq!(
        cut_off.message().en,
        "No trail joins Bright Summit and hut."
    );

    let unknown = route(&pack, "summit", "moon", &Walker::ADULT, &[]).unwrap_err();
    assert_eq!(unknown, NoRoute::UnknownPlace { id: "moon".into() });
    assert_eq!(unknown.message().en, "The guide has no place “moon”.");

    let here = route(&pack, "hotel", "hotel", &Walker::ADULT, &[]).unwrap_err();
    assert_eq!(here.message().zh, "您已在西海饭店");
}

#[test]
fn the_line_runs_the_way_walked() {
    let mut pack = mountain();
    let at = |lat, lon| GeoPoint { lat, lon };
    pack.trails[0].path = vec![at(30.10, 118.10), at(30.105, 118.099), at(30.11, 118.10)];
    pack.trails[1].path = vec![at(30.11, 118.10), at(30.115, 118.106), at(30.12, 118.11)];
    let back = route(&pack, "hotel", "summit", &Walker::ADULT, &[]).unwrap();
    assert_eq!(trails(&back), ["tower-hotel", "summit-tower"]);
    assert_eq!(
        back.path,
        vec![
            at(30.12, 118.11),
            at(30.115, 118.106),
            at(30.11, 118.10),
            at(30.105, 118.099),
            at(30.10, 118.10),
        ]
    );
    // A trail with no line is drawn straight between its ends.
    let flat = route(&pack, "summit", "pool", &Walker::ADULT, &[]).unwrap();
    assert_eq!(flat.path, vec![at(30.10, 118.10), at(30.10, 118.12)]);
}

#[test]
fn a_party_walks_at_its_slowest() {
    let party = |children: Vec<u8>, seniors| PlanParty {
        adults: 2,
        children,
        seniors,
    };
    assert_eq!(Walker::of(&party(vec![], 0)), Walker::ADULT);
    assert_eq!(Walker::of(&party(vec![14, 9], 0)), Walker::CHILD);
    assert_eq!(Walker::of(&party(vec![9, 4], 0)), Walker::SMALL_CHILD);
    assert_eq!(Walker::of(&party(vec![4], 1)), Walker::SENIOR);
}
