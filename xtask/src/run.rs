//! `cargo xtask run`: the product on this machine. The platform on 127.0.0.1 with its
//! embedded database seeded from the demo region and the agents' console at `/console/`,
//! and the app window pointed at it.

use std::io::Write;
use std::process::Command;

use crate::service::{self, Service};
use crate::setup::{self, Purpose};
use crate::{build, root, step};

pub fn run() -> anyhow::Result<()> {
    setup::ensure(Purpose::Run)?;
    build::ui()?;
    build::console()?;
    let build::Binaries {
        app: app_bin,
        platform: platform_bin,
    } = build::binaries()?;

    step("starting the platform");
    let data = root().join(".tongyou");
    // The usual port if it is free, else any: a second copy must not fail to start.
    let bind = if std::net::TcpListener::bind("127.0.0.1:8787").is_ok() {
        "127.0.0.1:8787"
    } else {
        "127.0.0.1:0"
    };
    let (mut platform, url) = service::platform(
        &platform_bin,
        bind,
        &data.join("platform.db"),
        Some(&build::console_dist()),
    )?;
    println!("platform: {url}  (API {url}/api/v1, OpenAPI {url}/api/v1/openapi.json)");
    println!(
        "agents' console: {url}/console/  (dev: agent / demo-agent-password, supervisor / demo-supervisor-password)"
    );

    if !has_display() {
        println!(
            "\nNo display here (DISPLAY and WAYLAND_DISPLAY are unset), so the app window cannot open.\n\
             The platform keeps running at {url}; press Ctrl-C to stop it.\n\
             On a desktop, run the app with: {} --platform {url}",
            app_bin.display()
        );
        let _ = std::io::stdout().flush();
        platform.wait()?;
        return Ok(());
    }

    step("opening the app");
    let mut app = Service::spawn(
        "the app",
        Command::new(&app_bin)
            .args(["--platform", &url, "--data-dir"])
            .arg(data.join("app")),
    )?;
    let status = app.wait()?;
    println!("the app closed ({status}); stopping the platform");
    Ok(())
}

fn has_display() -> bool {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}
