//! The background worker: runs queued syncs (apalis), queues each company's morning sync, and
//! does housekeeping (expired sessions, old login attempts).
//!
//! - **Jobs**: one apalis worker per process on the [`QUEUE`] queue. On SQLite it polls (there is
//!   no cross-process wake-up); on PostgreSQL it wakes on LISTEN/NOTIFY and looks for delayed
//!   retries on a slow interval. Every process has its own worker name, so when one dies its
//!   claimed jobs are re-queued by the others once its apalis heartbeat is
//!   `heartbeat × 2` old.
//! - **Attempts**: counted in `sync_job_attempts` before each start (orphan re-runs included),
//!   capped at [`MAX_ATTEMPTS`]. Transient failures are re-queued with exponential backoff;
//!   permanent ones are not.
//! - **Schedule**: every tick, each connected company that [`is_due`] gets one sync per local day,
//!   the database deciding which process queues it ([`Jobs::enqueue_scheduled`]).
//! - **Shutdown**: on stop, no new job is taken; a running sync gets [`WorkerSettings::grace`] to
//!   finish (apply is one transaction, so one cut short changes nothing and is re-run later).

use std::time::Duration;

use apalis::prelude::{
    BackendExt, BoxDynError, Data, Strategy, WorkerBuilder, WorkerBuilderExt, WorkerContext,
};
use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use tokio::sync::watch;
use tower_sessions::ExpiredDeletion;

use crate::{
    db::{self, Db, companies, integrations, sync_runs},
    jobs::{Jobs, MAX_ATTEMPTS, QUEUE, SyncJob},
    session_store::DbSessionStore,
    sync::run::{self, Outcome, StartError, SyncContext},
};

/// How often housekeeping runs.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);
/// Finished queue jobs, attempt counts and claimed mornings are kept this long (the run history
/// in `sync_runs` is kept for good).
const KEEP_JOB_BOOKKEEPING_DAYS: i64 = 30;

/// The worker's timings. Defaults suit production; every one can be set from the environment
/// (tests shorten them).
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Syncs run at once by this process (`ROSTER_WORKER_CONCURRENCY`, default 4).
    pub concurrency: usize,
    /// apalis worker heartbeat (`ROSTER_WORKER_HEARTBEAT_SECS`, default 30): a worker silent for
    /// twice this long is dead and its jobs go back to the queue.
    pub heartbeat: Duration,
    /// SQLite: how often the queue is polled (`ROSTER_WORKER_POLL_MS`, default 1000).
    pub poll: Duration,
    /// PostgreSQL: new jobs arrive by NOTIFY; this is how often jobs that became due later (a
    /// retry's backoff) are looked for (`ROSTER_WORKER_RETRY_POLL_MS`, default 5000).
    pub retry_poll: Duration,
    /// First retry delay, doubled per attempt (`ROSTER_RETRY_BASE_SECS`, default 30).
    pub retry_base: Duration,
    /// Wait before trying again a job whose company is being synced by another run
    /// (`ROSTER_BUSY_RETRY_SECS`, default 10).
    pub busy_retry: Duration,
    /// Whether this process runs the morning scheduler (`ROSTER_SCHEDULER`, default on).
    pub schedule: bool,
    /// Scheduler tick (`ROSTER_SCHEDULE_EVERY_SECS`, default 60).
    pub schedule_every: Duration,
    /// How long a running sync may take to finish after SIGTERM (`ROSTER_SHUTDOWN_GRACE_SECS`,
    /// default 30).
    pub grace: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            concurrency: 4,
            heartbeat: Duration::from_secs(30),
            poll: Duration::from_secs(1),
            retry_poll: Duration::from_secs(5),
            retry_base: Duration::from_secs(30),
            busy_retry: Duration::from_secs(10),
            schedule: true,
            schedule_every: Duration::from_secs(60),
            grace: Duration::from_secs(30),
        }
    }
}

