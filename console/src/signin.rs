//! The sign-in form: login and password. A wrong password shows the platform's own words,
//! a locked login says when to try again, and nothing typed is lost on any error.

use leptos::prelude::*;
use tongyou_core::api::{AgentMe, Lang};

use crate::api::{self, Failure};
use crate::ctx::{Ctx, locked};
use crate::i18n::{Msg, t};

#[component]
pub fn SignIn() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let send = Action::new_local(move |(login, password): &(String, String)| {
        api::sign_in(login.clone(), password.clone())
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(me)) => signed_in(ctx, me),
        Some(Err(failure)) => problem.set(Some(refusal(lang.get_untracked(), &failure, ctx))),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (l, p) = (login.get_untracked(), password.get_untracked());
        if l.trim().is_empty() || p.is_empty() {
            problem.set(Some(t(lang.get_untracked(), Msg::SignInEmpty).to_owned()));
            return;
        }
        problem.set(None);
        send.dispatch((l.trim().to_owned(), p));
    };

    view! {
        <section class="signin" data-test="signin">
            <form class="card signin-card" on:submit=submit novalidate>
                <h1>{move || t(lang.get(), Msg::SignInTitle)}</h1>
                <p class="hint">{move || t(lang.get(), Msg::SignInHint)}</p>
                {move || {
                    ctx.notice
                        .get()
                        .map(|m| view! { <p class="notice" data-test="notice">{t(lang.get(), m)}</p> })
                }}
                <label>
                    <span>{move || t(lang.get(), Msg::Login)}</span>
                    <input
                        data-test="signin-login"
                        name="login"
                        autocomplete="username"
                        prop:value=move || login.get()
                        on:input=move |ev| login.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    <span>{move || t(lang.get(), Msg::Password)}</span>
                    <input
                        data-test="signin-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
                {move || {
                    problem
                        .get()
                        .map(|p| view! { <p class="error" data-test="error" role="alert">{p}</p> })
                }}
                <button
                    class="primary"
                    type="submit"
                    data-test="signin-submit"
                    disabled=move || send.pending().get()
                >
                    {move || t(lang.get(), Msg::SignIn)}
                </button>
            </form>
        </section>
    }
}

fn signed_in(ctx: Ctx, me: AgentMe) {
    ctx.notice.set(None);
    ctx.me.set(Some(me));
}

/// Why the platform refused: its own message for a wrong login or password, when to try
/// again for a locked one.
fn refusal(lang: Lang, failure: &Failure, ctx: Ctx) -> String {
    match failure.status {
        401 => format!("{}: {}", t(lang, Msg::SignInRefused), failure.error.message),
        429 => locked(lang, failure.retry_after_s),
        _ => ctx.explain(failure),
    }
}
