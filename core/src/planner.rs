//! The trip planner: three distinct, feasible, timed plans from dates, party and taste.
//!
//! Pure and deterministic: the caller hands in the catalog, what is still for sale
//! ([`Vacancy`]), the crowd [`Forecast`] and "now"; the same input always gives the same
//! plans. Each plan is built by walking the day forward in time:
//!
//! 1. reach the mountain: the shuttle from the gateway town on a real timetable departure,
//!    the entry gate inside a timed slot with places left, then up by cable car (or on foot
//!    for a budget plan whose party can climb);
//! 2. visit summit sights one after another, each time picking the next by walking time,
//!    interest for the party's profile and the forecast crowd when the party would get
//!    there. An off-peak plan postpones a sight forecast at 80 % or more when a quieter
//!    hour comes later that day, and says so in its reasons;
//! 3. end the day at a summit hotel with rooms left for every night, or on the last day
//!    ride down before the last car and take a shuttle back.
//!
//! Rules of pace: seniors (and any party with them) walk slower, rest every 90 minutes,
//! never take steep sights or a climb of more than 150 m on foot; children under 12 rest
//! every two hours, and under 6 skip the steep sights. Lunch comes between 11:30 and 13:30,
//! dinner at the hotel. The cost is the plan's combo priced by `booking::quote`, the same
//! rules the order is charged by.

mod build;
mod explain;
mod walk;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};

use crate::api::{
    Combo, HotelStay, OnTheDay, Plan, PlanBlocked, PlanDay, PlanKind, PlanRequest, PlanStep,
    Profile, ShuttleSeat, StepKind,
};
use crate::booking::{distance_m, quote};
use crate::calendar::HolidayCalendar;
use crate::catalog::{
    CableCar, Catalog, EntrySlot, Fen, GeoPoint, Hotel, HotelArea, LiftKind, RoomType, ShuttleLine,
    Sight,
};
use crate::clock::ClockTime;
use crate::crowd::{day_load, sight_percent};
use crate::pricing::Traveller;
use crate::text::Text;

/// Sights above this are on the summit, reached by lift or a long climb.
const SUMMIT_M: u32 = 1400;
/// A forecast at or above this is worth avoiding (LB/T 068-2017 yellow).
const CROWDED: u8 = 80;
/// A later hour below this is quiet enough to wait for.
const QUIET: u8 = 75;
/// How close a shuttle stop or gate must be to a lift station to serve it.
const NEAR_M: f64 = 500.0;

/// What is still for sale. Anything not listed is assumed to have its full capacity.
#[derive(Debug, Clone, Default)]
pub struct Vacancy {
    /// Entry places left per date and slot id.
    pub slots: BTreeMap<(NaiveDate, String), u32>,
    /// Rooms left per night, hotel id and room type id.
    pub rooms: BTreeMap<(NaiveDate, String, String), u32>,
}

impl Vacancy {
    fn slot_left(&self, date: NaiveDate, slot: &EntrySlot) -> u32 {
        self.slots
            .get(&(date, slot.id.clone()))
            .copied()
            .unwrap_or(slot.quota)
    }

    fn rooms_left(&self, date: NaiveDate, hotel: &Hotel, room: &RoomType) -> u32 {
        self.rooms
            .get(&(date, hotel.id.clone(), room.id.clone()))
            .copied()
            .unwrap_or(room.rooms)
    }
}

/// Forecast crowding per sight, date and hour, in percent.
#[derive(Debug, Clone, Default)]
pub struct Forecast {
    hours: HashMap<(NaiveDate, String), [u8; 24]>,
}

impl Forecast {
    /// The crowd model's forecast for `dates`, with `booked(date)` entry tickets sold.
    pub fn from_model(
        catalog: &Catalog,
        calendar: &HolidayCalendar,
        dates: &[NaiveDate],
        booked: impl Fn(NaiveDate) -> u32,
    ) -> Forecast {
        let mut forecast = Forecast::default();
        for &date in dates {
            let load = day_load(catalog, calendar, date, booked(date));
            for sight in &catalog.sights {
                let mut hours = [0u8; 24];
                for (hour, slot) in hours.iter_mut().enumerate() {
                    *slot = sight_percent(sight, &load, hour as u8);
                }
                forecast.hours.insert((date, sight.id.clone()), hours);
            }
        }
        forecast
    }

    /// Overrides one hour, as the platform does with live counts.
    pub fn set(&mut self, date: NaiveDate, sight: &str, hour: u8, percent: u8) {
        let hours = self
            .hours
            .entry((date, sight.to_owned()))
            .or_insert([0; 24]);
        if let Some(slot) = hours.get_mut(usize::from(hour)) {
            *slot = percent.min(100);
        }
    }

