//! The Book screen: build a combo (date, entry slot, party, rides, hotel, shuttles),
//! see its price line by line as it changes (priced on the device, so it works offline),
//! and pay. The form lives in [`BookForm`], created once by the app frame, so nothing
//! typed is lost when the tourist looks elsewhere or an order fails.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{
    Combo, FieldError, Guest, HotelStay, Lang, OrderRequest, OrderTraveller, PaymentMethod, Quote,
    QuoteRequest, ShuttleSeat, Traveller,
};
use tongyou_core::booking::{MAX_NIGHTS, MAX_ROOMS};
use tongyou_core::catalog::{Catalog, TicketKind};
use tongyou_core::clock::ClockTime;

use crate::ctx::{Ctx, Tab};
use crate::form::{Placed, field_error, load_travellers, message, payment_chips, place_order};
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;
use crate::time::tomorrow;

/// The Book screen's state, alive as long as the app.
#[derive(Clone, Copy)]
pub struct BookForm {
    pub catalog: RwSignal<Option<Catalog>>,
    pub travellers: RwSignal<Vec<Traveller>>,
    pub date: RwSignal<String>,
    pub slot: RwSignal<Option<String>>,
    /// Chosen travellers in the order chosen, each with the student box.
    pub party: RwSignal<Vec<(i64, bool)>>,
    pub add_ons: RwSignal<Vec<String>>,
    pub hotel_on: RwSignal<bool>,
    pub hotel_id: RwSignal<String>,
    pub room_type: RwSignal<String>,
    pub rooms: RwSignal<u8>,
    pub nights: RwSignal<u8>,
    pub shuttles: RwSignal<Vec<ShuttleSeat>>,
    pub payment: RwSignal<PaymentMethod>,
    pub quote: RwSignal<Option<Quote>>,
    pub errors: RwSignal<Vec<FieldError>>,
    /// Places left per slot on the chosen date, when the platform answered.
    pub places: RwSignal<Vec<(String, u32)>>,
    /// The key of the submission in flight and what it submitted: paying again with the
    /// same choices reuses it, so a retry after a lost answer cannot book twice.
    pub submission: RwSignal<Option<(String, OrderRequest)>>,
    pub placing: RwSignal<bool>,
    /// What the last Pay came to, while the tourist stays on this screen.
    pub outcome: RwSignal<Option<Placed>>,
}

impl BookForm {
    pub fn new() -> BookForm {
        BookForm {
            catalog: RwSignal::new(None),
            travellers: RwSignal::new(vec![]),
            date: RwSignal::new(String::new()),
            slot: RwSignal::new(None),
            party: RwSignal::new(vec![]),
            add_ons: RwSignal::new(vec![]),
            hotel_on: RwSignal::new(false),
            hotel_id: RwSignal::new(String::new()),
            room_type: RwSignal::new(String::new()),
            rooms: RwSignal::new(1),
            nights: RwSignal::new(1),
            shuttles: RwSignal::new(vec![]),
            payment: RwSignal::new(PaymentMethod::Wallet),
            quote: RwSignal::new(None),
            errors: RwSignal::new(vec![]),
            places: RwSignal::new(vec![]),
            submission: RwSignal::new(None),
            placing: RwSignal::new(false),
            outcome: RwSignal::new(None),
        }
    }

    /// Fills the defaults once a catalog is there: tomorrow, the morning slot, the first
    /// hotel and room type.
    fn start(self, catalog: Catalog, today: Option<&str>) {
        if self.date.get_untracked().is_empty()
            && let Some(tomorrow) = today.and_then(tomorrow)
        {
            self.date.set(tomorrow);
        }
        if self.slot.get_untracked().is_none() {
            let slot = catalog
                .slots
                .iter()
                .find(|s| s.id == "morning")
                .or(catalog.slots.first());
            self.slot.set(slot.map(|s| s.id.clone()));
        }
        if self.hotel_id.get_untracked().is_empty()
            && let Some(hotel) = catalog.hotels.first()
        {
            self.hotel_id.set(hotel.id.clone());
            self.room_type.set(
                hotel
                    .room_types
                    .first()
                    .map(|r| r.id.clone())
                    .unwrap_or_default(),
            );
        }
        self.catalog.set(Some(catalog));
    }

