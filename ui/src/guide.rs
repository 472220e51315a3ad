//! The guide (`/guide`; `/guide/{poi id}` with that point's card open; `?at=` the
//! viewpoint stood at, the first one when absent): the region's guide pack, downloaded
//! once and then read only from the device, so every part works with no network. A drawn
//! panorama names what is in view, a map shows the trails with a walking route, and a
//! card tells about one point.
//!
//! What shows where, which labels fit and which way to walk are `core::guide`'s rules;
//! this module draws them and keeps what the tourist chose (mode, heading, route). It
//! does not use a camera or a compass: camera mode says what it would need.

mod add_to_day;
mod card;
mod download;
mod map;
mod panorama;
mod route;
mod scene;

use std::sync::Arc;

use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use tongyou_core::api::{ErrorCode, Lang};
use tongyou_core::guide::route::Walker;
use tongyou_core::guide::{GuidePack, GuideStatus, Poi, PoiKind};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::ctx::{Ctx, Tab, guide_path};
use crate::i18n::{Msg, t, tr};
use crate::ipc;

use card::PoiCard;
use download::DownloadPanel;
use map::GuideMap;
use panorama::Panorama;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Panorama,
    Map,
    Camera,
}

/// The kinds in the order the legend and the destination picker list them.
const KINDS: [PoiKind; 11] = [
    PoiKind::Peak,
    PoiKind::Sight,
    PoiKind::Viewpoint,
    PoiKind::Pavilion,
    PoiKind::Station,
    PoiKind::Gate,
    PoiKind::Hotel,
    PoiKind::Toilet,
    PoiKind::FirstAid,
    PoiKind::Rest,
    PoiKind::Water,
];

/// Who walks a route, as the picker offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WalkerChoice {
    Adult,
    Child,
    Senior,
}

impl WalkerChoice {
    const ALL: [WalkerChoice; 3] = [
        WalkerChoice::Adult,
        WalkerChoice::Child,
        WalkerChoice::Senior,
    ];

    /// The picker's option value.
    fn key(self) -> &'static str {
        match self {
            WalkerChoice::Adult => "adult",
            WalkerChoice::Child => "child",
            WalkerChoice::Senior => "senior",
        }
    }

    fn of_key(key: &str) -> WalkerChoice {
        WalkerChoice::ALL
            .into_iter()
            .find(|w| w.key() == key)
            .unwrap_or(WalkerChoice::Adult)
    }

    fn walker(self) -> Walker {
        match self {
            WalkerChoice::Adult => Walker::ADULT,
            WalkerChoice::Child => Walker::CHILD,
            WalkerChoice::Senior => Walker::SENIOR,
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        let msg = match self {
            WalkerChoice::Adult => Msg::WalkerAdult,
            WalkerChoice::Child => Msg::WalkerChild,
            WalkerChoice::Senior => Msg::WalkerSenior,
        };
        t(lang, msg)
    }
}

/// What the guide's parts share while the screen is open.
#[derive(Clone, Copy)]
struct Guide {
    region: StoredValue<String>,
    /// The pack on the device; `None` before the first download.
    pack: RwSignal<Option<Arc<GuidePack>>>,
    /// The device has answered whether it holds a pack (so nothing flashes before).
    read: RwSignal<bool>,
    status: RwSignal<Option<GuideStatus>>,
    mode: RwSignal<Mode>,
    /// The viewpoint stood at: the URL's `?at=` when it names one, else the first.
    at: Memo<Option<String>>,
    /// Turned by the tourist; `None` faces the middle of what the viewpoint looks over.
    heading: RwSignal<Option<f64>>,
    route_to: RwSignal<Option<String>>,
    walker: RwSignal<WalkerChoice>,
}

impl Guide {
    /// `f` of the pack and the viewpoint stood at, when both are there (tracked).
    fn with_here<R>(self, f: impl FnOnce(&GuidePack, &Poi) -> R) -> Option<R> {
        let at = self.at.get()?;
        self.pack.with(|pack| {
            let pack = pack.as_deref()?;
            Some(f(pack, pack.poi(&at)?))
        })
    }

    /// The compass bearing looked at, in `[0, 360)` (tracked).
    fn heading_now(self) -> Option<f64> {
        self.heading
            .get()
            .or_else(|| self.with_here(|_, here| facing(here)))
    }

    fn turn(self, by_deg: f64) {
        if let Some(now) = untrack(|| self.heading_now()) {
            self.heading.set(Some((now + by_deg).rem_euclid(360.0)));
        }
    }

    /// Opens a point's card; one open already gives way to it, so Back closes the card.
    fn open_card(self, ctx: Ctx, poi_id: &str) {
        let path = guide_path(Some(poi_id), self.at.get_untracked().as_deref());
        let replace = ctx.open_poi.with_untracked(Option::is_some);
        ctx.navigate.with_value(|go| go(&path, replace));
    }

