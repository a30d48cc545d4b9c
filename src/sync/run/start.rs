//! Starting a run: open the credentials, check an approval, take the lock, start the
//! heartbeat, and hand over to [`execute`](super::execute); a run that could not be carried
//! out (stored credentials unreadable, an unexpected error) still ends in the history.

use std::time::Instant;

use tokio::sync::watch;

use crate::{
    db::{Db, sync_runs},
    hris::Provider,
    sync::{
        Approval,
        lifecycle::{FailureKind, Stage},
        review,
    },
};

use super::{
    Attempt, Report, Request, StartError, SyncContext,
    execute::{Alerting, execute, finish_failed},
    key_message, lock,
    planning::credentials,
};

/// Runs one sync to its end. `Err` only when it could not start (not connected, already
/// running, a bad approval); every started run ends in the history with an outcome.
pub async fn run(ctx: &SyncContext, req: &Request) -> Result<Report, StartError> {
    run_attempt(ctx, req, Attempt::ONLY).await
}

/// [`run`] as start `attempt` of a worker's job: its end (and the alert it may send) knows
/// whether a retry follows.
pub async fn run_attempt(
    ctx: &SyncContext,
    req: &Request,
    attempt: Attempt,
) -> Result<Report, StartError> {
    let creds = match credentials(ctx, req.company_id).await {
        Err(StartError::Key(provider)) => return key_failure(ctx, req, provider, attempt).await,
        other => other?,
    };
    let approval = match req.approve {
        Some(paused) => Some(approval_of(&ctx.db, req.company_id, paused).await?),
        None => None,
    };
    let run_id = lock::take(&ctx.db, req, creds.provider()).await?;
    let started = Instant::now();
    let (stage_tx, stage_rx) = watch::channel(Stage::Fetching);
    let beat = tokio::spawn(lock::heartbeat(ctx.db.clone(), run_id, stage_rx));
    let alerting = Alerting {
        req,
        provider: creds.provider(),
        attempt,
    };
    let result = execute(
        ctx,
        &alerting,
        &creds,
        approval.as_ref(),
        run_id,
        started,
        &stage_tx,
    )
    .await;
    beat.abort();
    match result {
        Ok(report) => Ok(report),
        Err(e) => {
            // Anything unexpected (database trouble): the run still ends, with the reason, in
            // words when the database itself failed ("the database disk is full").
            let message = match crate::db::fault::fault_on(&ctx.db, &e) {
                Some(fault) => format!("The sync failed: {fault}. Nothing was changed."),
                None => format!("The sync failed: {e:#}. Nothing was changed."),
            };
            tracing::error!(run_id, error = %message, "sync run failed");
            let kind = FailureKind::of_error(&e);
            Ok(finish_failed(&ctx.db, &alerting, run_id, kind, message, started, true).await?)
        }
    }
}

/// A run that cannot open the stored credentials still ends in the history, failed with the
/// reason and what to do; it is not retried (a retry cannot bring the key back).
async fn key_failure(
    ctx: &SyncContext,
    req: &Request,
    provider: Provider,
    attempt: Attempt,
) -> Result<Report, StartError> {
    let run_id = lock::take(&ctx.db, req, provider).await?;
    let message = key_message(provider);
    let alerting = Alerting {
        req,
        provider,
        attempt,
    };
    Ok(finish_failed(
        &ctx.db,
        &alerting,
        run_id,
        FailureKind::Key,
        message,
        Instant::now(),
        false,
    )
    .await?)
}

/// The approval stored with paused run `paused`, if it is still open to apply.
async fn approval_of(db: &Db, company_id: i64, paused: i64) -> Result<Approval, StartError> {
    let run = sync_runs::get(db, company_id, paused)
        .await?
        .ok_or_else(|| StartError::Approval("That paused sync does not exist.".into()))?;
    if let Some(why) = review::not_open(&run) {
        return Err(StartError::Approval(why));
    }
    let json = run
        .approval
        .ok_or_else(|| StartError::Approval("That paused sync has nothing to approve.".into()))?;
    serde_json::from_str(&json).map_err(|e| StartError::Internal(e.into()))
}
