//! Benchmarks, run through `cargo xtask bench …` (release build). They print figures.
//!
//! - `booking [ORDERS] [CONCURRENCY]`: a rush of combo orders against the embedded
//!   platform on loopback: throughput, latency percentiles and the oversold count.
//! - `events [STREAMS]`: one open event stream per tourist, one change each: delivery
//!   rate, change-to-event latency percentiles and memory per open stream.
//! - `disruption [TRIPS] [APPLIES]`: a closure over a day of booked trips: the time until
//!   every hit order has its ways out, then "delay one day" applied at once by many:
//!   applied per second, latency percentiles and the oversold count.
//! - `support [CHATS] [CONSOLES]`: open support chats with the tourists' streams and the
//!   consoles' queue streams open: messages delivered per second each way and
//!   send-to-display-ready latency percentiles.
//! - `gate [PASSES]`: offline pass verification on one thread, accept and refuse paths.
//! - `planner [RUNS]`: the time to make three plans for a 3-day trip.
//! - `guide [RUNS]`: one frame of the guide's labels, and walking routes, over the
//!   region's guide.

mod booking;
mod device;
mod disruption;
mod events;
mod gate;
mod guide;
mod planner;
mod support;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: usize| -> anyhow::Result<usize> {
        args.get(i).map_or(Ok(default), |s| {
            s.parse()
                .map_err(|_| anyhow::anyhow!("`{s}` is not a number"))
        })
    };
    match args.first().map(String::as_str) {
        Some("booking") => booking::run(number(1, 4_000)?, number(2, 32)?),
        Some("events") => events::run(number(1, 1_000)?),
        Some("disruption") => disruption::run(number(1, 10_000)?, number(2, 1_000)?),
        Some("support") => support::run(number(1, 500)?, number(2, 50)?),
        Some("gate") => gate::run(number(1, 50_000)?),
        Some("planner") => planner::run(number(1, 200)?),
        Some("guide") => guide::run(number(1, 2_000)?),
        _ => anyhow::bail!(
            "usage: tongyou-bench <booking [ORDERS] [CONCURRENCY] | events [STREAMS] | disruption [TRIPS] [APPLIES] | support [CHATS] [CONSOLES] | gate [PASSES] | planner [RUNS] | guide [RUNS]>"
        ),
    }
}
