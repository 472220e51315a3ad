//! Walking a day: up the mountain and down again, the sunrise, the sights in order of
//! interest, lunch and rests, and the walking legs between places.

use super::*;

impl Ctx<'_> {
    /// Day 1: shuttle, gate, and up. Returns the shuttle departure booked.
    pub(super) fn climb(
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
    pub(super) fn descend(
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

    /// Opening and closing minutes of a lift on a date.
    pub(super) fn lift_hours(&self, lift: &CableCar, date: NaiveDate) -> (u16, u16) {
        let season = self.catalog.season_on(date).map(|s| s.id.as_str());
        lift.hours
            .iter()
            .find(|h| Some(h.season.as_str()) == season)
            .or_else(|| lift.hours.first())
            .map_or((8 * 60, 16 * 60), |h| (h.open.minutes(), h.close.minutes()))
    }

    /// A sunrise on the first morning on top, for profiles that want it and can walk out
    /// before dawn. The only visit that may repeat a sight: dawn there is another sight.
    pub(super) fn sunrise(&self, day: &mut Day, visited: &mut Vec<String>) -> Option<String> {
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
    pub(super) fn candidates(&self) -> impl Iterator<Item = &Sight> + '_ {
        self.catalog.sights.iter().filter(|s| {
            s.elevation_m >= SUMMIT_M
                && !(self.pace.avoid_steep && s.tags.iter().any(|t| t == "steep"))
        })
    }

    pub(super) fn interest(&self, sight: &Sight) -> f64 {
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
    pub(super) fn sights(
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

    pub(super) fn lunch_due(&self, day: &Day) -> Option<u16> {
        let due = !day.lunch && (11 * 60 + 30..=13 * 60 + 30).contains(&day.t);
        due.then_some(if self.style.kind == PlanKind::Comfort {
            60
        } else {
            45
        })
    }

    pub(super) fn rest_due(&self, day: &Day) -> bool {
        self.pace
            .rest_every
            .is_some_and(|every| day.active >= every)
    }

    /// Minutes [`Ctx::breaks`] would take now.
    pub(super) fn pause(&self, day: &Day) -> u16 {
        match self.lunch_due(day) {
            Some(lunch) => lunch,
            None if self.rest_due(day) => 20,
            None => 0,
        }
    }

    /// Lunch between 11:30 and 13:30 (it counts as a rest); a rest when the pace asks.
    pub(super) fn breaks(&self, day: &mut Day) {
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

    pub(super) fn visit(&self, day: &mut Day, sight: &Sight, minutes: u16) {
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
    pub(super) fn walk(&self, day: &mut Day, to: &Place) {
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
    pub(super) fn walk_minutes(&self, a: &Place, b: &Place) -> (u16, u32, u32) {
        let metres = distance_m(a.at, b.at) * 1.4;
        let up = b.elevation_m.saturating_sub(a.elevation_m);
        let down = a.elevation_m.saturating_sub(b.elevation_m);
        let minutes = (metres / 1000.0 * 20.0 + f64::from(up) / 10.0 + f64::from(down) / 20.0)
            * self.pace.walk_factor;
        (minutes.ceil().max(5.0) as u16, metres.round() as u32, up)
    }
}
