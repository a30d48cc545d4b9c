//! The background worker and the morning schedule on both backends: jobs through the apalis
//! queue, retries, the attempt cap, crashed workers (real `roster worker` processes killed with
//! SIGKILL) and schedulers racing.

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

/// Puts a queued job in the state a worker killed mid-run leaves: the apalis task is `Running`,
/// locked by a worker whose heartbeat stopped ten minutes ago, and its sync run is `running`
/// with a heartbeat as old.
async fn forge_orphan(env: &Env, job: &SyncJob, attempts: i64) -> i64 {
    Jobs::for_db(env.db.clone()).push(job, None).await.unwrap();
    roster::db::jobs::set_attempts(&env.db, &job.job_id, job.company_id, attempts)
        .await
        .unwrap();
    let run = sync_runs::start(
        &env.db,
        job.company_id,
        roster::hris::Provider::Personio,
        Trigger::Manual,
        None,
        None,
    )
    .await
    .unwrap()
    .unwrap();
    let old = roster::db::now() - time::Duration::minutes(10);
    match &env.db {
        Db::Sqlite(p) => {
            sqlx::query("update sync_runs set heartbeat_at = $1, started_at = $1, stage = 'applying' where id = $2")
                .bind(old).bind(run).execute(p).await.unwrap();
            sqlx::query("insert into Workers (id, worker_type, storage_name, layers, last_seen, started_at) \
                         values ('dead-worker', 'sync', 'SqliteStorage', '', strftime('%s','now') - 600, strftime('%s','now') - 900)")
                .execute(p).await.unwrap();
            sqlx::query("update Jobs set status = 'Running', lock_by = 'dead-worker', lock_at = strftime('%s','now') - 600 where job_type = 'sync'")
                .execute(p).await.unwrap();
        }
        Db::Postgres(p) => {
            sqlx::query("update sync_runs set heartbeat_at = $1, started_at = $1, stage = 'applying' where id = $2")
                .bind(old).bind(run).execute(p).await.unwrap();
            sqlx::query("insert into apalis.workers (id, worker_type, storage_name, layers, last_seen) \
                         values ('dead-worker', 'sync', 'PgStorage', '', now() - interval '10 minutes')")
                .execute(p).await.unwrap();
            sqlx::query("update apalis.jobs set status = 'Running', lock_by = 'dead-worker', lock_at = now() - interval '10 minutes' where job_type = 'sync'")
                .execute(p).await.unwrap();
        }
    }
    run
}

