//! `tongyou-platform`: starts the platform server.
//!
//! ```text
//! tongyou-platform [--bind 127.0.0.1:8787] [--db PATH] [--regions DIR]
//!                  [--secret-key PATH] [--gate-staff MOBILE]... [--operator MOBILE]...
//!                  [--console-dir PATH] [--dev]
//! tongyou-platform rotate-secret --db PATH --secret-key PATH
//! tongyou-platform agent add --db PATH LOGIN NAME agent|supervisor   (password on stdin)
//! ```
//! `--console-dir` serves the built agents' console (`console/dist`) at `/console/`.
//! `agent add` makes a console account; the password is read from the first line of
//! standard input, so that it appears in no command line or shell history.
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
    if args.first().is_some_and(|a| a == "agent") {
        return add_agent(&args[1..]);
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

/// `agent add [--db PATH] LOGIN NAME ROLE`, the password on stdin.
fn add_agent(args: &[String]) -> anyhow::Result<()> {
    const USAGE: &str = "usage: tongyou-platform agent add [--db PATH] LOGIN NAME agent|supervisor  (password on stdin)";
    let (Some("add"), rest) = (
        args.first().map(String::as_str),
        args.get(1..).unwrap_or_default(),
    ) else {
        anyhow::bail!(USAGE);
    };
    let mut database = Config::default().database;
    let mut names = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => database = it.next().context(USAGE)?.into(),
            other if other.starts_with("--") => anyhow::bail!("unknown option `{other}`; {USAGE}"),
            _ => names.push(a),
        }
    }
    let [login, name, role] = names.as_slice() else {
        anyhow::bail!(USAGE);
    };
    let role = match role.as_str() {
        "agent" => tongyou_core::api::AgentRole::Agent,
        "supervisor" => tongyou_core::api::AgentRole::Supervisor,
        _ => anyhow::bail!(USAGE),
    };
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if tongyou_platform::add_agent(&database, login, name, role, password)? {
        println!("agent {login} added");
        Ok(())
    } else {
        anyhow::bail!("an agent with the login {login} already exists; it was left as it is")
    }
}
