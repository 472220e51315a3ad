//! One case beside the queue: its head (category, urgency, holder; claim, hand over,
//! close), the chat with the composer, and the shared trip with the actions on it.
//!
//! The case is read when opened, after each write here, and whenever the queue's stream
//! has news of it, which includes the share ending or expiring (the line's `shared`). The
//! trip's own changes (a sub-order confirmed, a pass used at a gate) change no queue line,
//! so while a shared trip shows and the page is in view, the case is also read again every
//! [`TRIP_EVERY_MS`]; every read is a view in the platform's audit log.

use leptos::prelude::*;
use tongyou_core::api::{CaseDetail, CaseState, Lang};

use crate::api;
use crate::chat::{ChatLog, Composer};
use crate::ctx::{Ctx, OpenCase, Place};
use crate::i18n::{Msg, case_state, category, t};
use crate::refunds::Refunds;
use crate::trip::TripPane;
use crate::ways_out::WaysOut;

/// How often a shown trip is read again for changes no queue line carries.
const TRIP_EVERY_MS: u64 = 15_000;

#[component]
pub fn CaseScreen(id: i64) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let open = OpenCase::new(ctx, id);
    let detail = open.detail;
    Effect::new(move |_| {
        if let Some(Err(failure)) = detail.get() {
            ctx.signed_out_if_rejected(&failure);
        }
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let shared = open
                .latest
                .with_untracked(|d| d.as_ref().is_some_and(|d| d.trip.is_some()));
            if shared && page_in_view() {
                open.read_again();
            }
        },
        std::time::Duration::from_millis(TRIP_EVERY_MS),
    ) {
        on_cleanup(move || handle.clear());
    }

    // A read that fails says so above what was last read well.
    let failed = move || match detail.get() {
        Some(Err(failure)) => Some(view! {
            <div class="card case-failed">
                <p class="error" data-test="error" role="alert">{ctx.explain(&failure)}</p>
                <a class="button" data-test="failed-back" href=Place::Queue.path()>
                    {t(lang.get(), Msg::BackToQueue)}
                </a>
            </div>
        }),
        _ => None,
    };
    view! {
        <section class="case" data-test="case" data-case=id.to_string()>
            {failed}
            <Show when=move || open.latest.with(Option::is_some)>
                <CaseHead open=open />
                <div class="case-body">
                    <div class="chat-col">
                        <ChatLog open=open />
                        <Composer open=open />
                    </div>
                    <div class="trip-col">
                        <TripPane open=open />
                        <WaysOut open=open />
                        <Refunds open=open />
                    </div>
                </div>
            </Show>
            <Show when=move || detail.get().is_none()>
                <p class="loading">{move || t(lang.get(), Msg::Loading)}</p>
            </Show>
        </section>
    }
}

/// Whether the page is on screen: a hidden tab reads nothing on a timer.
fn page_in_view() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// The case's head: what it is, who has it, and what may be done with it.
#[component]
fn CaseHead(open: OpenCase) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let problem = RwSignal::new(None::<String>);
    let to_login = RwSignal::new(String::new());
    let closing = RwSignal::new(false);
    let id = open.id;
    let claim = Action::new_local(move |_: &()| api::claim(ctx.csrf(), id));
    let hand_over =
        Action::new_local(move |to: &String| api::hand_over(ctx.csrf(), id, to.clone()));
    let close = Action::new_local(move |_: &()| api::close(ctx.csrf(), id));
    Effect::new(move |_| {
        if let Some(result) = claim.value().get() {
            match result {
                Ok(_) => open.read_again(),
                Err(failure) => ctx.fail_into(problem, &failure),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = hand_over.value().get() {
            match result {
                // Not this agent's case any more: back to the queue.
                Ok(_) => ctx.go(Place::Queue),
                Err(failure) => ctx.fail_into(problem, &failure),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = close.value().get() {
            closing.set(false);
            match result {
                Ok(_) => open.read_again(),
                Err(failure) => ctx.fail_into(problem, &failure),
            }
        }
    });

    let head = move || {
        let lang = lang.get();
        open.latest().map(|d| head_view(lang, &d))
    };
    let state = move || open.latest().map(|d| d.case.state);
    let is_open = move || state().is_some_and(|s| s != CaseState::Closed);
    view! {
        <header class="case-head card">
            <a class="back" data-test="back-to-queue" href=Place::Queue.path()>
                {move || t(lang.get(), Msg::BackToQueue)}
            </a>
            {head}
            <div class="case-actions">
                <Show when=move || state() == Some(CaseState::Waiting)>
                    <button
                        class="primary"
                        data-test="claim"
                        on:click=move |_| {
                            claim.dispatch(());
                        }
                    >
                        {move || t(lang.get(), Msg::Claim)}
                    </button>
                </Show>
                <Show when=is_open>
                    <form
                        class="hand-over"
                        on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            let to = to_login.get_untracked().trim().to_owned();
                            if to.is_empty() {
                                problem.set(Some(t(lang.get_untracked(), Msg::HandOverWho).to_owned()));
                            } else {
                                problem.set(None);
                                hand_over.dispatch(to);
                            }
                        }
                    >
                        <input
                            data-test="hand-over-login"
                            placeholder=move || t(lang.get(), Msg::HandOverTo)
                            prop:value=move || to_login.get()
                            on:input=move |ev| to_login.set(event_target_value(&ev))
                        />
                        <button type="submit" data-test="hand-over">
                            {move || t(lang.get(), Msg::HandOver)}
                        </button>
                    </form>
                    <Show
                        when=move || closing.get()
                        fallback=move || {
                            view! {
                                <button data-test="close-case" on:click=move |_| closing.set(true)>
                                    {move || t(lang.get(), Msg::CloseCase)}
                                </button>
                            }
                        }
                    >
                        <span class="confirm">
                            {move || t(lang.get(), Msg::CloseSure)}
                            <button
                                class="danger"
                                data-test="close-confirm"
                                on:click=move |_| {
                                    close.dispatch(());
                                }
                            >
                                {move || t(lang.get(), Msg::CloseCase)}
                            </button>
                            <button on:click=move |_| closing.set(false)>
                                {move || t(lang.get(), Msg::Cancel)}
                            </button>
                        </span>
                    </Show>
                </Show>
            </div>
            {move || {
                problem
                    .get()
                    .map(|p| view! { <p class="error" data-test="error" role="alert">{p}</p> })
            }}
        </header>
    }
}

fn head_view(lang: Lang, d: &CaseDetail) -> impl IntoView + use<> {
    let case = &d.case;
    let agent = case
        .agent
        .clone()
        .unwrap_or_else(|| t(lang, Msg::Unclaimed).to_owned());
    let state = match case.state {
        CaseState::Waiting => "waiting",
        CaseState::Claimed => "claimed",
        CaseState::Closed => "closed",
    };
    view! {
        <div class="case-title">
            <h2>
                <span class="category" data-test="case-category">{category(lang, case.category)}</span>
                <span class="case-no">"#"{case.id}</span>
            </h2>
            <p class="case-meta">
                <span class="state" data-test="case-state" data-state=state>
                    {case_state(lang, case.state)}
                </span>
                <span data-test="case-agent">{agent}</span>
            </p>
            {d
                .urgent
                .as_ref()
                .map(|u| view! { <p class="urgent" data-test="case-urgent">"⚠ "{u.get(lang).to_owned()}</p> })}
        </div>
    }
}
