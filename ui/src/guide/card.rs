//! One point's card (`/guide/{poi id}`): what it is, how high, how far and which way from
//! the viewpoint, its hours, the text to read there (aloud where the system can speak),
//! a walking route to it, and for a sight "add to my day". A side panel on a desktop, a
//! sheet on a phone.

use leptos::prelude::*;
use tongyou_core::api::Lang;
use tongyou_core::guide::geometry::{HERE_M, bearing_deg, distance_m};
use tongyou_core::guide::{GuidePack, Poi};
use wasm_bindgen::JsValue;

use super::add_to_day::AddToDay;
use super::{Guide, Mode};
use crate::ctx::Ctx;
use crate::i18n::{self, Msg, t, tr};

/// The system's speech, where it has one (not every web view does).
fn speech() -> Option<web_sys::SpeechSynthesis> {
    let window = web_sys::window()?;
    let there = js_sys::Reflect::get(&window, &JsValue::from_str("speechSynthesis"))
        .is_ok_and(|s| !s.is_undefined() && !s.is_null());
    there.then(|| window.speech_synthesis().ok()).flatten()
}

/// Reads `text` aloud in the UI's language, cutting short whatever was being read.
fn speak(text: &str, lang: Lang) {
    let Some(speech) = speech() else {
        return;
    };
    speech.cancel();
    if let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(text) {
        utterance.set_lang(match lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en-GB",
        });
        speech.speak(&utterance);
    }
}

#[component]
pub(super) fn PoiCard(id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let guide = expect_context::<Guide>();
    let lang = ctx.lang;
    let close = move |_| guide.close_card(ctx);
    // Apart from the body, which is drawn again in the other language: a half-filled
    // "add to my day" form survives the switch.
    let sight = Memo::new({
        let id = id.clone();
        move |_| {
            guide.pack.with(|pack| {
                let poi = pack.as_deref()?.place(&id)?;
                poi.sight_id.clone()
            })
        }
    });
    let body = {
        let id = id.clone();
        move || {
            let lang = lang.get();
            let at = guide.at.get();
            guide.pack.with(|pack| {
                let pack = pack.as_deref()?;
                Some(match pack.place(&id) {
                    Some(poi) => about(ctx, guide, lang, pack, poi, at.as_deref()).into_any(),
                    None => {
                        view! { <p class="problem" data-test="poi-unknown">{t(lang, Msg::NotInGuide)}</p> }
                            .into_any()
                    }
                })
            })
        }
    };
    view! {
        <aside class="poi-card" data-test="poi-card" data-poi=id role="dialog" aria-labelledby="poi-name">
            <button class="close" data-test="poi-close" aria-label=tr(lang, Msg::Close) on:click=close>"×"</button>
            {body}
            {move || sight.get().map(|sight| view! { <AddToDay sight=sight /> })}
        </aside>
    }
}

fn about(
    ctx: Ctx,
    guide: Guide,
    lang: Lang,
    pack: &GuidePack,
    poi: &Poi,
    at: Option<&str>,
) -> impl IntoView + use<> {
    let here = at.and_then(|id| pack.poi(id));
    let whereabouts = here.map(|here| {
        let metres = distance_m(here.location, poi.location);
        let bearing = bearing_deg(here.location, poi.location);
        let text = if metres < HERE_M {
            t(lang, Msg::YouAreHere).to_owned()
        } else {
            i18n::distance_towards(lang, metres, bearing)
        };
        (text, (metres >= HERE_M).then_some(bearing))
    });
    let face = whereabouts.as_ref().and_then(|(_, bearing)| *bearing);
    let guide_text = poi.guide.as_ref().map(|g| g.get(lang).to_owned());
    let pause = match lang {
        Lang::Zh => "。",
        Lang::En => ". ",
    };
    let spoken = format!(
        "{}{pause}{}",
        poi.name.get(lang),
        guide_text.clone().unwrap_or_default()
    );
    let id = poi.id.clone();
    let route_here = move |_| {
        guide.route_to.set(Some(id.clone()));
        guide.mode.set(Mode::Map);
        guide.close_card(ctx);
    };
    view! {
        <header class="poi-head">
            <span class="kind">{i18n::poi_kind(lang, poi.kind)}</span>
            <h2 id="poi-name" data-test="poi-name">{poi.name.get(lang).to_owned()}</h2>
        </header>
        <ul class="meta">
            <li data-test="poi-elevation">{i18n::poi_elevation(lang, poi.elevation_m)}</li>
            {whereabouts.map(|(text, _)| view! { <li data-test="poi-distance">{text}</li> })}
            {poi.sight_id.clone().map(|sight| view! { <CrowdLine region=pack.region_id.clone() sight=sight lang=lang /> })}
            {poi.hours.as_ref().map(|h| view! {
                <li data-test="poi-hours">{i18n::labelled(lang, t(lang, Msg::OpenHours), &i18n::hours(h.open, h.close))}</li>
            })}
        </ul>
        {guide_text.map(|text| view! { <p class="poi-guide" data-test="poi-guide">{text}</p> })}
        <div class="actions">
            <button class="primary" data-test="route-here" on:click=route_here>{t(lang, Msg::WalkingRoute)}</button>
            {speech().is_some().then(|| view! {
                <button class="secondary" data-test="poi-speak" on:click=move |_| speak(&spoken, lang)>
                    {t(lang, Msg::ReadAloud)}
                </button>
            })}
            {face.map(|bearing| view! {
                <button class="secondary" data-test="poi-face" on:click=move |_| {
                    guide.heading.set(Some(bearing));
                    guide.mode.set(Mode::Panorama);
                }>
                    {t(lang, Msg::FaceIt)}
                </button>
            })}
        </div>
        {pack.demo.then(|| view! { <p class="demo small" data-test="poi-demo">{t(lang, Msg::GuideDemo)}</p> })}
    }
}

/// How busy the sight is at this hour, read when the card opens: the sensor or the
/// platform's forecast online, the device's own estimate offline.
#[component]
fn CrowdLine(region: String, sight: String, lang: Lang) -> impl IntoView {
    let now = LocalResource::new(move || {
        let (region, sight) = (region.clone(), sight.clone());
        async move { crate::ipc::crowd_now(&region, &sight).await.ok() }
    });
    move || {
        now.get().flatten().map(|c| {
            use tongyou_core::crowd::CrowdLevel;
            let level = match c.level {
                _ if c.closed => "closed",
                CrowdLevel::Comfortable => "comfortable",
                CrowdLevel::Yellow => "yellow",
                CrowdLevel::Orange => "orange",
                CrowdLevel::Red => "red",
            };
            view! { <li data-test="poi-crowd" data-level=level>{i18n::crowd_now(lang, &c)}</li> }
        })
    }
}
