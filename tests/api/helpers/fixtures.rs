//! Data and settings tests set up besides the app: another company and its logins, a sync
//! context on local fakes, an aged heartbeat, and the worker's test timings.

use std::sync::Arc;

use roster::{
    db::{Db, companies},
    directory::Role,
};

use super::{PASSWORD, TestApp};

pub async fn create_company(db: &Db, slug: &str, name: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = companies::create(&mut tx, slug, name, "Europe/Berlin")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn add_login(db: &Db, slug: &str, email: &str, role: Role, first: &str, last: &str) {
    roster::cli::create_login(
        db,
        slug,
        email,
        role,
        Some(first.into()),
        Some(last.into()),
        PASSWORD,
    )
    .await
    .unwrap();
}

/// A sync context pointed at local fakes: no pacing, short timeouts, small pages.
pub fn sync_context(
    app: &TestApp,
    personio: Option<&str>,
    kiwihr: Option<&str>,
    page_size: u32,
) -> roster::sync::run::SyncContext {
    roster::sync::run::SyncContext {
        db: app.db.clone(),
        providers: roster::hris::providers::Providers::for_tests(
            personio.map(|u| url::Url::parse(u).unwrap()),
            kiwihr.map(|u| url::Url::parse(u).unwrap()),
            Some(page_size),
        ),
        secrets: Arc::new(roster::crypto::SecretBox::from_bytes([42; 32])),
    }
}

/// Makes a run's heartbeat five minutes old, as if its process had died that long ago.
pub async fn age_heartbeat(db: &Db, run_id: i64) {
    let stale = roster::db::now() - time::Duration::minutes(5);
    roster::on_db!(db, p => sqlx::query("update sync_runs set heartbeat_at = $1 where id = $2")
        .bind(stale).bind(run_id).execute(p).await.map(|r| r.rows_affected()).unwrap());
}

/// Worker timings for tests: fast polls and retries, no morning scheduler.
pub fn worker_settings_for_tests() -> roster::worker::WorkerSettings {
    roster::worker::WorkerSettings {
        concurrency: 2,
        heartbeat: std::time::Duration::from_secs(1),
        poll: std::time::Duration::from_millis(100),
        retry_poll: std::time::Duration::from_millis(200),
        retry_base: std::time::Duration::from_secs(1),
        busy_retry: std::time::Duration::from_secs(1),
        schedule: false,
        schedule_every: std::time::Duration::from_secs(3600),
        grace: std::time::Duration::from_secs(5),
        give_up_after: std::time::Duration::from_secs(600),
        max_queue_wait: std::time::Duration::from_secs(900),
    }
}
