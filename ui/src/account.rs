//! The Me screen: sign-in with a text-message code, then the account, what waits to be
//! sent from the device (the outbox), its saved travellers (常用旅客) with the form to add
//! one, and the way into gate mode for staff. Every field keeps what was typed when the
//! platform refuses it; its message appears next to the field. Travellers added or
//! removed offline show at once; one the platform has not saved yet is marked so.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{AccountExport, FieldError, IdKind, Traveller, TravellerInput};
use tongyou_core::privacy;
use wasm_bindgen::JsValue;

use crate::ctx::{Ctx, Tab};
use crate::form::{field_error, load_travellers};
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;
use crate::outbox::{Outbox, OutboxPanel};
use crate::signin::SignIn;

#[component]
pub fn MeScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    // Only signing in or out swaps the screen: a language switch must not rebuild the
    // forms below, or what was typed would be lost.
    let signed_in = Memo::new(move |_| ctx.session.with(Option::is_some));
    let mobile = move || {
        ctx.session
            .with(|s| s.as_ref().map(|s| s.mobile.clone()))
            .unwrap_or_default()
    };
    let sign_out = Action::new_local(move |_: &()| async move {
        match ipc::sign_out().await {
            Ok(()) => ctx.session.set(None),
            Err(e) => ctx.fail(&e),
        }
    });
    let account = move || {
        if !signed_in.get() {
            return view! { <SignIn /> }.into_any();
        }
        let outbox = Outbox::watch(ctx);
        view! {
            <section class="screen me" data-test="me">
                <div class="card account" data-test="account">
                    <p>
                        {tr(lang, Msg::SignedInAs)} " "
                        <strong data-test="account-mobile">{mobile}</strong>
                    </p>
                    <button class="secondary" data-test="sign-out" disabled=move || sign_out.pending().get() on:click=move |_| { sign_out.dispatch_local(()); }>
                        {tr(lang, Msg::SignOut)}
                    </button>
                </div>
                <OutboxPanel outbox=outbox />
                <TravellersPanel outbox=outbox />
                <ReminderLead />
                <MyData />
            </section>
        }
        .into_any()
    };
    view! {
        {account}
        <GateModeEntry />
    }
}

/// The way into gate mode, for staff; the rest of the Me screen is the tourist's.
#[component]
fn GateModeEntry() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    view! {
        <section class="card gate-entry">
            <div>
                <h2>{tr(lang, Msg::GateMode)}</h2>
                <p class="hint">{tr(lang, Msg::GateModeHint)}</p>
            </div>
            <button class="secondary" data-test="gate-mode" on:click=move |_| ctx.open(Tab::Gate)>
                {tr(lang, Msg::GateMode)}
            </button>
        </section>
    }
}