both! {
    async fn three_schedulers_race_and_queue_one_sync_per_company_and_local_day(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(3).seed(1).start().await;
        let ctx = env.ctx(&fake, 100);
        let tokyo = {
            let mut tx = env.db.begin().await.unwrap();
            let id = roster::db::companies::create(&mut tx, "globex", "Globex", "Asia/Tokyo").await.unwrap();
            tx.commit().await.unwrap();
            id
        };
        let not_connected = create_company(&env.db, "initech", "Initech").await;
        env.connect(&ctx, env.company_id, &fake).await;
        env.connect(&ctx, tokyo, &fake).await;

        // 08:00 UTC: 09:00 in Berlin, 17:00 in Tokyo; both past their 05:00.
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
        let pools = [env.another_pool().await, env.another_pool().await, env.another_pool().await];
        let ticks = pools.iter().flat_map(|db| (0..3).map(move |_| worker::schedule_tick(db, now)));
        let queued: usize = futures::future::join_all(ticks).await.into_iter().map(|r| r.unwrap()).sum();
        assert_eq!(queued, 2, "one enqueue per connected company");

        let jobs = jobs::queued(&env.db).await.unwrap();
        let mut companies: Vec<i64> = jobs.iter().map(|q| q.job.company_id).collect();
        companies.sort();
        assert_eq!(companies, vec![env.company_id, tokyo], "{jobs:?}");
        assert!(jobs.iter().all(|q| q.job.trigger == Trigger::Schedule));
        // Connecting claimed the (real) day of connection; the ticks claimed 2026-11-23.
        let connect_day = |tz| roster::sync::morning::day_key(roster::sync::morning::local_date(Utc::now(), tz));
        let (berlin_today, tokyo_today) = (connect_day(chrono_tz::Europe::Berlin), connect_day(chrono_tz::Asia::Tokyo));
        assert_eq!(roster::db::jobs::mornings(&env.db, env.company_id).await.unwrap(), vec!["2026-11-23".to_string(), berlin_today]);
        assert_eq!(roster::db::jobs::mornings(&env.db, tokyo).await.unwrap(), vec!["2026-11-23".to_string(), tokyo_today.clone()]);
        assert!(roster::db::jobs::mornings(&env.db, not_connected).await.unwrap().is_empty(), "not connected: not scheduled");

        // Next day, 03:00 UTC: 04:00 in Berlin (not yet), 12:00 in Tokyo (due).
        let next = Utc.with_ymd_and_hms(2026, 11, 24, 3, 0, 0).unwrap();
        let ticks = pools.iter().map(|db| worker::schedule_tick(db, next));
        let queued: usize = futures::future::join_all(ticks).await.into_iter().map(|r| r.unwrap()).sum();
        assert_eq!(queued, 1);
        assert_eq!(roster::db::jobs::mornings(&env.db, tokyo).await.unwrap(), vec!["2026-11-23".to_string(), "2026-11-24".into(), tokyo_today]);
        assert_eq!(jobs::queued(&env.db).await.unwrap().len(), 3);

        // A disconnected company is not scheduled any more.
        roster::integrations::disconnect(&env.db, tokyo, None).await.unwrap();
        let later = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
        assert_eq!(worker::schedule_tick(&pools[0], later).await.unwrap(), 1, "only Acme");
        for db in &pools {
            db.close().await;
        }
    }

    async fn a_missed_morning_is_caught_up_the_same_day(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(12).seed(2).start().await;
        let ctx = env.ctx(&fake, 5);
        env.connect(&ctx, env.company_id, &fake).await;
        // Nobody ran at 05:00 in Berlin; the first process comes back at 15:00 local.
        let afternoon = Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap();
        assert_eq!(worker::schedule_tick(&env.db, afternoon).await.unwrap(), 1);
        let _w = start_worker(&ctx);
        let runs = env.wait_runs(30, "the catch-up sync", finished_ok).await;
        assert_eq!(runs.len(), 1, "{:?}", summary(&runs));
        assert_eq!(runs[0].trigger, Trigger::Schedule);
        assert!(env.synced_people().await > 0);
        // Later ticks that day queue nothing more.
        let evening = Utc.with_ymd_and_hms(2026, 11, 23, 21, 0, 0).unwrap();
        assert_eq!(worker::schedule_tick(&env.db, evening).await.unwrap(), 0);

        // Housekeeping forgets old bookkeeping (here: everything, the cutoff being the day after
        // tomorrow in UTC, so after the connect day's local date in every zone), never the run
        // history. With tomorrow as the cutoff this failed from 23:00 to 24:00 UTC, when Berlin's
        // date (the connect day's morning) is already UTC's tomorrow.
        let deadline = Instant::now() + Duration::from_secs(10);
        while jobs::queued(&env.db).await.unwrap().iter().any(|q| q.status != "Done") {
            assert!(Instant::now() < deadline, "the job was never acknowledged");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(roster::db::jobs::prune(&env.db, time::Duration::days(-2)).await.unwrap() >= 3);
        assert!(jobs::queued(&env.db).await.unwrap().is_empty());
        assert!(roster::db::jobs::mornings(&env.db, env.company_id).await.unwrap().is_empty());
        assert_eq!(env.runs(env.company_id).await.len(), 1);
    }

    async fn a_transient_failure_is_retried_with_backoff_then_succeeds(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(8).seed(3).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        // The provider answers 503 through two whole runs (each run's transport retries too).
        let per_run = roster::hris::TransportConfig::fast_for_tests().max_attempts;
        fake.add_fault(Fault::new(Target::AnyPage, FaultKind::Status(503)).times(2 * per_run));
        let _w = start_worker(&ctx);
        let started = Instant::now();
        Jobs::for_db(env.db.clone()).enqueue(manual(env.company_id)).await.unwrap();
        let runs = env.wait_runs(40, "a successful retry", finished_ok).await;
        assert_eq!(runs.len(), 3, "{:?}", summary(&runs));
        for (i, r) in runs[..2].iter().enumerate() {
            let msg = r.message.as_deref().unwrap_or_default();
            assert_eq!(r.state, State::Failed);
            assert!(msg.contains("503"), "{msg}");
            assert!(msg.contains(&format!("Trying again in {} s (attempt {} of {MAX_ATTEMPTS})", 1 << i, i + 1)), "{msg}");
        }
        assert_eq!(runs[2].state, State::Succeeded);
        assert!(started.elapsed() >= Duration::from_secs(3), "backoff 1 s then 2 s");
        let job = &jobs::queued(&env.db).await.unwrap()[0].job;
        assert_eq!(roster::db::jobs::attempts(&env.db, &job.job_id).await.unwrap(), 3);
    }

    async fn rejected_credentials_are_not_retried(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(4).seed(4).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        fake.add_fault(Fault::new(Target::Auth, FaultKind::Status(401)));
        let _w = start_worker(&ctx);
        Jobs::for_db(env.db.clone()).enqueue(manual(env.company_id)).await.unwrap();
        let runs = env.wait_runs(20, "the failed run", |r| r.iter().any(|r| !r.state.is_live())).await;
        assert_eq!(runs[0].state, State::Failed);
        let msg = runs[0].message.clone().unwrap_or_default();
        assert!(msg.contains("rejected"), "{msg}");
        assert!(!msg.contains("Trying again"), "{msg}");
        // Well past the first backoff (1 s): still one run.
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(env.runs(env.company_id).await.len(), 1);
    }

    async fn an_orphaned_job_runs_exactly_once_more(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(10).seed(5).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        let job = SyncJob::new(&manual(env.company_id));
        let dead_run = forge_orphan(&env, &job, 1).await;
        let _w = start_worker(&ctx);
        let runs = env.wait_runs(30, "the re-run", finished_ok).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let runs_after = env.runs(env.company_id).await;
        assert_eq!(runs_after.len(), 2, "exactly one more run: {:?}", summary(&runs_after));
        assert_eq!(runs[0].id, dead_run);
        assert_eq!(runs[0].state, State::Failed);
        assert!(runs[0].message.as_deref().unwrap().contains("stopped before it finished"));
        assert_eq!(runs[1].state, State::Succeeded);
        assert_eq!(roster::db::jobs::attempts(&env.db, &job.job_id).await.unwrap(), 2);
    }

    async fn a_job_that_keeps_dying_stops_at_the_attempt_cap(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(10).seed(6).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        let job = SyncJob::new(&manual(env.company_id));
        forge_orphan(&env, &job, MAX_ATTEMPTS).await;
        fake.clear_requests();
        let _w = start_worker(&ctx);
        let runs = env.wait_runs(30, "the refusal", |r| r.len() == 2 && r.iter().all(|r| !r.state.is_live())).await;
        assert!(runs[0].message.as_deref().unwrap().contains("stopped before it finished"));
        assert_eq!(runs[1].state, State::Failed);
        let msg = runs[1].message.clone().unwrap();
        assert!(msg.contains(&format!("already started {MAX_ATTEMPTS} times")), "{msg}");
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(env.runs(env.company_id).await.len(), 2, "not retried");
        assert!(fake.requests_to(PEOPLE_PATH).is_empty(), "nothing fetched");
        assert_eq!(env.synced_people().await, 0);
    }

    async fn a_worker_killed_mid_apply_leaves_nothing_partial_and_another_finishes(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(2500).seed(7).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        let everyone = fake.people().iter().filter(|p| p.email.is_some()).count();
        Jobs::for_db(env.db.clone()).enqueue(manual(env.company_id)).await.unwrap();
        // The first worker holds still inside the apply transaction, just before COMMIT, so the
        // kill below lands mid-apply however fast the apply is.
        let mut first = env.spawn_worker_with(&fake, "worker-1.log", &[("ROSTER_PAUSE_AT", "sync-before-commit:60000")]);
        // Every page fetched, the run still open: the worker is planning or applying.
        let pages = everyone.div_ceil(100);
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let run = sync_runs::running(&env.db, env.company_id).await.unwrap();
            let fetched = fake.requests_to(PEOPLE_PATH).len() >= pages;
            if fetched && run.as_ref().is_some_and(|r| r.stage != Stage::Fetching) {
                break;
            }
            assert!(Instant::now() < deadline, "the first worker never got to apply: {run:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        first.kill9();
        let runs = env.runs(env.company_id).await;
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].state, State::Running, "killed before the run committed: {:?}", summary(&runs));
        assert_eq!(env.synced_people().await, 0, "nothing partial");

        let _second = env.spawn_worker(&fake, "worker-2.log");
        let deadline = Instant::now() + Duration::from_secs(45);
        loop {
            let n = env.synced_people().await;
            assert!(n == 0 || n == everyone, "people count is before or after, never between: {n}");
            let runs = env.runs(env.company_id).await;
            if finished_ok(&runs) {
                break;
            }
            assert!(Instant::now() < deadline, "no recovery: {:?}", summary(&runs));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(env.synced_people().await, everyone);
        let runs = env.runs(env.company_id).await;
        assert_eq!(runs.len(), 2, "{:?}", summary(&runs));
        assert_eq!(runs[0].state, State::Failed);
        assert!(runs[0].message.as_deref().unwrap().contains("stopped before it finished"));
        assert_eq!(runs[1].state, State::Succeeded);
        assert_eq!(runs[1].created as usize, everyone);
    }

    async fn two_workers_never_sync_one_company_at_once(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(30).seed(8).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        fake.add_fault(Fault::new(Target::AnyPage, FaultKind::Slow(Duration::from_millis(2500))));
        let _a = env.spawn_worker(&fake, "worker-a.log");
        let _b = env.spawn_worker(&fake, "worker-b.log");
        let jobs = Jobs::for_db(env.db.clone());
        for _ in 0..3 {
            jobs.enqueue(manual(env.company_id)).await.unwrap();
        }
        env.wait_runs(50, "three syncs", |r| {
                r.iter().filter(|r| r.state == State::Succeeded).count() == 3
            })
            .await;
        // Each sync outlasts the orphan timeout (2 heartbeats): a busy worker still beats, so
        // nobody re-queues its job and runs it a second time.
        tokio::time::sleep(Duration::from_secs(4)).await;
        let runs = env.runs(env.company_id).await;
        assert_eq!(runs.len(), 3, "{:?}", summary(&runs));
        for pair in runs.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(a.finished_at.unwrap() <= b.started_at, "run {} overlaps run {}", a.id, b.id);
        }
    }
}

