//! Disruptions through the real client: an operator posts one, exactly the orders it hits
//! get their ways out, and a tourist applies one as one change (or, when a provider
//! refuses a step, none at all); untouched ways out fall back to the refund.

use chrono::{Days, NaiveDate};
use tongyou_core::api::{
    ApplyWayOut, DisruptionKind, DisruptionRequest, Fault, FaultStep, FaultTarget, Order,
    OrderState, PassState, PaymentMethod, SubOrderState, Text, WayOutKind,
};

use crate::api_error;
use crate::booking::{full_combo, place, request, tourist, visit_date};

/// The operator number dev mode accepts.
const OPERATOR: &str = "13900139001";

async fn operator(url: &str) -> (tongyou_client::PlatformClient, String) {
    let client = tongyou_client::PlatformClient::new(url).unwrap();
    client.request_code(OPERATOR).await.unwrap();
    let code = client.dev_sign_in_code(OPERATOR).await.unwrap();
    let token = client.sign_in(OPERATOR, &code).await.unwrap().token;
    (client, token)
}

fn day_after(date: &str, days: u64) -> String {
    let d: NaiveDate = date.parse().unwrap();
    (d + Days::new(days)).to_string()
}

/// The whole scenic area closed over the visit day.
fn storm(date: &str) -> DisruptionRequest {
    DisruptionRequest {
        region_id: "huangshan".into(),
        kind: DisruptionKind::AreaClosed,
        from: format!("{date}T00:00"),
        to: format!("{}T00:00", day_after(date, 1)),
        reason: Text::new("暴雨预警", "A storm warning"),
    }
}

fn live(order: &Order) -> Vec<SubOrderState> {
    order.sub_orders.iter().map(|s| s.state).collect()
}

#[tokio::test]
async fn a_storm_closure_moves_the_whole_trip_a_day_later_in_one_tap() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let t = tourist(&p.url(), "13800138501").await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    // Another tourist, two days later: outside the closure.
    let other = tourist(&p.url(), "13800138502").await;
    let mut later = full_combo();
    later.date = day_after(&visit_date(), 2);
    place(&other, "k1", &request(&other, later, PaymentMethod::Wallet)).await;

    let gate = crate::gates::staff(&t.client, "south-gate").await;
    let seen = t.client.revocations(&gate, 0).await.unwrap().cursor;
    let (op, op_token) = operator(&p.url()).await;
    let posted = op
        .post_disruption(&op_token, &storm(&visit_date()))
        .await
        .unwrap();
    assert_eq!(posted.affected_orders, 1);
    assert!(
        other
            .client
            .disruptions(&other.token)
            .await
            .unwrap()
            .is_empty()
    );

    let mine = t.client.disruptions(&t.token).await.unwrap();
    assert_eq!(mine.len(), 1);
    let affected = &mine[0];
    assert_eq!(affected.order_id, order.id);
    assert!(
        affected.why.en.contains("A storm warning"),
        "{:?}",
        affected.why
    );
    let kinds: Vec<WayOutKind> = affected.ways_out.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WayOutKind::DelayOneDay, WayOutKind::Refund]);
    let delay = &affected.ways_out[0];
    assert_eq!(delay.refund.0, (-delay.price_difference.0).max(0));
    // What the tourist was shown is held for them: the next day's places and room.
    let held = t.client.dev_held().await.unwrap();
    assert!(held.values().all(|n| *n > 0), "{held:?}");

    let apply = ApplyWayOut {
        disruption_id: posted.id,
        way_out: "delay".into(),
    };
    let moved = t
        .client
        .apply_way_out(&t.token, "d1", order.id, &apply)
        .await
        .unwrap();
    let next_day = day_after(&visit_date(), 1);
    assert_eq!(moved.state, OrderState::Confirmed);
    assert_eq!(moved.date, next_day);
    assert_eq!(moved.combo.as_ref().unwrap().date, next_day);
    // Every module moved: the old sub-orders cancelled, new ones confirmed.
    let states = live(&moved);
    assert_eq!(
        states
            .iter()
            .filter(|s| **s == SubOrderState::Cancelled)
            .count(),
        3
    );
    assert_eq!(
        states
            .iter()
            .filter(|s| **s == SubOrderState::Confirmed)
            .count(),
        3
    );
    // Old passes void, new ones valid for the new day.
    let old_ids: Vec<&str> = order.passes.iter().map(|p| p.pass_id.as_str()).collect();
    for pass in &moved.passes {
        if old_ids.contains(&pass.pass_id.as_str()) {
            assert_eq!(pass.state, PassState::Revoked, "{pass:?}");
        } else {
            assert_eq!(
                (pass.state, pass.date.as_str()),
                (PassState::Valid, next_day.as_str())
            );
        }
    }
    assert_eq!(
        moved
            .passes
            .iter()
            .filter(|p| p.state == PassState::Valid)
            .count(),
        order.passes.len()
    );
    assert_eq!(moved.payment.refunded, delay.refund);
    // The gates' next revocation delta carries every old pass, so an offline gate
    // refuses them once it has synced.
    let delta = t.client.revocations(&gate, seen).await.unwrap();
    for old in &old_ids {
        assert!(
            delta.revoked.iter().any(|r| r == old),
            "{old} not revoked at the gates"
        );
    }
    // Nothing left held, the case settled, and the same key answers the same order.
    assert!(t.client.dev_held().await.unwrap().values().all(|n| *n == 0));
    assert!(t.client.disruptions(&t.token).await.unwrap().is_empty());
    let again = t
        .client
        .apply_way_out(&t.token, "d1", order.id, &apply)
        .await
        .unwrap();
    assert_eq!(again, moved);
    // The operator's actions are in the audit log.
    let audit = op.operator_audit(&op_token).await.unwrap();
    assert_eq!(audit[0].action, "post");
    assert_eq!(audit[0].disruption_id, Some(posted.id));
}

