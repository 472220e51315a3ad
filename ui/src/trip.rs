//! The Trip screen (行程): one timeline of everything booked for the trip under way or
//! next, in time order, each item with its sub-order's live state, the walk to the next
//! one, and its pass one tap away; a "now / next" card on top. The device builds it from
//! its own copies of the orders (`trip`), so it reads the same offline, with the time the
//! device last heard from the platform; the shell's `orders-changed` event (a live event
//! from the platform) makes it read again. On a desktop the timeline sits beside the
//! card and the open item's details.

use leptos::prelude::*;
use tongyou_core::api::{
    CalendarExport, CalendarFeedLink, ErrorCode, ItemKind, ItemStatus, Lang, NowNext, TimelineItem,
    TripPhase, TripSnapshot, TripView, WalkingLeg,
};

use crate::ctx::{Ctx, Tab};
use crate::disruption::{Disruptions, WayOuts};
use crate::help::{HelpAbout, HelpButton};
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;
use crate::time::short_time;

/// How often the card's "in N min" is brought up to date while the screen is open.
const TICK_MS: u64 = 30_000;

#[component]
pub fn TripScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    // Read again when the orders change, and every tick for the card's minutes.
    let tick = RwSignal::new(0u64);
    if let Ok(handle) = set_interval_with_handle(
        move || tick.update(|n| *n += 1),
        std::time::Duration::from_millis(TICK_MS),
    ) {
        on_cleanup(move || handle.clear());
    }
    let snapshot = LocalResource::new(move || {
        ctx.orders_changed.track();
        tick.track();
        ipc::trip()
    });
    let ways = WayOuts::new(ctx);
    Effect::new(move |_| {
        if let Some(Err(e)) = snapshot.get() {
            ctx.fail(&e);
        }
    });
    // Orders placed elsewhere (another device, the platform) come in with a refresh; the
    // device keeps them, and the trip is read again.
    if ctx.session.with_untracked(Option::is_some) {
        leptos::task::spawn_local(async move {
            if ipc::orders().await.is_ok() {
                ctx.orders_changed.update(|n| *n += 1);
            }
        });
    }
    // The open item, scrolled to once it is on the page.
    Effect::new(move |_| {
        if let Some(id) = ctx.open_item.get()
            && snapshot.with(|s| s.is_some())
        {
            request_animation_frame(move || scroll_to_item(&id));
        }
    });

    view! {
        <section class="screen trip" data-test="trip">
            <Transition fallback=move || view! { <p class="loading">{tr(lang, Msg::Loading)}</p> }>
                {move || {
                    let lang = lang.get();
                    match snapshot.get() {
                        Some(Ok(TripSnapshot { trip: Some(trip), heard_at })) => {
                            trip_view(ctx, lang, trip, heard_at, ways).into_any()
                        }
                        Some(Ok(_)) => no_trip(ctx, lang).into_any(),
                        _ => ().into_any(),
                    }
                }}
            </Transition>
        </section>
    }
}

fn no_trip(ctx: Ctx, lang: Lang) -> impl IntoView {
    view! {
        <header class="screen-head">
            <h1>{t(lang, Msg::TripTitle)}</h1>
        </header>
        <div class="empty" data-test="no-trip">
            <h2>{t(lang, Msg::NoTrip)}</h2>
            <p>{t(lang, Msg::NoTripHint)}</p>
            <button class="primary" on:click=move |_| ctx.open(Tab::Plan)>{t(lang, Msg::NavPlan)}</button>
        </div>
    }
}

