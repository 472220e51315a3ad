//! The box that asks before an action on the tourist's behalf: what will happen, the rule
//! or money behind it, and confirm or cancel. Its `data-test` names start with `name`
//! (`{name}-confirm-box`, `{name}-confirm`, `{name}-cancel`).

use leptos::prelude::*;

use crate::i18n::{Msg, t};
use tongyou_core::api::Lang;

/// What the box asks.
pub struct Ask {
    /// Starts its `data-test` names.
    pub name: &'static str,
    pub what: String,
    /// The rule or the money behind it.
    pub detail: String,
    pub confirm_label: Msg,
}

/// Asks `ask`; `confirm` runs on the confirm button, disabled while `pending`; `cancel`
/// on the other.
pub fn confirm_box(
    lang: Lang,
    ask: Ask,
    pending: Signal<bool>,
    confirm: impl Fn() + 'static,
    cancel: impl Fn() + 'static,
) -> impl IntoView {
    let name = ask.name;
    view! {
        <div class="confirm-box" data-test=format!("{name}-confirm-box")>
            <p>{ask.what}</p>
            <p class="rule">{ask.detail}</p>
            <button
                class="danger"
                data-test=format!("{name}-confirm")
                disabled=move || pending.get()
                on:click=move |_| confirm()
            >
                {t(lang, ask.confirm_label)}
            </button>
            <button data-test=format!("{name}-cancel") on:click=move |_| cancel()>
                {t(lang, Msg::Cancel)}
            </button>
        </div>
    }
}
