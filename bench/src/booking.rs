//! The booking rush. Tourists (each with two saved travellers) place combo orders:
//! entry ticket + cable car + a hotel night + a shuttle seat, spread over the
//! coming weeks, all paid from the wallet. One order in twenty also asks for a suite at
//! the Beihai Hotel on one contested night, so the race for the last places is part of
//! the rush. Afterwards the database is read directly to count any oversell.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Days, Utc};
use tongyou_client::PlatformClient;
use tongyou_core::api::{
    Combo, HotelStay, IdKind, OrderRequest, OrderState, OrderTraveller, PaymentMethod, ShuttleSeat,
    TravellerInput,
};
use tongyou_platform::Config;
use tongyou_platform::limits::Limit;

/// Enough that no demo wallet runs dry during the rush.
pub(crate) const TOURISTS: usize = 256;
/// Suites at the Beihai Hotel: the contested resource.
const SUITES: u64 = 12;

pub fn run(orders: usize, concurrency: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("platform.db");
    let (server, platform) = start_platform(&db, TOURISTS)?;
    let url = platform.url();
    let load = tokio::runtime::Builder::new_multi_thread()
        .thread_name("load")
        .enable_all()
        .build()?;
    let outcome = load.block_on(rush(&url, orders, concurrency.max(1)))?;
    server.block_on(platform.stop());

    let oversold = oversold(&db, outcome.suites_sold)?;
    let secs = outcome.elapsed.as_secs_f64();
    println!(
        "booking rush: {orders} combo orders, {concurrency} in flight, embedded platform on loopback"
    );
    println!("  confirmed        {}", outcome.confirmed);
    println!(
        "  sold out         {} (the contested suites, as expected)",
        outcome.sold_out
    );
    println!("  other outcomes   {}", outcome.other);
    println!("  throughput       {:.0} orders/s", orders as f64 / secs);
    println!("  latency p50      {:.1} ms", outcome.percentile(50.0));
    println!("  latency p99      {:.1} ms", outcome.percentile(99.0));
    println!("  latency max      {:.1} ms", outcome.percentile(100.0));
    if let Some(cpu) = outcome.cpu {
        println!(
            "  CPU busy         {:.2} cores (platform and load generator together)",
            cpu.as_secs_f64() / secs
        );
    }
    println!("  suites sold      {} of {SUITES}", outcome.suites_sold);
    println!("  oversold         {oversold}");
    if oversold > 0 {
        anyhow::bail!("{oversold} places were oversold");
    }
    Ok(())
}

struct Outcome {
    elapsed: Duration,
    /// CPU time the process used during the rush, where the system tells.
    cpu: Option<Duration>,
    latencies_ms: Vec<f64>,
    confirmed: usize,
    sold_out: usize,
    other: usize,
    suites_sold: u64,
}

impl Outcome {
    fn percentile(&self, p: f64) -> f64 {
        percentile(&self.latencies_ms, p)
    }
}

/// The `p`th percentile (nearest rank) of `sorted`, ascending; 0 for none.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub(crate) struct Tourist {
    pub(crate) token: String,
    pub(crate) travellers: Vec<i64>,
}

