//! The seam between "start a sync" and "run a sync": the web and the scheduler only enqueue; a
//! worker runs [`crate::sync::run::run`].
//!
//! This first implementation runs the job on a task of the current process; the apalis queue
//! (shared by any number of worker processes) replaces it behind the same `enqueue`.

use crate::sync::run::{self, Request, StartError, SyncContext};

#[derive(Clone, Debug)]
pub struct Jobs {
    ctx: SyncContext,
}

impl Jobs {
    /// Whether [`Jobs::enqueue`] hands a sync to the `roster worker` processes sharing the
    /// database (true once the apalis queue lands) rather than to a task of this process. The
    /// many-companies benchmark needs worker processes to mean anything.
    pub const IN_WORKER_PROCESSES: bool = false;

    pub fn new(ctx: SyncContext) -> Jobs {
        Jobs { ctx }
    }

    /// Queues a sync. Returns at once; the run's progress and outcome are in `sync_runs`.
    pub async fn enqueue(&self, req: Request) -> anyhow::Result<()> {
        let ctx = self.ctx.clone();
        tokio::spawn(async move {
            match run::run(&ctx, &req).await {
                Ok(report) => tracing::info!(
                    run_id = report.run_id,
                    outcome = report.outcome.as_str(),
                    "sync finished"
                ),
                Err(StartError::AlreadyRunning) => tracing::info!(
                    company = req.company_id,
                    "sync not started: one is already running"
                ),
                Err(e) => tracing::warn!(company = req.company_id, error = %e, "sync not started"),
            }
        });
        Ok(())
    }
}
