//! The Tongyou platform: the server the app and the consoles talk to.
//!
//! Start-up loads every region data file, refuses to start if any is malformed, stores the
//! catalogs in the embedded database and serves them over a versioned JSON API
//! (`/api/v1`, described by `/api/v1/openapi.json`).
//!
//! - [`config`]: command line and defaults.
//! - [`regions`]: reading region data files from disk.
//! - [`accounts`]: sign-in with one-time codes, sessions, saved travellers.
//! - [`texts`]: the text-message gateway sign-in codes go out through.
//! - [`limits`]: request limits per number and per client address.
//! - [`inventory`]: stock with holds, the shape each provider module keeps in its own
//!   tables; never oversold.
//! - [`providers`]: the scenic, hotel and transport modules behind one trait, and the
//!   fault switches tests use to make them fail.
//! - [`payments`]: payment records and the provider that moves the money (dev mode's
//!   simulated one: wallet, redirect + signed callback).
//! - [`secret`]: the data keys that seal ID numbers, mobile numbers and signing seeds.
//! - [`signer`]: Ed25519 pass signing with rotating key ids.
//! - [`orders`]: the booking saga, orders and sub-orders, idempotency, the hold sweeper.
//! - [`crowd`]: the crowd forecast with tickets sold, gate counts and live sensors, and
//!   trip planning on it.
//! - [`events`]: what happened to whose order, written with each change, and the
//!   wake-ups of the live streams (`/api/v1/events`) that serve it.
//! - [`gates`]: gate staff posts, the revocation log gates sync, uploaded scan logs and
//!   turnstile counts.
//! - [`support`]: trip shares, support cases with their chat, the console's agents
//!   (Argon2id, cookie sessions, CSRF) and the support audit log.
//! - [`sqlite`]: the embedded SQLite engine. There are no storage traits: each module
//!   writes its own SQL against [`sqlite::SqliteStore`]. [`store`]: the error they share
//!   and the rows accounts keep.
//! - [`http`]: routes, and the one place errors become HTTP statuses.

pub mod accounts;
pub mod calendars;
pub mod config;
pub mod crowd;
pub mod disruptions;
pub mod events;
pub mod gates;
pub mod guides;
pub mod http;
pub mod inventory;
pub mod limits;
pub mod orders;
pub mod payments;
pub mod providers;
pub mod regions;
pub mod secret;
pub mod signer;
pub mod sqlite;
pub mod store;
pub mod support;
pub mod texts;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::oneshot;
use tongyou_core::api::AgentRole;

pub use config::Config;

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

/// The outside services the platform works through. A deployment with a real SMS
/// gateway or payment provider passes them to [`start_with`].
#[derive(Default)]
pub struct Integrations {
    /// Sends sign-in codes. `None`: dev mode's stand-in under `--dev`, else none (code
    /// requests answer 503).
    pub texts: Option<Arc<dyn texts::TextGateway>>,
    /// Moves the money. `None`: dev mode's simulated provider under `--dev`, else none
    /// (every charge is declined and no money moves).
    pub payments: Option<Arc<dyn payments::PaymentProvider>>,
}

/// Loads the regions, opens the store and starts serving, with the dev stand-ins under
/// `--dev` and no SMS gateway or payment provider otherwise.
pub async fn start(config: Config) -> anyhow::Result<RunningPlatform> {
    start_with(config, Integrations::default()).await
}

