//! The Tickets screen (票夹): every pass kept on the device, grouped by day (today, then
//! upcoming, then past), and one pass full screen with its QR code, drawn by the shell on
//! the device. The list renders from the device's copy at once and is then refreshed from
//! the platform; being offline only adds a note, it never empties the list. Nothing here
//! decides whether a pass is good: gates do (`gate.rs` and `core::gate`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{ErrorCode, Lang, PassState, WalletPass};
use wasm_bindgen::{JsCast, JsValue};

use crate::ctx::{Ctx, Tab};
use crate::help::{HelpAbout, HelpButton};
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;

/// Why the list on screen may be older than the platform's.
#[derive(Debug, Clone, PartialEq)]
enum Staleness {
    Offline,
    Failed(String),
}

#[component]
pub fn TicketsScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let passes = RwSignal::new(None::<Vec<WalletPass>>);
    let stale = RwSignal::new(None::<Staleness>);
    // The pass the URL opens (`/tickets/{id}`), once the list has it.
    let open = Memo::new(move |_| {
        let id = ctx.open_pass.get()?;
        passes.with(|list| list.as_ref()?.iter().find(|p| p.pass_id == id).cloned())
    });

    // The platform's copy, when someone is signed in (only an account has passes there).
    let refresh = move || {
        if ctx.session.with_untracked(Option::is_none) {
            return;
        }
        spawn_local(async move {
            match ipc::refresh_wallet().await {
                Ok(list) => {
                    passes.set(Some(list));
                    stale.set(None);
                }
                Err(e) if e.code == ErrorCode::Offline => stale.set(Some(Staleness::Offline)),
                Err(e) => {
                    ctx.sign_out_if_rejected(&e);
                    stale.set(Some(Staleness::Failed(ctx.explain(&e))));
                }
            }
        });
    };
    spawn_local(async move {
        match ipc::wallet().await {
            Ok(list) => passes.set(Some(list)),
            Err(e) => {
                passes.set(Some(vec![]));
                ctx.fail(&e);
            }
        }
        refresh();
    });
    // Back online after an offline refresh: try again, so the note's promise holds.
    Effect::new(move |_| {
        let online = ctx.status.with(|s| s.online == Some(true));
        if online && stale.with_untracked(|s| *s == Some(Staleness::Offline)) {
            refresh();
        }
    });

    let today = move || {
        ctx.view
            .with(|v| v.as_ref().map(|v| v.date.clone()))
            .unwrap_or_else(device_today)
    };

    view! {
        <section class="screen tickets" data-test="tickets">
            <header class="screen-head">
                <h1>{tr(lang, Msg::TicketsTitle)}</h1>
                <p class="hint">{tr(lang, Msg::TicketsHint)}</p>
            </header>
            {move || stale.get().map(|s| {
                let lang = lang.get();
                let text = match s {
                    Staleness::Offline => t(lang, Msg::WalletOffline).to_owned(),
                    Staleness::Failed(why) => format!("{} {why}", t(lang, Msg::WalletNotRefreshed)),
                };
                view! { <p class="demo wallet-note" role="status" data-test="wallet-offline">{text}</p> }
            })}
            {move || {
                let lang = lang.get();
                match passes.get() {
                    None => view! { <p class="loading">{t(lang, Msg::Loading)}</p> }.into_any(),
                    Some(list) if list.is_empty() => view! {
                        <div class="empty" data-test="no-tickets">
                            <p>{t(lang, Msg::NoTickets)}</p>
                            <button class="primary" data-test="tickets-book" on:click=move |_| ctx.open(Tab::Book)>
                                {t(lang, Msg::GoBook)}
                            </button>
                        </div>
                    }
                    .into_any(),
                    Some(list) => by_day(list, &today())
                        .into_iter()
                        .map(|(msg, group, day)| view! {
                            <section class="block day" data-test="pass-group" data-group=group>
                                <h2>{t(lang, msg)}</h2>
                                <div class="cards">
                                    {day.into_iter().map(|p| pass_card(ctx, lang, p)).collect_view()}
                                </div>
                            </section>
                        })
                        .collect_view()
                        .into_any(),
                }
            }}
            {move || open.get().map(|pass| view! { <PassSheet pass=pass /> })}
        </section>
    }
}

