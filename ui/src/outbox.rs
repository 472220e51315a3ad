//! The tourist's offline writes on screen: what waits in the shell's outbox for the
//! platform (an order to cancel, a traveller to save or remove) and what the platform
//! refused, with the refusal said in the tourist's language and a way to dismiss it.
//!
//! Sending is the shell's, at every sync; this module only reads the outbox again after
//! each sync, so a pending state on screen clears itself once its write lands. It never
//! changes what a write does.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{ApiError, Lang, PendingWrite, WriteKind};

use crate::ctx::Ctx;
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;

/// The outbox as last read.
#[derive(Clone, Copy)]
pub struct Outbox {
    pub writes: RwSignal<Vec<PendingWrite>>,
}

impl Outbox {
    /// Reads the outbox now, and again after every sync (the app's loop sets the sync
    /// status each time, and the sync is what sends the outbox).
    pub fn watch(ctx: Ctx) -> Outbox {
        let outbox = Outbox {
            writes: RwSignal::new(Vec::new()),
        };
        Effect::new(move |_| {
            ctx.status.track();
            outbox.reload(ctx);
        });
        outbox
    }

    pub fn reload(self, ctx: Ctx) {
        spawn_local(self.read(ctx));
    }

    /// Reads the outbox, for a caller that must have it before going on.
    pub async fn read(self, ctx: Ctx) {
        match ipc::outbox().await {
            Ok(list) => self.writes.set(list),
            Err(e) => ctx.fail(&e),
        }
    }

    /// Reads the outbox after the tourist made a write. The shell tried to send just
    /// then, oldest write first; if that found no platform, the badge says offline now
    /// rather than at the next sync.
    pub async fn read_after_write(self, ctx: Ctx) {
        self.read(ctx).await;
        let unreachable = self.writes.with_untracked(|w| {
            w.iter()
                .find(|w| w.refusal.is_none())
                .and_then(|w| w.last_error.as_deref())
                .is_some_and(is_unreachable)
        });
        if unreachable {
            ctx.status.update(|s| s.online = Some(false));
        }
    }

    /// Clears a refused write from the device once the tourist has read it.
    pub fn dismiss(self, ctx: Ctx, id: i64) {
        spawn_local(async move {
            match ipc::outbox_dismiss(id).await {
                Ok(()) => self.writes.update(|w| w.retain(|w| w.id != id)),
                Err(e) => ctx.fail(&e),
            }
        });
    }

    /// The cancellation of `order_id` waiting or refused, if any (tracked).
    pub fn cancellation(self, order_id: i64) -> Option<PendingWrite> {
        self.writes.with(|w| {
            w.iter()
                .find(|w| w.kind == WriteKind::CancelOrder && w.order_id == Some(order_id))
                .cloned()
        })
    }

    /// How many traveller writes still wait (tracked): when it drops, the list of saved
    /// travellers has changed on the device.
    pub fn travellers_waiting(self) -> usize {
        self.writes.with(|w| {
            w.iter()
                .filter(|w| w.refusal.is_none() && w.kind != WriteKind::CancelOrder)
                .count()
        })
    }
}

