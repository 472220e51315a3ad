//! One view of the panorama: where each point in view shows (`core::guide::geometry`),
//! which names fit (`core::guide::layout`; the rest counted as "+N"), and its drawing:
//! sky and ground, a far ridge, the peaks' silhouettes, dots, labels, and the compass strip
//! under it. Pure but for the drawing; turning and tapping are `panorama`'s.

use leptos::prelude::*;
use tongyou_core::api::Lang;
use tongyou_core::guide::geometry::{View, ViewMode, project, turn_deg};
use tongyou_core::guide::layout::{Group, Layout, Marker, Rect, estimate_width_px, place_labels};
use tongyou_core::guide::{GuidePack, Poi, PoiKind};

use crate::i18n;

/// Narrower than this, the view is a phone's: a narrower field of view, so the labels
/// keep room.
const PHONE_PX: f64 = 600.0;
/// A phone held up in front of the eyes.
const EYE_HEIGHT_M: f64 = 1.6;
/// Where the horizon sits, as a share of the height from the top: the labels above the
/// peaks need the room.
const HORIZON_AT: f64 = 0.64;
/// Toilets, water and the like are named only this near, and sights, stations and hotels
/// that are not peaks only this near: the hotels down in town would crowd out the peaks.
const AMENITY_NEAR_M: f64 = 800.0;
const PLACE_NEAR_M: f64 = 4_000.0;
const LABEL_PAD_PX: f64 = 7.0;
const COMPASS_PX: f64 = 30.0;
const BADGE_FONT_PX: f64 = 11.0;

/// The panorama's size and lens for the width it is given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Frame {
    pub(super) width: f64,
    pub(super) height: f64,
    pub(super) fov_deg: f64,
    pub(super) font_px: f64,
}

impl Frame {
    fn for_width(width: f64) -> Frame {
        if width < PHONE_PX {
            Frame {
                width,
                height: 300.0,
                fov_deg: 60.0,
                font_px: 13.0,
            }
        } else {
            Frame {
                width,
                height: (width * 0.42).clamp(320.0, 420.0),
                fov_deg: 90.0,
                font_px: 14.0,
            }
        }
    }

    fn px_per_deg(&self) -> f64 {
        self.width / self.fov_deg
    }
}

/// One view drawn: where each point shows, and which labels fit.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Scene {
    pub(super) frame: Frame,
    pub(super) heading_deg: f64,
    horizon_y: f64,
    /// Each point in view (its index in the pack) where it is.
    pub(super) dots: Vec<(usize, f64, f64)>,
    /// The labels to place, each kept inside the picture: near an edge it moves in, off
    /// its point (a leader line joins them).
    pub(super) markers: Vec<Marker>,
    pub(super) layout: Layout,
}

impl Scene {
    fn dot(&self, poi: usize) -> Option<(f64, f64)> {
        self.dots
            .iter()
            .find(|(p, ..)| *p == poi)
            .map(|(_, x, y)| (*x, *y))
    }
}

/// Whether a point is worth naming from this far: peaks from anywhere in view.
fn worth_naming(poi: &Poi, distance_m: f64) -> bool {
    match poi.kind {
        PoiKind::Peak => true,
        _ if poi.importance > 1 => distance_m <= PLACE_NEAR_M,
        _ => distance_m <= AMENITY_NEAR_M,
    }
}

pub(super) fn scene(
    pack: &GuidePack,
    here: &Poi,
    heading_deg: f64,
    width: f64,
    lang: Lang,
) -> Scene {
    let frame = Frame::for_width(width);
    let horizon_y = frame.height * HORIZON_AT;
    let view = View {
        at: here.location,
        eye_m: f64::from(here.elevation_m) + EYE_HEIGHT_M,
        heading_deg,
        // Looking a little up puts the horizon below the middle.
        pitch_deg: (horizon_y - frame.height / 2.0) / frame.px_per_deg(),
        fov_deg: frame.fov_deg,
        width_px: frame.width,
        height_px: frame.height,
        mode: ViewMode::Panorama,
    };
    let label_height = frame.font_px + 2.0 * LABEL_PAD_PX - 2.0;
    let in_view: Vec<_> = project(&view, &pack.pois)
        .into_iter()
        .filter(|p| (0.0..=frame.height).contains(&p.y))
        .filter(|p| worth_naming(&pack.pois[p.index], p.distance_m))
        .collect();
    let markers: Vec<Marker> = in_view
        .iter()
        .map(|p| {
            let poi = &pack.pois[p.index];
            let width = text_width(poi.name.get(lang), frame.font_px, poi.importance >= 3)
                + 2.0 * LABEL_PAD_PX;
            let mut marker = Marker::new(p, poi, width, label_height);
            let half = (width / 2.0).min(frame.width / 2.0);
            marker.x = marker.x.clamp(half, frame.width - half);
            marker
        })
        .collect();
    let layout = place_labels(&markers);
    Scene {
        frame,
        heading_deg,
        horizon_y,
        dots: in_view.iter().map(|p| (p.index, p.x, p.y)).collect(),
        markers,
        layout,
    }
}

