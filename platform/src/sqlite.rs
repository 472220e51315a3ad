//! The embedded SQLite store. One writing connection behind a lock (SQLite serialises
//! writers anyway), and read connections for callers that only read.
//!
//! The lock is re-entrant so that a caller can make several modules' writes one unit
//! (`SqliteStore::atomically`): a booking commits once instead of once per step. Units
//! run one after another on a writer thread, and units queued for it share a commit
//! (group commit). A commit, the log write of every page touched, is most of what a small
//! write costs. Nobody hears back before the commit that holds their writes, so no answer
//! reports what a crash could still undo.
//!
//! Reads that need not see a unit's own writes run on a read connection
//! (`SqliteStore::reading`): the log lets them read what is committed while the writer
//! goes on, so they neither wait for the writer nor hold it up.
//!
//! This file is the engine only; each module's SQL sits with its module (catalogs in
//! `regions/records.rs`, accounts in `accounts/records.rs`, orders in `orders/records.rs`).
//!
//! SQLite itself is built without its allocation statistics (`LIBSQLITE3_FLAGS` in
//! `.cargo/config.toml`): they take one lock, shared by every connection, on every
//! allocation, which the writer and its readers would otherwise queue on.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use parking_lot::{MappedReentrantMutexGuard, ReentrantMutex, ReentrantMutexGuard};

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

use crate::store::StoreError;

/// Append-only: never edit a released migration, add a new file.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../migrations/20261122_0001_catalog.sql")),
    M::up(include_str!("../migrations/20261122_0002_accounts.sql")),
    M::up(include_str!(
        "../migrations/20261122_0003_scenic_inventory.sql"
    )),
    M::up(include_str!("../migrations/20261122_0004_booking.sql")),
    M::up(include_str!("../migrations/20261122_0005_gates.sql")),
    M::up(include_str!("../migrations/20261122_0006_crowd.sql")),
    M::up(include_str!(
        "../migrations/20261122_0007_traveller_ids.sql"
    )),
    M::up(include_str!("../migrations/20261204_0008_sessions.sql")),
    M::up(include_str!("../migrations/20261204_0009_cancelling.sql")),
    M::up(include_str!("../migrations/20261204_0010_gate_rights.sql")),
    M::up(include_str!("../migrations/20261204_0011_consent.sql")),
    M::up(include_str!(
        "../migrations/20261204_0012_sealed_mobiles.sql"
    )),
    M::up(include_str!("../migrations/20261205_0013_refunds_owed.sql")),
    M::up(include_str!("../migrations/20261206_0014_order_combo.sql")),
    M::up(include_str!(
        "../migrations/20261206_0015_transport_vehicle.sql"
    )),
    M::up(include_str!("../migrations/20261206_0016_events.sql")),
    M::up(include_str!(
        "../migrations/20261207_0017_calendar_feeds.sql"
    )),
    M::up(include_str!("../migrations/20261208_0018_disruptions.sql")),
    M::up(include_str!(
        "../migrations/20261208_0019_disruption_holds.sql"
    )),
    M::up(include_str!("../migrations/20261209_0020_support.sql")),
    M::up(include_str!(
        "../migrations/20261210_0021_agent_actions.sql"
    )),
];

/// A batch commits after this many units even when more are waiting, so that nobody
/// waits long behind a busy rush: the units of a batch wait for its last one, and their
/// callers send nothing new meanwhile. 16 did best on the booking rush (ahead of 64, 32,
/// 24, 12 and 8 in alternating runs).
const MAX_BATCH: usize = 16;
/// Read connections open at most (each holds three files: the database, its log and the
/// log's index); a reader past them waits for one to be given back.
const MAX_READERS: usize = 32;

thread_local! {
    /// The read connection each store has lent this thread, inside [`SqliteStore::reading`].
    static LENT: RefCell<Vec<(usize, Rc<Connection>)>> = const { RefCell::new(Vec::new()) };
}

