//! "Send a place": the places of the shared trip (its gates, lift stations, boarding
//! points and hotels, as the guide knows them) and the region's sights, to pick one and send the tourist a message with its
//! name and a link the app opens (`tongyou://place/{id}`).

use leptos::prelude::*;
use tongyou_core::api::{Lang, TimelineItem};
use tongyou_core::text::Text;

use crate::api;
use crate::ctx::{Ctx, OpenCase};
use crate::i18n::{Msg, t};

/// The link the tourist's app opens for a place.
pub fn place_link(id: &str) -> String {
    format!("tongyou://place/{id}")
}

/// The message that sends a place: its name and its link.
pub fn place_message(lang: Lang, id: &str, name: &str) -> String {
    format!("{}{name} {}", t(lang, Msg::PlacePrefix), place_link(id))
}

/// A place on the trip's timeline, by the id the tourist's guide knows it by (the item's
/// gate, boarding point, station or hotel), named as the timeline names it.
pub fn place_of(item: &TimelineItem) -> Option<(String, Text)> {
    Some((item.guide_place.clone()?, item.place.clone()))
}

/// The trip's places first, then the region's sights, each once.
#[component]
pub fn PlacePicker(
    open: OpenCase,
    reply_lang: RwSignal<Lang>,
    on_pick: Callback<(String, String)>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let filter = RwSignal::new(String::new());
    let region = open
        .latest
        .get_untracked()
        .and_then(|d| d.trip)
        .map(|s| s.trip.region_id);
    let sights = LocalResource::new(move || sights_of(region.clone()));
    let trip_places = move || {
        let mut places: Vec<(String, Text)> = Vec::new();
        if let Some(shared) = open.latest().and_then(|d| d.trip) {
            for (id, name) in shared.trip.items.iter().filter_map(place_of) {
                if !places.iter().any(|(known, _)| *known == id) {
                    places.push((id, name));
                }
            }
        }
        places
    };
    let list = move |places: Vec<(String, Text)>, source: &'static str| {
        let wanted = filter.get().trim().to_lowercase();
        let (lang, reply) = (lang.get(), reply_lang.get());
        places
            .into_iter()
            .filter(|(_, name)| {
                wanted.is_empty()
                    || name.zh.to_lowercase().contains(&wanted)
                    || name.en.to_lowercase().contains(&wanted)
            })
            .map(|(id, name)| {
                let said = name.get(reply).to_owned();
                let picked = (id.clone(), said);
                view! {
                    <li>
                        <button
                            class="place-option"
                            data-test="place-option"
                            data-poi=id.clone()
                            data-source=source
                            on:click=move |_| on_pick.run(picked.clone())
                        >
                            <span>{name.get(lang).to_owned()}</span>
                            <small>{place_link(&id)}</small>
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="place-picker" data-test="place-picker">
            <input
                data-test="place-filter"
                placeholder=move || t(lang.get(), Msg::FindPlace)
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))
            />
            <h4>{move || t(lang.get(), Msg::TripPlaces)}</h4>
            <ul class="places">{move || list(trip_places(), "trip")}</ul>
            <h4>{move || t(lang.get(), Msg::RegionSights)}</h4>
            <ul class="places">
                <Transition fallback=move || view! { <li class="loading">{t(lang.get(), Msg::Loading)}</li> }>
                    {move || match sights.get() {
                        Some(Ok(found)) => list(found, "region").into_any(),
                        Some(Err(failure)) => {
                            view! { <li class="error" data-test="error">{ctx.explain(&failure)}</li> }.into_any()
                        }
                        None => ().into_any(),
                    }}
                </Transition>
            </ul>
        </div>
    }
}

/// The sights of the trip's region, or of the first region the platform serves.
async fn sights_of(region: Option<String>) -> Result<Vec<(String, Text)>, api::Failure> {
    let region = match region {
        Some(region) => region,
        None => match api::regions().await?.into_iter().next() {
            Some(first) => first.id,
            None => return Ok(Vec::new()),
        },
    };
    let snapshot = api::catalog(region).await?;
    Ok(snapshot
        .catalog
        .sights
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}
