use proptest::prelude::*;

use super::*;

fn marker(poi: usize, x: f64, y: f64, importance: u8, distance_m: f64) -> Marker {
    Marker {
        poi,
        x,
        y,
        importance,
        distance_m,
        width_px: 80.0,
        height_px: 20.0,
    }
}

/// Each marker's poi placed or counted, with how many times.
fn seen(layout: &Layout) -> Vec<usize> {
    let mut pois: Vec<usize> = layout.labels.iter().map(|l| l.poi).collect();
    pois.extend(layout.groups.iter().flat_map(|g| g.pois.iter().copied()));
    pois.sort();
    pois
}

#[test]
fn a_label_sits_above_its_point() {
    let layout = place_labels(&[marker(0, 100.0, 200.0, 2, 500.0)]);
    assert_eq!(
        layout.labels,
        vec![Label {
            poi: 0,
            rect: Rect {
                x: 60.0,
                y: 200.0 - GAP_PX - 20.0,
                width: 80.0,
                height: 20.0
            },
            x: 100.0,
            y: 200.0,
        }]
    );
    assert!(layout.groups.is_empty());
}

#[test]
fn a_label_climbs_when_its_row_is_taken() {
    let layout = place_labels(&[
        marker(0, 100.0, 200.0, 2, 500.0),
        marker(1, 130.0, 205.0, 2, 900.0),
    ]);
    let rect_of = |poi| layout.labels.iter().find(|l| l.poi == poi).unwrap().rect;
    // The nearer keeps the row above its point; the farther goes up one row.
    assert_eq!(rect_of(0).y, 200.0 - GAP_PX - 20.0);
    assert_eq!(rect_of(1).y, 205.0 - 2.0 * (GAP_PX + 20.0));
}

/// Six points at one spot: four rows, so four labels, the most important and then the
/// nearest first; the other two counted as "+2" on the first label.
#[test]
fn importance_then_nearness_wins() {
    let layout = place_labels(&[
        marker(0, 100.0, 200.0, 1, 100.0),
        marker(1, 100.0, 200.0, 3, 4_000.0),
        marker(2, 100.0, 200.0, 2, 900.0),
        marker(3, 100.0, 200.0, 2, 300.0),
        marker(4, 100.0, 200.0, 1, 50.0),
        marker(5, 100.0, 200.0, 3, 6_000.0),
    ]);
    let placed: Vec<usize> = layout.labels.iter().map(|l| l.poi).collect();
    assert_eq!(placed, vec![1, 5, 3, 2]);
    assert_eq!(
        layout.groups,
        vec![Group {
            label: 0,
            x: 140.0,
            y: 200.0 - GAP_PX - 20.0,
            pois: vec![4, 0],
        }]
    );
    assert_eq!(layout.groups[0].count(), 2);
}

#[test]
fn a_count_joins_the_nearest_label() {
    // Two stacks of five far apart: each keeps its own "+1".
    let mut markers: Vec<Marker> = (0..5)
        .map(|i| marker(i, 100.0, 200.0, 2, 100.0 * i as f64))
        .collect();
    markers.extend((5..10).map(|i| marker(i, 600.0, 200.0, 2, 100.0 * i as f64)));
    let layout = place_labels(&markers);
    assert_eq!(layout.groups.len(), 2);
    for group in &layout.groups {
        let label = layout.labels[group.label];
        let stack = if label.x == 100.0 { [4] } else { [9] };
        assert_eq!(group.pois, stack);
    }
}

#[test]
fn pick_returns_the_tapped_label() {
    let markers = [
        marker(0, 100.0, 200.0, 2, 500.0),
        marker(1, 100.0, 170.0, 1, 900.0),
    ];
    let layout = place_labels(&markers);
    // Marker 0's label covers (60..140, 174..194), marker 1's point (100, 170) lies just
    // above it: a tap on the label picks 0 though the point of 1 is nearer.
    assert_eq!(layout.pick(&markers, 130.0, 180.0), Some(0));
    let label_of_1 = layout.labels.iter().find(|l| l.poi == 1).unwrap().rect;
    assert_eq!(
        layout.pick(&markers, label_of_1.x + 5.0, label_of_1.y + 5.0),
        Some(1)
    );
    // No label under the tap: the nearest point within reach.
    assert_eq!(layout.pick(&markers, 110.0, 210.0), Some(0));
    // Nothing near.
    assert_eq!(layout.pick(&markers, 400.0, 400.0), None);
}

#[test]
fn widths_for_chinese_and_english() {
    assert_eq!(estimate_width_px("光明顶", 16.0), 48.0);
    let mixed = estimate_width_px("莲花峰（1864）", 10.0);
    assert!((mixed - (5.0 * 10.0 + 4.0 * 5.5)).abs() < 1e-9);
    let english = estimate_width_px("Bright Summit", 16.0);
    assert!((english - 13.0 * 0.55 * 16.0).abs() < 1e-9);
}

fn markers() -> impl Strategy<Value = Vec<Marker>> {
    prop::collection::vec(
        (
            0.0..400.0f64,
            0.0..300.0f64,
            1u8..=3,
            10.0..8_000.0f64,
            10.0..140.0f64,
            10.0..30.0f64,
        ),
        0..80,
    )
    .prop_map(|points| {
        points
            .into_iter()
            .enumerate()
            .map(
                |(poi, (x, y, importance, distance_m, width_px, height_px))| Marker {
                    poi,
                    x,
                    y,
                    importance,
                    distance_m,
                    width_px,
                    height_px,
                },
            )
            .collect()
    })
}

proptest! {
    #[test]
    fn placed_labels_never_overlap_and_every_point_is_counted_once(markers in markers()) {
        let layout = place_labels(&markers);
        for (i, a) in layout.labels.iter().enumerate() {
            for b in &layout.labels[i + 1..] {
                prop_assert!(!a.rect.overlaps(&b.rect), "{a:?} overlaps {b:?}");
            }
        }
        prop_assert_eq!(seen(&layout), (0..markers.len()).collect::<Vec<_>>());
        for group in &layout.groups {
            prop_assert!(group.count() > 0);
            prop_assert!(group.label < layout.labels.len());
        }
    }
}
