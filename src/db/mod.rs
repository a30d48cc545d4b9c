//! The database seam: one [`Db`] that is SQLite (the embedded default) or PostgreSQL (scale-out).
//!
//! Query functions are written once in the SQL both dialects share (lower-case, `$n` placeholders,
//! which SQLite accepts too) and run on either pool through [`on_db!`] / [`on_tx!`], which expand
//! the same body once per backend. Schema differences live in `migrations/sqlite` and
//! `migrations/postgres`. The pools stay concrete types because apalis and the session store need
//! `SqlitePool` / `PgPool`, not `sqlx::Any`.

pub mod audit;
pub mod companies;
pub mod custom_fields;
pub mod fault;
pub mod field_mappings;
pub mod field_values;
pub mod groups;
mod hygiene;
pub mod integrations;
pub mod jobs;
pub mod list_filters;
pub mod login_attempts;
pub mod login_tokens;
mod logins;
pub mod outbox;
pub mod pacing;
pub mod panel_state;
pub mod people;
mod people_list;
pub mod person_history;
pub mod private;
pub mod readiness;
pub mod run_people;
pub mod search_keys;
pub mod sync_alerts;
pub mod sync_rules;
pub mod sync_runs;
pub mod synced_people;

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    PgPool, Postgres, Sqlite, SqlitePool,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::config::DatabaseUrl;

/// The migration table of our own schema; apalis keeps `_sqlx_migrations` (STACK.md gotcha 3).
const MIGRATIONS_TABLE: &str = "_app_migrations";

/// A connection pool on one of the two backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction on one of the two backends; dropped without [`Tx::commit`] it rolls back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// Runs `$body` with `$p` bound to the concrete pool (`&SqlitePool` or `&PgPool`).
#[macro_export]
macro_rules! on_db {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($p) => $body,
            $crate::db::Db::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's concrete connection.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

impl Db {
    /// Opens the pool. SQLite gets its pragmas in the connection options, so every pooled
    /// connection has them: WAL, `synchronous=FULL` (a committed sync survives a power cut),
    /// foreign keys on, and a busy timeout.
    pub async fn connect(url: &DatabaseUrl) -> anyhow::Result<Db> {
        if url.is_postgres() {
            let pool = PgPoolOptions::new()
                .max_connections(10)
                .after_release(hygiene::postgres_after_release)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url.expose())
                .await
                .with_context(|| format!("could not connect to PostgreSQL at {url}"))?;
            Ok(Db::Postgres(pool))
        } else {
            let path = url
                .expose()
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let file = std::path::Path::new(path.split('?').next().unwrap_or(path));
            if let Some(dir) = file.parent()
                && !dir.as_os_str().is_empty()
            {
                private::folder(dir)?;
            }
            if !path.contains(":memory:") && !path.contains("mode=memory") {
                private::database_files(file)?;
            }
            let opts = SqliteConnectOptions::from_str(url.expose())
                .with_context(|| format!("invalid SQLite URL {url}"))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            // The checks and why they cost no hand-off on the common path: `hygiene`.
            let connect_watch = hygiene::ReadOnlyWatch::new();
            let acquire_watch = connect_watch.clone();
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .max_lifetime(hygiene::SQLITE_MAX_LIFETIME)
                .test_before_acquire(false)
                .after_connect(move |c, m| connect_watch.after_connect(c, m))
                .before_acquire(move |c, m| acquire_watch.before_acquire(c, m))
                .after_release(hygiene::sqlite_after_release)
                .connect_with(opts)
                .await
                .with_context(|| format!("could not open the SQLite database {url}"))?;
            Ok(Db::Sqlite(pool))
        }
    }

    /// Applies our migrations and the job queue's (apalis) ones (idempotent).
    ///
    /// On SQLite the queue's migrations run without `SqliteStorage::setup()`, which would switch
    /// a pooled connection to `PRAGMA synchronous = OFF` (STACK.md gotcha 11): every connection
    /// keeps the `FULL` set in [`Db::connect`].
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(p) => {
                let mut m = sqlx::migrate!("./migrations/sqlite");
                m.dangerous_set_table_name(MIGRATIONS_TABLE);
                m.run(p).await.context("SQLite migrations failed")?;
                apalis_sqlite::SqliteStorage::migrations()
                    .run(p)
                    .await
                    .context("job queue (apalis) migrations failed")?;
            }
            Db::Postgres(p) => {
                let mut m = sqlx::migrate!("./migrations/postgres");
                m.dangerous_set_table_name(MIGRATIONS_TABLE);
                m.run(p).await.context("PostgreSQL migrations failed")?;
                apalis_postgres::PostgresStorage::setup(p)
                    .await
                    .context("job queue (apalis) migrations failed")?;
            }
        }
        search_keys::fold_missing(self)
            .await
            .context("filling the people's search keys failed")?;
        Ok(())
    }

    pub async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(match self {
            // IMMEDIATE takes the write lock at BEGIN, where the busy timeout applies. A deferred
            // transaction that upgrades from read to write gets SQLITE_BUSY at once (no waiting)
            // when another connection committed in between; every transaction here writes.
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("begin immediate").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// For `/readyz`: one round trip.
    pub async fn ping(&self) -> sqlx::Result<()> {
        on_db!(self, p => sqlx::query("select 1").execute(p).await.map(|_| ()))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        on_db!(self, p => p.close().await)
    }
}

impl Tx {
    /// Commits, once the database confirms the transaction is still open. SQLite rolls a
    /// transaction back by itself on some errors (a full disk, an I/O error), and later statements
    /// then run outside it; PostgreSQL answers COMMIT of a failed transaction with a silent
    /// ROLLBACK. Either way this is an error, never a "successful" commit of nothing.
    pub async fn commit(mut self) -> sqlx::Result<()> {
        let open = match &mut self {
            Tx::Sqlite(t) => !hygiene::sqlite_autocommit(t).await?,
            // Fails with in_failed_sql_transaction (25P02) in a failed transaction.
            Tx::Postgres(t) => match sqlx::query("select 1").execute(&mut **t).await {
                Ok(_) => true,
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("25P02") => false,
                Err(e) => return Err(e),
            },
        };
        if !open {
            return Err(sqlx::Error::InvalidArgument(
                "the database ended the transaction before COMMIT (an earlier statement failed); nothing of it was committed".into(),
            ));
        }
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

/// The current time in UTC, truncated to whole seconds. SQLite stores timestamps as RFC 3339
/// text, whose fraction has a variable width ("…:11Z" sorts after "…:11.5Z"); whole seconds keep
/// text comparison in SQL (`at > $1`) equal to time order on both backends. Durations that need
/// more precision are stored as milliseconds.
pub fn now() -> time::OffsetDateTime {
    let t = time::OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

/// True when `err` is a unique-constraint violation (a duplicate email, say), which callers turn
/// into a form error instead of a 500.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}
