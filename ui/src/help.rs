//! Help: the button on every screen (and on each pass and timeline item, about that one),
//! the sheet that asks for help in one tap, the Help screen with the tourist's cases and
//! shares (`/help`), and one case's chat (`/help/{id}`; a negative id is a request still
//! waiting to be sent). Cases read from the device, so the chat shows with no network.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{Author, Case, CaseCategory, CaseRequest, CaseState, Lang, Share};
use tongyou_core::support::MAX_MESSAGE;

use crate::ctx::{Ctx, Tab, guide_path};
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;
use crate::time::short_time;

/// What a help button is about, when it is on one pass or one timeline item.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpAbout {
    /// The pass id or timeline item id, sent with the case.
    pub item: String,
    pub trip_id: Option<String>,
    /// What the sheet says the request is about.
    pub label: String,
    pub category: CaseCategory,
}

/// Help's shared state: the open sheet, and the cases as the device last read them (for
/// the unread count on every screen).
#[derive(Clone, Copy)]
pub struct Help {
    /// `Some(None)`: the sheet is open, about nothing in particular.
    pub sheet: RwSignal<Option<Option<HelpAbout>>>,
    pub cases: RwSignal<Vec<Case>>,
    /// Bumped when the shell says a case changed (a live message).
    pub changed: RwSignal<u64>,
}

impl Help {
    pub fn new() -> Help {
        Help {
            sheet: RwSignal::new(None),
            cases: RwSignal::new(Vec::new()),
            changed: RwSignal::new(0),
        }
    }

    /// Reads the cases again (from the platform when it answers, else the device).
    pub fn reload(self) {
        spawn_local(async move {
            if let Ok(cases) = ipc::cases().await {
                self.cases.set(cases);
            }
        });
    }

    fn unread(self) -> u32 {
        self.cases.with(|c| c.iter().map(|c| c.unread).sum())
    }
}

/// The help button. With `about`, it asks about that pass or item.
#[component]
pub fn HelpButton(#[prop(optional)] about: Option<HelpAbout>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let help = expect_context::<Help>();
    let lang = ctx.lang;
    let on_item = about.is_some();
    let open = move |_| help.sheet.set(Some(about.clone()));
    view! {
        <button
            class=if on_item { "secondary help-item" } else { "help-button" }
            data-test=if on_item { "help-item" } else { "help" }
            on:click=open
        >
            {tr(lang, Msg::HelpButton)}
            {move || {
                let n = help.unread();
                (!on_item && n > 0).then(|| view! { <span class="badge" data-test="help-unread">{n}</span> })
            }}
        </button>
    }
}

const CATEGORIES: [CaseCategory; 5] = [
    CaseCategory::GateRefused,
    CaseCategory::Transport,
    CaseCategory::Booking,
    CaseCategory::Safety,
    CaseCategory::Other,
];

fn category_key(category: CaseCategory) -> &'static str {
    match category {
        CaseCategory::GateRefused => "gate_refused",
        CaseCategory::Transport => "transport",
        CaseCategory::Booking => "booking",
        CaseCategory::Safety => "safety",
        CaseCategory::Other => "other",
    }
}