pub struct SqliteStore {
    db: ReentrantMutex<Db>,
    /// The thread that runs units, one after another.
    writer: rayon::ThreadPool,
    /// The database file, for read connections; `None` in memory, where there are none.
    path: Option<PathBuf>,
    /// Held while the store is open: the platform must be its database's only writer
    /// (order ids are handed out in memory), so a second platform on the same file is
    /// refused at start.
    _only_writer: Option<std::fs::File>,
    /// Read connections nobody is using.
    readers: Mutex<Readers>,
    reader_back: Condvar,
    /// Threads waiting for the connection: while there are any, a batch stays open.
    arriving: AtomicUsize,
    settled: Mutex<Settled>,
    settled_changed: Condvar,
    /// Told of every commit, on the writer with the connection still held: how the
    /// events module learns of what units committed (see [`SqliteStore::after_commits`]).
    committed: std::sync::OnceLock<CommitHook>,
}

/// What [`SqliteStore::after_commits`] runs after each commit.
type CommitHook = Box<dyn Fn(&Connection) + Send + Sync>;

/// The connection and the batch state, touched only by the thread holding the lock.
struct Db {
    conn: Connection,
    /// How deep the holding thread is in [`SqliteStore::atomically`].
    depth: Cell<usize>,
    /// The batch open on the connection and how many units it holds.
    open: Cell<Option<(u64, usize)>>,
    last_batch: Cell<u64>,
}