    pub fn at(&self, date: NaiveDate, sight: &str, hour: u8) -> u8 {
        self.hours
            .get(&(date, sight.to_owned()))
            .and_then(|h| h.get(usize::from(hour)).copied())
            .unwrap_or(0)
    }
}

/// Three plans (budget, off-peak, comfort), or the constraint that blocks any plan.
///
/// With a budget, a plan over it is made cheaper first (no audio guide, then a cheaper
/// room) and says so in its reasons; a plan still over it is left out; only when even
/// the budget plan is over it is the budget named as the block.
pub fn plan(
    catalog: &Catalog,
    request: &PlanRequest,
    vacancy: &Vacancy,
    forecast: &Forecast,
    now: NaiveDateTime,
) -> Result<Vec<Plan>, PlanBlocked> {
    let start = check_request(catalog, request, now)?;
    let world = World::of(catalog)?;
    let pace = Pace::of(request);
    let budget = request.budget_yuan.map(Fen::from_yuan);
    let mut plans: Vec<Plan> = Vec::new();
    let mut cheapest_over: Option<Plan> = None;
    for kind in [PlanKind::Budget, PlanKind::Balanced, PlanKind::Comfort] {
        let wanted = Style::of(kind, &pace, request.days);
        let mut style = Some(wanted.clone());
        while let Some(tried) = style.take() {
            let ctx = Ctx {
                catalog,
                request,
                vacancy,
                forecast,
                now,
                start,
                world: &world,
                pace: &pace,
                style: tried.clone(),
            };
            let mut plan = ctx.build()?;
            match budget {
                Some(budget) if plan.total > budget => {
                    style = tried.cheaper();
                    if style.is_none()
                        && cheapest_over.as_ref().is_none_or(|c| plan.total < c.total)
                    {
                        cheapest_over = Some(plan);
                    }
                }
                _ => {
                    if let Some(reason) = wanted.given_up_for(&tried, request.budget_yuan) {
                        plan.reasons.insert(0, reason);
                    }
                    // A plan made cheaper may come out as one already offered.
                    if !plans
                        .iter()
                        .any(|p| p.combo == plan.combo && p.days == plan.days)
                    {
                        plans.push(plan);
                    }
                }
            }
        }
    }
    match (plans.is_empty(), cheapest_over, request.budget_yuan) {
        (true, Some(over), Some(budget)) => Err(over_budget(budget, &over)),
        _ => Ok(plans),
    }
}

fn over_budget(budget: u32, cheapest: &Plan) -> PlanBlocked {
    let total = cheapest.total.display_yuan();
    blocked(
        "budget",
        format!("预算 ¥{budget} 不够：最省的方案也要 {total}。"),
        format!("A budget of ¥{budget} is not enough: the cheapest plan needs {total}."),
    )
}

fn blocked(constraint: &str, zh: String, en: String) -> PlanBlocked {
    PlanBlocked {
        constraint: constraint.to_owned(),
        message: Text::new(zh, en),
    }
}

fn check_request(
    catalog: &Catalog,
    request: &PlanRequest,
    now: NaiveDateTime,
) -> Result<NaiveDate, PlanBlocked> {
    let start: NaiveDate = crate::clock::parse_date(&request.start).ok_or_else(|| {
        blocked(
            "dates",
            "出发日期格式不对。".into(),
            "The first day is not a date.".into(),
        )
    })?;
    if start < now.date() {
        return Err(blocked(
            "dates",
            "出发日期已经过去了。".into(),
            "The first day is in the past.".into(),
        ));
    }
    if !(1..=5).contains(&request.days) {
        return Err(blocked(
            "dates",
            "行程可以是 1 到 5 天。".into(),
            "A trip can be 1 to 5 days.".into(),
        ));
    }
    let party = &request.party;
    if party.size() == 0 {
        return Err(blocked(
            "party",
            "至少要有一位游客。".into(),
            "The party needs at least one person.".into(),
        ));
    }
    if party.adults == 0 && party.seniors == 0 {
        return Err(blocked(
            "party",
            "儿童需要成人陪同。".into(),
            "Children need an adult with them.".into(),
        ));
    }
    if request.region_id != catalog.region.id {
        return Err(blocked(
            "party",
            "没有这个景区的数据。".into(),
            "This scenic area is not known.".into(),
        ));
    }
    Ok(start)
}

/// How the party moves.
#[derive(Debug, Clone)]
struct Pace {
    /// Walking takes this many times an adult's time.
    walk_factor: f64,
    rest_every: Option<u16>,
    /// Most metres climbed on one walk.
    max_climb: Option<u32>,
    avoid_steep: bool,
    seniors: bool,
    children: bool,
}

