//! The panorama from a viewpoint (drawn by `scene`) and how it is used: it turns with a
//! drag (the picture follows the pointer, so dragging right turns left, as any panorama),
//! the arrow keys and two buttons; a tap on a name opens its card, on a "+N" lists what
//! it stands for. Under it: the viewpoint picker and what is in view, as buttons.

use leptos::ev::{KeyboardEvent, MouseEvent, PointerEvent};
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::scene::{Frame, badge, compass, draw, scene};
use super::{Guide, viewpoints, width_of};
use crate::ctx::Ctx;
use crate::i18n::{Msg, t, tr};

const KEY_TURN_DEG: f64 = 5.0;
const BUTTON_TURN_DEG: f64 = 15.0;
/// A press that moves less than this is a tap, not a drag.
const DRAG_PX: f64 = 4.0;

/// The pointer's spot in the picture's own pixels.
fn at_in(svg: &web_sys::Element, client_x: i32, client_y: i32, frame: &Frame) -> (f64, f64) {
    let rect = svg.get_bounding_client_rect();
    let scale = if rect.width() > 0.0 {
        frame.width / rect.width()
    } else {
        1.0
    };
    (
        (f64::from(client_x) - rect.left()) * scale,
        (f64::from(client_y) - rect.top()) * scale,
    )
}

