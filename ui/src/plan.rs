//! The Plan screen: dates, party and taste in; three plans out (budget, off-peak,
//! comfort), each with its cost, crowd exposure, highlights, the reasons for its order and
//! a day-by-day timeline; one opened and booked as a single combo order.
//!
//! The plans are made by the shell (`plan_trip`: the platform's when it answers, else the
//! device's); this screen only shows them. Its state lives in [`PlanForm`], created once
//! by the app frame, so what was typed and the plans made survive a trip to Me to sign in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{
    ErrorCode, FieldError, Lang, OrderRequest, OrderTraveller, PaymentMethod, Plan, PlanDay,
    PlanKind, PlanParty, PlanRequest, PlanStep, Profile, StepKind, Text, Traveller, TripPlans,
};
use tongyou_core::crowd::CrowdLevel;

use crate::ctx::{Ctx, Tab, plan_kind_slug};
use crate::form::{Placed, load_travellers, payment_chips, place_order};
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;
use crate::time::tomorrow;

const MAX_DAYS: u8 = 5;
/// Most people of one kind the steppers go to; a tour group books otherwise.
const MAX_OF_A_KIND: u8 = 20;
const MAX_CHILDREN: usize = 10;
const OLDEST_CHILD: u8 = 17;
const PROFILES: [Profile; 5] = [
    Profile::Family,
    Profile::Seniors,
    Profile::Culture,
    Profile::Night,
    Profile::Leisure,
];

/// The Plan screen's state, alive as long as the app.
#[derive(Clone, Copy)]
pub struct PlanForm {
    pub start: RwSignal<String>,
    pub days: RwSignal<u8>,
    pub adults: RwSignal<u8>,
    pub seniors: RwSignal<u8>,
    /// One row per child: a key that stays with the row (so removing one row does not
    /// move another's age), and the age.
    pub children: RwSignal<Vec<(u32, u8)>>,
    next_child: StoredValue<u32>,
    pub profile: RwSignal<Profile>,
    pub budget: RwSignal<String>,
    pub planning: RwSignal<bool>,
    /// The request last sent for plans (in flight or answered).
    asked: RwSignal<Option<PlanRequest>>,
    /// The plans, with the request they answer.
    pub trip: RwSignal<Option<(PlanRequest, TripPlans)>>,
    /// Why no plan was possible (the blocking constraint), or a budget that is no number.
    pub blocked: RwSignal<Option<FieldError>>,
    pub problem: RwSignal<Option<String>>,
    pub travellers: RwSignal<Vec<Traveller>>,
    /// Saved travellers unticked; everyone else goes (so the default is everyone).
    pub left_out: RwSignal<Vec<i64>>,
    pub payment: RwSignal<PaymentMethod>,
    /// The key of the booking in flight and what it sent: booking again with the same
    /// choices reuses it, so a retry after a lost answer cannot book twice.
    pub submission: RwSignal<Option<(String, OrderRequest)>>,
    pub placing: RwSignal<bool>,
    /// What the last "Book this plan" came to, while the tourist stays on the plan.
    pub outcome: RwSignal<Option<Placed>>,
}

impl PlanForm {
    pub fn new() -> PlanForm {
        PlanForm {
            start: RwSignal::new(String::new()),
            days: RwSignal::new(2),
            adults: RwSignal::new(2),
            seniors: RwSignal::new(0),
            children: RwSignal::new(vec![]),
            next_child: StoredValue::new(0),
            profile: RwSignal::new(Profile::Family),
            budget: RwSignal::new(String::new()),
            planning: RwSignal::new(false),
            asked: RwSignal::new(None),
            trip: RwSignal::new(None),
            blocked: RwSignal::new(None),
            problem: RwSignal::new(None),
            travellers: RwSignal::new(vec![]),
            left_out: RwSignal::new(vec![]),
            payment: RwSignal::new(PaymentMethod::Wallet),
            submission: RwSignal::new(None),
            placing: RwSignal::new(false),
            outcome: RwSignal::new(None),
        }
    }

