//! The trip the tourist shared with the case: a map of where the tourist is among the
//! trip's places, the timeline with every item's live state, and each pass's state (not
//! used, used at which gate and when, revoked) with "re-issue" on an unused one. When the
//! share has ended the pane clears and says so.

use leptos::prelude::*;
use tongyou_core::api::{
    CaseDetail, CaseState, Lang, PassState, SharedPass, SharedTrip, TimelineItem,
};
use tongyou_core::catalog::GeoPoint;

use crate::api;
use crate::ctx::{Ctx, OpenCase};
use crate::i18n::{Msg, item_status, kind_label, t};
use crate::time;

#[component]
pub fn TripPane(open: OpenCase) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    // The pass whose re-issue waits for a second click, and what became of the last try.
    let confirming = RwSignal::new(None::<String>);
    let said = RwSignal::new(None::<(String, String)>);
    let reissue = Action::new_local(move |pass_id: &String| {
        let (csrf, pass_id) = (ctx.csrf(), pass_id.clone());
        async move {
            let result = api::reissue(csrf, open.id, pass_id.clone()).await;
            (pass_id, result)
        }
    });
    Effect::new(move |_| {
        if let Some((pass_id, result)) = reissue.value().get() {
            confirming.set(None);
            let lang = lang.get_untracked();
            match result {
                Ok(_) => {
                    said.set(Some((pass_id, t(lang, Msg::Reissued).to_owned())));
                    open.read_again();
                }
                Err(failure) if failure.no_such_endpoint() => {
                    said.set(Some((pass_id, t(lang, Msg::ActionUnavailable).to_owned())));
                }
                Err(failure) => {
                    if !ctx.signed_out_if_rejected(&failure) {
                        said.set(Some((pass_id, ctx.explain(&failure))));
                    }
                }
            }
        }
    });
    let passes = PassActions {
        confirming,
        said,
        reissue,
    };
    move || {
        let lang = lang.get();
        open.latest.with(|d| {
            d.as_ref().map(|d| match &d.trip {
                Some(shared) => shared_view(lang, shared, d.location, passes).into_any(),
                None => not_shared(lang, d).into_any(),
            })
        })
    }
}

/// What the passes' buttons share across redraws of the trip.
#[derive(Clone, Copy)]
struct PassActions {
    confirming: RwSignal<Option<String>>,
    said: RwSignal<Option<(String, String)>>,
    reissue: Action<String, (String, Result<CaseDetail, api::Failure>)>,
}

fn not_shared(lang: Lang, d: &CaseDetail) -> impl IntoView + use<> {
    if d.case.state == CaseState::Closed {
        view! {
            <section class="trip-pane card ended" data-test="case-closed">
                <h3>{t(lang, Msg::TripTitle)}</h3>
                <p>{t(lang, Msg::ClosedShareEnded)}</p>
            </section>
        }
        .into_any()
    } else if d.case.share_id.is_some() || d.case.trip_id.is_some() {
        view! {
            <section class="trip-pane card ended" data-test="share-ended">
                <h3>{t(lang, Msg::TripTitle)}</h3>
                <p>{t(lang, Msg::ShareEnded)}</p>
            </section>
        }
        .into_any()
    } else {
        view! {
            <section class="trip-pane card ended" data-test="no-trip">
                <h3>{t(lang, Msg::TripTitle)}</h3>
                <p>{t(lang, Msg::NoTripShared)}</p>
            </section>
        }
        .into_any()
    }
}

fn shared_view(
    lang: Lang,
    shared: &SharedTrip,
    location: Option<GeoPoint>,
    passes: PassActions,
) -> impl IntoView + use<> {
    let trip = &shared.trip;
    view! {
        <section class="trip-pane card" data-test="case-trip" data-trip=trip.trip_id.clone()>
            <header class="trip-head">
                <h3>{t(lang, Msg::TripTitle)}</h3>
                <span class="dates">{format!("{} – {}", trip.first_day, trip.last_day)}</span>
                <span class="until">
                    {t(lang, Msg::SharedUntil)} " " {time::moment(&shared.expires_at)}
                </span>
            </header>
            {trip_map(lang, &trip.items, location)}
            <ol class="timeline" data-test="timeline">
                {trip.items.iter().map(|item| timeline_item(lang, item)).collect_view()}
            </ol>
            <h4>{t(lang, Msg::Passes)}</h4>
            <ol class="passes" data-test="passes">
                {shared.passes.iter().map(|p| pass_line(lang, p, passes)).collect_view()}
            </ol>
        </section>
    }
}

