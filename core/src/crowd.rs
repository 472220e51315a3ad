//! Crowd levels: a forecast of how full each sight is by date and hour, and the warning
//! levels of LB/T 068-2017 (景区最大承载量核定导则): 80 % of capacity is yellow, 90 % orange,
//! 95 % red.
//!
//! The forecast is a plain model with named parts, so a plan can explain itself:
//! - the **day load**, the share of the region's daily capacity expected on the mountain,
//!   from the kind of day (workday, weekend, public holiday and which day of the break,
//!   make-up working day), the season (the season with the dearer entry ticket is the busy
//!   one), and never below the entry tickets already sold for that day;
//! - the **hour profile** of a sight: visitors climb in the morning and the busiest
//!   hours on the summit are late morning to early afternoon; sunrise and sunset spots
//!   peak at sunrise and sunset instead;
//! - the sight's **draw**: the main peaks draw more than a quiet pavilion.
//!
//! The platform adds what only it knows (tickets sold, live turnstile counts); this module
//! stays pure.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{DayKind, HolidayCalendar};
use crate::catalog::{Catalog, Sight};
use crate::text::Text;

/// Warning levels of LB/T 068-2017.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CrowdLevel {
    /// Below 80 %.
    Comfortable,
    /// 80 % or more.
    Yellow,
    /// 90 % or more.
    Orange,
    /// 95 % or more.
    Red,
}

impl CrowdLevel {
    pub fn of(percent: u8) -> CrowdLevel {
        match percent {
            95.. => CrowdLevel::Red,
            90.. => CrowdLevel::Orange,
            80.. => CrowdLevel::Yellow,
            _ => CrowdLevel::Comfortable,
        }
    }

    pub fn label(self) -> Text {
        match self {
            CrowdLevel::Comfortable => Text::new("舒适", "Comfortable"),
            CrowdLevel::Yellow => Text::new("黄色预警：较拥挤", "Yellow: crowded"),
            CrowdLevel::Orange => Text::new("橙色预警：拥挤", "Orange: very crowded"),
            CrowdLevel::Red => Text::new("红色预警：严重拥挤", "Red: at capacity"),
        }
    }
}

/// Why a day is as busy as forecast, for plans that explain themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct DayLoad {
    /// Expected share of the daily capacity, 0.0 to 1.0.
    pub share: f64,
    pub kind: DayKind,
    pub busy_season: bool,
    /// Entry tickets already sold set the floor.
    pub booked_share: f64,
}

/// The expected load of `date` at `catalog`'s region, given `booked` entry tickets sold.
pub fn day_load(
    catalog: &Catalog,
    calendar: &HolidayCalendar,
    date: NaiveDate,
    booked: u32,
) -> DayLoad {
    let kind = calendar.day(date);
    let busy_season = is_busy_season(catalog, date);
    let base: f64 = match &kind {
        DayKind::Workday | DayKind::MakeUpWorkday { .. } => 0.35,
        DayKind::Weekend => 0.65,
        // The first day of a break is spent travelling; the middle days are the rush.
        DayKind::Holiday {
            day,
            length,
            golden_week,
            ..
        } => {
            let middle = *day > 1 && *day < *length;
            match (golden_week, middle) {
                (true, true) => 1.0,
                (true, false) => 0.85,
                (false, true) => 0.9,
                (false, false) => 0.75,
            }
        }
    };
    let seasonal = if busy_season { base * 1.15 } else { base * 0.9 };
    let booked_share = f64::from(booked) / f64::from(catalog.region.daily_capacity.max(1));
    DayLoad {
        share: seasonal.max(booked_share).min(1.0),
        kind,
        busy_season,
        booked_share,
    }
}

/// Forecast crowding of `sight` in the hour starting at `hour` (0–23, region-local), as a
/// percentage of what the sight comfortably holds.
pub fn sight_percent(sight: &Sight, load: &DayLoad, hour: u8) -> u8 {
    let percent = load.share * draw(sight) * hour_factor(sight, hour) * 100.0;
    percent.round().clamp(0.0, 100.0) as u8
}

/// The hour profile: 0.0 to 1.0 of the day's peak crowd at the sight.
fn hour_factor(sight: &Sight, hour: u8) -> f64 {
    let tagged = |t: &str| sight.tags.iter().any(|tag| tag == t);
    if tagged("sunrise") && (5..=6).contains(&hour) {
        return 1.0;
    }
    if tagged("sunset") && (17..=18).contains(&hour) {
        return 1.0;
    }
    if let Some(h) = &sight.hours
        && (u16::from(hour) * 60 < h.open.minutes() || u16::from(hour) * 60 >= h.close.minutes())
    {
        return 0.0;
    }
    match hour {
        0..=4 | 21..=23 => 0.02,
        5..=6 => 0.2,
        7 => 0.45,
        8 => 0.65,
        9 => 0.82,
        10..=11 => 0.95,
        12..=13 => 1.0,
        14 => 0.85,
        15 => 0.7,
        16 => 0.5,
        17..=18 => 0.3,
        19..=20 => 0.1,
        _ => 0.0,
    }
}