    fn add_child(self) {
        let key = self.next_child.get_value();
        self.next_child.set_value(key + 1);
        self.children.update(|c| {
            if c.len() < MAX_CHILDREN {
                c.push((key, 8));
            }
        });
    }

    /// The request as typed, or the budget's problem.
    fn request(self, region_id: String) -> Result<PlanRequest, FieldError> {
        let budget = self.budget.get_untracked();
        let budget = budget.trim();
        let budget_yuan = if budget.is_empty() {
            None
        } else {
            Some(budget.parse::<u32>().map_err(|_| FieldError {
                field: "budget".into(),
                message: Text::new(
                    t(Lang::Zh, Msg::PlanBudgetInvalid),
                    t(Lang::En, Msg::PlanBudgetInvalid),
                ),
            })?)
        };
        Ok(PlanRequest {
            region_id,
            start: self.start.get_untracked(),
            days: self.days.get_untracked(),
            party: PlanParty {
                adults: self.adults.get_untracked(),
                children: self
                    .children
                    .get_untracked()
                    .into_iter()
                    .map(|(_, age)| age)
                    .collect(),
                seniors: self.seniors.get_untracked(),
            },
            profile: self.profile.get_untracked(),
            budget_yuan,
        })
    }

    /// The ticked saved travellers (tracked).
    fn going(self) -> Vec<Traveller> {
        let left_out = self.left_out.get();
        self.travellers
            .get()
            .into_iter()
            .filter(|t| !left_out.contains(&t.id))
            .collect()
    }

    /// The form as `request` asks (a link opened with a trip in its address).
    fn fill(self, request: &PlanRequest) {
        self.start.set(request.start.clone());
        self.days.set(request.days);
        self.adults.set(request.party.adults);
        self.seniors.set(request.party.seniors);
        self.children.set(vec![]);
        for &age in &request.party.children {
            self.add_child();
            self.children.update(|c| {
                if let Some(last) = c.last_mut() {
                    last.1 = age;
                }
            });
        }
        self.profile.set(request.profile);
        self.budget.set(
            request
                .budget_yuan
                .map(|b| b.to_string())
                .unwrap_or_default(),
        );
    }

    /// The plan of `kind` among the plans on screen (tracked).
    fn opened(self, kind: PlanKind) -> Option<(PlanRequest, bool, Plan)> {
        self.trip.with(|trip| {
            let (request, trip) = trip.as_ref()?;
            let plan = trip.plans.iter().find(|p| p.kind == kind)?;
            Some((request.clone(), trip.live, plan.clone()))
        })
    }
}

impl Default for PlanForm {
    fn default() -> PlanForm {
        PlanForm::new()
    }
}

/// Asks for plans for `request` and shows them, or the blocking constraint next to the
/// form.
fn make_plans(ctx: Ctx, form: PlanForm, request: PlanRequest) {
    form.asked.set(Some(request.clone()));
    form.problem.set(None);
    form.planning.set(true);
    spawn_local(async move {
        let answer = ipc::plan_trip(&request).await;
        form.planning.set(false);
        match answer {
            Ok(trip) => {
                // Planned on the device only when the platform did not answer: the
                // badge says so now rather than at the next sync.
                ctx.status.update(|s| s.online = Some(trip.live));
                form.trip.set(Some((request, trip)));
                form.outcome.set(None);
                // Once the cards are on the page (rendering follows the signal).
                gloo_timers::future::TimeoutFuture::new(50).await;
                scroll_into_view(
                    "[data-test=plan-results]",
                    web_sys::ScrollLogicalPosition::Start,
                );
            }
            // The blocking constraint: said next to the form, nothing typed is lost,
            // and the plans of another request are not left standing as its answer.
            Err(e) if e.code == ErrorCode::Invalid && !e.fields.is_empty() => {
                form.trip.set(None);
                form.blocked.set(e.fields.into_iter().next());
            }
            Err(e) => ctx.fail_into(form.problem, &e),
        }
    });
}