/// The sheet that asks for help: a category, an optional message, the trip shared with the
/// agent, where the tourist is. One tap on "Get help" is enough.
#[component]
pub fn HelpSheet(about: Option<HelpAbout>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let help = expect_context::<Help>();
    let lang = ctx.lang;
    let category = RwSignal::new(about.as_ref().map_or(CaseCategory::Other, |a| a.category));
    let message = RwSignal::new(String::new());
    let share = RwSignal::new(true);
    let place = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    // The trip to share: the one the button is on, else the trip under way or next.
    let trip_id = RwSignal::new(about.as_ref().and_then(|a| a.trip_id.clone()));
    if trip_id.get_untracked().is_none() {
        spawn_local(async move {
            if let Ok(snapshot) = ipc::trip().await {
                trip_id.set(snapshot.trip.map(|t| t.trip_id));
            }
        });
    }
    let item = about.as_ref().map(|a| a.item.clone());
    let label = about.map(|a| a.label);
    let send = move |_| {
        if sending.get_untracked() {
            return;
        }
        let request = CaseRequest {
            category: category.get_untracked(),
            message: message.get_untracked(),
            trip_id: share
                .get_untracked()
                .then(|| trip_id.get_untracked())
                .flatten(),
            item: item.clone(),
            location: None,
            asked_at: None,
        };
        let region = ctx
            .view
            .with_untracked(|v| v.as_ref().map(|v| v.region_id.clone()));
        let at = place.get_untracked();
        sending.set(true);
        spawn_local(async move {
            let place = (!at.is_empty()).then_some(at.as_str());
            match ipc::ask_for_help(&request, region.as_deref(), place).await {
                Ok(case) => {
                    help.sheet.set(None);
                    help.reload();
                    ctx.go(&format!("/help/{}", case.id));
                }
                Err(e) => ctx.fail_into(error, &e),
            }
            sending.set(false);
        });
    };
    let close = move |_| help.sheet.set(None);
    let signed_in = move || ctx.session.with(Option::is_some);
    view! {
        <div class="sheet-backdrop" on:click=close></div>
        <div class="help-sheet" role="dialog" aria-modal="true" data-test="help-sheet">
            <div class="help-head">
                <h2>{tr(lang, Msg::HelpTitle)}</h2>
                <button class="close" data-test="help-close" aria-label=tr(lang, Msg::Close) on:click=close>"×"</button>
            </div>
            {label.map(|l| view! { <p class="help-about" data-test="help-about">{move || format!("{} {l}", t(lang.get(), Msg::HelpAbout))}</p> })}
            <Show
                when=signed_in
                fallback=move || view! {
                    <p class="hint">{tr(lang, Msg::HelpSignInFirst)}</p>
                    <button class="primary" data-test="help-sign-in" on:click=move |_| {
                        help.sheet.set(None);
                        ctx.open(Tab::Me);
                    }>{tr(lang, Msg::SignIn)}</button>
                }
            >
                <div class="chips" role="radiogroup" aria-label=tr(lang, Msg::HelpWhat)>
                    {CATEGORIES.into_iter().map(|c| view! {
                        <button
                            class="chip"
                            role="radio"
                            data-test="help-category"
                            data-category=category_key(c)
                            class:active=move || category.get() == c
                            aria-checked=move || (category.get() == c).to_string()
                            on:click=move |_| category.set(c)
                        >
                            {move || i18n::case_category(lang.get(), c)}
                        </button>
                    }).collect_view()}
                </div>
                <label class="field">
                    <span>{tr(lang, Msg::HelpMessage)}</span>
                    <textarea
                        data-test="help-message"
                        rows="3"
                        prop:value=message
                        on:input=move |ev| {
                            message.set(event_target_value(&ev));
                            error.set(None);
                        }
                    ></textarea>
                    <small class="hint" data-test="help-count" class:over=move || message.with(|m| m.chars().count() > MAX_MESSAGE)>
                        {move || format!("{} / {MAX_MESSAGE}", message.with(|m| m.chars().count()))}
                    </small>
                </label>
                {move || trip_id.get().map(|_| view! {
                    <label class="check">
                        <input type="checkbox" data-test="help-share" prop:checked=share on:change=move |ev| share.set(event_target_checked(&ev)) />
                        <span>{tr(lang, Msg::HelpShareTrip)}</span>
                    </label>
                })}
                <label class="field">
                    <span>{tr(lang, Msg::HelpWhere)}</span>
                    <select data-test="help-place" on:change=move |ev| place.set(event_target_value(&ev))>
                        <option value="">{tr(lang, Msg::HelpNoPlace)}</option>
                        {move || {
                            let lang = lang.get();
                            ctx.view.with(|v| v.as_ref().map(|v| v.sights.iter().map(|s| view! {
                                <option value=s.id.clone()>{s.name.get(lang).to_owned()}</option>
                            }).collect_view()))
                        }}
                    </select>
                </label>
                {move || error.get().map(|e| view! { <p class="problem" role="alert" data-test="help-error">{e}</p> })}
                <button class="primary big" data-test="help-send" disabled=sending on:click=send.clone()>
                    {tr(lang, Msg::HelpSend)}
                </button>
                <button class="link" data-test="help-open-list" on:click=move |_| {
                    help.sheet.set(None);
                    ctx.open(Tab::Help);
                }>{tr(lang, Msg::HelpMine)}</button>
            </Show>
        </div>
    }
}