    /// The combo as chosen (tracked: call it inside reactive code to follow changes).
    fn combo(self) -> Option<Combo> {
        let region_id = self
            .catalog
            .with(|c| c.as_ref().map(|c| c.region.id.clone()))?;
        Some(Combo {
            region_id,
            date: self.date.get(),
            slot_id: self.slot.get(),
            add_ons: self.add_ons.get(),
            hotel: self.hotel_on.get().then(|| HotelStay {
                hotel_id: self.hotel_id.get(),
                room_type_id: self.room_type.get(),
                rooms: self.rooms.get(),
                nights: self.nights.get(),
            }),
            shuttles: self.shuttles.get(),
        })
    }

    /// The chosen travellers that are still saved, in the order chosen.
    fn members(self) -> Vec<(Traveller, bool)> {
        let travellers = self.travellers.get();
        self.party
            .get()
            .into_iter()
            .filter_map(|(id, student)| {
                travellers
                    .iter()
                    .find(|t| t.id == id)
                    .map(|t| (t.clone(), student))
            })
            .collect()
    }

    fn quote_request(self) -> Option<QuoteRequest> {
        let guests = self
            .members()
            .into_iter()
            .map(|(t, student)| Guest {
                birth_date: t.birth_date,
                student,
            })
            .collect();
        Some(QuoteRequest {
            combo: self.combo()?,
            guests,
        })
    }

    fn order_request(self) -> Option<OrderRequest> {
        let travellers = self
            .members()
            .into_iter()
            .map(|(t, student)| OrderTraveller {
                traveller_id: t.id,
                student,
            })
            .collect();
        Some(OrderRequest {
            combo: self.combo()?,
            travellers,
            payment: self.payment.get(),
        })
    }
}

impl Default for BookForm {
    fn default() -> BookForm {
        BookForm::new()
    }
}

#[component]
pub fn BookScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<BookForm>();
    let lang = ctx.lang;

    // The catalog from the device, once the first sync has brought one.
    Effect::new(move |_| {
        let today = ctx.view.with(|v| v.as_ref().map(|v| v.date.clone()));
        if today.is_some() && form.catalog.with_untracked(Option::is_none) {
            spawn_local(async move {
                match ipc::booking_catalog().await {
                    Ok(Some(snapshot)) => form.start(snapshot.catalog, today.as_deref()),
                    Ok(None) => {}
                    Err(e) => ctx.fail(&e),
                }
            });
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
    // The live price: every change of the form prices it again, on the device.
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let Some(request) = form.quote_request() else {
            return;
        };
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        spawn_local(async move {
            let answer = ipc::quote(&request).await;
            // A slower answer to an older question must not overwrite a newer one.
            if asked.get_value() != this {
                return;
            }
            match answer {
                Ok(quote) => {
                    form.quote.set(Some(quote));
                    form.errors.set(vec![]);
                }
                Err(e) if !e.fields.is_empty() => {
                    form.quote.set(None);
                    form.errors.set(e.fields);
                }
                Err(e) => ctx.fail(&e),
            }
        });
    });
    // Places left per slot, when the platform can be reached.
    Effect::new(move |_| {
        let region = form
            .catalog
            .with(|c| c.as_ref().map(|c| c.region.id.clone()));
        let date = form.date.get();
        let online = ctx.status.with(|s| s.online == Some(true));
        let (Some(region), true) = (region, online) else {
            form.places.set(vec![]);
            return;
        };
        spawn_local(async move {
            match ipc::availability(&region, &date).await {
                Ok(a) if a.date == form.date.get_untracked() => form.places.set(a.slots),
                _ => form.places.set(vec![]),
            }
        });
    });

    move || {
        if form.catalog.with(Option::is_none) {
            let text = if ctx.booting.get() {
                Msg::Loading
            } else {
                Msg::NoDataBody
            };
            return view! { <p class="loading">{t(lang.get(), text)}</p> }.into_any();
        }
        view! {
            <section class="screen book" data-test="book">
                <div class="book-grid">
                    <div class="book-form">
                        <header class="screen-head">
                            <h1>{tr(lang, Msg::BookTitle)}</h1>
                            <p class="hint">{tr(lang, Msg::BookHint)}</p>
                        </header>
                        <WhenAndSlot />
                        <PartyPicker />
                        <AddOns />
                        <HotelPicker />
                        <ShuttlePicker />
                        <PaymentPicker />
                    </div>
                    <Summary />
                </div>
            </section>
        }
        .into_any()
    }
}

