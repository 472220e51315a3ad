use tongyou_platform::Config;

use crate::regions_dir;

fn config(dir: &tempfile::TempDir, regions: std::path::PathBuf) -> Config {
    Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        database: dir.path().join("p.db"),
        regions_dir: regions,
        dev_mode: true,
        ..Config::default()
    }
}

#[tokio::test]
async fn refuses_to_start_with_a_malformed_region_file() {
    let dir = tempfile::tempdir().unwrap();
    let regions = dir.path().join("regions");
    std::fs::create_dir(&regions).unwrap();
    let good = std::fs::read_to_string(regions_dir().join("huangshan.toml")).unwrap();
    let bad = good.replacen("elevation_m = ", "elevation_m = \"tall\" # ", 1);
    std::fs::write(regions.join("huangshan.toml"), bad).unwrap();

    let error = match tongyou_platform::start(config(&dir, regions)).await {
        Ok(_) => panic!("the platform started with a malformed data file"),
        Err(e) => format!("{e:#}"),
    };
    assert!(error.contains("huangshan.toml"), "{error}");
    assert!(error.contains("elevation_m"), "{error}");
}

#[tokio::test]
async fn refuses_to_start_without_regions() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("none");
    std::fs::create_dir(&empty).unwrap();
    assert!(tongyou_platform::start(config(&dir, empty)).await.is_err());
}

#[tokio::test]
async fn a_second_region_is_only_a_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let regions = dir.path().join("regions");
    std::fs::create_dir(&regions).unwrap();
    let hs = std::fs::read_to_string(regions_dir().join("huangshan.toml")).unwrap();
    std::fs::write(regions.join("huangshan.toml"), &hs).unwrap();
    let other = hs.replacen("id = \"huangshan\"", "id = \"other-hill\"", 1);
    std::fs::write(regions.join("other.toml"), other).unwrap();

    let p = tongyou_platform::start(config(&dir, regions))
        .await
        .unwrap();
    let client = tongyou_client::PlatformClient::new(&p.url()).unwrap();
    let ids: Vec<String> = client
        .regions()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["huangshan", "other-hill"]);
    assert!(client.catalog("other-hill", None).await.unwrap().is_some());
    p.stop().await;
}

#[tokio::test]
async fn restarting_keeps_serving_from_the_same_database() {
    let dir = tempfile::tempdir().unwrap();
    let first = tongyou_platform::start(config(&dir, regions_dir()))
        .await
        .unwrap();
    first.stop().await;
    let second = tongyou_platform::start(config(&dir, regions_dir()))
        .await
        .unwrap();
    let client = tongyou_client::PlatformClient::new(&second.url()).unwrap();
    assert_eq!(client.regions().await.unwrap().len(), 1);
    second.stop().await;
}

/// The real binary, started as a deployment would (no flags) and as `cargo xtask run`
/// does (`--dev`): the dev conveniences answer only in the second.
mod binary {
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};

    use crate::regions_dir;

    struct Running {
        child: Child,
        url: String,
    }

    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn command(dir: &tempfile::TempDir, extra: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tongyou-platform"));
        cmd.args(["--bind", "127.0.0.1:0", "--db"])
            .arg(dir.path().join("p.db"))
            .arg("--regions")
            .arg(regions_dir())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn start(dir: &tempfile::TempDir, extra: &[&str]) -> Running {
        let mut child = command(dir, extra).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let url = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("listening on ").map(str::to_owned))
            .expect("the platform said where it listens");
        std::thread::spawn(move || lines.for_each(drop));
        Running { child, url }
    }

    async fn status(method: reqwest::Method, url: String, body: serde_json::Value) -> u16 {
        reqwest::Client::new()
            .request(method, url)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// What the dev conveniences answer: the code endpoint, the cashier (page and
    /// buttons), the fault switch, and the demo gate-staff number (403 when it is not
    /// staff; 401 for its wrong code when it is).
    async fn dev_answers(url: &str) -> [u16; 6] {
        use reqwest::Method;
        let api = format!("{url}/api/v1");
        let json = serde_json::json!({});
        [
            status(
                Method::GET,
                format!("{api}/dev/sign-in-code/13800138000"),
                json.clone(),
            )
            .await,
            status(Method::GET, format!("{api}/sim-pay/pay_x"), json.clone()).await,
            status(
                Method::POST,
                format!("{api}/sim-pay/pay_x"),
                serde_json::json!({ "approve": true }),
            )
            .await,
            status(
                Method::POST,
                format!("{api}/dev/faults"),
                serde_json::json!({ "target": "hotel", "step": "confirm" }),
            )
            .await,
            status(
                Method::POST,
                format!("{api}/gate/session"),
                serde_json::json!({
                    "mobile": tongyou_platform::config::DEMO_GATE_STAFF, "code": "000000",
                    "region_id": "huangshan", "gate_id": "south-gate"
                }),
            )
            .await,
            status(
                Method::POST,
                format!("{api}/auth/code"),
                serde_json::json!({ "mobile": "13800138000" }),
            )
            .await,
        ]
    }

    #[tokio::test]
    async fn production_is_the_default_and_dev_needs_its_switch() {
        let dir = tempfile::tempdir().unwrap();
        let production = start(&dir, &[]);
        // No code endpoint, no cashier, no faults, no demo staff, and no code sent with
        // no text gateway set up.
        assert_eq!(
            dev_answers(&production.url).await,
            [404, 404, 404, 404, 403, 503]
        );
        drop(production);

        let dir = tempfile::tempdir().unwrap();
        let dev = start(&dir, &["--dev"]);
        let answers = dev_answers(&dev.url).await;
        // The code endpoint knows no code yet (404), the cashier no such payment (404);
        // the fault is armed, the demo staff's wrong code refused, a code sent.
        assert_eq!(answers, [404, 404, 404, 200, 401, 202]);
        let code = reqwest::get(format!("{}/api/v1/dev/sign-in-code/13800138000", dev.url))
            .await
            .unwrap();
        assert_eq!(code.status(), 200, "dev mode serves the code it texted");
    }

    #[test]
    fn dev_mode_refuses_an_address_off_loopback() {
        let dir = tempfile::tempdir().unwrap();
        let out = command(&dir, &["--dev", "--bind", "0.0.0.0:0"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("loopback"), "{said}");
    }
}
