//! `tongyou-bench booking [ORDERS] [CONCURRENCY]`: a rush of combo orders against the
//! embedded platform on loopback. Prints throughput, latency percentiles and the
//! oversold count; run through `cargo xtask bench booking` (release build).

mod booking;

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
        _ => anyhow::bail!("usage: tongyou-bench booking [ORDERS] [CONCURRENCY]"),
    }
}
