//! Trip planning: three plans from the platform when it answers (live places, rooms and
//! crowd levels), else made on the device by the same `core::planner` from the stored
//! catalog and the crowd model alone. A platform that answers "no plan is possible" is a
//! real answer and is passed on, not replaced by an offline guess.
//!
//! Booking a plan is not here: the UI places the plan's combo with `place_order`.

use chrono::{Days, NaiveDate, NaiveDateTime};
use tongyou_core::api::{FieldError, PlanRequest, TripPlans};
use tongyou_core::calendar::HolidayCalendar;
use tongyou_core::catalog::Catalog;
use tongyou_core::planner::{self, Forecast, Vacancy};

use crate::Device;
use crate::error::CommandError;

impl Device {
    /// Three plans for a trip, or an `invalid` error whose one field names the blocking
    /// constraint (`slots`, `rooms`, `budget`, `dates`, `party`) with a zh/en message.
    pub async fn plan_trip(&self, request: PlanRequest) -> Result<TripPlans, CommandError> {
        match self.client.plans(&request).await {
            Ok(plans) => Ok(TripPlans { plans, live: true }),
            Err(e) if e.is_offline() => {
                let Some(stored) = self.store.catalog(&request.region_id)? else {
                    // Nothing to plan with on the device either.
                    return Err(e.into());
                };
                let now = tongyou_core::discover::local_now(&stored.catalog, chrono::Utc::now());
                plan_offline(&stored.catalog, &request, now)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Plans on the device: the crowd model with no tickets known to be sold, and every slot
/// and room assumed free, since only the platform knows what is left.
pub fn plan_offline(
    catalog: &Catalog,
    request: &PlanRequest,
    now: NaiveDateTime,
) -> Result<TripPlans, CommandError> {
    let dates: Vec<NaiveDate> = match request.start.parse::<NaiveDate>() {
        Ok(start) => (0..request.days.clamp(1, 5))
            .filter_map(|i| start.checked_add_days(Days::new(u64::from(i))))
            .collect(),
        // The planner names a bad date itself.
        Err(_) => Vec::new(),
    };
    let forecast = Forecast::from_model(catalog, &HolidayCalendar::china(), &dates, |_| 0);
    planner::plan(catalog, request, &Vacancy::default(), &forecast, now)
        .map(|plans| TripPlans { plans, live: false })
        .map_err(|blocked| {
            // The same shape as the platform's 422, so the screen reads both alike.
            CommandError::Invalid(vec![FieldError {
                field: blocked.constraint,
                message: blocked.message,
            }])
        })
}

#[cfg(test)]
mod tests {
    use tongyou_core::api::{ErrorCode, PlanKind};
    use tongyou_core::testing::family_trip;

    use super::*;
    use crate::demo_catalog as catalog;

    fn now() -> NaiveDateTime {
        "2026-11-22T09:00:00".parse().unwrap()
    }

    #[test]
    fn plans_offline_on_the_stored_catalog_and_says_so() {
        let trip = plan_offline(&catalog(), &family_trip("2026-11-29"), now()).unwrap();
        assert!(!trip.live);
        let kinds: Vec<PlanKind> = trip.plans.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [PlanKind::Budget, PlanKind::Balanced, PlanKind::Comfort]
        );
        for plan in &trip.plans {
            assert_eq!(plan.days.len(), 2);
            assert_eq!(plan.combo.date, "2026-11-29");
            assert!(!plan.reasons.is_empty(), "{:?}", plan.kind);
        }
    }

    #[test]
    fn a_blocked_plan_offline_names_its_constraint_like_the_platform() {
        let past = plan_offline(&catalog(), &family_trip("2026-11-01"), now()).unwrap_err();
        let api = past.to_api_error();
        assert_eq!(api.code, ErrorCode::Invalid);
        assert_eq!(api.fields.len(), 1);
        assert_eq!(api.fields[0].field, "dates");
        assert!(!api.fields[0].message.zh.is_empty());

        let mut poor = family_trip("2026-11-29");
        poor.budget_yuan = Some(50);
        let api = plan_offline(&catalog(), &poor, now())
            .unwrap_err()
            .to_api_error();
        assert_eq!(api.fields[0].field, "budget");
        assert!(api.fields[0].message.en.contains("¥50"), "{api:?}");
    }

    #[test]
    fn a_date_that_is_not_a_date_is_the_planner_s_to_name() {
        let api = plan_offline(&catalog(), &family_trip("next week"), now())
            .unwrap_err()
            .to_api_error();
        assert_eq!(api.fields[0].field, "dates");
    }
}
