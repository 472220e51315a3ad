// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;

use super::*;
use crate::api::PlanParty;
use crate::catalog::tests::huangshan;

/// A Wednesday in the busy season, well ahead of "now".
const START: &str = "2026-07-15";

fn now() -> NaiveDateTime {
    "2026-06-01T09:00:00".parse().unwrap()
}

fn request(profile: Profile, party: PlanParty, days: u8) -> PlanRequest {
    PlanRequest {
        region_id: "huangshan".into(),
        start: START.into(),
        days,
        party,
        profile,
        budget_yuan: None,
    }
}

fn family() -> PlanParty {
    crate::testing::family_trip(START).party
}

fn forecast(c: &Catalog, r: &PlanRequest) -> Forecast {
    let start: NaiveDate = r.start.parse().unwrap();
    let dates: Vec<_> = (0..r.days)
        .map(|i| start + Days::new(u64::from(i)))
        .collect();
    Forecast::from_model(c, &HolidayCalendar::china(), &dates, |_| 0)
}

fn plans(c: &Catalog, r: &PlanRequest) -> Vec<Plan> {
    plan(c, r, &Vacancy::default(), &forecast(c, r), now()).unwrap()
}

fn visits(plan: &Plan) -> Vec<&str> {
    plan.days
        .iter()
        .flat_map(|d| &d.steps)
        .filter(|s| s.kind == StepKind::Visit)
        .filter_map(|s| s.place_id.as_deref())
        .collect()
}

fn minutes(t: ClockTime) -> u16 {
    t.minutes()
}