/// `ok`, `yellow`, `orange` or `red` (LB/T 068-2017), for colouring a percentage.
fn level(percent: u8) -> &'static str {
    match CrowdLevel::of(percent) {
        CrowdLevel::Comfortable => "ok",
        CrowdLevel::Yellow => "yellow",
        CrowdLevel::Orange => "orange",
        CrowdLevel::Red => "red",
    }
}

fn kind_id(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Shuttle => "shuttle",
        StepKind::Enter => "enter",
        StepKind::Ride => "ride",
        StepKind::Walk => "walk",
        StepKind::Visit => "visit",
        StepKind::Meal => "meal",
        StepKind::Rest => "rest",
        StepKind::Hotel => "hotel",
    }
}

fn scroll_into_view(css: &str, block: web_sys::ScrollLogicalPosition) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(css).ok().flatten())
    {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(block);
        element.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

#[component]
pub fn PlanScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<PlanForm>();
    let lang = ctx.lang;

    // Tomorrow, once the device knows the region's date.
    Effect::new(move |_| {
        let today = ctx.view.with(|v| v.as_ref().map(|v| v.date.clone()));
        if form.start.with_untracked(String::is_empty)
            && let Some(tomorrow) = today.as_deref().and_then(tomorrow)
        {
            form.start.set(tomorrow);
        }
    });
    // A trip in the address (a link, Back, a reload) that is not the one on screen: the
    // form takes it and the plans are made for it.
    Effect::new(move |_| {
        let Some(request) = ctx.plan_request.get() else {
            return;
        };
        if form.asked.with_untracked(|a| a.as_ref() != Some(&request)) {
            form.fill(&request);
            make_plans(ctx, form, request);
        }
    });
    // Saved travellers, whenever someone is signed in.
    Effect::new(move |_| {
        if ctx.session.with(Option::is_some) {
            spawn_local(load_travellers(ctx, form.travellers));
        } else {
            form.travellers.set(vec![]);
        }
    });

    move || {
        if ctx.view.with(Option::is_none) {
            let text = if ctx.booting.get() {
                Msg::Loading
            } else {
                Msg::NoDataBody
            };
            return view! { <p class="loading">{t(lang.get(), text)}</p> }.into_any();
        }
        if let Some(kind) = ctx.open_plan.get() {
            return view! { <PlanDetail kind=kind /> }.into_any();
        }
        view! {
            <section class="screen plan" data-test="plan">
                <header class="screen-head">
                    <h1>{tr(lang, Msg::PlanTitle)}</h1>
                    <p class="hint">{tr(lang, Msg::PlanHint)}</p>
                </header>
                <TripForm />
                <PlanResults />
            </section>
        }
        .into_any()
    }
}

/// A − n + control for a count, each button touch-sized.
fn stepper(
    lang: RwSignal<Lang>,
    label: Msg,
    value: RwSignal<u8>,
    least: u8,
    test: &'static str,
) -> impl IntoView {
    // Comparisons stay out of the view! macro, where `<` and `>` would read as tags.
    let at_least = move || value.get() <= least;
    let at_most = move || value.get() >= MAX_OF_A_KIND;
    view! {
        <div class="field stepper-field">
            <span>{move || t(lang.get(), label)}</span>
            <div class="stepper" data-test=test>
                <button
                    type="button"
                    data-test="less"
                    aria-label=move || format!("{} {}", t(lang.get(), Msg::Fewer), t(lang.get(), label))
                    disabled=at_least
                    on:click=move |_| value.update(|n| *n = n.saturating_sub(1).max(least))
                >
                    "−"
                </button>
                <output data-test="count">{move || value.get()}</output>
                <button
                    type="button"
                    data-test="more"
                    aria-label=move || format!("{} {}", t(lang.get(), Msg::More), t(lang.get(), label))
                    disabled=at_most
                    on:click=move |_| value.update(|n| *n = (*n + 1).min(MAX_OF_A_KIND))
                >
                    "+"
                </button>
            </div>
        </div>
    }
}

