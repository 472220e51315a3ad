//! Trip planning through the app: live plans from the platform, a plan the platform
//! refuses passed on with its blocking constraint (not replaced by an offline guess),
//! plans made on the device with the platform gone, and a plan's combo booked as one order.

use chrono::{Days, Utc};
use serde_json::{Value, json};
use tongyou_core::api::{
    ApiError, ErrorCode, Order, OrderState, PlanKind, PlanParty, PlanRequest, Profile, Traveller,
    TripPlans,
};

use super::Rig;

fn family_trip() -> PlanRequest {
    PlanRequest {
        region_id: "huangshan".into(),
        start: (Utc::now().date_naive() + Days::new(7)).to_string(),
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

fn plan(rig: &Rig, request: &PlanRequest) -> Result<TripPlans, ApiError> {
    rig.invoke("plan_trip", json!({ "request": request }))
}

/// A resident ID number (GB 11643-1999) with the right check digit for `first17`.
fn resident_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{first17}{}", CHECK[(sum % 11) as usize] as char)
}

fn kinds(trip: &TripPlans) -> Vec<PlanKind> {
    trip.plans.iter().map(|p| p.kind).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_come_live_from_the_platform_and_one_books_as_a_single_order() {
    let rig = Rig::new().await;
    let _: Value = rig.invoke("sync_catalog", json!({})).unwrap();
    let trip = plan(&rig, &family_trip()).unwrap();
    assert!(trip.live);
    assert_eq!(
        kinds(&trip),
        [PlanKind::Budget, PlanKind::Balanced, PlanKind::Comfort]
    );

    // The family as saved travellers: the tourist, a second adult and a child of nine.
    let (_, first) = rig.tourist("13800138501").await;
    let born = Utc::now().date_naive() - Days::new(9 * 366);
    let child_id = resident_id(&format!("340102{}123", born.format("%Y%m%d")));
    let mut family = vec![first];
    for (name, id_number) in [
        ("李华", resident_id("34010219880412002")),
        ("张小明", child_id),
    ] {
        let added: Traveller = rig
            .invoke(
                "add_traveller",
                json!({ "input": {
                    "name": name, "id_kind": "resident_id", "id_number": id_number,
                    "consent": tongyou_core::privacy::NOTICE_VERSION
                }}),
            )
            .unwrap();
        family.push(added);
    }

    let comfort = &trip.plans[2];
    let request = json!({
        "combo": comfort.combo,
        "travellers": family.iter().map(|t| json!({ "traveller_id": t.id })).collect::<Vec<_>>(),
        "payment": "wallet",
    });
    let order: Order = rig
        .invoke(
            "place_order",
            json!({ "request": request, "idempotencyKey": "plan-1" }),
        )
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
    let _: Value = rig.invoke("sync_catalog", json!({})).unwrap();
    let poor = PlanRequest {
        budget_yuan: Some(50),
        ..family_trip()
    };
    let e = plan(&rig, &poor).unwrap_err();
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
    let e = plan(&rig, &family_trip()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Offline);

    rig.restart_platform().await;
    let _: Value = rig.invoke("sync_catalog", json!({})).unwrap();
    let live = plan(&rig, &family_trip()).unwrap();
    rig.stop_platform().await;
    let offline = plan(&rig, &family_trip()).unwrap();
    assert!(!offline.live);
    assert_eq!(kinds(&offline), kinds(&live));
    for plan in &offline.plans {
        assert_eq!(plan.days.len(), 2);
        assert!(!plan.reasons.is_empty());
    }

    // Blocked on the device: the same shape as the platform's answer.
    let e = plan(
        &rig,
        &PlanRequest {
            budget_yuan: Some(50),
            ..family_trip()
        },
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Invalid);
    assert_eq!(e.fields[0].field, "budget");
}
