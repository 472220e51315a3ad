//! The app frame: language, the online/offline badge, navigation between the screens
//! (a bottom bar on a phone, a tab row on a desktop), the signed-in session, the gate
//! station when the device is one, and the sync loop that keeps the local data fresh
//! while the screen always renders from the device.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::Router;
use leptos_router::hooks::{use_location, use_navigate};
use tongyou_core::api::{Lang, SyncStatus};

use crate::account::MeScreen;
use crate::book::{BookForm, BookScreen};
use crate::ctx::{Ctx, Navigate, Place, Tab, plan_request_of, sync_once};
use crate::discover::DiscoverScreen;
use crate::gate::GateScreen;
use crate::guide::GuideScreen;
use crate::help::{ChatScreen, Help, HelpButton, HelpScreen, HelpSheet};
use crate::i18n::{Msg, t, tr};
use crate::ipc;
use crate::orders::OrdersScreen;
use crate::plan::{PlanForm, PlanScreen};
use crate::tickets::TicketsScreen;
use crate::trip::TripScreen;

/// How often the app retries the platform (and refreshes time-dependent cards).
const SYNC_EVERY_MS: u32 = 15_000;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Frame />
        </Router>
    }
}

/// Everything inside the router: the URL says which screen, order and pass are open, so
/// Back works and a link opens the right place.
#[component]
fn Frame() -> impl IntoView {
    // The URL is the one source of what is open; these follow it, and change only when
    // their part does (a new pass on the same tab does not rebuild the tab).
    let location = use_location();
    let place = Memo::new(move |_| Place::of(&location.pathname.get()));
    let navigate = use_navigate();
    let navigate: Navigate = Rc::new(move |path: &str, replace: bool| {
        navigate(
            path,
            NavigateOptions {
                replace,
                ..NavigateOptions::default()
            },
        );
    });
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
        tab: Memo::new(move |_| place.with(|p| p.tab)),
        session: RwSignal::new(None),
        open_order: Memo::new(move |_| place.with(|p| p.order)),
        open_pass: Memo::new(move |_| place.with(|p| p.pass.clone())),
        open_plan: Memo::new(move |_| place.with(|p| p.plan)),
        open_item: Memo::new(move |_| place.with(|p| p.item.clone())),
        open_poi: Memo::new(move |_| place.with(|p| p.poi.clone())),
        guide_progress: RwSignal::new(None),
        orders_changed: RwSignal::new(0),
        reminder: RwSignal::new(None),
        plan_request: Memo::new(move |_| plan_request_of(&location.search.get())),
        plan_tab_at: StoredValue::new(Tab::Plan.path().to_owned()),
        station: RwSignal::new(None),
        navigate: StoredValue::new_local(navigate),
    };
    provide_context(ctx);
    Effect::new(move |_| {
        if ctx.tab.get() == Tab::Plan {
            let (path, query) = (location.pathname.get(), location.search.get());
            let at = if query.is_empty() {
                path
            } else {
                format!("{path}?{query}")
            };
            ctx.plan_tab_at.set_value(at);
        }
    });
    let help = Help::new();
    provide_context(help);
    let open_case = Memo::new(move |_| place.with(|p| p.case));
    // Created once, so nothing typed on the Book screen is lost when moving around.
    provide_context(BookForm::new());
    // Likewise the Plan screen's form and plans, kept while the tourist goes to sign in.
    provide_context(PlanForm::new());

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
        // One call to the device first: the first screen waits for nothing else.
        match ipc::startup().await {
            Ok(s) => {
                ctx.lang.set(s.lang);
                ctx.session.set(s.session);
                ctx.status.set(s.status);
                if let Some(station) = s.station {
                    // A device signed in as a gate opens on the gate: that is what it is for.
                    ctx.station.set(Some(station));
                    ctx.open(Tab::Gate);
                } else if s.trip_under_way && location.pathname.with_untracked(|p| p == "/") {
                    // While a trip is under way, the app opens on its timeline.
                    ctx.close_to(Tab::Trip);
                }
                ctx.view.set(s.discover);
            }
            Err(e) => ctx.error.set(Some(e.message)),
        }
        ctx.booting.set(false);
        // The shell says when the orders changed (a live event, a refresh): the trip is
        // read again wherever it shows.
        spawn_local(ipc::listen("orders-changed", move |()| {
            ctx.orders_changed.update(|n| *n += 1);
        }));
        // A case changed (an agent wrote): the open chat and the unread count read again.
        spawn_local(ipc::listen("cases-changed", move |()| {
            help.changed.update(|n| *n += 1);
            help.reload();
        }));
        if ctx.session.with_untracked(Option::is_some) {
            help.reload();
        }
        // How far a guide pack's download has come, for whichever screen shows it.
        spawn_local(ipc::listen(
            "guide-progress",
            move |progress: (u64, u64)| {
                ctx.guide_progress.set(Some(progress));
            },
        ));
        // Listening first, then telling the shell: a reminder due at start has a banner.
        ipc::listen("reminder", move |reminder| {
            ctx.reminder.set(Some(reminder));
        })
        .await;
        let _ = ipc::listening_for_reminders().await;
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
                    <span class="brand-name">{tr(lang, Msg::AppName)}</span>
                </div>
                <NetBadge />
                <HelpButton />
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
            <ReminderBanner />
            <NavBar />
            <main data-tab=move || format!("{:?}", ctx.tab.get()).to_lowercase()>
                {move || match ctx.tab.get() {
                    Tab::Discover => view! { <DiscoverScreen /> }.into_any(),
                    Tab::Trip => view! { <TripScreen /> }.into_any(),
                    Tab::Plan => view! { <PlanScreen /> }.into_any(),
                    Tab::Book => view! { <BookScreen /> }.into_any(),
                    Tab::Tickets => view! { <TicketsScreen /> }.into_any(),
                    Tab::Orders => view! { <OrdersScreen /> }.into_any(),
                    Tab::Me => view! { <MeScreen /> }.into_any(),
                    Tab::Gate => view! { <GateScreen /> }.into_any(),
                    Tab::Guide => view! { <GuideScreen /> }.into_any(),
                    Tab::Help => match open_case.get() {
                        Some(id) => view! { <ChatScreen id=id /> }.into_any(),
                        None => view! { <HelpScreen /> }.into_any(),
                    },
                }}
            </main>
            {move || help.sheet.get().map(|about| view! { <HelpSheet about=about /> })}
        </div>
    }
}