#[component]
fn TripForm() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<PlanForm>();
    let lang = ctx.lang;
    let today = move || ctx.view.with(|v| v.as_ref().map(|v| v.date.clone()));
    let blocked_on = move |constraint: &'static str| {
        move || {
            form.blocked
                .with(|b| b.as_ref().is_some_and(|b| b.field == constraint))
        }
    };

    let children_full = move || form.children.with(|c| c.len() >= MAX_CHILDREN);

    let make = move |_| {
        if form.planning.get_untracked() {
            return;
        }
        let Some(region_id) = ctx
            .view
            .with_untracked(|v| v.as_ref().map(|v| v.region_id.clone()))
        else {
            return;
        };
        form.problem.set(None);
        let request = match form.request(region_id) {
            Ok(request) => request,
            Err(problem) => {
                form.blocked.set(Some(problem));
                return;
            }
        };
        form.blocked.set(None);
        make_plans(ctx, form, request.clone());
        // The plans get the trip's address, so Back and a link come back to them.
        if ctx.plan_request.get_untracked().as_ref() != Some(&request) {
            ctx.show_plans(&request, None, false);
        }
    };

    view! {
        <section class="card plan-form" data-test="plan-form">
            <label class="field">
                <span>{tr(lang, Msg::PlanStart)}</span>
                <input
                    data-test="plan-start"
                    type="date"
                    min=today
                    class:invalid=blocked_on("dates")
                    prop:value=move || form.start.get()
                    on:change=move |ev| form.start.set(event_target_value(&ev))
                />
            </label>
            <div class="field">
                <span>{tr(lang, Msg::PlanDays)}</span>
                <div class="chips days">
                    {(1..=MAX_DAYS).map(|n| view! {
                        <button
                            type="button"
                            class="chip"
                            data-test="plan-days"
                            data-id=n.to_string()
                            class:active=move || form.days.get() == n
                            aria-pressed=move || (form.days.get() == n).to_string()
                            on:click=move |_| form.days.set(n)
                        >
                            {move || i18n::trip_days(lang.get(), n)}
                        </button>
                    }).collect_view()}
                </div>
            </div>
            <div class="party-fields wide" data-test="plan-party" class:invalid=blocked_on("party")>
                {stepper(lang, Msg::PlanAdults, form.adults, 0, "plan-adults")}
                {stepper(lang, Msg::PlanSeniors, form.seniors, 0, "plan-seniors")}
                <div class="field children">
                    <span>{tr(lang, Msg::PlanChildren)}</span>
                    {move || form.children.get().into_iter().enumerate().map(|(i, (key, age))| {
                            view! {
                                <div class="child-row" data-test="plan-child">
                                    <span class="child-no">{move || i18n::child_no(lang.get(), i)}</span>
                                    <select
                                        data-test="plan-child-age"
                                        aria-label=tr(lang, Msg::PlanChildAge)
                                        on:change=move |ev| {
                                            let chosen = event_target_value(&ev).parse().unwrap_or(age);
                                            form.children.update(|c| {
                                                if let Some(row) = c.iter_mut().find(|(k, _)| *k == key) {
                                                    row.1 = chosen;
                                                }
                                            });
                                        }
                                    >
                                        {(0..=OLDEST_CHILD).map(|years| view! {
                                            <option value=years.to_string() prop:selected=years == age>
                                                {move || i18n::child_age(lang.get(), years)}
                                            </option>
                                        }).collect_view()}
                                    </select>
                                    <button
                                        type="button"
                                        class="link"
                                        data-test="plan-child-remove"
                                        on:click=move |_| form.children.update(|c| c.retain(|(k, _)| *k != key))
                                    >
                                        {tr(lang, Msg::Remove)}
                                    </button>
                                </div>
                            }
                        }).collect_view()}
                    <button
                        type="button"
                        class="secondary add-child"
                        data-test="plan-add-child"
                        disabled=children_full
                        on:click=move |_| form.add_child()
                    >
                        {move || format!("+ {}", t(lang.get(), Msg::PlanAddChild))}
                    </button>
                </div>
            </div>
            <div class="field wide">
                <span>{tr(lang, Msg::PlanProfile)}</span>
                <div class="chips">
                    {PROFILES.into_iter().map(|profile| {
                        let id = format!("{profile:?}").to_lowercase();
                        view! {
                            <button
                                type="button"
                                class="chip"
                                data-test="plan-profile"
                                data-id=id
                                class:active=move || form.profile.get() == profile
                                aria-pressed=move || (form.profile.get() == profile).to_string()
                                on:click=move |_| form.profile.set(profile)
                            >
                                {move || i18n::profile(lang.get(), profile)}
                            </button>
                        }
                    }).collect_view()}
                </div>
            </div>
            <label class="field">
                <span>
                    {tr(lang, Msg::PlanBudget)}
                    <small>{move || format!(" · {}", t(lang.get(), Msg::PlanBudgetHint))}</small>
                </span>
                <input
                    data-test="plan-budget"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    placeholder="—"
                    class:invalid=blocked_on("budget")
                    prop:value=move || form.budget.get()
                    on:input=move |ev| form.budget.set(event_target_value(&ev))
                    on:change=move |ev| form.budget.set(event_target_value(&ev))
                />
            </label>
            <div class="make wide">
                <button class="primary" data-test="plan-make" disabled=move || form.planning.get() on:click=make>
                    {move || t(lang.get(), if form.planning.get() { Msg::PlanMaking } else { Msg::PlanMake })}
                </button>
                {move || form.blocked.get().map(|b| {
                    let lang = lang.get();
                    view! {
                        <p class="problem" role="alert" data-test="plan-blocked" data-constraint=b.field.clone()>
                            <strong>{t(lang, Msg::PlanBlocked)}</strong>
                            " "
                            {b.message.get(lang).to_owned()}
                        </p>
                    }
                })}
                {move || form.problem.get().map(|p| view! {
                    <p class="problem" role="alert" data-test="plan-problem">{p}</p>
                })}
            </div>
        </section>
    }
}

