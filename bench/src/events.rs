//! The event fan-out. N tourists, each with a combo that has a shuttle seat, each hold one
//! open event stream as the app does; then the transport module assigns every shuttle its
//! vehicle, one change per tourist, as fast as the platform takes them. Printed: the streams
//! held, the events delivered per second, the time from each change's request to its
//! event arriving on the tourist's stream (p50, p99, max), and the memory each open stream
//! costs. Platform and subscribers share this process (on loopback, in their own
//! runtimes), so the memory figure is both ends of a stream together: an upper bound for
//! the platform's share.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{Days, Utc};
use futures_util::StreamExt;
use tokio::sync::{Semaphore, oneshot};
use tongyou_client::{EventMessage, PlatformClient};
use tongyou_core::api::{Combo, EventKind, ShuttleSeat, Vehicle};

use crate::booking::{booked_tourist, start_platform};

/// Requests in flight while setting up tourists and while publishing the changes.
const IN_FLIGHT: usize = 16;
/// Bounds a stream's wait for its event: past it the event counts as lost.
const PATIENCE: Duration = Duration::from_secs(60);

struct Subscriber {
    token: String,
    order_id: i64,
}

pub fn run(streams: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (server, platform) = start_platform(&dir.path().join("platform.db"), streams)?;
    let url = platform.url();
    let load = tokio::runtime::Builder::new_multi_thread()
        .thread_name("subscribers")
        .enable_all()
        .build()?;
    let outcome = load.block_on(fan_out(&url, streams));
    server.block_on(platform.stop());
    let outcome = outcome?;

    let secs = outcome.spread.as_secs_f64();
    println!(
        "event fan-out: {streams} tourists, one open stream each, embedded platform on loopback"
    );
    println!("  streams held       {}", outcome.held);
    println!(
        "  events delivered   {} of {streams}",
        outcome.latencies_ms.len()
    );
    println!(
        "  delivery rate      {:.0} events/s (first change requested to last event received)",
        outcome.latencies_ms.len() as f64 / secs.max(f64::EPSILON)
    );
    println!("  change → event p50 {:.1} ms", outcome.percentile(50.0));
    println!("  change → event p99 {:.1} ms", outcome.percentile(99.0));
    println!("  change → event max {:.1} ms", outcome.percentile(100.0));
    match outcome.rss_per_stream {
        Some(bytes) => println!(
            "  memory per stream  {:.1} KiB (resident, platform and subscriber ends together)",
            bytes / 1024.0
        ),
        None => println!("  memory per stream  unknown (no /proc/self/status here)"),
    }
    if outcome.latencies_ms.len() < streams {
        bail!(
            "{} of {streams} events never arrived",
            streams - outcome.latencies_ms.len()
        );
    }
    Ok(())
}

struct Outcome {
    held: usize,
    /// From the first change requested to the last event received.
    spread: Duration,
    latencies_ms: Vec<f64>,
    rss_per_stream: Option<f64>,
}

impl Outcome {
    fn percentile(&self, p: f64) -> f64 {
        crate::booking::percentile(&self.latencies_ms, p)
    }
}

