//! Databases, companies and connections for the benchmarks: a fresh SQLite file or PostgreSQL
//! database per scenario, a company connected to a fake HRIS, and small counters.

use std::sync::Arc;

use roster::{
    config::Config,
    crypto::SecretBox,
    db::{Db, companies},
    hris::{kiwihr::KiwiEndpoint, providers::Credentials, providers::Providers, secret::Secret},
    on_db,
    sync::run::SyncContext,
};
use sqlx::Connection;

pub const SECRET_KEY: [u8; 32] = [7; 32];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn label(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A migrated database that is dropped (PostgreSQL) or deleted (SQLite) with this value.
pub struct BenchDb {
    pub db: Db,
    pub url: String,
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

impl BenchDb {
    pub async fn new(backend: Backend) -> anyhow::Result<BenchDb> {
        let dir = tempfile::tempdir()?;
        let (url, pg_name) = match backend {
            Backend::Sqlite => (format!("sqlite://{}/roster.db", dir.path().display()), None),
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("roster_bench_{:08x}", rand::random::<u32>());
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!("create database \"{name}\"")))
                    .execute(&mut conn)
                    .await?;
                let mut u = url::Url::parse(&admin)?;
                u.set_path(&name);
                (u.to_string(), Some(name))
            }
        };
        let config = Config::for_data_dir(dir.path().to_path_buf(), Some(url.clone()));
        let db = Db::connect(&config.database()).await?;
        db.migrate().await?;
        Ok(BenchDb {
            db,
            url,
            dir,
            pg_name,
        })
    }

    pub async fn drop_now(self) {
        self.db.close().await;
        if let Some(name) = self.pg_name
            && let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "drop database if exists \"{name}\" with (force)"
            )))
            .execute(&mut conn)
            .await;
        }
    }
}

pub fn context(db: &Db, providers: Providers) -> SyncContext {
    SyncContext {
        db: db.clone(),
        providers,
        secrets: Arc::new(SecretBox::from_bytes(SECRET_KEY)),
    }
}

pub fn personio_creds(fake: &roster::fake::personio::FakePersonio) -> Credentials {
    Credentials::Personio {
        client_id: fake.client_id().into(),
        client_secret: Secret::new(fake.client_secret()),
    }
}

/// The customer URL a company manager types; the operator override sends it to the fake.
pub fn kiwi_creds(fake: &roster::fake::kiwihr::FakeKiwi) -> Credentials {
    Credentials::Kiwihr {
        api_key: Secret::new(fake.api_key()),
        endpoint: KiwiEndpoint::parse("https://bench.kiwihr.com/api/graphql")
            .expect("a kiwiHR customer URL"),
    }
}

/// Creates a company and connects it; returns its id.
pub async fn connected_company(
    ctx: &SyncContext,
    slug: &str,
    creds: &Credentials,
) -> anyhow::Result<i64> {
    let mut tx = ctx.db.begin().await?;
    let id = companies::create(&mut tx, slug, slug, "Europe/Berlin").await?;
    tx.commit().await?;
    roster::integrations::connect(ctx, id, creds, None)
        .await
        .map_err(|e| anyhow::anyhow!("connect {slug}: {e}"))?;
    Ok(id)
}

/// The newest `updated_at` of the company's people, as stored (text on SQLite).
pub async fn max_updated(db: &Db, company_id: i64) -> anyhow::Result<Option<String>> {
    let v: Option<String> = on_db!(db, p => sqlx::query_scalar(
        "select max(cast(updated_at as text)) from people where company_id = $1")
        .bind(company_id).fetch_one(p).await)?;
    Ok(v)
}

/// Person rows written since `since` (every write of a person sets `updated_at`, in whole
/// seconds: callers wait for the next second before the run they count).
pub async fn rows_written_since(
    db: &Db,
    company_id: i64,
    since: &Option<String>,
) -> anyhow::Result<i64> {
    let Some(since) = since else {
        return Ok(on_db!(db, p => sqlx::query_scalar(
            "select count(*) from people where company_id = $1")
            .bind(company_id).fetch_one(p).await)?);
    };
    let n: i64 = on_db!(db, p => sqlx::query_scalar(
        "select count(*) from people where company_id = $1 and cast(updated_at as text) > $2")
        .bind(company_id).bind(since).fetch_one(p).await)?;
    Ok(n)
}

/// Sleeps into the next whole second, so a row written afterwards has a later `updated_at`.
pub async fn next_second() {
    let now = time::OffsetDateTime::now_utc();
    let left = 1_000_000_000 - i64::from(now.nanosecond()) + 20_000_000;
    tokio::time::sleep(std::time::Duration::from_nanos(left as u64)).await;
}
