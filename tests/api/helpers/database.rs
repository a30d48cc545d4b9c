//! A fresh database per test: a temp SQLite file, or a new PostgreSQL database created from
//! `TEST_DATABASE_URL` and dropped when the test's app goes away (and, once per process, the
//! databases of test processes that are gone).

use roster::{config::Config, db::Db};
use sqlx::Connection;

use super::Backend;

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Drops databases whose test process is gone, once per process. A database's name carries its
/// process id, so test processes running side by side never drop each other's.
async fn clean_old_test_databases(admin: &str) {
    static DONE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    DONE.get_or_init(|| async {
        let mut conn = sqlx::PgConnection::connect(admin).await.expect(
            "PostgreSQL is needed for the postgres tests: start it or set TEST_DATABASE_URL",
        );
        let names: Vec<String> = sqlx::query_scalar(
            "select datname from pg_database where datname like 'roster_test_%'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for n in names.into_iter().filter(|n| !owner_alive(n)) {
            drop_database(&mut conn, &n).await;
        }
    })
    .await;
}

/// Whether the process named in `roster_test_<pid>_<random>` still runs.
fn owner_alive(name: &str) -> bool {
    name.strip_prefix("roster_test_")
        .and_then(|rest| rest.split('_').next())
        .and_then(|pid| pid.parse::<u32>().ok())
        .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
}

async fn drop_database(conn: &mut sqlx::PgConnection, name: &str) {
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "drop database if exists \"{name}\" with (force)"
    )))
    .execute(conn)
    .await;
}

/// Drops a test's PostgreSQL database when the test's app goes away.
pub struct DropDatabase(pub String);

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let name = std::mem::take(&mut self.0);
        // Its own thread and runtime: Drop cannot await, and the test's runtime is ending.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                    drop_database(&mut conn, &name).await;
                }
            });
        })
        .join();
    }
}

/// A fresh, migrated database on `backend`, and the data folder it lives in.
pub async fn fresh_db(backend: Backend) -> (Db, tempfile::TempDir, Option<String>) {
    let (dir, url) = fresh_database(backend).await;
    let config = Config::for_data_dir(dir.path().to_path_buf(), url.clone());
    let db = Db::connect(&config.database()).await.unwrap();
    db.migrate().await.unwrap();
    (db, dir, url)
}

/// A data folder, and on PostgreSQL the URL of a new empty database (SQLite lives in the folder).
pub async fn fresh_database(backend: Backend) -> (tempfile::TempDir, Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let url = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let admin = postgres_admin_url();
            clean_old_test_databases(&admin).await;
            let name = format!(
                "roster_test_{}_{:012x}",
                std::process::id(),
                rand::random::<u64>() >> 16
            );
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("create database \"{name}\"")))
                .execute(&mut conn)
                .await
                .unwrap();
            let mut u = url::Url::parse(&admin).unwrap();
            u.set_path(&name);
            Some(u.to_string())
        }
    };
    (dir, url)
}
