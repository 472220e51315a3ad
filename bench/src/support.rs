//! Support chats at load. CHATS tourists, each with a booked trip, an open support case
//! (claimed by one supervisor) and the app's event stream open; CONSOLES agents' pages
//! with the live queue open. Then the agent writes once in every chat, and every tourist
//! answers once, as fast as the platform takes them. Printed: messages delivered per
//! second each way, and the time from a message's send to it being on the other side's
//! screen-ready data (p50, p99, max): the tourist's stream carrying the case with it, and
//! each console's queue showing it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{Days, Utc};
use futures_util::StreamExt;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tongyou_client::{EventMessage, PlatformClient};
use tongyou_core::api::{CaseCategory, CaseRequest, Combo};

use crate::booking::{booked_tourist, percentile, start_platform};

/// Requests in flight while setting up and while sending.
const IN_FLIGHT: usize = 16;
/// Bounds every wait: past it a message counts as lost.
const PATIENCE: Duration = Duration::from_secs(120);
/// The demo supervisor dev mode makes.
const SUPERVISOR: (&str, &str) = ("supervisor", "demo-supervisor-password");

struct Chat {
    token: String,
    case_id: i64,
}

pub fn run(chats: usize, consoles: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (server, platform) = start_platform(&dir.path().join("platform.db"), chats)?;
    let url = platform.url();
    let load = tokio::runtime::Builder::new_multi_thread()
        .thread_name("clients")
        .enable_all()
        .build()?;
    let outcome = load.block_on(chat(&url, chats, consoles));
    server.block_on(platform.stop());
    let (to_tourists, to_consoles) = outcome?;

    println!(
        "support chats: {chats} tourists with an open case and stream, {consoles} console streams, embedded platform on loopback"
    );
    for (what, o, expected) in [
        ("agent → tourist", &to_tourists, chats),
        ("tourist → consoles", &to_consoles, chats * consoles),
    ] {
        println!(
            "  {what:<19} {} of {expected} delivered, {:.0}/s",
            o.latencies_ms.len(),
            o.latencies_ms.len() as f64 / o.spread.as_secs_f64().max(f64::EPSILON)
        );
        println!(
            "  {:<19} send → display-ready p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            "",
            percentile(&o.latencies_ms, 50.0),
            percentile(&o.latencies_ms, 99.0),
            percentile(&o.latencies_ms, 100.0)
        );
    }
    if to_tourists.latencies_ms.len() < chats || to_consoles.latencies_ms.len() < chats * consoles {
        bail!("some messages never arrived");
    }
    Ok(())
}

struct Delivery {
    spread: Duration,
    latencies_ms: Vec<f64>,
}

async fn chat(url: &str, chats: usize, consoles: usize) -> anyhow::Result<(Delivery, Delivery)> {
    let client = PlatformClient::new(url)?;
    eprintln!("setting up {chats} tourists, each with a trip and an open case…");
    let chats_set = setup(&client, chats).await?;
    let agent = client.console();
    agent.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
    each(&chats_set, |c| {
        let agent = agent.clone();
        let case = c.case_id;
        async move {
            agent
                .claim(case)
                .await
                .map(drop)
                .map_err(anyhow::Error::from)
        }
    })
    .await?;

    // Every tourist's stream open and past its first message.
    eprintln!("opening {chats} tourist streams and {consoles} console streams…");
    let mut arrivals = HashMap::new();
    let mut opened = Vec::new();
    for c in &chats_set {
        let (ready, is_ready) = oneshot::channel::<()>();
        let (arrived, has_arrived) = oneshot::channel::<Instant>();
        opened.push(is_ready);
        arrivals.insert(c.case_id, has_arrived);
        let (client, token, case_id) = (client.clone(), c.token.clone(), c.case_id);
        tokio::spawn(async move {
            let Ok(mut stream) = client.events(&token, None).await else {
                return;
            };
            let (mut ready, mut arrived) = (Some(ready), Some(arrived));
            let wanted = format!("agent {case_id}");
            while let Ok(Some(Ok(message))) = tokio::time::timeout(PATIENCE, stream.next()).await {
                match message {
                    EventMessage::Resync { .. } => {
                        if let Some(r) = ready.take() {
                            let _ = r.send(());
                        }
                    }
                    EventMessage::Case(case) if case.messages.iter().any(|m| m.text == wanted) => {
                        if let Some(a) = arrived.take() {
                            let _ = a.send(Instant::now());
                        }
                    }
                    _ => {}
                }
            }
        });
    }
    // Each console stream reports (case, when) the first time its queue shows the tourist's
    // answer in that case.
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<(i64, Instant)>();
    for _ in 0..consoles {
        let (ready, is_ready) = oneshot::channel::<()>();
        opened.push(is_ready);
        let (agent, seen) = (agent.clone(), seen_tx.clone());
        tokio::spawn(async move {
            let Ok(mut stream) = agent.queue_stream().await else {
                return;
            };
            let mut ready = Some(ready);
            let mut noted = std::collections::HashSet::new();
            while let Ok(Some(Ok(message))) = tokio::time::timeout(PATIENCE, stream.next()).await {
                let lines = match message {
                    EventMessage::Queue(lines) => lines,
                    EventMessage::QueueChanges(changes) => changes.lines,
                    _ => continue,
                };
                {
                    if let Some(r) = ready.take() {
                        let _ = r.send(());
                    }
                    let now = Instant::now();
                    for line in lines {
                        let answer = format!("tourist {}", line.case_id);
                        if line.last_message.as_deref() == Some(answer.as_str())
                            && noted.insert(line.case_id)
                        {
                            let _ = seen.send((line.case_id, now));
                        }
                    }
                }
            }
        });
    }
    drop(seen_tx);
    for r in opened {
        tokio::time::timeout(PATIENCE, r)
            .await
            .context("a stream did not open in time")?
            .context("a stream could not open")?;
    }

    // The agent writes in every chat.
    eprintln!("the agent writes in {chats} chats…");
    let started = Instant::now();
    let sent = each_timed(&chats_set, |c| {
        let agent = agent.clone();
        let case = c.case_id;
        async move {
            agent
                .say(case, &format!("agent {case}"))
                .await
                .map(drop)
                .map_err(anyhow::Error::from)
        }
    })
    .await?;
    let mut latencies_ms = Vec::new();
    let mut last = started;
    for (case, at) in &sent {
        if let Some(arrival) = arrivals.remove(case)
            && let Ok(Ok(received)) = tokio::time::timeout(PATIENCE, arrival).await
        {
            latencies_ms.push(received.saturating_duration_since(*at).as_secs_f64() * 1000.0);
            last = last.max(received);
        }
    }
    latencies_ms.sort_by(f64::total_cmp);
    let to_tourists = Delivery {
        spread: last.saturating_duration_since(started),
        latencies_ms,
    };

    // Every tourist answers.
    eprintln!("{chats} tourists answer…");
    let started = Instant::now();
    let tokens: HashMap<i64, String> = chats_set
        .iter()
        .map(|c| (c.case_id, c.token.clone()))
        .collect();
    let sent: HashMap<i64, Instant> = each_timed(&chats_set, |c| {
        let (client, token, case) = (client.clone(), tokens[&c.case_id].clone(), c.case_id);
        async move {
            client
                .say(&token, case, &format!("tourist {case}"))
                .await
                .map(drop)
                .map_err(anyhow::Error::from)
        }
    })
    .await?
    .into_iter()
    .collect();
    let mut latencies_ms = Vec::new();
    let mut last = started;
    while latencies_ms.len() < chats * consoles {
        match tokio::time::timeout(PATIENCE, seen_rx.recv()).await {
            Ok(Some((case, received))) => {
                if let Some(at) = sent.get(&case) {
                    latencies_ms
                        .push(received.saturating_duration_since(*at).as_secs_f64() * 1000.0);
                    last = last.max(received);
                }
            }
            _ => break,
        }
    }
    latencies_ms.sort_by(f64::total_cmp);
    Ok((
        to_tourists,
        Delivery {
            spread: last.saturating_duration_since(started),
            latencies_ms,
        },
    ))
}

