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

impl Ctx<'_> {
    fn build(&self) -> Result<Plan, PlanBlocked> {
        let days = self.request.days;
        let (up, down) = self.routes();
        let slot = self.slot(up)?;
        let stay = if days > 1 { Some(self.hotel()?) } else { None };

        let mut visited: Vec<String> = Vec::new();
        let mut postponed: Vec<Postponed> = Vec::new();
        let mut plan_days = Vec::new();
        let mut combo = Combo {
            region_id: self.catalog.region.id.clone(),
            date: self.start.to_string(),
            slot_id: Some(slot.id.clone()),
            add_ons: Vec::new(),
            hotel: stay.map(|(hotel, room, rooms)| HotelStay {
                hotel_id: hotel.id.clone(),
                room_type_id: room.id.clone(),
                rooms,
                nights: days - 1,
            }),
            shuttles: Vec::new(),
        };
        let mut on_the_day = Vec::new();
        let mut reasons = Vec::new();
        let mut sunrise_at: Option<String> = None;

        for index in 0..days {
            let date = self.start + Days::new(u64::from(index));
            let first = index == 0;
            let last = index + 1 == days;
            let mut day = match (first, stay) {
                (true, _) | (false, None) => Day {
                    date,
                    t: self.style.start,
                    at: self.world.town.clone(),
                    steps: Vec::new(),
                    active: 0,
                    lunch: false,
                },
                (false, Some((hotel, _, _))) => Day {
                    date,
                    t: 7 * 60,
                    at: hotel_place(hotel),
                    steps: Vec::new(),
                    active: 0,
                    lunch: false,
                },
            };
            if first {
                let departure = self.climb(&mut day, up, slot)?;
                combo.shuttles.push(ShuttleSeat {
                    line_id: up.up_shuttle.id.clone(),
                    departure,
                });
                if !self.style.on_foot {
                    combo.add_ons.push(up.lift.id.clone());
                }
            } else if sunrise_at.is_none() {
                sunrise_at = self.sunrise(&mut day, &mut visited);
            }
            // When the day must end at the top of the way down, or at the hotel.
            let (end_place, end_by) = if last {
                let close = self.lift_hours(down.lift, date).1;
                let leave = close
                    .saturating_sub(down.lift.ride_minutes + 15)
                    .min(15 * 60 + 30);
                (station(&down.lift.upper, &down.lift.id), leave)
            } else {
                let (hotel, _, _) = stay.ok_or_else(|| self.no_rooms())?;
                let end = if self.request.profile == Profile::Night {
                    19 * 60
                } else {
                    18 * 60
                };
                (hotel_place(hotel), end)
            };
            self.sights(&mut day, &mut visited, &mut postponed, &end_place, end_by);
            self.walk(&mut day, &end_place);
            if last {
                self.descend(&mut day, down, &mut combo, &mut on_the_day)?;
            } else if let Some((hotel, _, _)) = stay {
                day.wait_until(hotel.check_in.minutes());
                day.push(
                    StepKind::Hotel,
                    15,
                    Text::new(
                        format!("入住{}", hotel.name.zh),
                        format!("Check in at {}", hotel.name.en),
                    ),
                    Some(hotel.id.clone()),
                );
                day.wait_until(18 * 60);
                day.push(
                    StepKind::Meal,
                    60,
                    Text::new("晚餐", "Dinner"),
                    Some(hotel.id.clone()),
                );
            }
            plan_days.push(PlanDay {
                date: date.to_string(),
                steps: day.steps,
            });
        }
        if self.style.audio_guide && self.catalog.tickets.iter().any(|t| t.id == "audio-guide") {
            combo.add_ons.push("audio-guide".into());
        }

        let travellers = self.travellers();
        let quote = quote(self.catalog, &combo, &travellers, self.now).map_err(|fields| {
            let first = fields.into_iter().next();
            let (zh, en) = first.map_or((String::new(), String::new()), |f| {
                (f.message.zh, f.message.en)
            });
            blocked("dates", zh, en)
        })?;
        let total =
            Fen(quote.total.0 + on_the_day.iter().map(|d: &OnTheDay| d.cost.0).sum::<i64>());
        self.explain(
            &mut reasons,
            &plan_days,
            &postponed,
            (up, down),
            stay,
            sunrise_at.as_deref(),
        );
        let (exposure, highlights) = self.summarise(&plan_days);
        Ok(Plan {
            kind: self.style.kind,
            title: kind_name(self.style.kind),
            days: plan_days,
            combo,
            quote,
            on_the_day,
            total,
            highlights,
            crowd_exposure: exposure,
            reasons,
        })
    }

    /// The way up and the way down: different lifts when there are two, so the party
    /// sees both sides; a budget climb goes up the second way on foot.
    fn routes(&self) -> (&Route<'_>, &Route<'_>) {
        let routes = &self.world.routes;
        let first = &routes[0];
        let second = routes.get(1).unwrap_or(first);
        if self.style.on_foot {
            (second, first)
        } else {
            (first, second)
        }
    }

    /// The first slot of day 1 from the plan's start with places for the whole party.
    fn slot(&self, route: &Route) -> Result<&EntrySlot, PlanBlocked> {
        let size = self.request.party.size();
        let arrive = self.style.start + 10 + route.up_shuttle.ride_minutes;
        let mut most = 0;
        let mut later = self
            .catalog
            .slots
            .iter()
            .filter(|s| s.end.minutes() > arrive)
            .collect::<Vec<_>>();
        later.sort_by_key(|s| s.start);
        for slot in &later {
            let left = self.vacancy.slot_left(self.start, slot);
            most = most.max(left);
            if left >= size {
                return Ok(slot);
            }
        }
        Err(blocked(
            "slots",
            format!(
                "{} 的入园时段余票都不够 {size} 人：最多只剩 {most} 张。请换一天，或分成几批入园。",
                self.start
            ),
            format!(
                "No entry slot on {} has places for {size}: at most {most} are left. Try another day or enter in smaller groups.",
                self.start
            ),
        ))
    }

    fn no_rooms(&self) -> PlanBlocked {
        let nights = self.request.days - 1;
        blocked(
            "rooms",
            format!(
                "山上没有哪家酒店连续 {nights} 晚都有够 {} 人住的空房。",
                self.request.party.size()
            ),
            format!(
                "No summit hotel has rooms for {} people on all {nights} nights.",
                self.request.party.size()
            ),
        )
    }

    /// The summit hotel and room type for the plan's style with rooms left every night,
    /// and how many rooms the party needs.
    fn hotel(&self) -> Result<(&Hotel, &RoomType, u8), PlanBlocked> {
        let size = self.request.party.size();
        let nights: Vec<NaiveDate> = (0..self.request.days - 1)
            .map(|i| self.start + Days::new(u64::from(i)))
            .collect();
        let season = self.catalog.season_on(self.start).map(|s| s.id.clone());
        let mut options: Vec<(&Hotel, &RoomType, u8, u32)> = Vec::new();
        for hotel in self
            .catalog
            .hotels
            .iter()
            .filter(|h| h.area == HotelArea::Summit)
        {
            for room in &hotel.room_types {
                let rooms = size.div_ceil(u32::from(room.sleeps.max(1)));
                let Ok(rooms_u8) = u8::try_from(rooms) else {
                    continue;
                };
                if nights
                    .iter()
                    .any(|d| self.vacancy.rooms_left(*d, hotel, room) < rooms)
                {
                    continue;
                }
                let price = season
                    .as_ref()
                    .and_then(|s| room.price.get(s))
                    .copied()
                    .unwrap_or_default();
                options.push((hotel, room, rooms_u8, price * rooms));
            }
        }
        if options.is_empty() {
            return Err(self.no_rooms());
        }
        // Cheapest first; ties by grade (better first), then id for a stable answer.
        options.sort_by(|a, b| {
            a.3.cmp(&b.3)
                .then(b.0.grade.cmp(&a.0.grade))
                .then(a.0.id.cmp(&b.0.id))
                .then(a.1.id.cmp(&b.1.id))
        });
        let pick = match self.style.room {
            RoomChoice::Cheapest => options[0],
            RoomChoice::Middle => {
                // The cheapest private room (not a dorm bed) at a grade-3 or better hotel.
                options
                    .iter()
                    .find(|o| o.1.sleeps >= 2 && o.0.grade >= 3)
                    .copied()
                    .unwrap_or(options[options.len() / 2])
            }
            RoomChoice::Best => {
                let best_grade = options.iter().map(|o| o.0.grade).max().unwrap_or(0);
                options
                    .iter()
                    .rev()
                    .find(|o| o.0.grade == best_grade)
                    .copied()
                    .unwrap_or(options[options.len() - 1])
            }
        };
        Ok((pick.0, pick.1, pick.2))
    }

    /// Day 1: shuttle, gate, and up. Returns the shuttle departure booked.
    fn climb(
        &self,
        day: &mut Day,
        route: &Route,
        slot: &EntrySlot,
    ) -> Result<ClockTime, PlanBlocked> {
        let shuttle = route.up_shuttle;
        // Leave town so as to reach the gate inside the slot.
        let earliest = day
            .t
            .max(slot.start.minutes().saturating_sub(shuttle.ride_minutes));
        let departure = take_shuttle(day, shuttle, earliest).ok_or_else(|| {
            blocked(
                "slots",
                format!("{}已经没有班次能赶上入园时段。", shuttle.name.zh),
                format!("No {} departure reaches the gate in time.", shuttle.name.en),
            )
        })?;
        day.at = station(&route.lift.lower, &route.lift.id);
        day.wait_until(slot.start.minutes());
        day.push(
            StepKind::Enter,
            10,
            Text::new(
                format!(
                    "{}检票入园（{}–{}）",
                    route.gate_name.zh, slot.start, slot.end
                ),
                format!(
                    "Enter at {} ({}–{})",
                    route.gate_name.en, slot.start, slot.end
                ),
            ),
            Some(route.gate_id.clone()),
        );
        let top = station(&route.lift.upper, &route.lift.id);
        if self.style.on_foot {
            self.walk(day, &top);
        } else {
            if !ride(day, route.lift, self.lift_hours(route.lift, day.date)) {
                return Err(blocked(
                    "slots",
                    format!("到达时{}已停运。", route.lift.name.zh),
                    format!(
                        "{} has closed by the time the party arrives.",
                        route.lift.name.en
                    ),
                ));
            }
            day.at = top;
        }
        Ok(departure)
    }

    /// The last day: ride down and take the shuttle back to town.
    fn descend(
        &self,
        day: &mut Day,
        down: &Route,
        combo: &mut Combo,
        on_the_day: &mut Vec<OnTheDay>,
    ) -> Result<(), PlanBlocked> {
        if !ride(day, down.lift, self.lift_hours(down.lift, day.date)) {
            return Err(blocked(
                "slots",
                format!("赶不上{}的末班车。", down.lift.name.zh),
                format!("The party cannot reach the last {} car.", down.lift.name.en),
            ));
        }
        day.at = station(&down.lift.lower, &down.lift.id);
        let size = i64::from(self.request.party.size());
        let one_day = self.request.days == 1;
        // A combo holds one ride per lift: going down the way one came up is paid on the day.
        if combo.add_ons.contains(&down.lift.id) {
            on_the_day.push(OnTheDay {
                name: down.lift.name.clone(),
                cost: Fen(self.season_price(&down.lift.price).0 * size),
            });
        } else {
            combo.add_ons.push(down.lift.id.clone());
        }
        let shuttle = down.down_shuttle;
        let departure = take_shuttle(day, shuttle, day.t).ok_or_else(|| {
            blocked(
                "slots",
                format!("下山后已经没有{}。", shuttle.name.zh),
                format!("No {} leaves after the ride down.", shuttle.name.en),
            )
        })?;
        if one_day {
            combo.shuttles.push(ShuttleSeat {
                line_id: shuttle.id.clone(),
                departure,
            });
        } else {
            on_the_day.push(OnTheDay {
                name: Text::new(
                    format!("{}（{} {}）", shuttle.name.zh, day.date, departure),
                    format!("{} ({} {})", shuttle.name.en, day.date, departure),
                ),
                cost: Fen(self.season_price(&shuttle.price).0 * size),
            });
        }
        Ok(())
    }

    fn season_price(&self, price: &crate::catalog::SeasonalPrice) -> Fen {
        let season = self.catalog.season_on(self.start);
        Fen::from_yuan(
            season
                .and_then(|s| price.get(&s.id))
                .copied()
                .unwrap_or_default(),
        )
    }

    /// Opening and closing minutes of a lift on a date.
    fn lift_hours(&self, lift: &CableCar, date: NaiveDate) -> (u16, u16) {
        let season = self.catalog.season_on(date).map(|s| s.id.as_str());
        lift.hours
            .iter()
            .find(|h| Some(h.season.as_str()) == season)
            .or_else(|| lift.hours.first())
            .map_or((8 * 60, 16 * 60), |h| (h.open.minutes(), h.close.minutes()))
    }

    /// A sunrise on the first morning on top, for profiles that want it and can walk out
    /// before dawn. The only visit that may repeat a sight: dawn there is another sight.
    fn sunrise(&self, day: &mut Day, visited: &mut Vec<String>) -> Option<String> {
        let wants = matches!(
            self.request.profile,
            Profile::Night | Profile::Culture | Profile::Family
        );
        if !wants || self.pace.seniors || self.style.kind == PlanKind::Budget && self.pace.children
        {
            return None;
        }
        // The nearest spot not seen yet, else the nearest.
        let spot = self
            .candidates()
            .filter(|s| s.tags.iter().any(|t| t == "sunrise"))
            .min_by_key(|s| {
                (
                    visited.contains(&s.id),
                    self.walk_minutes(&day.at, &sight_place(s)).0,
                    s.id.clone(),
                )
            })?;
        let place = sight_place(spot);
        let (minutes, _, _) = self.walk_minutes(&day.at, &place);
        day.t = (5u16 * 60 + 15).saturating_sub(minutes).max(4 * 60 + 30);
        self.walk(day, &place);
        day.wait_until(5 * 60 + 15);
        self.visit(day, spot, spot.visit_minutes);
        if !visited.contains(&spot.id) {
            visited.push(spot.id.clone());
        }
        Some(spot.id.clone())
    }

    /// Summit sights the party can do, in catalog order.
    fn candidates(&self) -> impl Iterator<Item = &Sight> + '_ {
        self.catalog.sights.iter().filter(|s| {
            s.elevation_m >= SUMMIT_M
                && !(self.pace.avoid_steep && s.tags.iter().any(|t| t == "steep"))
        })
    }

    fn interest(&self, sight: &Sight) -> f64 {
        let tagged = |t: &str| sight.tags.iter().any(|tag| tag == t);
        let mut score: f64 = if tagged("main-peak") { 2.0 } else { 1.0 };
        let liked: &[&str] = match self.request.profile {
            Profile::Family => &["family", "photo"],
            Profile::Seniors => &["family", "pines"],
            Profile::Culture => &["main-peak", "pines", "sunrise"],
            Profile::Night => &["sunset", "sunrise", "steep"],
            Profile::Leisure => &["photo", "pines", "family"],
        };
        for like in liked {
            if tagged(like) {
                score += 1.0;
            }
        }
        score
    }

    /// Greedy, crowd-aware visits until the day must end at `end` by `end_by`.
    fn sights(
        &self,
        day: &mut Day,
        visited: &mut Vec<String>,
        postponed: &mut Vec<Postponed>,
        end: &Place,
        end_by: u16,
    ) {
        let mut waiting: Vec<usize> = Vec::new();
        loop {
            // Lunch or a rest comes first if due, but only before another visit.
            let now = day.t + self.pause(day);
            let mut best: Option<(f64, &Sight, u16, u16)> = None;
            let mut held_back: Vec<(&Sight, u8, u8)> = Vec::new();
            // The earliest hour a held-back sight turns quiet.
            let mut resume: Option<u16> = None;
            for sight in self.candidates() {
                if visited.contains(&sight.id) {
                    continue;
                }
                let place = sight_place(sight);
                let (walk, _, climb) = self.walk_minutes(&day.at, &place);
                if self.pace.max_climb.is_some_and(|max| climb > max) {
                    continue;
                }
                let mut arrive = now + walk;
                if let Some(h) = &sight.hours {
                    arrive = arrive.max(h.open.minutes());
                }
                let stay = sight.visit_minutes + self.style.linger;
                let leave = arrive + stay;
                if sight
                    .hours
                    .as_ref()
                    .is_some_and(|h| leave > h.close.minutes())
                {
                    continue;
                }
                let (home, _, _) = self.walk_minutes(&place, end);
                if leave + home > end_by {
                    continue;
                }
                let hour = (arrive / 60) as u8;
                let crowd = self.forecast.at(day.date, &sight.id, hour);
                if self.style.postpone && crowd >= CROWDED {
                    let latest = ((end_by.saturating_sub(stay + home)) / 60) as u8;
                    if let Some(quiet) = (hour + 1..=latest)
                        .find(|h| self.forecast.at(day.date, &sight.id, *h) < QUIET)
                    {
                        held_back.push((sight, hour, crowd));
                        let at = u16::from(quiet) * 60;
                        resume = Some(resume.map_or(at, |r| r.min(at)));
                        continue;
                    }
                }
                // A sight held back earlier today goes first once it is quiet.
                let waited = postponed
                    .iter()
                    .any(|p| p.date == day.date && p.sight == sight.id);
                let score = f64::from(arrive - now) + self.style.crowd_weight * f64::from(crowd)
                    - 25.0 * self.interest(sight)
                    - if waited { 120.0 } else { 0.0 };
                if best.as_ref().is_none_or(|b| score < b.0) {
                    best = Some((score, sight, arrive, stay));
                }
            }
            for (sight, hour, percent) in held_back {
                if !postponed.iter().any(|p| p.sight == sight.id) {
                    postponed.push(Postponed {
                        date: day.date,
                        sight: sight.id.clone(),
                        hour,
                        percent,
                        instead: None,
                    });
                    waiting.push(postponed.len() - 1);
                }
            }
            match best {
                Some((_, sight, arrive, stay)) => {
                    self.breaks(day);
                    let place = sight_place(sight);
                    self.walk(day, &place);
                    day.wait_until(arrive);
                    self.visit(day, sight, stay);
                    visited.push(sight.id.clone());
                    for i in waiting.drain(..) {
                        if postponed[i].sight != sight.id {
                            postponed[i].instead = Some(sight.id.clone());
                        }
                    }
                }
                None => {
                    // Only crowded sights are left: rest until the first turns quiet.
                    match resume {
                        Some(at) if at > now && at < end_by => {
                            self.breaks(day);
                            day.push(
                                StepKind::Rest,
                                at - day.t,
                                Text::new("休息，避开人流高峰", "Rest while the crowd passes"),
                                Some(day.at.id.clone()),
                            );
                            day.active = 0;
                        }
                        _ => break,
                    }
                }
            }
        }
    }

    fn lunch_due(&self, day: &Day) -> Option<u16> {
        let due = !day.lunch && (11 * 60 + 30..=13 * 60 + 30).contains(&day.t);
        due.then_some(if self.style.kind == PlanKind::Comfort {
            60
        } else {
            45
        })
    }

    fn rest_due(&self, day: &Day) -> bool {
        self.pace
            .rest_every
            .is_some_and(|every| day.active >= every)
    }

    /// Minutes [`Ctx::breaks`] would take now.
    fn pause(&self, day: &Day) -> u16 {
        match self.lunch_due(day) {
            Some(lunch) => lunch,
            None if self.rest_due(day) => 20,
            None => 0,
        }
    }

    /// Lunch between 11:30 and 13:30 (it counts as a rest); a rest when the pace asks.
    fn breaks(&self, day: &mut Day) {
        if let Some(minutes) = self.lunch_due(day) {
            day.push(
                StepKind::Meal,
                minutes,
                Text::new("午餐", "Lunch"),
                Some(day.at.id.clone()),
            );
            day.lunch = true;
            day.active = 0;
        }
        if self.rest_due(day) {
            day.push(
                StepKind::Rest,
                20,
                Text::new("休息", "Rest"),
                Some(day.at.id.clone()),
            );
            day.active = 0;
        }
    }

    fn visit(&self, day: &mut Day, sight: &Sight, minutes: u16) {
        let crowd = self.forecast.at(day.date, &sight.id, (day.t / 60) as u8);
        day.push(
            StepKind::Visit,
            minutes,
            sight.name.clone(),
            Some(sight.id.clone()),
        );
        if let Some(step) = day.steps.last_mut() {
            step.crowd = Some(crowd);
        }
        day.at = sight_place(sight);
    }

    /// Walks to `to` when it is anywhere but here.
    fn walk(&self, day: &mut Day, to: &Place) {
        let (minutes, metres, climb) = self.walk_minutes(&day.at, to);
        if metres < 50 {
            day.at = to.clone();
            return;
        }
        day.push(
            StepKind::Walk,
            minutes,
            Text::new(
                format!("步行至{}", to.name.zh),
                format!("Walk to {}", to.name.en),
            ),
            Some(to.id.clone()),
        );
        if let Some(step) = day.steps.last_mut() {
            step.walk = Some((metres, climb));
        }
        day.at = to.clone();
    }

    /// Minutes, metres and metres climbed between two places for this party: trails
    /// wind (1.4 × the straight line), 20 minutes a kilometre on the level, 10 minutes per
    /// 100 m up and 5 per 100 m down, all slower for seniors and children.
    fn walk_minutes(&self, a: &Place, b: &Place) -> (u16, u32, u32) {
        let metres = distance_m(a.at, b.at) * 1.4;
        let up = b.elevation_m.saturating_sub(a.elevation_m);
        let down = a.elevation_m.saturating_sub(b.elevation_m);
        let minutes = (metres / 1000.0 * 20.0 + f64::from(up) / 10.0 + f64::from(down) / 20.0)
            * self.pace.walk_factor;
        (minutes.ceil().max(5.0) as u16, metres.round() as u32, up)
    }

    fn travellers(&self) -> Vec<Traveller> {
        let party = &self.request.party;
        let born = |age: u8| {
            let year = self.start.year() - i32::from(age);
            // A birthday safely past: the age on the visit date is `age`.
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(self.start)
        };
        let mut out = Vec::new();
        for _ in 0..party.adults {
            out.push(Traveller {
                birth_date: born(35),
                statuses: Vec::new(),
            });
        }
        for age in &party.children {
            out.push(Traveller {
                birth_date: born(*age),
                statuses: Vec::new(),
            });
        }
        for _ in 0..party.seniors {
            out.push(Traveller {
                birth_date: born(68),
                statuses: Vec::new(),
            });
        }
        out
    }

    fn explain(
        &self,
        reasons: &mut Vec<Text>,
        days: &[PlanDay],
        postponed: &[Postponed],
        (up, down): (&Route, &Route),
        stay: Option<(&Hotel, &RoomType, u8)>,
        sunrise: Option<&str>,
    ) {
        let size = self.request.party.size();
        let name = |id: &str| {
            self.catalog
                .sights
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| Text::new(id, id))
        };
        for p in postponed {
            let Some(instead) = &p.instead else { continue };
            let date = p.date.to_string();
            let Some(seen_at) = days
                .iter()
                .filter(|d| d.date == date)
                .flat_map(|d| &d.steps)
                .find(|s| s.kind == StepKind::Visit && s.place_id.as_deref() == Some(&p.sight))
                .map(|s| s.start.minutes() / 60)
            else {
                continue;
            };
            let sight = name(&p.sight);
            let other = name(instead);
            reasons.push(Text::new(
                format!(
                    "{} {:02}:00 预计拥挤 {}%——先去{}，{:02}:00 之后再去{}",
                    sight.zh, p.hour, p.percent, other.zh, seen_at, sight.zh
                ),
                format!(
                    "{} forecast {}% at {:02}:00 — visiting {} first and {} after {:02}:00",
                    sight.en, p.percent, p.hour, other.en, sight.en, seen_at
                ),
            ));
        }
        if self.pace.seniors {
            let steep: Vec<&Sight> = self
                .catalog
                .sights
                .iter()
                .filter(|s| s.tags.iter().any(|t| t == "steep"))
                .collect();
            let names = |f: fn(&Text) -> &str| steep.iter().map(|s| f(&s.name)).collect::<Vec<_>>();
            reasons.push(Text::new(
                format!(
                    "有长者同行：乘{}上山、{}下山，不走{}等陡峭台阶，步行放慢、每 90 分钟休息一次",
                    up.lift.name.zh,
                    down.lift.name.zh,
                    names(|t| t.zh.as_str()).join("、")
                ),
                format!(
                    "Seniors in the party: up by {} and down by {}, no steep steps such as {}, a gentler pace and a rest every 90 minutes",
                    up.lift.name.en,
                    down.lift.name.en,
                    names(|t| t.en.as_str()).join(", ")
                ),
            ));
        } else if self.pace.children {
            reasons.push(Text::new(
                "有小朋友同行：步行放慢，每两小时休息一次",
                "Children in the party: a slower pace and a rest every two hours",
            ));
        }
        if self.style.on_foot {
            reasons.push(Text::new(
                format!(
                    "从{}步行上山，省下上山索道费；{}下山",
                    up.lift.lower.name.zh, down.lift.name.zh
                ),
                format!(
                    "Climb from {} on foot to save the fare up; down by {}",
                    up.lift.lower.name.en, down.lift.name.en
                ),
            ));
        }
        if let Some((hotel, room, rooms)) = stay {
            let nights = self.request.days - 1;
            reasons.push(Text::new(
                format!("住山顶{}（{} × {rooms}，{nights} 晚，{size} 人），不必当天上下山", hotel.name.zh, room.name.zh),
                format!("Stay on the summit at {} ({} × {rooms}, {nights} night(s), {size} people): no climbing up and down each day", hotel.name.en, room.name.en),
            ));
        }
        if let Some(id) = sunrise {
            let spot = name(id);
            reasons.push(Text::new(
                format!("住在山顶，清晨去{}看日出", spot.zh),
                format!("Staying on top makes the sunrise at {} possible", spot.en),
            ));
        }
    }

    fn summarise(&self, days: &[PlanDay]) -> (u8, Vec<Text>) {
        let mut weighted = 0u64;
        let mut minutes = 0u64;
        let mut seen: Vec<(&str, f64)> = Vec::new();
        for step in days.iter().flat_map(|d| &d.steps) {
            if step.kind != StepKind::Visit {
                continue;
            }
            let m = u64::from(step.end.minutes().saturating_sub(step.start.minutes()));
            weighted += u64::from(step.crowd.unwrap_or(0)) * m;
            minutes += m;
            if let Some(id) = &step.place_id
                && let Some(sight) = self.catalog.sights.iter().find(|s| &s.id == id)
            {
                seen.push((id.as_str(), self.interest(sight)));
            }
        }
        seen.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        seen.dedup_by_key(|s| s.0);
        let highlights = seen
            .iter()
            .take(3)
            .filter_map(|(id, _)| self.catalog.sights.iter().find(|s| s.id == *id))
            .map(|s| s.name.clone())
            .collect();
        let exposure = weighted.checked_div(minutes).unwrap_or(0) as u8;
        (exposure, highlights)
    }
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