/// Checks a plan against the catalog without the planner's help: times in order, every
/// visit inside opening hours and reached on foot, rides inside lift hours, shuttles on
/// timetable departures, entry inside the booked slot, the pace rules for seniors,
/// lunch at lunchtime, nights at the hotel, and a total that adds up.
fn assert_feasible(c: &Catalog, r: &PlanRequest, plan: &Plan) {
    let seniors = r.party.seniors > 0 || r.profile == Profile::Seniors;
    let season = c.season_on(r.start.parse().unwrap()).unwrap().id.clone();
    let slot = c
        .slots
        .iter()
        .find(|s| Some(&s.id) == plan.combo.slot_id.as_ref())
        .expect("a slot is booked");
    assert_eq!(plan.days.len(), usize::from(r.days));
    let location = |id: &str| {
        c.sights
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.location)
            .or_else(|| c.hotels.iter().find(|h| h.id == id).map(|h| h.location))
            .or_else(|| {
                c.cable_cars
                    .iter()
                    .find(|l| l.id == id)
                    .map(|l| l.upper.location)
            })
    };
    for (index, day) in plan.days.iter().enumerate() {
        let what = |s: &PlanStep| {
            format!(
                "{} {} {}–{} {}",
                plan.title.en, day.date, s.start, s.end, s.title.en
            )
        };
        let mut here: Option<String> = None;
        for pair in day.steps.windows(2) {
            assert!(
                minutes(pair[0].end) <= minutes(pair[1].start),
                "overlap: {} / {}",
                what(&pair[0]),
                what(&pair[1])
            );
        }
        for step in &day.steps {
            assert!(step.start < step.end, "empty step: {}", what(step));
            let id = step.place_id.clone().unwrap_or_default();
            match step.kind {
                StepKind::Visit => {
                    let sight = c.sights.iter().find(|s| s.id == id).expect("a real sight");
                    if let Some(h) = &sight.hours {
                        assert!(
                            step.start >= h.open && step.end <= h.close,
                            "outside hours: {}",
                            what(step)
                        );
                    }
                    assert!(
                        step.end.minutes() - step.start.minutes() >= sight.visit_minutes,
                        "too short: {}",
                        what(step)
                    );
                    if seniors {
                        assert!(
                            !sight.tags.contains(&"steep".to_string()),
                            "steep for seniors: {}",
                            what(step)
                        );
                    }
                    let near = here
                        .as_deref()
                        .and_then(location)
                        .is_some_and(|p| distance_m(p, sight.location) < 60.0);
                    assert!(
                        here.as_deref() == Some(id.as_str()) || near,
                        "not walked to: {}",
                        what(step)
                    );
                    here = Some(id);
                }
                StepKind::Walk => {
                    let (metres, climb) = step.walk.expect("walks say how far");
                    let took = u32::from(step.end.minutes() - step.start.minutes());
                    assert!(took * 100 >= metres, "faster than 6 km/h: {}", what(step));
                    if seniors {
                        assert!(
                            climb <= 150,
                            "a {climb} m climb for seniors: {}",
                            what(step)
                        );
                    }
                    here = Some(id);
                }
                StepKind::Ride => {
                    let lift = c
                        .cable_cars
                        .iter()
                        .find(|l| l.id == id)
                        .expect("a real lift");
                    let hours = lift.hours.iter().find(|h| h.season == season).unwrap();
                    assert!(
                        step.start >= hours.open && step.end <= hours.close,
                        "lift closed: {}",
                        what(step)
                    );
                    assert_eq!(step.end.minutes() - step.start.minutes(), lift.ride_minutes);
                    here = Some(id);
                }
                StepKind::Shuttle => {
                    let line = c.shuttles.iter().find(|s| s.id == id).expect("a real line");
                    assert!(
                        line.timetable.departures().any(|d| d == step.start),
                        "not a departure: {}",
                        what(step)
                    );
                    assert_eq!(step.end.minutes() - step.start.minutes(), line.ride_minutes);
                    here = None;
                }
                StepKind::Enter => {
                    assert_eq!(index, 0, "entry is on day 1");
                    assert!(
                        step.start >= slot.start && step.start < slot.end,
                        "outside the slot: {}",
                        what(step)
                    );
                    assert!(
                        c.gate(&id)
                            .is_some_and(|g| g.admits.contains(&"entry".to_string()))
                    );
                }
                StepKind::Meal if step.title.en == "Lunch" => {
                    assert!(
                        (11 * 60 + 30..=14 * 60).contains(&step.start.minutes()),
                        "lunch at {}",
                        step.start
                    );
                }
                StepKind::Hotel => {
                    assert_eq!(Some(&id), plan.combo.hotel.as_ref().map(|h| &h.hotel_id));
                    here = Some(id);
                }
                StepKind::Meal | StepKind::Rest => {}
            }
        }
        let last = day.steps.last().expect("every day has steps");
        if index + 1 == day.steps.len().min(usize::from(r.days)) && index + 1 == usize::from(r.days)
        {
            assert_eq!(
                last.kind,
                StepKind::Shuttle,
                "the trip ends on the shuttle back"
            );
        } else {
            assert!(
                day.steps.iter().any(|s| s.kind == StepKind::Hotel),
                "night {} has no hotel",
                day.date
            );
        }
    }
    if r.days > 1 {
        let stay = plan.combo.hotel.as_ref().expect("nights need a hotel");
        assert_eq!(stay.nights, r.days - 1);
        let hotel = c.hotels.iter().find(|h| h.id == stay.hotel_id).unwrap();
        let room = hotel
            .room_types
            .iter()
            .find(|t| t.id == stay.room_type_id)
            .unwrap();
        assert!(u32::from(stay.rooms) * u32::from(room.sleeps) >= r.party.size());
    }
    let extra: i64 = plan.on_the_day.iter().map(|d| d.cost.0).sum();
    assert_eq!(plan.total.0, plan.quote.total.0 + extra);
    // Each sight once, apart from a return at dawn for the sunrise.
    let visited: Vec<&str> = plan
        .days
        .iter()
        .flat_map(|d| &d.steps)
        .filter(|s| s.kind == StepKind::Visit && s.start.minutes() >= 6 * 60)
        .filter_map(|s| s.place_id.as_deref())
        .collect();
    let mut unique = visited.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), visited.len(), "a sight twice: {visited:?}");
    assert!(visited.len() >= 3, "a thin plan: {visited:?}");
}

#[test]
fn a_family_gets_three_distinct_feasible_plans() {
    let c = huangshan();
    for days in 1..=3 {
        let r = request(Profile::Family, family(), days);
        let plans = plans(&c, &r);
        assert_eq!(
            plans.iter().map(|p| p.kind).collect::<Vec<_>>(),
            [PlanKind::Budget, PlanKind::Balanced, PlanKind::Comfort]
        );
        for p in &plans {
            assert_feasible(&c, &r, p);
            assert!(!p.reasons.is_empty() && !p.highlights.is_empty());
        }
        let shapes: Vec<_> = plans
            .iter()
            .map(|p| (p.combo.clone(), visits(p).join(",")))
            .collect();
        assert!(shapes[0] != shapes[1] && shapes[1] != shapes[2] && shapes[0] != shapes[2]);
        if days > 1 {
            assert!(
                plans[0].total < plans[2].total,
                "budget is cheaper than comfort"
            );
        }
    }
}

#[test]
fn the_same_request_gives_the_same_plans() {
    let c = huangshan();
    let r = request(Profile::Culture, family(), 3);
    assert_eq!(plans(&c, &r), plans(&c, &r));
}