async fn rush(url: &str, orders: usize, concurrency: usize) -> anyhow::Result<Outcome> {
    let client = PlatformClient::new(url)?;
    let mut tourists = Vec::new();
    for i in 0..TOURISTS {
        let mobile = format!("139{i:08}");
        client.request_code(&mobile).await?;
        let code = client.dev_sign_in_code(&mobile).await?;
        let token = client.sign_in(&mobile, &code).await?.token;
        let mut travellers = Vec::new();
        for j in 0..2 {
            let input = TravellerInput {
                name: format!("旅客{i}-{j}"),
                id_kind: IdKind::ResidentId,
                id_number: resident_id(i * 2 + j),
                birth_date: None,
                consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
            };
            travellers.push(client.add_traveller(&token, &input).await?.id);
        }
        tourists.push(Tourist { token, travellers });
    }
    let tourists = Arc::new(tourists);
    let today = Utc::now().date_naive();
    let contested = (today + Days::new(10)).to_string();

    let started = Instant::now();
    let cpu_before = process_cpu();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let client = client.clone();
            let tourists = Arc::clone(&tourists);
            let next = Arc::clone(&next);
            let contested = contested.clone();
            tokio::spawn(async move {
                let mut results = Vec::new();
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= orders {
                        break;
                    }
                    let tourist = &tourists[n % tourists.len()];
                    let request = order(n, tourist, today, &contested);
                    let asked_suite = request
                        .combo
                        .hotel
                        .as_ref()
                        .is_some_and(|h| h.room_type_id == "suite");
                    let t = Instant::now();
                    let answer = client
                        .place_order(&tourist.token, &format!("rush-{n}"), &request)
                        .await;
                    if let Ok(o) = &answer
                        && o.state != OrderState::Confirmed
                        && !asked_suite
                    {
                        eprintln!(
                            "order {n}: {:?}: {:?}",
                            o.state,
                            o.problem.as_ref().map(|p| &p.en)
                        );
                    }
                    results.push((t.elapsed(), answer.map(|o| o.state), asked_suite));
                }
                results
            })
        })
        .collect();
    let mut outcome = Outcome {
        elapsed: Duration::ZERO,
        cpu: None,
        latencies_ms: Vec::with_capacity(orders),
        confirmed: 0,
        sold_out: 0,
        other: 0,
        suites_sold: 0,
    };
    for worker in workers {
        for (took, state, suite) in worker.await.context("a load worker crashed")? {
            outcome.latencies_ms.push(took.as_secs_f64() * 1000.0);
            match state {
                Ok(OrderState::Confirmed) => {
                    outcome.confirmed += 1;
                    outcome.suites_sold += u64::from(suite);
                }
                Ok(OrderState::Failed) if suite => outcome.sold_out += 1,
                Ok(_) => outcome.other += 1,
                Err(e) => {
                    outcome.other += 1;
                    eprintln!("order failed: {e}");
                }
            }
        }
    }
    outcome.elapsed = started.elapsed();
    outcome.cpu = process_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    outcome.latencies_ms.sort_by(f64::total_cmp);
    Ok(outcome)
}

/// The embedded platform on loopback with the shipped regions, in its own runtime as if
/// in its own process, letting `tourists` sign in from the one loopback address.
pub(crate) fn start_platform(
    db: &std::path::Path,
    tourists: usize,
) -> anyhow::Result<(tokio::runtime::Runtime, tongyou_platform::RunningPlatform)> {
    let server = tokio::runtime::Builder::new_multi_thread()
        .thread_name("platform")
        .enable_all()
        .build()?;
    let platform = server.block_on(tongyou_platform::start(Config {
        bind: "127.0.0.1:0".parse()?,
        database: db.to_owned(),
        regions_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/regions"),
        dev_mode: true,
        // Every tourist signs in from this one loopback address.
        limits: tongyou_platform::limits::Limits {
            codes_per_address: Limit::new(10 * tourists as u32, chrono::Duration::hours(1)),
            sign_ins_per_address: Limit::new(10 * tourists as u32, chrono::Duration::hours(1)),
            ..Default::default()
        },
        ..Config::default()
    }))?;
    Ok((server, platform))
}

