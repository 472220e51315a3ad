//! The guide's map, drawn from the pack alone (no tiles): the trails (steps dashed), each
//! point as a small symbol of its kind with the names that fit, the viewpoint stood at,
//! and the walking route asked for (`route` asks and answers it in words), close enough
//! in to see it.

use leptos::html::Div;
use leptos::prelude::*;
use tongyou_core::api::Lang;
use tongyou_core::catalog::GeoPoint;
use tongyou_core::guide::geometry::{Projected, distance_m};
use tongyou_core::guide::layout::{Marker, estimate_width_px, place_labels};
use tongyou_core::guide::route::{Route, route};
use tongyou_core::guide::{Bounds, GuidePack, PoiKind, TrailKind};

use super::route::{RouteLegs, RoutePanel};
use super::{Guide, KINDS, width_of};
use crate::ctx::Ctx;
use crate::i18n::{self, Msg, tr};

/// Room around what is drawn, and above it for the names of the northernmost points.
const PAD_PX: f64 = 20.0;
const TOP_PX: f64 = 26.0;
const FONT_PX: f64 = 12.0;
/// How far in each step of the zoom buttons goes.
const ZOOMS: [f64; 4] = [1.0, 1.8, 3.2, 5.5];

/// Latitude and longitude onto the map's pixels: longitude shrunk by the latitude's
/// cosine, so a kilometre is as long either way (the area is a few kilometres across).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Plane {
    width: f64,
    height: f64,
    /// At the middle of the picture.
    centre: GeoPoint,
    px_per_lon: f64,
    px_per_lat: f64,
}

impl Plane {
    fn xy(&self, p: GeoPoint) -> (f64, f64) {
        (
            self.width / 2.0 + (p.lon - self.centre.lon) * self.px_per_lon,
            (self.height + TOP_PX) / 2.0 - (p.lat - self.centre.lat) * self.px_per_lat,
        )
    }

    fn shows(&self, (x, y): (f64, f64)) -> bool {
        (0.0..=self.width).contains(&x) && (0.0..=self.height).contains(&y)
    }

    /// The pack's points and trails fitted into `width` (the height follows, within
    /// reason), `zoom` times closer around `focus`.
    fn fit(pack: &GuidePack, width: f64, zoom: f64, focus: Option<GeoPoint>) -> Plane {
        let e = extent(pack);
        let shrink = ((e.south + e.north) / 2.0).to_radians().cos();
        let (span_x, span_y) = (
            ((e.east - e.west) * shrink).max(1e-4),
            (e.north - e.south).max(1e-4),
        );
        let height = (width * span_y / span_x + TOP_PX).clamp(320.0, 640.0);
        let per_deg =
            ((width - 2.0 * PAD_PX) / span_x).min((height - 2.0 * PAD_PX - TOP_PX) / span_y) * zoom;
        let middle = GeoPoint {
            lat: (e.south + e.north) / 2.0,
            lon: (e.west + e.east) / 2.0,
        };
        Plane {
            width,
            height,
            centre: if zoom > 1.0 {
                focus.unwrap_or(middle)
            } else {
                middle
            },
            px_per_lon: per_deg * shrink,
            px_per_lat: per_deg,
        }
    }
}

/// What the map has to show: every point and every trail's line.
fn extent(pack: &GuidePack) -> Bounds {
    let points = pack
        .pois
        .iter()
        .map(|p| p.location)
        .chain(pack.trails.iter().flat_map(|t| t.path.iter().copied()));
    let mut e = Bounds {
        south: f64::MAX,
        west: f64::MAX,
        north: f64::MIN,
        east: f64::MIN,
    };
    for p in points {
        e.south = e.south.min(p.lat);
        e.north = e.north.max(p.lat);
        e.west = e.west.min(p.lon);
        e.east = e.east.max(p.lon);
    }
    if e.south > e.north { pack.bounds } else { e }
}

/// Where a line lies: its middle and how far it spans, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    middle: GeoPoint,
    lat: f64,
    lon: f64,
}

fn span_of(path: &[GeoPoint]) -> Option<Span> {
    let first = path.first()?;
    let (mut south, mut north, mut west, mut east) = (first.lat, first.lat, first.lon, first.lon);
    for p in path {
        (south, north) = (south.min(p.lat), north.max(p.lat));
        (west, east) = (west.min(p.lon), east.max(p.lon));
    }
    Some(Span {
        middle: GeoPoint {
            lat: (south + north) / 2.0,
            lon: (west + east) / 2.0,
        },
        lat: north - south,
        lon: east - west,
    })
}

