//! Gate mode (闸机模式): staff sign in for one gate of a region, and the app becomes a
//! gate station that checks passes with no network: by a pasted code, by a picture of
//! the QR code (read by the shell). (A camera scanner belongs to a phone build, which the
//! project does not make yet; desktops have none.) The decision is the
//! shell's (`core::gate`, against the keys and revocations it synced); this screen asks,
//! shows green or red with the reason, and keeps the station's counters in sight, scans
//! still waiting for upload included.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{ApiError, ErrorCode, GateResult, GateSignIn, Lang, Text};
use wasm_bindgen::JsCast;

use crate::ctx::{Ctx, Tab, sync_once};
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;
use crate::signin::{CodeForm, MobileAndCode};
use crate::time::short_time;

#[component]
pub fn GateScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Only signing in or out swaps the screen, so a counter changing keeps what was typed.
    let signed_in = Memo::new(move |_| ctx.station.with(Option::is_some));
    move || {
        if signed_in.get() {
            view! { <Station /> }.into_any()
        } else {
            view! { <GateSignInForm /> }.into_any()
        }
    }
}

/// A region's gates, from the device's copy of the catalog.
#[derive(Debug, Clone, PartialEq)]
struct Gates {
    region_id: String,
    region_name: Text,
    gates: Vec<(String, Text)>,
}

