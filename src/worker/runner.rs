//! What the worker does with one queued sync: count the attempt, run it on the one sync path,
//! and decide about a retry (transient failures, a company busy with another run) or giving up.

use std::time::Duration;

use apalis::prelude::{BoxDynError, Data, WorkerContext};
use tokio::sync::watch;

use crate::{
    db::{self, integrations, sync_runs},
    jobs::{Jobs, MAX_ATTEMPTS, SyncJob},
    sync::{
        alerts,
        run::{self, Attempt, Outcome, StartError, SyncContext},
    },
};

use super::WorkerSettings;

/// What a job handler needs.
#[derive(Clone, Debug)]
pub(super) struct Runner {
    pub(super) ctx: SyncContext,
    pub(super) jobs: Jobs,
    pub(super) settings: WorkerSettings,
    /// Turns true on shutdown: jobs taken after that are handed back, not run.
    pub(super) stop: watch::Receiver<bool>,
}

pub(super) async fn handle(
    job: SyncJob,
    runner: Data<Runner>,
    _w: WorkerContext,
) -> Result<(), BoxDynError> {
    runner.handle(job).await.map_err(|e| {
        tracing::error!(error = %format!("{e:#}"), "sync job failed");
        BoxDynError::from(format!("{e:#}"))
    })
}

impl Runner {
    async fn handle(&self, job: SyncJob) -> anyhow::Result<()> {
        if *self.stop.borrow() {
            // Shutting down: the poller keeps polling until the running syncs finish (see
            // `poller::drive`), so a job it takes now goes back to the queue, unstarted and
            // with its attempts unchanged.
            tracing::info!(
                company = job.company_id,
                "shutting down: the sync goes back to the queue"
            );
            return self.jobs.push(&job, Some(self.settings.busy_retry)).await;
        }
        let db = &self.ctx.db;
        let Some(attempt) = db::jobs::bump_attempt(db, &job.job_id, job.company_id).await? else {
            tracing::info!(
                company = job.company_id,
                job = %job.job_id,
                "this sync already ran; a second delivery of it is dropped"
            );
            return Ok(());
        };
        let queued_again = if attempt > MAX_ATTEMPTS {
            self.give_up(&job, attempt - 1).await?
        } else {
            self.attempt(&job, attempt).await?
        };
        if !queued_again {
            db::jobs::job_done(db, &job.job_id).await?;
        }
        Ok(())
    }

    /// Runs attempt number `attempt` of the job; true when the job was queued again (a retry,
    /// or the company was busy).
    async fn attempt(&self, job: &SyncJob, attempt: i64) -> anyhow::Result<bool> {
        let db = &self.ctx.db;
        let this = Attempt {
            number: attempt,
            max: MAX_ATTEMPTS,
            morning: job.morning_date(),
        };
        match run::run_attempt(&self.ctx, &job.request(), this).await {
            Ok(report) => {
                tracing::info!(
                    run_id = report.run_id,
                    company = job.company_id,
                    attempt,
                    outcome = report.outcome.as_str(),
                    "sync finished"
                );
                if report.outcome == Outcome::Failed && report.transient {
                    if this.retries(report.transient) {
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
                        self.jobs.push(job, Some(wait)).await?;
                        return Ok(true);
                    } else {
                        db::jobs::append_run_message(
                            db,
                            report.run_id,
                            &format!("Gave up after {MAX_ATTEMPTS} attempts."),
                        )
                        .await?;
                    }
                }
                Ok(false)
            }
            Err(StartError::AlreadyRunning) => {
                // Not a start: another run holds the company's lock (a live one, or a dead one
                // not yet stale). Try again a little later.
                db::jobs::unbump_attempt(db, &job.job_id).await?;
                tracing::info!(
                    company = job.company_id,
                    "a sync is already running for this company; this one waits"
                );
                self.jobs.push(job, Some(self.settings.busy_retry)).await?;
                Ok(true)
            }
            Err(StartError::NotConnected) => {
                tracing::info!(
                    company = job.company_id,
                    "sync dropped: the company is no longer connected"
                );
                Ok(false)
            }
            Err(StartError::Approval(reason)) => {
                tracing::info!(company = job.company_id, %reason, "approval not applied");
                Ok(false)
            }
            Err(e @ (StartError::Internal(_) | StartError::Key(_))) => {
                let e = anyhow::Error::from(e);
                tracing::error!(company = job.company_id, attempt, error = %format!("{e:#}"), "sync could not start");
                if attempt < MAX_ATTEMPTS {
                    self.jobs
                        .push(job, Some(self.settings.backoff(attempt)))
                        .await?;
                    return Ok(true);
                }
                Ok(false)
            }
        }
    }

    /// The job used every attempt (runs whose worker died count): record why, and stop. True
    /// when the company was busy and the job was queued again to record it later.
    async fn give_up(&self, job: &SyncJob, started: i64) -> anyhow::Result<bool> {
        let db = &self.ctx.db;
        sync_runs::abandon_stale(db, job.company_id, run::stale_after()).await?;
        let Some(integration) = integrations::get(db, job.company_id).await? else {
            return Ok(false);
        };
        let Some(run_id) = sync_runs::start(
            db,
            job.company_id,
            integration.provider,
            job.trigger,
            job.started_by,
            job.approve,
        )
        .await?
        else {
            db::jobs::unbump_attempt(db, &job.job_id).await?;
            self.jobs.push(job, Some(self.settings.busy_retry)).await?;
            return Ok(true);
        };
        let message = format!(
            "Not started again: this sync was already started {started} times without finishing \
             (its worker stopped each time). Nothing was changed. Start a new sync once the cause is fixed."
        );
        tracing::warn!(run_id, company = job.company_id, "{message}");
        let end = sync_runs::End::Failed(crate::sync::lifecycle::FailureKind::Internal);
        let mut tx = db.begin().await?;
        if sync_runs::finish(
            &mut tx,
            run_id,
            end,
            &sync_runs::Tally::default(),
            Some(&message),
            None,
            0,
        )
        .await?
        {
            // The job's last word: its alert, if it calls for one, goes with it.
            let ended = alerts::RunEnd {
                company_id: job.company_id,
                run_id,
                provider: integration.provider,
                trigger: job.trigger,
                end,
                retried: false,
                attempts: started,
                morning: job.morning_date(),
                tally: sync_runs::Tally::default(),
                paused: None,
            };
            alerts::on_end(&mut tx, &ended).await?;
        }
        tx.commit().await?;
        Ok(false)
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
