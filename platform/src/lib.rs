//! The Tongyou platform: the server the app and the consoles talk to.
//!
//! Start-up loads every region data file, refuses to start if any is malformed, stores the
//! catalogs in the embedded database and serves them over a versioned JSON API
//! (`/api/v1`, described by `/api/v1/openapi.json`).
//!
//! - [`config`]: command line and defaults.
//! - [`regions`]: reading region data files from disk.
//! - [`accounts`]: sign-in with one-time codes, sessions, saved travellers.
//! - [`scenic`]: timed-entry slot inventory with holds; never oversold.
//! - [`store`]: the storage trait; [`sqlite`] its embedded default.
//! - [`http`]: routes, and the one place errors become HTTP statuses.

pub mod accounts;
pub mod config;
pub mod http;
pub mod regions;
pub mod scenic;
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
    let store =
        Arc::new(sqlite::SqliteStore::open(&config.database).context("opening the database")?);
    let secret = accounts::Secret::load_or_create(&config.secret_key_path())?;
    for catalog in &catalogs {
        store.put_catalog(catalog)?;
        tracing::info!(region = %catalog.region.id, version = %catalog.version(), "catalog loaded");
    }
    let ids: Vec<&str> = catalogs.iter().map(|c| c.region.id.as_str()).collect();
    for gone in store.retain_regions(&ids)? {
        tracing::info!(region = %gone, "region withdrawn: its data file is gone");
    }
    let clock: accounts::Clock = Arc::new(chrono::Utc::now);
    let state = http::AppState {
        catalog: Arc::clone(&store) as Arc<dyn CatalogStore>,
        accounts: Arc::new(accounts::Accounts::new(
            store,
            secret,
            config.dev_mode,
            clock,
        )),
    };

    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = http::router(state);
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