/// A refusal in `lang`: what did not happen and why. The platform's own words are kept
/// for the fields it names (they come in both languages); otherwise its error code says
/// why, since its free-text message is not translated.
pub fn refusal_text(lang: Lang, kind: WriteKind, refusal: &ApiError) -> String {
    let reason = if refusal.fields.is_empty() {
        i18n::refusal_reason(lang, kind, refusal.code).to_owned()
    } else {
        refusal
            .fields
            .iter()
            .map(|f| f.message.get(lang).to_owned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    i18n::write_refused(lang, kind, &reason)
}

/// The shell's words for a try that found no platform.
fn is_unreachable(error: &str) -> bool {
    error.starts_with("the platform cannot be reached")
}

/// Why the latest try did not get through. The shell says it in English; the common case,
/// no network, is said in `lang`.
fn last_error_text(lang: Lang, error: &str) -> String {
    if is_unreachable(error) {
        t(lang, Msg::RetriedOnline).to_owned()
    } else {
        error.to_owned()
    }
}

/// What a write is about: the order, or the traveller as the device shows them.
fn subject(lang: Lang, w: &PendingWrite) -> String {
    match (&w.order_id, &w.traveller) {
        (Some(order), _) => i18n::order_no(lang, *order),
        (None, Some(tr)) => format!("{} · {}", tr.name, tr.id_masked),
        (None, None) => String::new(),
    }
}

/// A refused write: why, in the tourist's language, and the button that clears it; with
/// `subject`, also what it was about (where the page does not already say).
#[component]
pub fn RefusedWrite(
    outbox: Outbox,
    write: PendingWrite,
    #[prop(optional)] subject: bool,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let id = write.id;
    let kind = write.kind;
    let about = subject.then(|| {
        let write = write.clone();
        view! { <small data-test="write-refused-what">{move || self::subject(lang.get(), &write)}</small> }
    });
    let refusal = write.refusal.unwrap_or_else(|| ApiError {
        code: tongyou_core::api::ErrorCode::Internal,
        message: String::new(),
        fields: vec![],
    });
    let raw = refusal.message.clone();
    view! {
        <div class="problem refused" role="alert" data-test="write-refused" data-kind=kind_key(kind) title=raw>
            <span>
                <span data-test="write-refused-message">{move || refusal_text(lang.get(), kind, &refusal)}</span>
                {about}
            </span>
            <button class="secondary" data-test="outbox-dismiss" on:click=move |_| outbox.dismiss(ctx, id)>
                {tr(lang, Msg::GotIt)}
            </button>
        </div>
    }
}

/// The kind as the API spells it, for tests and CSS.
fn kind_key(kind: WriteKind) -> &'static str {
    match kind {
        WriteKind::CancelOrder => "cancel_order",
        WriteKind::AddTraveller => "add_traveller",
        WriteKind::RemoveTraveller => "remove_traveller",
        WriteKind::OpenCase => "open_case",
    }
}

/// The Me screen's "waiting to send" list: each write with what it is about and how its
/// tries went, refused ones with why. Nothing at all while the outbox is empty.
#[component]
pub fn OutboxPanel(outbox: Outbox) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    move || {
        let writes = outbox.writes.get();
        if writes.is_empty() {
            return None;
        }
        let (refused, waiting): (Vec<_>, Vec<_>) =
            writes.into_iter().partition(|w| w.refusal.is_some());
        // Refused writes get a heading of their own, the panel's when nothing waits.
        let refused_heading = match (waiting.is_empty(), refused.is_empty()) {
            (_, true) => None,
            (true, false) => Some(view! { <h2>{tr(lang, Msg::OutboxRefused)}</h2> }.into_any()),
            (false, false) => Some(view! { <h3>{tr(lang, Msg::OutboxRefused)}</h3> }.into_any()),
        };
        Some(view! {
            <section class="card outbox" data-test="outbox">
                {(!waiting.is_empty()).then(|| view! {
                    <h2>{tr(lang, Msg::Outbox)}</h2>
                    <p class="hint">{tr(lang, Msg::OutboxHint)}</p>
                    <ul class="rows">
                        {waiting.into_iter().map(|w| waiting_row(ctx, w)).collect_view()}
                    </ul>
                })}
                {refused_heading}
                {refused.into_iter().map(|w| view! { <RefusedWrite outbox=outbox write=w subject=true /> }).collect_view()}
            </section>
        })
    }
}

fn waiting_row(ctx: Ctx, w: PendingWrite) -> impl IntoView {
    let lang = ctx.lang;
    let tries = w.attempts;
    let kind = w.kind;
    let last_error = w.last_error.clone();
    let what = move || subject(lang.get(), &w);
    view! {
        <li class="row outbox-write" data-test="outbox-write" data-kind=kind_key(kind) data-attempts=tries.to_string()>
            <div>
                <strong>{move || i18n::write_kind(lang.get(), kind)}</strong>
                <small data-test="outbox-what">{what}</small>
                {last_error.map(|e| view! {
                    <small class="last-error" data-test="outbox-last-error">
                        {move || i18n::last_try(lang.get(), &last_error_text(lang.get(), &e))}
                    </small>
                })}
            </div>
            <span class="state pending" data-test="outbox-tries">{move || i18n::tries(lang.get(), tries)}</span>
        </li>
    }
}
