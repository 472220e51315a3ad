//! The end-to-end harness: start a real platform process, open the real app window
//! through tauri-driver, find things on screen, save screenshots.
//!
//! `cargo xtask test` builds the binaries and the agents' console, starts Xvfb and
//! tauri-driver and passes their whereabouts in `TONGYOU_E2E_*`, `TONGYOU_CONSOLE_DIR` and
//! `TONGYOU_WEBDRIVER`. Run on their own, these tests fail at once and say so, rather than
//! pass without looking at anything.

// A test harness: a failed expectation here is a failed test, said plainly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// How long the UI may take to show something before a test fails.
pub const PATIENCE: Duration = Duration::from_secs(30);

pub struct Env {
    pub app: PathBuf,
    pub platform: PathBuf,
    pub regions: PathBuf,
    /// The built agents' console, which every test platform serves at `/console/`.
    pub console: PathBuf,
    pub webdriver: String,
    /// chromedriver, for pages used in a normal browser.
    pub chromedriver: String,
    pub chromium: PathBuf,
    pub shots: PathBuf,
}

impl Env {
    pub fn from_env() -> Env {
        // Two TLS clients (WebDriver and the platform client) enable both rustls back-ends,
        // so rustls cannot pick one by itself. Already installed: fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!("{name} is not set: run the end-to-end tests through `cargo xtask test`")
            })
        };
        Env {
            app: var("TONGYOU_E2E_APP").into(),
            platform: var("TONGYOU_E2E_PLATFORM").into(),
            regions: var("TONGYOU_E2E_REGIONS").into(),
            console: var("TONGYOU_CONSOLE_DIR").into(),
            webdriver: var("TONGYOU_WEBDRIVER"),
            chromedriver: var("TONGYOU_CHROMEDRIVER"),
            chromium: var("TONGYOU_CHROMIUM").into(),
            shots: var("TONGYOU_E2E_SHOTS").into(),
        }
    }
}

/// A second gate-staff number every test platform accepts (beside the dev platform's own
/// demo number), so a test can read the platform's gate records while the app holds the
/// demo number's session.
pub const TEST_GATE_STAFF: &str = "13900139001";

/// A platform process on a free loopback port; killed when dropped.
pub struct Platform {
    child: Child,
    pub url: String,
}

impl Platform {
    /// Starts a platform on a free port.
    pub async fn start(env: &Env, db: &Path) -> Platform {
        Platform::spawn(env, db, "127.0.0.1:0")
            .await
            .expect("the platform did not say where it listens")
    }

    /// Starts a platform again on the address `earlier` listened on, with the database
    /// it left: an app launched with that URL finds it back, as after an outage. The port
    /// was just let go, so a refused bind is tried again for a while.
    pub async fn restart(env: &Env, db: &Path, earlier: &str) -> Platform {
        let addr = earlier
            .strip_prefix("http://")
            .unwrap_or(earlier)
            .trim_end_matches('/')
            .to_owned();
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(platform) = Platform::spawn(env, db, &addr).await {
                return platform;
            }
            assert!(
                Instant::now() < deadline,
                "the platform could not listen on {addr} again"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// `None` when the process ended without saying where it listens (a taken port).
    async fn spawn(env: &Env, db: &Path, bind: &str) -> Option<Platform> {
        let mut child = Command::new(&env.platform)
            .args([
                "--dev",
                "--bind",
                bind,
                "--gate-staff",
                TEST_GATE_STAFF,
                "--db",
            ])
            .arg(db)
            .arg("--regions")
            .arg(&env.regions)
            .arg("--console-dir")
            .arg(&env.console)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the platform");
        let stdout = child.stdout.take().expect("platform stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads the address, then keeps draining so the platform never blocks on the pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("listening on ") {
                    let _ = tx.send(url.trim().to_owned());
                }
            }
        });
        let url = tokio::task::spawn_blocking(move || rx.recv_timeout(PATIENCE))
            .await
            .expect("wait for the platform");
        match url {
            Ok(url) => Some(Platform { child, url }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                None
            }
        }
    }

    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Opens the real app window pointed at `platform` with its device data in `data_dir`.
pub async fn open_app(env: &Env, platform: &str, data_dir: &Path) -> Client {
    open_app_with(env, platform, data_dir, &[]).await
}

/// [`open_app`] with more command-line arguments (`--dev-clock TIME`).
pub async fn open_app_with(env: &Env, platform: &str, data_dir: &Path, more: &[&str]) -> Client {
    let mut args = vec![
        serde_json::json!("--platform"),
        serde_json::json!(platform),
        serde_json::json!("--data-dir"),
        serde_json::json!(data_dir),
    ];
    args.extend(more.iter().map(|a| serde_json::json!(a)));
    let capabilities = serde_json::json!({
        "browserName": "wry",
        "tauri:options": { "application": env.app, "args": args }
    });
    connect(&env.webdriver, capabilities).await
}

/// Opens headless Chromium with a fresh profile, as a desk agent's browser would be.
/// Keep `profile` alive as long as the browser.
pub async fn open_browser(env: &Env, profile: &Path) -> Client {
    let capabilities = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": env.chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,800",
                format!("--user-data-dir={}", profile.display()),
            ],
        }
    });
    connect(&env.chromedriver, capabilities).await
}

/// The WebDriver sessions opened so far: the driver, the session, and the test's thread
/// (each test runs on its own). A test that panics drops its runtime before the client's
/// own task can end its session, and tauri-driver holds one session at a time, so without
/// this one failure would fail every test after it: an earlier test's session still open
/// on the same driver is ended before a new one starts.
static OPENED: Mutex<Vec<(String, String, std::thread::ThreadId)>> = Mutex::new(Vec::new());