#[tokio::test]
async fn a_provider_failing_at_any_step_leaves_the_order_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let t = tourist(&p.url(), "13800138511").await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let (op, op_token) = operator(&p.url()).await;
    let posted = op
        .post_disruption(&op_token, &storm(&visit_date()))
        .await
        .unwrap();
    let apply = ApplyWayOut {
        disruption_id: posted.id,
        way_out: "delay".into(),
    };
    let mut n = 0;
    for target in [
        FaultTarget::Scenic,
        FaultTarget::Hotel,
        FaultTarget::Transport,
    ] {
        for step in [FaultStep::Hold, FaultStep::Release, FaultStep::Confirm] {
            n += 1;
            t.client.set_fault(Fault { target, step }).await.unwrap();
            let refused = t
                .client
                .apply_way_out(&t.token, &format!("f{n}"), order.id, &apply)
                .await;
            let (status, _) = api_error(refused);
            assert_eq!(status, 409, "{target:?} {step:?}");
            t.client.clear_faults().await.unwrap();
            let now = t.client.order(&t.token, order.id).await.unwrap();
            assert_eq!(
                now, order,
                "{target:?} failing at {step:?} changed the order"
            );
            assert!(
                t.client.dev_held().await.unwrap().values().all(|n| *n == 0),
                "{target:?} {step:?} leaked a hold"
            );
        }
    }
    // The ways out are still there, worked out again (and now held for the tourist).
    let mine = t.client.disruptions(&t.token).await.unwrap();
    assert_eq!(mine[0].ways_out[0].kind, WayOutKind::DelayOneDay);
    let moved = t
        .client
        .apply_way_out(&t.token, "ok", order.id, &apply)
        .await
        .unwrap();
    assert_eq!(moved.date, day_after(&visit_date(), 1));
    assert!(t.client.dev_held().await.unwrap().values().all(|n| *n == 0));
}

