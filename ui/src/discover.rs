//! The Discover screen: a region's sights, cable cars, hotels and shuttles, from the
//! device's copy of the catalog.

use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use tongyou_core::api::{DiscoverView, HotelCard, Lang, LiftCard, ShuttleCard, SightCard};

use crate::ctx::{Ctx, Tab, sync_once};
use crate::i18n::{self, Msg, t};
use crate::ipc;
use crate::time::{self, short_time};

#[component]
pub fn DiscoverScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    Effect::new(move |_| {
        if ctx.view.with(Option::is_some) {
            report_first_drawn();
        }
    });
    move || {
        let lang = ctx.lang.get();
        match ctx.view.get() {
            Some(view) => region_view(lang, view).into_any(),
            None if ctx.booting.get() => {
                view! { <p class="loading">{t(lang, Msg::Loading)}</p> }.into_any()
            }
            None => empty_view(ctx, lang).into_any(),
        }
    }
}

/// Once per run, after the frame that shows the first data has been painted (the second
/// animation frame after it was rendered), tells the shell: `cargo xtask bench app`
/// measures the cold start up to here.
fn report_first_drawn() {
    static REPORTED: AtomicBool = AtomicBool::new(false);
    if REPORTED.swap(true, Ordering::Relaxed) {
        return;
    }
    request_animation_frame(|| {
        request_animation_frame(|| {
            let (started, drawn) = (time::started_ms(), time::page_ms());
            leptos::task::spawn_local(async move {
                let _ = ipc::first_screen_drawn(started, drawn).await;
            });
        });
    });
}

fn empty_view(ctx: Ctx, lang: Lang) -> impl IntoView {
    let retrying = RwSignal::new(false);
    let retry = move |_| {
        retrying.set(true);
        leptos::task::spawn_local(async move {
            sync_once(ctx).await;
            retrying.set(false);
        });
    };
    view! {
        <section class="empty" data-test="no-data">
            <h2>{t(lang, Msg::NoDataTitle)}</h2>
            <p>{t(lang, Msg::NoDataBody)}</p>
            <button class="primary" on:click=retry disabled=move || retrying.get()>{t(lang, Msg::Retry)}</button>
        </section>
    }
}

fn region_view(lang: Lang, v: DiscoverView) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let synced = move || {
        ctx.status.with(|s| match &s.synced_at {
            Some(at) => format!("{} {}", t(lang, Msg::SyncedAt), short_time(at)),
            None => t(lang, Msg::NeverSynced).to_owned(),
        })
    };
    view! {
        <section class="region" data-test="region" data-region=v.region_id.clone()>
            <div class="hero">
                <h1 data-test="region-name">{v.name.get(lang).to_owned()}</h1>
                <p class="summary">{v.summary.get(lang).to_owned()}</p>
                <p class="facts">
                    <span>{v.date.clone()}</span>
                    <span>{v.season.get(lang).to_owned()}</span>
                    <span>{format!("{} {}", t(lang, Msg::EntryTicket), v.entry_price.display_yuan())}</span>
                    <span class="synced">{synced}</span>
                </p>
                {v.demo.then(|| view! { <p class="demo" data-test="demo-banner">{t(lang, Msg::DemoData)}</p> })}
                <button class="guide-entry" data-test="open-guide" on:click=move |_| ctx.open(Tab::Guide)>
                    <strong>{format!("{} ›", t(lang, Msg::GuideOpen))}</strong>
                    <small>{t(lang, Msg::GuideOpenHint)}</small>
                </button>
            </div>
            <nav class="jump">
                <a href="#sights">{t(lang, Msg::Sights)}</a>
                <a href="#lifts">{t(lang, Msg::Lifts)}</a>
                <a href="#hotels">{t(lang, Msg::Hotels)}</a>
                <a href="#shuttles">{t(lang, Msg::Shuttles)}</a>
            </nav>
            <Section id="sights" title=t(lang, Msg::Sights) count=v.sights.len()>
                {v.sights.into_iter().map(|s| sight_card(lang, s)).collect_view()}
            </Section>
            <Section id="lifts" title=t(lang, Msg::Lifts) count=v.lifts.len()>
                {v.lifts.into_iter().map(|l| lift_card(lang, l)).collect_view()}
            </Section>
            <Section id="hotels" title=t(lang, Msg::Hotels) count=v.hotels.len()>
                {v.hotels.into_iter().map(|h| hotel_card(lang, h)).collect_view()}
            </Section>
            <Section id="shuttles" title=t(lang, Msg::Shuttles) count=v.shuttles.len()>
                {v.shuttles.into_iter().map(|s| shuttle_card(lang, s)).collect_view()}
            </Section>
        </section>
    }
}

