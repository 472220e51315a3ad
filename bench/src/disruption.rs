//! A storm over a busy day. N tourists (10,000 by default) each hold a confirmed entry
//! ticket for one day on the embedded platform; an operator closes the scenic area for
//! that day. Printed: the time the closure takes to open a case for every order it hits
//! (they can read their ways out from then on), then, for A of them (1,000) at once,
//! "delay one day" applied: applied per second, latency percentiles, and the oversold
//! count, from the next day's stock before and after.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{Days, Utc};
use tokio::sync::Semaphore;
use tongyou_client::PlatformClient;
use tongyou_core::api::{ApplyWayOut, Combo, DisruptionKind, DisruptionRequest, Text};

use crate::booking::{booked_tourist, percentile, start_platform};

/// Requests in flight while setting up the tourists.
const IN_FLIGHT: usize = 16;
/// The operator number dev mode accepts.
const OPERATOR: &str = "13900139001";
const SLOTS: [&str; 3] = ["early", "morning", "midday"];

struct Tourist {
    token: String,
    order_id: i64,
}

pub fn run(trips: usize, applies: usize) -> anyhow::Result<()> {
    let applies = applies.min(trips);
    let dir = tempfile::tempdir()?;
    let (server, platform) = start_platform(&dir.path().join("platform.db"), trips + 1)?;
    let url = platform.url();
    let load = tokio::runtime::Builder::new_multi_thread()
        .thread_name("tourists")
        .enable_all()
        .build()?;
    let outcome = load.block_on(storm(&url, trips, applies));
    server.block_on(platform.stop());
    let o = outcome?;
    println!("disruption: {trips} booked trips on one day, embedded platform on loopback");
    println!(
        "  closure posted      {} orders hit, cases open after {:.2} s",
        o.hit,
        o.post.as_secs_f64()
    );
    println!(
        "  delay one day       {} of {applies} applied at once in {:.2} s: {:.0} applied/s",
        o.applied,
        o.spread.as_secs_f64(),
        o.applied as f64 / o.spread.as_secs_f64().max(f64::EPSILON)
    );
    println!(
        "  apply p50           {:.1} ms",
        percentile(&o.latencies_ms, 50.0)
    );
    println!(
        "  apply p99           {:.1} ms",
        percentile(&o.latencies_ms, 99.0)
    );
    println!(
        "  apply max           {:.1} ms",
        percentile(&o.latencies_ms, 100.0)
    );
    println!("  oversold            {}", o.oversold);
    if o.hit != trips {
        bail!("{} of {trips} orders were hit", o.hit);
    }
    if o.oversold != 0 {
        bail!("{} places oversold", o.oversold);
    }
    Ok(())
}

struct Outcome {
    hit: usize,
    post: Duration,
    applied: usize,
    spread: Duration,
    latencies_ms: Vec<f64>,
    oversold: i64,
}

async fn storm(url: &str, trips: usize, applies: usize) -> anyhow::Result<Outcome> {
    let client = PlatformClient::new(url)?;
    // The day after tomorrow: tomorrow in UTC may already be today on the mountain.
    let day = Utc::now().date_naive() + Days::new(3);
    let next = day + Days::new(1);
    eprintln!("booking {trips} trips for {day}…");
    let tourists = Arc::new(setup(&client, trips, &day.to_string()).await?);
    let before = client.availability("huangshan", &next.to_string()).await?;

    let token = signed_in(&client, OPERATOR).await?;
    let closure = DisruptionRequest {
        region_id: "huangshan".into(),
        kind: DisruptionKind::AreaClosed,
        from: format!("{day}T00:00"),
        to: format!("{next}T00:00"),
        reason: Text::new("暴雨预警", "A storm warning"),
    };
    let started = Instant::now();
    let posted = client.post_disruption(&token, &closure).await?;
    let post = started.elapsed();

    eprintln!(
        "{} orders hit; {applies} tourists apply \"delay one day\" at once…",
        posted.affected_orders
    );
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(applies);
    for n in 0..applies {
        let (client, tourists) = (client.clone(), Arc::clone(&tourists));
        let disruption_id = posted.id;
        tasks.push(tokio::spawn(async move {
            let t = &tourists[n];
            let at = Instant::now();
            let applied = client
                .apply_way_out(
                    &t.token,
                    &format!("storm-{n}"),
                    t.order_id,
                    &ApplyWayOut {
                        disruption_id,
                        way_out: "delay".into(),
                    },
                )
                .await;
            (applied.is_ok(), at.elapsed(), Instant::now())
        }));
    }
    let mut latencies_ms = Vec::with_capacity(applies);
    let (mut applied, mut last) = (0, started);
    for task in tasks {
        let (ok, took, done) = task.await.context("an apply task crashed")?;
        latencies_ms.push(took.as_secs_f64() * 1000.0);
        if ok {
            applied += 1;
        }
        last = last.max(done);
    }
    latencies_ms.sort_by(f64::total_cmp);

    // Every applied move took one place of its slot on the next day, and no more.
    let after = client.availability("huangshan", &next.to_string()).await?;
    let mut moved_to = std::collections::BTreeMap::<&str, i64>::new();
    for n in 0..applied.min(applies) {
        *moved_to.entry(SLOTS[n % SLOTS.len()]).or_default() += 1;
    }
    let left = |a: &tongyou_core::api::Availability, slot: &str| {
        a.slots
            .iter()
            .find(|(id, _)| id == slot)
            .map_or(0, |(_, n)| i64::from(*n))
    };
    let oversold = SLOTS
        .iter()
        .map(|slot| {
            let taken = left(&before, slot) - left(&after, slot);
            (taken - moved_to.get(slot).copied().unwrap_or(0)).abs()
        })
        .sum();
    Ok(Outcome {
        hit: posted.affected_orders as usize,
        post,
        applied,
        spread: last.saturating_duration_since(started),
        latencies_ms,
        oversold,
    })
}

async fn signed_in(client: &PlatformClient, mobile: &str) -> anyhow::Result<String> {
    client.request_code(mobile).await?;
    let code = client.dev_sign_in_code(mobile).await?;
    Ok(client.sign_in(mobile, &code).await?.token)
}

async fn setup(client: &PlatformClient, trips: usize, day: &str) -> anyhow::Result<Vec<Tourist>> {
    let turns = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = Vec::with_capacity(trips);
    for n in 0..trips {
        let turn = Arc::clone(&turns).acquire_owned().await?;
        let (client, day) = (client.clone(), day.to_owned());
        tasks.push(tokio::spawn(async move {
            let tourist = tourist(&client, n, &day).await;
            drop(turn);
            tourist
        }));
    }
    let mut tourists = Vec::with_capacity(trips);
    for task in tasks {
        tourists.push(task.await.context("a setup task crashed")??);
    }
    Ok(tourists)
}

/// Tourist `n`: one traveller, an entry ticket for `day` in slot `n mod 3`.
async fn tourist(client: &PlatformClient, n: usize, day: &str) -> anyhow::Result<Tourist> {
    let combo = Combo {
        region_id: "huangshan".into(),
        date: day.to_owned(),
        slot_id: Some(SLOTS[n % SLOTS.len()].into()),
        add_ons: Vec::new(),
        hotel: None,
        shuttles: Vec::new(),
    };
    let (token, order_id) = booked_tourist(
        client,
        &format!("136{n:08}"),
        n,
        combo,
        &format!("storm-{n}"),
    )
    .await?;
    Ok(Tourist { token, order_id })
}
