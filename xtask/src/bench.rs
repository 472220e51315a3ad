//! `cargo xtask bench <name> [ARGS…]`: benchmarks in release builds. They print figures;
//! nothing here asserts a time, because timings on a shared machine are not pass/fail.
//!
//! - `booking [ORDERS] [CONCURRENCY]`: a rush of combo orders against the embedded
//!   platform on loopback: orders/s, p50/p99 latency, and the oversold count (must be 0).
//! - `gate [PASSES]`: offline verifications per second on one thread, including the
//!   revocation check and the double-entry lookup.
//! - `planner [RUNS]`: median time for three plans for a 3-day trip over the demo data.

use crate::{build, step};

const USAGE: &str =
    "usage: cargo xtask bench <booking [ORDERS] [CONCURRENCY] | gate [PASSES] | planner [RUNS]>";

pub fn bench(args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some(name @ ("booking" | "gate" | "planner")) => {
            step(&format!("{name} benchmark (release build)"));
            let mut cargo = vec!["run", "--release", "--quiet", "-p", "tongyou-bench", "--"];
            cargo.extend(args.iter().map(String::as_str));
            build::cargo(&cargo)
        }
        _ => anyhow::bail!("{USAGE}"),
    }
}
