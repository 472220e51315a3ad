//! Integration tests: a real platform on 127.0.0.1:0, driven through the real client.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod authorization;
mod booking;
mod calendar;
mod catalog;
mod console;
mod contract;
mod disruptions;
mod events;
mod gates;
mod guide;
mod planning;
mod startup;
mod support;

use tongyou_platform::{Config, RunningPlatform};

pub(crate) fn regions_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/regions"))
}

/// Starts a platform with the shipped regions and a fresh database.
pub(crate) async fn platform(db_dir: &tempfile::TempDir) -> RunningPlatform {
    platform_with(db_dir, |_| {}).await
}

/// The same, with a change to the configuration.
pub(crate) async fn platform_with(
    db_dir: &tempfile::TempDir,
    change: impl FnOnce(&mut Config),
) -> RunningPlatform {
    let mut config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        database: db_dir.path().join("platform.db"),
        regions_dir: regions_dir(),
        dev_mode: true,
        ..Config::default()
    };
    change(&mut config);
    tongyou_platform::start(config).await.unwrap()
}

/// The platform's error answer, or a failed test.
pub(crate) fn api_error(
    result: Result<impl std::fmt::Debug, tongyou_client::ClientError>,
) -> (u16, tongyou_core::api::ApiError) {
    match result {
        Err(tongyou_client::ClientError::Api { status, error }) => (status, error),
        other => panic!("expected an API error, got {other:?}"),
    }
}
