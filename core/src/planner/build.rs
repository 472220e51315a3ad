//! A plan as a whole: the routes up and down, the entry slot, the hotel, then each day.

use super::*;

impl Ctx<'_> {
    pub(super) fn build(&self) -> Result<Plan, PlanBlocked> {
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
    pub(super) fn routes(&self) -> (&Route<'_>, &Route<'_>) {
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
    pub(super) fn slot(&self, route: &Route) -> Result<&EntrySlot, PlanBlocked> {
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

    pub(super) fn no_rooms(&self) -> PlanBlocked {
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
    pub(super) fn hotel(&self) -> Result<(&Hotel, &RoomType, u8), PlanBlocked> {
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
}
