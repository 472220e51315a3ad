//! The Tongyou platform: the server the app and the consoles talk to.
//!
//! Start-up loads every region data file, refuses to start if any is malformed, stores the
//! catalogs in the embedded database and serves them over a versioned JSON API
//! (`/api/v1`, described by `/api/v1/openapi.json`).
//!
//! - [`config`]: command line and defaults.
//! - [`regions`]: reading region data files from disk.
//! - [`store`]: the storage trait; [`sqlite`] its embedded default.
//! - [`http`]: routes, and the one place errors become HTTP statuses.

pub mod config;
pub mod http;
pub mod regions;
pub mod sqlite;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::oneshot;

pub use config::Config;

use crate::store::CatalogStore;

/// A platform serving on a socket, until stopped.
pub struct RunningPlatform {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningPlatform {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for requests in flight to finish.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Loads the regions, opens the store and starts serving.
pub async fn start(config: Config) -> anyhow::Result<RunningPlatform> {
    let catalogs = regions::load_dir(&config.regions_dir)?;
    let store = sqlite::SqliteStore::open(&config.database).context("opening the database")?;
    for catalog in &catalogs {
        store.put_catalog(catalog)?;
        tracing::info!(region = %catalog.region.id, version = %catalog.version(), "catalog loaded");
    }
    let ids: Vec<&str> = catalogs.iter().map(|c| c.region.id.as_str()).collect();
    for gone in store.retain_regions(&ids)? {
        tracing::info!(region = %gone, "region withdrawn: its data file is gone");
    }
    let store: Arc<dyn CatalogStore> = Arc::new(store);

    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = http::router(store);
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("server stopped: {e}");
        }
    });
    tracing::info!("listening on http://{addr}");
    Ok(RunningPlatform { addr, stop, task })
}
