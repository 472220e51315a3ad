use tongyou_platform::Config;

use crate::regions_dir;

fn config(dir: &tempfile::TempDir, regions: std::path::PathBuf) -> Config {
    Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        database: dir.path().join("p.db"),
        regions_dir: regions,
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