#[component]
fn PlanResults() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<PlanForm>();
    move || {
        let lang = ctx.lang.get();
        form.trip.get().map(|(request, trip)| {
            let party = (
                request.party.adults,
                request.party.children.len() as u8,
                request.party.seniors,
            );
            let about = format!(
                "{} · {} · {}",
                request.start,
                i18n::trip_days(lang, request.days),
                i18n::party(lang, party)
            );
            let cards = trip
                .plans
                .into_iter()
                .map(|plan| plan_card(ctx, lang, form, &request, plan))
                .collect_view();
            view! {
                <section class="plan-results" data-test="plan-results" data-live=trip.live.to_string()>
                    <header class="results-head">
                        <h2>{t(lang, Msg::PlanResults)}</h2>
                        <p class="hint" data-test="plan-about">{about}</p>
                    </header>
                    {offline_note(lang, trip.live)}
                    <div class="plan-cards">
                        {cards}
                    </div>
                </section>
            }
        })
    }
}

fn offline_note(lang: Lang, live: bool) -> Option<impl IntoView> {
    (!live).then(|| {
        view! { <p class="plan-offline" role="status" data-test="plan-offline">{t(lang, Msg::PlanOffline)}</p> }
    })
}

fn crowd_chip(lang: Lang, percent: u8, test: &'static str) -> impl IntoView {
    view! {
        <span
            class="crowd"
            data-test=test
            data-level=level(percent)
            title=CrowdLevel::of(percent).label().get(lang).to_owned()
        >
            {format!("{percent}%")}
        </span>
    }
}

