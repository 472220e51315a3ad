//! Installs what the build and the tests need, and only what is missing or at the wrong
//! version, so a warm run costs a few seconds. Everything comes from the package
//! registries: Debian packages, crates.io, npm and PyPI.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};

use crate::{root, step};

pub const TRUNK_VERSION: &str = "0.21.14";

/// System libraries the Tauri shell and the device store (the Secret Service keystore,
/// over D-Bus) link against.
const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libssl-dev",
    "libxdo-dev",
    "libdbus-1-dev",
];

/// What the end-to-end tests drive the real window and the browser pages with, and CJK
/// fonts so screenshots show Chinese rather than boxes.
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "chromium",
    "chromium-driver",
    "fonts-noto-cjk",
    // The API contract checks: a Python for their tools, and curl to sign in.
    "python3",
    "python3-venv",
    "curl",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
}

pub fn ensure(purpose: Purpose) -> anyhow::Result<()> {
    step("checking tools");
    debian_packages(purpose)?;
    wasm_target()?;
    cargo_tool(
        "trunk",
        TRUNK_VERSION,
        &["install", "--locked", "trunk", "--version", TRUNK_VERSION],
    )?;
    let bindgen = locked_version("wasm-bindgen")?;
    // Not --locked: the CLI's own lockfile names a crate the registry no longer has.
    cargo_tool(
        "wasm-bindgen",
        &bindgen,
        &["install", "wasm-bindgen-cli", "--version", &bindgen],
    )?;
    if purpose == Purpose::Test && cfg!(target_os = "linux") {
        cargo_tool("tauri-driver", "", &["install", "--locked", "tauri-driver"])?;
    }
    npm_tools()?;
    if purpose == Purpose::Test {
        python_tools()?;
    }
    // Trunk builds offline; everything it compiles must already be in the cargo cache.
    crate::build::cargo(&["fetch"])?;
    Ok(())
}

/// Where the API contract checks' Python tools live (a venv of their own).
pub fn python_tools_dir() -> PathBuf {
    crate::build::target_dir().join("py-tools")
}

/// The pinned Python tools of `xtask/python-tools.txt`, in a venv under `target/`, made
/// again only when the list changes.
fn python_tools() -> anyhow::Result<()> {
    let wanted = std::fs::read_to_string(root().join("xtask/python-tools.txt"))
        .context("reading xtask/python-tools.txt")?;
    let dir = python_tools_dir();
    let stamp = dir.join("installed.txt");
    if std::fs::read_to_string(&stamp).is_ok_and(|had| had == wanted) {
        return Ok(());
    }
    let python = which("python3").context("python3 is needed for the API contract checks")?;
    println!("installing the API contract tools (openapi-spec-validator, schemathesis)");
    let _ = std::fs::remove_dir_all(&dir);
    crate::build::run(Command::new(python).args(["-m", "venv"]).arg(&dir))?;
    crate::build::run(
        Command::new(dir.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(root().join("xtask/python-tools.txt")),
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(())
}

fn debian_packages(purpose: Purpose) -> anyhow::Result<()> {
    if !cfg!(target_os = "linux") || which("dpkg-query").is_none() {
        println!("not a Debian-like system: install the Tauri prerequisites for your OS by hand");
        return Ok(());
    }
    let mut wanted: Vec<&str> = BUILD_PACKAGES.to_vec();
    if purpose == Purpose::Test {
        wanted.extend(TEST_PACKAGES);
    }
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !dpkg_installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing Debian packages: {}", missing.join(" "));
    let sudo = !is_root();
    apt(sudo, &["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(&missing);
    apt(sudo, &args)
}

fn dpkg_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn apt(sudo: bool, args: &[&str]) -> anyhow::Result<()> {
    let mut cmd = if sudo {
        Command::new("sudo")
    } else {
        Command::new("apt-get")
    };
    if sudo {
        cmd.arg("apt-get");
    }
    cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    let status = cmd.status().context("running apt-get")?;
    if !status.success() {
        bail!("apt-get {} failed", args.join(" "));
    }
    Ok(())
}

fn wasm_target() -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == "wasm32-unknown-unknown")
        });
    if installed {
        return Ok(());
    }
    println!("adding the wasm32-unknown-unknown target");
    crate::build::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// Installs `binary` with `cargo <install_args>` unless it answers `--version` with
/// `version` (any version when `version` is empty).
fn cargo_tool(binary: &str, version: &str, install_args: &[&str]) -> anyhow::Result<()> {
    let path = crate::build::cargo_bin().join(binary);
    // Some tools (tauri-driver) have no `--version`: for those, being there is enough.
    if version.is_empty() && path.is_file() {
        return Ok(());
    }
    let found = Command::new(&path)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success());
    if let Some(out) = found {
        let text = String::from_utf8_lossy(&out.stdout);
        if version.is_empty() || text.split_whitespace().any(|w| w == version) {
            return Ok(());
        }
    }
    let wanted = if version.is_empty() {
        String::new()
    } else {
        format!(" {version}")
    };
    println!("installing {binary}{wanted} (a few minutes, once)");
    crate::build::cargo(install_args)
}

/// The version of `package` in Cargo.lock, so the CLI matches the library exactly.
fn locked_version(package: &str) -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"")
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    bail!("{package} is not in Cargo.lock")
}

fn npm_tools() -> anyhow::Result<()> {
    let bin = root().join("node_modules/.bin");
    let wasm_opt_ok = Command::new(bin.join("wasm-opt"))
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("version 132"));
    if wasm_opt_ok && bin.join("tauri").exists() {
        return Ok(());
    }
    if which("npm").is_none() {
        bail!(
            "npm is needed for the build tools (wasm-opt, Tauri CLI): install Node.js 20 or newer"
        );
    }
    println!("installing npm build tools (wasm-opt 132, Tauri CLI)");
    // `npm install`, not `npm ci`: the lockfile may hold another platform's optional binaries.
    crate::build::run(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund"])
            .current_dir(root()),
    )
}

pub fn which(binary: &str) -> Option<PathBuf> {
    std::env::split_paths(&crate::build::tool_path())
        .map(|d| d.join(binary))
        .find(|p| p.is_file())
}
