//! The walking route asked on the map: where to, who walks, the answer in one line
//! (length, climb, time) or why there is none, and its legs one trail each.

use leptos::prelude::*;
use tongyou_core::guide::TrailKind;
use tongyou_core::guide::route::{NoRoute, Route};

use super::{Guide, KINDS, WalkerChoice};
use crate::ctx::Ctx;
use crate::i18n::{self, Msg, t, tr};

/// The route's legs, one trail each, under the map.
#[component]
pub(super) fn RouteLegs(walked: Memo<Option<Result<Route, NoRoute>>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let guide = expect_context::<Guide>();
    let lang = ctx.lang;
    move || {
        let lang = lang.get();
        walked.with(|walked| {
            let route = walked.as_ref()?.as_ref().ok()?;
            let legs = guide.pack.with(|p| {
                p.as_deref().map(|pack| {
                    route
                        .legs
                        .iter()
                        .map(|leg| {
                            let to = pack
                                .poi(&leg.to)
                                .map_or(leg.to.as_str(), |p| p.name.get(lang));
                            let kind = match leg.kind {
                                TrailKind::Steps => "steps",
                                TrailKind::Path => "path",
                            };
                            view! {
                                <li data-test="route-step" data-kind=kind data-to=leg.to.clone()>
                                    {i18n::route_leg(lang, leg.kind, to, leg.length_m, leg.minutes)}
                                </li>
                            }
                        })
                        .collect_view()
                })
            });
            Some(view! {
                <section class="card route-legs">
                    <ol class="route-steps">{legs}</ol>
                </section>
            })
        })
    }
}

/// The route asked for: where to, who walks, and the answer in one line.
#[component]
pub(super) fn RoutePanel(walked: Memo<Option<Result<Route, NoRoute>>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let guide = expect_context::<Guide>();
    let lang = ctx.lang;
    let destinations = move || {
        let lang = lang.get();
        let at = guide.at.get();
        guide.pack.with(|p| {
            let pack = p.as_deref()?;
            Some(
                KINDS
                    .into_iter()
                    .map(|kind| {
                        let options = pack
                            .pois
                            .iter()
                            .filter(|p| p.kind == kind && Some(&p.id) != at.as_ref())
                            .map(|p| {
                                let chosen = p.id.clone();
                                view! {
                                    <option
                                        value=p.id.clone()
                                        prop:selected=move || guide.route_to.with(|to| to.as_deref() == Some(chosen.as_str()))
                                    >
                                        {p.name.get(lang).to_owned()}
                                    </option>
                                }
                            })
                            .collect_view();
                        view! { <optgroup label=i18n::poi_kind(lang, kind)>{options}</optgroup> }
                    })
                    .collect_view(),
            )
        })
    };
    let from = move || {
        let lang = lang.get();
        guide.with_here(|_, here| i18n::route_from(lang, here.name.get(lang)))
    };
    let answer = move || {
        let lang = lang.get();
        walked.with(|walked| match walked {
            None => view! { <p class="hint">{t(lang, Msg::RouteAsk)}</p> }.into_any(),
            Some(Err(no)) => view! {
                <p class="problem" role="status" data-test="route-none">{no.message().get(lang).to_owned()}</p>
            }
            .into_any(),
            Some(Ok(r)) => view! {
                <p class="route-summary" data-test="route-summary">
                    {i18n::route_summary(lang, r.length_m, r.up_m, r.down_m, r.minutes)}
                </p>
            }
            .into_any(),
        })
    };
    view! {
        <section class="card route-panel" data-test="route-panel">
            <h2>{tr(lang, Msg::WalkingRoute)}</h2>
            <div class="route-fields">
            <label class="field">
                <span>{tr(lang, Msg::RouteTo)}</span>
                <select
                    data-test="route-to"
                    on:change=move |ev| {
                        let to = event_target_value(&ev);
                        guide.route_to.set((!to.is_empty()).then_some(to));
                    }
                >
                    <option value="" prop:selected=move || guide.route_to.with(Option::is_none)>
                        {tr(lang, Msg::RoutePick)}
                    </option>
                    {destinations}
                </select>
            </label>
            <label class="field">
                <span>{tr(lang, Msg::WhoWalks)}</span>
                <select data-test="walker" on:change=move |ev| guide.walker.set(WalkerChoice::of_key(&event_target_value(&ev)))>
                    {WalkerChoice::ALL.into_iter().map(|w| view! {
                        <option value=w.key() prop:selected=move || guide.walker.get() == w>
                            {move || w.label(lang.get())}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            </div>
            <p class="hint route-from">{from}</p>
            {answer}
        </section>
    }
}
