//! What every screen shares: the context ([`Ctx`]: language, sync status, session, the
//! open screen), how an error is explained and shown, and one sync with the device.
//! Screens depend on this module; it depends on none of them.

use leptos::prelude::*;
use tongyou_core::api::{
    ApiError, DiscoverView, ErrorCode, GateStation, Lang, Session, SyncStatus,
};

use crate::i18n::{Msg, t};
use crate::ipc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Discover,
    Plan,
    Book,
    Tickets,
    Orders,
    Me,
    /// Gate mode, for staff: reached from Me, not from the navigation.
    Gate,
}

#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub status: RwSignal<SyncStatus>,
    pub view: RwSignal<Option<DiscoverView>>,
    pub booting: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    pub tab: RwSignal<Tab>,
    /// Who is signed in on this device (without the token, which stays in the shell).
    pub session: RwSignal<Option<Session>>,
    /// The order shown on the Orders tab; `None` shows the list.
    pub open_order: RwSignal<Option<i64>>,
    /// The gate station signed in on this device, when it is one.
    pub station: RwSignal<Option<GateStation>>,
}

impl Ctx {
    /// Opens one order's page.
    pub fn show_order(self, id: i64) {
        self.open_order.set(Some(id));
        self.tab.set(Tab::Orders);
    }

    /// Words for an error from the shell, in the current language.
    pub fn explain(self, e: &ApiError) -> String {
        let lang = self.lang.get_untracked();
        match e.code {
            ErrorCode::Offline => t(lang, Msg::OfflineNow).to_owned(),
            ErrorCode::Unauthorized => t(lang, Msg::SessionExpired).to_owned(),
            ErrorCode::TooManyRequests => t(lang, Msg::TooSoon).to_owned(),
            _ if !e.fields.is_empty() => e
                .fields
                .iter()
                .map(|f| f.message.get(lang).to_owned())
                .collect::<Vec<_>>()
                .join(" "),
            _ => e.message.clone(),
        }
    }

    /// The shell forgets a session the platform rejected; the screens learn it here.
    pub fn sign_out_if_rejected(self, e: &ApiError) {
        if e.code == ErrorCode::Unauthorized {
            self.session.set(None);
        }
    }

    /// An error the screen shows in `place`, explained.
    pub fn fail_into(self, place: RwSignal<Option<String>>, e: &ApiError) {
        self.sign_out_if_rejected(e);
        place.set(Some(self.explain(e)));
    }

    /// An error shown in the app's toast, explained.
    pub fn fail(self, e: &ApiError) {
        self.fail_into(self.error, e);
    }
}

/// Brings the catalogs in from the platform when it answers, then reads the screen's data
/// from the device again; a gate also syncs its station.
pub async fn sync_once(ctx: Ctx) {
    match ipc::sync_catalog().await {
        Ok(status) => {
            ctx.status.set(status);
            // Re-read from the device: new data, or at least fresher departure times.
            let region = ctx
                .view
                .with_untracked(|v| v.as_ref().map(|v| v.region_id.clone()));
            if let Ok(view) = ipc::discover(region.as_deref()).await {
                ctx.view.set(view);
            }
        }
        Err(e) => ctx.error.set(Some(e.message)),
    }
    // A gate uploads its scans and fetches revocations whenever it can (being offline is
    // not an error there: the station says so itself).
    if ctx.station.with_untracked(Option::is_some) {
        match ipc::gate_sync().await {
            Ok(station) => ctx.station.set(Some(station)),
            Err(e) => ctx.error.set(Some(e.message)),
        }
    }
}