both! {
    async fn sigterm_lets_the_running_sync_finish_and_takes_no_new_job(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(250).seed(9).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        fake.add_fault(Fault::new(Target::AnyPage, FaultKind::Slow(Duration::from_millis(1200))));
        let jobs = Jobs::for_db(env.db.clone());
        jobs.enqueue(manual(env.company_id)).await.unwrap();
        let mut w = env.spawn_worker(&fake, "worker-term.log");
        env.wait_runs(30, "the run to start", |r| !r.is_empty()).await;
        let term = Command::new("kill").arg("-TERM").arg(w.0.id().to_string()).status().unwrap();
        assert!(term.success());
        tokio::time::sleep(Duration::from_millis(500)).await;
        // Queued after SIGTERM: nobody takes it.
        let other = create_company(&env.db, "globex", "Globex").await;
        env.connect(&ctx, other, &fake).await;
        jobs.enqueue(manual(other)).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(25);
        let status = loop {
            if let Some(s) = w.0.try_wait().unwrap() {
                break s;
            }
            assert!(Instant::now() < deadline, "the worker did not exit after SIGTERM");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(status.success(), "{status:?}");
        let runs = env.runs(env.company_id).await;
        assert_eq!(runs.len(), 1, "{:?}", summary(&runs));
        assert_eq!(runs[0].state, State::Succeeded, "the running sync finished");
        assert!(env.runs(other).await.is_empty(), "no new job after SIGTERM");
        let pending = jobs::queued(&env.db).await.unwrap();
        assert!(pending.iter().any(|q| q.job.company_id == other && q.status == "Pending"), "{pending:?}");
        // Nothing waited on a write lock held through the drain (a fetch of the queue left half
        // done when the poller was stopped mid-run held SQLite's, 1 run in 5).
        let log = std::fs::read_to_string(env.dir.path().join("worker-term.log")).unwrap();
        assert!(!log.contains("database is locked"), "{log}");
    }
}