/// Today's passes, then upcoming ones (soonest first), then past ones (latest first);
/// within a day by slot.
fn by_day(mut passes: Vec<WalletPass>, today: &str) -> Vec<(Msg, &'static str, Vec<WalletPass>)> {
    passes.sort_by(|a, b| (&a.date, a.slot, &a.product_id).cmp(&(&b.date, b.slot, &b.product_id)));
    let (mut past, rest): (Vec<_>, Vec<_>) =
        passes.into_iter().partition(|p| p.date.as_str() < today);
    let (now, upcoming): (Vec<_>, Vec<_>) = rest.into_iter().partition(|p| p.date == today);
    past.reverse();
    [
        (Msg::Today, "today", now),
        (Msg::Upcoming, "upcoming", upcoming),
        (Msg::Past, "past", past),
    ]
    .into_iter()
    .filter(|(_, _, day)| !day.is_empty())
    .collect()
}

/// The state as the API spells it (`valid`, `revoked`, `used`), for tests and CSS.
fn state_key(state: PassState) -> &'static str {
    match state {
        PassState::Valid => "valid",
        PassState::Revoked => "revoked",
        PassState::Used => "used",
    }
}

fn when(p: &WalletPass) -> String {
    match p.slot {
        Some((start, end)) => format!("{} · {}", p.date, i18n::hours(start, end)),
        None => p.date.clone(),
    }
}

/// The gates that admit the pass, by name.
fn gate_names(lang: Lang, p: &WalletPass) -> String {
    let names: Vec<String> = p.gates.iter().map(|g| g.get(lang).to_owned()).collect();
    if names.is_empty() {
        t(lang, Msg::AnyGate).to_owned()
    } else {
        i18n::list(lang, &names)
    }
}

fn gates_line(lang: Lang, p: &WalletPass) -> String {
    let colon = match lang {
        Lang::Zh => "：",
        Lang::En => ": ",
    };
    format!("{}{colon}{}", t(lang, Msg::Gates), gate_names(lang, p))
}

fn state_badge(lang: Lang, state: PassState) -> impl IntoView {
    view! {
        <span class="state" data-test="pass-state" data-state=state_key(state)>{i18n::pass_state(lang, state)}</span>
    }
}

fn pass_card(ctx: Ctx, lang: Lang, p: WalletPass) -> impl IntoView {
    let void = p.state == PassState::Revoked;
    let id = p.pass_id.clone();
    view! {
        <button
            class="card wallet-pass"
            class:void=void
            data-test="wallet-pass"
            data-pass=p.pass_id.clone()
            data-product=p.product_id.clone()
            data-state=state_key(p.state)
            on:click=move |_| ctx.show_pass(&id)
        >
            <header>
                <h3>{p.name.get(lang).to_owned()}</h3>
                {state_badge(lang, p.state)}
            </header>
            <p class="route" data-test="pass-when">{when(&p)}</p>
            {p.holder.clone().map(|h| view! {
                <p data-test="pass-holder">{format!("{} {h}", t(lang, Msg::Holder))}</p>
            })}
            <p class="gates" data-test="pass-gates">{gates_line(lang, &p)}</p>
        </button>
    }
}