impl Pace {
    fn of(request: &PlanRequest) -> Pace {
        let party = &request.party;
        let seniors = party.seniors > 0 || request.profile == Profile::Seniors;
        let children = party.children.iter().any(|age| *age < 12);
        let small = party.children.iter().any(|age| *age < 6);
        if seniors {
            Pace {
                walk_factor: 1.5,
                rest_every: Some(90),
                max_climb: Some(150),
                avoid_steep: true,
                seniors,
                children,
            }
        } else {
            Pace {
                walk_factor: if children { 1.3 } else { 1.0 },
                rest_every: children.then_some(120),
                max_climb: small.then_some(300),
                avoid_steep: small,
                seniors,
                children,
            }
        }
    }

    fn can_climb_to_the_summit(&self) -> bool {
        self.max_climb.is_none() && !self.avoid_steep
    }
}

/// What distinguishes the three plans.
#[derive(Debug, Clone)]
struct Style {
    kind: PlanKind,
    /// Minutes after midnight the day starts in town.
    start: u16,
    room: RoomChoice,
    on_foot: bool,
    /// Score added per forecast percent.
    crowd_weight: f64,
    postpone: bool,
    audio_guide: bool,
    /// Extra minutes at each sight.
    linger: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RoomChoice {
    Cheapest,
    Middle,
    Best,
}

impl Style {
    fn of(kind: PlanKind, pace: &Pace, days: u8) -> Style {
        match kind {
            PlanKind::Budget => Style {
                kind,
                start: 6 * 60 + 30,
                room: RoomChoice::Cheapest,
                // A climb takes the morning: only worth it with a night on top.
                on_foot: pace.can_climb_to_the_summit() && days > 1,
                crowd_weight: 0.2,
                postpone: false,
                audio_guide: false,
                linger: 0,
            },
            PlanKind::Balanced => Style {
                kind,
                start: 7 * 60,
                room: RoomChoice::Middle,
                on_foot: false,
                crowd_weight: 1.0,
                postpone: true,
                audio_guide: false,
                linger: 0,
            },
            PlanKind::Comfort => Style {
                kind,
                start: 8 * 60,
                room: RoomChoice::Best,
                on_foot: false,
                crowd_weight: 0.6,
                postpone: true,
                audio_guide: true,
                linger: 15,
            },
        }
    }

    /// The same plan one step cheaper, for a budget: no audio guide first, then the next
    /// cheaper room; `None` when nothing is left to give up.
    fn cheaper(&self) -> Option<Style> {
        let mut next = self.clone();
        if next.audio_guide {
            next.audio_guide = false;
        } else {
            next.room = match next.room {
                RoomChoice::Best => RoomChoice::Middle,
                RoomChoice::Middle => RoomChoice::Cheapest,
                RoomChoice::Cheapest => return None,
            };
        }
        Some(next)
    }

    /// What this plan gave up to become `fitted`, said as a reason.
    fn given_up_for(&self, fitted: &Style, budget: Option<u32>) -> Option<Text> {
        let budget = budget?;
        let guide = self.audio_guide && !fitted.audio_guide;
        let room = fitted.room < self.room;
        let (zh, en) = match (guide, room) {
            (true, true) => (
                "不租讲解器，住更便宜的房型",
                "no audio guide and a cheaper room",
            ),
            (true, false) => ("不租讲解器", "no audio guide"),
            (false, true) => ("住更便宜的房型", "a cheaper room"),
            (false, false) => return None,
        };
        Some(Text::new(
            format!("为了不超出预算 ¥{budget}：{zh}。"),
            format!("To stay within the ¥{budget} budget: {en}."),
        ))
    }
}

/// A point the party can be at.
#[derive(Debug, Clone)]
struct Place {
    id: String,
    name: Text,
    at: GeoPoint,
    elevation_m: u32,
}

/// A way up or down: the shuttle from town, the gate, the lift.
#[derive(Debug, Clone)]
struct Route<'a> {
    lift: &'a CableCar,
    up_shuttle: &'a ShuttleLine,
    down_shuttle: &'a ShuttleLine,
    gate_id: String,
    gate_name: Text,
}

/// The region's fixed geography, worked out once.
struct World<'a> {
    routes: Vec<Route<'a>>,
    town: Place,
}