#[component]
pub(super) fn Panorama() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let guide = expect_context::<Guide>();
    let lang = ctx.lang;
    let wrap = NodeRef::<Div>::new();
    let width = width_of(wrap);
    let scene = Memo::new(move |_| {
        let width = width.get();
        let heading = guide.heading_now()?;
        let lang = lang.get();
        (width > 0.0)
            .then(|| guide.with_here(|pack, here| scene(pack, here, heading, width, lang)))
            .flatten()
    });
    // The points a "+N" stands for, listed under the picture once it is tapped.
    let more = RwSignal::new(None::<Vec<usize>>);
    // A press: where it began (client x), the heading then, degrees per client pixel.
    let press = StoredValue::new(None::<(f64, f64, f64)>);
    let dragged = StoredValue::new(false);

    let down = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let Some(svg) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Some(heading) = guide
            .heading
            .get_untracked()
            .or_else(|| scene.with_untracked(|s| s.as_ref().map(|s| s.heading_deg)))
        else {
            return;
        };
        let rect_width = svg.get_bounding_client_rect().width();
        let fov = scene.with_untracked(|s| s.as_ref().map_or(60.0, |s| s.frame.fov_deg));
        let per_px = if rect_width > 0.0 {
            fov / rect_width
        } else {
            0.0
        };
        press.set_value(Some((f64::from(ev.client_x()), heading, per_px)));
        dragged.set_value(false);
        let _ = svg.set_pointer_capture(ev.pointer_id());
    };
    let moved = move |ev: PointerEvent| {
        let Some((x0, heading0, per_px)) = press.get_value() else {
            return;
        };
        let dx = f64::from(ev.client_x()) - x0;
        if dragged.get_value() || dx.abs() > DRAG_PX {
            dragged.set_value(true);
            guide
                .heading
                .set(Some((heading0 - dx * per_px).rem_euclid(360.0)));
        }
    };
    let up = move |_: PointerEvent| press.set_value(None);
    let tap = move |ev: MouseEvent| {
        if dragged.get_value() {
            dragged.set_value(false);
            return;
        }
        let Some(svg) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let picked = scene.with_untracked(|s| {
            let s = s.as_ref()?;
            let (x, y) = at_in(&svg, ev.client_x(), ev.client_y(), &s.frame);
            if let Some(g) = s
                .layout
                .groups
                .iter()
                .find(|g| badge(g, &s.frame).contains(x, y))
            {
                return Some(Err(g.pois.clone()));
            }
            s.layout.pick(&s.markers, x, y).map(Ok)
        });
        match picked {
            Some(Ok(index)) => {
                let id = guide
                    .pack
                    .with_untracked(|p| p.as_ref().map(|p| p.pois[index].id.clone()));
                if let Some(id) = id {
                    guide.open_card(ctx, &id);
                }
            }
            Some(Err(group)) => more.set(Some(group)),
            None => more.set(None),
        }
    };
    let key = move |ev: KeyboardEvent| {
        let by = match ev.key().as_str() {
            "ArrowLeft" => -KEY_TURN_DEG,
            "ArrowRight" => KEY_TURN_DEG,
            _ => return,
        };
        ev.prevent_default();
        guide.turn(by);
    };

    let size = move || {
        scene.with(|s| {
            s.as_ref()
                .map_or((0.0, 0.0), |s| (s.frame.width, s.frame.height))
        })
    };
    view! {
        <section class="panorama-block">
            <div class="panorama-wrap" node_ref=wrap>
                <svg
                    class="panorama"
                    data-test="panorama"
                    tabindex="0"
                    role="img"
                    aria-label=tr(lang, Msg::PanoramaAria)
                    data-heading=move || scene.with(|s| s.as_ref().map(|s| (s.heading_deg.round() as i64).rem_euclid(360)))
                    viewBox=move || { let (w, h) = size(); format!("0 0 {w:.0} {h:.0}") }
                    height=move || format!("{:.0}", size().1)
                    on:pointerdown=down
                    on:pointermove=moved
                    on:pointerup=up
                    on:pointercancel=up
                    on:click=tap
                    on:keydown=key
                >
                    <defs>
                        <linearGradient id="pano-sky" x1="0" y1="0" x2="0" y2="1">
                            <stop offset="0" stop-color="#cfe3ef" />
                            <stop offset="1" stop-color="#f4f1e8" />
                        </linearGradient>
                        <linearGradient id="pano-ground" x1="0" y1="0" x2="0" y2="1">
                            <stop offset="0" stop-color="#a9bdb4" />
                            <stop offset="1" stop-color="#5d7b6c" />
                        </linearGradient>
                    </defs>
                    {move || {
                        let lang = lang.get();
                        scene.with(|s| {
                            let s = s.as_ref()?;
                            guide.pack.with(|p| p.as_deref().map(|pack| draw(pack, s, lang)))
                        })
                    }}
                </svg>
            </div>
            {move || scene.with(|s| s.as_ref().map(|s| compass(s, lang.get())))}
            <div class="pano-controls">
                <button class="secondary" data-test="turn-left" on:click=move |_| guide.turn(-BUTTON_TURN_DEG)>
                    {move || format!("↶ {}", t(lang.get(), Msg::TurnLeft))}
                </button>
                <ViewpointPicker />
                <button class="secondary" data-test="turn-right" on:click=move |_| guide.turn(BUTTON_TURN_DEG)>
                    {move || format!("{} ↷", t(lang.get(), Msg::TurnRight))}
                </button>
            </div>
            <p class="hint">{tr(lang, Msg::PanoramaHint)}</p>
            {move || {
                let lang = lang.get();
                let group = more.get()?;
                let names = guide.pack.with(|p| {
                    p.as_deref().map(|p| {
                        group.iter().map(|i| (p.pois[*i].id.clone(), p.pois[*i].name.get(lang).to_owned())).collect::<Vec<_>>()
                    })
                })?;
                Some(view! {
                    <div class="chips in-view also-here" data-test="label-more-list">
                        <span class="chips-title">{t(lang, Msg::AlsoHere)}</span>
                        {names.into_iter().map(|(id, name)| poi_chip(ctx, guide, id, name)).collect_view()}
                    </div>
                })
            }}
            {move || {
                let lang = lang.get();
                let names = scene.with(|s| {
                    let s = s.as_ref()?;
                    let mut in_view = s.dots.clone();
                    in_view.sort_by(|a, b| a.1.total_cmp(&b.1));
                    guide.pack.with(|p| p.as_deref().map(|p| {
                        in_view.iter().map(|(i, ..)| (p.pois[*i].id.clone(), p.pois[*i].name.get(lang).to_owned())).collect::<Vec<_>>()
                    }))
                })?;
                Some(view! {
                    <div class="chips in-view" data-test="in-view">
                        <span class="chips-title">{t(lang, Msg::InView)}</span>
                        {names.into_iter().map(|(id, name)| poi_chip(ctx, guide, id, name)).collect_view()}
                    </div>
                })
            }}
        </section>
    }
}

fn poi_chip(ctx: Ctx, guide: Guide, id: String, name: String) -> impl IntoView {
    let open = id.clone();
    view! {
        <button class="chip" data-test="in-view-poi" data-poi=id on:click=move |_| guide.open_card(ctx, &open)>
            {name}
        </button>
    }
}

/// Where the panorama is seen from.
#[component]
fn ViewpointPicker() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let guide = expect_context::<Guide>();
    let lang = ctx.lang;
    view! {
        <select
            class="viewpoint"
            data-test="guide-viewpoint"
            aria-label=tr(lang, Msg::Viewpoint)
            on:change=move |ev| guide.stand_at(ctx, &event_target_value(&ev))
        >
            {move || {
                let lang = lang.get();
                guide.pack.with(|p| p.as_deref().map(|pack| {
                    viewpoints(pack).map(|v| {
                        let id = v.id.clone();
                        let chosen = id.clone();
                        view! {
                            <option value=id prop:selected=move || guide.at.with(|at| at.as_deref() == Some(chosen.as_str()))>
                                {v.name.get(lang).to_owned()}
                            </option>
                        }
                    }).collect_view()
                }))
            }}
        </select>
    }
}