#[tokio::test]
async fn a_stopped_lift_refunds_the_ride_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let t = tourist(&p.url(), "13800138521").await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let (op, op_token) = operator(&p.url()).await;
    let date = visit_date();
    let wind = DisruptionRequest {
        kind: DisruptionKind::LiftStopped {
            lift_id: "yungu".into(),
        },
        reason: Text::new("大风", "High wind"),
        ..storm(&date)
    };
    let posted = op.post_disruption(&op_token, &wind).await.unwrap();
    let mine = t.client.disruptions(&t.token).await.unwrap();
    let kinds: Vec<WayOutKind> = mine[0].ways_out.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WayOutKind::Swap, WayOutKind::Refund]);
    let ride: i64 = order
        .quote
        .lines
        .iter()
        .filter(|l| l.product_id == "yungu")
        .map(|l| l.pay.0)
        .sum();
    assert_eq!(mine[0].ways_out[1].refund.0, ride);

    let after = t
        .client
        .apply_way_out(
            &t.token,
            "r1",
            order.id,
            &ApplyWayOut {
                disruption_id: posted.id,
                way_out: "refund".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(after.state, OrderState::Confirmed);
    assert_eq!(after.payment.refunded.0, ride);
    assert!(live(&after).iter().all(|s| *s == SubOrderState::Confirmed));
    for pass in &after.passes {
        let expected = if pass.product_id == "yungu" {
            PassState::Revoked
        } else {
            PassState::Valid
        };
        assert_eq!(pass.state, expected, "{pass:?}");
    }
}

#[tokio::test]
async fn a_hotel_that_cannot_honour_the_night_swaps_to_the_same_grade_with_compensation() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let t = tourist(&p.url(), "13800138531").await;
    let mut combo = full_combo();
    combo.hotel = Some(tongyou_core::api::HotelStay {
        hotel_id: "beihai-hotel".into(),
        room_type_id: "twin".into(),
        rooms: 2,
        nights: 1,
    });
    let order = place(&t, "k1", &request(&t, combo, PaymentMethod::Wallet)).await;
    let (op, op_token) = operator(&p.url()).await;
    let date = visit_date();
    let water = DisruptionRequest {
        kind: DisruptionKind::HotelUnavailable {
            hotel_id: "beihai-hotel".into(),
        },
        from: format!("{date}T12:00"),
        to: format!("{}T12:00", day_after(&date, 1)),
        reason: Text::new("停水", "A water failure"),
        ..storm(&date)
    };
    let posted = op.post_disruption(&op_token, &water).await.unwrap();
    assert_eq!(posted.affected_orders, 1);
    let mine = t.client.disruptions(&t.token).await.unwrap();
    let swap = &mine[0].ways_out[0];
    assert_eq!(swap.kind, WayOutKind::Swap);
    let hotel_pay: i64 = order
        .sub_orders
        .iter()
        .filter(|s| s.provider == tongyou_core::api::Provider::Hotel)
        .map(|s| s.amount.0)
        .sum();
    assert_eq!(swap.compensation.0, hotel_pay * 10 / 100);
    let new_hotel = swap.combo.as_ref().unwrap().hotel.clone().unwrap().hotel_id;
    assert_eq!(
        new_hotel, "shilin-hotel",
        "the nearest grade-4 hotel on the summit"
    );

    let after = t
        .client
        .apply_way_out(
            &t.token,
            "s1",
            order.id,
            &ApplyWayOut {
                disruption_id: posted.id,
                way_out: swap.id.clone(),
            },
        )
        .await
        .unwrap();
    // Only the hotel moved; the ticket and the shuttle stand as they were.
    assert_eq!(after.date, order.date);
    assert_eq!(
        after
            .combo
            .as_ref()
            .unwrap()
            .hotel
            .as_ref()
            .unwrap()
            .hotel_id,
        new_hotel
    );
    assert_eq!(after.sub_orders.len(), order.sub_orders.len() + 1);
    assert_eq!(
        after.payment.refunded.0,
        swap.refund.0 + swap.compensation.0
    );
    for pass in &after.passes {
        assert_eq!(
            pass.state,
            PassState::Valid,
            "no pass of the stay: {pass:?}"
        );
    }
}

#[tokio::test]
async fn ways_out_left_untouched_fall_back_to_the_refund_and_lifting_closes_them() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let t = tourist(&p.url(), "13800138541").await;
    let first = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let (op, op_token) = operator(&p.url()).await;
    let posted = op
        .post_disruption(&op_token, &storm(&visit_date()))
        .await
        .unwrap();
    // Past the expiry: the whole order refunded under the disruption's rule.
    let far = format!("{}T12:00:00Z", day_after(&visit_date(), 3));
    let (_, expired) = t.client.dev_sweep_all(&far).await.unwrap();
    assert_eq!(expired, 1);
    let after = t.client.order(&t.token, first.id).await.unwrap();
    assert_eq!(after.state, OrderState::Cancelled);
    assert_eq!(after.payment.refunded, first.payment.amount);
    assert!(after.passes.iter().all(|p| p.state == PassState::Revoked));
    assert!(t.client.disruptions(&t.token).await.unwrap().is_empty());

    // A second order on the same day, then the closure lifted: its ways out close.
    let second = place(&t, "k2", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let mut storm2 = storm(&visit_date());
    storm2.reason = Text::new("暴雨预警（更新）", "A storm warning (updated)");
    let updated = op
        .update_disruption(&op_token, posted.id, &storm2)
        .await
        .unwrap();
    assert_eq!(updated.affected_orders, 1);
    assert_eq!(
        t.client.disruptions(&t.token).await.unwrap()[0].order_id,
        second.id
    );
    op.lift_disruption(&op_token, posted.id).await.unwrap();
    assert!(t.client.disruptions(&t.token).await.unwrap().is_empty());
    // What was held for the ways out shown went back with the lift.
    assert!(t.client.dev_held().await.unwrap().values().all(|n| *n == 0));
    let (_, expired) = t.client.dev_sweep_all(&far).await.unwrap();
    assert_eq!(expired, 0);
    assert_eq!(
        t.client.order(&t.token, second.id).await.unwrap().state,
        OrderState::Confirmed
    );
    let actions: Vec<String> = op
        .operator_audit(&op_token)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(actions, ["lift", "update", "post"]);
}

