//! Signing in with a text-message code: the mobile-and-code part both sign-in forms share
//! (tourists on Me, gate staff on the gate screen), with the resend countdown, and the
//! tourist's sign-in screen.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{ErrorCode, FieldError};

use crate::ctx::Ctx;
use crate::form::field_error;
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;

/// A mobile number and the text-message code sent to it: the part both sign-in forms
/// (tourists on Me, gate staff in `gate.rs`) share, with the resend countdown.
#[derive(Clone, Copy)]
pub struct CodeForm {
    pub mobile: RwSignal<String>,
    pub code: RwSignal<String>,
    /// The masked number the code went to, once sent.
    pub sent_to: RwSignal<Option<String>>,
    countdown: RwSignal<u32>,
    pub errors: RwSignal<Vec<FieldError>>,
    pub problem: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
}

impl CodeForm {
    pub fn new() -> CodeForm {
        CodeForm {
            mobile: RwSignal::new(String::new()),
            code: RwSignal::new(String::new()),
            sent_to: RwSignal::new(None),
            countdown: RwSignal::new(0),
            errors: RwSignal::new(vec![]),
            problem: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    /// Starts a submission: busy, and the last one's messages gone.
    pub fn begin(self) {
        self.busy.set(true);
        self.problem.set(None);
        self.errors.set(vec![]);
    }

    /// Asks for a code, then counts down until another may be sent.
    pub fn send(self, ctx: Ctx) {
        if self.busy.get_untracked() || self.countdown.get_untracked() > 0 {
            return;
        }
        self.begin();
        spawn_local(async move {
            match ipc::request_code(&self.mobile.get_untracked()).await {
                Ok(sent) => {
                    self.sent_to.set(Some(sent.mobile));
                    self.countdown.set(sent.resend_after_s);
                    self.busy.set(false);
                    while self.countdown.get_untracked() > 0 {
                        gloo_timers::future::TimeoutFuture::new(1_000).await;
                        self.countdown.update(|c| *c = c.saturating_sub(1));
                    }
                }
                Err(e) => {
                    self.busy.set(false);
                    if e.fields.is_empty() {
                        ctx.fail_into(self.problem, &e);
                    } else {
                        self.errors.set(e.fields);
                    }
                }
            }
        });
    }
}

impl Default for CodeForm {
    fn default() -> CodeForm {
        CodeForm::new()
    }
}

/// The mobile field with its Send button and, once a code was sent, the code field.
#[component]
pub fn MobileAndCode(form: CodeForm) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    view! {
        <label class="field">
            <span>{tr(lang, Msg::Mobile)}</span>
            <div class="inline">
                <input
                    data-test="mobile"
                    type="tel"
                    inputmode="numeric"
                    autocomplete="tel"
                    maxlength="20"
                    prop:value=move || form.mobile.get()
                    on:input=move |ev| form.mobile.set(event_target_value(&ev))
                />
                <button
                    type="button"
                    class="secondary"
                    data-test="send-code"
                    disabled=move || { form.busy.get() || form.countdown.get() != 0 }
                    on:click=move |_| form.send(ctx)
                >
                    {move || {
                        let lang = lang.get();
                        match (form.countdown.get(), form.sent_to.get().is_some()) {
                            (0, false) => t(lang, Msg::SendCode).to_owned(),
                            (0, true) => t(lang, Msg::Resend).to_owned(),
                            (n, _) => i18n::resend_in(lang, n),
                        }
                    }}
                </button>
            </div>
            {field_error(lang, form.errors, "mobile")}
        </label>
        {move || form.sent_to.get().map(|masked| view! {
            <p class="sent" data-test="code-sent">
                {t(lang.get(), Msg::CodeSentTo)} " " <strong>{masked}</strong>
            </p>
            <label class="field">
                <span>{t(lang.get(), Msg::Code)}</span>
                <input
                    data-test="code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength="8"
                    prop:value=move || form.code.get()
                    on:input=move |ev| form.code.set(event_target_value(&ev))
                />
                {field_error(lang, form.errors, "code")}
            </label>
        })}
    }
}

/// The tourist's sign-in screen.
#[component]
pub fn SignIn() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let form = CodeForm::new();
    let sign_in = move || {
        form.begin();
        spawn_local(async move {
            let (mobile, code) = (form.mobile.get_untracked(), form.code.get_untracked());
            match ipc::sign_in(&mobile, &code).await {
                Ok(session) => ctx.session.set(Some(session)),
                Err(e) if e.code == ErrorCode::Unauthorized => {
                    form.problem
                        .set(Some(t(lang.get_untracked(), Msg::WrongCode).to_owned()));
                }
                Err(e) if !e.fields.is_empty() => form.errors.set(e.fields),
                Err(e) => ctx.fail_into(form.problem, &e),
            }
            form.busy.set(false);
        });
    };

    view! {
        <section class="screen sign-in" data-test="sign-in-screen">
            <form class="card form" on:submit=move |ev| {
                ev.prevent_default();
                if form.sent_to.get_untracked().is_some() { sign_in() } else { form.send(ctx) }
            }>
                <h1>{tr(lang, Msg::SignInTitle)}</h1>
                <p class="hint">{tr(lang, Msg::SignInHint)}</p>
                <MobileAndCode form=form />
                {move || form.sent_to.get().is_some().then(|| view! {
                    <button class="primary" type="submit" data-test="sign-in" disabled=move || form.busy.get()>
                        {tr(lang, Msg::SignIn)}
                    </button>
                })}
                {move || form.problem.get().map(|p| view! { <p class="problem" role="alert" data-test="sign-in-problem">{p}</p> })}
            </form>
        </section>
    }
}