/// Title, total, crowd exposure, highlights and reasons: the head of a plan, on its card
/// and when opened.
fn plan_summary(lang: Lang, plan: &Plan) -> impl IntoView + use<> {
    let on_the_day: i64 = plan.on_the_day.iter().map(|d| d.cost.0).sum();
    view! {
        <header class="plan-head">
            <h3 data-test="plan-title">{plan.title.get(lang).to_owned()}</h3>
            <span class="exposure" data-test="plan-crowd" data-level=level(plan.crowd_exposure)>
                {format!("{} {}%", t(lang, Msg::PlanCrowds), plan.crowd_exposure)}
            </span>
        </header>
        <p class="plan-total">
            <strong data-test="plan-total">{plan.total.display_yuan()}</strong>
            {(on_the_day > 0).then(|| view! {
                <small>
                    {format!(" · {} {}", t(lang, Msg::PlanOnTheDay), tongyou_core::catalog::Fen(on_the_day).display_yuan())}
                </small>
            })}
        </p>
        <ul class="highlights">
            {plan.highlights.iter().map(|h| view! { <li class="tag" data-test="plan-highlight">{h.get(lang).to_owned()}</li> }).collect_view()}
        </ul>
        <section class="why" data-test="plan-why">
            <h4>{t(lang, Msg::PlanWhy)}</h4>
            <ul>
                {plan.reasons.iter().map(|r| view! { <li data-test="plan-reason">{r.get(lang).to_owned()}</li> }).collect_view()}
            </ul>
        </section>
    }
}

fn plan_card(
    ctx: Ctx,
    lang: Lang,
    form: PlanForm,
    request: &PlanRequest,
    plan: Plan,
) -> impl IntoView + use<> {
    let kind = plan_kind_slug(plan.kind);
    let (request, plan_kind) = (request.clone(), plan.kind);
    view! {
        <article class="card plan-card" data-test="plan-card" data-kind=kind>
            {plan_summary(lang, &plan)}
            <button
                class="secondary open-plan"
                data-test="plan-open"
                on:click=move |_| {
                    form.outcome.set(None);
                    ctx.show_plans(&request, Some(plan_kind), false);
                    if let Some(w) = web_sys::window() {
                        w.scroll_to_with_x_and_y(0.0, 0.0);
                    }
                }
            >
                {t(lang, Msg::PlanOpen)}
            </button>
            {timeline(lang, &plan.days, false)}
        </article>
    }
}

/// The plan day by day. On a card only the first day starts open, so three plans stay
/// comparable on a phone; opened, every day is.
fn timeline(lang: Lang, days: &[PlanDay], all_open: bool) -> impl IntoView + use<> {
    view! {
        <div class="timeline" data-test="plan-timeline">
            {days.iter().enumerate().map(|(index, day)| {
                let sights = day.steps.iter().filter(|s| s.kind == StepKind::Visit).count();
                view! {
                    <details class="plan-day" data-test="plan-day" open=all_open || index == 0>
                        <summary>
                            <span>{i18n::plan_day(lang, index, &day.date)}</span>
                            <small>{i18n::sights_count(lang, sights)}</small>
                        </summary>
                        <ol class="steps">
                            {day.steps.iter().map(|step| step_row(lang, step)).collect_view()}
                        </ol>
                    </details>
                }
            }).collect_view()}
        </div>
    }
}

fn step_row(lang: Lang, step: &PlanStep) -> impl IntoView + use<> {
    let kind = kind_id(step.kind);
    let detail = step
        .walk
        .map(|(metres, climbed)| i18n::walk(lang, metres, climbed));
    view! {
        <li class="step" data-test="plan-step" data-kind=kind>
            <span class="step-time">{format!("{}–{}", step.start, step.end)}</span>
            <span class="step-kind" data-kind=kind>{i18n::step_kind(lang, step.kind)}</span>
            <span class="step-title">
                {step.title.get(lang).to_owned()}
                {detail.map(|d| view! { <small>{d}</small> })}
            </span>
            {step.crowd.map(|percent| crowd_chip(lang, percent, "step-crowd"))}
        </li>
    }
}

