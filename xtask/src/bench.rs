//! `cargo xtask bench <name> [ARGS…]`: benchmarks in release builds. They print figures;
//! nothing here asserts a time, because timings on a shared machine are not pass/fail.
//!
//! - `booking [ORDERS] [CONCURRENCY]`: a rush of combo orders against the embedded
//!   platform on loopback: orders/s, p50/p99 latency, and the oversold count (must be 0).
//! - `gate [PASSES]`: offline verifications per second on one thread, including the
//!   revocation check and the double-entry lookup.
//! - `planner [RUNS]`: median time for three plans for a 3-day trip over the demo data.
//! - `app`: the release app's size: the binary, and each file of the UI bundle raw, gzip
//!   and brotli.

use anyhow::Context;

use crate::{build, step};

const USAGE: &str = "usage: cargo xtask bench <booking [ORDERS] [CONCURRENCY] | gate [PASSES] | planner [RUNS] | app>";

pub fn bench(args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some(name @ ("booking" | "gate" | "planner")) => {
            step(&format!("{name} benchmark (release build)"));
            let mut cargo = vec!["run", "--release", "--quiet", "-p", "tongyou-bench", "--"];
            cargo.extend(args.iter().map(String::as_str));
            build::cargo(&cargo)
        }
        Some("app") => app(),
        _ => anyhow::bail!("{USAGE}"),
    }
}

/// The release app's binary and the UI bundle it carries, raw and compressed.
fn app() -> anyhow::Result<()> {
    step("the app's size (release build)");
    build::ui()?;
    build::cargo(&["build", "--release", "-p", "tongyou-app"])?;
    let binary = build::target_dir()
        .join("release")
        .join(build::exe("tongyou-app"));
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
    Ok(())
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
