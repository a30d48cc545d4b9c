//! The background worker and the morning schedule on both backends: jobs through the apalis
//! queue, retries, the attempt cap, crashed workers (real `roster worker` processes killed with
//! SIGKILL) and schedulers racing. This module is their shared environment; the scenarios are in
//! `schedule`, `retries` and `processes`.

use std::{
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{TimeZone, Utc};
use roster::{
    app::App,
    config::Config,
    db::{Db, people, sync_runs},
    fake::personio::FakePersonio,
    fake::{Fault, FaultKind, Target},
    hris::{providers::Credentials, secret::Secret},
    jobs::{self, Jobs, MAX_ATTEMPTS, SyncJob},
    sync::{
        lifecycle::{Stage, State},
        run::{Request, SyncContext, Trigger},
    },
    worker::{self, WorkerSettings},
};

use crate::helpers::*;

/// Runs each scenario once per backend, as `<name>::sqlite` and `<name>::postgres`.
macro_rules! both {
    ($(async fn $name:ident($b:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn scenario($b: Backend) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { scenario(Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { scenario(Backend::Postgres).await }
        }
    )*};
}

mod processes;
mod retries;
mod schedule;

/// The key the test contexts seal credentials with ([42; 32]), for worker processes.
const SECRET_KEY_HEX: &str = "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a";
const PEOPLE_PATH: &str = "/v1/company/employees";

struct Env {
    db: Db,
    dir: tempfile::TempDir,
    url: Option<String>,
    company_id: i64,
}

impl Env {
    async fn new(backend: Backend) -> Env {
        let (db, dir, url) = fresh_db(backend).await;
        let company_id = create_company(&db, "acme", "Acme").await;
        Env {
            db,
            dir,
            url,
            company_id,
        }
    }

    /// Another pool on the same database, as another process would have.
    async fn another_pool(&self) -> Db {
        let config = Config::for_data_dir(self.dir.path().to_path_buf(), self.url.clone());
        Db::connect(&config.database()).await.unwrap()
    }

    fn ctx(&self, fake: &FakePersonio, page_size: u32) -> SyncContext {
        SyncContext {
            db: self.db.clone(),
            providers: roster::hris::providers::Providers::for_tests(
                Some(url::Url::parse(fake.base_url()).unwrap()),
                None,
                Some(page_size),
            ),
            secrets: Arc::new(roster::crypto::SecretBox::from_bytes([42; 32])),
        }
    }

    async fn connect(&self, ctx: &SyncContext, company_id: i64, fake: &FakePersonio) {
        let creds = Credentials::Personio {
            client_id: fake.client_id().into(),
            client_secret: Secret::new(fake.client_secret()),
        };
        roster::integrations::connect(ctx, company_id, &creds, None)
            .await
            .unwrap();
    }

    async fn runs(&self, company_id: i64) -> Vec<sync_runs::Run> {
        let mut runs = sync_runs::list(&self.db, company_id, 100, 0).await.unwrap();
        runs.reverse();
        runs
    }

    async fn synced_people(&self) -> usize {
        people::all(&self.db, self.company_id)
            .await
            .unwrap()
            .iter()
            .filter(|p| p.source == roster::directory::Source::Personio)
            .count()
    }

    /// Waits until `done` holds for the company's runs (oldest first), or panics after `secs`.
    async fn wait_runs(
        &self,
        secs: u64,
        what: &str,
        done: impl Fn(&[sync_runs::Run]) -> bool,
    ) -> Vec<sync_runs::Run> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let runs = self.runs(self.company_id).await;
            if done(&runs) {
                return runs;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; runs: {:#?}", summary(&runs));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A `roster worker` process on this database, with short timings.
    fn spawn_worker(&self, fake: &FakePersonio, log: &str) -> Proc {
        self.spawn_worker_with(fake, log, &[])
    }

    /// [`Env::spawn_worker`] with extra environment, e.g. a `ROSTER_PAUSE_AT` failpoint.
    fn spawn_worker_with(&self, fake: &FakePersonio, log: &str, extra: &[(&str, &str)]) -> Proc {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_roster"));
        cmd.envs(extra.iter().copied());
        cmd.arg("worker")
            .env_remove("DATABASE_URL")
            .env("ROSTER_DATA_DIR", self.dir.path())
            .env("ROSTER_SECRET_KEY", SECRET_KEY_HEX)
            .env("ROSTER_PERSONIO_BASE_URL", fake.base_url())
            .env("ROSTER_WORKER_HEARTBEAT_SECS", "1")
            .env("ROSTER_STALE_AFTER_SECS", "3")
            .env("ROSTER_WORKER_POLL_MS", "200")
            .env("ROSTER_WORKER_RETRY_POLL_MS", "300")
            .env("ROSTER_RETRY_BASE_SECS", "1")
            .env("ROSTER_BUSY_RETRY_SECS", "1")
            .env("ROSTER_SCHEDULER", "off")
            .env("ROSTER_SHUTDOWN_GRACE_SECS", "20")
            .env("ROSTER_LOG", "info,sqlx=warn,apalis=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(self.dir.path().join(log)).unwrap());
        if let Some(url) = &self.url {
            cmd.env("DATABASE_URL", url);
        }
        Proc(cmd.spawn().expect("the roster binary starts"))
    }
}

/// A child process, killed when dropped.
struct Proc(Child);

impl Proc {
    fn kill9(&mut self) {
        self.0.kill().unwrap(); // SIGKILL on Unix
        self.0.wait().unwrap();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn summary(runs: &[sync_runs::Run]) -> Vec<String> {
    runs.iter()
        .map(|r| {
            format!(
                "#{} {} {} {:?} {:?}",
                r.id, r.trigger, r.state, r.failure, r.message
            )
        })
        .collect()
}

fn test_settings() -> WorkerSettings {
    worker_settings_for_tests()
}

/// An in-process worker, stopped when dropped.
struct InProc {
    stop: tokio::sync::watch::Sender<bool>,
    _handle: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Drop for InProc {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn start_worker(ctx: &SyncContext) -> InProc {
    let (stop, rx) = tokio::sync::watch::channel(false);
    let config = Config::for_data_dir(std::env::temp_dir(), None);
    let handle = App::assemble(config, ctx.clone()).spawn_worker(test_settings(), rx);
    InProc {
        stop,
        _handle: handle,
    }
}

fn manual(company_id: i64) -> Request {
    Request {
        company_id,
        trigger: Trigger::Manual,
        started_by: None,
        approve: None,
    }
}

fn finished_ok(runs: &[sync_runs::Run]) -> bool {
    runs.iter().any(|r| r.state == State::Succeeded)
}
