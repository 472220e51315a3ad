//! Disruptions on the tourist's behalf: each order of the shared trip that a closure,
//! delay or unavailable hotel hits, with the ways out the tourist would see (delay a day,
//! swap, refund) and their money, applied by the agent after confirming one. The case
//! carries them, so they come and go with each read of it.

use leptos::prelude::*;
use tongyou_core::api::{Affected, AgentWayOut, Lang, WayOut};

use crate::api;
use crate::confirm::{Ask, confirm_box};
use crate::ctx::{Ctx, OpenCase};
use crate::i18n::{Msg, t};
use crate::time::{moment, yuan};

/// The way out the agent picked, with the order and disruption it is for.
#[derive(Debug, Clone, PartialEq)]
struct Picked {
    order_id: i64,
    disruption_id: i64,
    way: WayOut,
}

#[component]
pub fn WaysOut(open: OpenCase) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let choice = RwSignal::new(None::<Picked>);
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let apply = Action::new_local(move |picked: &Picked| {
        let way = AgentWayOut {
            order_id: picked.order_id,
            disruption_id: picked.disruption_id,
            way_out: picked.way.id.clone(),
        };
        let (csrf, picked) = (ctx.csrf(), picked.clone());
        async move { (picked, api::way_out(csrf, open.id, way).await) }
    });
    Effect::new(move |_| {
        if let Some((picked, result)) = apply.value().get() {
            let lang = lang.get_untracked();
            match result {
                Ok(_) => {
                    choice.set(None);
                    problem.set(None);
                    done.set(Some(format!(
                        "{} · {}",
                        t(lang, Msg::WayOutDone),
                        picked.way.summary.get(lang)
                    )));
                    open.read_again();
                }
                Err(failure) => ctx.fail_into(problem, &failure),
            }
        }
    });
    let hit = move || {
        open.latest.with(|d| {
            d.as_ref()
                .map(|d| d.disruptions.clone())
                .unwrap_or_default()
        })
    };

    view! {
        <Show when=move || !hit().is_empty() || done.with(Option::is_some)>
            <section class="ways-out card" data-test="ways-out">
                <header class="pane-head">
                    <h3>{move || t(lang.get(), Msg::WaysOutTitle)}</h3>
                </header>
                {move || done.get().map(|d| view! { <p class="done" data-test="way-out-done">{d}</p> })}
                {move || {
                    problem
                        .get()
                        .map(|p| view! { <p class="error" data-test="error" role="alert">{p}</p> })
                }}
                {move || {
                    let lang = lang.get();
                    hit().into_iter().map(|a| affected(lang, a, choice)).collect_view()
                }}
                {move || {
                    choice
                        .get()
                        .map(|picked| {
                            let lang = lang.get();
                            let asked = picked.clone();
                            let ask = Ask {
                                name: "way-out",
                                what: format!("{} {}", t(lang, Msg::WayOutSure), picked.way.summary.get(lang)),
                                detail: money(lang, &picked.way),
                                confirm_label: Msg::WayOutConfirm,
                            };
                            confirm_box(
                                lang,
                                ask,
                                apply.pending().into(),
                                move || {
                                    apply.dispatch(asked.clone());
                                },
                                move || choice.set(None),
                            )
                        })
                }}
            </section>
        </Show>
    }
}

/// One disrupted order: what hits it, until when, and its ways out.
fn affected(lang: Lang, a: Affected, choice: RwSignal<Option<Picked>>) -> impl IntoView {
    let (order_id, disruption_id) = (a.order_id, a.disruption.id);
    view! {
        <div
            class="affected"
            data-test="affected"
            data-order=order_id.to_string()
            data-disruption=disruption_id.to_string()
        >
            <p class="why">{a.why.get(lang).to_owned()}</p>
            <small class="note">{format!("{} {}", t(lang, Msg::WaysOutExpires), moment(&a.expires_at))}</small>
            <ol class="refund-options">
                {a
                    .ways_out
                    .into_iter()
                    .map(|way| {
                        let picked = Picked { order_id, disruption_id, way: way.clone() };
                        view! {
                            <li class="refund-option" data-test="way-out" data-way=way.id.clone()>
                                <div class="what">
                                    <b>{way.summary.get(lang).to_owned()}</b>
                                    <small class="rule">{money(lang, &way)}</small>
                                </div>
                                <button
                                    class="small"
                                    data-test="way-out-pick"
                                    on:click=move |_| choice.set(Some(picked.clone()))
                                >
                                    {t(lang, Msg::WayOutPick)}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </div>
    }
}

/// What a way out moves in money: what goes back, a difference never charged, any
/// compensation; empty when it moves none.
fn money(lang: Lang, way: &WayOut) -> String {
    let mut parts = Vec::new();
    if way.refund.0 != 0 {
        parts.push(format!(
            "{} {}",
            t(lang, Msg::WayOutRefund),
            yuan(way.refund.0)
        ));
    }
    if way.price_difference.0 != 0 {
        parts.push(format!(
            "{} {}",
            t(lang, Msg::WayOutPriceDifference),
            yuan(way.price_difference.0)
        ));
    }
    if way.compensation.0 != 0 {
        parts.push(format!(
            "{} {}",
            t(lang, Msg::WayOutCompensation),
            yuan(way.compensation.0)
        ));
    }
    parts.join(" · ")
}
