use tongyou_client::{ClientError, PlatformClient};
use tongyou_core::api::ErrorCode;

use crate::platform;

#[tokio::test]
async fn serves_health_and_regions() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    assert_eq!(client.health().await.unwrap().status, "ok");
    let regions = client.regions().await.unwrap();
    let hs = regions
        .iter()
        .find(|r| r.id == "huangshan")
        .expect("huangshan is served");
    assert_eq!(hs.name.zh, "黄山风景区");
    assert!(hs.demo);
    p.stop().await;
}

#[tokio::test]
async fn serves_the_whole_catalog_with_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let snapshot = client
        .catalog("huangshan", None)
        .await
        .unwrap()
        .expect("a fresh catalog");
    assert_eq!(snapshot.version, snapshot.catalog.version());
    let names: Vec<&str> = snapshot
        .catalog
        .sights
        .iter()
        .map(|s| s.name.zh.as_str())
        .collect();
    for sight in ["光明顶", "莲花峰", "天都峰", "迎客松"] {
        assert!(names.contains(&sight), "{sight} missing from {names:?}");
    }
    assert!(snapshot.catalog.cable_cars.len() >= 4);
    assert!(
        snapshot
            .catalog
            .hotels
            .iter()
            .any(|h| h.name.zh.contains("北海"))
    );
    assert!(!snapshot.catalog.shuttles.is_empty());
    p.stop().await;
}

#[tokio::test]
async fn a_current_version_is_not_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let first = client.catalog("huangshan", None).await.unwrap().unwrap();
    let again = client
        .catalog("huangshan", Some(&first.version))
        .await
        .unwrap();
    assert!(again.is_none(), "same version must answer 304");
    let stale = client.catalog("huangshan", Some("0000")).await.unwrap();
    assert!(stale.is_some());
    p.stop().await;
}

#[tokio::test]
async fn unknown_region_is_a_typed_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    match client.catalog("atlantis", None).await {
        Err(ClientError::Api { status, error }) => {
            assert_eq!(status, 404);
            assert_eq!(error.code, ErrorCode::NotFound);
            assert!(error.message.contains("atlantis"));
        }
        other => panic!("expected a 404, got {other:?}"),
    }
    p.stop().await;
}

#[tokio::test]
async fn publishes_an_openapi_document() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let doc: serde_json::Value = reqwest::get(format!("{}/api/v1/openapi.json", p.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/api/v1/regions/{id}/catalog"]["get"].is_object());
    assert!(doc["components"]["schemas"]["CatalogSnapshot"].is_object());
    p.stop().await;
}

#[tokio::test]
async fn a_stopped_platform_reads_as_offline() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let url = p.url();
    p.stop().await;
    let client = PlatformClient::new(&url).unwrap();
    assert!(matches!(
        client.regions().await,
        Err(ClientError::Offline(_))
    ));
}