#[tokio::test]
async fn bad_postings_name_their_field_and_only_operators_may_post() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (op, op_token) = operator(&p.url()).await;
    let date = visit_date();
    let mut backwards = storm(&date);
    backwards.to = format!("{date}T00:00");
    backwards.from = format!("{date}T12:00");
    let mut past = storm(&date);
    past.from = "2020-01-01T00:00".into();
    past.to = "2020-01-02T00:00".into();
    let unknown = DisruptionRequest {
        kind: DisruptionKind::SightClosed {
            sight_id: "no-such-sight".into(),
        },
        ..storm(&date)
    };
    let mut elsewhere = storm(&date);
    elsewhere.region_id = "atlantis".into();
    for (bad, field) in [
        (backwards, "to"),
        (past, "to"),
        (unknown, "sight_id"),
        (elsewhere, "region_id"),
    ] {
        let (status, error) = api_error(op.post_disruption(&op_token, &bad).await);
        assert_eq!(status, 422, "{field}");
        assert_eq!(error.fields[0].field, field);
    }
    // A tourist is not an operator; no session is no one.
    let t = tourist(&p.url(), "13800138551").await;
    let (status, _) = api_error(t.client.post_disruption(&t.token, &storm(&date)).await);
    assert_eq!(status, 403);
    let (status, _) = api_error(t.client.operator_audit(&t.token).await);
    assert_eq!(status, 403);
    let (status, _) = api_error(op.post_disruption("not-a-session", &storm(&date)).await);
    assert_eq!(status, 401);
    // A case that is not the tourist's is not found.
    let (status, _) = api_error(
        t.client
            .apply_way_out(
                &t.token,
                "x",
                1,
                &ApplyWayOut {
                    disruption_id: 1,
                    way_out: "refund".into(),
                },
            )
            .await,
    );
    assert_eq!(status, 404);
}

#[tokio::test]
async fn two_tourists_racing_for_the_last_seats_the_first_to_look_gets_them() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let seat = |departure: &str| {
        let mut combo = full_combo();
        combo.hotel = None;
        combo.add_ons.clear();
        combo.shuttles[0].departure = departure.parse().unwrap();
        combo
    };
    // The 07:15 shuttle has 45 seats: 14 parties of three leave three.
    let filler = tourist(&p.url(), "13800138561").await;
    for n in 0..14 {
        place(
            &filler,
            &format!("f{n}"),
            &request(&filler, seat("07:15"), PaymentMethod::Wallet),
        )
        .await;
    }
    let a = tourist(&p.url(), "13800138562").await;
    let b = tourist(&p.url(), "13800138563").await;
    let a_order = place(&a, "k1", &request(&a, seat("07:00"), PaymentMethod::Wallet)).await;
    let b_order = place(&b, "k1", &request(&b, seat("07:00"), PaymentMethod::Wallet)).await;

    let (op, op_token) = operator(&p.url()).await;
    let date = visit_date();
    let cancelled = DisruptionRequest {
        kind: DisruptionKind::ShuttleCancelled {
            line_id: "tangkou-yungu".into(),
            departure: "07:00".parse().unwrap(),
        },
        reason: Text::new("车辆故障", "A breakdown"),
        ..storm(&date)
    };
    let posted = op.post_disruption(&op_token, &cancelled).await.unwrap();
    assert_eq!(posted.affected_orders, 2);
    // The first to look is offered the three seats, held for them; the second is not.
    let kinds = |t: &crate::booking::Tourist| {
        let (client, token) = (t.client.clone(), t.token.clone());
        async move {
            client.disruptions(&token).await.unwrap()[0]
                .ways_out
                .iter()
                .map(|w| w.kind)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(kinds(&a).await, [WayOutKind::Swap, WayOutKind::Refund]);
    assert_eq!(kinds(&b).await, [WayOutKind::Refund]);
    // The next departure, 07:15, by the id the first tourist was shown.
    let swap = ApplyWayOut {
        disruption_id: posted.id,
        way_out: "swap-0715".into(),
    };
    let (first, second) = tokio::join!(
        a.client.apply_way_out(&a.token, "s", a_order.id, &swap),
        b.client.apply_way_out(&b.token, "s", b_order.id, &swap),
    );
    let (winner, loser, lost) = match (first, second) {
        (Ok(_), Err(e)) => (&a, &b, e),
        other => panic!("the one the seats were held for gets them: {other:?}"),
    };
    let (status, _) = api_error(Err::<(), _>(lost));
    assert_eq!(status, 409);
    assert!(
        winner
            .client
            .disruptions(&winner.token)
            .await
            .unwrap()
            .is_empty()
    );
    // The other is left with what the inventory still allows: the refund.
    let left = loser.client.disruptions(&loser.token).await.unwrap();
    let kinds: Vec<WayOutKind> = left[0].ways_out.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WayOutKind::Refund]);
    assert!(p_held_nothing(&a).await);
}

async fn p_held_nothing(t: &crate::booking::Tourist) -> bool {
    t.client.dev_held().await.unwrap().values().all(|n| *n == 0)
}