#[component]
fn WhenAndSlot() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<BookForm>();
    let lang = ctx.lang;
    let today = move || ctx.view.with(|v| v.as_ref().map(|v| v.date.clone()));
    let chip = move |id: Option<String>, label: String| {
        let chosen = id.clone();
        let test_id = id.clone().unwrap_or_default();
        let left = move || {
            let id = id.clone()?;
            let n = form
                .places
                .with(|p| p.iter().find(|(s, _)| *s == id).map(|(_, n)| *n))?;
            Some(if n == 0 {
                t(lang.get(), Msg::SoldOut).to_owned()
            } else {
                i18n::places_left(lang.get(), n)
            })
        };
        let selected = {
            let chosen = chosen.clone();
            move || form.slot.get() == chosen
        };
        view! {
            <button
                type="button"
                class="chip"
                data-test="slot"
                data-id=test_id
                class:active=selected.clone()
                aria-pressed=move || selected().to_string()
                on:click=move |_| form.slot.set(chosen.clone())
            >
                <span>{label}</span>
                {move || left().map(|l| view! { <small data-test="places-left">{l}</small> })}
            </button>
        }
    };
    view! {
        <section class="card block">
            <label class="field">
                <span>{tr(lang, Msg::VisitDate)}</span>
                <input
                    data-test="date"
                    type="date"
                    min=today
                    prop:value=move || form.date.get()
                    on:change=move |ev| form.date.set(event_target_value(&ev))
                />
                {field_error(lang, form.errors, "date")}
            </label>
            <div class="field">
                <span>{tr(lang, Msg::EntrySlot)}</span>
                <div class="chips">
                    {move || {
                        let mut chips: Vec<AnyView> = form.catalog.with(|c| {
                            c.iter()
                                .flat_map(|c| c.slots.iter())
                                .map(|s| chip(Some(s.id.clone()), format!("{}–{}", s.start, s.end)).into_any())
                                .collect()
                        });
                        chips.push(chip(None, t(lang.get(), Msg::NoEntry).to_owned()).into_any());
                        chips
                    }}
                </div>
                {field_error(lang, form.errors, "slot_id")}
            </div>
        </section>
    }
}