/// One pass full screen: the QR code big on white, with what the gate staff want to read.
/// A void pass shows no code at all, so it cannot be mistaken for a good one.
#[component]
fn PassSheet(pass: WalletPass) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let qr = RwSignal::new(None::<String>);
    let wake = StoredValue::new_local(None::<JsValue>);
    if pass.state != PassState::Revoked {
        let id = pass.pass_id.clone();
        spawn_local(async move {
            match ipc::pass_qr(&id).await {
                Ok(shown) => qr.set(Some(shown.qr_png)),
                Err(e) => ctx.fail(&e),
            }
        });
        spawn_local(async move {
            // Closed before the lock came: let it go at once.
            if let Some(Some(lock)) = wake.try_set_value(keep_screen_on().await) {
                release(&lock);
            }
        });
    }
    // Closed by its button or by Back: the screen may sleep again.
    on_cleanup(move || {
        if let Some(Some(lock)) = wake.try_get_value() {
            release(&lock);
        }
    });
    let close = move |_| ctx.close_to(Tab::Tickets);
    let state = pass.state;
    let p = pass;
    view! {
        <div class="pass-sheet" role="dialog" aria-modal="true" data-test="pass-sheet" data-state=state_key(state)>
            <div class="sheet-bar">
                <button class="close" data-test="pass-close" aria-label=tr(lang, Msg::Close) on:click=close>
                    "×"
                </button>
            </div>
            {move || {
                let lang = lang.get();
                let p = p.clone();
                view! {
                    <h1 class="sheet-title" data-test="sheet-name">{p.name.get(lang).to_owned()}</h1>
                    {match p.state {
                        PassState::Revoked => view! {
                            <div class="void-stamp" data-test="pass-void">
                                <strong>{t(lang, Msg::PassVoid)}</strong>
                                <p>{t(lang, Msg::VoidExplain)}</p>
                            </div>
                        }
                        .into_any(),
                        state => view! {
                            <div class="qr-frame">
                                {move || match qr.get() {
                                    Some(src) => view! {
                                        <img class="qr" data-test="pass-qr" src=src alt=t(lang, Msg::ShowAtGate) />
                                    }
                                    .into_any(),
                                    None => view! { <div class="qr qr-wait">{t(lang, Msg::Loading)}</div> }.into_any(),
                                }}
                            </div>
                            {(state == PassState::Used).then(|| view! {
                                <p class="used-note" data-test="pass-used">{t(lang, Msg::UsedExplain)}</p>
                            })}
                            <p class="show-hint">{t(lang, Msg::ShowAtGate)}</p>
                        }
                        .into_any(),
                    }}
                    <dl class="sheet-facts">
                        <div><dt>{t(lang, Msg::VisitDate)}</dt><dd data-test="sheet-when">{when(&p)}</dd></div>
                        {p.holder.clone().map(|h| view! {
                            <div><dt>{t(lang, Msg::Holder)}</dt><dd data-test="sheet-holder">{h}</dd></div>
                        })}
                        <div><dt>{t(lang, Msg::Gates)}</dt><dd data-test="sheet-gates">{gate_names(lang, &p)}</dd></div>
                    </dl>
                    <p class="sheet-order">{i18n::order_no(lang, p.order_id)}</p>
                    <HelpButton about=HelpAbout {
                        item: p.pass_id.clone(),
                        trip_id: Some(format!("{}-{}", p.region_id, p.order_id)),
                        label: p.name.get(lang).to_owned(),
                        category: tongyou_core::api::CaseCategory::GateRefused,
                    } />
                }
            }}
        </div>
    }
}

/// Asks the system to keep the screen on while a pass is shown, where it can (a Screen
/// Wake Lock); without one the pass still shows, the screen may just dim.
async fn keep_screen_on() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    let lock = js_sys::Reflect::get(&navigator, &"wakeLock".into()).ok()?;
    let request: js_sys::Function = js_sys::Reflect::get(&lock, &"request".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = request
        .call1(&lock, &"screen".into())
        .ok()?
        .dyn_into()
        .ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()
}

fn release(lock: &JsValue) {
    if let Some(release) = js_sys::Reflect::get(lock, &"release".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = release.call0(lock);
    }
}

/// The device's local date, when no region view says what today is there.
fn device_today() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}
