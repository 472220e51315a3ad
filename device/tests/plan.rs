//! Trip planning through the device: live plans from the platform, a plan the platform
//! refuses passed on with its blocking constraint (not replaced by an offline guess),
//! plans made on the device with the platform gone, and a plan's combo booked as one order.

use chrono::{Days, Utc};
use tongyou_core::api::{ApiError, ErrorCode, OrderState, PlanKind, PlanRequest, TripPlans};
use tongyou_core::testing::{family_trip, resident_id};

use super::{Rig, order_for, resident, visit_date};

/// The family's trip, starting on the day the other tests book for.
fn a_week_ahead() -> PlanRequest {
    family_trip(&visit_date())
}

/// The same trip on a budget no plan fits.
fn on_fifty_yuan() -> PlanRequest {
    PlanRequest {
        budget_yuan: Some(50),
        ..a_week_ahead()
    }
}

/// Plans as the UI receives them: three, or the error with its blocking constraint.
async fn plan(rig: &Rig, request: PlanRequest) -> Result<TripPlans, ApiError> {
    rig.device
        .plan_trip(request)
        .await
        .map_err(|e| e.to_api_error())
}

fn kinds(trip: &TripPlans) -> Vec<PlanKind> {
    trip.plans.iter().map(|p| p.kind).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_come_live_from_the_platform_and_one_books_as_a_single_order() {
    let rig = Rig::new().await;
    rig.sync().await;
    let trip = plan(&rig, a_week_ahead()).await.unwrap();
    assert!(trip.live);
    assert_eq!(
        kinds(&trip),
        [PlanKind::Budget, PlanKind::Balanced, PlanKind::Comfort]
    );

    // The family as saved travellers: the tourist, a second adult and a child of nine
    // (born a little over nine years ago, so nine from today to the visit).
    let (_, first) = rig.tourist("13800138501").await;
    let born = Utc::now().date_naive() - Days::new(9 * 366);
    let child_id = resident_id(&format!("340102{}123", born.format("%Y%m%d")));
    let mut family = vec![first];
    for (name, id_number) in [
        ("李华", resident_id("34010219880412002")),
        ("张小明", child_id),
    ] {
        let added = rig
            .device
            .add_traveller(resident(name, &id_number))
            .await
            .unwrap();
        family.push(added);
    }

    let comfort = &trip.plans[2];
    let request = order_for(comfort.combo.clone(), &family);
    let order = rig
        .device
        .place_order(request, "plan-1".into())
        .await
        .unwrap();
    assert_eq!(order.state, OrderState::Confirmed, "{:?}", order.problem);
    assert_eq!(
        order.quote.total, comfort.quote.total,
        "the party matches the plan's, so the order costs what the plan said"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_from_the_platform_names_the_blocking_constraint() {
    let rig = Rig::new().await;
    rig.sync().await;
    let e = plan(&rig, on_fifty_yuan()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Invalid);
    assert_eq!(e.fields.len(), 1, "{e:?}");
    assert_eq!(e.fields[0].field, "budget");
    assert!(e.fields[0].message.zh.contains("¥50"), "{e:?}");
    assert!(e.fields[0].message.en.contains("¥50"), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_platform_gone_the_device_plans_from_its_catalog() {
    let mut rig = Rig::new().await;
    // Nothing stored and nobody to ask: offline, said as such.
    rig.stop_platform().await;
    let e = plan(&rig, a_week_ahead()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Offline);

    rig.restart_platform().await;
    rig.sync().await;
    let live = plan(&rig, a_week_ahead()).await.unwrap();
    rig.stop_platform().await;
    let offline = plan(&rig, a_week_ahead()).await.unwrap();
    assert!(!offline.live);
    assert_eq!(kinds(&offline), kinds(&live));
    for plan in &offline.plans {
        assert_eq!(plan.days.len(), 2);
        assert!(!plan.reasons.is_empty());
    }

    // Blocked on the device: the same shape as the platform's answer.
    let e = plan(&rig, on_fifty_yuan()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Invalid);
    assert_eq!(e.fields[0].field, "budget");
}
