//! The live queue: every open case, urgent ones first with the reason highlighted, how
//! long each has waited (moving each minute), who has it, its last message and how many
//! of the tourist's messages no agent has read. A waiting case is claimed here; a case the
//! agent holds (a supervisor: any) opens beside the queue.

use leptos::prelude::*;
use tongyou_core::api::{CaseState, Lang};

use crate::api::{self, StreamState};
use crate::ctx::{Ctx, Place};
use crate::i18n::{Msg, category, t};
use crate::live_queue::Line;
use crate::time;

#[component]
pub fn QueueScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let problem = RwSignal::new(None::<String>);
    let claim = Action::new_local(move |id: &i64| {
        let (csrf, id) = (ctx.csrf(), *id);
        async move { (id, api::claim(csrf, id).await) }
    });
    Effect::new(move |_| match claim.value().get() {
        Some((id, Ok(_))) => {
            problem.set(None);
            ctx.go(Place::Case(id));
        }
        Some((_, Err(failure))) => ctx.fail_into(problem, &failure),
        None => {}
    });

    view! {
        <aside class="queue-pane" data-test="queue">
            <header class="pane-head">
                <h2>
                    {move || t(lang.get(), Msg::QueueTitle)}
                    <span class="count" data-test="queue-count">
                        {move || ctx.queue.with(|q| q.lines().len())}
                    </span>
                </h2>
                <StreamBadge />
            </header>
            {move || {
                problem
                    .get()
                    .map(|p| view! { <p class="error" data-test="error" role="alert">{p}</p> })
            }}
            <ol class="queue-lines">
                {move || {
                    let lang = lang.get();
                    let now = ctx.now_ms.get();
                    let open = ctx.place.get();
                    let lines = ctx.queue.with(|q| q.lines().to_vec());
                    if lines.is_empty() {
                        return view! {
                            <li class="empty" data-test="queue-empty">{t(lang, Msg::QueueEmpty)}</li>
                        }
                            .into_any();
                    }
                    lines
                        .into_iter()
                        .map(|line| queue_line(ctx, lang, line, now, open, claim))
                        .collect_view()
                        .into_any()
                }}
            </ol>
        </aside>
    }
}

fn queue_line(
    ctx: Ctx,
    lang: Lang,
    line: Line,
    now_ms: f64,
    open: Place,
    claim: Action<i64, (i64, Result<tongyou_core::api::CaseDetail, api::Failure>)>,
) -> impl IntoView {
    let waiting = time::waiting(lang, line.waiting_s(now_ms));
    let e = line.entry;
    let id = e.case_id;
    let mine = ctx.is_me(e.agent.as_deref());
    let may_open = mine || (ctx.is_supervisor() && e.state != CaseState::Waiting);
    let state = match e.state {
        CaseState::Waiting => "waiting",
        CaseState::Claimed => "claimed",
        CaseState::Closed => "closed",
    };
    let agent = e
        .agent
        .clone()
        .unwrap_or_else(|| t(lang, Msg::Unclaimed).to_owned());
    let urgent = e.urgent.as_ref().map(|u| {
        view! { <p class="urgent" data-test="queue-urgent">"⚠ "{u.get(lang).to_owned()}</p> }
    });
    let preview = e.last_message.clone().unwrap_or_default();
    let unread = (e.unread > 0).then(|| {
        view! {
            <span class="unread" data-test="queue-unread" title=t(lang, Msg::Unread)>
                {e.unread}
            </span>
        }
    });
    let claim_button = (e.state == CaseState::Waiting).then(|| {
        view! {
            <button
                class="primary small"
                data-test="claim"
                disabled=move || claim.pending().get()
                on:click=move |_| {
                    claim.dispatch(id);
                }
            >
                {t(lang, Msg::Claim)}
            </button>
        }
    });
    let open_link = may_open.then(|| {
        view! {
            <a class="button small" data-test="open-case" href=Place::Case(id).path()>
                {t(lang, Msg::Open)}
            </a>
        }
    });
    view! {
        <li
            class="queue-line"
            class:urgent=e.urgent.is_some()
            class:open=open == Place::Case(id)
            class:mine=mine
            data-test="queue-line"
            data-case=id.to_string()
            data-state=state
        >
            <div class="line-head">
                <span class="category" data-test="queue-category">{category(lang, e.category)}</span>
                <span class="case-no">"#"{id}</span>
                <span class="waiting" data-test="queue-waiting">{waiting}</span>
            </div>
            {urgent}
            <p class="preview" data-test="queue-preview">{preview}</p>
            <div class="line-foot">
                <span class="agent" data-test="queue-agent">{agent}</span>
                {unread}
                <span class="grow"></span>
                {claim_button}
                {open_link}
            </div>
        </li>
    }
}

/// Whether the queue is live, catching up, or lost.
#[component]
fn StreamBadge() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = move || match ctx.stream.get() {
        StreamState::Live => ("live", Msg::StreamLive),
        StreamState::Connecting => ("connecting", Msg::StreamConnecting),
        StreamState::Reconnecting | StreamState::Closed => ("lost", Msg::StreamLost),
    };
    view! {
        <span class="stream-badge" data-test="stream-state" data-state=move || state().0>
            <span class="dot"></span>
            {move || t(ctx.lang.get(), state().1)}
        </span>
    }
}
