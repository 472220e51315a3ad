//! `cargo xtask test`: every check and test, in the order that fails fastest, ending
//! with one line `N passed, N failed` (tests counted from cargo's own results, and each
//! whole-tree check such as rustfmt counted as one).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context;

use crate::service::{self, Service};
use crate::setup::{self, Purpose};
use crate::{build, root, step};

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    lines: Vec<String>,
}

impl Tally {
    /// A check that passes or fails as a whole.
    fn check(&mut self, name: &str, outcome: anyhow::Result<()>) -> bool {
        let ok = outcome.is_ok();
        if let Err(e) = outcome {
            eprintln!("{name}: {e:#}");
        }
        self.record(name, u64::from(ok), u64::from(!ok));
        ok
    }

    fn record(&mut self, name: &str, passed: u64, failed: u64) {
        self.passed += passed;
        self.failed += failed;
        self.lines
            .push(format!("{:<34} {passed:>4} passed, {failed} failed", name));
    }

    /// Runs a `cargo test` command, echoing its output and adding up its result lines.
    fn cargo_test(&mut self, name: &str, cmd: &mut Command) {
        step(name);
        let (mut passed, mut failed) = (0, 0);
        let outcome = (|| -> anyhow::Result<bool> {
            let mut child = cmd
                .stdout(Stdio::piped())
                .spawn()
                .context("starting cargo test")?;
            let stdout = child.stdout.take().context("cargo test stdout")?;
            for line in BufReader::new(stdout).lines() {
                let line = line?;
                println!("{line}");
                if let Some((p, f)) = parse_result(&line) {
                    passed += p;
                    failed += f;
                }
            }
            Ok(child.wait()?.success())
        })();
        match outcome {
            Ok(true) => {}
            // A build failure or a crash with no failing test reported still fails the run.
            Ok(false) if failed == 0 => failed = 1,
            Ok(false) => {}
            Err(e) => {
                eprintln!("{name}: {e:#}");
                failed += 1;
            }
        }
        self.record(name, passed, failed);
    }
}

/// `test result: ok. 42 passed; 0 failed; ...` → (42, 0).
fn parse_result(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let number_before = |word: &str| -> Option<u64> {
        let at = rest.find(word)?;
        rest[..at]
            .trim_end()
            .rsplit([' ', '.', ';'])
            .next()?
            .parse()
            .ok()
    };
    Some((number_before(" passed")?, number_before(" failed")?))
}

