//! Background processes for a run or a test session (Xvfb, tauri-driver, the platform),
//! stopped when their guard is dropped, whatever happened in between.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

pub struct Service {
    name: &'static str,
    child: Child,
}

impl Service {
    pub fn spawn(name: &'static str, cmd: &mut Command) -> anyhow::Result<Service> {
        let child = cmd.spawn().with_context(|| format!("starting {name}"))?;
        Ok(Service { name, child })
    }

    /// Fails if the process has already exited (a crash on start).
    pub fn check_alive(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!("{} exited at start ({status})", self.name);
        }
        Ok(())
    }

    pub fn wait(&mut self) -> anyhow::Result<std::process::ExitStatus> {
        Ok(self.child.wait()?)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // Its own children first: tauri-driver's WebKitWebDriver outlived it otherwise,
            // one left behind by every end-to-end run. (`pkill -P`: procps, on Linux; where
            // it is missing there is nothing more to do.)
            let _ = Command::new("pkill")
                .args(["-KILL", "-P", &self.child.id().to_string()])
                .stderr(Stdio::null())
                .status();
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub fn wait_for_port(port: u16, within: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("nothing listened on port {port} within {within:?}")
}

/// Starts the platform and reads the `listening on URL` line it prints; `console`: the
/// built agents' console it serves at `/console/`.
pub fn platform(
    binary: &std::path::Path,
    bind: &str,
    db: &std::path::Path,
    console: Option<&std::path::Path>,
) -> anyhow::Result<(Service, String)> {
    let mut cmd = Command::new(binary);
    cmd.args(["--dev", "--bind", bind, "--db"])
        .arg(db)
        .arg("--regions")
        .arg(crate::root().join("assets/regions"));
    if let Some(console) = console {
        cmd.arg("--console-dir").arg(console);
    }
    cmd.stdout(Stdio::piped());
    let mut service = Service::spawn("the platform", &mut cmd)?;
    let stdout = service.child.stdout.take().context("platform stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        if let Some(url) = line?.strip_prefix("listening on ") {
            let url = url.trim().to_owned();
            // Keep draining stdout so the platform never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            return Ok((service, url));
        }
    }
    service.check_alive()?;
    bail!("the platform stopped before it was listening (see its log above)")
}

/// An X display of our own, so tests never depend on (or disturb) the user's screen.
pub fn xvfb() -> anyhow::Result<(Service, String)> {
    let number = (99..200)
        .find(|n| !std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists())
        .context("no free X display number")?;
    let display = format!(":{number}");
    let mut service = Service::spawn(
        "Xvfb",
        Command::new("Xvfb")
            .args([&display, "-screen", "0", "1440x1000x24", "-nolisten", "tcp"])
            .stderr(Stdio::null()),
    )?;
    let socket = format!("/tmp/.X11-unix/X{number}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::path::Path::new(&socket).exists() {
        service.check_alive()?;
        if Instant::now() > deadline {
            bail!("Xvfb did not open {display}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((service, display))
}
