//! The app frame: language, the online/offline badge, and the sync loop that keeps the
//! local data fresh while the screen always renders from the device.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{DiscoverView, Lang, SyncStatus};

use crate::discover::DiscoverScreen;
use crate::i18n::{Msg, t};
use crate::ipc;

/// How often the app retries the platform (and refreshes time-dependent cards).
const SYNC_EVERY_MS: u32 = 15_000;

#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub status: RwSignal<SyncStatus>,
    pub view: RwSignal<Option<DiscoverView>>,
    pub booting: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx {
        lang: RwSignal::new(Lang::Zh),
        status: RwSignal::new(SyncStatus {
            online: None,
            regions: vec![],
            synced_at: None,
            last_error: None,
        }),
        view: RwSignal::new(None),
        booting: RwSignal::new(true),
        error: RwSignal::new(None),
    };
    provide_context(ctx);

    // Keep <html lang> right for fonts and screen readers.
    Effect::new(move |_| {
        let tag = ctx.lang.get().tag();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", tag);
        }
    });

    spawn_local(async move {
        match ipc::startup().await {
            Ok(s) => {
                ctx.lang.set(s.lang);
                ctx.view.set(s.discover);
                ctx.status.set(s.status);
            }
            Err(e) => ctx.error.set(Some(e.message)),
        }
        ctx.booting.set(false);
        loop {
            sync_once(ctx).await;
            gloo_timers::future::TimeoutFuture::new(SYNC_EVERY_MS).await;
        }
    });

    let lang = ctx.lang;
    view! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <span class="logo">"通"</span>
                    <span class="brand-name">{move || t(lang.get(), Msg::AppName)}</span>
                </div>
                <NetBadge />
                <LangSwitch />
            </header>
            {move || {
                ctx.error
                    .get()
                    .map(|message| {
                        let lang = lang.get();
                        view! {
                            <div class="toast" role="alert" data-test="error">
                                <span>{format!("{} {message}", t(lang, Msg::ErrorPrefix))}</span>
                                <button
                                    aria-label=t(lang, Msg::Dismiss)
                                    on:click=move |_| ctx.error.set(None)
                                >
                                    "×"
                                </button>
                            </div>
                        }
                    })
            }}
            <main>
                <DiscoverScreen />
            </main>
        </div>
    }
}

pub async fn sync_once(ctx: Ctx) {
    match ipc::sync_catalog().await {
        Ok(status) => {
            ctx.status.set(status);
            // Re-read from the device: new data, or at least fresher departure times.
            let region = ctx
                .view
                .with_untracked(|v| v.as_ref().map(|v| v.region_id.clone()));
            if let Ok(view) = ipc::discover(region.as_deref()).await {
                ctx.view.set(view);
            }
        }
        Err(e) => ctx.error.set(Some(e.message)),
    }
}

#[component]
fn NetBadge() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = move || match ctx.status.with(|s| s.online) {
        None => "connecting",
        Some(true) => "online",
        Some(false) => "offline",
    };
    let label = move || {
        let lang = ctx.lang.get();
        match state() {
            "online" => t(lang, Msg::Online),
            "offline" => t(lang, Msg::Offline),
            _ => t(lang, Msg::Connecting),
        }
    };
    let title = move || {
        ctx.status
            .with(|s| s.last_error.clone().unwrap_or_default())
    };
    view! {
        <span class="net-badge" data-test="net-badge" data-state=state title=title>
            <span class="dot"></span>
            {label}
        </span>
    }
}

#[component]
fn LangSwitch() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let choose = move |lang: Lang| {
        ctx.lang.set(lang);
        spawn_local(async move {
            if let Err(e) = ipc::set_language(lang).await {
                ctx.error.set(Some(e.message));
            }
        });
    };
    let button = move |lang: Lang, label: &'static str, test: &'static str| {
        view! {
            <button
                data-test=test
                class:active=move || ctx.lang.get() == lang
                aria-pressed=move || (ctx.lang.get() == lang).to_string()
                on:click=move |_| choose(lang)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=move || t(ctx.lang.get(), Msg::Language)>
            {button(Lang::Zh, "中文", "lang-zh")}
            {button(Lang::En, "EN", "lang-en")}
        </div>
    }
}
