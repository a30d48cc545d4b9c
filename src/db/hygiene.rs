//! Pooled connections are checked so that a connection left in a bad state is closed instead of
//! handed to the next caller:
//! - one still inside a transaction. On SQLite, a COMMIT that fails on a full disk makes SQLite
//!   roll back by itself while sqlx still counts the transaction as open; reused, every later
//!   `begin` on it failed with "attempted to call begin_with at non-zero transaction depth", long
//!   after space was freed;
//! - a SQLite connection opened read-only: SQLite silently opens a write-protected file
//!   read-only, and such a connection stays read-only after the file is writable again.
//!
//! On SQLite the checks cost nothing on the common path. A SQLite connection lives on its own
//! thread, and every ping or handle lock is a hand-off to that thread and back: with sqlx's ping
//! before each acquire, a handle lock before each acquire and a ping and a lock after each release
//! (plus sqlx's own ping on release), one statement cost six hand-offs, and a page of six
//! statements about 65 context switches. So:
//! - sqlx's ping before acquire is off (`test_before_acquire(false)` in `Db::connect`): a local
//!   file has no connection to lose, and sqlx's own ping on release still closes a connection
//!   whose thread died;
//! - on release, only a connection sqlx counts inside a transaction is checked (a ping, which
//!   waits for a dropped transaction's queued ROLLBACK, then SQLite's own state). sqlx's count is
//!   read without a hand-off;
//! - read-only connections are found when they open ([`ReadOnlyWatch`]): only while one may still
//!   be in the pool is each connection checked before it is handed out.

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use futures::future::BoxFuture;
use sqlx::{Connection, PgConnection, SqliteConnection, pool::PoolConnectionMetadata};

/// How long a pooled SQLite connection lives at most (`max_lifetime`): a connection opened
/// read-only is gone from the pool this long after it opened, whatever happens to it.
pub(super) const SQLITE_MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// When the pool last opened a read-only connection. Until [`SQLITE_MAX_LIFETIME`] has passed
/// since then, such a connection may still be in the pool, and every connection is checked
/// before it is handed out; after that no check is needed.
#[derive(Clone)]
pub(super) struct ReadOnlyWatch {
    start: Instant,
    /// Milliseconds after `start` of the last read-only open; negative: never.
    last_read_only_ms: Arc<AtomicI64>,
}

impl ReadOnlyWatch {
    pub(super) fn new() -> ReadOnlyWatch {
        ReadOnlyWatch {
            start: Instant::now(),
            last_read_only_ms: Arc::new(AtomicI64::new(-1)),
        }
    }

    fn now_ms(&self) -> i64 {
        i64::try_from(self.start.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    fn saw_read_only(&self) {
        self.last_read_only_ms
            .store(self.now_ms(), Ordering::Release);
    }

    /// Whether a connection opened read-only may still be in the pool.
    fn suspect(&self) -> bool {
        let last = self.last_read_only_ms.load(Ordering::Acquire);
        last >= 0 && self.now_ms() - last <= SQLITE_MAX_LIFETIME.as_millis() as i64
    }

    /// `after_connect` of the SQLite pool: notes a connection that opened read-only (one
    /// hand-off per new connection). It is still used for reads; the check before acquire
    /// replaces it once the file is writable.
    pub(super) fn after_connect<'c>(
        &self,
        conn: &'c mut SqliteConnection,
        _: PoolConnectionMetadata,
    ) -> BoxFuture<'c, sqlx::Result<()>> {
        let watch = self.clone();
        Box::pin(async move {
            if read_only(conn).await? {
                watch.saw_read_only();
            }
            Ok(())
        })
    }

    /// `before_acquire` of the SQLite pool: no hand-off unless a read-only connection may be
    /// pooled; then a connection that is read-only or inside a transaction is replaced.
    pub(super) fn before_acquire<'c>(
        &self,
        conn: &'c mut SqliteConnection,
        _: PoolConnectionMetadata,
    ) -> BoxFuture<'c, sqlx::Result<bool>> {
        if !self.suspect() {
            return Box::pin(std::future::ready(Ok(true)));
        }
        Box::pin(sqlite_clean(conn))
    }
}

/// `after_release` of the SQLite pool: a connection sqlx counts outside any transaction is kept
/// with no hand-off; one inside is kept only when, after its queued ROLLBACK ran, neither sqlx
/// nor SQLite sees a transaction.
pub(super) fn sqlite_after_release(
    conn: &mut SqliteConnection,
    _: PoolConnectionMetadata,
) -> BoxFuture<'_, sqlx::Result<bool>> {
    if !conn.is_in_transaction() {
        return Box::pin(std::future::ready(Ok(true)));
    }
    Box::pin(async move {
        // A dropped transaction queued its ROLLBACK; the ping is answered after it ran.
        conn.ping().await?;
        sqlite_clean(conn).await
    })
}

/// SQLite: whether the connection is outside any transaction as SQLite itself sees it (it may
/// have rolled one back by itself, while sqlx still counts it open).
pub(super) async fn sqlite_autocommit(conn: &mut SqliteConnection) -> sqlx::Result<bool> {
    let mut handle = conn.lock_handle().await?;
    let raw = handle.as_raw_handle().as_ptr();
    // SAFETY: `raw` is the open connection's handle, valid while `handle` holds its lock; the
    // call only reads the connection's state.
    Ok(unsafe { libsqlite3_sys::sqlite3_get_autocommit(raw) } != 0)
}

async fn read_only(conn: &mut SqliteConnection) -> sqlx::Result<bool> {
    let mut handle = conn.lock_handle().await?;
    let raw = handle.as_raw_handle().as_ptr();
    // SAFETY: as in `sqlite_autocommit`; the call only reads the connection's state.
    Ok(unsafe { libsqlite3_sys::sqlite3_db_readonly(raw, c"main".as_ptr()) } != 0)
}

/// Outside any transaction (as sqlx and SQLite see it) and writable.
async fn sqlite_clean(conn: &mut SqliteConnection) -> sqlx::Result<bool> {
    if conn.is_in_transaction() {
        return Ok(false);
    }
    let mut handle = conn.lock_handle().await?;
    let raw = handle.as_raw_handle().as_ptr();
    // SAFETY: `raw` is the open connection's handle, valid while `handle` holds its lock; both
    // calls only read the connection's state.
    let (autocommit, read_only) = unsafe {
        (
            libsqlite3_sys::sqlite3_get_autocommit(raw),
            libsqlite3_sys::sqlite3_db_readonly(raw, c"main".as_ptr()),
        )
    };
    Ok(autocommit != 0 && read_only == 0)
}

/// `after_release` of the PostgreSQL pool: a connection still inside a transaction is closed.
pub(super) fn postgres_after_release(
    conn: &mut PgConnection,
    _: PoolConnectionMetadata,
) -> BoxFuture<'_, sqlx::Result<bool>> {
    Box::pin(async move {
        conn.ping().await?;
        Ok(!conn.is_in_transaction())
    })
}