fn trip_view(
    ctx: Ctx,
    lang: Lang,
    trip: TripView,
    heard_at: Option<String>,
    ways: WayOuts,
) -> impl IntoView {
    // Said while the platform cannot be reached: the timeline is the last one heard.
    let as_of = move || {
        let offline = ctx.status.with(|s| s.online == Some(false));
        let at = heard_at.as_deref().filter(|_| offline)?;
        let text = format!("{} {}", t(lang, Msg::AsOf), short_time(at));
        Some(view! { <p class="demo wallet-note" role="status" data-test="trip-as-of">{text}</p> })
    };
    let dates = if trip.first_day == trip.last_day {
        trip.first_day.clone()
    } else {
        format!("{} – {}", trip.first_day, trip.last_day)
    };
    let open = ctx.open_item.get_untracked();
    let detail = open
        .as_deref()
        .and_then(|id| trip.items.iter().find(|i| i.id == id))
        .cloned();
    let days = by_day(&trip.items);
    let legs = trip.legs.clone();
    view! {
        <header class="screen-head">
            <h1>{t(lang, Msg::TripTitle)}</h1>
            <p class="hint" data-test="trip-dates">{dates}</p>
        </header>
        {as_of}
        <div class="trip-grid">
            <aside class="trip-side">
                <Disruptions ways=ways />
                {trip.now_next.map(|n| now_next_card(ctx, lang, n))}
                {detail.map(|item| {
                    let about = HelpAbout {
                        item: item.id.clone(),
                        trip_id: Some(trip.trip_id.clone()),
                        label: item.title.get(lang).to_owned(),
                        category: help_category(&item.kind),
                    };
                    view! {
                        <section class="card item-detail" data-test="item-detail">
                            {item_body(ctx, lang, &item)}
                            <HelpButton about=about />
                        </section>
                    }
                })}
                <CalendarCard trip_id=trip.trip_id.clone() />
            </aside>
            <ol class="timeline" data-test="timeline">
                {days
                    .into_iter()
                    .map(|(day, items)| view! {
                        <li class="day">
                            <h2 class="day-head">{day}</h2>
                            <ol class="items">
                                {items
                                    .into_iter()
                                    .map(|item| {
                                        let leg = legs.iter().find(|l| l.from_item == item.id).cloned();
                                        let is_open = open.as_deref() == Some(item.id.as_str());
                                        item_row(ctx, lang, item, leg, is_open)
                                    })
                                    .collect_view()}
                            </ol>
                        </li>
                    })
                    .collect_view()}
            </ol>
        </div>
    }
}

/// The items grouped by their day (`YYYY-MM-DD`), in time order.
fn by_day(items: &[TimelineItem]) -> Vec<(String, Vec<TimelineItem>)> {
    let mut days: Vec<(String, Vec<TimelineItem>)> = Vec::new();
    for item in items {
        let day = item.start.date().to_string();
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(item.clone()),
            _ => days.push((day, vec![item.clone()])),
        }
    }
    days
}

fn now_next_card(ctx: Ctx, lang: Lang, n: NowNext) -> impl IntoView {
    let phase = match n.phase {
        TripPhase::Empty => "empty",
        TripPhase::NotStarted => "not_started",
        TripPhase::UnderWay => "under_way",
        TripPhase::Over => "over",
    };
    let headline = match n.phase {
        TripPhase::Over => Some(t(lang, Msg::TripOver)),
        TripPhase::Empty => Some(t(lang, Msg::TripEmptyNow)),
        TripPhase::NotStarted if n.next.is_none() => Some(t(lang, Msg::TripNotStarted)),
        _ => None,
    };
    view! {
        <section class="card now-next" data-test="now-next" data-phase=phase>
            {headline.map(|h| view! { <p class="phase">{h}</p> })}
            {n.now.map(|item| view! {
                <div class="now" data-test="now-item" data-id=item.id.clone()>
                    <span class="label">{t(lang, Msg::NowLabel)}</span>
                    <strong>{item.title.get(lang).to_owned()}</strong>
                    <small>{item.place.get(lang).to_owned()}</small>
                </div>
            })}
            {n.next.map(|item| {
                let when = n.next_in_minutes.map(|m| i18n::in_minutes(lang, m));
                let bring = item.what_to_bring.iter().map(|b| b.get(lang).to_owned()).collect::<Vec<_>>();
                let pass = item.passes.first().cloned();
                view! {
                    <div class="next" data-test="next-item" data-id=item.id.clone()>
                        <span class="label">{t(lang, Msg::NextLabel)}</span>
                        <strong>{item.title.get(lang).to_owned()}</strong>
                        <span class="when" data-test="next-in">
                            {format!("{} · {}", clock(&item), when.unwrap_or_default())}
                        </span>
                        <small>{item.place.get(lang).to_owned()}</small>
                        {n.walk_to_next.map(|w| view! {
                            <small class="walk">{i18n::walk_leg(lang, w.walk_m, w.climb_m, w.minutes)}</small>
                        })}
                        {(!bring.is_empty()).then(|| view! {
                            <p class="bring" data-test="next-bring">
                                {i18n::labelled(lang, t(lang, Msg::Bring), &i18n::list(lang, &bring))}
                            </p>
                        })}
                        {pass.map(|id| view! {
                            <button class="primary" data-test="next-pass" on:click=move |_| ctx.show_pass(&id)>
                                {t(lang, Msg::ShowPass)}
                            </button>
                        })}
                    </div>
                }
            })}
        </section>
    }
}

