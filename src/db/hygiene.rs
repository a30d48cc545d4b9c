//! Pooled connections are checked on their way back to the pool, and SQLite ones again on their
//! way out, so that a connection left in a bad state is closed instead of handed to the next
//! caller:
//! - one still inside a transaction. On SQLite, a COMMIT that fails on a full disk makes SQLite
//!   roll back by itself while sqlx still counts the transaction as open; reused, every later
//!   `begin` on it failed with "attempted to call begin_with at non-zero transaction depth", long
//!   after space was freed;
//! - a SQLite connection opened read-only: SQLite silently opens a write-protected file
//!   read-only, and such a connection stays read-only after the file is writable again.

use futures::future::BoxFuture;
use sqlx::{Connection, PgConnection, SqliteConnection, pool::PoolConnectionMetadata};

/// `after_release` of the SQLite pool: keep the connection only when it is clean.
pub(super) fn sqlite_after_release(
    conn: &mut SqliteConnection,
    _: PoolConnectionMetadata,
) -> BoxFuture<'_, sqlx::Result<bool>> {
    Box::pin(async move {
        // A dropped transaction queued its ROLLBACK; the ping is answered after it ran.
        conn.ping().await?;
        sqlite_clean(conn).await
    })
}

/// `before_acquire` of the SQLite pool: an idle connection opened while the file was
/// write-protected is replaced by a fresh one.
pub(super) fn sqlite_before_acquire(
    conn: &mut SqliteConnection,
    _: PoolConnectionMetadata,
) -> BoxFuture<'_, sqlx::Result<bool>> {
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
pub(super) fn postgres_after_release(
    conn: &mut PgConnection,
    _: PoolConnectionMetadata,
) -> BoxFuture<'_, sqlx::Result<bool>> {
    Box::pin(async move {
        conn.ping().await?;
        Ok(!conn.is_in_transaction())
    })
}
