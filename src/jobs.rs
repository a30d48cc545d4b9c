//! The seam between "start a sync" and "run a sync": the web, the CLI and the scheduler only
//! enqueue; a worker ([`crate::worker`]) runs [`crate::sync::run::run`].
//!
//! The queue is apalis' (`apalis-sqlite` / `apalis-postgres`, queue name [`QUEUE`]) in the same
//! database as everything else, so a job is pushed in the caller's own transaction: the morning
//! schedule claims its `scheduled_syncs` row and queues the job atomically.

use std::{
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use apalis::prelude::TaskBuilder;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use crate::{
    db::{Db, Tx},
    sync::run::{Request, Trigger},
};

/// The one queue every sync job goes through (fixed: apalis' default is the Rust type name).
pub const QUEUE: &str = "sync";

/// Starts allowed per queued sync: the first one and three retries. Orphan re-runs (a worker
/// died mid-run) count too.
pub const MAX_ATTEMPTS: i64 = 4;

/// One queued sync. `job_id` stays the same across its retries, so attempts are counted per job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncJob {
    pub job_id: String,
    pub company_id: i64,
    pub trigger: Trigger,
    pub started_by: Option<i64>,
    pub approve: Option<i64>,
    /// The company-local morning ("2026-12-03") a scheduled sync belongs to: its alerts count
    /// against that day, however late its retries run.
    #[serde(default)]
    pub morning: Option<String>,
}

impl SyncJob {
    pub fn new(req: &Request) -> SyncJob {
        SyncJob {
            job_id: format!("{:032x}", rand::random::<u128>()),
            company_id: req.company_id,
            trigger: req.trigger,
            started_by: req.started_by,
            approve: req.approve,
            morning: None,
        }
    }

    /// [`SyncJob::morning`] as a date (`None` when absent or unreadable: today counts).
    pub fn morning_date(&self) -> Option<time::Date> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(self.morning.as_deref()?, &format).ok()
    }

    pub fn request(&self) -> Request {
        Request {
            company_id: self.company_id,
            trigger: self.trigger,
            started_by: self.started_by,
            approve: self.approve,
        }
    }
}

/// Where syncs are queued. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Jobs {
    db: Db,
    wake: Wake,
}

/// Wakes this process's job poller when a job is queued here, so "Sync now" starts at once
/// instead of at the poller's next tick. A wake-up that arrives while the poller is busy is kept
/// (one permit) and makes it look again.
#[derive(Clone, Debug, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn notify(&self) {
        self.0.notify_one();
    }

    pub(crate) fn notify_handle(&self) -> Arc<Notify> {
        self.0.clone()
    }

    pub(crate) fn from_handle(notify: Arc<Notify>) -> Wake {
        Wake(notify)
    }
}

impl Jobs {
    /// The queue in `db`; jobs queued through it wake the worker that shares its [`Wake`].
    pub fn for_db(db: Db) -> Jobs {
        Jobs {
            db,
            wake: Wake::default(),
        }
    }

    pub fn wake(&self) -> &Wake {
        &self.wake
    }

    /// Queues a sync. Returns at once; the run's progress and outcome are in `sync_runs`.
    pub async fn enqueue(&self, req: Request) -> anyhow::Result<()> {
        self.push(&SyncJob::new(&req), None).await
    }

    /// Queues `job`, to run after `delay` when given (a retry).
    pub async fn push(&self, job: &SyncJob, delay: Option<Duration>) -> anyhow::Result<()> {
        let mut tx = self.db.begin().await?;
        push_in(&mut tx, job, delay).await?;
        tx.commit().await?;
        if delay.is_none() {
            self.wake.notify();
        }
        Ok(())
    }

    /// Queues the company's morning sync for `local_date` unless some process already did:
    /// the `scheduled_syncs` primary key decides, in the transaction that pushes the job.
    /// True when this call queued it.
    pub async fn enqueue_scheduled(
        &self,
        company_id: i64,
        local_date: chrono::NaiveDate,
    ) -> anyhow::Result<bool> {
        let date = crate::sync::morning::day_key(local_date);
        let mut tx = self.db.begin().await?;
        if !crate::db::jobs::claim_morning(&mut tx, company_id, &date).await? {
            return Ok(false);
        }
        let job = SyncJob {
            morning: Some(date.clone()),
            ..SyncJob::new(&Request {
                company_id,
                trigger: Trigger::Schedule,
                started_by: None,
                approve: None,
            })
        };
        push_in(&mut tx, &job, None).await?;
        tx.commit().await?;
        self.wake.notify();
        Ok(true)
    }