impl WorkerSettings {
    pub fn from_env() -> WorkerSettings {
        fn num(name: &str) -> Option<u64> {
            std::env::var(name).ok()?.trim().parse().ok()
        }
        let d = WorkerSettings::default();
        WorkerSettings {
            concurrency: num("ROSTER_WORKER_CONCURRENCY")
                .map_or(d.concurrency, |n| n.max(1) as usize),
            heartbeat: num("ROSTER_WORKER_HEARTBEAT_SECS")
                .map_or(d.heartbeat, |s| Duration::from_secs(s.max(1))),
            poll: num("ROSTER_WORKER_POLL_MS")
                .map_or(d.poll, |ms| Duration::from_millis(ms.max(50))),
            retry_poll: num("ROSTER_WORKER_RETRY_POLL_MS")
                .map_or(d.retry_poll, |ms| Duration::from_millis(ms.max(50))),
            retry_base: num("ROSTER_RETRY_BASE_SECS").map_or(d.retry_base, Duration::from_secs),
            busy_retry: num("ROSTER_BUSY_RETRY_SECS").map_or(d.busy_retry, Duration::from_secs),
            schedule: std::env::var("ROSTER_SCHEDULER")
                .map(|v| !matches!(v.trim(), "0" | "off" | "false" | "no"))
                .unwrap_or(d.schedule),
            schedule_every: num("ROSTER_SCHEDULE_EVERY_SECS")
                .map_or(d.schedule_every, |s| Duration::from_secs(s.max(1))),
            grace: num("ROSTER_SHUTDOWN_GRACE_SECS").map_or(d.grace, Duration::from_secs),
        }
    }

    /// The wait before attempt `attempt + 1` (attempt 1 failed: `retry_base`, then doubled),
    /// capped at one hour.
    pub fn backoff(&self, attempt: i64) -> Duration {
        let factor = 1u32 << (attempt.clamp(1, 10) - 1);
        (self.retry_base * factor).min(Duration::from_secs(3600))
    }
}

/// Runs the worker (jobs, schedule, housekeeping) until `stop` turns true, then lets running
/// syncs finish within `settings.grace`.
pub async fn run(
    ctx: SyncContext,
    settings: WorkerSettings,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let db = ctx.db.clone();
    let housekeeping = tokio::spawn(housekeeping_loop(db.clone(), stop.clone()));
    let scheduler = settings.schedule.then(|| {
        tokio::spawn(schedule_loop(
            db.clone(),
            settings.schedule_every,
            stop.clone(),
        ))
    });
    let result = run_jobs(ctx, settings, stop).await;
    housekeeping.abort();
    if let Some(s) = scheduler {
        s.abort();
    }
    result
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            // The sender is gone: nobody can ask us to stop any more; keep running.
            std::future::pending::<()>().await;
        }
    }
}

/// A name no other process uses: apalis re-queues the jobs of a worker whose name stops beating.
fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "roster".into());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

async fn run_jobs(
    ctx: SyncContext,
    settings: WorkerSettings,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let name = worker_name();
    let grace = settings.grace;
    let runner = Runner {
        jobs: Jobs::for_db(ctx.db.clone()),
        ctx: ctx.clone(),
        settings: settings.clone(),
    };
    let signal = {
        let stop = stop.clone();
        async move {
            stopped(stop).await;
            tracing::info!("worker stopping: no new syncs are taken; running ones may finish");
            Ok::<(), std::io::Error>(())
        }
    };
    tracing::info!(worker = %name, queue = QUEUE, backend = ctx.db.backend(), "worker started");
    let work = async {
        match &ctx.db {
            Db::Sqlite(pool) => {
                let config = apalis_sqlite::Config::default()
                    .queue(QUEUE)
                    .batch_size(settings.concurrency)
                    .heartbeat_interval(settings.heartbeat);
                let storage =
                    apalis_sqlite::SqliteStorage::<SyncJob>::new(pool).with_config(config);
                WorkerBuilder::new(name.as_str())
                    .backend(storage.poll_with_interval(settings.poll))
                    .data(runner)
                    .concurrency(settings.concurrency)
                    .build(handle)
                    .run_until(signal)
                    .await
            }
            Db::Postgres(pool) => {
                let config = apalis_postgres::Config::default()
                    .queue(QUEUE)
                    .batch_size(settings.concurrency)
                    .heartbeat_interval(settings.heartbeat);
                let storage =
                    apalis_postgres::PostgresStorage::<SyncJob>::new(pool).with_config(config);
                // NOTIFY wakes us for new jobs; apalis' trigger does not notify for jobs whose
                // run_at is in the future (our retries), so a slow interval picks those up.
                let strategy = Strategy::new()
                    .stream(apalis_postgres::Pubsub::new(
                        pool.clone(),
                        QUEUE.to_string(),
                    ))
                    .interval(settings.retry_poll);
                WorkerBuilder::new(name.as_str())
                    .backend(storage.poll_with_strategy(strategy))
                    .data(runner)
                    .concurrency(settings.concurrency)
                    .build(handle)
                    .run_until(signal)
                    .await
            }
        }
    };
    tokio::pin!(work);
    let deadline = async {
        stopped(stop).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        res = &mut work => res.map_err(|e| anyhow::anyhow!("the worker stopped: {e}")),
        _ = deadline => {
            tracing::warn!(grace_secs = grace.as_secs(), "a sync did not finish in time; it is abandoned and will run again");
            Ok(())
        }
    }
}