#[component]
fn TravellersPanel(outbox: Outbox) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let list = RwSignal::new(Vec::<Traveller>::new());
    spawn_local(load_travellers(ctx, list));
    // Fewer traveller writes waiting: one landed or was refused, so the saved list (its
    // ids, or a traveller the platform would not save) has changed on the device.
    Effect::new(move |before: Option<usize>| {
        let waiting = outbox.travellers_waiting();
        if before.is_some_and(|n| n > waiting) {
            spawn_local(load_travellers(ctx, list));
        }
        waiting
    });

    let remove = move |id: i64| {
        spawn_local(async move {
            match ipc::remove_traveller(id).await {
                Ok(()) => list.update(|l| l.retain(|t| t.id != id)),
                Err(e) => ctx.fail(&e),
            }
            outbox.read_after_write(ctx).await;
        });
    };

    view! {
        <section class="card travellers" data-test="travellers">
            <h2>{tr(lang, Msg::Travellers)}</h2>
            <p class="hint">{tr(lang, Msg::TravellersHint)}</p>
            <ul class="rows">
                {move || {
                    let lang = lang.get();
                    let travellers = list.get();
                    if travellers.is_empty() {
                        return view! { <li class="empty-row">{t(lang, Msg::NoTravellers)}</li> }.into_any();
                    }
                    travellers
                        .into_iter()
                        .map(|tr| {
                            let id = tr.id;
                            let kind = match tr.id_kind {
                                IdKind::ResidentId => t(lang, Msg::ResidentId),
                                IdKind::Passport => t(lang, Msg::Passport),
                            };
                            // A negative id is the device's own: the platform has not saved it yet.
                            let unsaved = (id < 0).then(|| view! {
                                <span class="state pending" data-test="traveller-unsaved">{t(lang, Msg::NotYetSaved)}</span>
                            });
                            view! {
                                <li class="row" data-test="traveller" data-id=id.to_string() data-saved=(id > 0).to_string()>
                                    <div>
                                        <strong data-test="traveller-name">{tr.name} {unsaved}</strong>
                                        <small>{format!("{kind} {}", tr.id_masked)}</small>
                                        <small>{tr.birth_date}</small>
                                    </div>
                                    <button class="link" on:click=move |_| remove(id)>{t(lang, Msg::Remove)}</button>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
            <TravellerForm list=list outbox=outbox />
        </section>
    }
}

/// How long before each slot, departure and check-in the trip's reminders come.
#[component]
fn ReminderLead() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let chosen = RwSignal::new(None::<u16>);
    spawn_local(async move {
        match ipc::preferences().await {
            Ok(p) => chosen.set(Some(p.lead_minutes())),
            Err(e) => ctx.fail(&e),
        }
    });
    let choose = Action::new_local(move |&minutes: &u16| async move {
        match ipc::set_reminder_lead(minutes).await {
            Ok(()) => chosen.set(Some(minutes)),
            Err(e) => ctx.fail(&e),
        }
    });
    view! {
        <section class="card reminders" data-test="reminders">
            <h2>{tr(lang, Msg::RemindersTitle)}</h2>
            <p class="hint">{tr(lang, Msg::RemindersHint)}</p>
            <div class="segmented">
                {[30u16, 60, 120, 180]
                    .into_iter()
                    .map(|m| view! {
                        <button
                            type="button"
                            data-test="reminder-lead"
                            data-minutes=m.to_string()
                            class:active=move || chosen.get() == Some(m)
                            aria-pressed=move || (chosen.get() == Some(m)).to_string()
                            on:click=move |_| { choose.dispatch_local(m); }
                        >
                            {move || i18n::lead(lang.get(), m)}
                        </button>
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

/// The tourist's own data: an export of what the platform holds, and deleting the
/// account, which asks once more before it acts.
#[component]
fn MyData() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let confirming = RwSignal::new(false);
    let export = Action::new_local(move |_: &()| async move {
        ipc::export_account().await.map_err(|e| ctx.fail(&e)).ok()
    });
    let exported = move || export.value().get().flatten();
    let delete = Action::new_local(move |_: &()| async move {
        match ipc::delete_account().await {
            Ok(()) => ctx.session.set(None),
            Err(e) => ctx.fail(&e),
        }
        confirming.set(false);
    });
    let busy = delete.pending();
    view! {
        <section class="card my-data" data-test="my-data">
            <h2>{tr(lang, Msg::MyData)}</h2>
            <button class="secondary" data-test="export-data" disabled=move || export.pending().get() on:click=move |_| { export.dispatch_local(()); }>
                {tr(lang, Msg::ExportData)}
            </button>
            {move || exported().map(|x| {
                let summary = i18n::export_summary(lang.get(), &x.mobile, x.travellers.len(), x.orders.len());
                let json = pretty_json(&x);
                view! {
                    <p data-test="export-summary">{summary}</p>
                    <pre class="export" data-test="export-json">{json}</pre>
                }
            })}
            <button class="secondary danger" data-test="delete-account" on:click=move |_| confirming.set(true)>
                {tr(lang, Msg::DeleteAccount)}
            </button>
            {move || confirming.get().then(|| view! {
                <div class="confirm" role="alertdialog" data-test="delete-confirm">
                    <p>{tr(lang, Msg::DeleteAccountWarning)}</p>
                    <button class="primary danger" data-test="confirm-delete" disabled=move || busy.get() on:click=move |_| { delete.dispatch_local(()); }>
                        {tr(lang, Msg::ConfirmDelete)}
                    </button>
                    <button class="secondary" on:click=move |_| confirming.set(false)>
                        {tr(lang, Msg::KeepAccount)}
                    </button>
                </div>
            })}
        </section>
    }
}

#[component]
fn TravellerForm(list: RwSignal<Vec<Traveller>>, outbox: Outbox) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(IdKind::ResidentId);
    let number = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    // Consent to the privacy notice comes with the first saved traveller (an ID number is
    // sensitive personal information), or when the platform asks for it.
    let agreed = RwSignal::new(false);
    let asks_consent = Memo::new(move |_| {
        list.with(Vec::is_empty) || errors.with(|es| es.iter().any(|e| e.field == "consent"))
    });
    // Who was saved last, and whether the platform has it yet (else it waits offline).
    let saved = RwSignal::new(None::<(String, bool)>);
    let save = Action::new_local(move |input: &TravellerInput| {
        let input = input.clone();
        async move {
            match ipc::add_traveller(&input).await {
                Ok(added) => {
                    errors.set(vec![]);
                    saved.set(Some((added.name.clone(), added.id > 0)));
                    list.update(|l| l.push(added));
                    name.set(String::new());
                    number.set(String::new());
                    birth.set(String::new());
                }
                // Everything typed stays; each message goes next to its field.
                Err(e) if !e.fields.is_empty() => errors.set(e.fields),
                Err(e) => ctx.fail(&e),
            }
            outbox.read_after_write(ctx).await;
        }
    });
    let busy = save.pending();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if asks_consent.get_untracked() && !agreed.get_untracked() {
            // Nothing typed is lost: the message goes next to the box.
            errors.set(vec![FieldError::new(
                "consent",
                "保存证件号码前，请先阅读并同意隐私声明",
                "Read and agree to the privacy notice before an ID number is saved",
            )]);
            return;
        }
        let birth_date = Some(birth.get_untracked().trim().to_owned()).filter(|b| !b.is_empty());
        let input = TravellerInput {
            name: name.get_untracked().trim().to_owned(),
            id_kind: kind.get_untracked(),
            id_number: number.get_untracked().trim().to_owned(),
            birth_date,
            consent: agreed
                .get_untracked()
                .then(|| privacy::NOTICE_VERSION.to_owned()),
        };
        saved.set(None);
        save.dispatch_local(input);
    };

    let kind_button = move |k: IdKind, msg: Msg, test: &'static str| {
        view! {
            <button
                type="button"
                data-test=test
                class:active=move || kind.get() == k
                aria-pressed=move || (kind.get() == k).to_string()
                on:click=move |_| kind.set(k)
            >
                {move || t(lang.get(), msg)}
            </button>
        }
    };

    view! {
        <form class="form add-traveller" data-test="traveller-form" on:submit=submit>
            <h3>{tr(lang, Msg::AddTraveller)}</h3>
            <label class="field">
                <span>{tr(lang, Msg::Name)}</span>
                <input
                    data-test="traveller-name-input"
                    type="text"
                    autocomplete="name"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                {field_error(lang, errors, "name")}
            </label>
            <div class="field">
                <span>{tr(lang, Msg::IdKind)}</span>
                <div class="segmented" role="group">
                    {kind_button(IdKind::ResidentId, Msg::ResidentId, "id-kind-resident")}
                    {kind_button(IdKind::Passport, Msg::Passport, "id-kind-passport")}
                </div>
            </div>
            <label class="field">
                <span>{tr(lang, Msg::IdNumber)}</span>
                <input
                    data-test="traveller-id-number"
                    type="text"
                    autocapitalize="characters"
                    spellcheck="false"
                    maxlength="32"
                    class:invalid=move || errors.with(|es| es.iter().any(|e| e.field == "id_number"))
                    prop:value=move || number.get()
                    on:input=move |ev| number.set(event_target_value(&ev))
                />
                {field_error(lang, errors, "id_number")}
            </label>
            <label class="field">
                <span>{tr(lang, Msg::BirthDate)}</span>
                <input
                    data-test="traveller-birth-date"
                    type="date"
                    prop:value=move || birth.get()
                    on:input=move |ev| birth.set(event_target_value(&ev))
                    on:change=move |ev| birth.set(event_target_value(&ev))
                />
                <small class="hint">{tr(lang, Msg::BirthDateHint)}</small>
                {field_error(lang, errors, "birth_date")}
            </label>
            {move || asks_consent.get().then(|| view! {
                <div class="field consent" data-test="privacy">
                    <details>
                        <summary>{tr(lang, Msg::PrivacyNotice)}</summary>
                        <p class="hint" data-test="privacy-notice">
                            {move || privacy::notice().get(lang.get()).to_owned()}
                        </p>
                    </details>
                    <label class="check">
                        <input
                            type="checkbox"
                            data-test="privacy-consent"
                            prop:checked=move || agreed.get()
                            on:change=move |ev| agreed.set(event_target_checked(&ev))
                        />
                        <span>{tr(lang, Msg::PrivacyConsent)}</span>
                    </label>
                    {field_error(lang, errors, "consent")}
                </div>
            })}
            <button class="primary" type="submit" data-test="traveller-save" disabled=move || busy.get()>
                {move || t(lang.get(), if busy.get() { Msg::Saving } else { Msg::Save })}
            </button>
            {move || saved.get().map(|(who, on_platform)| {
                let said = t(lang.get(), if on_platform { Msg::TravellerSaved } else { Msg::TravellerKept });
                view! { <p class="saved" role="status" data-test="traveller-saved">{format!("{said} · {who}")}</p> }
            })}
        </form>
    }
}

/// The export as indented JSON text, written by the browser's own `JSON.stringify`.
fn pretty_json(export: &AccountExport) -> String {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(export, &serializer)
        .ok()
        .and_then(|v| {
            js_sys::JSON::stringify_with_replacer_and_space(&v, &JsValue::NULL, &JsValue::from(2))
                .ok()
        })
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}
