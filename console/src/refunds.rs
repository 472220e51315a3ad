//! Refunds on the tourist's behalf: each line of the shared trip that may be refunded,
//! with its rule and what would go back now, shown before the agent confirms one. A
//! platform that does not offer agents' refunds yet says so here and nothing breaks.

use leptos::prelude::*;
use tongyou_core::api::{Lang, RefundLine, RefundOption};

use crate::api;
use crate::confirm::{Ask, confirm_box};
use crate::ctx::{Ctx, OpenCase};
use crate::i18n::{Msg, t};
use crate::time::yuan;

#[component]
pub fn Refunds(open: OpenCase) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let shown = RwSignal::new(false);
    let choice = RwSignal::new(None::<RefundOption>);
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    // Read when first shown, and again with the case (a refund changes what is left).
    let options = LocalResource::new(move || {
        let wanted = shown.get();
        open.reload.track();
        let id = open.id;
        async move {
            if wanted {
                Some(api::refunds(id).await)
            } else {
                None
            }
        }
    });
    let refund = Action::new_local(move |option: &RefundOption| {
        let line = RefundLine {
            order_id: option.order_id,
            line: option.line.clone(),
        };
        let (csrf, option) = (ctx.csrf(), option.clone());
        async move { (option, api::refund(csrf, open.id, line).await) }
    });
    Effect::new(move |_| {
        if let Some((option, result)) = refund.value().get() {
            let lang = lang.get_untracked();
            match result {
                Ok(_) => {
                    choice.set(None);
                    problem.set(None);
                    done.set(Some(format!(
                        "{} {} · {}",
                        t(lang, Msg::Refunded),
                        yuan(option.refund_fen),
                        option.name.get(lang)
                    )));
                    open.read_again();
                }
                Err(failure) if failure.no_such_endpoint() => {
                    problem.set(Some(t(lang, Msg::ActionUnavailable).to_owned()));
                }
                Err(failure) => ctx.fail_into(problem, &failure),
            }
        }
    });
    let shared = move || {
        open.latest
            .with(|d| d.as_ref().is_some_and(|d| d.trip.is_some()))
    };

    view! {
        <Show when=shared>
            <section class="refunds card" data-test="refunds">
                <header class="pane-head">
                    <h3>{move || t(lang.get(), Msg::RefundTitle)}</h3>
                    <button
                        data-test="refund-show"
                        class:active=move || shown.get()
                        on:click=move |_| shown.update(|s| *s = !*s)
                    >
                        {move || t(lang.get(), if shown.get() { Msg::Hide } else { Msg::RefundShow })}
                    </button>
                </header>
                {move || done.get().map(|d| view! { <p class="done" data-test="refund-done">{d}</p> })}
                {move || {
                    problem
                        .get()
                        .map(|p| view! { <p class="error" data-test="error" role="alert">{p}</p> })
                }}
                <Transition fallback=move || view! { <p class="loading">{t(lang.get(), Msg::Loading)}</p> }>
                    {move || {
                        let lang = lang.get();
                        match options.get().flatten() {
                            Some(Ok(list)) => option_list(lang, list, choice).into_any(),
                            Some(Err(failure)) if failure.no_such_endpoint() => {
                                view! {
                                    <p class="unavailable" data-test="actions-unavailable">
                                        {t(lang, Msg::ActionUnavailable)}
                                    </p>
                                }
                                    .into_any()
                            }
                            Some(Err(failure)) => {
                                view! { <p class="error" data-test="error">{ctx.explain(&failure)}</p> }
                                    .into_any()
                            }
                            None => ().into_any(),
                        }
                    }}
                </Transition>
                {move || {
                    choice
                        .get()
                        .map(|option| {
                            let lang = lang.get();
                            let asked = option.clone();
                            let ask = Ask {
                                name: "refund",
                                what: format!(
                                    "{} {} · {}",
                                    t(lang, Msg::RefundSure),
                                    yuan(option.refund_fen),
                                    option.name.get(lang),
                                ),
                                detail: option.rule.get(lang).to_owned(),
                                confirm_label: Msg::RefundConfirm,
                            };
                            confirm_box(
                                lang,
                                ask,
                                refund.pending().into(),
                                move || {
                                    refund.dispatch(asked.clone());
                                },
                                move || choice.set(None),
                            )
                        })
                }}
            </section>
        </Show>
    }
}

fn option_list(
    lang: Lang,
    list: Vec<RefundOption>,
    choice: RwSignal<Option<RefundOption>>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty" data-test="refund-none">{t(lang, Msg::RefundNone)}</p> }
            .into_any();
    }
    view! {
        <ol class="refund-options">
            {list
                .into_iter()
                .map(|option| {
                    let blocked = option.blocked.as_ref().map(|b| b.get(lang).to_owned());
                    let picked = option.clone();
                    view! {
                        <li
                            class="refund-option"
                            class:blocked=blocked.is_some()
                            data-test="refund-option"
                            data-line=option.line.clone()
                            data-order=option.order_id.to_string()
                        >
                            <div class="what">
                                <b>{option.name.get(lang).to_owned()}</b>
                                <small class="rule">{option.rule.get(lang).to_owned()}</small>
                                {blocked.clone().map(|b| view! { <small class="note">{b}</small> })}
                            </div>
                            <div class="money">
                                <span class="paid">{t(lang, Msg::Paid)} " " {yuan(option.paid_fen)}</span>
                                <b class="back" data-test="refund-amount">{t(lang, Msg::Back)} " " {yuan(option.refund_fen)}</b>
                            </div>
                            <button
                                class="small"
                                data-test="refund-pick"
                                disabled=blocked.is_some()
                                on:click=move |_| choice.set(Some(picked.clone()))
                            >
                                {t(lang, Msg::RefundPick)}
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}
