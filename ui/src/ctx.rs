//! What every screen shares: the context ([`Ctx`]: language, sync status, session, the
//! open screen), where each screen lives (its URL), how an error is explained and shown,
//! and one sync with the device. Screens depend on this module; it depends on none of them.

use std::rc::Rc;

use leptos::prelude::*;
use tongyou_core::api::{
    ApiError, DiscoverView, ErrorCode, GateStation, Lang, PlanKind, PlanParty, PlanRequest,
    Profile, Reminder, Session, SyncStatus,
};

use crate::i18n::{Msg, t};
use crate::ipc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Discover,
    /// The trip's timeline: the home screen while a trip is under way.
    Trip,
    Plan,
    Book,
    Tickets,
    Orders,
    Me,
    /// Gate mode, for staff: reached from Me, not from the navigation.
    Gate,
    /// Help: the tourist's cases and shares, reached from the help button.
    Help,
    /// The guide: panorama, map and walking routes from the pack on the device, reached
    /// from Discover, a chat's place link or a timeline item.
    Guide,
}

impl Tab {
    /// The screen's URL.
    pub fn path(self) -> &'static str {
        match self {
            Tab::Discover => "/",
            Tab::Trip => "/trip",
            Tab::Plan => "/plan",
            Tab::Book => "/book",
            Tab::Tickets => "/tickets",
            Tab::Orders => "/orders",
            Tab::Me => "/me",
            Tab::Gate => "/gate",
            Tab::Help => "/help",
            Tab::Guide => "/guide",
        }
    }
}

/// What a URL opens: a screen, and on Orders one order, on Tickets one pass, on Plan one
/// of the three plans (`/plan/balanced`; the trip it belongs to is in the query, see
/// [`plan_query`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub tab: Tab,
    pub order: Option<i64>,
    pub pass: Option<String>,
    pub plan: Option<PlanKind>,
    /// On Trip, one timeline item (`/trip/{item id}`).
    pub item: Option<String>,
    /// On Help, one case's chat (`/help/{case id}`).
    pub case: Option<i64>,
    /// On Guide, one point of interest's card (`/guide/{poi id}`).
    pub poi: Option<String>,
}

impl Place {
    /// The place at `path`; anything unknown is Discover, the home screen.
    pub fn of(path: &str) -> Place {
        let mut parts = path.trim_matches('/').splitn(2, '/');
        let first = parts.next().unwrap_or_default();
        let rest = parts.next().filter(|r| !r.is_empty() && !r.contains('/'));
        let tab = match first {
            "trip" => Tab::Trip,
            "plan" => Tab::Plan,
            "book" => Tab::Book,
            "tickets" => Tab::Tickets,
            "orders" => Tab::Orders,
            "me" => Tab::Me,
            "gate" => Tab::Gate,
            "help" => Tab::Help,
            "guide" => Tab::Guide,
            _ => Tab::Discover,
        };
        Place {
            tab,
            order: rest
                .filter(|_| tab == Tab::Orders)
                .and_then(|id| id.parse().ok()),
            pass: rest.filter(|_| tab == Tab::Tickets).map(str::to_owned),
            plan: rest.filter(|_| tab == Tab::Plan).and_then(plan_kind_of),
            item: rest.filter(|_| tab == Tab::Trip).map(str::to_owned),
            case: rest
                .filter(|_| tab == Tab::Help)
                .and_then(|id| id.parse().ok()),
            poi: rest.filter(|_| tab == Tab::Guide).map(str::to_owned),
        }
    }
}

/// The guide's address: `poi`'s card open, seen from the viewpoint `at` (`?at=`; the
/// first viewpoint when `None`).
pub fn guide_path(poi: Option<&str>, at: Option<&str>) -> String {
    let mut path = match poi {
        Some(id) => format!("/guide/{id}"),
        None => Tab::Guide.path().to_owned(),
    };
    if let Some(at) = at {
        path.push_str(&format!("?at={at}"));
    }
    path
}

/// A plan's kind as its URL spells it.
pub fn plan_kind_slug(kind: PlanKind) -> &'static str {
    match kind {
        PlanKind::Budget => "budget",
        PlanKind::Balanced => "balanced",
        PlanKind::Comfort => "comfort",
    }
}

fn plan_kind_of(slug: &str) -> Option<PlanKind> {
    [PlanKind::Budget, PlanKind::Balanced, PlanKind::Comfort]
        .into_iter()
        .find(|k| plan_kind_slug(*k) == slug)
}

fn profile_slug(profile: Profile) -> &'static str {
    match profile {
        Profile::Family => "family",
        Profile::Seniors => "seniors",
        Profile::Culture => "culture",
        Profile::Night => "night",
        Profile::Leisure => "leisure",
    }
}

