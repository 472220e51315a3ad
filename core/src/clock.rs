//! Wall-clock times (`"06:30"`) and month-days (`"12-01"`) as the data files write them.
//! Both are local to the region; the region's UTC offset lives in its catalog.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A time of day, minute precision, `00:00`–`24:00` (`24:00` closes a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    pub const MIDNIGHT: ClockTime = ClockTime(0);
    pub const END_OF_DAY: ClockTime = ClockTime(24 * 60);

    pub fn from_hm(hour: u16, minute: u16) -> Option<ClockTime> {
        let total = hour.checked_mul(60)?.checked_add(minute)?;
        (minute < 60 && total <= 24 * 60).then_some(ClockTime(total))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    /// This time plus `minutes`, or `None` past the end of the day.
    pub fn plus(self, minutes: u16) -> Option<ClockTime> {
        let total = self.0.checked_add(minutes)?;
        (total <= 24 * 60).then_some(ClockTime(total))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl FromStr for ClockTime {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a time of day like 06:30");
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let hour = h.parse().map_err(|_| bad())?;
        let minute = m.parse().map_err(|_| bad())?;
        ClockTime::from_hm(hour, minute).ok_or_else(bad)
    }
}

impl ClockTime {
    /// As a chrono time; `24:00` becomes the last second of the day.
    pub fn to_naive(self) -> chrono::NaiveTime {
        chrono::NaiveTime::from_hms_opt(u32::from(self.0 / 60), u32::from(self.0 % 60), 0)
            .unwrap_or(chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default())
    }
}

impl From<chrono::NaiveTime> for ClockTime {
    fn from(t: chrono::NaiveTime) -> Self {
        use chrono::Timelike;
        // Hour < 24 and minute < 60, so this is always in range.
        ClockTime(t.hour() as u16 * 60 + t.minute() as u16)
    }
}

/// A day of the year without a year, for season boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthDay {
    pub month: u8,
    pub day: u8,
}

impl MonthDay {
    pub fn of(date: chrono::NaiveDate) -> MonthDay {
        use chrono::Datelike;
        MonthDay {
            month: date.month() as u8,
            day: date.day() as u8,
        }
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl FromStr for MonthDay {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a month-day like 12-01");
        let (m, d) = s.split_once('-').ok_or_else(bad)?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        let day: u8 = d.parse().map_err(|_| bad())?;
        // 2000 is a leap year, so 02-29 is accepted as a boundary.
        chrono::NaiveDate::from_ymd_opt(2000, month.into(), day.into()).ok_or_else(bad)?;
        Ok(MonthDay { month, day })
    }
}

macro_rules! string_serde {
    ($ty:ty, $pattern:literal, $example:literal) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some($pattern))
                    .examples([$example])
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $ty {}
    };
}

string_serde!(ClockTime, r"^\d{2}:\d{2}$", "06:30");
string_serde!(MonthDay, r"^\d{2}-\d{2}$", "12-01");

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("06:30", 390)]
    #[case("00:00", 0)]
    #[case("24:00", 1440)]
    fn parses_times(#[case] text: &str, #[case] minutes: u16) {
        let t: ClockTime = text.parse().unwrap();
        assert_eq!(t.minutes(), minutes);
        assert_eq!(t.to_string(), text);
    }

    #[rstest]
    #[case("6:30")]
    #[case("24:01")]
    #[case("12:60")]
    #[case("noon")]
    fn rejects_bad_times(#[case] text: &str) {
        assert!(text.parse::<ClockTime>().is_err());
    }

    #[rstest]
    #[case("02-29", true)]
    #[case("12-01", true)]
    #[case("02-30", false)]
    #[case("13-01", false)]
    fn month_days(#[case] text: &str, #[case] ok: bool) {
        assert_eq!(text.parse::<MonthDay>().is_ok(), ok);
    }

    #[test]
    fn serde_round_trip() {
        let t: ClockTime = serde_json::from_str("\"17:05\"").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"17:05\"");
    }
}

/// A calendar date written exactly `YYYY-MM-DD`. chrono's own parser also takes forms
/// such as `+002026-12-10`, which would be stored as given and sort before every other
/// date as text.
pub fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod date_tests {
    use super::parse_date;

    #[test]
    fn dates_are_exactly_year_month_day() {
        assert_eq!(
            parse_date("2026-12-10"),
            chrono::NaiveDate::from_ymd_opt(2026, 12, 10)
        );
        for bad in [
            "+002026-12-10",
            "2026-12-1",
            "2026-2-10",
            " 2026-12-10",
            "2026-12-10T00:00",
            "2026-02-30",
            "２０２６-12-10",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }
}
