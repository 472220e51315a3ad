//! `cargo xtask bench <name> [ARGS…]`: benchmarks in release builds. They print figures;
//! nothing here asserts a time, because timings on a shared machine are not pass/fail.
//!
//! - `booking [ORDERS] [CONCURRENCY]`: a rush of combo orders against the embedded
//!   platform on loopback: orders/s, p50/p99 latency, and the oversold count (must be 0).
//! - `events [STREAMS]`: STREAMS (default 1,000) tourists each hold an event stream and
//!   get one change: events/s, change-to-event p50/p99, memory per open stream.
//! - `disruption [TRIPS] [APPLIES]`: TRIPS (default 10,000) trips booked on one day, the
//!   scenic area closed for it: the time until every hit order has its ways out, then
//!   APPLIES (1,000) tourists apply "delay one day" at once: applied/s, p50/p99, oversold.
//! - `support [CHATS] [CONSOLES]`: CHATS (default 500) tourists with an open case and
//!   stream, CONSOLES (50) console queue streams: the agent writes in every chat, then
//!   every tourist answers: messages/s each way, send-to-display-ready p50/p99.
//! - `gate [PASSES]`: offline verifications per second on one thread, including the
//!   revocation check and the double-entry lookup.
//! - `planner [RUNS]`: median time for three plans for a 3-day trip over the demo data.
//! - `guide [RUNS]`: one frame of the guide (every point projected, labels laid out) and
//!   walking routes across the region: median and p99 over RUNS (default 2,000).
//! - `app [RUNS]`: the release app's size (the binary, and each file of the UI bundle raw,
//!   gzip and brotli) and its cold start: from process start to the first Discover
//!   screen drawn with data, under Xvfb, median of RUNS (default 7) with the platform up
//!   and again with it down.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::{build, service, step};

const USAGE: &str = "usage: cargo xtask bench <booking [ORDERS] [CONCURRENCY] | events [STREAMS] | disruption [TRIPS] [APPLIES] | support [CHATS] [CONSOLES] | gate [PASSES] | planner [RUNS] | guide [RUNS] | app [RUNS]>";

pub fn bench(args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some(
            name @ ("booking" | "events" | "disruption" | "support" | "gate" | "planner" | "guide"),
        ) => {
            step(&format!("{name} benchmark (release build)"));
            let mut cargo = vec!["run", "--release", "--quiet", "-p", "tongyou-bench", "--"];
            cargo.extend(args.iter().map(String::as_str));
            build::cargo(&cargo)
        }
        Some("app") => {
            let runs = match args.get(1) {
                Some(n) => n.parse().context(USAGE)?,
                None => 7,
            };
            app(runs)
        }
        _ => anyhow::bail!("{USAGE}"),
    }
}