/// `/help`: the tourist's cases, newest first, and their shares with who viewed them.
#[component]
pub fn HelpScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let help = expect_context::<Help>();
    let lang = ctx.lang;
    help.reload();
    view! {
        <section class="screen help" data-test="help-screen">
            <header class="screen-head">
                <h1>{tr(lang, Msg::HelpScreenTitle)}</h1>
                <p class="hint">{tr(lang, Msg::HelpScreenHint)}</p>
            </header>
            <button class="primary" data-test="help-new" on:click=move |_| help.sheet.set(Some(None))>
                {tr(lang, Msg::HelpNew)}
            </button>
            <section class="block">
                <h2>{tr(lang, Msg::HelpCases)}</h2>
                {move || {
                    let lang = lang.get();
                    let cases = help.cases.get();
                    if cases.is_empty() {
                        return view! { <p class="empty-row" data-test="no-cases">{t(lang, Msg::HelpNoCases)}</p> }.into_any();
                    }
                    view! {
                        <ul class="rows">
                            {cases.into_iter().map(|c| case_line(ctx, lang, c)).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </section>
            <Shares />
        </section>
    }
}

fn case_line(ctx: Ctx, lang: Lang, case: Case) -> impl IntoView {
    let id = case.id;
    let last = case
        .messages
        .last()
        .map(|m| tongyou_core::support::preview(&m.text, 40))
        .unwrap_or_default();
    view! {
        <li>
            <button class="row case-line" data-test="case-line" data-case=id data-unread=case.unread on:click=move |_| ctx.go(&format!("/help/{id}"))>
                <span>
                    <strong>{i18n::case_category(lang, case.category)}</strong>
                    " · "
                    <span data-test="case-state">{i18n::case_state(lang, case.state, id < 0)}</span>
                    <br />
                    <small class="hint">{last}</small>
                </span>
                {(case.unread > 0).then(|| view! { <span class="badge">{case.unread}</span> })}
            </button>
        </li>
    }
}

/// The tourist's shares: share the trip with family, see who viewed each share, end one.
#[component]
fn Shares() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let shares = RwSignal::new(None::<Vec<Share>>);
    let error = RwSignal::new(None::<String>);
    let made = RwSignal::new(None::<String>);
    let hours = RwSignal::new(72u32);
    let trip_id = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match ipc::shares().await {
                Ok(list) => shares.set(Some(list)),
                Err(e) => {
                    shares.set(Some(Vec::new()));
                    ctx.fail_into(error, &e);
                }
            }
        });
    };
    load();
    spawn_local(async move {
        if let Ok(snapshot) = ipc::trip().await {
            trip_id.set(snapshot.trip.map(|t| t.trip_id));
        }
    });
    let share = move |_| {
        let Some(trip) = trip_id.get_untracked() else {
            return;
        };
        let hours = hours.get_untracked();
        spawn_local(async move {
            match ipc::share_trip(&trip, hours).await {
                Ok(share) => {
                    error.set(None);
                    made.set(share.path);
                    load();
                }
                Err(e) => ctx.fail_into(error, &e),
            }
        });
    };
    let end = move |id: i64| {
        spawn_local(async move {
            match ipc::end_share(id).await {
                Ok(_) => load(),
                Err(e) => ctx.fail_into(error, &e),
            }
        });
    };
    view! {
        <section class="block shares" data-test="shares">
            <h2>{tr(lang, Msg::SharesTitle)}</h2>
            <p class="hint">{tr(lang, Msg::SharesHint)}</p>
            {move || trip_id.get().map(|_| view! {
                <div class="inline">
                    <select data-test="share-hours" on:change=move |ev| {
                        hours.set(event_target_value(&ev).parse().unwrap_or(72));
                    }>
                        {[24u32, 72, 168, 720].into_iter().map(|h| view! {
                            <option value=h.to_string() selected=h == 72>{move || i18n::share_for(lang.get(), h)}</option>
                        }).collect_view()}
                    </select>
                    <button class="secondary" data-test="share-trip" on:click=share>{tr(lang, Msg::ShareTrip)}</button>
                </div>
            })}
            {move || made.get().map(|link| view! {
                <p class="sent" data-test="share-link">{move || t(lang.get(), Msg::ShareLinkMade)}" "<code>{link.clone()}</code></p>
            })}
            {move || error.get().map(|e| view! { <p class="problem" role="alert" data-test="share-error">{e}</p> })}
            {move || {
                let lang = lang.get();
                let list = shares.get()?;
                Some(if list.is_empty() {
                    view! { <p class="empty-row">{t(lang, Msg::NoShares)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="rows">
                            {list.into_iter().map(|s| {
                                let id = s.id;
                                let state = if s.live { "live" } else { "ended" };
                                view! {
                                    <li class="row share" data-test="share" data-share=id data-state=state>
                                        <div>
                                            <strong>{i18n::share_line(lang, &s)}</strong>
                                            <ul class="views" data-test="share-views">
                                                {s.views.iter().take(10).map(|v| view! {
                                                    <li data-test="share-view">{format!("{} · {} · {}", short_time(&v.at), v.who, i18n::share_what(lang, &v.what))}</li>
                                                }).collect_view()}
                                            </ul>
                                        </div>
                                        {s.live.then(|| view! {
                                            <button class="secondary" data-test="share-end" on:click=move |_| end(id)>{t(lang, Msg::ShareEnd)}</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                })
            }}
        </section>
    }
}

/// `/help/{id}`: one case's chat, read from the device and kept fresh while open.
#[component]
pub fn ChatScreen(id: i64) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let help = expect_context::<Help>();
    let lang = ctx.lang;
    let case = RwSignal::new(None::<Case>);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    // Read on open and whenever the shell says a case changed: the tourist sees it, so
    // it is read.
    Effect::new(move |_| {
        help.changed.track();
        spawn_local(async move {
            match ipc::read_case(id).await {
                Ok(read) => {
                    // Sent meanwhile: the platform's case has its own address.
                    if id < 0 && read.id > 0 {
                        ctx.navigate
                            .with_value(|go| go(&format!("/help/{}", read.id), true));
                    }
                    case.set(Some(read));
                    help.reload();
                }
                Err(e) => ctx.fail_into(error, &e),
            }
        });
    });
    let send = move || {
        let text = draft.get_untracked();
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        spawn_local(async move {
            match ipc::say(id, &text).await {
                Ok(now) => {
                    case.set(Some(now));
                    draft.set(String::new());
                    error.set(None);
                }
                // What was typed stays in the box.
                Err(e) => ctx.fail_into(error, &e),
            }
            sending.set(false);
        });
    };
    view! {
        <section class="screen chat" data-test="chat" data-case=id>
            <button class="link back" data-test="chat-back" on:click=move |_| ctx.open(Tab::Help)>
                {move || format!("‹ {}", t(lang.get(), Msg::HelpScreenTitle))}
            </button>
            {move || {
                let lang = lang.get();
                case.get().map(|c| {
                    let waiting = c.id < 0;
                    view! {
                        <header class="chat-head">
                            <h1>{i18n::case_category(lang, c.category)}</h1>
                            <p class="hint" data-test="chat-state" data-state=if waiting { "queued" } else { case_state_key(c.state) }>
                                {i18n::case_state(lang, c.state, waiting)}
                                {c.agent.clone().map(|a| format!(" · {a}"))}
                            </p>
                        </header>
                        {waiting.then(|| view! { <p class="waiting" role="status" data-test="case-waiting">{t(lang, Msg::HelpQueued)}</p> })}
                        <ol class="messages" data-test="chat-messages">
                            {c.messages.iter().map(|m| {
                                let author = match m.author {
                                    Author::Tourist => "tourist",
                                    Author::Agent => "agent",
                                    Author::System => "system",
                                };
                                view! {
                                    <li class=format!("bubble {author}") data-test="chat-message" data-author=author>
                                        {m.agent.clone().map(|a| view! { <small class="who">{a}</small> })}
                                        <span class="text">{message_text(ctx, lang, &m.text)}</span>
                                        <small class="at">{short_time(&m.at)}</small>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                        {c.messages.is_empty().then(|| view! { <p class="hint">{t(lang, Msg::HelpNoMessages)}</p> })}
                    }
                })
            }}
            {move || error.get().map(|e| view! { <p class="problem" role="alert" data-test="chat-error">{e}</p> })}
            <div class="chat-input">
                <textarea
                    data-test="chat-input"
                    rows="2"
                    aria-label=tr(lang, Msg::HelpMessage)
                    prop:value=draft
                    on:input=move |ev| draft.set(event_target_value(&ev))
                ></textarea>
                <button class="primary" data-test="chat-send" disabled=sending on:click=move |_| send()>
                    {tr(lang, Msg::Send)}
                </button>
            </div>
        </section>
    }
}

/// How an agent's "send a place" links a place: the guide opens on its card.
const PLACE_LINK: &str = "tongyou://place/";

/// A stretch of a chat message: words, or a place to open in the guide.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Words(&'a str),
    Place(&'a str),
}

fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(PLACE_LINK) {
        let after = &rest[start + PLACE_LINK.len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        if end == 0 {
            pieces.push(Piece::Words(&rest[..start + PLACE_LINK.len()]));
        } else {
            if start > 0 {
                pieces.push(Piece::Words(&rest[..start]));
            }
            pieces.push(Piece::Place(&after[..end]));
        }
        rest = &after[end..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Words(rest));
    }
    pieces
}

/// A message as it reads, each place link in it a link to that place's card.
fn message_text(ctx: Ctx, lang: Lang, text: &str) -> impl IntoView + use<> {
    pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Words(words) => words.to_owned().into_any(),
            Piece::Place(id) => {
                let open = id.to_owned();
                view! {
                    <a
                        class="place-link"
                        data-test="place-link"
                        data-poi=id.to_owned()
                        href=guide_path(Some(id), None)
                        on:click=move |ev| {
                            ev.prevent_default();
                            ctx.show_poi(&open);
                        }
                    >
                        {format!("{} ›", t(lang, Msg::OpenInGuide))}
                    </a>
                }
                .into_any()
            }
        })
        .collect_view()
}

fn case_state_key(state: CaseState) -> &'static str {
    match state {
        CaseState::Waiting => "waiting",
        CaseState::Claimed => "claimed",
        CaseState::Closed => "closed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_link_in_a_message_is_a_piece_of_its_own() {
        assert_eq!(
            pieces("地点：莲花峰 tongyou://place/lotus-peak，请前往"),
            vec![
                Piece::Words("地点：莲花峰 "),
                Piece::Place("lotus-peak"),
                Piece::Words("，请前往"),
            ]
        );
        assert_eq!(
            pieces("tongyou://place/a tongyou://place/"),
            vec![Piece::Place("a"), Piece::Words(" tongyou://place/")]
        );
        assert_eq!(pieces("no link"), vec![Piece::Words("no link")]);
    }
}