    fn close_card(self, ctx: Ctx) {
        let path = guide_path(None, self.at.get_untracked().as_deref());
        ctx.navigate.with_value(|go| go(&path, true));
    }

    /// Stands at another viewpoint (the open card stays open).
    fn stand_at(self, ctx: Ctx, viewpoint_id: &str) {
        let path = guide_path(ctx.open_poi.get_untracked().as_deref(), Some(viewpoint_id));
        ctx.navigate.with_value(|go| go(&path, true));
    }

    /// Reads what the platform offers again (nothing is lost when it cannot answer).
    /// Also called when a download ends, which may be after the screen was left.
    fn read_status(self) {
        let Some(region) = self.region.try_get_value() else {
            return;
        };
        spawn_local(async move {
            if let Ok(status) = ipc::guide_status(&region).await {
                self.status.set(Some(status));
            }
        });
    }
}

/// Where the panorama can be seen from: the viewpoints, then the peaks and pavilions that
/// look over something (they have `faces`).
fn viewpoints(pack: &GuidePack) -> impl Iterator<Item = &Poi> {
    let viewpoints = pack.pois.iter().filter(|p| p.kind == PoiKind::Viewpoint);
    let others = pack
        .pois
        .iter()
        .filter(|p| matches!(p.kind, PoiKind::Peak | PoiKind::Pavilion) && p.faces.is_some());
    viewpoints.chain(others)
}

/// The middle of what a viewpoint looks over (north when it says nothing).
fn facing(poi: &Poi) -> f64 {
    poi.faces.map_or(0.0, |f| {
        let span = (f.to_deg - f.from_deg).rem_euclid(360.0);
        (f.from_deg + span / 2.0).rem_euclid(360.0)
    })
}