/// The release app's binary and the UI bundle it carries, raw and compressed, then its
/// cold start.
fn app(runs: usize) -> anyhow::Result<()> {
    step("the app's size (release build)");
    build::ui()?;
    build::cargo(&[
        "build",
        "--release",
        "-p",
        "tongyou-app",
        "-p",
        "tongyou-platform",
    ])?;
    let release = build::target_dir().join("release");
    let binary = release.join(build::exe("tongyou-app"));
    let size = std::fs::metadata(&binary)
        .with_context(|| format!("reading {}", binary.display()))?
        .len();
    println!(
        "  app binary       {:>8} KB  ({})",
        size / 1024,
        binary.display()
    );
    let dist = crate::root().join("ui/dist");
    let mut files: Vec<_> = std::fs::read_dir(&dist)
        .with_context(|| format!("reading {}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    println!("  UI bundle                 raw      gzip    brotli");
    for path in files {
        let bytes = std::fs::read(&path)?;
        let (g, b) = (gzip_len(&bytes)?, brotli_len(&bytes)?);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        println!(
            "  {name:<40} {:>6} KB {:>6} KB {:>6} KB",
            bytes.len() / 1024,
            g / 1024,
            b / 1024
        );
        (raw, gz, br) = (raw + bytes.len(), gz + g, br + b);
    }
    println!(
        "  {:<40} {:>6} KB {:>6} KB {:>6} KB",
        "total",
        raw / 1024,
        gz / 1024,
        br / 1024
    );
    cold_start(&binary, &release.join(build::exe("tongyou-platform")), runs)
}

/// Starts the app `runs` times with the platform up, then `runs` times with it down, and
/// prints the median time from process start to the first Discover screen drawn with
/// data (the app prints `drawn` then, under `--exit-when-drawn`). The first start, on an
/// empty device that fetches the catalog, is printed on its own.
fn cold_start(app: &Path, platform: &Path, runs: usize) -> anyhow::Result<()> {
    step("the app's cold start (release build, under Xvfb)");
    let (_xvfb, display) = service::xvfb()?;
    let scratch = build::target_dir().join("bench-app");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    let data_dir = scratch.join("device");
    let (server, url) =
        service::platform(platform, "127.0.0.1:0", &scratch.join("platform.db"), None)?;
    let start = |url: &str| start_once(app, &display, url, &data_dir);
    let first = start(&url)?;
    println!(
        "  first start, empty device   {:>6} ms  (the UI's code ran at {} ms, drew at {} ms)",
        first.total.as_millis(),
        first.started.as_millis(),
        first.drawn.as_millis()
    );
    let up = (0..runs)
        .map(|_| start(&url))
        .collect::<anyhow::Result<Vec<_>>>()?;
    drop(server);
    let down = (0..runs)
        .map(|_| start(&url))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for (what, runs) in [("platform up", up), ("platform down", down)] {
        let median_of = |part: fn(&Start) -> Duration| {
            median(&runs.iter().map(part).collect::<Vec<_>>()).as_millis()
        };
        let ms: Vec<u128> = runs.iter().map(|r| r.total.as_millis()).collect();
        println!(
            "  {what:<27} {:>6} ms median  (runs: {ms:?})",
            median_of(|r| r.total)
        );
        println!(
            "  {:<27} the page: its code ran at {} ms, drew at {} ms (medians)",
            "",
            median_of(|r| r.started),
            median_of(|r| r.drawn)
        );
    }
    Ok(())
}

/// One start of the app, from the process starting to the first screen drawn.
struct Start {
    total: Duration,
    /// From the page beginning to load (the process, the window and the web view are up)
    /// to the UI's code running (the wasm loaded and compiled).
    started: Duration,
    /// From the page beginning to load to the first screen drawn with data.
    drawn: Duration,
}

/// One start of the app, timed until it prints `drawn STARTED_MS DRAWN_MS`.
fn start_once(app: &Path, display: &str, url: &str, data_dir: &Path) -> anyhow::Result<Start> {
    let began = Instant::now();
    let mut child = Command::new(app)
        .args(["--platform", url, "--exit-when-drawn", "--data-dir"])
        .arg(data_dir)
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", app.display()))?;
    let stdout = child.stdout.take().context("the app's stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            match line {
                Ok(line) if line.starts_with("drawn") => {
                    let ms: Vec<u64> = line
                        .split_whitespace()
                        .skip(1)
                        .filter_map(|n| n.parse().ok())
                        .collect();
                    let ms = |i: usize| Duration::from_millis(ms.get(i).copied().unwrap_or(0));
                    let _ = tx.send((Instant::now(), ms(0), ms(1)));
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    });
    let drawn = rx.recv_timeout(Duration::from_secs(60));
    if drawn.is_err() {
        let _ = child.kill();
    }
    child.wait()?;
    match drawn {
        Ok((at, started, drawn)) => Ok(Start {
            total: at - began,
            started,
            drawn,
        }),
        Err(_) => bail!("the app drew no Discover screen with data within 60 s"),
    }
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn gzip_len(bytes: &[u8]) -> anyhow::Result<usize> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn brotli_len(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut std::io::Cursor::new(bytes), &mut out, &params)?;
    Ok(out.len())
}
