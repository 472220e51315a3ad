//! The guide pack on the device: downloaded with its progress told, fetched again only
//! when the platform's version changes, read with the platform gone, and a damaged
//! download thrown away with the pack held before kept.

use super::Rig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pack_is_downloaded_once_and_read_with_no_network() {
    let mut rig = Rig::new().await;
    let before = rig.device.guide_status("huangshan").await.unwrap();
    assert_eq!(before.held, None);
    let latest = before.latest.clone().expect("the platform answers");
    assert!(before.update_due());
    assert!(rig.device.guide("huangshan").is_err(), "nothing held yet");

    let mut told = Vec::new();
    let pack = rig
        .device
        .download_guide("huangshan", |got, total| told.push((got, total)))
        .await
        .unwrap();
    assert_eq!(pack.version, latest.version);
    assert_eq!(told.last(), Some(&(latest.bytes, latest.bytes)));

    // Current: asked, not sent again.
    let mut again = Vec::new();
    rig.device
        .download_guide("huangshan", |got, total| again.push((got, total)))
        .await
        .unwrap();
    assert!(again.is_empty(), "a current pack is not fetched: {again:?}");
    let status = rig.device.guide_status("huangshan").await.unwrap();
    assert_eq!(status.held.as_deref(), Some(latest.version.as_str()));
    assert!(!status.update_due());

    // The platform gone: the pack reads all the same, and the status says what is held.
    rig.stop_platform().await;
    let offline = rig.device.guide("huangshan").unwrap();
    assert_eq!(offline, pack);
    let status = rig.device.guide_status("huangshan").await.unwrap();
    assert_eq!(
        (status.held.as_deref(), status.latest),
        (Some(latest.version.as_str()), None)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_download_is_thrown_away_and_the_old_pack_kept() {
    let mut rig = Rig::new().await;
    let good = rig
        .device
        .download_guide("huangshan", |_, _| {})
        .await
        .unwrap();

    // In the platform's place, one that sends a newer version whose content was changed
    // on the way.
    let mut damaged = good.clone();
    damaged.version = "ffffffffffffffff".into();
    damaged.pois[0].name.en.push_str(" and more");
    let json = serde_json::to_vec(&damaged).unwrap();
    rig.stop_platform().await;
    let listener = tokio::net::TcpListener::bind(rig.addr).await.unwrap();
    let app = axum::Router::new().route(
        "/api/v1/regions/huangshan/guide",
        axum::routing::get(move || {
            let json = json.clone();
            async move { ([("content-type", "application/json")], json) }
        }),
    );
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let refused = rig.device.download_guide("huangshan", |_, _| {}).await;
    let error = refused.expect_err("a damaged pack is refused").to_string();
    assert!(error.contains("damaged"), "{error}");
    assert_eq!(
        rig.device.guide("huangshan").unwrap(),
        good,
        "the old pack stays"
    );
    server.abort();
}

/// A sight's crowd now, at a fixed instant (10:00 in Huangshan on a National Day holiday):
/// the platform's forecast for the hour while it answers, the device's own model with the
/// network gone — the same figure when no ticket is sold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sights_crowd_now_comes_from_the_platform_or_the_device() {
    use tongyou_core::api::CrowdSource;
    use tongyou_device::{Clock, Device};

    let mut rig = Rig::new().await;
    let at: chrono::DateTime<chrono::Utc> = "2026-10-03T02:00:00Z".parse().unwrap();
    let device = Device::open(
        &rig.dir.path().join("clocked"),
        &format!("http://{}", rig.addr),
    )
    .unwrap()
    .with_clock(Clock::starting_at(at));
    device.sync_catalog().await.unwrap();
    let forecast = rig.client.crowd("huangshan", "2026-10-03").await.unwrap();
    let expected = forecast
        .sights
        .iter()
        .find(|s| s.sight_id == "bright-summit")
        .unwrap()
        .hours[10];

    let online = device
        .crowd_now("huangshan", "bright-summit")
        .await
        .unwrap();
    assert_eq!(
        (online.percent, online.source),
        (expected, CrowdSource::Forecast)
    );
    rig.stop_platform().await;
    let offline = device
        .crowd_now("huangshan", "bright-summit")
        .await
        .unwrap();
    assert_eq!(
        (offline.percent, offline.source),
        (expected, CrowdSource::Model)
    );
    assert_eq!(offline.level, online.level);
    assert!(
        !online.closed && !offline.closed,
        "bright-summit is open air"
    );
    // Lotus Peak keeps hours (07:00–16:00): at 10:00 it is open; at 17:00 it is closed,
    // whatever the model says of the hour.
    let lotus = device.crowd_now("huangshan", "lotus-peak").await.unwrap();
    assert!(!lotus.closed);
    let evening = Device::open(&rig.dir.path().join("clocked"), "http://127.0.0.1:9")
        .unwrap()
        .with_clock(Clock::starting_at(at + chrono::Duration::hours(7)));
    let shut = evening.crowd_now("huangshan", "lotus-peak").await.unwrap();
    assert!(shut.closed, "{shut:?}");
    assert!(
        device
            .crowd_now("huangshan", "no-such-sight")
            .await
            .is_err()
    );
}
