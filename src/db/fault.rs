//! Database failures an operator or a manager must be told about in words: a full disk, a
//! read-only database, a database that does not answer. One reading of the error codes of both
//! backends, used by `/readyz` and by a sync that fails on its database.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    DiskFull,
    ReadOnly,
    Unreachable,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fault::DiskFull => "the database disk is full",
            Fault::ReadOnly => "the database is read-only",
            Fault::Unreachable => "the database does not answer",
        })
    }
}

/// What `err` says about the database itself, when it says something (a constraint violation
/// or a bad query is not a fault of the database).
pub fn fault(err: &sqlx::Error) -> Option<Fault> {
    match err {
        sqlx::Error::Database(e) => {
            let code = e.code()?;
            if let Ok(n) = code.parse::<i32>() {
                // SQLite: the primary result code is the low byte of the extended one.
                return match n & 0xff {
                    13 => Some(Fault::DiskFull),         // SQLITE_FULL
                    8 => Some(Fault::ReadOnly),          // SQLITE_READONLY
                    14 | 10 => Some(Fault::Unreachable), // SQLITE_CANTOPEN, SQLITE_IOERR
                    _ => None,
                };
            }
            match code.as_ref() {
                "53100" => Some(Fault::DiskFull), // disk_full
                "25006" => Some(Fault::ReadOnly), // read_only_sql_transaction
                c if c.starts_with("08") || c.starts_with("57P") => Some(Fault::Unreachable),
                _ => None,
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => Some(Fault::Unreachable),
        _ => None,
    }
}

/// SQLite: whether the disk that holds the database file has (almost) no room left. A write
/// that ran out of room does not always say SQLITE_FULL: SQLite may roll the transaction back
/// by itself, and the next statement fails on something else (a foreign key).
pub fn disk_full(db: &crate::db::Db) -> bool {
    const ROOM: u64 = 256 * 1024;
    let crate::db::Db::Sqlite(pool) = db else {
        return false;
    };
    let file = pool.connect_options().get_filename().to_path_buf();
    let dir = file.parent().map(|d| d.to_path_buf()).unwrap_or(file);
    rustix::fs::statvfs(&dir).is_ok_and(|s| s.f_bavail.saturating_mul(s.f_frsize) < ROOM)
}

/// The fault behind `err` on `db`: the first database error in the chain, or a full disk.
pub fn fault_on(db: &crate::db::Db, err: &anyhow::Error) -> Option<Fault> {
    fault_in(err).or_else(|| disk_full(db).then_some(Fault::DiskFull))
}

/// [`fault`] of the first database error in an `anyhow` chain.
pub fn fault_in(err: &anyhow::Error) -> Option<Fault> {
    err.chain()
        .find_map(|e| e.downcast_ref::<sqlx::Error>())
        .and_then(fault)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_and_pool_errors_mean_unreachable() {
        assert_eq!(fault(&sqlx::Error::PoolTimedOut), Some(Fault::Unreachable));
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(fault(&io), Some(Fault::Unreachable));
        assert_eq!(fault(&sqlx::Error::RowNotFound), None);
        let chained = anyhow::Error::from(sqlx::Error::PoolTimedOut).context("saving");
        assert_eq!(fault_in(&chained), Some(Fault::Unreachable));
    }
}