/// One plan opened: everything on its card with every day open, what it costs line by
/// line, and booking it for the saved travellers ticked.
#[component]
fn PlanDetail(kind: PlanKind) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<PlanForm>();
    move || {
        let lang = ctx.lang.get();
        let Some((request, live, plan)) = form.opened(kind) else {
            // Plans still being made for a link, or none for it: the form says which.
            if form.planning.get() {
                return view! { <p class="loading">{t(lang, Msg::Loading)}</p> }.into_any();
            }
            return view! { <TripForm /> }.into_any();
        };
        let back = {
            let request = request.clone();
            move |_| ctx.show_plans(&request, None, true)
        };
        let kind = plan_kind_slug(plan.kind);
        view! {
            <section class="screen plan-detail" data-test="plan-detail" data-kind=kind>
                <button class="link back" data-test="plan-back" on:click=back>
                    {format!("← {}", t(lang, Msg::PlanBack))}
                </button>
                {offline_note(lang, live)}
                <div class="plan-detail-grid">
                    <article class="card plan-card open">
                        {plan_summary(lang, &plan)}
                        {timeline(lang, &plan.days, true)}
                    </article>
                    <BookPlan plan=plan.clone() party=request.party.clone() />
                </div>
            </section>
        }
        .into_any()
    }
}