/// What became of the batches: all up to `upto` are settled, committed unless `lost`.
struct Settled {
    upto: u64,
    lost: VecDeque<u64>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, or in memory for `:memory:`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let in_memory = path.as_os_str() == ":memory:";
        let only_writer = if in_memory {
            None
        } else {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                // A missing folder surfaces as the open error just below.
                let _ = std::fs::create_dir_all(dir);
            }
            Some(only_writer(path)?)
        };
        let mut conn = if in_memory {
            Connection::open_in_memory()?
        } else {
            Connection::open(path)?
        };
        // 2 KiB pages: a batch's commit writes every page it touched whole, and with group
        // commit 2 KiB wrote least per order on the booking rush (ahead of 4 KiB in four
        // of five alternating runs; 1 KiB and 8 KiB slower). Set when the file is made.
        conn.pragma_update(None, "page_size", 2048)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Checkpoint every ~32 MB of log instead of 4 MB: the saga rewrites the same hot
        // pages (stock rows, indexes) many times, and each checkpoint writes them once.
        conn.pragma_update(None, "wal_autocheckpoint", 8000)?;
        conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Every hot statement of the booking saga stays prepared.
        conn.set_prepared_statement_cache_capacity(256);
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn)?;
        let writer = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "store-writer".into())
            .build()
            .map_err(|e| StoreError::Writer(e.to_string()))?;
        Ok(SqliteStore {
            writer,
            _only_writer: only_writer,
            path: (!in_memory).then(|| path.to_owned()),
            readers: Mutex::new(Readers {
                idle: Vec::new(),
                open: 0,
            }),
            reader_back: Condvar::new(),
            db: ReentrantMutex::new(Db {
                conn,
                depth: Cell::new(0),
                open: Cell::new(None),
                last_batch: Cell::new(0),
            }),
            arriving: AtomicUsize::new(0),
            settled: Mutex::new(Settled {
                upto: 0,
                lost: VecDeque::new(),
            }),
            settled_changed: Condvar::new(),
            committed: std::sync::OnceLock::new(),
        })
    }

    /// Runs `hook` after every batch of units is committed, with the connection still
    /// held, so hooks run in commit order and see each batch's writes as committed. It
    /// must be quick (everyone else waits for the connection meanwhile) and must not
    /// write. One hook per store; a second is refused (`false`).
    ///
    /// Writes made outside a unit are not batches and do not run it: whatever a hook
    /// watches for must be written in units.
    pub(crate) fn after_commits(&self, hook: impl Fn(&Connection) + Send + Sync + 'static) -> bool {
        self.committed.set(Box::new(hook)).is_ok()
    }

    /// Whether this thread is running a unit ([`SqliteStore::atomically`]) on this store.
    pub(crate) fn in_unit(&self) -> bool {
        self.db.is_owned_by_current_thread() && self.db.lock().depth.get() > 0
    }

    fn lock(&self) -> ReentrantMutexGuard<'_, Db> {
        self.arriving.fetch_add(1, Ordering::SeqCst);
        let db = self.db.lock();
        self.arriving.fetch_sub(1, Ordering::SeqCst);
        db
    }

    /// The connection, this thread's alone until the guard drops. Outside a unit it first
    /// commits the batch left open, so what it reads and writes is never undone later; a
    /// thread inside [`SqliteStore::atomically`] gets the connection of its unit, and one
    /// inside [`SqliteStore::reading`] (and not in a unit) its read connection.
    pub(crate) fn conn(&self) -> Result<Conn<'_>, StoreError> {
        if !self.db.is_owned_by_current_thread()
            && let Some(reader) = self.lent()
        {
            return Ok(Conn::Reader(reader));
        }
        let db = self.lock();
        if db.depth.get() == 0
            && let Some((batch, _)) = db.open.take()
        {
            self.commit(&db, batch)?;
        }
        Ok(Conn::Writer(ReentrantMutexGuard::map(db, |db| &db.conn)))
    }

    /// Runs `work`, which only reads, on a read connection: it sees one snapshot of what
    /// is committed, does not wait for the writer and does not hold it up. Inside a unit
    /// (whose own writes it must see), on a thread holding the connection, and in memory
    /// it reads through the writer instead. A write in `work` fails on a read connection;
    /// through the writer it would go through, so keep writes out of `work`.
    pub(crate) fn reading<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let Some(path) = &self.path else {
            return work();
        };
        if self.db.is_owned_by_current_thread() || self.lent().is_some() {
            return work();
        }
        let conn = self.reader(path)?;
        // One read transaction, so that every read of `work` sees the same snapshot.
        if let Err(e) = conn.execute_batch("BEGIN") {
            self.reader_gone();
            return Err(StoreError::from(e).into());
        }
        LENT.with_borrow_mut(|lent| lent.push((self.key(), Rc::new(conn))));
        let lent = Lent(self);
        let out = work();
        drop(lent);
        out
    }

    /// The read connection this thread has of this store, inside [`SqliteStore::reading`].
    fn lent(&self) -> Option<Rc<Connection>> {
        let key = self.key();
        LENT.with_borrow(|lent| {
            lent.iter()
                .find(|(store, _)| *store == key)
                .map(|(_, conn)| Rc::clone(conn))
        })
    }

    /// Tells this store's lent connections from other stores' on the same thread.
    fn key(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// An idle read connection, or a new one while fewer than [`MAX_READERS`] are open;
    /// otherwise waits for one to be given back.
    fn reader(&self, path: &Path) -> Result<Connection, StoreError> {
        let mut readers = self.readers.lock().map_err(|_| StoreError::Poisoned)?;
        loop {
            if let Some(conn) = readers.idle.pop() {
                return Ok(conn);
            }
            if readers.open < MAX_READERS {
                readers.open += 1;
                break;
            }
            readers = self
                .reader_back
                .wait(readers)
                .map_err(|_| StoreError::Poisoned)?;
        }
        drop(readers);
        let opened = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        );
        match opened {
            Ok(conn) => {
                conn.set_prepared_statement_cache_capacity(64);
                Ok(conn)
            }
            Err(e) => {
                self.reader_gone();
                Err(e.into())
            }
        }
    }

    /// Counts a read connection as closed, making room for another.
    fn reader_gone(&self) {
        if let Ok(mut readers) = self.readers.lock() {
            readers.open = readers.open.saturating_sub(1);
        }
        self.reader_back.notify_one();
    }

    /// Runs `work` as one unit: every store call it makes joins it, and all of it is kept
    /// when `work` returns `Ok`, none of it when `Err`. Returns once the unit is committed.
    /// Units run one after another on the store's writer thread, so no unit waits for the
    /// connection to pass from thread to thread, and units queued meanwhile share one
    /// commit: a rush of bookings writes the pages they share (stock rows, index pages, the
    /// ends of tables) once per batch instead of once per booking. Others wait while
    /// `work` runs, so it should be quick steps with no waiting inside.
    pub(crate) fn atomically<T: Send, E: From<StoreError> + Send>(
        &self,
        work: impl FnOnce() -> Result<T, E> + Send,
    ) -> Result<T, E> {
        let (run, fate) = if self.db.is_owned_by_current_thread() {
            // Already holding the connection (in a unit, or a caller with it in hand, who
            // must not wait for a batch that only the connection's next holder commits).
            self.unit(work, false)
        } else {
            self.arriving.fetch_add(1, Ordering::SeqCst);
            self.writer.install(|| {
                self.arriving.fetch_sub(1, Ordering::SeqCst);
                self.unit(work, true)
            })
        };
        let out = match run {
            Ok(Ok(out)) => out,
            // A unit that panicked was rolled back like a failed one and its batch seen to;
            // the panic carries on, on the caller's thread.
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => return Err(StoreError::Lost.into()),
        };
        match fate {
            Fate::Committed => out,
            Fate::Lost => Err(StoreError::Lost.into()),
            Fate::Open(batch) => {
                let settled = self.settled.lock().map_err(|_| StoreError::Poisoned)?;
                let settled = self
                    .settled_changed
                    .wait_while(settled, |s| s.upto < batch)
                    .map_err(|_| StoreError::Poisoned)?;
                if settled.lost.contains(&batch) {
                    Err(StoreError::Lost.into())
                } else {
                    out
                }
            }
        }
    }

    /// Runs `work` as a unit on this thread, holding the connection, and decides what
    /// becomes of its batch (`share`: it may stay open for the units waiting); waiting for
    /// the batch is left to the caller.
    fn unit<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce() -> Result<T, E>,
        share: bool,
    ) -> (UnitRun<T, E>, Fate) {
        let db = self.lock();
        if db.depth.get() > 0 {
            // Inside another unit: a savepoint of it, whose fate is the outer unit's.
            let inner = (|| {
                let scope = Savepoint::begin(&db.conn).map_err(StoreError::from)?;
                let out = work()?;
                scope.commit().map_err(StoreError::from)?;
                Ok(out)
            })();
            return (Ok(Ok(inner)), Fate::Committed);
        }
        let (batch, units) = match db.open.get() {
            Some(open) => open,
            None => {
                if let Err(e) = db.conn.execute_batch("BEGIN") {
                    return (Ok(Ok(Err(StoreError::from(e).into()))), Fate::Committed);
                }
                let batch = db.last_batch.get() + 1;
                db.last_batch.set(batch);
                (batch, 0)
            }
        };
        db.open.set(Some((batch, units)));
        let run = run_unit(&db, work);
        let fate = match &run {
            Ok(_) if !db.conn.is_autocommit() => {
                if !share || units + 1 >= MAX_BATCH || self.arriving.load(Ordering::SeqCst) == 0 {
                    db.open.set(None);
                    match self.commit(&db, batch) {
                        Ok(()) => Fate::Committed,
                        Err(_) => Fate::Lost,
                    }
                } else {
                    // Someone is waiting for the connection and will commit the batch.
                    db.open.set(Some((batch, units + 1)));
                    Fate::Open(batch)
                }
            }
            // The batch is in doubt (SQLite may have rolled all of it back): give it up.
            failed => {
                if let Err(e) = failed {
                    tracing::error!("a batch of {} units was given up: {e}", units + 1);
                }
                if !db.conn.is_autocommit() {
                    let _ = db.conn.execute_batch("ROLLBACK");
                }
                db.open.set(None);
                self.settle(batch, true);
                Fate::Lost
            }
        };
        (run, fate)
    }

    /// Commits the open batch (already taken off `db.open`) and wakes its units.
    fn commit(&self, db: &Db, batch: u64) -> Result<(), StoreError> {
        let committed = db.conn.execute_batch("COMMIT");
        if let Err(e) = &committed {
            tracing::error!("a batch failed to commit: {e}");
            if !db.conn.is_autocommit() {
                let _ = db.conn.execute_batch("ROLLBACK");
            }
        }
        if committed.is_ok()
            && let Some(hook) = self.committed.get()
        {
            hook(&db.conn);
        }
        // Settled while the connection is held, so batches settle in the order they ran.
        self.settle(batch, committed.is_err());
        committed.map_err(|_| StoreError::Lost)
    }

    fn settle(&self, batch: u64, lost: bool) {
        if let Ok(mut s) = self.settled.lock() {
            s.upto = s.upto.max(batch);
            if lost {
                // Units of a lost batch wake at once and find it here.
                if s.lost.len() >= 64 {
                    s.lost.pop_front();
                }
                s.lost.push_back(batch);
            }
        }
        self.settled_changed.notify_all();
    }
}