/// A label's text width: the core's estimate, a little wider for the UI's font, and for
/// bold (the main peaks), so no name spills out of its box.
fn text_width(text: &str, font_px: f64, bold: bool) -> f64 {
    estimate_width_px(text, font_px) * if bold { 1.15 } else { 1.06 }
}

/// The "+N" badge at a group's corner, where a tap opens its list.
pub(super) fn badge(group: &Group, frame: &Frame) -> Rect {
    let text = format!("+{}", group.count());
    let height = frame.font_px + 1.0;
    let width = estimate_width_px(&text, BADGE_FONT_PX) + 8.0;
    Rect {
        x: (group.x - 7.0).min(frame.width - width),
        y: group.y - height + 3.0,
        width,
        height,
    }
}

/// The picture: sky and ground, a far ridge that turns with the view, the peaks'
/// silhouettes (far first), then the dots, their labels and the "+N" badges.
pub(super) fn draw(pack: &GuidePack, s: &Scene, lang: Lang) -> impl IntoView + use<> {
    let Frame {
        width,
        height,
        font_px,
        ..
    } = s.frame;
    let horizon = s.horizon_y;
    let mut peaks: Vec<&Marker> = s
        .markers
        .iter()
        .filter(|m| pack.pois[m.poi].kind == PoiKind::Peak)
        .collect();
    peaks.sort_by(|a, b| b.distance_m.total_cmp(&a.distance_m));
    let silhouettes = peaks
        .into_iter()
        .filter_map(|m| {
            let (x, y) = s.dot(m.poi)?;
            Some((x, y, m.distance_m))
        })
        .map(|(x, y, distance_m)| {
            let half = ((height - y) * 0.9).max(24.0);
            let shade = match distance_m {
                d if d < 1_500.0 => "near",
                d if d < 4_000.0 => "mid",
                _ => "far",
            };
            view! {
                <path
                    class=format!("peak {shade}")
                    d=format!(
                        "M{:.1} {height:.1} Q{:.1} {:.1} {:.1} {:.1} Q{:.1} {:.1} {:.1} {height:.1} Z",
                        x - half, x - half * 0.35, y + 8.0, x, y, x + half * 0.35, y + 8.0, x + half,
                    )
                />
            }
        })
        .collect_view();
    let leaders = s
        .layout
        .labels
        .iter()
        .filter_map(|l| {
            let (x, y) = s.dot(l.poi)?;
            let (to_x, to_y) = (l.rect.x + l.rect.width / 2.0, l.rect.y + l.rect.height);
            Some(view! {
                <line class="leader" x1=format!("{x:.1}") y1=format!("{y:.1}") x2=format!("{to_x:.1}") y2=format!("{to_y:.1}") />
            })
        })
        .collect_view();
    let dots = s
        .dots
        .iter()
        .map(|(poi, x, y)| {
            let poi = &pack.pois[*poi];
            view! { <circle class=format!("dot {}", kind_class(poi.kind)) cx=format!("{x:.1}") cy=format!("{y:.1}") r="4" /> }
        })
        .collect_view();
    // The tests' handle (`data-test`) is on each label's text, not its group: WebKit's
    // hit test never lists a `<g>`, so WebDriver could not click one.
    let labels = s
        .layout
        .labels
        .iter()
        .map(|l| {
            let poi = &pack.pois[l.poi];
            let r = l.rect;
            let main = poi.importance >= 3;
            // The anchor is the point itself, so labels compare as their points do.
            let anchor = s.dot(l.poi).map_or(l.x, |(x, _)| x);
            view! {
                <g class="label" class:main=main>
                    <rect x=format!("{:.1}", r.x) y=format!("{:.1}", r.y) width=format!("{:.1}", r.width) height=format!("{:.1}", r.height) rx="6" />
                    <text
                        data-test="label"
                        data-poi=poi.id.clone()
                        data-x=format!("{anchor:.1}")
                        x=format!("{:.1}", r.x + r.width / 2.0)
                        y=format!("{:.1}", r.y + r.height / 2.0)
                        font-size=format!("{font_px}")
                    >
                        {poi.name.get(lang).to_owned()}
                    </text>
                </g>
            }
        })
        .collect_view();
    let groups = s
        .layout
        .groups
        .iter()
        .map(|g| {
            let r = badge(g, &s.frame);
            let ids: Vec<&str> = g.pois.iter().map(|i| pack.pois[*i].id.as_str()).collect();
            view! {
                <g class="label-more">
                    <rect x=format!("{:.1}", r.x) y=format!("{:.1}", r.y) width=format!("{:.1}", r.width) height=format!("{:.1}", r.height) rx=format!("{:.1}", r.height / 2.0) />
                    <text
                        data-test="label-more"
                        data-pois=ids.join(" ")
                        aria-label=i18n::more_here(lang, g.count())
                        x=format!("{:.1}", r.x + r.width / 2.0)
                        y=format!("{:.1}", r.y + r.height / 2.0)
                        font-size=format!("{BADGE_FONT_PX}")
                    >
                        {format!("+{}", g.count())}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <rect class="sky" x="0" y="0" width=format!("{width:.0}") height=format!("{horizon:.1}") fill="url(#pano-sky)" />
        <rect class="ground" x="0" y=format!("{horizon:.1}") width=format!("{width:.0}") height=format!("{:.1}", height - horizon) fill="url(#pano-ground)" />
        <path class="ridge" d=ridge(s) />
        {silhouettes}
        <line class="horizon" x1="0" y1=format!("{horizon:.1}") x2=format!("{width:.0}") y2=format!("{horizon:.1}") />
        {leaders}
        {dots}
        {labels}
        {groups}
    }
}

/// A far ridge just above the horizon, its shape fixed to the compass so it moves as the
/// view turns (the pack has no terrain; this only gives the turning something to hold).
fn ridge(s: &Scene) -> String {
    let per_deg = s.frame.px_per_deg();
    let mut d = format!("M0 {:.1}", s.frame.height);
    let mut x = 0.0;
    while x <= s.frame.width + 4.0 {
        let bearing = (s.heading_deg + (x - s.frame.width / 2.0) / per_deg).to_radians();
        let rise = 1.1 + 0.7 * (bearing * 5.0).sin() + 0.45 * (bearing * 13.0 + 0.7).sin();
        d.push_str(&format!(" L{x:.1} {:.1}", s.horizon_y - rise * per_deg));
        x += 4.0;
    }
    d.push_str(&format!(
        " L{:.1} {:.1} Z",
        s.frame.width + 4.0,
        s.frame.height
    ));
    d
}

fn kind_class(kind: PoiKind) -> &'static str {
    match kind {
        PoiKind::Peak => "peak-dot",
        PoiKind::Viewpoint | PoiKind::Pavilion => "view-dot",
        PoiKind::Station | PoiKind::Hotel | PoiKind::Gate => "service-dot",
        PoiKind::Sight => "sight-dot",
        PoiKind::Toilet | PoiKind::FirstAid | PoiKind::Rest | PoiKind::Water => "amenity-dot",
    }
}

/// The compass under the picture: a tick every 15°, the four and the eight directions
/// named, the heading in the middle.
pub(super) fn compass(s: &Scene, lang: Lang) -> impl IntoView + use<> {
    let Frame { width, .. } = s.frame;
    let per_deg = s.frame.px_per_deg();
    let half = s.frame.fov_deg / 2.0;
    let ticks = (0..360)
        .step_by(15)
        .filter_map(|bearing| {
            let across = turn_deg(s.heading_deg, f64::from(bearing));
            (across.abs() <= half).then(|| {
                let x = width / 2.0 + across * per_deg;
                let (class, length) = match bearing % 90 {
                    0 => ("tick cardinal", 10.0),
                    45 => ("tick", 7.0),
                    _ => ("tick minor", 4.0),
                };
                // A name cut by the edge would read as another.
                let room = if bearing % 90 == 0 { 8.0 } else { 14.0 };
                let name = (bearing % 45 == 0 && (room..=width - room).contains(&x)).then(|| {
                    view! {
                        <text class=if bearing % 90 == 0 { "dir cardinal" } else { "dir" } x=format!("{x:.1}") y="25">
                            {i18n::compass_point(lang, f64::from(bearing))}
                        </text>
                    }
                });
                view! {
                    <line class=class data-bearing=bearing x1=format!("{x:.1}") y1="0" x2=format!("{x:.1}") y2=format!("{length:.0}") />
                    {name}
                }
            })
        })
        .collect_view();
    let heading = (s.heading_deg.round() as i64).rem_euclid(360);
    let centre = width / 2.0;
    view! {
        <svg
            class="compass"
            data-test="compass"
            data-heading=heading
            viewBox=format!("0 0 {width:.0} {COMPASS_PX:.0}")
            height=format!("{COMPASS_PX:.0}")
            aria-label=format!("{heading}° {}", i18n::compass_point(lang, s.heading_deg))
        >
            <rect class="strip" x="0" y="0" width=format!("{width:.0}") height=format!("{COMPASS_PX:.0}") />
            {ticks}
            <path class="needle" d=format!("M{:.1} 0 L{:.1} 0 L{centre:.1} 7 Z", centre - 6.0, centre + 6.0) />
            <text class="reading" x=format!("{:.1}", centre + 10.0) y="14">{format!("{heading}°")}</text>
        </svg>
    }
}
