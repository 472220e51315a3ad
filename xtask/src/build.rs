//! Building the pieces: the wasm UI with trunk, then the shell (which embeds it) and the
//! platform with cargo. One build at a time: the machine has two cores.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};

use crate::setup::tool_path;
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
    run(Command::new("trunk")
        .args(["build", "--release"])
        .current_dir(root().join("ui"))
        .env("PATH", tool_path())
        // Trunk reads these too; make sure no outer setting turns downloads back on.
        .env("TRUNK_BUILD_OFFLINE", "true"))
}

/// Builds the app shell; it embeds `ui/dist`, so [`ui`] comes first.
pub fn app() -> anyhow::Result<PathBuf> {
    step("building the app shell");
    cargo(&["build", "-p", "tongyou-app"])?;
    Ok(target_dir().join("debug").join(exe("tongyou-app")))
}

pub fn platform() -> anyhow::Result<PathBuf> {
    step("building the platform");
    cargo(&["build", "-p", "tongyou-platform"])?;
    Ok(target_dir().join("debug").join(exe("tongyou-platform")))
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}