/// The trip's reminder, in the app: shown whether or not the system showed a notification
/// (a desktop may have no notification service). A tap opens its item on the timeline.
#[component]
fn ReminderBanner() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let reminder = ctx.reminder.get()?;
        let lang = ctx.lang.get();
        let item = reminder.item_id.clone();
        let open = move |_| {
            ctx.reminder.set(None);
            match &item {
                Some(id) => ctx.show_item(id),
                None => ctx.open(Tab::Trip),
            }
        };
        Some(view! {
            <div
                class="toast reminder"
                role="status"
                data-test="reminder-banner"
                data-id=reminder.id.clone()
                data-item=reminder.item_id.clone()
            >
                <button class="link" on:click=open>
                    <strong>{reminder.title.get(lang).to_owned()}</strong>
                    " "
                    <span>{reminder.body.get(lang).to_owned()}</span>
                </button>
                <button aria-label=t(lang, Msg::Dismiss) on:click=move |_| ctx.reminder.set(None)>"×"</button>
            </div>
        })
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

/// Discover / Plan / Book / Tickets / Orders / Me: a bottom bar within thumb reach on a phone, a tab row
/// under the header on a desktop (the same element, placed by CSS).
#[component]
fn NavBar() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let item = move |tab: Tab, msg: Msg, test: &'static str| {
        view! {
            <button
                data-test=test
                class:active=move || ctx.tab.get() == tab
                aria-current=move || (ctx.tab.get() == tab).then_some("page")
                on:click=move |_| ctx.open_tab(tab)
            >
                {move || t(ctx.lang.get(), msg)}
            </button>
        }
    };
    view! {
        <nav class="tabs" data-test="nav">
            {item(Tab::Discover, Msg::NavDiscover, "nav-discover")}
            {item(Tab::Trip, Msg::NavTrip, "nav-trip")}
            {item(Tab::Plan, Msg::NavPlan, "nav-plan")}
            {item(Tab::Book, Msg::NavBook, "nav-book")}
            {item(Tab::Tickets, Msg::NavTickets, "nav-tickets")}
            {item(Tab::Orders, Msg::NavOrders, "nav-orders")}
            {item(Tab::Me, Msg::NavMe, "nav-me")}
        </nav>
    }
}