fn line(plane: &Plane, path: &[GeoPoint]) -> String {
    path.iter()
        .map(|p| {
            let (x, y) = plane.xy(*p);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn kind_key(kind: PoiKind) -> &'static str {
    match kind {
        PoiKind::Peak => "peak",
        PoiKind::Sight => "sight",
        PoiKind::Viewpoint => "viewpoint",
        PoiKind::Pavilion => "pavilion",
        PoiKind::Station => "station",
        PoiKind::Gate => "gate",
        PoiKind::Hotel => "hotel",
        PoiKind::Toilet => "toilet",
        PoiKind::FirstAid => "first-aid",
        PoiKind::Rest => "rest",
        PoiKind::Water => "water",
    }
}

/// A kind's symbol, centred on 0,0.
fn symbol(kind: PoiKind) -> impl IntoView + use<> {
    match kind {
        PoiKind::Peak => view! { <path class="sym" d="M0 -6 L6 5 L-6 5 Z" /> }.into_any(),
        PoiKind::Viewpoint => view! { <circle class="sym" r="5" /> }.into_any(),
        PoiKind::Pavilion => view! { <path class="sym" d="M-6 0 L0 -6 L6 0 Z M-4 0 H4 V5 H-4 Z" /> }.into_any(),
        PoiKind::Station | PoiKind::Hotel => view! { <rect class="sym" x="-4.5" y="-4.5" width="9" height="9" rx="2" /> }.into_any(),
        PoiKind::Gate => view! { <path class="sym" d="M-5 5 V-3 Q0 -8 5 -3 V5 H2 V0 H-2 V5 Z" /> }.into_any(),
        PoiKind::FirstAid => view! { <path class="sym" d="M-1.8 -5 H1.8 V-1.8 H5 V1.8 H1.8 V5 H-1.8 V1.8 H-5 V-1.8 H-1.8 Z" /> }.into_any(),
        PoiKind::Sight | PoiKind::Toilet | PoiKind::Rest | PoiKind::Water => {
            view! { <circle class="sym" r="4" /> }.into_any()
        }
    }
}

#[component]
pub(super) fn GuideMap() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let guide = expect_context::<Guide>();
    let lang = ctx.lang;
    let wrap = NodeRef::<Div>::new();
    let width = width_of(wrap);
    let zoom = RwSignal::new(0usize);
    let walked = Memo::new(move |_| {
        let to = guide.route_to.get()?;
        let from = guide.at.get()?;
        let walker = guide.walker.get().walker();
        guide
            .pack
            .with(|p| p.as_deref().map(|p| route(p, &from, &to, &walker, &[])))
    });
    let route_span = Memo::new(move |_| {
        walked.with(|w| {
            let route = w.as_ref()?.as_ref().ok()?;
            span_of(&route.path)
        })
    });
    // A new route: as close in as the zoom goes with all of it in sight.
    Effect::new(move |_| {
        let (Some(span), width) = (route_span.get(), width.get()) else {
            return;
        };
        let best = guide.pack.with_untracked(|p| {
            let base = Plane::fit(p.as_deref()?, width, 1.0, None);
            let (dx, dy) = (span.lon * base.px_per_lon, span.lat * base.px_per_lat);
            ZOOMS
                .iter()
                .rposition(|z| dx * z <= 0.6 * base.width && dy * z <= 0.6 * base.height)
        });
        zoom.set(best.unwrap_or(0));
    });
    let plane = Memo::new(move |_| {
        let width = width.get();
        let zoom = ZOOMS[zoom.get()];
        let route_middle = route_span.get().map(|s| s.middle);
        (width > 0.0)
            .then(|| {
                guide.with_here(|pack, here| {
                    Plane::fit(pack, width, zoom, route_middle.or(Some(here.location)))
                })
            })
            .flatten()
    });
    let size = move || plane.with(|p| p.map_or((0.0, 0.0), |p| (p.width, p.height)));
    view! {
        <div class="map-layout">
            <RoutePanel walked=walked />
            <section class="map-block">
                <div class="map-wrap" node_ref=wrap>
                    <svg
                        class="map"
                        data-test="map"
                        role="img"
                        aria-label=tr(lang, Msg::MapAria)
                        viewBox=move || { let (w, h) = size(); format!("0 0 {w:.0} {h:.0}") }
                        height=move || format!("{:.0}", size().1)
                    >
                        {move || {
                            let lang = lang.get();
                            let plane = plane.get()?;
                            let at = guide.at.get();
                            walked.with(|walked| {
                                let route = walked.as_ref().and_then(|r| r.as_ref().ok());
                                guide.pack.with(|p| p.as_deref().map(|pack| {
                                    draw(ctx, guide, pack, &plane, at.as_deref(), route, lang)
                                }))
                            })
                        }}
                    </svg>
                    <div class="zoom">
                        <button
                            aria-label="+"
                            data-test="map-zoom-in"
                            disabled=move || { zoom.get() + 1 == ZOOMS.len() }
                            on:click=move |_| zoom.update(|z| *z = (*z + 1).min(ZOOMS.len() - 1))
                        >
                            "+"
                        </button>
                        <button
                            aria-label="−"
                            data-test="map-zoom-out"
                            disabled=move || zoom.get() == 0
                            on:click=move |_| zoom.update(|z| *z = z.saturating_sub(1))
                        >
                            "−"
                        </button>
                    </div>
                </div>
                <p class="hint">{tr(lang, Msg::MapHint)}</p>
                <ul class="legend">
                    {KINDS.into_iter().map(|kind| view! {
                        <li class=format!("map-poi {}", kind_key(kind))>
                            <svg viewBox="-8 -8 16 16" width="16" height="16" aria-hidden="true">{symbol(kind)}</svg>
                            {move || i18n::poi_kind(lang.get(), kind)}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            <RouteLegs walked=walked />
        </div>
    }
}

/// The map's picture: trails, the route over them, the points, where the tourist
/// stands, and the names that fit.
fn draw(
    ctx: Ctx,
    guide: Guide,
    pack: &GuidePack,
    plane: &Plane,
    at: Option<&str>,
    route: Option<&Route>,
    lang: Lang,
) -> impl IntoView + use<> {
    let trails = pack
        .trails
        .iter()
        .map(|trail| {
            let kind = match trail.kind {
                TrailKind::Steps => "steps",
                TrailKind::Path => "path",
            };
            view! {
                <polyline
                    class=format!("trail {kind}")
                    class:closed=trail.closed
                    data-test="trail"
                    data-trail=trail.id.clone()
                    points=line(plane, &trail.path)
                />
            }
        })
        .collect_view();
    // Over the names: the route is what the map is showing now.
    let route = route.map(|r| {
        let points = line(plane, &r.path);
        let end = r.path.last().map(|p| {
            let (x, y) = plane.xy(*p);
            view! {
                <g class="route-end" transform=format!("translate({x:.1} {y:.1})")>
                    <path d="M0 0 C-7 -9 -7 -17 0 -17 C7 -17 7 -9 0 0 Z" />
                    <circle cx="0" cy="-11.5" r="2.6" />
                </g>
            }
        });
        view! {
            <polyline class="route-casing" points=points.clone() />
            <polyline class="route" data-test="route-line" points=points />
            {end}
        }
    });
    let here = at.and_then(|id| pack.poi(id));
    let on_map: Vec<(usize, (f64, f64))> = pack
        .pois
        .iter()
        .enumerate()
        .map(|(i, p)| (i, plane.xy(p.location)))
        .filter(|(_, xy)| plane.shows(*xy))
        .collect();
    let symbols = on_map
        .iter()
        .map(|(i, (x, y))| {
            let poi = &pack.pois[*i];
            let id = poi.id.clone();
            view! {
                <g
                    class=format!("map-poi {}", kind_key(poi.kind))
                    data-test="map-poi"
                    data-poi=poi.id.clone()
                    transform=format!("translate({x:.1} {y:.1})")
                    on:click=move |_| guide.open_card(ctx, &id)
                >
                    <circle class="hit" r="11" />
                    {symbol(poi.kind)}
                </g>
            }
        })
        .collect_view();
    let markers: Vec<Marker> = on_map
        .iter()
        .filter(|(i, _)| pack.pois[*i].importance > 1)
        .map(|(i, (x, y))| {
            let poi = &pack.pois[*i];
            let projected = Projected {
                index: *i,
                x: *x,
                y: *y - 4.0,
                distance_m: here.map_or(0.0, |h| distance_m(h.location, poi.location)),
                bearing_deg: 0.0,
                elevation_deg: 0.0,
            };
            let width = estimate_width_px(poi.name.get(lang), FONT_PX) + 8.0;
            Marker::new(&projected, poi, width, FONT_PX + 6.0)
        })
        .collect();
    let labels = place_labels(&markers)
        .labels
        .into_iter()
        .map(|l| {
            let poi = &pack.pois[l.poi];
            let id = poi.id.clone();
            let r = l.rect;
            view! {
                <g class="map-label" data-test="map-label" data-poi=poi.id.clone() on:click=move |_| guide.open_card(ctx, &id)>
                    <rect x=format!("{:.1}", r.x) y=format!("{:.1}", r.y) width=format!("{:.1}", r.width) height=format!("{:.1}", r.height) rx="4" />
                    <text x=format!("{:.1}", r.x + r.width / 2.0) y=format!("{:.1}", r.y + r.height / 2.0)>
                        {poi.name.get(lang).to_owned()}
                    </text>
                </g>
            }
        })
        .collect_view();
    let here = here.map(|h| {
        let (x, y) = plane.xy(h.location);
        view! {
            <g class="map-here" data-test="map-here" data-poi=h.id.clone() transform=format!("translate({x:.1} {y:.1})")>
                <circle class="ring" r="13" />
                <circle class="dot" r="6" />
            </g>
        }
    });
    view! {
        <rect class="land" x="0" y="0" width=format!("{:.0}", plane.width) height=format!("{:.0}", plane.height) />
        {trails}
        {symbols}
        {labels}
        {route}
        {here}
    }
}
