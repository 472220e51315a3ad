//! The public-holiday calendar: which days are holidays, which weekend days are make-up
//! working days (调休上班), read from a data file (`assets/calendar/*.toml`) because the
//! State Council announces them year by year.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use crate::text::Text;

/// What kind of day a date is, for the crowd on the mountain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    Workday,
    Weekend,
    /// A public holiday: `day` counts from 1 within a break of `length` days.
    Holiday {
        name: Text,
        day: u32,
        length: u32,
        golden_week: bool,
    },
    /// A weekend day worked in exchange for a holiday: as quiet as a weekday.
    MakeUpWorkday {
        name: Text,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct CalendarError {
    pub file: String,
    pub problem: String,
}

#[derive(Debug, Clone, Default)]
pub struct HolidayCalendar {
    days: BTreeMap<NaiveDate, DayKind>,
    /// Years the file covers; outside them only weekends are known.
    years: Vec<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    years: Vec<Year>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Year {
    year: i32,
    /// Not yet announced; dates follow the lunar calendar and the usual pattern.
    #[serde(default)]
    #[allow(dead_code)]
    projected: bool,
    holidays: Vec<Holiday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Holiday {
    #[allow(dead_code)]
    id: String,
    name: Text,
    days: Vec<(NaiveDate, NaiveDate)>,
    #[serde(default)]
    make_up: Vec<NaiveDate>,
    #[serde(default)]
    golden_week: bool,
}

impl HolidayCalendar {
    /// Reads a calendar file; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<HolidayCalendar, CalendarError> {
        let fail = |problem: String| CalendarError {
            file: file.to_owned(),
            problem,
        };
        let parsed: File = toml::from_str(text).map_err(|e| fail(e.message().to_owned()))?;
        let mut calendar = HolidayCalendar::default();
        for year in parsed.years {
            calendar.years.push(year.year);
            for holiday in year.holidays {
                let mut dates = Vec::new();
                for (from, to) in &holiday.days {
                    if from > to {
                        return Err(fail(format!("{}: {from} is after {to}", holiday.name.en)));
                    }
                    dates.extend(from.iter_days().take_while(|d| d <= to));
                }
                let length = dates.len() as u32;
                for (i, date) in dates.into_iter().enumerate() {
                    let kind = DayKind::Holiday {
                        name: holiday.name.clone(),
                        day: i as u32 + 1,
                        length,
                        golden_week: holiday.golden_week,
                    };
                    if calendar.days.insert(date, kind).is_some() {
                        return Err(fail(format!("{date} is listed twice")));
                    }
                }
                for date in holiday.make_up {
                    if !is_weekend(date) {
                        return Err(fail(format!(
                            "make-up working day {date} is not a weekend day"
                        )));
                    }
                    let kind = DayKind::MakeUpWorkday {
                        name: holiday.name.clone(),
                    };
                    if calendar.days.insert(date, kind).is_some() {
                        return Err(fail(format!("{date} is listed twice")));
                    }
                }
            }
        }
        Ok(calendar)
    }

    /// The calendar shipped with the app and the platform.
    pub fn china() -> HolidayCalendar {
        const FILE: &str = include_str!("../../assets/calendar/cn-holidays.toml");
        // The shipped file is checked by a test; an unreadable one only loses holidays.
        HolidayCalendar::from_toml("cn-holidays.toml", FILE).unwrap_or_default()
    }

    pub fn day(&self, date: NaiveDate) -> DayKind {
        match self.days.get(&date) {
            Some(kind) => kind.clone(),
            None if is_weekend(date) => DayKind::Weekend,
            None => DayKind::Workday,
        }
    }

    /// Whether the file says anything about `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_shipped_calendar_covers_2025_to_2027() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/calendar/cn-holidays.toml"
        );
        let c = HolidayCalendar::from_toml(path, &std::fs::read_to_string(path).unwrap()).unwrap();
        for year in 2025..=2027 {
            assert!(c.covers(year), "{year}");
            for festival in ["春节", "清明节", "劳动节", "端午节", "国庆节"] {
                let found = date(&format!("{year}-01-01"))
                    .iter_days()
                    .take(365)
                    .any(|d| matches!(c.day(d), DayKind::Holiday { name, .. } if name.zh.contains(festival)));
                assert!(found, "{festival} missing in {year}");
            }
        }
    }

    #[test]
    fn golden_week_make_up_days_and_ordinary_days() {
        let c = HolidayCalendar::china();
        assert!(matches!(
            c.day(date("2026-10-03")),
            DayKind::Holiday {
                day: 3,
                length: 7,
                golden_week: true,
                ..
            }
        ));
        // Sunday 2026-09-20 is worked for National Day.
        assert!(matches!(
            c.day(date("2026-09-20")),
            DayKind::MakeUpWorkday { .. }
        ));
        assert_eq!(c.day(date("2026-11-24")), DayKind::Workday);
        assert_eq!(c.day(date("2026-11-28")), DayKind::Weekend);
    }

    #[test]
    fn a_make_up_day_must_be_a_weekend_and_a_date_listed_once() {
        let bad = r#"
[[years]]
year = 2026
[[years.holidays]]
id = "x"
name = { zh = "节", en = "Day" }
days = [["2026-01-01", "2026-01-01"]]
make_up = ["2026-01-05"]
"#;
        let e = HolidayCalendar::from_toml("bad.toml", bad).unwrap_err();
        assert!(e.problem.contains("2026-01-05"), "{e}");
        let twice = bad.replace("2026-01-05", "2026-01-01");
        assert!(HolidayCalendar::from_toml("bad.toml", &twice).is_err());
    }
}