#[test]
fn a_crowded_main_peak_is_visited_later_and_the_plan_says_why() {
    let c = huangshan();
    let r = request(Profile::Family, family(), 2);
    let start: NaiveDate = START.parse().unwrap();
    let mut f = forecast(&c, &r);
    for hour in 8..14 {
        f.set(start, "bright-summit", hour, 85);
    }
    for hour in 14..18 {
        f.set(start, "bright-summit", hour, 45);
    }
    let plans = plan(&c, &r, &Vacancy::default(), &f, now()).unwrap();
    let off_peak = &plans[1];
    assert_eq!(off_peak.kind, PlanKind::Balanced);
    assert_feasible(&c, &r, off_peak);
    let order: Vec<&str> = off_peak.days[0]
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Visit)
        .filter_map(|s| s.place_id.as_deref())
        .collect();
    let at = |id: &str| {
        order
            .iter()
            .position(|v| *v == id)
            .unwrap_or_else(|| panic!("{id} not in {order:?}"))
    };
    assert!(
        at("beginning-to-believe-peak") < at("bright-summit"),
        "{order:?}"
    );
    let summit = off_peak.days[0]
        .steps
        .iter()
        .find(|s| s.kind == StepKind::Visit && s.place_id.as_deref() == Some("bright-summit"))
        .unwrap();
    assert!(
        summit.start.minutes() >= 14 * 60,
        "visited at {}",
        summit.start
    );
    assert!(summit.crowd.unwrap() < 80);
    let reason = off_peak
        .reasons
        .iter()
        .find(|t| t.zh.contains("光明顶"))
        .expect("the plan explains the order");
    assert!(
        reason.zh.contains("85%") && reason.zh.contains("14:00"),
        "{}",
        reason.zh
    );
    assert!(
        reason.en.contains("Bright Summit Peak forecast 85%"),
        "{}",
        reason.en
    );
}

#[test]
fn seniors_ride_the_cable_car_instead_of_climbing_the_cloud_ladder() {
    let c = huangshan();
    let seniors = PlanParty {
        adults: 0,
        children: vec![],
        seniors: 2,
    };
    let r = request(Profile::Seniors, seniors, 2);
    for p in plans(&c, &r) {
        assert_feasible(&c, &r, &p);
        assert!(!visits(&p).contains(&"hundred-step-cloud-ladder"));
        let after_gate: Vec<_> = p.days[0]
            .steps
            .iter()
            .skip_while(|s| s.kind != StepKind::Enter)
            .skip(1)
            .take(1)
            .collect();
        assert_eq!(after_gate[0].kind, StepKind::Ride, "{}", p.title.en);
        assert!(p.reasons.iter().any(|t| t.zh.contains("百步云梯")));
    }
    // A young party's budget plan does climb, up past the cloud ladder side on foot.
    let young = PlanParty {
        adults: 2,
        children: vec![],
        seniors: 0,
    };
    let r = request(Profile::Night, young, 2);
    let budget = &plans(&c, &r)[0];
    assert_feasible(&c, &r, budget);
    let climb = budget.days[0]
        .steps
        .iter()
        .filter_map(|s| s.walk)
        .map(|(_, up)| up)
        .max()
        .unwrap();
    assert!(climb > 500, "the budget plan climbs {climb} m");
    assert!(visits(budget).contains(&"hundred-step-cloud-ladder"));
}

#[test]
fn a_party_too_large_for_any_slot_is_told_why() {
    let c = huangshan();
    let start: NaiveDate = START.parse().unwrap();
    let mut vacancy = Vacancy::default();
    for slot in &c.slots {
        vacancy.slots.insert((start, slot.id.clone()), 3);
    }
    let r = request(
        Profile::Family,
        PlanParty {
            adults: 4,
            children: vec![5],
            seniors: 0,
        },
        2,
    );
    let e = plan(&c, &r, &vacancy, &forecast(&c, &r), now()).unwrap_err();
    assert_eq!(e.constraint, "slots");
    assert!(
        e.message.zh.contains('5') && e.message.zh.contains("3 张"),
        "{}",
        e.message.zh
    );
    assert!(e.message.en.contains("places for 5"), "{}", e.message.en);
}

