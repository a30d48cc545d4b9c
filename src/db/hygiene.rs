//! Pooled connections are checked once, on their way back to the pool, so that a connection left
//! in a bad state is closed instead of handed to the next caller:
//! - one still inside a transaction. On SQLite, a COMMIT that fails on a full disk makes SQLite
//!   roll back by itself while sqlx still counts the transaction as open; reused, every later
//!   `begin` on it failed with "attempted to call begin_with at non-zero transaction depth", long
//!   after space was freed;
//! - a SQLite connection opened read-only: SQLite silently opens a write-protected file
//!   read-only, and such a connection stays read-only after the file is writable again.
//!
//! Once is enough: nothing changes a connection while it sits idle in the pool (a connection
//! opened read-only is read-only from the start and comes back through here after its first use).
//! Every extra check costs a round trip per statement: a SQLite connection lives on its own thread
//! and each ping or handle lock is a hand-off to it, so the pool does not ping a SQLite connection
//! before handing it out (`test_before_acquire(false)` in `Db::connect`) and nothing pings on
//! release. PostgreSQL keeps sqlx's ping before reuse, which drops connections that died while
//! the server was away.

use futures::future::BoxFuture;
use sqlx::{Connection, PgConnection, SqliteConnection, pool::PoolConnectionMetadata};

/// `after_release` of the SQLite pool: keep the connection only when it is clean.
pub(super) fn sqlite_after_release(
    conn: &mut SqliteConnection,
    _: PoolConnectionMetadata,
) -> BoxFuture<'_, sqlx::Result<bool>> {
    // A dropped transaction queued its ROLLBACK on the connection's thread; the handle lock of
    // `sqlite_clean` is queued behind it, so the state it reads is the state after it ran.
    Box::pin(sqlite_clean(conn))
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
/// (A dropped transaction's ROLLBACK is queued and sent before the connection's next query.)
pub(super) fn postgres_after_release(
    conn: &mut PgConnection,
    _: PoolConnectionMetadata,
) -> BoxFuture<'_, sqlx::Result<bool>> {
    Box::pin(async move { Ok(!conn.is_in_transaction()) })
}
