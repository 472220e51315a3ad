//! `cargo xtask`: the project's own build tool.
//!
//! - `cargo xtask run`: installs what is missing, builds, starts the platform with the demo
//!   data and opens the app pointed at it.
//! - `cargo xtask test`: installs what is missing, then every check and test, ending with
//!   one line `N passed, N failed`.
//! - `cargo xtask e2e [FILTER]`: only the end-to-end tests (those whose name contains
//!   FILTER), with the builds and services they need.
//! - `cargo xtask contract`: only the API contract checks (the OpenAPI document validated,
//!   the live API fuzzed from it).
//! - `cargo xtask bench booking [ORDERS] [CONCURRENCY] | gate [PASSES] | planner [RUNS] |
//!   app [RUNS]`: benchmarks; they print figures.
//! - `cargo xtask setup`: only the installing part.
//!
//! Plain `std::process` on purpose: this must build and run before anything else is there.

mod bench;
mod build;
mod run;
mod service;
mod setup;
mod test;

use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask <run | test | e2e [FILTER] | contract | bench booking|events|disruption|gate|planner|app | setup>";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("run") => run::run(),
        Some("test") => test::test(),
        Some("e2e") => test::e2e(args.get(1).map(String::as_str)),
        Some("contract") => test::contract(),
        Some("bench") => bench::bench(&args[1..]),
        Some("setup") => setup::ensure(setup::Purpose::Test),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(e) = outcome {
        eprintln!("xtask: {e:#}");
        std::process::exit(1);
    }
}

/// The workspace root (the folder above `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Prints a step header so a long log is easy to scan.
pub fn step(title: &str) {
    println!("\n==> {title}");
}
