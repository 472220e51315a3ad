//! offline-store against a real platform on 127.0.0.1:0: sync, re-sync, and reading with
//! the platform gone; and the store surviving a kill mid-write (`crash`).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod crash;

use tongyou_client::PlatformClient;
use tongyou_offline_store::OfflineStore;
use tongyou_offline_store::sync::sync_catalogs;
use tongyou_platform::{Config, RunningPlatform};

fn regions_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/regions"))
}

async fn platform(dir: &std::path::Path, regions: std::path::PathBuf) -> RunningPlatform {
    let config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        database: dir.join("platform.db"),
        regions_dir: regions,
        dev_mode: true,
        ..Config::default()
    };
    tongyou_platform::start(config).await.unwrap()
}

#[tokio::test]
async fn first_sync_brings_the_catalog_onto_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(dir.path(), regions_dir()).await;
    let store = OfflineStore::open(&dir.path().join("device.db")).unwrap();
    assert!(store.catalog("huangshan").unwrap().is_none());

    let report = sync_catalogs(&store, &PlatformClient::new(&p.url()).unwrap())
        .await
        .unwrap();
    assert_eq!(report.updated, ["huangshan"]);
    let stored = store.catalog("huangshan").unwrap().unwrap();
    assert!(stored.catalog.sights.iter().any(|s| s.name.zh == "光明顶"));
    assert_eq!(stored.version, stored.catalog.version());
    assert!(store.last_sync().unwrap().succeeded_at.is_some());
    p.stop().await;
}

#[tokio::test]
async fn resync_replaces_stale_data_and_skips_current_data() {
    let dir = tempfile::tempdir().unwrap();
    let regions = dir.path().join("regions");
    std::fs::create_dir(&regions).unwrap();
    let original = std::fs::read_to_string(regions_dir().join("huangshan.toml")).unwrap();
    std::fs::write(regions.join("huangshan.toml"), &original).unwrap();
    let store = OfflineStore::open(&dir.path().join("device.db")).unwrap();

    let p = platform(dir.path(), regions.clone()).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    sync_catalogs(&store, &client).await.unwrap();
    let again = sync_catalogs(&store, &client).await.unwrap();
    assert_eq!(again.unchanged, ["huangshan"]);
    assert!(again.updated.is_empty());
    let old_version = store.catalog("huangshan").unwrap().unwrap().version;
    p.stop().await;

    // The operator renames a sight and adds a second region; the platform restarts.
    let renamed = original.replacen("光明顶", "光明顶（新）", 1);
    std::fs::write(regions.join("huangshan.toml"), &renamed).unwrap();
    std::fs::write(
        regions.join("other.toml"),
        renamed.replacen("id = \"huangshan\"", "id = \"other\"", 1),
    )
    .unwrap();
    let p = platform(dir.path(), regions.clone()).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let report = sync_catalogs(&store, &client).await.unwrap();
    assert_eq!(report.updated, ["huangshan", "other"]);
    let stored = store.catalog("huangshan").unwrap().unwrap();
    assert_ne!(stored.version, old_version);
    assert!(
        stored
            .catalog
            .sights
            .iter()
            .any(|s| s.name.zh == "光明顶（新）")
    );
    assert!(!stored.catalog.sights.iter().any(|s| s.name.zh == "光明顶"));
    p.stop().await;

    // The second region is withdrawn: the device drops it on the next sync.
    std::fs::remove_file(regions.join("other.toml")).unwrap();
    let p = platform(dir.path(), regions).await;
    let report = sync_catalogs(&store, &PlatformClient::new(&p.url()).unwrap())
        .await
        .unwrap();
    assert_eq!(report.removed, ["other"]);
    assert!(store.catalog("other").unwrap().is_none());
    p.stop().await;
}

#[tokio::test]
async fn reads_with_no_server_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let p = platform(dir.path(), regions_dir()).await;
    let url = p.url();
    {
        let store = OfflineStore::open(&path).unwrap();
        sync_catalogs(&store, &PlatformClient::new(&url).unwrap())
            .await
            .unwrap();
    }
    p.stop().await;

    // A new process-equivalent: reopen the file with the platform gone.
    let store = OfflineStore::open(&path).unwrap();
    let error = sync_catalogs(&store, &PlatformClient::new(&url).unwrap())
        .await
        .unwrap_err();
    assert!(error.is_offline(), "{error}");
    let stored = store
        .catalog("huangshan")
        .unwrap()
        .expect("the catalog survives going offline");
    assert!(stored.catalog.sights.len() >= 10);
    let last = store.last_sync().unwrap();
    assert!(last.succeeded_at.is_some());
    assert!(last.error.unwrap().contains("unreachable"));
}

/// The guide pack on the device: kept whole, read after a reopen with no platform, and a
/// pack that is not what its version says refused with the held one kept.
#[tokio::test]
async fn a_guide_pack_is_kept_only_when_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let text = std::fs::read_to_string(regions_dir().join("huangshan.toml")).unwrap();
    let pack = tongyou_core::guide::pack_from_region_file("huangshan.toml", &text)
        .unwrap()
        .expect("the demo region has a guide");
    {
        let store = OfflineStore::open(&path).unwrap();
        assert!(store.guide("huangshan").unwrap().is_none());
        store.save_guide(&pack, "2026-12-06T10:00:00Z").unwrap();
        let mut damaged = pack.clone();
        damaged.version = "ffffffffffffffff".into();
        damaged.pois.pop();
        let refused = store.save_guide(&damaged, "2026-12-06T10:05:00Z");
        assert!(refused.is_err(), "a damaged pack is refused");
    }
    let store = OfflineStore::open(&path).unwrap();
    assert_eq!(store.guide("huangshan").unwrap(), Some(pack.clone()));
    assert_eq!(
        store.guide_version("huangshan").unwrap(),
        Some((pack.version, "2026-12-06T10:00:00Z".to_owned()))
    );
}