/// How long a store waits for another one on the same database to close: a platform
/// restarting in the same process may still be letting go of its store.
const IN_USE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Locks `<database>.lock` (beside the database, its folder's links resolved) for as long
/// as the file stays open, or says the database is in use.
fn only_writer(path: &Path) -> Result<std::fs::File, StoreError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".lock");
    let name = dir.join(name);
    let unusable = |e: std::io::Error| StoreError::InUse(format!("{}: {e}", name.display()));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&name)
        .map_err(unusable)?;
    let waiting = std::time::Instant::now();
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(lock),
            Err(std::fs::TryLockError::WouldBlock) if waiting.elapsed() < IN_USE_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::InUse(format!(
                    "{} is open in another platform",
                    path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(unusable(e)),
        }
    }
}

/// The connection a store call gets: the writer's, or a read connection lent to the thread.
pub(crate) enum Conn<'a> {
    Writer(MappedReentrantMutexGuard<'a, Connection>),
    Reader(Rc<Connection>),
}

impl std::ops::Deref for Conn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Conn::Writer(conn) => conn,
            Conn::Reader(conn) => conn,
        }
    }
}

/// A read connection lent to the thread, given back to the store when dropped (also when
/// the reading work panics).
struct Lent<'a>(&'a SqliteStore);

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        let key = self.0.key();
        let conn = LENT.with_borrow_mut(|lent| {
            let at = lent.iter().rposition(|(store, _)| *store == key)?;
            Some(lent.remove(at).1)
        });
        // A connection still borrowed somewhere, or whose read transaction will not end,
        // is closed rather than reused.
        let reusable = conn
            .and_then(|conn| Rc::try_unwrap(conn).ok())
            .filter(|conn| conn.execute_batch("COMMIT").is_ok());
        match (reusable, self.0.readers.lock()) {
            (Some(conn), Ok(mut readers)) => {
                readers.idle.push(conn);
                drop(readers);
                self.0.reader_back.notify_one();
            }
            (_, readers) => {
                drop(readers);
                self.0.reader_gone();
            }
        }
    }
}