fn item_row(
    ctx: Ctx,
    lang: Lang,
    item: TimelineItem,
    leg: Option<WalkingLeg>,
    open: bool,
) -> impl IntoView {
    let id = item.id.clone();
    let status = status_key(item.status);
    let kind = item.kind.key();
    let off = !item.status.is_on();
    view! {
        <li
            class="item card"
            class:open=open
            class:off=off
            id=format!("item-{}", item.id)
            data-test="trip-item"
            data-id=item.id.clone()
            data-kind=kind
            data-status=status
        >
            <button class="item-head" on:click=move |_| ctx.show_item(&id)>
                <span class="time">{clock(&item)}</span>
                <span class="kind">{kind_label(lang, &item.kind)}</span>
                <strong class="title">{item.title.get(lang).to_owned()}</strong>
                <span class="state" data-test="item-status" data-state=status>
                    {i18n::item_status(lang, item.status)}
                </span>
            </button>
            {item_body(ctx, lang, &item)}
        </li>
        {leg.map(|w| view! {
            <li class="leg" data-test="walk-leg">{i18n::walk_leg(lang, w.walk_m, w.climb_m, w.minutes)}</li>
        })}
    }
}

/// What an item says beyond its head: where, what is special about its kind, the note,
/// and its passes.
fn item_body(ctx: Ctx, lang: Lang, item: &TimelineItem) -> impl IntoView + use<> {
    let place = item.place.get(lang).to_owned();
    let details: Vec<String> = match &item.kind {
        ItemKind::Entry { gates, .. } => vec![i18n::list(
            lang,
            &gates
                .iter()
                .map(|g| g.name.get(lang).to_owned())
                .collect::<Vec<_>>(),
        )],
        ItemKind::Ride { lower, upper, .. } => {
            vec![format!("{} → {}", lower.get(lang), upper.get(lang))]
        }
        ItemKind::Shuttle {
            boarding,
            destination,
            vehicle,
            ..
        } => {
            let mut lines = vec![format!(
                "{} → {}",
                boarding.get(lang),
                destination.get(lang)
            )];
            lines.push(match vehicle {
                Some(v) => format!(
                    "{} {} · {} {} · {}",
                    t(lang, Msg::Plate),
                    v.plate,
                    t(lang, Msg::Driver),
                    v.driver,
                    v.driver_phone
                ),
                None => t(lang, Msg::NotAssigned).to_owned(),
            });
            lines
        }
        ItemKind::HotelCheckIn { address, .. } | ItemKind::HotelCheckOut { address, .. } => {
            vec![address.get(lang).to_owned()]
        }
        ItemKind::Rental { .. } | ItemKind::Visit { .. } => vec![],
    };
    // A sight the tourist added from the guide comes off as simply.
    let visit = match &item.kind {
        ItemKind::Visit { sight_id } => Some((sight_id.clone(), item.start.date().to_string())),
        _ => None,
    };
    let removing = RwSignal::new(false);
    let vehicle = matches!(
        &item.kind,
        ItemKind::Shuttle {
            vehicle: Some(_),
            ..
        }
    );
    let note = item.note.as_ref().map(|n| n.get(lang).to_owned());
    let passes = item.passes.clone();
    let in_guide = item.guide_place.clone();
    view! {
        <div class="item-body" data-vehicle=vehicle.then_some("assigned")>
            <p class="place">{place}</p>
            {details
                .into_iter()
                .map(|d| view! { <p class="detail" data-test="item-detail-line">{d}</p> })
                .collect_view()}
            {note.map(|n| view! { <p class="note">{n}</p> })}
            {(!passes.is_empty()).then(|| {
                let first = passes[0].clone();
                view! {
                    <button class="secondary" data-test="item-pass" on:click=move |_| ctx.show_pass(&first)>
                        {t(lang, Msg::ShowPass)}
                    </button>
                }
            })}
            {in_guide.map(|poi| view! {
                <button class="link" data-test="item-guide" data-poi=poi.clone() on:click=move |_| ctx.show_poi(&poi)>
                    {format!("{} ›", t(lang, Msg::OpenInGuide))}
                </button>
            })}
            {visit.map(|(sight, day)| view! {
                <button
                    class="link danger"
                    data-test="item-remove-visit"
                    disabled=move || removing.get()
                    on:click=move |_| {
                        let (sight, day) = (sight.clone(), day.clone());
                        removing.set(true);
                        leptos::task::spawn_local(async move {
                            match ipc::remove_visit(&sight, &day).await {
                                Ok(_) => ctx.orders_changed.update(|n| *n += 1),
                                Err(e) => {
                                    removing.set(false);
                                    ctx.fail(&e);
                                }
                            }
                        });
                    }
                >
                    {t(lang, Msg::RemoveVisit)}
                </button>
            })}
        </div>
    }
}

/// `08:00–10:00`, `约 10:30` for an estimated time.
fn clock(item: &TimelineItem) -> String {
    let start = item.start.format("%H:%M").to_string();
    let span = match item.end {
        Some(end) if end.date() == item.start.date() => {
            format!("{start}–{}", end.format("%H:%M"))
        }
        _ => start,
    };
    if item.estimated {
        format!("~{span}")
    } else {
        span
    }
}