/// Runs `work` for every chat, IN_FLIGHT at a time, failing on the first failure.
async fn each<F, Fut>(chats: &[Chat], work: F) -> anyhow::Result<()>
where
    F: Fn(&Chat) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    each_timed(chats, work).await.map(drop)
}

/// [`each`], returning when each chat's work was started.
async fn each_timed<F, Fut>(chats: &[Chat], work: F) -> anyhow::Result<Vec<(i64, Instant)>>
where
    F: Fn(&Chat) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let turns = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = Vec::with_capacity(chats.len());
    let mut started = Vec::with_capacity(chats.len());
    for c in chats {
        let turn = Arc::clone(&turns).acquire_owned().await?;
        started.push((c.case_id, Instant::now()));
        let done = work(c);
        tasks.push(tokio::spawn(async move {
            let outcome = done.await;
            drop(turn);
            outcome
        }));
    }
    for task in tasks {
        task.await.context("a task crashed")??;
    }
    Ok(started)
}

/// `chats` tourists, each with a confirmed entry ticket spread over the coming weeks and a
/// case about it.
async fn setup(client: &PlatformClient, chats: usize) -> anyhow::Result<Vec<Chat>> {
    let turns = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = Vec::with_capacity(chats);
    for n in 0..chats {
        let turn = Arc::clone(&turns).acquire_owned().await?;
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let chat = one_chat(&client, n).await;
            drop(turn);
            chat
        }));
    }
    let mut set = Vec::with_capacity(chats);
    for task in tasks {
        set.push(task.await.context("a setup task crashed")??);
    }
    Ok(set)
}

async fn one_chat(client: &PlatformClient, n: usize) -> anyhow::Result<Chat> {
    // From the day after tomorrow: tomorrow in UTC may already be today on the mountain.
    let date = Utc::now().date_naive() + Days::new(2 + (n % 45) as u64);
    let combo = Combo {
        region_id: "huangshan".into(),
        date: date.to_string(),
        slot_id: Some("morning".into()),
        add_ons: Vec::new(),
        hotel: None,
        shuttles: Vec::new(),
    };
    let (token, order_id) = booked_tourist(
        client,
        &format!("136{n:08}"),
        n,
        combo,
        &format!("chat-{n}"),
    )
    .await?;
    let case = client
        .open_case(
            &token,
            &format!("case-{n}"),
            &CaseRequest {
                category: CaseCategory::Booking,
                message: "票的问题".into(),
                trip_id: Some(format!("huangshan-{order_id}")),
                item: None,
                location: None,
                asked_at: None,
            },
        )
        .await?;
    Ok(Chat {
        token,
        case_id: case.id,
    })
}