#[component]
fn Section(
    id: &'static str,
    title: &'static str,
    count: usize,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="list" id=id data-test=format!("{id}-list")>
            <h2>{title}<span class="count">{count}</span></h2>
            <div class="cards">{children()}</div>
        </section>
    }
}

fn sight_card(lang: Lang, s: SightCard) -> impl IntoView {
    let hours = match s.hours {
        Some((open, close)) => i18n::hours(open, close),
        None => t(lang, Msg::AlwaysOpen).to_owned(),
    };
    let tags: Vec<&'static str> = s
        .tags
        .iter()
        .filter_map(|tag| i18n::tag(lang, tag))
        .collect();
    view! {
        <article class="card sight" data-test="sight" data-id=s.id>
            <header>
                <h3>{s.name.get(lang).to_owned()}</h3>
                <span class="kind">{i18n::sight_kind(lang, s.kind)}</span>
            </header>
            <ul class="meta">
                <li data-test="elevation">{i18n::elevation(lang, s.elevation_m)}</li>
                <li>{hours}</li>
                <li>{i18n::visit(lang, s.visit_minutes)}</li>
            </ul>
            <p>{s.summary.get(lang).to_owned()}</p>
            <div class="tags">{tags.into_iter().map(|tag| view! { <span class="tag">{tag}</span> }).collect_view()}</div>
        </article>
    }
}

fn lift_card(lang: Lang, l: LiftCard) -> impl IntoView {
    view! {
        <article class="card lift" data-test="lift" data-id=l.id>
            <header>
                <h3>{l.name.get(lang).to_owned()}</h3>
                <span class="kind">{i18n::lift_kind(lang, l.kind)}</span>
            </header>
            <p class="route">{format!("{} → {}", l.from.get(lang), l.to.get(lang))}</p>
            <ul class="meta">
                <li>{i18n::climb(lang, l.climb_m)}</li>
                <li>{i18n::minutes(lang, l.ride_minutes)}</li>
                <li>{format!("{} {}", t(lang, Msg::TodayHours), i18n::hours(l.hours.0, l.hours.1))}</li>
            </ul>
            <p class="price">{l.price.display_yuan()}<small>{format!(" {}", t(lang, Msg::OneWay))}</small></p>
        </article>
    }
}

fn hotel_card(lang: Lang, h: HotelCard) -> impl IntoView {
    view! {
        <article class="card hotel" data-test="hotel" data-id=h.id>
            <header>
                <h3>{h.name.get(lang).to_owned()}</h3>
                <span class="kind">{i18n::area(lang, h.area)}</span>
            </header>
            <ul class="meta">
                <li class="stars" aria-label=format!("{} ★", h.grade)>{i18n::grade(h.grade)}</li>
                <li>{i18n::elevation(lang, h.elevation_m)}</li>
                <li>{format!("{} {}", h.room_types, t(lang, Msg::RoomTypes))}</li>
            </ul>
            <p class="price" data-test="lowest-price">{i18n::price_from(lang, h.lowest_price)}</p>
        </article>
    }
}

fn shuttle_card(lang: Lang, s: ShuttleCard) -> impl IntoView {
    let next = if s.next_departures.is_empty() {
        format!(
            "{} · {} {}",
            t(lang, Msg::NoMoreToday),
            t(lang, Msg::FirstTomorrow),
            s.first_departure
        )
    } else {
        let times: Vec<String> = s.next_departures.iter().map(ToString::to_string).collect();
        format!("{} {}", t(lang, Msg::NextDepartures), times.join(" · "))
    };
    view! {
        <article class="card shuttle" data-test="shuttle" data-id=s.id>
            <header>
                <h3>{s.name.get(lang).to_owned()}</h3>
            </header>
            <p class="route">{format!("{} → {}", s.from.get(lang), s.to.get(lang))}</p>
            <ul class="meta">
                <li>{i18n::minutes(lang, s.ride_minutes)}</li>
                <li>{s.price.display_yuan()}</li>
            </ul>
            <p class="departures" data-test="next-departures">{next}</p>
        </article>
    }
}
