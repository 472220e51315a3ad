//! What a plan costs and why: its travellers as pricing sees them, the reasons given for
//! each choice and the summary of its days.

use super::*;

impl Ctx<'_> {
    pub(super) fn season_price(&self, price: &crate::catalog::SeasonalPrice) -> Fen {
        let season = self.catalog.season_on(self.start);
        Fen::from_yuan(
            season
                .and_then(|s| price.get(&s.id))
                .copied()
                .unwrap_or_default(),
        )
    }

    pub(super) fn travellers(&self) -> Vec<Traveller> {
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

    pub(super) fn explain(
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

    pub(super) fn summarise(&self, days: &[PlanDay]) -> (u8, Vec<Text>) {
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