/// A trip request as a URL query (`region=huangshan&start=2026-12-10&days=2&adults=2&
/// children=9,6&seniors=0&profile=family&budget=1500`), so the plans for it have an address
/// a link can open: the same request gives the same plans.
pub fn plan_query(r: &PlanRequest) -> String {
    let children: Vec<String> = r.party.children.iter().map(u8::to_string).collect();
    let mut query = format!(
        "region={}&start={}&days={}&adults={}&children={}&seniors={}&profile={}",
        r.region_id,
        r.start,
        r.days,
        r.party.adults,
        children.join(","),
        r.party.seniors,
        profile_slug(r.profile),
    );
    if let Some(budget) = r.budget_yuan {
        query.push_str(&format!("&budget={budget}"));
    }
    query
}

/// The trip request a URL query asks for, if it names one completely; the platform (or
/// the device) still checks it as it checks one typed in.
pub fn plan_request_of(query: &str) -> Option<PlanRequest> {
    let get = |key: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    };
    let safe = |v: &str| {
        v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
    };
    let children = match get("children")? {
        "" => vec![],
        list => list
            .split(',')
            .map(str::parse)
            .collect::<Result<Vec<u8>, _>>()
            .ok()?,
    };
    let profile = get("profile")?;
    let profile = [
        Profile::Family,
        Profile::Seniors,
        Profile::Culture,
        Profile::Night,
        Profile::Leisure,
    ]
    .into_iter()
    .find(|p| profile_slug(*p) == profile)?;
    Some(PlanRequest {
        region_id: get("region").filter(|v| safe(v))?.to_owned(),
        start: get("start").filter(|v| safe(v))?.to_owned(),
        days: get("days")?.parse().ok()?,
        party: PlanParty {
            adults: get("adults")?.parse().ok()?,
            children,
            seniors: get("seniors")?.parse().ok()?,
        },
        profile,
        budget_yuan: match get("budget") {
            Some(b) => Some(b.parse().ok()?),
            None => None,
        },
    })
}

/// Goes to a URL through the router, so Back returns; `true` replaces the current entry
/// instead (closing something, so that Back does not open it again).
pub type Navigate = Rc<dyn Fn(&str, bool)>;

#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub status: RwSignal<SyncStatus>,
    pub view: RwSignal<Option<DiscoverView>>,
    pub booting: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    /// The open screen, order and pass: read from the URL (move with `go` and friends).
    pub tab: Memo<Tab>,
    /// Who is signed in on this device (without the token, which stays in the shell).
    pub session: RwSignal<Option<Session>>,
    /// The order shown on the Orders tab (`/orders/{id}`); `None` shows the list.
    pub open_order: Memo<Option<i64>>,
    /// The pass open full screen on the Tickets tab (`/tickets/{pass id}`).
    pub open_pass: Memo<Option<String>>,
    /// The timeline item open on the Trip tab (`/trip/{item id}`).
    pub open_item: Memo<Option<String>>,
    /// The point of interest whose card is open on the Guide (`/guide/{poi id}`).
    pub open_poi: Memo<Option<String>>,
    /// How far the guide pack's download has come, `(received, total)` bytes (total 0
    /// when unknown), from the shell's `guide-progress` events.
    pub guide_progress: RwSignal<Option<(u64, u64)>>,
    /// Bumped whenever the shell says the orders changed (a live event, a refresh): what
    /// shows the trip reads again.
    pub orders_changed: RwSignal<u64>,
    /// The trip's reminder the shell last showed, as the in-app banner.
    pub reminder: RwSignal<Option<Reminder>>,
    /// The plan open on the Plan tab (`/plan/{kind}`).
    pub open_plan: Memo<Option<PlanKind>>,
    /// The trip request the URL's query asks plans for (`/plan?region=…`).
    pub plan_request: Memo<Option<PlanRequest>>,
    /// The address last shown on the Plan tab (a plan open, with its trip), where the
    /// navigation's Plan button returns: the plans stay while the tourist signs in.
    pub plan_tab_at: StoredValue<String>,
    /// The gate station signed in on this device, when it is one.
    pub station: RwSignal<Option<GateStation>>,
    pub navigate: StoredValue<Navigate, LocalStorage>,
}

impl Ctx {
    /// Goes to `path` (a screen, an order, a pass); Back comes back.
    pub fn go(self, path: &str) {
        self.navigate.with_value(|navigate| navigate(path, false));
    }

    /// Closes what is open over a screen (a pass) by going to the screen in its place.
    pub fn close_to(self, tab: Tab) {
        self.navigate
            .with_value(|navigate| navigate(tab.path(), true));
    }

    /// Opens a screen.
    pub fn open(self, tab: Tab) {
        self.go(tab.path());
    }