fn kind_label(lang: Lang, kind: &ItemKind) -> &'static str {
    t(
        lang,
        match kind {
            ItemKind::Entry { .. } => Msg::EntryLabel,
            ItemKind::Ride { .. } => Msg::RideLabel,
            ItemKind::Shuttle { .. } => Msg::ShuttleLabel,
            ItemKind::HotelCheckIn { .. } => Msg::CheckInLabel,
            ItemKind::HotelCheckOut { .. } => Msg::CheckOutLabel,
            ItemKind::Rental { .. } => Msg::RentalLabel,
            ItemKind::Visit { .. } => Msg::VisitLabel,
        },
    )
}

/// The status as the API spells it.
fn status_key(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Held => "held",
        ItemStatus::Confirmed => "confirmed",
        ItemStatus::Failed => "failed",
        ItemStatus::Adjusted => "adjusted",
        ItemStatus::Cancelled => "cancelled",
        ItemStatus::Used => "used",
        ItemStatus::Planned => "planned",
    }
}

/// The trip in the tourist's own calendar: an `.ics` file written on the device, and a
/// subscription link on the platform (shown once, stoppable).
#[component]
fn CalendarCard(trip_id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let trip_id = StoredValue::new(trip_id);
    let saved = RwSignal::new(None::<CalendarExport>);
    let link = RwSignal::new(None::<CalendarFeedLink>);
    let said = RwSignal::new(None::<Msg>);
    let error = RwSignal::new(None::<String>);
    let export = Action::new_local(move |_: &()| async move {
        error.set(None);
        match ipc::export_calendar(&trip_id.get_value()).await {
            Ok(file) => saved.set(Some(file)),
            Err(e) => ctx.fail_into(error, &e),
        }
    });
    let subscribe = Action::new_local(move |_: &()| async move {
        error.set(None);
        said.set(None);
        match ipc::open_calendar_feed(&trip_id.get_value()).await {
            Ok(feed) => link.set(Some(feed)),
            Err(e) => ctx.fail_into(error, &e),
        }
    });
    let end = Action::new_local(move |_: &()| async move {
        error.set(None);
        match ipc::end_calendar_feed(&trip_id.get_value()).await {
            Ok(()) => {
                link.set(None);
                said.set(Some(Msg::FeedEnded));
            }
            Err(e) if e.code == ErrorCode::NotFound => {
                link.set(None);
                said.set(Some(Msg::NoFeed));
            }
            Err(e) => ctx.fail_into(error, &e),
        }
    });
    view! {
        <section class="card calendar" data-test="calendar">
            <h2>{tr(lang, Msg::CalendarTitle)}</h2>
            <p class="hint">{tr(lang, Msg::CalendarHint)}</p>
            <div class="actions">
                <button
                    type="button"
                    class="secondary"
                    data-test="export-ics"
                    disabled=move || export.pending().get()
                    on:click=move |_| { export.dispatch_local(()); }
                >
                    {tr(lang, Msg::ExportIcs)}
                </button>
                <button
                    type="button"
                    class="secondary"
                    data-test="subscribe-feed"
                    disabled=move || subscribe.pending().get()
                    on:click=move |_| { subscribe.dispatch_local(()); }
                >
                    {tr(lang, Msg::SubscribeFeed)}
                </button>
            </div>
            {move || saved.get().map(|file| view! {
                <p class="saved" role="status" data-test="ics-saved" data-path=file.path.clone()>
                    {format!("{} · {} ({})", t(lang.get(), Msg::SavedTo), file.path, file.events)}
                </p>
            })}
            {move || link.get().map(|feed| view! {
                <div class="feed" data-test="feed">
                    <input type="text" readonly data-test="feed-url" prop:value=feed.url.clone()
                        aria-label=move || t(lang.get(), Msg::SubscribeFeed) />
                    <p class="hint">{tr(lang, Msg::FeedHint)}</p>
                </div>
            })}
            <button
                type="button"
                class="link"
                data-test="end-feed"
                disabled=move || end.pending().get()
                on:click=move |_| { end.dispatch_local(()); }
            >
                {tr(lang, Msg::EndFeed)}
            </button>
            {move || said.get().map(|m| view! { <p role="status" data-test="feed-said">{t(lang.get(), m)}</p> })}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-test="calendar-error">{e}</p> })}
        </section>
    }
}

fn scroll_to_item(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("item-{id}")))
    {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        element.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// What help on a timeline item is most likely about.
fn help_category(kind: &ItemKind) -> tongyou_core::api::CaseCategory {
    use tongyou_core::api::CaseCategory;
    match kind {
        ItemKind::Entry { .. } => CaseCategory::GateRefused,
        ItemKind::Ride { .. } | ItemKind::Shuttle { .. } => CaseCategory::Transport,
        _ => CaseCategory::Booking,
    }
}
