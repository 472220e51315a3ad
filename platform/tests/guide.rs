//! The guide pack over HTTP: its size before downloading, the download with its progress,
//! `304` for a current version, and a data file with a bad guide refused at start.

use tongyou_client::{ClientError, PlatformClient};

use crate::{platform, regions_dir};

#[tokio::test]
async fn the_pack_is_said_before_it_is_fetched_and_fetched_once_per_version() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let about = client.guide_about("huangshan").await.unwrap();
    assert!(about.bytes > 1_000, "{about:?}");

    let mut seen = Vec::new();
    let pack = client
        .guide_pack("huangshan", None, |got, total| seen.push((got, total)))
        .await
        .unwrap()
        .expect("a first download");
    assert_eq!(pack.version, about.version);
    assert!(pack.is_intact(), "the content is what its version says");
    let &(got, total) = seen.last().expect("progress was told");
    assert_eq!((got, total), (about.bytes, about.bytes));
    assert!(
        seen.windows(2).all(|w| w[0].0 < w[1].0),
        "progress only grows: {seen:?}"
    );
    for id in ["lotus-peak", "celestial-capital-peak", "beihai-hotel"] {
        assert!(pack.poi(id).is_some(), "{id} is in the pack");
    }

    // Held already: not sent again. Another version held: sent whole.
    let again = client
        .guide_pack("huangshan", Some(&about.version), |_, _| {})
        .await
        .unwrap();
    assert!(again.is_none());
    let stale = client
        .guide_pack("huangshan", Some("0000000000000000"), |_, _| {})
        .await
        .unwrap();
    assert_eq!(stale.map(|p| p.version), Some(about.version));

    for missing in [
        client.guide_about("nowhere").await.map(|_| ()),
        client
            .guide_pack("nowhere", None, |_, _| {})
            .await
            .map(|_| ()),
    ] {
        match missing {
            Err(ClientError::Api { status, .. }) => assert_eq!(status, 404),
            other => panic!("expected 404, got {other:?}"),
        }
    }
    p.stop().await;
}

#[tokio::test]
async fn a_trail_to_nowhere_stops_the_platform_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let regions = dir.path().join("regions");
    std::fs::create_dir(&regions).unwrap();
    let good = std::fs::read_to_string(regions_dir().join("huangshan.toml")).unwrap();
    let bad = good.replacen("to = \"yuping-lower\"", "to = \"no-such-place\"", 1);
    assert_ne!(bad, good, "the file still has the trail this test breaks");
    std::fs::write(regions.join("huangshan.toml"), bad).unwrap();
    let error = match tongyou_platform::start(crate::startup::config(&dir, regions)).await {
        Ok(_) => panic!("the platform started with a trail to nowhere"),
        Err(e) => format!("{e:#}"),
    };
    assert!(error.contains("huangshan.toml"), "{error}");
    assert!(error.contains("guide.trails[0].to"), "{error}");
    assert!(error.contains("no-such-place"), "{error}");
}