/// The `n`th order of the rush.
pub(crate) fn order(
    n: usize,
    tourist: &Tourist,
    today: chrono::NaiveDate,
    contested: &str,
) -> OrderRequest {
    // Rooms for two across the region: about 850 a night over the 60 nights booked.
    let hotels = [
        ("beihai-hotel", "twin"),
        ("xihai-hotel", "twin"),
        ("paiyunlou-hotel", "twin"),
        ("baiyun-hotel", "twin"),
        ("shilin-hotel", "twin"),
        ("yupinglou-hotel", "twin"),
        ("tangkou-shanshui-hotel", "twin"),
        ("hot-spring-resort", "twin"),
        ("hot-spring-resort", "king"),
    ];
    // Knuth's multiplicative hash spreads the choices independently of each other.
    let h = n.wrapping_mul(2_654_435_761);
    let (hotel, room) = hotels[(h >> 4) % hotels.len()];
    let date = today + Days::new(1 + (h % 60) as u64);
    let departures = [
        "06:00", "06:15", "06:30", "06:45", "07:00", "07:15", "07:30",
    ];
    let mut combo = Combo {
        region_id: "huangshan".into(),
        date: date.to_string(),
        slot_id: Some(["early", "morning", "midday"][(h >> 12) % 3].into()),
        add_ons: vec!["yungu".into()],
        hotel: Some(HotelStay {
            hotel_id: hotel.into(),
            room_type_id: room.into(),
            rooms: 1,
            nights: 1,
        }),
        shuttles: vec![ShuttleSeat {
            line_id: "tangkou-yungu".into(),
            departure: departures[(h >> 8) % departures.len()]
                .parse()
                .unwrap_or(chrono::NaiveTime::MIN.into()),
        }],
    };
    if n % 20 == 7 {
        combo.date = contested.to_owned();
        combo.hotel = Some(HotelStay {
            hotel_id: "beihai-hotel".into(),
            room_type_id: "suite".into(),
            rooms: 1,
            nights: 1,
        });
    }
    OrderRequest {
        combo,
        travellers: tourist
            .travellers
            .iter()
            .map(|id| OrderTraveller {
                traveller_id: *id,
                student: false,
            })
            .collect(),
        payment: PaymentMethod::Wallet,
    }
}

/// A valid resident ID number (GB 11643 check digit) for the `n`th bench traveller.
pub(crate) fn resident_id(n: usize) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let body = format!(
        "1101051985{:02}{:02}{:03}",
        1 + n % 12,
        1 + n % 28,
        n % 1000
    );
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = char::from(CHECK[(sum % 11) as usize]);
    format!("{body}{check}")
}

/// Places sold beyond capacity, read straight from the database after the rush: per
/// stock row in every module, and the contested suites counted from confirmed orders.
fn oversold(db: &std::path::Path, suites_sold: u64) -> anyhow::Result<u64> {
    let conn = rusqlite::Connection::open(db)?;
    let mut over = suites_sold.saturating_sub(SUITES);
    for module in ["scenic", "hotel", "transport"] {
        let n: i64 = conn.query_row(
            &format!(
                "SELECT COALESCE(SUM(held + sold - capacity), 0) FROM {module}_stock WHERE held + sold > capacity"
            ),
            [],
            |r| r.get(0),
        )?;
        over += u64::try_from(n).unwrap_or_default();
    }
    Ok(over)
}

/// User and system CPU time of this process so far, from `/proc/self/stat` (Linux).
pub(crate) fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime, fields 14 and 15 of the line, in clock ticks (100 a second on Linux).
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Tourist `n` signed in on `mobile` with one saved traveller, and that traveller's
/// confirmed order of `combo` (wallet, under `key`): the session token and the order id.
pub(crate) async fn booked_tourist(
    client: &tongyou_client::PlatformClient,
    mobile: &str,
    n: usize,
    combo: tongyou_core::api::Combo,
    key: &str,
) -> anyhow::Result<(String, i64)> {
    use tongyou_core::api::{IdKind, OrderState, OrderTraveller, PaymentMethod, TravellerInput};
    client.request_code(mobile).await?;
    let code = client.dev_sign_in_code(mobile).await?;
    let token = client.sign_in(mobile, &code).await?.token;
    let traveller = client
        .add_traveller(
            &token,
            &TravellerInput {
                name: format!("旅客{n}"),
                id_kind: IdKind::ResidentId,
                id_number: resident_id(n),
                birth_date: None,
                consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
            },
        )
        .await?;
    let request = OrderRequest {
        combo,
        travellers: vec![OrderTraveller {
            traveller_id: traveller.id,
            student: false,
        }],
        payment: PaymentMethod::Wallet,
    };
    let order = client
        .place_order(&token, key, &request)
        .await
        .map_err(|e| anyhow::anyhow!("tourist {n}'s order: {e:?}"))?;
    if order.state != OrderState::Confirmed {
        anyhow::bail!(
            "order of tourist {n}: {:?} {:?}",
            order.state,
            order.problem
        );
    }
    Ok((token, order.id))
}