    /// Opens a screen from the navigation: the Plan tab as it was left.
    pub fn open_tab(self, tab: Tab) {
        match tab {
            Tab::Plan => self.go(&self.plan_tab_at.get_value()),
            _ => self.open(tab),
        }
    }

    /// Opens one order's page.
    pub fn show_order(self, id: i64) {
        self.go(&format!("/orders/{id}"));
    }

    /// The plans for `request` (`kind`: one of them opened), at an address a link can open.
    /// `replace`: instead of the current entry, so Back does not come back to it.
    pub fn show_plans(self, request: &PlanRequest, kind: Option<PlanKind>, replace: bool) {
        let path = match kind {
            Some(kind) => format!("/plan/{}?{}", plan_kind_slug(kind), plan_query(request)),
            None => format!("/plan?{}", plan_query(request)),
        };
        self.navigate
            .with_value(|navigate| navigate(&path, replace));
    }

    /// Opens one timeline item.
    pub fn show_item(self, item_id: &str) {
        self.go(&format!("/trip/{item_id}"));
    }

    /// Opens the guide on one point of interest's card.
    pub fn show_poi(self, poi_id: &str) {
        self.go(&guide_path(Some(poi_id), None));
    }

    /// Opens one pass full screen.
    pub fn show_pass(self, pass_id: &str) {
        self.go(&format!("/tickets/{pass_id}"));
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
            // Only when it changed: drawing the whole screen again for the same data is
            // work the first frame would wait behind.
            if let Ok(view) = ipc::discover(region.as_deref()).await
                && ctx.view.with_untracked(|shown| *shown != view)
            {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_order_and_pass_has_a_url() {
        for tab in [
            Tab::Discover,
            Tab::Trip,
            Tab::Plan,
            Tab::Book,
            Tab::Tickets,
            Tab::Orders,
            Tab::Me,
            Tab::Gate,
            Tab::Help,
            Tab::Guide,
        ] {
            assert_eq!(Place::of(tab.path()).tab, tab);
        }
        let order = Place::of("/orders/42");
        assert_eq!((order.tab, order.order), (Tab::Orders, Some(42)));
        let pass = Place::of("/tickets/p-7");
        assert_eq!(
            (pass.tab, pass.pass.as_deref()),
            (Tab::Tickets, Some("p-7"))
        );
        assert_eq!(Place::of("/orders/x").order, None);
        assert_eq!(Place::of("/somewhere/else").tab, Tab::Discover);
        assert_eq!(Place::of("/orders/1/2").order, None);
        let plan = Place::of("/plan/comfort");
        assert_eq!((plan.tab, plan.plan), (Tab::Plan, Some(PlanKind::Comfort)));
        assert_eq!(Place::of("/plan/luxury").plan, None);
        assert_eq!(Place::of("/orders/comfort").plan, None);
        let item = Place::of("/trip/41-7-entry");
        assert_eq!(
            (item.tab, item.item.as_deref()),
            (Tab::Trip, Some("41-7-entry"))
        );
        assert_eq!(Place::of("/orders/41-7-entry").item, None);
        let poi = Place::of(&guide_path(Some("lotus-peak"), None));
        assert_eq!(
            (poi.tab, poi.poi.as_deref()),
            (Tab::Guide, Some("lotus-peak"))
        );
        assert_eq!(Place::of("/guide").poi, None);
        assert_eq!(Place::of("/trip/lotus-peak").poi, None);
        assert_eq!(
            guide_path(Some("lotus-peak"), Some("wenshu-terrace")),
            "/guide/lotus-peak?at=wenshu-terrace"
        );
    }

    #[test]
    fn a_trip_request_survives_its_url() {
        let mut request = PlanRequest {
            region_id: "huangshan".into(),
            start: "2026-12-10".into(),
            days: 3,
            party: PlanParty {
                adults: 2,
                children: vec![9, 6],
                seniors: 1,
            },
            profile: Profile::Seniors,
            budget_yuan: Some(2400),
        };
        assert_eq!(
            plan_request_of(&plan_query(&request)),
            Some(request.clone())
        );
        request.party.children.clear();
        request.budget_yuan = None;
        assert_eq!(
            plan_request_of(&plan_query(&request)),
            Some(request.clone())
        );
        // Incomplete or foreign queries ask for nothing.
        assert_eq!(plan_request_of(""), None);
        assert_eq!(plan_request_of("region=huangshan&start=2026-12-10"), None);
        let odd = plan_query(&request).replace("profile=seniors", "profile=astronauts");
        assert_eq!(plan_request_of(&odd), None);
        let sneaky = plan_query(&request).replace("region=huangshan", "region=%2F..%2F");
        assert_eq!(plan_request_of(&sneaky), None);
    }
}