/// The store's read connections.
struct Readers {
    idle: Vec<Connection>,
    /// Idle and lent.
    open: usize,
}

/// What became of the batch a unit ran in, as far as the unit can tell when it ends.
enum Fate {
    Committed,
    Lost,
    /// Left open for the units waiting for the connection; the last of them commits it.
    Open(u64),
}

/// How a unit's work ended: `Err` when its savepoint failed, `Ok(Err)` when it panicked.
type UnitRun<T, E> = Result<std::thread::Result<Result<T, E>>, StoreError>;

/// Runs `work` under a savepoint in the open batch, marked as inside a unit, and rolls it
/// back unless it returns `Ok`. A panic is caught so the batch can be seen to first.
/// `Err` when the savepoint itself failed.
fn run_unit<T, E>(db: &Db, work: impl FnOnce() -> Result<T, E>) -> UnitRun<T, E> {
    let scope = Savepoint::begin(&db.conn)?;
    let depth = Depth::enter(db);
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    drop(depth);
    if matches!(run, Ok(Ok(_))) {
        scope.commit()?;
    }
    // Otherwise dropping the scope rolls the unit back.
    Ok(run)
}

/// Marks the holding thread as inside a unit, until dropped (also when `work` panics).
struct Depth<'a>(&'a Db);