#[component]
fn GateSignInForm() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let form = CodeForm::new();
    let region = RwSignal::new(None::<Gates>);
    let gate = RwSignal::new(String::new());
    spawn_local(async move {
        match ipc::booking_catalog().await {
            Ok(Some(snapshot)) => {
                let c = snapshot.catalog;
                gate.set(c.gates.first().map(|g| g.id.clone()).unwrap_or_default());
                region.set(Some(Gates {
                    region_id: c.region.id,
                    region_name: c.region.name,
                    gates: c.gates.into_iter().map(|g| (g.id, g.name)).collect(),
                }));
            }
            Ok(None) => {}
            Err(e) => ctx.fail(&e),
        }
    });

    let sign_in = move || {
        let Some(region_id) = region.with_untracked(|r| r.as_ref().map(|r| r.region_id.clone()))
        else {
            return;
        };
        let input = GateSignIn {
            mobile: form.mobile.get_untracked().trim().to_owned(),
            code: form.code.get_untracked().trim().to_owned(),
            region_id,
            gate_id: gate.get_untracked(),
        };
        form.begin();
        spawn_local(async move {
            match ipc::gate_sign_in(&input).await {
                Ok(station) => ctx.station.set(Some(station)),
                // Not the tourist's session: a refusal here must not sign anyone out.
                Err(e) if e.code == ErrorCode::Unauthorized => form
                    .problem
                    .set(Some(t(lang.get_untracked(), Msg::NotGateStaff).to_owned())),
                Err(e) if !e.fields.is_empty() => form.errors.set(e.fields),
                Err(e) => ctx.fail_into(form.problem, &e),
            }
            form.busy.set(false);
        });
    };

    view! {
        <section class="screen sign-in gate-sign-in" data-test="gate-sign-in">
            <button class="link back" data-test="gate-back" on:click=move |_| ctx.open(Tab::Me)>
                {move || format!("‹ {}", t(lang.get(), Msg::NavMe))}
            </button>
            <form class="card form" on:submit=move |ev| {
                ev.prevent_default();
                if form.sent_to.get_untracked().is_some() { sign_in() } else { form.send(ctx) }
            }>
                <h1>{tr(lang, Msg::GateSignInTitle)}</h1>
                <p class="hint">{tr(lang, Msg::GateSignInHint)}</p>
                {move || {
                    let lang = lang.get();
                    match region.get() {
                        None => view! { <p class="hint">{t(lang, Msg::NoDataBody)}</p> }.into_any(),
                        Some(r) => view! {
                            <label class="field">
                                <span>{format!("{} · {}", r.region_name.get(lang), t(lang, Msg::GatePick))}</span>
                                <select data-test="gate-select" on:change=move |ev| gate.set(event_target_value(&ev))>
                                    {r.gates.into_iter().map(|(id, name)| {
                                        let chosen = id.clone();
                                        view! { <option value=id prop:selected=move || gate.get() == chosen>{name.get(lang).to_owned()}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                        }
                        .into_any(),
                    }
                }}
                <MobileAndCode form=form />
                {move || form.sent_to.get().is_some().then(|| view! {
                    <button class="primary" type="submit" data-test="gate-sign-in-submit"
                        disabled=move || form.busy.get() || region.with(Option::is_none)>
                        {tr(lang, Msg::GateStart)}
                    </button>
                })}
                {move || form.problem.get().map(|p| view! { <p class="problem" role="alert" data-test="gate-sign-in-problem">{p}</p> })}
            </form>
        </section>
    }
}

/// One check in flight and its outcome.
#[derive(Clone, Copy)]
struct Check {
    result: RwSignal<Option<GateResult>>,
    problem: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
}

impl Check {
    fn start(self) -> bool {
        if self.busy.get_untracked() {
            return false;
        }
        self.busy.set(true);
        // The last verdict goes at once: a stale green must never stand for a new scan.
        self.result.set(None);
        self.problem.set(None);
        true
    }

    async fn finish(self, ctx: Ctx, answer: Result<GateResult, ApiError>) {
        match answer {
            Ok(result) => self.result.set(Some(result)),
            Err(e) => ctx.fail_into(self.problem, &e),
        }
        self.busy.set(false);
        if let Ok(Some(station)) = ipc::gate_station().await {
            ctx.station.set(Some(station));
        }
        if let Some(panel) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[data-test=gate-outcome]").ok().flatten())
        {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            panel.scroll_into_view_with_scroll_into_view_options(&options);
        }
    }
}

#[component]
fn Station() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let code = RwSignal::new(String::new());
    let check = Check {
        result: RwSignal::new(None),
        problem: RwSignal::new(None),
        busy: RwSignal::new(false),
    };
    let syncing = RwSignal::new(false);

    let verify_code = move || {
        let text = code.get_untracked().trim().to_owned();
        if text.is_empty() || !check.start() {
            return;
        }
        spawn_local(async move {
            let answer = ipc::gate_verify_code(&text).await;
            check.finish(ctx, answer).await;
        });
    };
    let verify_image = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // Emptied, so choosing the same picture again checks it again.
        input.set_value("");
        if !check.start() {
            return;
        }
        spawn_local(async move {
            let answer = match read_data_url(&file).await {
                Some(url) => ipc::gate_verify_image(&url).await,
                None => Err(ApiError::new(
                    ErrorCode::Invalid,
                    t(ctx.lang.get_untracked(), Msg::PictureUnreadable),
                )),
            };
            check.finish(ctx, answer).await;
        });
    };
    let sync = move |_| {
        syncing.set(true);
        spawn_local(async move {
            // The whole sync, so the network badge catches up too, not only the gate.
            sync_once(ctx).await;
            syncing.set(false);
        });
    };
    let sign_out = move |_| {
        spawn_local(async move {
            match ipc::gate_sign_out().await {
                Ok(()) => {
                    ctx.station.set(None);
                    ctx.open(Tab::Me);
                }
                Err(e) => ctx.fail(&e),
            }
        });
    };

    view! {
        <section class="screen gate" data-test="gate-station">
            {move || ctx.station.get().map(|s| {
                let lang = lang.get();
                let synced = s.synced_at.as_deref().map_or_else(|| t(lang, Msg::NeverSynced).to_owned(), short_time);
                let stat = |label: Msg, value: String, test: &'static str| view! {
                    <div class="stat"><dt>{t(lang, label)}</dt><dd data-test=test>{value}</dd></div>
                };
                let synced = view! {
                    <div class="stat" data-wide=""><dt>{t(lang, Msg::LastSync)}</dt><dd data-test="gate-synced">{synced}</dd></div>
                };
                view! {
                    <header class="card station-head">
                        <div class="station-name">
                            <h1 data-test="gate-name">{s.gate_name.get(lang).to_owned()}</h1>
                            <p class="hint">{s.region_name.get(lang).to_owned()}</p>
                            <p class="hint">{format!("{} {}", t(lang, Msg::Staff), s.staff)}</p>
                        </div>
                        <button class="secondary" data-test="gate-sync" disabled=move || syncing.get() on:click=sync>
                            {move || t(lang, if syncing.get() { Msg::Syncing } else { Msg::SyncNow })}
                        </button>
                    </header>
                    <dl class="stats card">
                        <div class="stat pending" class:waiting={s.pending_uploads > 0}>
                            <dt>{t(lang, Msg::PendingUploads)}</dt>
                            <dd data-test="gate-pending" data-count=s.pending_uploads.to_string()>{s.pending_uploads}</dd>
                        </div>
                        {stat(Msg::AdmittedToday, s.admitted_today.to_string(), "gate-admitted")}
                        {stat(Msg::RefusedToday, s.refused_today.to_string(), "gate-refused")}
                        {stat(Msg::Keys, s.keys.to_string(), "gate-keys")}
                        {stat(Msg::RevokedKnown, s.revoked.to_string(), "gate-revoked")}
                        {synced}
                    </dl>
                    {s.sync_error.map(|why| view! {
                        <p class="note sync-error" data-test="gate-sync-error">
                            {t(lang, Msg::SyncFailed)} " " <small data-code=why.clone()>{t(lang, sync_failure(&why))}</small>
                        </p>
                    })}
                }
            })}
            <section class="card block verify" data-test="gate-verify-panel">
                <h2>{tr(lang, Msg::CheckPass)}</h2>
                <label class="field file-pick">
                    <span>{tr(lang, Msg::LoadImage)}</span>
                    <input type="file" accept="image/*" data-test="gate-image" disabled=move || check.busy.get() on:change=verify_image />
                    <small class="hint">{tr(lang, Msg::LoadImageHint)}</small>
                </label>
                <form class="field" on:submit=move |ev| {
                    ev.prevent_default();
                    verify_code();
                }>
                    <label class="field">
                        <span>{tr(lang, Msg::PasteCode)}</span>
                        <textarea
                            data-test="gate-code"
                            rows="3"
                            spellcheck="false"
                            autocapitalize="off"
                            prop:value=move || code.get()
                            on:input=move |ev| code.set(event_target_value(&ev))
                        ></textarea>
                    </label>
                    <div class="actions">
                        <button class="primary" type="submit" data-test="gate-verify" disabled=move || check.busy.get()>
                            {move || t(lang.get(), if check.busy.get() { Msg::Verifying } else { Msg::Verify })}
                        </button>
                        <button class="secondary" type="button" data-test="gate-clear" on:click=move |_| code.set(String::new())>
                            {tr(lang, Msg::Clear)}
                        </button>
                    </div>
                </form>
            </section>
            <div class="gate-outcome" data-test="gate-outcome">
                {move || check.problem.get().map(|p| view! { <p class="problem" role="alert" data-test="gate-problem">{p}</p> })}
                {move || check.result.get().map(|r| verdict(lang.get(), r))}
            </div>
            <button class="link leave" data-test="gate-sign-out" on:click=sign_out>
                {tr(lang, Msg::LeaveGateMode)}
            </button>
        </section>
    }
}

