//! The console's frame: the language, the sign-in check at start, the queue's live
//! stream while an agent is signed in (opened again when lost, back to the sign-in form
//! when the session is gone), the clock tick, and the desk: the queue beside the open
//! case, one above the other on a narrow window. The only module that knows every screen.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::Router;
use leptos_router::hooks::{use_location, use_navigate};
use tongyou_core::api::{AgentRole, Lang};

use crate::api::{self, QueueMessage, QueueStream, StreamState};
use crate::audit::AuditScreen;
use crate::case::CaseScreen;
use crate::ctx::{Ctx, Navigate, Place};
use crate::i18n::{self, Msg, t};
use crate::live_queue::LiveQueue;
use crate::queue::QueueScreen;
use crate::signin::SignIn;
use crate::time;

/// Waiting times move on this tick.
const TICK_MS: u64 = 20_000;
/// After the stream is lost for good, the page asks again after this long.
const RETRY_MS: u64 = 3_000;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Desk />
        </Router>
    }
}

type Held = StoredValue<Option<QueueStream>, LocalStorage>;

#[component]
fn Desk() -> impl IntoView {
    let location = use_location();
    let navigate = use_navigate();
    let navigate: Navigate = Rc::new(move |path: &str| navigate(path, NavigateOptions::default()));
    let ctx = Ctx {
        lang: RwSignal::new(i18n::first_lang()),
        me: RwSignal::new(None),
        checked: RwSignal::new(false),
        queue: RwSignal::new(LiveQueue::default()),
        stream: RwSignal::new(StreamState::Connecting),
        place: Memo::new(move |_| Place::of(&location.pathname.get())),
        now_ms: RwSignal::new(time::now_ms()),
        case_news: RwSignal::new(0),
        notice: RwSignal::new(None),
        navigate: StoredValue::new_local(navigate),
    };
    provide_context(ctx);

    Effect::new(move |_| i18n::show_lang(ctx.lang.get()));
    if let Ok(handle) = set_interval_with_handle(
        move || ctx.now_ms.set(time::now_ms()),
        std::time::Duration::from_millis(TICK_MS),
    ) {
        on_cleanup(move || handle.clear());
    }
    // A session cookie from earlier may still hold.
    spawn_local(async move {
        if let Ok(me) = api::me().await {
            ctx.me.set(Some(me));
        }
        ctx.checked.set(true);
    });
    // The queue's stream lives exactly while someone is signed in.
    let held: Held = StoredValue::new_local(None);
    let signed_in = Memo::new(move |_| ctx.me.with(Option::is_some));
    Effect::new(move |_| {
        if signed_in.get() {
            follow(ctx, held);
        } else {
            held.set_value(None);
            ctx.queue.set(LiveQueue::default());
        }
    });

    let lang = ctx.lang;
    let body = move || {
        if !ctx.checked.get() {
            return view! { <p class="loading">{t(lang.get(), Msg::Loading)}</p> }.into_any();
        }
        if !signed_in.get() {
            return view! { <SignIn /> }.into_any();
        }
        view! {
            <div class="desk" class:has-case=move || matches!(ctx.place.get(), Place::Case(_))>
                <QueueScreen />
                <main class="case-pane">
                    {move || match ctx.place.get() {
                        Place::Case(id) => view! { <CaseScreen id=id /> }.into_any(),
                        Place::Audit => view! { <AuditScreen /> }.into_any(),
                        Place::Queue => {
                            view! {
                                <p class="pick-case card" data-test="pick-case">
                                    {t(lang.get(), Msg::PickCase)}
                                </p>
                            }
                                .into_any()
                        }
                    }}
                </main>
            </div>
        }
        .into_any()
    };
    view! {
        <div class="console">
            <TopBar />
            {body}
        </div>
    }
}

