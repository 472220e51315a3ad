use tongyou_platform::Config;

use crate::regions_dir;

pub(crate) fn config(dir: &tempfile::TempDir, regions: std::path::PathBuf) -> Config {
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
    /// buttons), the fault switch, the demo gate-staff number (403 when it is not staff;
    /// 401 for its wrong code when it is), a code request, and a shuttle's vehicle.
    async fn dev_answers(url: &str) -> [u16; 7] {
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
            status(
                Method::POST,
                format!("{api}/dev/vehicle"),
                serde_json::json!({
                    "order_id": 1, "plate": "皖J·12345", "driver": "王师傅",
                    "driver_phone": "0559-5561234"
                }),
            )
            .await,
        ]
    }

    #[tokio::test]
    async fn production_is_the_default_and_dev_needs_its_switch() {
        let dir = tempfile::tempdir().unwrap();
        let keys = tempfile::tempdir().unwrap();
        let key = keys.path().join("platform.key");
        let production = start(&dir, &["--secret-key", key.to_str().unwrap()]);
        // No code endpoint, no cashier, no faults, no demo staff, and no code sent with
        // no text gateway set up.
        assert_eq!(
            dev_answers(&production.url).await,
            [404, 404, 404, 404, 403, 503, 404]
        );
        drop(production);

        let dir = tempfile::tempdir().unwrap();
        let dev = start(&dir, &["--dev"]);
        let answers = dev_answers(&dev.url).await;
        // The code endpoint knows no code yet (404), the cashier no such payment (404);
        // the fault is armed, the demo staff's wrong code refused, a code sent, and the
        // vehicle route has no such order (404; `events.rs` assigns one to a real order).
        assert_eq!(answers, [404, 404, 404, 200, 401, 202, 404]);
        let code = reqwest::get(format!("{}/api/v1/dev/sign-in-code/13800138000", dev.url))
            .await
            .unwrap();
        assert_eq!(code.status(), 200, "dev mode serves the code it texted");
    }

    #[test]
    fn production_needs_a_key_file_apart_from_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let out = command(&dir, &[]).output().unwrap();
        assert!(!out.status.success());
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("--secret-key"), "{said}");
        let beside = dir.path().join("platform.key");
        let out = command(&dir, &["--secret-key", beside.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(
            !beside.exists(),
            "no key is made where a data backup would carry it"
        );
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

/// A rotation seals everything again under a new data key; the platform then starts on
/// the same data and everything still opens: travellers (and their duplicate check), and
/// passes signed before.
#[tokio::test]
async fn rotating_the_data_key_keeps_every_sealed_value_usable() {
    use tongyou_core::api::{IdKind, PaymentMethod, TravellerInput};

    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        secret_key: Some(dir.path().join("keys").join("platform.key")),
        ..config(&dir, regions_dir())
    };
    let p = tongyou_platform::start(config.clone()).await.unwrap();
    let t = crate::booking::tourist(&p.url(), "13800138060").await;
    let order = crate::booking::place(
        &t,
        "k",
        &crate::booking::request(&t, crate::booking::full_combo(), PaymentMethod::Wallet),
    )
    .await;
    let before = t.client.travellers(&t.token).await.unwrap();
    p.stop().await;
    let sealed = |db: &std::path::Path| -> Vec<Vec<u8>> {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn
            .prepare("SELECT id_cipher FROM traveller ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let sealed_before = sealed(&config.database);

    let done = tongyou_platform::rotate_secret(&config).unwrap();
    assert_eq!(done.key_id, 2);
    assert_eq!(done.travellers, before.len());
    assert_eq!(done.signing_keys, 1);
    let after = sealed(&config.database);
    assert!(sealed_before.iter().zip(&after).all(|(a, b)| a != b));
    let file = std::fs::read_to_string(config.secret_key.as_ref().unwrap()).unwrap();
    assert_eq!(
        file.lines().count(),
        2,
        "the old key is kept to open older values"
    );

    let p = tongyou_platform::start(config.clone()).await.unwrap();
    let client = tongyou_client::PlatformClient::new(&p.url()).unwrap();
    assert_eq!(client.travellers(&t.token).await.unwrap(), before);
    // The number, hashed under the new key now, still finds its account.
    client.request_code("13800138060").await.unwrap();
    let code = client.dev_sign_in_code("13800138060").await.unwrap();
    let again = client.sign_in("13800138060", &code).await.unwrap();
    assert_eq!(client.travellers(&again.token).await.unwrap(), before);
    let again = TravellerInput {
        name: "张三".into(),
        id_kind: IdKind::ResidentId,
        id_number: "110105198912310028".into(),
        birth_date: None,
        consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
    };
    let (status, _) = crate::api_error(client.add_traveller(&t.token, &again).await);
    assert_eq!(status, 422, "a duplicate is still found after the rotation");
    // A new order signs with the signing key sealed again; the old passes still verify.
    let mut ring = tongyou_core::pass::Keyring::new();
    for k in client.public_keys().await.unwrap() {
        let bytes: [u8; 32] = hex::decode(&k.public_key).unwrap().try_into().unwrap();
        ring.add(k.key_id, &bytes).unwrap();
    }
    for pass in &order.passes {
        ring.verify(&pass.code).unwrap();
    }
    let next = client
        .place_order(
            &t.token,
            "k2",
            &crate::booking::request(&t, crate::booking::full_combo(), PaymentMethod::Wallet),
        )
        .await
        .unwrap();
    assert!(next.passes.iter().all(|p| ring.verify(&p.code).is_ok()));
    p.stop().await;
}
