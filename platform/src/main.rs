//! `tongyou-platform`: starts the platform server.
//!
//! ```text
//! tongyou-platform [--bind 127.0.0.1:8787] [--db PATH] [--regions DIR]
//!                  [--secret-key PATH] [--production]
//! ```
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

    let config = Config::from_args(std::env::args().skip(1)).context("bad command line")?;
    let running = tongyou_platform::start(config).await?;
    // Printed on stdout (logs go to stderr) for whoever started us to read.
    println!("listening on {}", running.url());
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    running.stop().await;
    Ok(())
}