#[component]
fn PartyPicker() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<BookForm>();
    let lang = ctx.lang;
    let toggle = move |id: i64| {
        form.party.update(|p| {
            if let Some(at) = p.iter().position(|(t, _)| *t == id) {
                p.remove(at);
            } else {
                p.push((id, false));
            }
        });
    };
    let student = move |id: i64, on: bool| {
        form.party.update(|p| {
            if let Some(m) = p.iter_mut().find(|(t, _)| *t == id) {
                m.1 = on;
            }
        });
    };
    view! {
        <section class="card block" data-test="party">
            <h2>{tr(lang, Msg::Party)}</h2>
            {move || {
                let lang = lang.get();
                if ctx.session.with(Option::is_none) {
                    return view! {
                        <button class="secondary" data-test="book-sign-in" on:click=move |_| ctx.open(Tab::Me)>
                            {t(lang, Msg::SignInToBook)}
                        </button>
                    }
                    .into_any();
                }
                let travellers = form.travellers.get();
                if travellers.is_empty() {
                    return view! {
                        <button class="secondary" on:click=move |_| ctx.open(Tab::Me)>
                            {t(lang, Msg::AddTravellerFirst)}
                        </button>
                    }
                    .into_any();
                }
                let party = form.party.get();
                let errors = form.errors.get();
                travellers
                    .into_iter()
                    .map(|tr| {
                        let id = tr.id;
                        let at = party.iter().position(|(t, _)| *t == id);
                        let is_student = at.is_some_and(|i| party[i].1);
                        let problem = at.and_then(|i| message(&errors, &format!("travellers[{i}]"), lang));
                        view! {
                            <div class="member" data-test="party-member" data-id=id.to_string() class:chosen=at.is_some()>
                                <label class="check">
                                    <input type="checkbox" data-test="party-pick" prop:checked=at.is_some() on:change=move |_| toggle(id) />
                                    <span>
                                        <strong>{tr.name}</strong>
                                        <small>{format!("{} · {}", tr.id_masked, tr.birth_date)}</small>
                                    </span>
                                </label>
                                {at.is_some().then(|| view! {
                                    <label class="check small">
                                        <input type="checkbox" data-test="party-student" prop:checked=is_student
                                            on:change=move |ev| student(id, event_target_checked(&ev)) />
                                        <span>{t(lang, Msg::Student)}</span>
                                    </label>
                                })}
                                {problem.map(|p| view! { <p class="field-error" data-test="field-error" data-field="travellers[]">{p}</p> })}
                            </div>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
            {field_error(lang, form.errors, "travellers")}
        </section>
    }
}

#[component]
fn AddOns() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<BookForm>();
    let lang = ctx.lang;
    let toggle = move |id: String| {
        form.add_ons.update(|a| {
            if let Some(at) = a.iter().position(|x| *x == id) {
                a.remove(at);
            } else {
                a.push(id);
            }
        });
    };
    view! {
        <section class="card block" data-test="add-ons">
            <h2>{tr(lang, Msg::AddOns)}</h2>
            {move || {
                let lang = lang.get();
                let chosen = form.add_ons.get();
                let errors = form.errors.get();
                let options: Vec<(String, String, String)> = form.catalog.with(|c| {
                    let Some(c) = c else { return vec![] };
                    let rides = c.cable_cars.iter().map(|l| {
                        (l.id.clone(), l.name.get(lang).to_owned(),
                         format!("{} · {} → {}", i18n::lift_kind(lang, l.kind), l.lower.name.get(lang), l.upper.name.get(lang)))
                    });
                    let rentals = c.tickets.iter().filter(|t| t.kind != TicketKind::Entry)
                        .map(|t| (t.id.clone(), t.name.get(lang).to_owned(), String::new()));
                    rides.chain(rentals).collect()
                });
                options
                    .into_iter()
                    .map(|(id, name, detail)| {
                        let at = chosen.iter().position(|x| *x == id);
                        let problem = at.and_then(|i| message(&errors, &format!("add_ons[{i}]"), lang));
                        let pick = id.clone();
                        view! {
                            <label class="check option" data-test="add-on" data-id=id>
                                <input type="checkbox" prop:checked=at.is_some() on:change=move |_| toggle(pick.clone()) />
                                <span>
                                    <strong>{name}</strong>
                                    <small>{detail}</small>
                                    {problem.map(|p| view! { <em class="field-error">{p}</em> })}
                                </span>
                            </label>
                        }
                    })
                    .collect_view()
            }}
        </section>
    }
}

#[component]
fn HotelPicker() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<BookForm>();
    let lang = ctx.lang;
    let pick_hotel = move |id: String| {
        let first_room = form.catalog.with_untracked(|c| {
            c.as_ref()
                .and_then(|c| c.hotels.iter().find(|h| h.id == id))
                .and_then(|h| h.room_types.first())
                .map(|r| r.id.clone())
        });
        form.hotel_id.set(id);
        form.room_type.set(first_room.unwrap_or_default());
    };
    let numbers = move |max: u8, current: RwSignal<u8>| {
        (1..=max)
            .map(|n| {
                view! { <option value=n.to_string() prop:selected=move || current.get() == n>{n}</option> }
            })
            .collect_view()
    };
    view! {
        <section class="card block" data-test="hotel">
            <label class="check">
                <input
                    type="checkbox"
                    data-test="hotel-on"
                    prop:checked=move || form.hotel_on.get()
                    on:change=move |ev| form.hotel_on.set(event_target_checked(&ev))
                />
                <span><strong>{tr(lang, Msg::AddHotel)}</strong></span>
            </label>
            {move || form.hotel_on.get().then(|| {
                let lang = lang.get();
                let hotels: Vec<(String, String)> = form.catalog.with(|c| c.iter().flat_map(|c| c.hotels.iter()).map(|h| {
                    (h.id.clone(), format!("{} · {} {}", h.name.get(lang), i18n::area(lang, h.area), i18n::grade(h.grade)))
                }).collect());
                let rooms = move || {
                    let hotel = form.hotel_id.get();
                    form.catalog.with(|c| c.iter().flat_map(|c| c.hotels.iter()).filter(|h| h.id == hotel)
                        .flat_map(|h| h.room_types.iter())
                        .map(|r| (r.id.clone(), r.name.get(lang).to_owned(), r.sleeps))
                        .collect::<Vec<_>>())
                };
                view! {
                    <div class="hotel-fields">
                        <label class="field wide">
                            <span>{t(lang, Msg::Hotels)}</span>
                            <select data-test="hotel-select" on:change=move |ev| pick_hotel(event_target_value(&ev))>
                                {hotels.into_iter().map(|(id, label)| {
                                    let selected = id.clone();
                                    view! { <option value=id prop:selected=move || form.hotel_id.get() == selected>{label}</option> }
                                }).collect_view()}
                            </select>
                            {field_error(ctx.lang, form.errors, "hotel.hotel_id")}
                        </label>
                        <label class="field wide">
                            <span>{t(lang, Msg::RoomType)}</span>
                            <select data-test="room-select" on:change=move |ev| form.room_type.set(event_target_value(&ev))>
                                {move || rooms().into_iter().map(|(id, name, sleeps)| {
                                    let selected = id.clone();
                                    let label = match lang {
                                        Lang::Zh => format!("{name}（可住{sleeps}人）"),
                                        Lang::En => format!("{name} (sleeps {sleeps})"),
                                    };
                                    view! { <option value=id prop:selected=move || form.room_type.get() == selected>{label}</option> }
                                }).collect_view()}
                            </select>
                            {field_error(ctx.lang, form.errors, "hotel.room_type_id")}
                        </label>
                        <label class="field">
                            <span>{t(lang, Msg::Rooms)}</span>
                            <select data-test="rooms" on:change=move |ev| form.rooms.set(event_target_value(&ev).parse().unwrap_or(1))>
                                {numbers(MAX_ROOMS, form.rooms)}
                            </select>
                        </label>
                        <label class="field">
                            <span>{t(lang, Msg::Nights)}</span>
                            <select data-test="nights" on:change=move |ev| form.nights.set(event_target_value(&ev).parse().unwrap_or(1))>
                                {numbers(MAX_NIGHTS, form.nights)}
                            </select>
                        </label>
                        <div class="wide">
                            {field_error(ctx.lang, form.errors, "hotel.rooms")}
                            {field_error(ctx.lang, form.errors, "hotel.nights")}
                        </div>
                    </div>
                }
            })}
        </section>
    }
}

#[component]
fn ShuttlePicker() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<BookForm>();
    let lang = ctx.lang;
    let departures = move |line: &str| -> Vec<ClockTime> {
        form.catalog.with(|c| {
            c.iter()
                .flat_map(|c| c.shuttles.iter())
                .find(|s| s.id == line)
                .map(|s| s.timetable.departures().collect())
                .unwrap_or_default()
        })
    };
    let add = move |_| {
        let first = form.catalog.with_untracked(|c| {
            c.as_ref()
                .and_then(|c| c.shuttles.first())
                .and_then(|s| Some((s.id.clone(), s.timetable.departures().next()?)))
        });
        if let Some((line_id, departure)) = first {
            form.shuttles
                .update(|s| s.push(ShuttleSeat { line_id, departure }));
        }
    };
    let set_line = move |i: usize, line: String| {
        let first = departures(&line).first().copied();
        form.shuttles.update(|s| {
            if let (Some(seat), Some(first)) = (s.get_mut(i), first) {
                seat.departure = first;
                seat.line_id = line;
            }
        });
    };
    let set_time = move |i: usize, value: String| {
        if let Ok(time) = value.parse::<ClockTime>() {
            form.shuttles.update(|s| {
                if let Some(seat) = s.get_mut(i) {
                    seat.departure = time;
                }
            });
        }
    };
    view! {
        <section class="card block" data-test="shuttles">
            <h2>{tr(lang, Msg::Shuttles)}</h2>
            {move || {
                let lang = lang.get();
                let lines: Vec<(String, String)> = form.catalog.with(|c| c.iter().flat_map(|c| c.shuttles.iter())
                    .map(|s| (s.id.clone(), s.name.get(lang).to_owned())).collect());
                form.shuttles.get().into_iter().enumerate().map(|(i, seat)| {
                    let times = departures(&seat.line_id);
                    let line_options = lines.iter().map(|(id, name)| {
                        view! { <option value=id.clone() prop:selected=*id == seat.line_id>{name.clone()}</option> }
                    }).collect_view();
                    let time_options = times.into_iter().map(|time| {
                        view! { <option value=time.to_string() prop:selected=time == seat.departure>{time.to_string()}</option> }
                    }).collect_view();
                    view! {
                        <div class="shuttle-row" data-test="shuttle-row">
                            <label class="field">
                                <span>{t(lang, Msg::Line)}</span>
                                <select data-test="shuttle-line" on:change=move |ev| set_line(i, event_target_value(&ev))>{line_options}</select>
                            </label>
                            <label class="field">
                                <span>{t(lang, Msg::Departure)}</span>
                                <select data-test="shuttle-departure" on:change=move |ev| set_time(i, event_target_value(&ev))>{time_options}</select>
                            </label>
                            <button type="button" class="link" on:click=move |_| form.shuttles.update(|s| { if i < s.len() { s.remove(i); } })>
                                {t(lang, Msg::Remove)}
                            </button>
                            {field_error(ctx.lang, form.errors, format!("shuttles[{i}].departure"))}
                            {field_error(ctx.lang, form.errors, format!("shuttles[{i}].line_id"))}
                        </div>
                    }
                }).collect_view()
            }}
            <button type="button" class="secondary" data-test="add-shuttle" on:click=add>
                {tr(lang, Msg::AddShuttle)}
            </button>
        </section>
    }
}

#[component]
fn PaymentPicker() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<BookForm>();
    let lang = ctx.lang;
    view! {
        <section class="card block" data-test="payment">
            <h2>{tr(lang, Msg::Payment)}</h2>
            {payment_chips(lang, form.payment)}
        </section>
    }
}