#[test]
fn no_rooms_and_too_small_a_budget_are_named() {
    let c = huangshan();
    let start: NaiveDate = START.parse().unwrap();
    let r = request(Profile::Leisure, family(), 2);
    let mut full = Vacancy::default();
    for hotel in &c.hotels {
        for room in &hotel.room_types {
            full.rooms
                .insert((start, hotel.id.clone(), room.id.clone()), 0);
        }
    }
    let e = plan(&c, &r, &full, &forecast(&c, &r), now()).unwrap_err();
    assert_eq!(e.constraint, "rooms");

    let poor = PlanRequest {
        budget_yuan: Some(100),
        ..r.clone()
    };
    let e = plan(&c, &poor, &Vacancy::default(), &forecast(&c, &r), now()).unwrap_err();
    assert_eq!(e.constraint, "budget");
    assert!(e.message.zh.contains("¥100"), "{}", e.message.zh);

    let past = PlanRequest {
        start: "2026-05-01".into(),
        ..r
    };
    assert_eq!(
        plan(&c, &past, &Vacancy::default(), &Forecast::default(), now())
            .unwrap_err()
            .constraint,
        "dates"
    );
}

/// The three plans for a fixed family trip, as a reader sees them.
#[test]
fn snapshot_of_a_family_trip() {
    let c = huangshan();
    let r = request(Profile::Family, family(), 3);
    let mut out = String::new();
    for p in plans(&c, &r) {
        out += &format!(
            "== {} / {} — {} (crowd {}%)\n",
            p.title.zh,
            p.title.en,
            p.total.display_yuan(),
            p.crowd_exposure
        );
        for day in &p.days {
            out += &format!("  {}\n", day.date);
            for s in &day.steps {
                let crowd = s.crowd.map(|c| format!(" [{c}%]")).unwrap_or_default();
                out += &format!(
                    "    {}–{} {:?} {}{}\n",
                    s.start, s.end, s.kind, s.title.zh, crowd
                );
            }
        }
        for line in &p.quote.lines {
            out += &format!(
                "  ¥ {} × {} {}\n",
                line.name.zh,
                line.quantity,
                line.pay.display_yuan()
            );
        }
        for d in &p.on_the_day {
            out += &format!("  ¥ (on the day) {} {}\n", d.name.zh, d.cost.display_yuan());
        }
        for reason in &p.reasons {
            out += &format!("  * {}\n", reason.zh);
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_budget_keeps_the_plans_it_can_pay_for_and_trims_the_rest() {
    let c = huangshan();
    let open = request(Profile::Family, family(), 3);
    let free = plans(&c, &open);
    let yuan = |p: &Plan| u32::try_from((p.total.0 + 99) / 100).unwrap();
    let (cheapest, middle, dearest) = (yuan(&free[0]), yuan(&free[1]), yuan(&free[2]));
    assert!(
        cheapest < middle && middle < dearest,
        "{cheapest} {middle} {dearest}"
    );

    // Enough for the off-peak plan but not for comfort as it stands.
    let r = PlanRequest {
        budget_yuan: Some(middle),
        ..open.clone()
    };
    let fitted = plans(&c, &r);
    assert!(
        fitted.len() >= 2,
        "budget and off-peak fit: {}",
        fitted.len()
    );
    assert_eq!(
        fitted[0].combo, free[0].combo,
        "the budget plan is untouched"
    );
    assert_eq!(
        fitted[1].combo, free[1].combo,
        "the off-peak plan is untouched"
    );
    for p in &fitted {
        assert!(
            p.total <= Fen::from_yuan(middle),
            "{:?} costs {:?}",
            p.kind,
            p.total
        );
        assert_feasible(&c, &r, p);
    }
    // Comfort keeps its later start and longer visits, but drops the guide and the room.
    let comfort = fitted
        .iter()
        .find(|p| p.kind == PlanKind::Comfort)
        .expect("comfort, made cheaper");
    assert_ne!(comfort.combo, free[2].combo, "comfort gave something up");
    assert!(!comfort.combo.add_ons.contains(&"audio-guide".to_owned()));
    assert!(
        comfort.reasons[0].zh.contains(&format!("¥{middle}")),
        "and says what: {}",
        comfort.reasons[0].zh
    );
    assert!(
        comfort.reasons[0].en.contains("budget"),
        "{}",
        comfort.reasons[0].en
    );

    // Just under the cheapest plan: the budget blocks, naming what the cheapest needs.
    let poor = PlanRequest {
        budget_yuan: Some(cheapest - 1),
        ..open
    };
    let e = plan(&c, &poor, &Vacancy::default(), &forecast(&c, &poor), now()).unwrap_err();
    assert_eq!(e.constraint, "budget");
    assert!(
        e.message.zh.contains(&free[0].total.display_yuan()),
        "{}",
        e.message.zh
    );
    assert!(e.message.en.contains("cheapest plan"), "{}", e.message.en);
}
