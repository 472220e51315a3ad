//! "Add to my day" on a sight's card: the day of the trip and a start time (offered after
//! what is booked that day and within the sight's hours), then the visit is on the
//! timeline. Kept on the device, so it works with no network. A sight already on the trip
//! says so and links to it; with no trip to come, the card offers nothing.

use leptos::prelude::*;
use tongyou_core::api::{FieldError, VisitChoice};

use crate::ctx::Ctx;
use crate::form::field_error;
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;

#[component]
pub(super) fn AddToDay(sight: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Read again after an add, so the card then says the sight is on the trip, and when
    // the trip changed (a visit taken off on the timeline, an order changed).
    let added = RwSignal::new(0u32);
    let choice = LocalResource::new({
        let sight = sight.clone();
        move || {
            added.track();
            ctx.orders_changed.track();
            let sight = sight.clone();
            async move { ipc::visit_choice(&sight).await.ok().flatten() }
        }
    });
    move || {
        choice
            .get()
            .flatten()
            .map(|c| offer(ctx, c, added).into_any())
    }
}

fn offer(ctx: Ctx, choice: VisitChoice, added: RwSignal<u32>) -> impl IntoView + use<> {
    let lang = ctx.lang;
    if let Some(item) = choice.on_trip.clone() {
        return view! {
            <div class="add-to-day on" data-test="on-my-day">
                <span>{tr(lang, Msg::OnMyDay)}</span>
                <button class="link" data-test="see-visit" on:click=move |_| ctx.show_item(&item)>
                    {move || format!("{} ›", t(lang.get(), Msg::SeeOnTimeline))}
                </button>
            </div>
        }
        .into_any();
    }
    let open = RwSignal::new(false);
    let day = RwSignal::new(choice.day.clone());
    let time = RwSignal::new(choice.time.to_string());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let busy = RwSignal::new(false);
    let hours = choice.hours.as_ref().map(|h| (h.open, h.close));
    let minutes = choice.visit_minutes;
    let sight = choice.sight_id.clone();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let sight = sight.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match ipc::add_visit(&sight, &day.get_untracked(), &time.get_untracked()).await {
                Ok(_) => {
                    errors.set(Vec::new());
                    ctx.orders_changed.update(|n| *n += 1);
                    added.update(|n| *n += 1);
                }
                // Wrong fields are said under them; what was typed stays.
                Err(e) if !e.fields.is_empty() => errors.set(e.fields),
                Err(e) => ctx.fail(&e),
            }
            busy.set(false);
        });
    };
    let days = choice.days.clone();
    view! {
        <div class="add-to-day">
            <Show
                when=move || open.get()
                fallback=move || view! {
                    <button class="secondary" data-test="add-to-day" on:click=move |_| open.set(true)>
                        {tr(lang, Msg::AddToDay)}
                    </button>
                }
            >
                <form class="visit-form" data-test="visit-form" on:submit=add.clone()>
                    <label class="field">
                        <span>{tr(lang, Msg::VisitDay)}</span>
                        <select
                            data-test="visit-day"
                            prop:value=move || day.get()
                            on:change=move |ev| day.set(event_target_value(&ev))
                        >
                            {days
                                .iter()
                                .map(|d| view! { <option value=d.clone()>{d.clone()}</option> })
                                .collect_view()}
                        </select>
                        {field_error(lang, errors, "day")}
                    </label>
                    <label class="field">
                        <span>{tr(lang, Msg::VisitTime)}</span>
                        <input
                            data-test="visit-time"
                            type="time"
                            prop:value=move || time.get()
                            on:input=move |ev| time.set(event_target_value(&ev))
                        />
                        {field_error(lang, errors, "time")}
                    </label>
                    <p class="hint" data-test="visit-hint">
                        {move || i18n::visit_hint(lang.get(), hours, minutes)}
                    </p>
                    {field_error(lang, errors, "sight_id")}
                    <button class="primary" type="submit" data-test="add-visit" disabled=move || busy.get()>
                        {tr(lang, Msg::AddVisit)}
                    </button>
                </form>
            </Show>
        </div>
    }
    .into_any()
}