/// The price breakdown and the Pay button: a side column on a desktop, after the form
/// on a phone, with the total and Pay kept in reach at the bottom.
#[component]
fn Summary() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = expect_context::<BookForm>();
    let lang = ctx.lang;

    let pay = move |_| {
        if form.placing.get_untracked() {
            return;
        }
        let Some(request) = form.order_request() else {
            return;
        };
        if ctx.session.with_untracked(Option::is_none) {
            ctx.open(Tab::Me);
            return;
        }
        form.placing.set(true);
        form.outcome.set(None);
        spawn_local(async move {
            let placed = place_order(ctx, form.submission, request).await;
            form.placing.set(false);
            if let Some(Placed::Refused(e)) = &placed
                && !e.fields.is_empty()
            {
                form.errors.set(e.fields.clone());
            }
            form.outcome.set(placed);
        });
    };

    let guest_name = move |i: u32| {
        let members = form.members();
        members
            .get(i as usize)
            .map(|(t, _)| t.name.clone())
            .unwrap_or_default()
    };

    view! {
        <aside class="summary card" data-test="quote">
            <h2>{tr(lang, Msg::PriceBreakdown)}</h2>
            {move || {
                let lang = lang.get();
                match form.quote.get() {
                    None => view! { <p class="hint">{t(lang, Msg::QuoteEmpty)}</p> }.into_any(),
                    Some(q) => {
                        let saved = q.full_total.0 - q.total.0;
                        view! {
                            <ul class="lines">
                                {q.lines.into_iter().map(|line| {
                                    let who = line.guest.map(guest_name);
                                    let title = match who {
                                        Some(who) => format!("{} · {who}", line.name.get(lang)),
                                        None => line.name.get(lang).to_owned(),
                                    };
                                    let discounted = line.pay != line.full;
                                    view! {
                                        <li class="line" data-test="quote-line" data-product=line.product_id>
                                            <div class="line-head">
                                                <span class="line-name">{title}<small>{format!(" × {}", line.quantity)}</small></span>
                                                <span class="line-price">
                                                    {discounted.then(|| view! { <s>{line.full.display_yuan()}</s> })}
                                                    <strong>{line.pay.display_yuan()}</strong>
                                                </span>
                                            </div>
                                            <ul class="notes">
                                                {line.notes.into_iter().map(|n| view! { <li data-test="quote-note">{n.get(lang).to_owned()}</li> }).collect_view()}
                                            </ul>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {(!q.offers.is_empty()).then(|| view! {
                                <p class="offer" data-test="quote-offer">
                                    {
                                        let (colon, semicolon) = match lang {
                                            Lang::Zh => ("：", "；"),
                                            Lang::En => (": ", "; "),
                                        };
                                        let offers: Vec<&str> = q.offers.iter().map(|o| o.get(lang)).collect();
                                        format!("{}{colon}{}", t(lang, Msg::OffersApplied), offers.join(semicolon))
                                    }
                                </p>
                            })}
                            {(saved > 0).then(|| view! {
                                <p class="savings" data-test="quote-savings">
                                    {format!("{} {}", t(lang, Msg::YouSave), tongyou_core::catalog::Fen(saved).display_yuan())}
                                </p>
                            })}
                        }
                        .into_any()
                    }
                }
            }}
            {field_error(lang, form.errors, "combo")}
            {move || form.outcome.get().map(|o| {
                let lang = lang.get();
                let text = match o {
                    // The platform says what happened and what to do; without its words,
                    // say at least that nothing was charged.
                    Placed::Failed(problem) => {
                        let why = problem
                            .map(|p| p.get(lang).to_owned())
                            .unwrap_or_else(|| t(lang, Msg::OrderFailedWhat).to_owned());
                        format!("{why} {}", t(lang, Msg::ChoicesKept))
                    }
                    Placed::NotSent => t(lang, Msg::OfflineNotSent).to_owned(),
                    Placed::Refused(e) if !e.fields.is_empty() => t(lang, Msg::FixFields).to_owned(),
                    Placed::Refused(e) => ctx.explain(&e),
                };
                view! { <p class="problem" role="alert" data-test="book-outcome">{text}</p> }
            })}
            <div class="paybar">
                <div class="total">
                    <span>{tr(lang, Msg::Total)}</span>
                    <strong data-test="quote-total">
                        {move || form.quote.with(|q| q.as_ref().map(|q| q.total.display_yuan()).unwrap_or_else(|| "—".into()))}
                    </strong>
                </div>
                <button
                    class="primary"
                    data-test="pay"
                    disabled=move || form.placing.get() || form.quote.with(Option::is_none)
                    on:click=pay
                >
                    {move || t(lang.get(), if form.placing.get() { Msg::Paying } else { Msg::Pay })}
                </button>
            </div>
        </aside>
    }
}