fn timeline_item(lang: Lang, item: &TimelineItem) -> impl IntoView + use<> {
    let status = serde_json::to_value(item.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let when = match item.end {
        Some(end) if end.date() == item.start.date() => format!(
            "{}–{}",
            item.start.format("%m-%d %H:%M"),
            end.format("%H:%M")
        ),
        _ => item.start.format("%m-%d %H:%M").to_string(),
    };
    view! {
        <li
            class="trip-item"
            class:off=!item.status.is_on()
            data-test="trip-item"
            data-item=item.id.clone()
            data-kind=item.kind.key()
            data-status=status.clone()
        >
            <time>{when}</time>
            <div class="what">
                <span class="kind">{kind_label(lang, &item.kind)}</span>
                <b>{item.title.get(lang).to_owned()}</b>
                <small>{item.place.get(lang).to_owned()}</small>
                {item.note.as_ref().map(|n| view! { <small class="note">{n.get(lang).to_owned()}</small> })}
            </div>
            <span class="status" data-status=status.clone()>{item_status(lang, item.status)}</span>
        </li>
    }
}

fn pass_line(lang: Lang, pass: &SharedPass, actions: PassActions) -> impl IntoView + use<> {
    let (state, says) = match pass.state {
        PassState::Valid => ("valid", t(lang, Msg::PassUnused).to_owned()),
        PassState::Revoked => ("revoked", t(lang, Msg::PassRevoked).to_owned()),
        PassState::Used => ("used", used_text(lang, pass)),
    };
    let id = pass.pass_id.clone();
    let unused = pass.state == PassState::Valid;
    let reissue = unused.then(|| {
        let (first, second) = (id.clone(), id.clone());
        let asking = {
            let id = id.clone();
            move || actions.confirming.get().as_deref() == Some(id.as_str())
        };
        view! {
            <Show
                when=asking
                fallback=move || {
                    let first = first.clone();
                    view! {
                        <button
                            class="small"
                            data-test="reissue"
                            on:click=move |_| actions.confirming.set(Some(first.clone()))
                        >
                            {t(lang, Msg::Reissue)}
                        </button>
                    }
                }
            >
                <span class="confirm">
                    {t(lang, Msg::ReissueSure)}
                    {
                        let second = second.clone();
                        view! {
                            <button
                                class="small primary"
                                data-test="reissue-confirm"
                                disabled=move || actions.reissue.pending().get()
                                on:click=move |_| {
                                    actions.reissue.dispatch(second.clone());
                                }
                            >
                                {t(lang, Msg::Reissue)}
                            </button>
                        }
                    }
                    <button class="small" on:click=move |_| actions.confirming.set(None)>
                        {t(lang, Msg::Cancel)}
                    </button>
                </span>
            </Show>
        }
    });
    let note = {
        let id = id.clone();
        move || {
            actions
                .said
                .get()
                .filter(|(pass, _)| *pass == id)
                .map(|(_, note)| view! { <p class="note" data-test="pass-note">{note}</p> })
        }
    };
    view! {
        <li class="pass" data-test="pass" data-state=state data-pass=id.clone()>
            <div class="what">
                <b>{pass.name.get(lang).to_owned()}</b>
                <small>
                    {match &pass.holder {
                        Some(holder) => format!("{holder} · {}", pass.date),
                        None => pass.date.clone(),
                    }}
                </small>
            </div>
            <span class="pass-state" data-state=state>{says}</span>
            {reissue}
            {note}
        </li>
    }
}

fn used_text(lang: Lang, pass: &SharedPass) -> String {
    let at = pass.used_at.as_deref().map(time::moment);
    match (lang, pass.used_gate.as_deref(), at) {
        (Lang::Zh, Some(gate), Some(at)) => format!("已于 {at} 在 {gate} 使用"),
        (Lang::En, Some(gate), Some(at)) => format!("used at {gate}, {at}"),
        (lang, _, _) => t(lang, Msg::PassUsed).to_owned(),
    }
}

/// Where things are, relative to each other: the trip's places numbered in time order
/// (items at one place share a mark, `1·2·3`), the way between them dashed, and the
/// tourist's last known position. No tiles: a sketch an agent reads at a glance ("she is
/// past the lift, before the gate").
fn trip_map(
    lang: Lang,
    items: &[TimelineItem],
    location: Option<GeoPoint>,
) -> impl IntoView + use<> {
    const W: f64 = 400.0;
    const H: f64 = 220.0;
    const PAD: f64 = 28.0;
    let placed: Vec<(usize, &TimelineItem, GeoPoint)> = items
        .iter()
        .enumerate()
        .filter_map(|(n, i)| i.location.map(|at| (n + 1, i, at)))
        .collect();
    let mut all: Vec<GeoPoint> = placed.iter().map(|(_, _, at)| *at).collect();
    all.extend(location);
    if all.is_empty() {
        return view! { <p class="map-none" data-test="map-none">{t(lang, Msg::NoMap)}</p> }
            .into_any();
    }
    let frame = Frame::around(&all, W - 2.0 * PAD, H - 2.0 * PAD);
    let xy = |at: GeoPoint| {
        let (x, y) = frame.project(at);
        (x + PAD, y + PAD)
    };
    let spots = spots(
        placed
            .iter()
            .map(|(n, item, at)| (*n, xy(*at), item.status.is_on())),
    );
    // The way, in time order, through the marks of the items that are on.
    let mut way: Vec<(f64, f64)> = Vec::new();
    for (n, item, _) in &placed {
        let spot = spots.iter().find(|s| s.numbers.contains(n));
        if let Some(spot) = spot.filter(|_| item.status.is_on())
            && way.last() != Some(&(spot.x, spot.y))
        {
            way.push((spot.x, spot.y));
        }
    }
    let path = way
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let marks = spots
        .into_iter()
        .map(|spot| {
            let label = spot
                .numbers
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join("·");
            let title = spot
                .numbers
                .iter()
                .filter_map(|n| items.get(n - 1).map(|i| format!("{n}. {}", i.title.get(lang))))
                .collect::<Vec<_>>()
                .join("\n");
            let ids = spot
                .numbers
                .iter()
                .filter_map(|n| items.get(n - 1).map(|i| i.id.clone()))
                .collect::<Vec<_>>()
                .join(" ");
            // A pill wide enough for its numbers.
            #[allow(clippy::cast_precision_loss)]
            let width = 12.0 + 7.0 * label.chars().count() as f64;
            view! {
                <g class="map-item" class:off=!spot.on data-test="map-item" data-items=ids>
                    <title>{title}</title>
                    <rect
                        x=format!("{:.1}", spot.x - width / 2.0)
                        y=format!("{:.1}", spot.y - 9.0)
                        width=format!("{width:.1}")
                        height="18"
                        rx="9"
                    ></rect>
                    <text x=format!("{:.1}", spot.x) y=format!("{:.1}", spot.y + 4.0) text-anchor="middle">
                        {label}
                    </text>
                </g>
            }
        })
        .collect_view();
    let me = location.map(|at| {
        let (x, y) = xy(at);
        // The label on the side with room.
        let (anchor, dx) = if x > W - 90.0 {
            ("end", -12.0)
        } else {
            ("start", 12.0)
        };
        view! {
            <g class="map-location" data-test="map-location">
                <title>{t(lang, Msg::TouristHere)}</title>
                <circle class="halo" cx=format!("{x:.1}") cy=format!("{y:.1}") r="14"></circle>
                <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="6"></circle>
                <text x=format!("{:.1}", x + dx) y=format!("{:.1}", y - 10.0) text-anchor=anchor>
                    {t(lang, Msg::TouristHere)}
                </text>
            </g>
        }
    });
    view! {
        <figure class="trip-map" data-test="map">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=t(lang, Msg::MapLabel)>
                <rect class="ground" x="0" y="0" width=W.to_string() height=H.to_string() rx="10"></rect>
                <polyline class="walk" points=path></polyline>
                {marks}
                {me}
            </svg>
            <figcaption>{t(lang, Msg::MapCaption)}</figcaption>
        </figure>
    }
    .into_any()
}

/// One mark on the map: the items (by number) drawn at one place.
#[derive(Debug, Clone, PartialEq)]
struct Spot {
    x: f64,
    y: f64,
    numbers: Vec<usize>,
    /// Something there will happen, or has (not all cancelled or failed).
    on: bool,
}

/// Items closer than a mark's size share one, in the order they come.
fn spots(points: impl IntoIterator<Item = (usize, (f64, f64), bool)>) -> Vec<Spot> {
    const NEAR: f64 = 14.0;
    let mut spots: Vec<Spot> = Vec::new();
    for (n, (x, y), on) in points {
        match spots.iter_mut().find(|s| (s.x - x).hypot(s.y - y) < NEAR) {
            Some(spot) => {
                spot.numbers.push(n);
                spot.on |= on;
            }
            None => spots.push(Spot {
                x,
                y,
                numbers: vec![n],
                on,
            }),
        }
    }
    spots
}

/// A flat projection of a few kilometres of mountain onto the map's box: longitude
/// shrunk by the latitude's cosine so distances keep their proportions, north up.
#[derive(Debug, Clone, Copy)]
struct Frame {
    west: f64,
    north: f64,
    /// Pixels per degree of latitude.
    scale: f64,
    shrink: f64,
    /// Offsets that centre the points in the box.
    dx: f64,
    dy: f64,
}

impl Frame {
    fn around(points: &[GeoPoint], width: f64, height: f64) -> Frame {
        let fold = |f: fn(f64, f64) -> f64, get: fn(&GeoPoint) -> f64, start: f64| {
            points.iter().map(get).fold(start, f)
        };
        let (west, east) = (
            fold(f64::min, |p| p.lon, f64::INFINITY),
            fold(f64::max, |p| p.lon, f64::NEG_INFINITY),
        );
        let (south, north) = (
            fold(f64::min, |p| p.lat, f64::INFINITY),
            fold(f64::max, |p| p.lat, f64::NEG_INFINITY),
        );
        let shrink = ((south + north) / 2.0).to_radians().cos();
        let (span_x, span_y) = ((east - west) * shrink, north - south);
        // A single point (or several at one place) sits in the middle.
        let scale = match (span_x > 0.0, span_y > 0.0) {
            (false, false) => 0.0,
            _ => (width / span_x.max(f64::EPSILON)).min(height / span_y.max(f64::EPSILON)),
        };
        Frame {
            west,
            north,
            scale,
            shrink,
            dx: (width - span_x * scale) / 2.0,
            dy: (height - span_y * scale) / 2.0,
        }
    }

    fn project(&self, at: GeoPoint) -> (f64, f64) {
        (
            self.dx + (at.lon - self.west) * self.shrink * self.scale,
            self.dy + (self.north - at.lat) * self.scale,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> GeoPoint {
        GeoPoint { lat, lon }
    }

    #[test]
    fn the_map_keeps_north_up_and_everything_in_the_box() {
        let points = [at(30.10, 118.10), at(30.20, 118.20), at(30.15, 118.15)];
        let frame = Frame::around(&points, 352.0, 172.0);
        for p in points {
            let (x, y) = frame.project(p);
            assert!(
                (0.0..=352.001).contains(&x) && (0.0..=172.001).contains(&y),
                "{x},{y}"
            );
        }
        let (_, y_north) = frame.project(points[1]);
        let (_, y_south) = frame.project(points[0]);
        assert!(y_north < y_south, "north is up");
        let (x_west, _) = frame.project(points[0]);
        let (x_east, _) = frame.project(points[1]);
        assert!(x_west < x_east, "east is right");
    }

    #[test]
    fn items_at_one_place_share_a_mark() {
        let marks = spots([
            (1, (10.0, 10.0), true),
            (2, (200.0, 100.0), true),
            (3, (12.0, 11.0), false),
            (4, (201.0, 99.0), false),
        ]);
        assert_eq!(marks.len(), 2);
        assert_eq!(marks[0].numbers, [1, 3]);
        assert_eq!(marks[1].numbers, [2, 4]);
        assert!(marks.iter().all(|m| m.on));
        let off = spots([(1, (0.0, 0.0), false)]);
        assert!(!off[0].on);
    }

    #[test]
    fn one_place_sits_in_the_middle() {
        let frame = Frame::around(&[at(30.1, 118.1)], 352.0, 172.0);
        assert_eq!(frame.project(at(30.1, 118.1)), (176.0, 86.0));
    }
}