/// A WebDriver session at `driver` with the given capabilities (a JSON object).
async fn connect(driver: &str, capabilities: serde_json::Value) -> Client {
    let serde_json::Value::Object(capabilities) = capabilities else {
        panic!("capabilities must be a JSON object")
    };
    let test = std::thread::current().id();
    let left: Vec<String> = {
        let mut opened = OPENED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (left, kept) = opened
            .drain(..)
            .partition(|(d, _, thread)| d == driver && *thread != test);
        *opened = kept;
        left.into_iter().map(|(_, id, _)| id).collect()
    };
    for id in left {
        // Ended already (the test closed it): the driver says so, which is fine.
        let _ = reqwest::Client::new()
            .delete(format!("{}/session/{id}", driver.trim_end_matches('/')))
            .send()
            .await;
    }
    let client = ClientBuilder::rustls()
        .expect("TLS roots")
        .capabilities(capabilities)
        .connect(driver)
        .await
        .unwrap_or_else(|e| panic!("open a WebDriver session at {driver}: {e}"));
    if let Ok(Some(id)) = client.session_id().await {
        OPENED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((driver.to_owned(), id, test));
    }
    client
}

/// Waits until `css` matches an element whose text satisfies `accept`.
pub async fn wait_for_text(client: &Client, css: &str, accept: impl Fn(&str) -> bool) -> Element {
    let deadline = Instant::now() + PATIENCE;
    let mut last = String::new();
    loop {
        if let Ok(elements) = client.find_all(Locator::Css(css)).await {
            for e in elements {
                if let Ok(text) = e.text().await {
                    if accept(&text) {
                        return e;
                    }
                    last = text;
                }
            }
        }
        if Instant::now() > deadline {
            let page = client.source().await.unwrap_or_default();
            panic!(
                "no `{css}` with the expected text within {PATIENCE:?}; last seen {last:?}\npage: {page}"
            );
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Waits until `css` matches an element whose `attr` equals `value`.
pub async fn wait_for_attr(client: &Client, css: &str, attr: &str, value: &str) -> Element {
    let deadline = Instant::now() + PATIENCE;
    let mut last = None;
    loop {
        if let Ok(e) = client.find(Locator::Css(css)).await {
            last = e.attr(attr).await.ok().flatten();
            if last.as_deref() == Some(value) {
                return e;
            }
        }
        if Instant::now() > deadline {
            panic!("`{css}` never had {attr}={value:?} within {PATIENCE:?}; last {last:?}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Waits until nothing matches `css` (a sheet closed, a dialog gone).
pub async fn wait_gone(client: &Client, css: &str) {
    let deadline = Instant::now() + PATIENCE;
    while client.find(Locator::Css(css)).await.is_ok() {
        if Instant::now() > deadline {
            panic!("`{css}` was still there after {PATIENCE:?}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// All texts of the elements matching `css`.
pub async fn texts(client: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in client
        .find_all(Locator::Css(css))
        .await
        .expect("query the page")
    {
        out.push(e.text().await.expect("read an element's text"));
    }
    out
}

/// Clicks the first element matching `css`, first scrolled to the middle of the window so
/// a fixed bar (the phone's bottom navigation, the pay bar) cannot be in the way.
pub async fn click(client: &Client, css: &str) {
    // Waits for it first: it may be drawn once an IPC call answers.
    wait_for_text(client, css, |_| true).await;
    let script = "const e = document.querySelector(arguments[0]); \
                  if (e) e.scrollIntoView({block: 'center', inline: 'center'});";
    client
        .execute(script, vec![serde_json::json!(css)])
        .await
        .expect("scroll");
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
        .click()
        .await
        .expect("click");
}

/// Resizes the window; a phone is 390×844, a desktop 1280×800.
pub async fn resize(client: &Client, width: u32, height: u32) {
    client
        .set_window_size(width, height)
        .await
        .expect("resize the window");
    // Let the layout settle before anyone takes a picture of it.
    tokio::time::sleep(Duration::from_millis(400)).await;
}

/// Saves a PNG of the window under the screenshots folder and returns its path.
pub async fn screenshot(env: &Env, client: &Client, name: &str) -> PathBuf {
    std::fs::create_dir_all(&env.shots).expect("create the screenshots folder");
    let png = client.screenshot().await.expect("take a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
    let path = env.shots.join(format!("{name}.png"));
    std::fs::write(&path, png).expect("save the screenshot");
    path
}

/// Sets the date field `css` to `days` after its minimum (the region's today), as a date
/// picker would, and returns the date it now holds.
pub async fn pick_date(client: &Client, css: &str, days: u32) -> String {
    let script = "const e = document.querySelector(arguments[0]); \
                  const d = new Date(e.min + 'T00:00:00Z'); \
                  d.setUTCDate(d.getUTCDate() + arguments[1]); \
                  e.value = d.toISOString().slice(0, 10); \
                  e.dispatchEvent(new Event('change', {bubbles: true})); \
                  return e.value;";
    let value = client
        .execute(
            script,
            vec![serde_json::json!(css), serde_json::json!(days)],
        )
        .await
        .unwrap_or_else(|e| panic!("set the date in `{css}`: {e}"));
    let date = value.as_str().unwrap_or_default().to_owned();
    assert_eq!(date.len(), 10, "a date in `{css}`: {value}");
    date
}

/// Scrolls the element matching `css` to the top of the window.
pub async fn scroll_to(client: &Client, css: &str) {
    let script = "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});";
    client
        .execute(script, vec![serde_json::json!(css)])
        .await
        .expect("scroll");
    tokio::time::sleep(Duration::from_millis(300)).await;
}
