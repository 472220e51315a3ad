//! What the console's screens share: the language, the signed-in agent, the live queue and
//! its stream's state, where each screen lives (its URL under `/console/`), and how a
//! failed call is explained. Screens depend on this module; it depends on none of them.

use std::rc::Rc;

use leptos::prelude::*;
use tongyou_core::api::{AgentMe, AgentRole, CaseDetail, ErrorCode, Lang};

use crate::api::{Failure, StreamState};
use crate::i18n::{Msg, t};
use crate::live_queue::LiveQueue;
use crate::time;

/// Where the platform serves the console.
pub const BASE: &str = "/console";

/// What a URL opens: the queue, one case beside it, or (supervisors) the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Queue,
    Case(i64),
    Audit,
}

impl Place {
    /// The place at `path`; anything unknown is the queue.
    pub fn of(path: &str) -> Place {
        let rest = path.strip_prefix(BASE).unwrap_or(path).trim_matches('/');
        match rest.split_once('/') {
            Some(("cases", id)) => id.parse().map_or(Place::Queue, Place::Case),
            _ if rest == "audit" => Place::Audit,
            _ => Place::Queue,
        }
    }

    pub fn path(self) -> String {
        match self {
            Place::Queue => format!("{BASE}/"),
            Place::Case(id) => format!("{BASE}/cases/{id}"),
            Place::Audit => format!("{BASE}/audit"),
        }
    }
}

/// Goes to a URL through the router, so Back returns.
pub type Navigate = Rc<dyn Fn(&str)>;

#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    /// The signed-in agent and the session's CSRF token; `None` shows the sign-in form.
    pub me: RwSignal<Option<AgentMe>>,
    /// Whether the page has asked the platform if its cookie still holds a session.
    pub checked: RwSignal<bool>,
    pub queue: RwSignal<LiveQueue>,
    pub stream: RwSignal<StreamState>,
    /// The open place, read from the URL.
    pub place: Memo<Place>,
    /// The browser's clock, moved on a tick, for waiting times.
    pub now_ms: RwSignal<f64>,
    /// Bumped when the open case has news on the queue's stream: it is read again.
    pub case_news: RwSignal<u64>,
    /// Why the desk went back to the sign-in form, said there once.
    pub notice: RwSignal<Option<Msg>>,
    pub navigate: StoredValue<Navigate, LocalStorage>,
}

impl Ctx {
    pub fn go(self, place: Place) {
        let path = place.path();
        self.navigate.with_value(|navigate| navigate(&path));
    }

    /// The session's CSRF token, for a write.
    pub fn csrf(self) -> String {
        self.me
            .with_untracked(|me| me.as_ref().map(|m| m.csrf.clone()))
            .unwrap_or_default()
    }

    pub fn is_supervisor(self) -> bool {
        self.me
            .with(|me| me.as_ref().is_some_and(|m| m.role == AgentRole::Supervisor))
    }

    /// Whether the agent named `agent` (a display name, as the queue shows it) is the one
    /// signed in here.
    pub fn is_me(self, agent: Option<&str>) -> bool {
        self.me
            .with(|me| me.as_ref().is_some_and(|m| Some(m.name.as_str()) == agent))
    }

    /// A failure that means the session has gone back to the sign-in form, saying so.
    /// Returns whether it did.
    pub fn signed_out_if_rejected(self, failure: &Failure) -> bool {
        let gone = failure.status == 401;
        if gone {
            self.notice.set(Some(Msg::SessionEnded));
            self.me.set(None);
        }
        gone
    }

    /// Words for a failed call, in the current language.
    pub fn explain(self, failure: &Failure) -> String {
        let lang = self.lang.get_untracked();
        let e = &failure.error;
        match failure.status {
            0 => t(lang, Msg::Unreachable).to_owned(),
            401 => t(lang, Msg::SessionEnded).to_owned(),
            403 => t(lang, Msg::NotAllowed).to_owned(),
            409 => format!("{} ({})", t(lang, Msg::Conflict), e.message),
            429 => locked(lang, failure.retry_after_s),
            _ if e.code == ErrorCode::Invalid && !e.fields.is_empty() => e
                .fields
                .iter()
                .map(|f| f.message.get(lang).to_owned())
                .collect::<Vec<_>>()
                .join(" "),
            _ => e.message.clone(),
        }
    }

    /// Explains `failure` into `place`, after signing out if the session is gone.
    pub fn fail_into(self, place: RwSignal<Option<String>>, failure: &Failure) {
        if !self.signed_out_if_rejected(failure) {
            place.set(Some(self.explain(failure)));
        }
    }
}

/// The case open beside the queue, as its parts (chat, composer, trip, actions) share it:
/// read through the platform once, and again when something says it changed.
#[derive(Clone, Copy)]
pub struct OpenCase {
    pub id: i64,
    pub detail: LocalResource<Result<CaseDetail, Failure>>,
    /// The case as last read well: a read that fails (the network, a moment) leaves what
    /// is shown, and a read that finds nothing new redraws nothing.
    pub latest: Memo<Option<CaseDetail>>,
    /// Bumped to read the case again (after a write, on news).
    pub reload: RwSignal<u64>,
}

impl OpenCase {
    pub fn new(ctx: Ctx, id: i64) -> OpenCase {
        let reload = RwSignal::new(0u64);
        let detail = LocalResource::new(move || {
            reload.track();
            ctx.case_news.track();
            crate::api::case(id)
        });
        let latest = Memo::new(
            move |before: Option<&Option<CaseDetail>>| match detail.get() {
                Some(Ok(detail)) => Some(detail),
                _ => before.cloned().flatten(),
            },
        );
        OpenCase {
            id,
            detail,
            latest,
            reload,
        }
    }

    pub fn read_again(self) {
        self.reload.update(|n| *n += 1);
    }

    pub fn latest(self) -> Option<CaseDetail> {
        self.latest.get()
    }
}

/// "Too many tries": when to try again, as a time and in minutes.
pub fn locked(lang: Lang, retry_after_s: Option<u32>) -> String {
    match retry_after_s {
        Some(s) => {
            let minutes = s.div_ceil(60);
            let at = time::clock_in(s);
            match lang {
                Lang::Zh => {
                    format!("尝试次数太多，已暂时锁定：请在 {at} 之后（约 {minutes} 分钟）再试")
                }
                Lang::En => format!(
                    "Too many tries: locked for now. Try again after {at} (in about {minutes} min)"
                ),
            }
        }
        None => t(lang, Msg::TooManyTries).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_and_each_case_have_a_url() {
        assert_eq!(Place::of("/console/"), Place::Queue);
        assert_eq!(Place::of("/console"), Place::Queue);
        assert_eq!(Place::of("/console/cases/42"), Place::Case(42));
        assert_eq!(Place::of("/console/cases/42/"), Place::Case(42));
        assert_eq!(Place::of("/console/cases/x"), Place::Queue);
        assert_eq!(Place::of("/console/elsewhere"), Place::Queue);
        assert_eq!(Place::of("/console/audit"), Place::Audit);
        for place in [Place::Queue, Place::Case(7), Place::Audit] {
            assert_eq!(Place::of(&place.path()), place);
        }
    }
}
