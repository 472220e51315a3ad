//! `tongyou-platform`: starts the platform server.
//!
//! ```text
//! tongyou-platform [--bind 127.0.0.1:8787] [--db PATH] [--regions DIR]
//!                  [--secret-key PATH] [--gate-staff MOBILE]... [--dev]
//! tongyou-platform rotate-secret --db PATH --secret-key PATH
//! ```
//! `rotate-secret` adds a new data key and seals everything again under it, with the
//! platform stopped.
//! It prints `listening on http://ADDR` once it accepts connections, so scripts can start
//! it on port 0 and read the address.

use anyhow::Context;
use tongyou_platform::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "rotate-secret") {
        args.remove(0);
        let config = Config::from_args(args).context("bad command line")?;
        let done = tongyou_platform::rotate_secret(&config)?;
        println!(
            "data key {} is current: {} travellers and {} signing keys sealed again",
            done.key_id, done.travellers, done.signing_keys
        );
        return Ok(());
    }
    let config = Config::from_args(args).context("bad command line")?;
    let running = tongyou_platform::start(config).await?;
    // Printed on stdout (logs go to stderr) for whoever started us to read.
    println!("listening on {}", running.url());
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    running.stop().await;
    Ok(())
}
