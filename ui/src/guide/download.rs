//! The guide pack's download: its size before, its progress during (the shell's
//! `guide-progress` events), the version held after. A failed download says why and keeps
//! the pack held before.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Guide;
use crate::ctx::Ctx;
use crate::i18n::{self, Msg, t, tr};
use crate::ipc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    Downloading,
    Done,
    Failed,
}

impl Phase {
    /// The progress bar's `data-state`.
    fn key(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Downloading => "downloading",
            Phase::Done => "done",
            Phase::Failed => "failed",
        }
    }
}

#[component]
pub(super) fn DownloadPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let guide = expect_context::<Guide>();
    let lang = ctx.lang;
    let phase = RwSignal::new(Phase::Idle);
    let error = RwSignal::new(None::<String>);
    let held = Memo::new(move |_| guide.pack.with(Option::is_some));
    let update_due = move || {
        held.get()
            && guide
                .status
                .with(|s| s.as_ref().is_some_and(|s| s.update_due()))
    };
    let latest_bytes = move || {
        guide
            .status
            .with(|s| s.as_ref().and_then(|s| s.latest.as_ref().map(|l| l.bytes)))
    };
    // Nothing held and no platform to fetch from: say so before the tourist tries.
    let needs_network = move || {
        !held.get()
            && (ctx.status.with(|s| s.online == Some(false))
                || guide
                    .status
                    .with(|s| s.as_ref().is_some_and(|s| s.latest.is_none())))
    };
    let get = move |_| {
        if phase.get_untracked() == Phase::Downloading {
            return;
        }
        phase.set(Phase::Downloading);
        error.set(None);
        ctx.guide_progress.set(None);
        let region = guide.region.get_value();
        spawn_local(async move {
            match ipc::download_guide(&region).await {
                Ok(pack) => {
                    guide.pack.set(Some(Arc::new(pack)));
                    phase.set(Phase::Done);
                    guide.read_status();
                }
                Err(e) => {
                    ctx.fail_into(error, &e);
                    phase.set(Phase::Failed);
                }
            }
        });
    };
    let label = move || {
        let msg = if !held.get() {
            Msg::GuideGet
        } else if update_due() {
            Msg::GuideUpdate
        } else {
            Msg::GuideCheck
        };
        t(lang.get(), msg)
    };
    // `value` and `max` left out while the total is unknown: the bar shows it is busy.
    let progress = move || match (phase.get(), ctx.guide_progress.get()) {
        (Phase::Done, Some((_, total))) if total > 0 => Some((total, total)),
        (Phase::Done, _) => Some((1, 1)),
        (_, Some((received, total))) if total > 0 => Some((received.min(total), total)),
        _ => None,
    };
    view! {
        <section class="guide-download" class:held=held data-test="guide-download">
            {move || (!held.get()).then(|| view! {
                <h2>{tr(lang, Msg::GuidePackTitle)}</h2>
                <p class="hint">{tr(lang, Msg::GuidePackHint)}</p>
            })}
            {move || {
                let lang = lang.get();
                guide.pack.with(|p| p.as_ref().map(|p| {
                    let since = guide.status.with(|s| s.as_ref().and_then(|s| s.downloaded_at.clone()));
                    view! {
                        <p class="held" data-test="guide-held" data-version=p.version.clone()>
                            {i18n::pack_held(lang, &p.version, since.as_deref())}
                        </p>
                    }
                }))
            }}
            {move || update_due().then(|| view! { <p class="note">{tr(lang, Msg::GuideUpdateDue)}</p> })}
            {move || needs_network().then(|| view! {
                <p class="waiting" data-test="guide-needs-network">{tr(lang, Msg::GuideNeedsNetwork)}</p>
            })}
            <div class="get-row">
                <button
                    class=move || if held.get() { "secondary" } else { "primary" }
                    data-test="guide-get"
                    disabled=move || phase.get() == Phase::Downloading
                    on:click=get
                >
                    {label}
                </button>
                {move || {
                    let bytes = latest_bytes().filter(|_| !held.get() || update_due())?;
                    Some(view! { <span class="size" data-test="guide-size">{i18n::pack_size(lang.get(), bytes)}</span> })
                }}
            </div>
            <progress
                data-test="guide-progress"
                data-state=move || phase.get().key()
                value=move || progress().map(|(received, _)| received.to_string())
                max=move || progress().map(|(_, total)| total.to_string())
            ></progress>
            {move || error.get().map(|e| view! {
                <p class="problem" role="alert" data-test="guide-error">{e}</p>
            })}
        </section>
    }
}