    /// Queues a sync unless one of the company's is already waiting to start (due now) or
    /// running: a double-clicked "Sync now" makes one run. The check and the push happen in one
    /// transaction that serializes them per company (SQLite's write lock; a PostgreSQL advisory
    /// lock on the company). True when this call queued it.
    pub async fn enqueue_unless_waiting(&self, req: Request) -> anyhow::Result<bool> {
        let mut tx = self.db.begin().await?;
        if let Tx::Postgres(t) = &mut tx {
            sqlx::query("select pg_advisory_xact_lock($1, $2)")
                .bind(SYNC_NOW_LOCK)
                .bind(i32::try_from(req.company_id)?)
                .execute(&mut **t)
                .await?;
        }
        let running: i64 = crate::on_tx!(&mut tx, c => sqlx::query_scalar(
            "select count(*) from sync_runs where company_id = $1 and state = 'running'")
            .bind(req.company_id).fetch_one(c).await)?;
        if running > 0 || waiting_in(&mut tx, req.company_id).await? {
            return Ok(false);
        }
        push_in(&mut tx, &SyncJob::new(&req), None).await?;
        tx.commit().await?;
        // "Sync now" in a process that also runs the worker starts at once, not at the next tick.
        self.wake.notify();
        Ok(true)
    }
}

/// Pushes `job` onto the queue inside `tx` (nothing is queued if `tx` rolls back).
pub async fn push_in(tx: &mut Tx, job: &SyncJob, delay: Option<Duration>) -> anyhow::Result<()> {
    // The queue keeps whole seconds: a delayed job rounds up (a retry never runs before its
    // backoff), an immediate one down (due at once, and PostgreSQL's NOTIFY fires for it).
    let at = SystemTime::now()
        .checked_add(delay.unwrap_or_default())
        .unwrap_or_else(SystemTime::now)
        .duration_since(UNIX_EPOCH)?;
    let run_at = match delay {
        Some(_) => at.as_millis().div_ceil(1000) as u64,
        None => at.as_secs(),
    };
    // apalis must not retry on its own: the worker decides (transient or not, attempts left).
    let task = TaskBuilder::new(serde_json::to_vec(job)?)
        .max_attempts(1)
        .run_at_timestamp(run_at)
        .build();
    match tx {
        Tx::Sqlite(t) => apalis_sqlite::queries::push_tasks(&mut **t, QUEUE, &[task]).await?,
        Tx::Postgres(t) => {
            apalis_postgres::queries::push_tasks(&mut **t, QUEUE, vec![task]).await?
        }
    }
    Ok(())
}

/// The advisory-lock class of "queue a sync for this company" (PostgreSQL).
const SYNC_NOW_LOCK: i32 = 15;

/// Whether a sync of the company is in the queue and due (waiting for a worker, or taken by one
/// that has not started the run yet). Retries due later do not count: "Sync now" runs before them.
async fn waiting_in(tx: &mut Tx, company_id: i64) -> anyhow::Result<bool> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    let jobs: Vec<Vec<u8>> = match tx {
        Tx::Sqlite(t) => {
            sqlx::query_scalar(
                "select job from Jobs where job_type = $1 and status in ('Pending', 'Queued') and run_at <= $2",
            )
            .bind(QUEUE)
            .bind(now)
            .fetch_all(&mut **t)
            .await?
        }
        Tx::Postgres(t) => {
            sqlx::query_scalar(
                "select job from apalis.jobs where job_type = $1 and status in ('Pending', 'Queued') \
                 and run_at <= to_timestamp($2)",
            )
            .bind(QUEUE)
            .bind(now as f64)
            .fetch_all(&mut **t)
            .await?
        }
    };
    Ok(jobs.iter().any(|j| {
        serde_json::from_slice::<SyncJob>(j).is_ok_and(|job| job.company_id == company_id)
    }))
}

/// A job in the queue as the database has it.
#[derive(Debug, Clone)]
pub struct Queued {
    pub task_id: String,
    pub status: String,
    pub job: SyncJob,
}

/// Every job of the sync queue, whatever its status, oldest first (tests, diagnostics).
pub async fn queued(db: &Db) -> anyhow::Result<Vec<Queued>> {
    let rows: Vec<(String, String, Vec<u8>)> =
        match db {
            Db::Sqlite(p) => {
                sqlx::query_as(
                    "select id, status, job from Jobs where job_type = $1 order by run_at, id",
                )
                .bind(QUEUE)
                .fetch_all(p)
                .await?
            }
            Db::Postgres(p) => sqlx::query_as(
                "select id, status, job from apalis.jobs where job_type = $1 order by run_at, id",
            )
            .bind(QUEUE)
            .fetch_all(p)
            .await?,
        };
    rows.into_iter()
        .map(|(task_id, status, job)| {
            Ok(Queued {
                task_id,
                status,
                job: serde_json::from_slice(&job)?,
            })
        })
        .collect()
}