/// What a job handler needs.
#[derive(Clone, Debug)]
struct Runner {
    ctx: SyncContext,
    jobs: Jobs,
    settings: WorkerSettings,
}

async fn handle(job: SyncJob, runner: Data<Runner>, _w: WorkerContext) -> Result<(), BoxDynError> {
    runner.handle(job).await.map_err(|e| {
        tracing::error!(error = %format!("{e:#}"), "sync job failed");
        BoxDynError::from(format!("{e:#}"))
    })
}

impl Runner {
    async fn handle(&self, job: SyncJob) -> anyhow::Result<()> {
        let db = &self.ctx.db;
        let attempt = db::jobs::bump_attempt(db, &job.job_id, job.company_id).await?;
        if attempt > MAX_ATTEMPTS {
            return self.give_up(&job, attempt - 1).await;
        }
        match run::run(&self.ctx, &job.request()).await {
            Ok(report) => {
                tracing::info!(
                    run_id = report.run_id,
                    company = job.company_id,
                    attempt,
                    outcome = report.outcome.as_str(),
                    "sync finished"
                );
                if report.outcome == Outcome::Failed && report.transient {
                    if attempt < MAX_ATTEMPTS {
                        let wait = self.settings.backoff(attempt);
                        db::jobs::append_run_message(
                            db,
                            report.run_id,
                            &format!(
                                "Trying again in {} (attempt {attempt} of {MAX_ATTEMPTS}).",
                                words(wait)
                            ),
                        )
                        .await?;
                        self.jobs.push(&job, Some(wait)).await?;
                    } else {
                        db::jobs::append_run_message(
                            db,
                            report.run_id,
                            &format!("Gave up after {MAX_ATTEMPTS} attempts."),
                        )
                        .await?;
                    }
                }
                Ok(())
            }
            Err(StartError::AlreadyRunning) => {
                // Not a start: another run holds the company's lock (a live one, or a dead one
                // not yet stale). Try again a little later.
                db::jobs::unbump_attempt(db, &job.job_id).await?;
                tracing::info!(
                    company = job.company_id,
                    "a sync is already running for this company; this one waits"
                );
                self.jobs.push(&job, Some(self.settings.busy_retry)).await
            }
            Err(StartError::NotConnected) => {
                tracing::info!(
                    company = job.company_id,
                    "sync dropped: the company is no longer connected"
                );
                Ok(())
            }
            Err(StartError::Approval(reason)) => {
                tracing::info!(company = job.company_id, %reason, "approval not applied");
                Ok(())
            }
            Err(StartError::Internal(e)) => {
                tracing::error!(company = job.company_id, attempt, error = %format!("{e:#}"), "sync could not start");
                if attempt < MAX_ATTEMPTS {
                    self.jobs
                        .push(&job, Some(self.settings.backoff(attempt)))
                        .await?;
                }
                Ok(())
            }
        }
    }

