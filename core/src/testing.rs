//! Fixtures for tests, shared by the tests of several crates (the planner's here, the
//! platform's, the device's and the app shell's) so that "the family trip" is one trip.
//! Compiled only for core's own tests and under the `testing` feature, which other crates
//! turn on from their dev-dependencies alone: nothing here ships.

use crate::api::{PlanParty, PlanRequest, Profile};
use crate::identity::check_character;

/// The demo family's trip: two adults and a child of nine, two days at Huangshan from
/// `start` (`YYYY-MM-DD`), family-paced, with no budget.
pub fn family_trip(start: &str) -> PlanRequest {
    PlanRequest {
        region_id: "huangshan".into(),
        start: start.into(),
        days: 2,
        party: PlanParty {
            adults: 2,
            children: vec![9],
            seniors: 0,
        },
        profile: Profile::Family,
        budget_yuan: None,
    }
}

/// A resident ID number (GB 11643-1999): `first17` digits and their check character.
pub fn resident_id(first17: &str) -> String {
    format!("{first17}{}", check_character(first17.chars()))
}

/// The events of an iCalendar text as an independent parser (the `ical` crate) reads them:
/// each event's properties by name (`UID`, `SEQUENCE`, `DTSTART`…), and each parameter as
/// `NAME;PARAM` (`DTSTART;TZID`). Panics when the text is not exactly one calendar, or
/// when it does not define exactly one time zone.
pub fn calendar_events(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut parser = ical::IcalParser::new(text.as_bytes());
    let calendar = parser
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("not an iCalendar text:\n{text}"));
    assert!(parser.next().is_none(), "more than one calendar");
    assert_eq!(calendar.timezones.len(), 1, "one VTIMEZONE");
    calendar
        .events
        .iter()
        .map(|event| {
            let mut properties = std::collections::BTreeMap::new();
            for p in &event.properties {
                for (param, values) in p.params.iter().flatten() {
                    properties.insert(format!("{};{param}", p.name), values.join(","));
                }
                properties.insert(p.name.clone(), p.value.clone().unwrap_or_default());
            }
            properties
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_id_number_ends_in_its_check_character() {
        assert_eq!(resident_id("11010519891231002"), "110105198912310028");
        assert_eq!(resident_id("11010519491231002"), "11010519491231002X");
    }
}