impl<'a> Depth<'a> {
    fn enter(db: &'a Db) -> Depth<'a> {
        db.depth.set(db.depth.get() + 1);
        Depth(db)
    }
}

impl Drop for Depth<'_> {
    fn drop(&mut self) {
        self.0.depth.set(self.0.depth.get() - 1);
    }
}

/// A transaction that nests: on its own it begins and commits one, inside another it is
/// a savepoint of it. Dropped without [`Savepoint::commit`], it rolls back.
pub(crate) struct Savepoint<'c> {
    conn: &'c Connection,
    done: bool,
}

impl<'c> Savepoint<'c> {
    pub(crate) fn begin(conn: &'c Connection) -> rusqlite::Result<Savepoint<'c>> {
        conn.prepare_cached("SAVEPOINT atomic")?.execute([])?;
        Ok(Savepoint { conn, done: false })
    }

    pub(crate) fn commit(mut self) -> rusqlite::Result<()> {
        self.conn.prepare_cached("RELEASE atomic")?.execute([])?;
        self.done = true;
        Ok(())
    }
}

impl std::ops::Deref for Savepoint<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Savepoint<'_> {
    fn drop(&mut self) {
        if !self.done {
            // Failing here means SQLite already rolled the transaction back itself.
            let _ = self
                .conn
                .execute_batch("ROLLBACK TO atomic; RELEASE atomic");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
    }

    /// Migration 18 makes the event table again: its ids must keep growing past every id
    /// ever handed out, also when the newest events were pruned (a stream's Last-Event-ID
    /// must never name a later event than the one it saw).
    #[test]
    fn event_ids_keep_growing_across_the_event_table_made_again() {
        let mut conn = Connection::open_in_memory().unwrap();
        let migrations = Migrations::from_slice(MIGRATIONS);
        migrations.to_version(&mut conn, 17).unwrap();
        // Events of an order that is not there: only the ids are the point here.
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        for _ in 0..3 {
            conn.execute(
                "INSERT INTO event (account_id, order_id, kind, at) VALUES (1, 5, 'pass_used', 't')",
                [],
            )
            .unwrap();
        }
        conn.execute("DELETE FROM event", []).unwrap();
        migrations.to_latest(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO event (account_id, order_id, kind, at) VALUES (1, 5, 'disruption', 't')",
            [],
        )
        .unwrap();
        assert_eq!(conn.last_insert_rowid(), 4);
    }

    fn open(dir: &Path) -> SqliteStore {
        let store = SqliteStore::open(&dir.join("units.db")).unwrap();
        store
            .conn()
            .unwrap()
            .execute_batch("CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY)")
            .unwrap();
        store
    }

    fn insert(store: &SqliteStore, n: i64) -> Result<(), StoreError> {
        store
            .conn()?
            .execute("INSERT INTO t (n) VALUES (?1)", [n])?;
        Ok(())
    }

    fn count(store: &SqliteStore) -> i64 {
        let conn = store.conn().unwrap();
        conn.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    /// [`count`] on a read connection of its own.
    fn read_count(store: &SqliteStore) -> i64 {
        store.reading(|| Ok::<_, StoreError>(count(store))).unwrap()
    }

    /// Units run on the store's writer thread, except for a caller already holding the
    /// connection, whose unit runs where it is instead of waiting for itself.
    #[test]
    fn a_unit_runs_on_the_writer_unless_its_caller_holds_the_connection() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let here = std::thread::current().id();
        let ran_on = store
            .atomically(|| Ok::<_, StoreError>(std::thread::current().id()))
            .unwrap();
        assert_ne!(ran_on, here);
        let held = store.conn().unwrap();
        let ran_on = store
            .atomically(|| {
                insert(&store, 1)?;
                Ok::<_, StoreError>(std::thread::current().id())
            })
            .unwrap();
        assert_eq!(ran_on, here);
        drop(held);
        assert_eq!(count(&store), 1);
    }

    /// A caller holding the connection commits its unit's batch itself even while others
    /// wait for the connection: it would otherwise wait for one of them to commit it, and
    /// none can while it holds the connection.
    #[test]
    fn a_unit_of_a_caller_holding_the_connection_does_not_wait_for_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(open(dir.path()));
        let held = store.conn().unwrap();
        let waiting = {
            let store = std::sync::Arc::clone(&store);
            std::thread::spawn(move || store.atomically(|| insert(&store, 2)))
        };
        while store.arriving.load(Ordering::SeqCst) == 0 {
            std::thread::yield_now();
        }
        store.atomically(|| insert(&store, 1)).unwrap();
        drop(held);
        waiting.join().unwrap().unwrap();
        assert_eq!(count(&store), 2);
    }

