//! The case's chat: every message both ways as the platform keeps them, and the composer
//! (typed text, canned replies in Chinese or English, a place from the trip or the
//! region). A message is checked here by the platform's own rule before it is sent; a
//! refused one keeps its text.

use leptos::prelude::*;
use tongyou_core::api::{Author, Lang, Message};
use tongyou_core::support::{MAX_MESSAGE, check_message};

use crate::api;
use crate::ctx::{Ctx, OpenCase};
use crate::i18n::{Canned, Msg, canned_label, canned_text, t};
use crate::places::{PlacePicker, place_message};
use crate::time;

/// Every message of the case, oldest first, kept scrolled to the newest.
#[component]
pub fn ChatLog(open: OpenCase) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let log = NodeRef::<leptos::html::Ol>::new();
    // The newest message in view after each read that brought one, after the messages
    // are drawn again in the other language, and when the window changes size.
    let to_newest = move || {
        request_animation_frame(move || {
            if let Some(log) = log.get_untracked() {
                log.set_scroll_top(log.scroll_height());
            }
        });
    };
    Effect::new(move |_| {
        open.latest.track();
        ctx.lang.track();
        to_newest();
    });
    let resized = window_event_listener(leptos::ev::resize, move |_| to_newest());
    on_cleanup(move || resized.remove());
    view! {
        <ol class="chat card" data-test="chat" node_ref=log>
            {move || {
                let lang = ctx.lang.get();
                open.latest
                    .with(|d| {
                        d.as_ref()
                            .map(|d| {
                                d.case
                                    .messages
                                    .iter()
                                    .map(|m| message(lang, m))
                                    .collect_view()
                            })
                    })
            }}
        </ol>
    }
}

fn message(lang: Lang, m: &Message) -> impl IntoView + use<> {
    let (author, who) = match m.author {
        Author::Tourist => ("tourist", t(lang, Msg::Tourist).to_owned()),
        Author::Agent => (
            "agent",
            m.agent
                .clone()
                .unwrap_or_else(|| t(lang, Msg::Agent).to_owned()),
        ),
        Author::System => ("system", t(lang, Msg::System).to_owned()),
    };
    view! {
        <li class="message" data-test="chat-message" data-author=author data-id=m.id.to_string()>
            <div class="message-meta">
                <span class="who">{who}</span>
                <time>{time::clock(&m.at)}</time>
            </div>
            <p class="text">{m.text.clone()}</p>
        </li>
    }
}

/// What the agent writes: a text box with its count, canned replies in the reply's
/// language, and "send a place".
#[component]
pub fn Composer(open: OpenCase) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    // The tourist's language may not be the desk's: replies pick theirs.
    let reply_lang = RwSignal::new(lang.get_untracked());
    let picking = RwSignal::new(false);
    // (text, typed): a typed message leaves the box empty once sent; a place does not
    // touch what is being typed.
    let say = Action::new_local(move |(said, typed): &(String, bool)| {
        let (csrf, said, typed) = (ctx.csrf(), said.clone(), *typed);
        async move { (typed, api::say(csrf, open.id, said).await) }
    });
    Effect::new(move |_| {
        if let Some((typed, result)) = say.value().get() {
            match result {
                Ok(_) => {
                    problem.set(None);
                    if typed {
                        text.set(String::new());
                    }
                    picking.set(false);
                    open.read_again();
                }
                Err(failure) => ctx.fail_into(problem, &failure),
            }
        }
    });
    let send = move |said: String, typed: bool| match check_message(&said, false, "text") {
        Ok(clean) => {
            problem.set(None);
            say.dispatch((clean, typed));
        }
        Err(field) => problem.set(Some(field.message.get(lang.get_untracked()).to_owned())),
    };
    let closed = move || {
        open.latest.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.case.state == tongyou_core::api::CaseState::Closed)
        })
    };
    let count = move || text.with(|s| s.chars().count());

    view! {
        <div class="composer card" data-test="composer">
            <div class="composer-tools">
                <span class="label">{move || t(lang.get(), Msg::ReplyIn)}</span>
                <span class="lang-switch small">
                    <button
                        data-test="reply-lang-zh"
                        class:active=move || reply_lang.get() == Lang::Zh
                        on:click=move |_| reply_lang.set(Lang::Zh)
                    >
                        "中文"
                    </button>
                    <button
                        data-test="reply-lang-en"
                        class:active=move || reply_lang.get() == Lang::En
                        on:click=move |_| reply_lang.set(Lang::En)
                    >
                        "English"
                    </button>
                </span>
            </div>
            <div class="canned-replies">
                {Canned::ALL
                    .into_iter()
                    .map(|canned| {
                        view! {
                            <button
                                class="chip"
                                data-test="canned"
                                data-key=canned.key()
                                title=move || canned_text(reply_lang.get(), canned)
                                on:click=move |_| {
                                    let reply = canned_text(reply_lang.get_untracked(), canned);
                                    text.update(|s| {
                                        if !s.trim().is_empty() {
                                            s.push(' ');
                                        }
                                        s.push_str(reply);
                                    });
                                }
                            >
                                {move || canned_label(lang.get(), canned)}
                            </button>
                        }
                    })
                    .collect_view()}
                <button
                    class="chip place"
                    data-test="send-place"
                    class:active=move || picking.get()
                    on:click=move |_| picking.update(|p| *p = !*p)
                >
                    {move || t(lang.get(), Msg::SendPlace)}
                </button>
            </div>
            <Show when=move || picking.get()>
                <PlacePicker
                    open=open
                    reply_lang=reply_lang
                    on_pick=Callback::new(move |(id, name): (String, String)| {
                        send(place_message(reply_lang.get_untracked(), &id, &name), false);
                    })
                />
            </Show>
            <form
                class="composer-box"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    send(text.get_untracked(), true);
                }
            >
                <textarea
                    data-test="chat-input"
                    rows="3"
                    placeholder=move || t(lang.get(), Msg::TypeHere)
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <div class="composer-foot">
                    <span class="counter" class:over=move || { count() > MAX_MESSAGE } data-test="chat-count">
                        {move || format!("{} / {MAX_MESSAGE}", count())}
                    </span>
                    {move || {
                        problem
                            .get()
                            .map(|p| view! { <span class="error" data-test="error" role="alert">{p}</span> })
                    }}
                    <button
                        class="primary"
                        type="submit"
                        data-test="chat-send"
                        disabled=move || say.pending().get() || closed()
                    >
                        {move || t(lang.get(), Msg::Send)}
                    </button>
                </div>
            </form>
        </div>
    }
}
