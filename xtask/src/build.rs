//! Building the pieces: the wasm UI and the agents' console with trunk, then the shell
//! (which embeds the UI) and the platform with cargo. One build at a time: the machine has
//! two cores.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};

use crate::{root, step};

pub fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let status = cmd.status().with_context(|| format!("starting {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed ({status})");
    }
    Ok(())
}

pub fn cargo_command() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root()).env("PATH", tool_path());
    cmd
}

pub fn cargo(args: &[&str]) -> anyhow::Result<()> {
    run(cargo_command().args(args))
}

/// Builds `ui/` into `ui/dist` (release: small and fast, even for tests).
pub fn ui() -> anyhow::Result<()> {
    step("building the UI (trunk, wasm)");
    trunk("ui")
}

/// Builds the agents' console `console/` into [`console_dist`], which the platform serves
/// at `/console/` (`--console-dir`).
pub fn console() -> anyhow::Result<()> {
    step("building the agents' console (trunk, wasm)");
    trunk("console")
}

/// Where [`console`] puts the built console.
pub fn console_dist() -> PathBuf {
    root().join("console/dist")
}

fn trunk(folder: &str) -> anyhow::Result<()> {
    run(Command::new("trunk")
        .args(["build", "--release"])
        .current_dir(root().join(folder))
        .env("PATH", tool_path())
        // Trunk reads these too; make sure no outer setting turns downloads back on.
        .env("TRUNK_BUILD_OFFLINE", "true"))
}

/// The native binaries: the app shell (which embeds `ui/dist`, so [`ui`] comes first)
/// and the platform. Built with the same package selection as the workspace tests, and
/// with every target so dev-dependencies count in feature resolution as they do under
/// `cargo test`: cargo then reuses the test build instead of compiling the GTK stack a
/// second time with other features.
pub fn binaries() -> anyhow::Result<Binaries> {
    step("building the app shell and the platform");
    run(cargo_command()
        .args(["build", "--all-targets"])
        .args(NATIVE_SELECTION))?;
    let dir = target_dir().join("debug");
    Ok(Binaries {
        app: dir.join(exe("tongyou-app")),
        platform: dir.join(exe("tongyou-platform")),
    })
}

/// Every native crate but the end-to-end tests (the UI and the console are wasm and built
/// by trunk).
pub const NATIVE_SELECTION: &[&str] = &[
    "--workspace",
    "--exclude",
    "tongyou-ui",
    "--exclude",
    "tongyou-console",
    "--exclude",
    "tongyou-e2e",
];

pub struct Binaries {
    pub app: PathBuf,
    pub platform: PathBuf,
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

pub fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// `PATH` with the project's npm tools and cargo's bin folder first, so the pinned
/// wasm-opt wins over any older system one.
pub fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![root().join("node_modules/.bin"), cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// Where `cargo install` puts tools.
pub fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    home.join("bin")
}