    /// One platform per database file: a second store on it (however its path is spelt)
    /// is refused while the first is open, and opens once the first is closed.
    #[test]
    fn a_database_has_one_writer_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let first = open(dir.path());
        match SqliteStore::open(&dir.path().join(".").join("units.db")) {
            Err(StoreError::InUse(why)) => assert!(why.contains("another platform"), "{why}"),
            Err(other) => panic!("expected in use, got {other}"),
            Ok(_) => panic!("a second writer opened the database"),
        }
        drop(first);
        assert_eq!(count(&open(dir.path())), 0);
    }

    /// A reader sees what is committed, on a read connection of its own; inside a unit it
    /// reads through the writer, and so sees the unit's own writes.
    #[test]
    fn reading_sees_what_is_committed_and_inside_a_unit_the_units_own_writes() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        insert(&store, 1).unwrap();
        let seen = store
            .reading(|| {
                assert!(matches!(store.conn()?, Conn::Reader(_)));
                Ok::<_, StoreError>(count(&store))
            })
            .unwrap();
        assert_eq!(seen, 1);
        let in_unit = store
            .atomically(|| {
                insert(&store, 2)?;
                store.reading(|| {
                    assert!(matches!(store.conn()?, Conn::Writer(_)));
                    Ok::<_, StoreError>(count(&store))
                })
            })
            .unwrap();
        assert_eq!(in_unit, 2);
        // The read connection went back to the store for the next reader.
        assert_eq!(store.readers.lock().unwrap().idle.len(), 1);
    }

    /// Every read of one `reading` sees the same snapshot, even while the writer commits
    /// meanwhile, and a write there is refused.
    #[test]
    fn a_reader_keeps_one_snapshot_and_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(open(dir.path()));
        insert(&store, 1).unwrap();
        store
            .reading(|| {
                assert_eq!(count(&store), 1);
                let writer = std::sync::Arc::clone(&store);
                std::thread::spawn(move || insert(&writer, 2))
                    .join()
                    .unwrap()?;
                assert_eq!(count(&store), 1);
                assert!(insert(&store, 3).is_err());
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert_eq!(read_count(&store), 2);
    }

    /// A reader that panics gives its connection back; the next reader on the thread gets
    /// a fresh snapshot.
    #[test]
    fn a_panicking_reader_gives_its_connection_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store.reading(|| -> Result<(), StoreError> { panic!("a bug while reading") })
        }));
        assert!(panicked.is_err());
        assert!(store.lent().is_none());
        assert_eq!(store.readers.lock().unwrap().idle.len(), 1);
        insert(&store, 1).unwrap();
        assert_eq!(read_count(&store), 1);
    }

    /// Readers beyond the limit wait for a connection to be given back instead of
    /// opening more, and every one of them is served.
    #[test]
    fn read_connections_stay_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(open(dir.path()));
        insert(&store, 1).unwrap();
        let threads: Vec<_> = (0..MAX_READERS * 2)
            .map(|_| {
                let store = std::sync::Arc::clone(&store);
                std::thread::spawn(move || {
                    (0..5)
                        .map(|_| {
                            store.reading(|| {
                                let open = store.readers.lock().unwrap().open;
                                assert!(open <= MAX_READERS, "{open} read connections open");
                                std::thread::sleep(std::time::Duration::from_millis(1));
                                Ok::<_, StoreError>(count(&store))
                            })
                        })
                        .sum::<Result<i64, StoreError>>()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap().unwrap(), 5);
        }
        let readers = store.readers.lock().unwrap();
        assert!(readers.open <= MAX_READERS);
        assert_eq!(readers.idle.len(), readers.open);
    }

    /// In memory there is no second connection: readers read through the writer.
    #[test]
    fn in_memory_readers_read_through_the_writer() {
        let store = SqliteStore::open(Path::new(":memory:")).unwrap();
        store
            .conn()
            .unwrap()
            .execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .unwrap();
        insert(&store, 1).unwrap();
        let seen = store
            .reading(|| {
                assert!(matches!(store.conn()?, Conn::Writer(_)));
                Ok::<_, StoreError>(count(&store))
            })
            .unwrap();
        assert_eq!(seen, 1);
    }

    /// Units racing from many threads share commits; each is kept whole or not at all,
    /// and what they kept is on disk once they return.
    #[test]
    fn racing_units_are_each_all_or_nothing_and_committed() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(open(dir.path()));
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = std::sync::Arc::clone(&store);
                std::thread::spawn(move || {
                    for i in 0..50 {
                        let n = t * 1000 + i * 2;
                        let out = store.atomically(|| {
                            insert(&store, n)?;
                            insert(&store, n + 1)?;
                            if i % 7 == 3 {
                                return Err(StoreError::Poisoned); // any failure
                            }
                            Ok(())
                        });
                        assert_eq!(out.is_ok(), i % 7 != 3);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        // 50 units per thread, 7 of them failed (i = 3, 10, ..., 45), two rows each.
        let kept = 8 * (50 - 7) * 2;
        assert_eq!(count(&store), kept);
        drop(store);
        assert_eq!(
            count(&open(dir.path())),
            kept,
            "committed, not only visible"
        );
    }

    /// The commit hook runs after each batch, with what the batch committed readable.
    #[test]
    fn the_commit_hook_sees_each_batch_committed() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let hook_seen = std::sync::Arc::clone(&seen);
        assert!(store.after_commits(move |conn| {
            let n: i64 = conn
                .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
                .unwrap();
            hook_seen.lock().unwrap().push(n);
        }));
        assert!(!store.after_commits(|_| {}), "one hook per store");
        store.atomically(|| insert(&store, 1)).unwrap();
        store
            .atomically(|| {
                insert(&store, 2)?;
                insert(&store, 3)
            })
            .unwrap();
        assert_eq!(*seen.lock().unwrap(), [1, 3]);
        assert!(!store.in_unit());
        store
            .atomically(|| {
                assert!(store.in_unit());
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }

    #[test]
    fn a_unit_inside_a_unit_is_a_savepoint_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        store
            .atomically(|| {
                insert(&store, 1)?;
                let inner = store.atomically(|| {
                    insert(&store, 2)?;
                    Err::<(), _>(StoreError::Poisoned)
                });
                assert!(inner.is_err());
                store.atomically(|| insert(&store, 3))
            })
            .unwrap();
        let conn = store.conn().unwrap();
        let kept: Vec<i64> = conn
            .prepare("SELECT n FROM t ORDER BY n")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(kept, [1, 3]);
    }

    #[test]
    fn a_unit_that_panics_is_rolled_back_and_the_store_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store.atomically(|| -> Result<(), StoreError> {
                insert(&store, 1)?;
                panic!("a bug in a unit");
            })
        }));
        assert!(panicked.is_err());
        store.atomically(|| insert(&store, 2)).unwrap();
        drop(store);
        let store = open(dir.path());
        let conn = store.conn().unwrap();
        let kept: i64 = conn.query_row("SELECT n FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, 2);
    }

    #[test]
    fn a_failed_unit_leaves_the_store_usable() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        insert(&store, 1).unwrap();
        // The same key again: the statement fails, the unit rolls back, nothing is lost.
        let failed = store.atomically(|| {
            insert(&store, 2)?;
            insert(&store, 1)
        });
        assert!(failed.is_err());
        store.atomically(|| insert(&store, 4)).unwrap();
        drop(store);
        assert_eq!(count(&open(dir.path())), 2);
    }
}