impl<'a> World<'a> {
    fn of(catalog: &'a Catalog) -> Result<World<'a>, PlanBlocked> {
        let near = |a: GeoPoint, b: GeoPoint| distance_m(a, b) <= NEAR_M;
        let routes: Vec<Route> = catalog
            .cable_cars
            .iter()
            .filter(|l| l.kind == LiftKind::CableCar)
            .filter_map(|lift| {
                let up_shuttle = catalog
                    .shuttles
                    .iter()
                    .find(|s| near(s.to.location, lift.lower.location))?;
                let down_shuttle = catalog
                    .shuttles
                    .iter()
                    .find(|s| near(s.from.location, lift.lower.location))?;
                let gate = catalog.gates.iter().find(|g| {
                    near(g.location, lift.lower.location)
                        && g.admits
                            .iter()
                            .any(|p| catalog.entry_ticket().is_some_and(|e| &e.id == p))
                })?;
                Some(Route {
                    lift,
                    up_shuttle,
                    down_shuttle,
                    gate_id: gate.id.clone(),
                    gate_name: gate.name.clone(),
                })
            })
            .collect();
        let Some(first) = routes.first() else {
            return Err(blocked(
                "party",
                "这个景区的数据里没有从镇上上山的路线。".into(),
                "The region's data has no way up from the town.".into(),
            ));
        };
        let town = Place {
            id: first.up_shuttle.id.clone(),
            name: first.up_shuttle.from.name.clone(),
            at: first.up_shuttle.from.location,
            elevation_m: first.lift.lower.elevation_m.saturating_sub(200),
        };
        Ok(World { routes, town })
    }
}

struct Ctx<'a> {
    catalog: &'a Catalog,
    request: &'a PlanRequest,
    vacancy: &'a Vacancy,
    forecast: &'a Forecast,
    now: NaiveDateTime,
    start: NaiveDate,
    world: &'a World<'a>,
    pace: &'a Pace,
    style: Style,
}

/// A day being written, minute by minute.
struct Day {
    date: NaiveDate,
    t: u16,
    at: Place,
    steps: Vec<PlanStep>,
    active: u16,
    lunch: bool,
}

impl Day {
    fn push(&mut self, kind: StepKind, minutes: u16, title: Text, place_id: Option<String>) {
        let start = self.t;
        self.t = (self.t + minutes.max(1)).min(24 * 60 - 1);
        self.active += minutes;
        self.steps.push(PlanStep {
            start: clock(start),
            end: clock(self.t),
            kind,
            title,
            place_id,
            walk: None,
            crowd: None,
        });
    }

    fn wait_until(&mut self, t: u16) {
        self.t = self.t.max(t);
    }
}

fn clock(minutes: u16) -> ClockTime {
    // Days are capped below 24:00, so this always exists.
    ClockTime::from_hm(minutes / 60, minutes % 60).unwrap_or(ClockTime::MIDNIGHT)
}

/// What happened while choosing sights, for the reasons.
struct Postponed {
    date: NaiveDate,
    sight: String,
    hour: u8,
    percent: u8,
    instead: Option<String>,
}

/// Boards the first departure at or after `earliest`; `None` when none is left today.
fn take_shuttle(day: &mut Day, shuttle: &ShuttleLine, earliest: u16) -> Option<ClockTime> {
    let departure = shuttle
        .timetable
        .departures()
        .find(|d| d.minutes() >= earliest)?;
    day.wait_until(departure.minutes());
    day.push(
        StepKind::Shuttle,
        shuttle.ride_minutes,
        shuttle.name.clone(),
        Some(shuttle.id.clone()),
    );
    Some(departure)
}

/// Rides a lift open `(open, close)`, waiting for it to open; false when the last car has
/// gone by the time the party gets there.
fn ride(day: &mut Day, lift: &CableCar, (open, close): (u16, u16)) -> bool {
    day.wait_until(open);
    if day.t + lift.ride_minutes > close {
        return false;
    }
    day.push(
        StepKind::Ride,
        lift.ride_minutes,
        lift.name.clone(),
        Some(lift.id.clone()),
    );
    true
}

fn kind_name(kind: PlanKind) -> Text {
    match kind {
        PlanKind::Budget => Text::new("经济", "Budget"),
        PlanKind::Balanced => Text::new("错峰", "Off-peak"),
        PlanKind::Comfort => Text::new("舒适", "Comfort"),
    }
}

fn sight_place(sight: &Sight) -> Place {
    Place {
        id: sight.id.clone(),
        name: sight.name.clone(),
        at: sight.location,
        elevation_m: sight.elevation_m,
    }
}

fn hotel_place(hotel: &Hotel) -> Place {
    Place {
        id: hotel.id.clone(),
        name: hotel.name.clone(),
        at: hotel.location,
        elevation_m: hotel.elevation_m,
    }
}

fn station(station: &crate::catalog::Station, lift_id: &str) -> Place {
    Place {
        id: lift_id.to_owned(),
        name: station.name.clone(),
        at: station.location,
        elevation_m: station.elevation_m,
    }
}

#[cfg(test)]
mod tests;