/// The big green or red panel, readable from a step away.
fn verdict(lang: Lang, r: GateResult) -> impl IntoView {
    // The reason's code as the contract spells it (`already_used`…), for tests and logs.
    let refusal = r
        .refusal
        .and_then(|x| serde_wasm_bindgen::to_value(&x).ok())
        .and_then(|v| v.as_string());
    let (mark, word) = if r.admitted {
        ("✓", t(lang, Msg::Admit))
    } else {
        ("✕", t(lang, Msg::Refuse))
    };
    view! {
        <section
            class="gate-result"
            class:admitted=r.admitted
            class:refused=!r.admitted
            role="status"
            aria-live="assertive"
            data-test="gate-result"
            data-admitted=r.admitted.to_string()
            data-refusal=refusal
            data-nonce=r.nonce
        >
            <p class="verdict"><span class="mark">{mark}</span>{word}</p>
            <p class="message" data-test="gate-message">{r.message.get(lang).to_owned()}</p>
            {r.product.map(|p| view! { <p class="product" data-test="gate-product">{p.get(lang).to_owned()}</p> })}
            {r.party.map(|p| view! { <p class="party" data-test="gate-party">{i18n::party(lang, p)}</p> })}
            {r.slot.map(|(a, b)| view! { <p>{i18n::hours(a, b)}</p> })}
            <p class="at">{format!("{} {}", t(lang, Msg::CheckedAt), short_time(&r.scanned_at))}</p>
        </section>
    }
}

/// Why the station's last sync failed, from the code the shell records.
fn sync_failure(code: &str) -> Msg {
    match code {
        "offline" => Msg::SyncOffline,
        "signed_out" => Msg::SyncSignedOut,
        "device" => Msg::SyncDevice,
        _ => Msg::SyncPlatform,
    }
}

/// The picture as a `data:` URL, read on the device.
async fn read_data_url(file: &web_sys::File) -> Option<String> {
    let reader = web_sys::FileReader::new().ok()?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        reader.set_onload(Some(&resolve));
        reader.set_onerror(Some(&reject));
    });
    reader.read_as_data_url(file).ok()?;
    wasm_bindgen_futures::JsFuture::from(loaded).await.ok()?;
    reader.result().ok()?.as_string()
}