pub fn test() -> anyhow::Result<()> {
    setup::ensure(Purpose::Test)?;
    let mut tally = Tally::default();

    step("rustfmt");
    tally.check("rustfmt", build::cargo(&["fmt", "--all", "--check"]));

    // The shell embeds the built UI, so the UI comes before anything that compiles the shell.
    let ui_built = tally.check("UI build (trunk, wasm)", build::ui());
    tally.check("console build (trunk, wasm)", build::console());

    step("clippy");
    tally.check(
        "clippy (native)",
        build::cargo(&[
            "clippy",
            "--workspace",
            "--exclude",
            "tongyou-ui",
            "--exclude",
            "tongyou-console",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    );
    tally.check(
        "clippy (wasm UI)",
        build::cargo(&[
            "clippy",
            "-p",
            "tongyou-ui",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]),
    );
    tally.check(
        "clippy (wasm console)",
        build::cargo(&[
            "clippy",
            "-p",
            "tongyou-console",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]),
    );

    tally.cargo_test(
        "unit and integration tests",
        build::cargo_command()
            // Every test binary runs, so one failure does not hide the counts after it.
            .args(["test", "--no-fail-fast"])
            .args(build::NATIVE_SELECTION),
    );
    // The UI's own rules (its routes) are plain Rust and run natively too.
    tally.cargo_test(
        "UI unit tests",
        build::cargo_command().args(["test", "-p", "tongyou-ui"]),
    );
    // Likewise the console's (its routes, the live queue, the map's projection).
    tally.cargo_test(
        "console unit tests",
        build::cargo_command().args(["test", "-p", "tongyou-console"]),
    );

    contract_checks(&mut tally);

    step("core builds for wasm32");
    tally.check(
        "core builds for wasm32",
        build::cargo(&[
            "build",
            "-p",
            "tongyou-core",
            "--target",
            "wasm32-unknown-unknown",
        ]),
    );

    if ui_built {
        if let Err(e) = end_to_end(&mut tally, None) {
            eprintln!("end-to-end: {e:#}");
            tally.record("end-to-end (could not start)", 0, 1);
        }
    } else {
        tally.record("end-to-end (no UI build)", 0, 1);
    }

    tally.finish()
}

/// `cargo xtask contract`: only the API contract checks, with the same tools as `test`.
pub fn contract() -> anyhow::Result<()> {
    setup::ensure(Purpose::Test)?;
    let mut tally = Tally::default();
    contract_checks(&mut tally);
    tally.finish()
}

/// The API contract checks, each counted as one.
fn contract_checks(tally: &mut Tally) {
    step("API contract");
    tally.check(
        "OpenAPI document validates (3.1)",
        api_contract(Contract::Document),
    );
    tally.check(
        "API fuzzed: no 5xx, nothing undocumented",
        api_contract(Contract::Fuzz),
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Contract {
    /// The OpenAPI document, checked by an independent validator.
    Document,
    /// The live API fuzzed from its document, anonymous and signed in.
    Fuzz,
}

/// The platform's API against its own OpenAPI document, on a dev platform of its own.
fn api_contract(part: Contract) -> anyhow::Result<()> {
    build::cargo(&["build", "-p", "tongyou-platform"])?;
    let binary = build::target_dir().join("debug/tongyou-platform");
    let data = tempdir("api-contract")?;
    let (_platform, url) = service::platform(&binary, "127.0.0.1:0", &data.join("p.db"), None)?;
    let tools = setup::python_tools_dir().join("bin");
    let doc = format!("{url}/api/v1/openapi.json");
    match part {
        Contract::Document => {
            let file = data.join("openapi.json");
            build::run(Command::new("curl").args(["-sfo"]).arg(&file).arg(&doc))?;
            build::run(Command::new(tools.join("openapi-spec-validator")).arg(&file))
        }
        Contract::Fuzz => {
            let token = sign_in(&url)?;
            let fuzz = |auth: Option<&str>| -> anyhow::Result<()> {
                let mut cmd = Command::new(tools.join("schemathesis"));
                cmd.args(["run", &doc, "--url", &url])
                    .args(["--max-examples", "30", "--generation-deterministic"])
                    .args(["--phases", "examples,coverage,fuzzing"])
                    .args([
                        "--checks",
                        "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                    ])
                    // Signing out would end the session the rest of the run uses.
                    .args(["--exclude-operation-id", "sign_out"])
                    .args(["--exclude-operation-id", "sign_out_everywhere"])
                    .current_dir(&data);
                if let Some(token) = auth {
                    cmd.args(["--header", &format!("Authorization: Bearer {token}")]);
                }
                build::run(&mut cmd)
            };
            fuzz(None)?;
            fuzz(Some(&token))
        }
    }
}

/// A session on the dev platform at `url`, through its dev code endpoint.
fn sign_in(url: &str) -> anyhow::Result<String> {
    let mobile = "13800138000";
    let curl = |args: &[&str]| -> anyhow::Result<String> {
        let out = Command::new("curl")
            .args(["-sf", "-H", "content-type: application/json"])
            .args(args)
            .output()
            .context("running curl")?;
        anyhow::ensure!(out.status.success(), "curl {args:?} failed");
        Ok(String::from_utf8(out.stdout)?)
    };
    let field = |json: &str, name: &str| -> anyhow::Result<String> {
        let at = json
            .find(&format!("\"{name}\":\""))
            .with_context(|| format!("no `{name}` in {json}"))?
            + name.len()
            + 4;
        Ok(json[at..].split('"').next().unwrap_or_default().to_owned())
    };
    curl(&[
        "-X",
        "POST",
        &format!("{url}/api/v1/auth/code"),
        "-d",
        &format!("{{\"mobile\":\"{mobile}\"}}"),
    ])?;
    let code = field(
        &curl(&[&format!("{url}/api/v1/dev/sign-in-code/{mobile}")])?,
        "code",
    )?;
    let session = curl(&[
        "-X",
        "POST",
        &format!("{url}/api/v1/auth/session"),
        "-d",
        &format!("{{\"mobile\":\"{mobile}\",\"code\":\"{code}\"}}"),
    ])?;
    field(&session, "token")
}

/// A fresh, empty folder under `target/`.
fn tempdir(name: &str) -> anyhow::Result<std::path::PathBuf> {
    let dir = build::target_dir().join("tmp").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// `cargo xtask e2e [FILTER]`: only the end-to-end tests (those whose name contains
/// FILTER), with the same builds and services as `cargo xtask test`, to iterate on a screen.
pub fn e2e(filter: Option<&str>) -> anyhow::Result<()> {
    setup::ensure(Purpose::Test)?;
    let mut tally = Tally::default();
    // The agents' console is built whatever the filter: its test fails plainly without it.
    if tally.check("UI build (trunk, wasm)", build::ui())
        && tally.check("console build (trunk, wasm)", build::console())
        && let Err(e) = end_to_end(&mut tally, filter)
    {
        eprintln!("end-to-end: {e:#}");
        tally.record("end-to-end (could not start)", 0, 1);
    }
    tally.finish()
}

impl Tally {
    /// Prints the summary and the closing `N passed, N failed` line; exits non-zero on
    /// any failure.
    fn finish(&self) -> anyhow::Result<()> {
        println!("\n==> summary");
        for line in &self.lines {
            println!("  {line}");
        }
        println!("{} passed, {} failed", self.passed, self.failed);
        if self.failed > 0 {
            std::process::exit(1);
        }
        Ok(())
    }
}

fn end_to_end(tally: &mut Tally, filter: Option<&str>) -> anyhow::Result<()> {
    let build::Binaries { app, platform } = build::binaries()?;
    // Build the test binary before the window server starts, so its compile time does
    // not count against anything that waits.
    build::cargo(&["test", "-p", "tongyou-e2e", "--no-run"])?;

    step("starting Xvfb and tauri-driver");
    let (_xvfb, display) = service::xvfb()?;
    let webkit_driver = setup::which("WebKitWebDriver")
        .context("WebKitWebDriver (webkit2gtk-driver) is missing")?;
    let port = service::free_port()?;
    let native_port = service::free_port()?;
    let mut driver = Service::spawn(
        "tauri-driver",
        Command::new(setup::which("tauri-driver").context("tauri-driver is missing")?)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
                "--native-driver",
            ])
            .arg(webkit_driver)
            .env("DISPLAY", &display)
            // The app follows the system language; the tests expect the product default.
            .env("LANG", "zh_CN.UTF-8")
            .env("LC_ALL", "zh_CN.UTF-8")
            .env_remove("WAYLAND_DISPLAY"),
    )?;
    service::wait_for_port(port, Duration::from_secs(20))?;
    driver.check_alive()?;

    let chromedriver_port = service::free_port()?;
    let mut chromedriver = Service::spawn(
        "chromedriver",
        Command::new(
            setup::which("chromedriver").context("chromedriver (chromium-driver) is missing")?,
        )
        .arg(format!("--port={chromedriver_port}"))
        .stdout(Stdio::null()),
    )?;
    service::wait_for_port(chromedriver_port, Duration::from_secs(20))?;
    chromedriver.check_alive()?;

    let shots = build::target_dir().join("e2e-shots");
    tally.cargo_test(
        "end-to-end (real app window)",
        build::cargo_command()
            .args(["test", "-p", "tongyou-e2e", "--"])
            .args(filter)
            .arg("--test-threads=1")
            .env("TONGYOU_E2E_APP", &app)
            .env("TONGYOU_E2E_PLATFORM", &platform)
            .env("TONGYOU_E2E_REGIONS", root().join("assets/regions"))
            .env("TONGYOU_CONSOLE_DIR", build::console_dist())
            .env("TONGYOU_WEBDRIVER", format!("http://127.0.0.1:{port}"))
            .env(
                "TONGYOU_CHROMEDRIVER",
                format!("http://127.0.0.1:{chromedriver_port}"),
            )
            .env(
                "TONGYOU_CHROMIUM",
                setup::which("chromium").unwrap_or_else(|| "chromium".into()),
            )
            .env("TONGYOU_E2E_SHOTS", &shots),
    );
    println!("screenshots: {}", shots.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_result;

    #[test]
    fn reads_cargo_result_lines() {
        let line = "test result: ok. 42 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.04s";
        assert_eq!(parse_result(line), Some((42, 0)));
        let line = "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out";
        assert_eq!(parse_result(line), Some((2, 1)));
        assert_eq!(parse_result("running 3 tests"), None);
    }
}