async fn fan_out(url: &str, streams: usize) -> anyhow::Result<Outcome> {
    let client = PlatformClient::new(url)?;
    eprintln!("setting up {streams} tourists with a shuttle booking each…");
    let subscribers = setup(&client, streams).await?;

    // Every stream open and past its first message before anything changes.
    let before = resident_bytes();
    let held = Arc::new(AtomicUsize::new(0));
    let mut ready = Vec::with_capacity(streams);
    let mut arrivals = Vec::with_capacity(streams);
    for s in &subscribers {
        let (opened, is_open) = oneshot::channel::<()>();
        let (arrived, has_arrived) = oneshot::channel::<Instant>();
        ready.push(is_open);
        arrivals.push(has_arrived);
        let (client, token, order_id, held) = (
            client.clone(),
            s.token.clone(),
            s.order_id,
            Arc::clone(&held),
        );
        tokio::spawn(async move {
            let Ok(mut stream) = client.events(&token, None).await else {
                return;
            };
            held.fetch_add(1, Ordering::SeqCst);
            let mut opened = Some(opened);
            while let Ok(Some(Ok(message))) = tokio::time::timeout(PATIENCE, stream.next()).await {
                match message {
                    EventMessage::Resync { .. } => {
                        if let Some(opened) = opened.take() {
                            let _ = opened.send(());
                        }
                    }
                    EventMessage::Event(e)
                        if e.kind == EventKind::VehicleAssigned && e.order_id == order_id =>
                    {
                        let _ = arrived.send(Instant::now());
                        break;
                    }
                    _ => {}
                }
            }
            // Held open until every stream has had its event, as the app holds its own.
            tokio::time::sleep(PATIENCE).await;
            drop(stream);
        });
    }
    for is_open in ready {
        tokio::time::timeout(PATIENCE, is_open)
            .await
            .context("a stream did not open in time")?
            .context("a stream could not open")?;
    }
    let after = resident_bytes();
    let rss_per_stream = before
        .zip(after)
        .map(|(b, a)| a.saturating_sub(b) as f64 / streams as f64);

    // One change per tourist, IN_FLIGHT at a time.
    eprintln!("{streams} streams open; assigning every shuttle its vehicle…");
    let started = Instant::now();
    let turns = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut requested = Vec::with_capacity(streams);
    for (n, s) in subscribers.iter().enumerate() {
        let turn = Arc::clone(&turns).acquire_owned().await?;
        let at = Instant::now();
        requested.push(at);
        let (client, order_id) = (client.clone(), s.order_id);
        tokio::spawn(async move {
            let bus = Vehicle {
                plate: format!("皖J·{:05}", n % 100_000),
                driver: "王师傅".into(),
                driver_phone: "0559-5561234".into(),
            };
            if let Err(e) = client.dev_assign_vehicle(order_id, None, &bus).await {
                eprintln!("assigning a vehicle to order {order_id}: {e}");
            }
            drop(turn);
        });
    }
    let mut latencies_ms = Vec::with_capacity(streams);
    let mut last = started;
    for (arrival, at) in arrivals.into_iter().zip(requested) {
        if let Ok(Ok(received)) = tokio::time::timeout(PATIENCE, arrival).await {
            latencies_ms.push(received.saturating_duration_since(at).as_secs_f64() * 1000.0);
            last = last.max(received);
        }
    }
    latencies_ms.sort_by(f64::total_cmp);
    Ok(Outcome {
        held: held.load(Ordering::SeqCst),
        spread: last.saturating_duration_since(started),
        latencies_ms,
        rss_per_stream,
    })
}

/// `streams` tourists, each signed in with one traveller and a confirmed order for an
/// entry ticket and a seat on the shuttle up, spread over the coming weeks.
async fn setup(client: &PlatformClient, streams: usize) -> anyhow::Result<Vec<Subscriber>> {
    let turns = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = Vec::with_capacity(streams);
    for n in 0..streams {
        let turn = Arc::clone(&turns).acquire_owned().await?;
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let subscriber = subscriber(&client, n).await;
            drop(turn);
            subscriber
        }));
    }
    let mut subscribers = Vec::with_capacity(streams);
    for task in tasks {
        subscribers.push(task.await.context("a setup task crashed")??);
    }
    Ok(subscribers)
}

async fn subscriber(client: &PlatformClient, n: usize) -> anyhow::Result<Subscriber> {
    let departures = [
        "06:00", "06:15", "06:30", "06:45", "07:00", "07:15", "07:30",
    ];
    // From the day after tomorrow: tomorrow in UTC may already be today on the mountain.
    let date = Utc::now().date_naive() + Days::new(2 + (n % 45) as u64);
    let combo = Combo {
        region_id: "huangshan".into(),
        date: date.to_string(),
        slot_id: Some("morning".into()),
        add_ons: Vec::new(),
        hotel: None,
        shuttles: vec![ShuttleSeat {
            line_id: "tangkou-yungu".into(),
            departure: departures[n % departures.len()]
                .parse()
                .map_err(|e: String| anyhow::anyhow!(e))?,
        }],
    };
    let (token, order_id) = booked_tourist(
        client,
        &format!("137{n:08}"),
        n,
        combo,
        &format!("fan-out-{n}"),
    )
    .await?;
    Ok(Subscriber { token, order_id })
}

/// This process's resident memory, from `/proc/self/status` (Linux).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