#[component]
fn BookPlan(plan: Plan, party: PlanParty) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<PlanForm>();
    let lang = ctx.lang;
    let combo = plan.combo.clone();

    let book = move |_| {
        if form.placing.get_untracked() {
            return;
        }
        if ctx.session.with_untracked(Option::is_none) {
            ctx.open(Tab::Me);
            return;
        }
        let travellers: Vec<OrderTraveller> = form
            .going()
            .into_iter()
            .map(|t| OrderTraveller {
                traveller_id: t.id,
                student: false,
            })
            .collect();
        if travellers.is_empty() {
            return;
        }
        let request = OrderRequest {
            combo: combo.clone(),
            travellers,
            payment: form.payment.get_untracked(),
        };
        form.placing.set(true);
        form.outcome.set(None);
        spawn_local(async move {
            let placed = place_order(ctx, form.submission, request).await;
            form.placing.set(false);
            let Some(outcome) = placed else {
                return;
            };
            form.outcome.set(Some(outcome));
            gloo_timers::future::TimeoutFuture::new(50).await;
            scroll_into_view(
                "[data-test=plan-book-outcome]",
                web_sys::ScrollLogicalPosition::Nearest,
            );
        });
    };

    let planned = party.size();
    let quote = plan.quote.clone();
    let on_the_day = plan.on_the_day.clone();
    let breakdown = move || {
        let lang = lang.get();
        view! {
            <ul class="lines">
                {quote.lines.iter().map(|line| {
                    let what = match line.guest {
                        Some(i) => format!(" · {}", i18n::planned_guest(lang, &party, i as usize)),
                        None => format!(" × {}", line.quantity),
                    };
                    view! {
                    <li class="line" data-test="plan-line">
                        <div class="line-head">
                            <span class="line-name">{line.name.get(lang).to_owned()}<small>{what}</small></span>
                            <span class="line-price">
                                {(line.pay != line.full).then(|| view! { <s>{line.full.display_yuan()}</s> })}
                                <strong>{line.pay.display_yuan()}</strong>
                            </span>
                        </div>
                    </li>
                    }
                }).collect_view()}
                {on_the_day.iter().map(|d| view! {
                    <li class="line on-the-day" data-test="plan-line-on-the-day">
                        <div class="line-head">
                            <span class="line-name">{d.name.get(lang).to_owned()}<small>{format!(" · {}", t(lang, Msg::PlanOnTheDay))}</small></span>
                            <span class="line-price"><strong>{d.cost.display_yuan()}</strong></span>
                        </div>
                    </li>
                }).collect_view()}
            </ul>
        }
    };

    let travellers = move || {
        let lang = lang.get();
        if ctx.session.with(Option::is_none) {
            return view! {
                <div class="sign-in-first" data-test="plan-sign-in-first">
                    <p class="hint">{t(lang, Msg::PlanSignInFirst)}</p>
                    <button class="primary" data-test="plan-sign-in" on:click=move |_| ctx.open(Tab::Me)>
                        {t(lang, Msg::SignIn)}
                    </button>
                </div>
            }
            .into_any();
        }
        let saved = form.travellers.get();
        if saved.is_empty() {
            return view! {
                <button class="secondary" data-test="plan-add-traveller" on:click=move |_| ctx.open(Tab::Me)>
                    {t(lang, Msg::AddTravellerFirst)}
                </button>
            }
            .into_any();
        }
        let left_out = form.left_out.get();
        let ticked = saved.len() - saved.iter().filter(|t| left_out.contains(&t.id)).count();
        view! {
            <div class="plan-travellers">
                {saved.into_iter().map(|tr| {
                    let id = tr.id;
                    let going = !left_out.contains(&id);
                    view! {
                        <label class="check member" data-test="plan-traveller" data-id=id.to_string()>
                            <input
                                type="checkbox"
                                data-test="plan-traveller-pick"
                                prop:checked=going
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    form.left_out.update(|l| {
                                        l.retain(|x| *x != id);
                                        if !on {
                                            l.push(id);
                                        }
                                    });
                                }
                            />
                            <span>
                                <strong>{tr.name}</strong>
                                <small>{format!("{} · {}", tr.id_masked, tr.birth_date)}</small>
                            </span>
                        </label>
                    }
                }).collect_view()}
                {(ticked == 0).then(|| view! {
                    <p class="field-error" data-test="plan-none-ticked">{t(lang, Msg::PlanNoneTicked)}</p>
                })}
                {(ticked > 0 && ticked as u32 != planned).then(|| view! {
                    <p class="note mismatch" role="status" data-test="plan-party-mismatch">
                        {i18n::party_mismatch(lang, ticked, planned)}
                    </p>
                })}
            </div>
        }
        .into_any()
    };

    let total = plan.quote.total;
    let signed_in = move || ctx.session.with(Option::is_some);
    view! {
        <aside class="card plan-book" data-test="plan-book-panel">
            <h2>{tr(lang, Msg::PlanBookTitle)}</h2>
            <h3>{tr(lang, Msg::PriceBreakdown)}</h3>
            {breakdown}
            <h3>{tr(lang, Msg::Party)}</h3>
            {travellers}
            <h3>{tr(lang, Msg::Payment)}</h3>
            {payment_chips(lang, form.payment)}
            {move || form.outcome.get().map(|o| {
                let lang = lang.get();
                let text = match o {
                    Placed::Failed(problem) => {
                        problem
                            .map(|p| p.get(lang).to_owned())
                            .unwrap_or_else(|| t(lang, Msg::OrderFailedWhat).to_owned())
                    }
                    Placed::NotSent => t(lang, Msg::PlanNotSent).to_owned(),
                    Placed::Refused(e) => ctx.explain(&e),
                };
                view! { <p class="problem" role="alert" data-test="plan-book-outcome">{text}</p> }
            })}
            <div class="paybar">
                <div class="total">
                    <span>{tr(lang, Msg::PlanPaidNow)}</span>
                    <strong data-test="plan-pay-total">{total.display_yuan()}</strong>
                </div>
                <button
                    class="primary"
                    data-test="plan-book"
                    disabled=move || form.placing.get() || (signed_in() && form.going().is_empty())
                    on:click=book
                >
                    {move || {
                        let msg = if form.placing.get() {
                            Msg::Paying
                        } else if signed_in() {
                            Msg::PlanBook
                        } else {
                            Msg::PlanSignInToBook
                        };
                        t(lang.get(), msg)
                    }}
                </button>
            </div>
        </aside>
    }
}