/// [`start`] with a real SMS gateway and payment provider.
pub async fn start_with(
    config: Config,
    integrations: Integrations,
) -> anyhow::Result<RunningPlatform> {
    config.check()?;
    let (catalogs, packs) = regions::load(&config.regions_dir)?;
    let guides = Arc::new(guides::Guides::new(&packs)?);
    let store =
        Arc::new(sqlite::SqliteStore::open(&config.database).context("opening the database")?);
    let secret = secret::Secret::load_or_create(&config.secret_key_path()?)?;
    for catalog in &catalogs {
        store.put_catalog(catalog)?;
        tracing::info!(region = %catalog.region.id, version = %catalog.version(), "catalog loaded");
    }
    let ids: Vec<&str> = catalogs.iter().map(|c| c.region.id.as_str()).collect();
    for gone in store.retain_regions(&ids)? {
        tracing::info!(region = %gone, "region withdrawn: its data file is gone");
    }
    let clock: accounts::Clock = Arc::new(chrono::Utc::now);
    let dev_texts = config
        .dev_mode
        .then(|| Arc::new(texts::DevTexts::default()));
    let text_gateway: Arc<dyn texts::TextGateway> = match (integrations.texts, &dev_texts) {
        (Some(gateway), _) => gateway,
        (None, Some(dev)) => Arc::clone(dev) as Arc<dyn texts::TextGateway>,
        (None, None) => Arc::new(texts::NoTexts),
    };
    let accounts = Arc::new(accounts::Accounts::new(
        Arc::clone(&store),
        secret.clone(),
        text_gateway,
        config.limits,
        Arc::clone(&clock),
    ));
    let resealed = seal_again(&store, &accounts, &secret)
        .context("sealing stored values again under the current data key")?;
    if resealed != Resealed::default() {
        tracing::info!(?resealed, "values sealed again under the current data key");
    }
    let faults = Arc::new(providers::Faults::default());
    // One provider per module, in `Module::ALL` order, which `Booking` relies on.
    let modules: Vec<Arc<dyn providers::Provider>> = tongyou_core::api::Provider::ALL
        .into_iter()
        .map(|module| {
            Arc::new(providers::LocalProvider::new(
                module,
                Arc::clone(&store),
                Arc::clone(&faults),
            )) as Arc<dyn providers::Provider>
        })
        .collect();
    let simulated = (config.dev_mode && integrations.payments.is_none()).then(|| {
        Arc::new(payments::SimulatedProvider::new(
            Arc::clone(&store),
            Arc::clone(&faults),
            secret.derive(b"payment-callback"),
        ))
    });
    let provider: Arc<dyn payments::PaymentProvider> = match (integrations.payments, &simulated) {
        (Some(provider), _) => provider,
        (None, Some(sim)) => Arc::clone(sim) as Arc<dyn payments::PaymentProvider>,
        (None, None) => Arc::new(payments::NoProvider),
    };
    let payments = payments::Payments::new(Arc::clone(&store), provider, simulated);
    let signer =
        signer::Signer::load_or_create(Arc::clone(&store), &secret, &orders::fmt(clock()))?;
    let booking = Arc::new(orders::Booking::new(
        Arc::clone(&store),
        &catalogs,
        Arc::clone(&accounts),
        modules,
        payments,
        signer,
        faults,
        Arc::clone(&clock),
    ));
    let gates = Arc::new(gates::Gates::new(
        Arc::clone(&store),
        &catalogs,
        Arc::clone(&accounts),
        &config.gate_staff(),
        Arc::clone(&clock),
    ));
    let dropped = gates
        .drop_former_staff()
        .context("taking gate rights from former staff")?;
    if dropped > 0 {
        tracing::info!(
            accounts = dropped,
            "gate rights ended: no longer on the staff list"
        );
    }
    let crowds = Arc::new(crowd::Crowds::new(
        Arc::clone(&store),
        Arc::clone(&booking),
        &catalogs,
        tongyou_core::calendar::HolidayCalendar::china(),
        Arc::clone(&clock),
    ));
    let stuck = booking
        .recover()
        .context("finishing orders a previous run left open")?;
    if !stuck.is_empty() {
        tracing::error!(
            orders = ?stuck,
            "these orders could not be finished and need an operator; the platform serves the rest"
        );
    }
    let events =
        Arc::new(events::Events::new(Arc::clone(&store)).context("reading the event log")?);
    let calendars = Arc::new(calendars::Calendars::new(
        Arc::clone(&store),
        Arc::clone(&booking),
        &catalogs,
        Arc::clone(&clock),
    ));
    let disruptions = Arc::new(disruptions::Disruptions::new(
        Arc::clone(&store),
        Arc::clone(&booking),
        Arc::clone(&accounts),
        &config.operators(),
    ));
    let support = Arc::new(
        support::Support::new(
            Arc::clone(&store),
            Arc::clone(&booking),
            Arc::clone(&disruptions),
        )
        .context("setting up support")?,
    );
    if config.dev_mode {
        add_demo_agents(&store, clock())?;
        tracing::warn!("dev mode: the console's demo agents `agent` and `supervisor` can sign in");
    }
    let state = http::AppState {
        catalog: Arc::clone(&store),
        accounts: Arc::clone(&accounts),
        booking: Arc::clone(&booking),
        gates,
        crowds,
        events: Arc::clone(&events),
        calendars,
        disruptions: Arc::clone(&disruptions),
        support: Arc::clone(&support),
        dev_mode: config.dev_mode,
        dev_texts,
        sagas: Arc::new(tokio::sync::Semaphore::new(http::SAGAS_AT_ONCE)),
        console_dir: config.console_dir.clone(),
        guides,
    };

    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let sweeper = tokio::spawn(sweep_forever(
        booking,
        disruptions,
        accounts,
        Arc::clone(&events),
        clock,
    ));
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
            // Event streams never end on their own: the stop waits for open requests.
            events.close();
            support.stop_streams();
        });
        if let Err(e) = serve.await {
            tracing::error!("server stopped: {e}");
        }
        sweeper.abort();
    });
    tracing::info!("listening on http://{addr}");
    Ok(RunningPlatform { addr, stop, task })
}

/// What a rotation of the data key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotation {
    /// The new current key's id.
    pub key_id: u32,
    pub travellers: usize,
    pub signing_keys: usize,
}

