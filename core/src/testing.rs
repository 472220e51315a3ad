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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_id_number_ends_in_its_check_character() {
        assert_eq!(resident_id("11010519891231002"), "110105198912310028");
        assert_eq!(resident_id("11010519491231002"), "11010519491231002X");
    }
}
