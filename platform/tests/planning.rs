//! The crowd forecast and trip planning through the real client: holidays against ordinary
//! days, the live sensor feed, and a plan booked in one go through the booking saga.

use chrono::{Days, Duration, Utc};
use tongyou_core::api::{
    OrderRequest, OrderState, OrderTraveller, PaymentMethod, PlanKind, PlanParty, PlanRequest,
    SensorReading,
};
use tongyou_core::crowd::CrowdLevel;
use tongyou_core::testing::family_trip;

use crate::api_error;
use crate::booking::fresh;

fn noon(forecast: &tongyou_core::api::CrowdForecast, sight: &str) -> u8 {
    forecast
        .sights
        .iter()
        .find(|s| s.sight_id == sight)
        .unwrap()
        .hours[12]
}

#[tokio::test]
async fn golden_week_and_make_up_days_in_the_forecast() {
    let (_dir, p, t) = fresh("13800138201").await;
    let c = &t.client;
    let golden = c.crowd("huangshan", "2026-10-03").await.unwrap();
    let tuesday = c.crowd("huangshan", "2026-10-13").await.unwrap();
    assert!(golden.day.zh.contains("国庆"), "{}", golden.day.zh);
    assert_eq!(tuesday.day.en, "Workday");
    assert!(golden.day_percent > tuesday.day_percent + 20);
    let (g, q) = (
        noon(&golden, "bright-summit"),
        noon(&tuesday, "bright-summit"),
    );
    assert!(
        CrowdLevel::of(g) >= CrowdLevel::Orange,
        "golden week noon {g}%"
    );
    assert_eq!(
        CrowdLevel::of(q),
        CrowdLevel::Comfortable,
        "Tuesday noon {q}%"
    );

    let make_up = c.crowd("huangshan", "2026-09-20").await.unwrap();
    assert!(make_up.day.zh.contains("调休"), "{}", make_up.day.zh);
    let sunday = c.crowd("huangshan", "2026-09-13").await.unwrap();
    assert!(sunday.day_percent > make_up.day_percent);

    assert_eq!(api_error(c.crowd("huangshan", "tomorrow").await).0, 422);
    assert_eq!(api_error(c.crowd("atlantis", "2026-10-03").await).0, 404);
    p.stop().await;
}

#[tokio::test]
async fn a_sensor_reading_sets_the_live_level_for_half_an_hour() {
    let (_dir, p, t) = fresh("13800138202").await;
    let c = &t.client;
    // Region-local today (UTC+8).
    let today = (Utc::now() + Duration::hours(8)).date_naive().to_string();
    let reading = |sight: &str, people: u32, minutes_ago: i64| SensorReading {
        region_id: "huangshan".into(),
        sight_id: sight.into(),
        people,
        at: (Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339(),
    };
    // Bright Summit holds 1,500 comfortably: 1,400 people is 93 %, orange.
    c.dev_sensor(&reading("bright-summit", 1400, 2))
        .await
        .unwrap();
    c.dev_sensor(&reading("lotus-peak", 100, 45)).await.unwrap();
    let now = c.crowd("huangshan", &today).await.unwrap();
    let live = |id: &str| now.sights.iter().find(|s| s.sight_id == id).unwrap().live;
    assert_eq!(live("bright-summit"), Some(93));
    assert_eq!(CrowdLevel::of(93), CrowdLevel::Orange);
    assert_eq!(
        live("lotus-peak"),
        None,
        "a reading 45 minutes old is not live"
    );
    // Another day has no live levels.
    let tomorrow = (Utc::now() + Duration::hours(32)).date_naive().to_string();
    let later = c.crowd("huangshan", &tomorrow).await.unwrap();
    assert!(later.sights.iter().all(|s| s.live.is_none()));

    let (status, error) = api_error(c.dev_sensor(&reading("moon", 1, 0)).await);
    assert_eq!((status, error.fields[0].field.as_str()), (422, "sight_id"));
    p.stop().await;
}

#[tokio::test]
async fn three_plans_come_back_and_one_books_as_a_combo_order() {
    let (_dir, p, t) = fresh("13800138203").await;
    let c = &t.client;
    let start = Utc::now().date_naive() + Days::new(9);
    // The family trip, with the party of the tourist's saved travellers (all of whom are
    // booked below): an adult, a child born 2016 and a senior.
    let request = PlanRequest {
        party: PlanParty {
            adults: 1,
            children: vec![10],
            seniors: 1,
        },
        ..family_trip(&start.to_string())
    };
    let plans = c.plans(&request).await.unwrap();
    assert_eq!(
        plans.iter().map(|p| p.kind).collect::<Vec<_>>(),
        [PlanKind::Budget, PlanKind::Balanced, PlanKind::Comfort]
    );
    let chosen = &plans[1];
    let travellers = c.travellers(&t.token).await.unwrap();
    let order = OrderRequest {
        combo: chosen.combo.clone(),
        travellers: travellers
            .iter()
            .map(|tr| OrderTraveller {
                traveller_id: tr.id,
                student: false,
            })
            .collect(),
        payment: PaymentMethod::Wallet,
    };
    let placed = c.place_order(&t.token, "plan-1", &order).await.unwrap();
    assert_eq!(placed.state, OrderState::Confirmed, "{:?}", placed.problem);
    assert_eq!(placed.date, start.to_string());
    assert!(!placed.passes.is_empty());

    // A budget no plan fits names the budget.
    let poor = PlanRequest {
        budget_yuan: Some(50),
        ..request.clone()
    };
    let (status, error) = api_error(c.plans(&poor).await);
    assert_eq!((status, error.fields[0].field.as_str()), (422, "budget"));
    assert!(error.fields[0].message.zh.contains("¥50"));
    let past = PlanRequest {
        start: "2020-01-01".into(),
        ..request
    };
    assert_eq!(api_error(c.plans(&past).await).1.fields[0].field, "dates");
    p.stop().await;
}