    /// The job used every attempt (runs whose worker died count): record why, and stop.
    async fn give_up(&self, job: &SyncJob, started: i64) -> anyhow::Result<()> {
        let db = &self.ctx.db;
        sync_runs::abandon_stale(db, job.company_id, run::stale_after()).await?;
        let Some(integration) = integrations::get(db, job.company_id).await? else {
            return Ok(());
        };
        let Some(run_id) = sync_runs::start(
            db,
            job.company_id,
            integration.provider.as_str(),
            job.trigger.as_str(),
            job.started_by,
            job.approve,
        )
        .await?
        else {
            db::jobs::unbump_attempt(db, &job.job_id).await?;
            return self.jobs.push(job, Some(self.settings.busy_retry)).await;
        };
        let message = format!(
            "Not started again: this sync was already started {started} times without finishing \
             (its worker stopped each time). Nothing was changed. Start a new sync once the cause is fixed."
        );
        tracing::warn!(run_id, company = job.company_id, "{message}");
        let mut tx = db.begin().await?;
        sync_runs::finish(
            &mut tx,
            run_id,
            "failed",
            &sync_runs::Tally::default(),
            Some(&message),
            None,
            0,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn words(d: Duration) -> String {
    let s = d.as_secs();
    if s < 120 {
        format!("{s} s")
    } else {
        format!("{} min", s / 60)
    }
}

// ---- The morning schedule ----

/// The company's calendar date at `now` in `tz`.
pub fn local_date(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// Whether the company's morning sync should be queued now: its local clock has reached
/// `sync_hour` today and today's sync is not queued yet. A process that was down at the hour
/// catches up later the same local day; a day whose hour is skipped by DST (the clock jumps from
/// 01:59 to 03:00) still syncs, at the first local time past it.
pub fn is_due(now: DateTime<Utc>, tz: Tz, sync_hour: u32, already_enqueued_today: bool) -> bool {
    !already_enqueued_today && now.with_timezone(&tz).hour() >= sync_hour
}

/// One scheduler tick at `now`: queues the morning sync of every connected company that is due.
/// Returns how many this call queued (other processes ticking at the same time queue the rest).
pub async fn schedule_tick(db: &Db, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let jobs = Jobs::for_db(db.clone());
    let mut queued = 0;
    for company_id in integrations::connected_companies(db).await? {
        let Some(company) = companies::get(db, company_id).await? else {
            continue;
        };
        let tz: Tz = companies::zone(&company.time_zone);
        let date = local_date(now, tz);
        let already =
            db::jobs::morning_claimed(db, company_id, &date.format("%Y-%m-%d").to_string()).await?;
        let hour = company.sync_hour.clamp(0, 23) as u32;
        if is_due(now, tz, hour, already) && jobs.enqueue_scheduled(company_id, date).await? {
            tracing::info!(company = company_id, %date, "morning sync queued");
            queued += 1;
        }
    }
    Ok(queued)
}

async fn schedule_loop(db: Db, every: Duration, stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let stopping = stopped(stop);
    tokio::pin!(stopping);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = schedule_tick(&db, Utc::now()).await {
                    tracing::warn!(error = %format!("{e:#}"), "scheduler tick failed");
                }
            }
            _ = &mut stopping => return,
        }
    }
}

// ---- Housekeeping ----

async fn housekeeping_loop(db: Db, stop: watch::Receiver<bool>) {
    let store = DbSessionStore::new(db.clone());
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    let stopping = stopped(stop);
    tokio::pin!(stopping);
    loop {
        tokio::select! {
            _ = tick.tick() => housekeeping(&db, &store).await,
            _ = &mut stopping => return,
        }
    }
}

async fn housekeeping(db: &Db, store: &DbSessionStore) {
    if let Err(e) = store.delete_expired().await {
        tracing::warn!(error = %e, "could not delete expired sessions");
    }
    match crate::db::login_attempts::prune(db).await {
        Ok(n) if n > 0 => tracing::debug!(pruned = n, "old login attempts forgotten"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not prune login attempts"),
    }
    match db::jobs::prune(db, time::Duration::days(KEEP_JOB_BOOKKEEPING_DAYS)).await {
        Ok(n) if n > 0 => tracing::debug!(pruned = n, "old sync jobs forgotten"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not prune old sync jobs"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn due_from_the_sync_hour_on_not_before() {
        let tz = chrono_tz::Europe::Berlin; // UTC+1 in January
        assert!(
            !is_due(utc(2026, 1, 10, 3, 59), tz, 5, false),
            "04:59 local"
        );
        assert!(is_due(utc(2026, 1, 10, 4, 0), tz, 5, false), "05:00 local");
        assert!(is_due(utc(2026, 1, 10, 4, 1), tz, 5, false));
    }

    #[test]
    fn once_a_day_and_catch_up_later_the_same_day() {
        let tz = chrono_tz::Europe::Berlin;
        assert!(
            !is_due(utc(2026, 1, 10, 4, 30), tz, 5, true),
            "already queued today"
        );
        // Every process was down at 05:00: the first tick at 15:00 local still syncs.
        assert!(is_due(utc(2026, 1, 10, 14, 0), tz, 5, false));
        assert!(
            is_due(utc(2026, 1, 10, 22, 59), tz, 5, false),
            "23:59 local"
        );
    }

    #[test]
    fn a_time_zone_ahead_of_utc_has_its_own_date() {
        let tz = chrono_tz::Asia::Tokyo; // UTC+9
        let now = utc(2026, 3, 1, 20, 30); // 05:30 on March 2nd in Tokyo
        assert_eq!(
            local_date(now, tz),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        );
        assert!(is_due(now, tz, 5, false));
        assert!(
            !is_due(utc(2026, 3, 1, 19, 59), tz, 5, false),
            "04:59 in Tokyo"
        );
        // Auckland (UTC+13 in summer) is already past noon when UTC's day starts.
        let akl = chrono_tz::Pacific::Auckland;
        assert_eq!(
            local_date(utc(2026, 1, 10, 0, 0), akl),
            NaiveDate::from_ymd_opt(2026, 1, 10).unwrap()
        );
        assert_eq!(
            local_date(utc(2026, 1, 10, 11, 0), akl),
            NaiveDate::from_ymd_opt(2026, 1, 11).unwrap()
        );
    }

    #[test]
    fn dst_days() {
        let tz = chrono_tz::Europe::Berlin;
        // Spring forward, 2026-03-29: 02:00 local does not exist (01:00 UTC is 03:00 CEST).
        assert!(!is_due(utc(2026, 3, 29, 0, 59), tz, 2, false), "01:59 CET");
        assert!(
            is_due(utc(2026, 3, 29, 1, 0), tz, 2, false),
            "03:00 CEST: the skipped hour still syncs"
        );
        // After the change, 05:00 local is 03:00 UTC.
        assert!(!is_due(utc(2026, 3, 29, 2, 59), tz, 5, false), "04:59 CEST");
        assert!(is_due(utc(2026, 3, 29, 3, 0), tz, 5, false), "05:00 CEST");
        // Fall back, 2026-10-25: 02:00–03:00 happens twice; the date key makes it once.
        assert!(is_due(utc(2026, 10, 25, 0, 30), tz, 2, false), "02:30 CEST");
        assert!(
            !is_due(utc(2026, 10, 25, 1, 30), tz, 2, true),
            "02:30 CET, queued already"
        );
        assert_eq!(
            local_date(utc(2026, 10, 25, 0, 30), tz),
            local_date(utc(2026, 10, 25, 1, 30), tz)
        );
        // New York: 05:00 EST is 10:00 UTC in winter, 05:00 EDT is 09:00 UTC in summer.
        let ny = chrono_tz::America::New_York;
        assert!(!is_due(utc(2026, 1, 10, 9, 59), ny, 5, false));
        assert!(is_due(utc(2026, 7, 10, 9, 0), ny, 5, false));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let s = WorkerSettings::default();
        assert_eq!(s.backoff(1), Duration::from_secs(30));
        assert_eq!(s.backoff(2), Duration::from_secs(60));
        assert_eq!(s.backoff(3), Duration::from_secs(120));
        assert_eq!(s.backoff(40), Duration::from_secs(3600));
    }
}