/// How strongly a sight draws the day's crowd.
fn draw(sight: &Sight) -> f64 {
    let tagged = |t: &str| sight.tags.iter().any(|tag| tag == t);
    if tagged("main-peak") {
        0.95
    } else if tagged("sunrise") || tagged("sunset") || tagged("pines") {
        0.85
    } else {
        0.7
    }
}

/// The season with the dearest entry ticket is the busy one.
fn is_busy_season(catalog: &Catalog, date: NaiveDate) -> bool {
    let Some(entry) = catalog.entry_ticket() else {
        return false;
    };
    let Some(season) = catalog.season_on(date) else {
        return false;
    };
    let price = |id: &str| entry.price.get(id).copied().unwrap_or_default();
    let dearest = entry.price.values().copied().max().unwrap_or_default();
    price(&season.id) == dearest && entry.price.values().any(|p| *p < dearest)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::catalog::tests::huangshan;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn bright_summit(c: &Catalog) -> &Sight {
        c.sights.iter().find(|s| s.id == "bright-summit").unwrap()
    }

    #[test]
    fn levels_follow_the_national_standard() {
        assert_eq!(CrowdLevel::of(79), CrowdLevel::Comfortable);
        assert_eq!(CrowdLevel::of(80), CrowdLevel::Yellow);
        assert_eq!(CrowdLevel::of(89), CrowdLevel::Yellow);
        assert_eq!(CrowdLevel::of(90), CrowdLevel::Orange);
        assert_eq!(CrowdLevel::of(95), CrowdLevel::Red);
        assert_eq!(CrowdLevel::of(100), CrowdLevel::Red);
    }

    #[test]
    fn golden_week_is_far_busier_than_an_ordinary_tuesday() {
        let c = huangshan();
        let cal = HolidayCalendar::china();
        let golden = day_load(&c, &cal, date("2026-10-03"), 0);
        let tuesday = day_load(&c, &cal, date("2026-10-13"), 0);
        assert!(matches!(
            golden.kind,
            DayKind::Holiday {
                golden_week: true,
                ..
            }
        ));
        assert_eq!(tuesday.kind, DayKind::Workday);
        let summit = bright_summit(&c);
        let at_noon = |l: &DayLoad| sight_percent(summit, l, 12);
        assert!(
            CrowdLevel::of(at_noon(&golden)) >= CrowdLevel::Orange,
            "{}",
            at_noon(&golden)
        );
        assert_eq!(CrowdLevel::of(at_noon(&tuesday)), CrowdLevel::Comfortable);
        assert!(at_noon(&golden) >= 2 * at_noon(&tuesday));
    }

    #[test]
    fn a_make_up_working_day_is_as_quiet_as_a_weekday_though_it_is_a_sunday() {
        let c = huangshan();
        let cal = HolidayCalendar::china();
        let make_up = day_load(&c, &cal, date("2026-09-20"), 0); // a Sunday, worked
        let sunday = day_load(&c, &cal, date("2026-09-13"), 0);
        let wednesday = day_load(&c, &cal, date("2026-09-16"), 0);
        assert!(matches!(make_up.kind, DayKind::MakeUpWorkday { .. }));
        assert_eq!(make_up.share, wednesday.share);
        assert!(sunday.share > make_up.share);
    }

    #[test]
    fn tickets_sold_are_a_floor_under_the_forecast() {
        let c = huangshan();
        let cal = HolidayCalendar::china();
        let quiet = day_load(&c, &cal, date("2026-11-24"), 0);
        let sold_out = day_load(&c, &cal, date("2026-11-24"), c.region.daily_capacity);
        assert!(quiet.share < 0.5);
        assert_eq!(sold_out.share, 1.0);
    }

    #[test]
    fn sunrise_spots_peak_at_sunrise_and_closed_sights_are_empty() {
        let c = huangshan();
        let load = day_load(&c, &HolidayCalendar::china(), date("2026-07-15"), 0);
        let summit = bright_summit(&c);
        assert!(sight_percent(summit, &load, 5) > sight_percent(summit, &load, 8));
        let lotus = c.sights.iter().find(|s| s.id == "lotus-peak").unwrap();
        assert_eq!(sight_percent(lotus, &load, 17), 0, "closes at 16:00");
        assert!(sight_percent(lotus, &load, 11) > sight_percent(lotus, &load, 8));
    }
}