/// `tongyou-platform rotate-secret`: adds a new data key to the key file, then seals every
/// saved traveller's ID number, every mobile number and every pass-signing seed again
/// under it (and hashes the lookups again), in one unit. Run with the platform stopped:
/// the database admits one writer. The old keys stay in the file to open anything sealed
/// before; a stop between the two steps is finished by the next start, which seals again
/// what is not yet under the current key.
/// The console's demo accounts in dev mode (login, name, role, password), so the console
/// can be tried. Never made without `--dev`.
pub const DEMO_AGENTS: [(&str, &str, AgentRole, &str); 2] = [
    ("agent", "小林 Lin", AgentRole::Agent, "demo-agent-password"),
    (
        "supervisor",
        "王主管 Wang",
        AgentRole::Supervisor,
        "demo-supervisor-password",
    ),
];

fn add_demo_agents(
    store: &sqlite::SqliteStore,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    for (login, name, role, password) in DEMO_AGENTS {
        support::add_agent(store, now, login, name, role, password)
            .with_context(|| format!("adding the demo agent {login}"))?;
    }
    Ok(())
}

/// `tongyou-platform agent add`: makes an agent account in the database, with the platform
/// stopped. `false` when the login is taken (it is left as it is).
pub fn add_agent(
    database: &std::path::Path,
    login: &str,
    name: &str,
    role: AgentRole,
    password: &str,
) -> anyhow::Result<bool> {
    let store = sqlite::SqliteStore::open(database)
        .context("opening the database (stop the platform first: it admits one writer)")?;
    support::add_agent(&store, chrono::Utc::now(), login, name, role, password).map_err(|e| match e
    {
        support::SupportError::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message.en))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::Error::new(other),
    })
}

pub fn rotate_secret(config: &Config) -> anyhow::Result<Rotation> {
    let store = Arc::new(
        sqlite::SqliteStore::open(&config.database)
            .context("opening the database (stop the platform first: it admits one writer)")?,
    );
    let secret = secret::Secret::add_key(&config.secret_key_path()?)?;
    let accounts = accounts::Accounts::new(
        Arc::clone(&store),
        secret.clone(),
        Arc::new(texts::NoTexts),
        config.limits,
        Arc::new(chrono::Utc::now),
    );
    let resealed = seal_again(&store, &accounts, &secret)?;
    Ok(Rotation {
        key_id: secret.current_id(),
        travellers: resealed.travellers,
        signing_keys: resealed.signing_keys,
    })
}

/// What [`seal_again`] sealed again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Resealed {
    travellers: usize,
    mobiles: usize,
    signing_keys: usize,
}

/// Seals again, in one unit, every stored value not yet under the current data key: saved
/// travellers' ID numbers, mobile numbers and pass-signing seeds. The rotation's second
/// step, and at start what finishes a rotation a stop cut short (and seals values stored
/// before they were sealed).
fn seal_again(
    store: &sqlite::SqliteStore,
    accounts: &accounts::Accounts,
    secret: &secret::Secret,
) -> anyhow::Result<Resealed> {
    store.atomically(|| {
        Ok::<_, anyhow::Error>(Resealed {
            travellers: accounts.reseal_travellers()?,
            mobiles: accounts.seal_mobiles()?,
            signing_keys: signer::Signer::reseal(store, secret)?,
        })
    })
}

/// How often expired holds are looked for.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Sweeps this many times between prunings of expired codes and sessions.
const PRUNE_EVERY_SWEEPS: u32 = 120;

/// Releases expired holds and expires unpaid orders, for as long as the platform runs,
/// and now and then drops expired codes, sessions, idempotency records and old events.
async fn sweep_forever(
    booking: Arc<orders::Booking>,
    disruptions: Arc<disruptions::Disruptions>,
    accounts: Arc<accounts::Accounts>,
    events: Arc<events::Events>,
    clock: accounts::Clock,
) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    for sweep in 0u32.. {
        tick.tick().await;
        if sweep % PRUNE_EVERY_SWEEPS == 0 {
            let (booking, accounts, events) = (
                Arc::clone(&booking),
                Arc::clone(&accounts),
                Arc::clone(&events),
            );
            let now = clock();
            let pruned = tokio::task::spawn_blocking(move || {
                Ok::<_, anyhow::Error>(
                    accounts.prune()? + booking.prune_keys(now)? + events.prune(now)?,
                )
            })
            .await;
            match pruned {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => {
                    tracing::info!(rows = n, "expired codes, sessions, keys and events pruned")
                }
                Ok(Err(e)) => tracing::warn!("pruning failed: {e}"),
                Err(e) => tracing::warn!("pruning crashed: {e}"),
            }
        }
        let booking = Arc::clone(&booking);
        let now = clock();
        match tokio::task::spawn_blocking(move || booking.sweep(now)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(released = n, "expired holds released"),
            Ok(Err(e)) => tracing::warn!("sweeping expired holds failed: {e}"),
            Err(e) => tracing::warn!("the sweeper crashed: {e}"),
        }
        let disruptions = Arc::clone(&disruptions);
        match tokio::task::spawn_blocking(move || disruptions.expire(now)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(cases = n, "disruption cases refunded at their expiry"),
            Ok(Err(e)) => tracing::warn!("refunding expired disruption cases failed: {e}"),
            Err(e) => tracing::warn!("the disruption sweep crashed: {e}"),
        }
    }
}