/// The width of `node` in CSS pixels, kept current as it changes (a window resized, the
/// card opening beside it); 0 until it is on the page.
fn width_of(node: NodeRef<Div>) -> RwSignal<f64> {
    type Watch = (web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);
    let width = RwSignal::new(0.0);
    let watch = StoredValue::new_local(None::<Watch>);
    Effect::new(move |_| {
        let Some(element) = node.get() else {
            return;
        };
        let measured = element.clone();
        let closure = Closure::<dyn FnMut(js_sys::Array)>::new(move |_| {
            width.try_set(f64::from(measured.client_width()));
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()) {
            observer.observe(&element);
            watch.set_value(Some((observer, closure)));
        }
        width.set(f64::from(element.client_width()));
    });
    on_cleanup(move || {
        watch.try_with_value(|w| {
            if let Some((observer, _)) = w {
                observer.disconnect();
            }
        });
    });
    width
}

#[component]
pub fn GuideScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    // The region Discover shows; the screen is built again only when it changes.
    let region = Memo::new(move |_| ctx.view.with(|v| v.as_ref().map(|v| v.region_id.clone())));
    move || match region.get() {
        Some(region) => view! { <GuideOf region=region /> }.into_any(),
        None if ctx.booting.get() => {
            view! { <p class="loading">{tr(lang, Msg::Loading)}</p> }.into_any()
        }
        None => view! {
            <section class="empty" data-test="guide-no-region">
                <p>{tr(lang, Msg::GuideNoRegion)}</p>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn GuideOf(region: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let query = use_query_map();
    let asked = Memo::new(move |_| query.with(|q| q.get("at")));
    let pack = RwSignal::new(None::<Arc<GuidePack>>);
    let at = Memo::new(move |_| {
        let asked = asked.get();
        pack.with(|pack| {
            let mut choices = viewpoints(pack.as_deref()?);
            let first = choices.next()?;
            let asked = asked.and_then(|id| {
                std::iter::once(first)
                    .chain(choices)
                    .find(|v| v.id == id)
                    .map(|v| v.id.clone())
            });
            Some(asked.unwrap_or_else(|| first.id.clone()))
        })
    });
    let guide = Guide {
        region: StoredValue::new(region.clone()),
        pack,
        read: RwSignal::new(false),
        status: RwSignal::new(None),
        mode: RwSignal::new(Mode::Panorama),
        at,
        heading: RwSignal::new(None),
        route_to: RwSignal::new(None),
        walker: RwSignal::new(WalkerChoice::Adult),
    };
    provide_context(guide);

    // Standing somewhere else: face what that viewpoint looks over.
    Effect::new(move |before: Option<Option<String>>| {
        let now = guide.at.get();
        if before.is_some_and(|b| b != now) {
            guide.heading.set(None);
        }
        now
    });
    let from_device = region.clone();
    spawn_local(async move {
        match ipc::guide(&from_device).await {
            Ok(held) => guide.pack.set(Some(Arc::new(held))),
            Err(e) if e.code == ErrorCode::NotFound => {}
            Err(e) => ctx.fail(&e),
        }
        guide.read.set(true);
    });
    // What a download would fetch, read again when the network comes or goes.
    Effect::new(move |before: Option<Option<bool>>| {
        let online = ctx.status.with(|s| s.online);
        if before != Some(online) {
            guide.read_status();
        }
        online
    });

    let held = Memo::new(move |_| guide.pack.with(Option::is_some));
    view! {
        <section class="guide" data-test="guide" data-region=region>
            <header class="guide-head">
                <button class="link back" data-test="guide-back" on:click=move |_| ctx.open(Tab::Discover)>
                    {move || format!("‹ {}", t(lang.get(), Msg::GuideBack))}
                </button>
                <h1>{tr(lang, Msg::GuideTitle)}</h1>
            </header>
            {move || {
                if !guide.read.get() {
                    return view! { <p class="loading">{tr(lang, Msg::Loading)}</p> }.into_any();
                }
                view! {
                    <div class="guide-bar">
                        {move || held.get().then(|| view! { <ModeTabs /> })}
                        <DownloadPanel />
                    </div>
                    {move || held.get().then(|| view! { <GuideBody /> })}
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn ModeTabs() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let guide = expect_context::<Guide>();
    let lang = ctx.lang;
    let tab = move |mode: Mode, msg: Msg, test: &'static str| {
        view! {
            <button
                role="tab"
                data-test=test
                class:active=move || guide.mode.get() == mode
                aria-selected=move || (guide.mode.get() == mode).to_string()
                on:click=move |_| guide.mode.set(mode)
            >
                {tr(lang, msg)}
            </button>
        }
    };
    view! {
        <div class="segmented guide-modes" role="tablist" aria-label=tr(lang, Msg::GuideModes)>
            {tab(Mode::Panorama, Msg::ModePanorama, "guide-mode-panorama")}
            {tab(Mode::Map, Msg::ModeMap, "guide-mode-map")}
            {tab(Mode::Camera, Msg::ModeCamera, "guide-mode-camera")}
        </div>
    }
}

/// The mode's view, with the open card beside it (desktop) or over it (phone).
#[component]
fn GuideBody() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let guide = expect_context::<Guide>();
    let lang = ctx.lang;
    let card_open = move || ctx.open_poi.with(Option::is_some);
    view! {
        <div class="guide-body" class:with-card=card_open>
            <div class="guide-main">
                {move || match guide.mode.get() {
                    Mode::Panorama => view! { <Panorama /> }.into_any(),
                    Mode::Map => view! { <GuideMap /> }.into_any(),
                    Mode::Camera => view! {
                        <section class="card camera-unavailable" data-test="camera-unavailable">
                            <p>{tr(lang, Msg::CameraUnavailable)}</p>
                            <div class="actions">
                                <button class="secondary" on:click=move |_| guide.mode.set(Mode::Panorama)>
                                    {tr(lang, Msg::ModePanorama)}
                                </button>
                                <button class="secondary" on:click=move |_| guide.mode.set(Mode::Map)>
                                    {tr(lang, Msg::ModeMap)}
                                </button>
                            </div>
                        </section>
                    }
                    .into_any(),
                }}
            </div>
            {move || ctx.open_poi.get().map(|id| view! { <PoiCard id=id /> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use tongyou_core::catalog::GeoPoint;
    use tongyou_core::guide::Faces;
    use tongyou_core::text::Text;

    use super::*;

    fn viewpoint(from_deg: f64, to_deg: f64) -> Poi {
        Poi {
            id: "v".into(),
            kind: PoiKind::Viewpoint,
            name: Text::new("台", "Terrace"),
            location: GeoPoint {
                lat: 30.12,
                lon: 118.17,
            },
            elevation_m: 1690,
            importance: 2,
            guide: None,
            hours: None,
            faces: Some(Faces { from_deg, to_deg }),
            sight_id: None,
        }
    }

    #[test]
    fn a_viewpoint_faces_the_middle_of_its_range_even_across_north() {
        assert_eq!(facing(&viewpoint(150.0, 240.0)), 195.0);
        assert_eq!(facing(&viewpoint(320.0, 70.0)), 15.0);
        assert_eq!(facing(&viewpoint(300.0, 20.0)), 340.0);
    }

    #[test]
    fn the_walker_picker_keys_read_back() {
        for w in WalkerChoice::ALL {
            assert_eq!(WalkerChoice::of_key(w.key()), w);
        }
        assert_eq!(WalkerChoice::of_key("astronaut"), WalkerChoice::Adult);
    }
}