#[component]
fn TopBar() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let sign_out = Action::new_local(move |_: &()| api::sign_out(ctx.csrf()));
    Effect::new(move |_| {
        // Signed out here whatever the platform said: the cookie is cleared or gone.
        if sign_out.value().get().is_some() {
            ctx.me.set(None);
        }
    });
    let who = move || {
        ctx.me.get().map(|me| {
            let role = match me.role {
                AgentRole::Agent => Msg::RoleAgent,
                AgentRole::Supervisor => Msg::RoleSupervisor,
            };
            let audit = (me.role == AgentRole::Supervisor).then(|| {
                view! {
                    <a class="ghost button" data-test="audit-link" href=Place::Audit.path()>
                        {t(lang.get(), Msg::AuditTitle)}
                    </a>
                }
            });
            view! {
                {audit}
                <span class="me" data-test="me">
                    {me.name}
                    <small>{t(lang.get(), role)}</small>
                </span>
                <button
                    class="ghost"
                    data-test="sign-out"
                    on:click=move |_| {
                        sign_out.dispatch(());
                    }
                >
                    {t(lang.get(), Msg::SignOut)}
                </button>
            }
        })
    };
    view! {
        <header class="topbar">
            <a class="brand" href=Place::Queue.path()>
                <span class="logo">"通"</span>
                <span>{move || t(lang.get(), Msg::AppName)}</span>
            </a>
            {who}
            <span class="lang-switch">
                <button
                    data-test="lang-zh"
                    class:active=move || lang.get() == Lang::Zh
                    on:click=move |_| choose(lang, Lang::Zh)
                >
                    "中文"
                </button>
                <button
                    data-test="lang-en"
                    class:active=move || lang.get() == Lang::En
                    on:click=move |_| choose(lang, Lang::En)
                >
                    "EN"
                </button>
            </span>
        </header>
    }
}

fn choose(lang: RwSignal<Lang>, chosen: Lang) {
    i18n::save_lang(chosen);
    lang.set(chosen);
}

/// Opens the queue's stream and keeps it in `held`.
fn follow(ctx: Ctx, held: Held) {
    ctx.stream.set(StreamState::Connecting);
    let opened = QueueStream::open(
        move |message| take(ctx, message),
        move |state| {
            ctx.stream.set(state);
            if state == StreamState::Closed {
                // Not from inside the stream's own handler: it is dropped there.
                set_timeout(
                    move || recover(ctx, held),
                    std::time::Duration::from_millis(RETRY_MS),
                );
            }
        },
    );
    match opened {
        Ok(stream) => held.set_value(Some(stream)),
        Err(_) => {
            ctx.stream.set(StreamState::Closed);
            set_timeout(
                move || recover(ctx, held),
                std::time::Duration::from_millis(RETRY_MS),
            );
        }
    }
}

/// The browser gave the stream up: the session ended (back to the sign-in form), or the
/// platform is away (ask again later), or it answers again (a new stream, whose first
/// message is the whole queue).
fn recover(ctx: Ctx, held: Held) {
    held.set_value(None);
    if ctx.me.with_untracked(Option::is_none) {
        return;
    }
    spawn_local(async move {
        match api::me().await {
            Ok(me) => {
                ctx.me.set(Some(me));
                follow(ctx, held);
            }
            Err(failure) if ctx.signed_out_if_rejected(&failure) => {}
            Err(_) => set_timeout(
                move || recover(ctx, held),
                std::time::Duration::from_millis(RETRY_MS),
            ),
        }
    });
}

/// A message of the stream into the queue; the open case is read again when it has news.
fn take(ctx: Ctx, message: QueueMessage) {
    let now = time::now_ms();
    let news = ctx
        .queue
        .try_update(|queue| match message {
            QueueMessage::Whole(lines) => queue.replace(lines, now),
            QueueMessage::Changes(changes) => queue.apply(changes, now),
        })
        .unwrap_or_default();
    if let Place::Case(id) = ctx.place.get_untracked()
        && news.contains(&id)
    {
        ctx.case_news.update(|n| *n += 1);
    }
}
