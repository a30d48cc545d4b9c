//! A started run from fetch to its recorded end: fetch → plan → guard → apply, then the
//! history row, its notes and the alert it may send, each end in one transaction.

use std::time::Instant;

use tokio::sync::watch;

use crate::{
    db::{
        Db,
        sync_runs::{self, End, Tally},
    },
    hris::{Provider, providers::Credentials},
    sync::{
        Approval, Plan, Refusal, alerts, apply, guard,
        lifecycle::{FailureKind, Stage},
        review,
    },
};

use super::{
    Attempt, Outcome, Phases, Report, Request, SyncContext,
    planning::{Planned, plan},
};

/// What every end of one run shares, for [`alerts::on_end`].
#[derive(Clone, Copy)]
pub(super) struct Alerting<'a> {
    pub(super) req: &'a Request,
    pub(super) provider: Provider,
    pub(super) attempt: Attempt,
}

impl Alerting<'_> {
    fn end(&self, run_id: i64, end: End, tally: Tally, transient: bool) -> alerts::RunEnd {
        alerts::RunEnd {
            company_id: self.req.company_id,
            run_id,
            provider: self.provider,
            trigger: self.req.trigger,
            end,
            retried: self.attempt.retries(transient),
            attempts: self.attempt.number,
            morning: self.attempt.morning,
            tally,
            paused: None,
        }
    }
}

fn tally_of(plan: &Plan, pages: u32) -> Tally {
    let c = plan.counts;
    Tally {
        pages: i64::from(pages),
        created: c.created as i64,
        updated: c.updated as i64,
        deactivated: c.deactivated as i64,
        reactivated: c.reactivated as i64,
        unchanged: c.unchanged as i64,
        skipped: c.skipped as i64,
    }
}

/// Ends a run as failed with `message` (nothing of it was applied).
pub(super) async fn finish_failed(
    db: &Db,
    alerting: &Alerting<'_>,
    run_id: i64,
    kind: FailureKind,
    message: String,
    started: Instant,
    transient: bool,
) -> anyhow::Result<Report> {
    let mut tx = db.begin().await?;
    let end = End::Failed(kind);
    if sync_runs::finish(
        &mut tx,
        run_id,
        end,
        &Tally::default(),
        Some(&message),
        None,
        elapsed(started),
    )
    .await?
    {
        let ended = alerting.end(run_id, end, Tally::default(), transient);
        alerts::on_end(&mut tx, &ended).await?;
    }
    tx.commit().await?;
    Ok(Report {
        run_id,
        outcome: Outcome::Failed,
        failure: Some(kind),
        tally: Tally::default(),
        message: Some(message),
        transient,
        phases: Phases::default(),
    })
}

fn elapsed(started: Instant) -> i64 {
    started.elapsed().as_millis().min(i64::MAX as u128) as i64
}

/// Carries out started run `run_id`, reporting each phase on `stage`. `Err` for anything
/// unexpected (database trouble), which the caller records as the run's end.
pub(super) async fn execute(
    ctx: &SyncContext,
    alerting: &Alerting<'_>,
    creds: &Credentials,
    approval: Option<&Approval>,
    run_id: i64,
    started: Instant,
    stage: &watch::Sender<Stage>,
) -> anyhow::Result<Report> {
    let req = alerting.req;
    let mut phases = Phases::default();
    let mark = Instant::now();
    let snapshot = match ctx.providers.fetch(creds).await {
        Ok(s) => s,
        Err(e) => {
            // A fetch that failed never reaches reconcile: nobody changes.
            let message = format!("{e}. Nothing was changed.");
            let kind = FailureKind::of_fetch(&e);
            let transient = e.is_transient();
            return finish_failed(&ctx.db, alerting, run_id, kind, message, started, transient)
                .await;
        }
    };
    phases.fetch = mark.elapsed();
    let mark = Instant::now();
    let _ = stage.send(Stage::Planning);
    let Planned {
        plan,
        directory,
        settings,
    } = plan(&ctx.db, req.company_id, &snapshot).await?;
    let tally = tally_of(&plan, snapshot.pages);
    drop(snapshot);
    phases.plan = mark.elapsed();
    let mark = Instant::now();
    if let Err(refusal) = guard(&plan, &directory, &settings, approval) {
        // A paused run keeps its whole plan and counts, for the review; a refused one nothing.
        let (end, approval_json, recorded) = match &refusal {
            Refusal::Paused { .. } => (
                End::Paused,
                Approval::of(&refusal, &plan)
                    .map(|a| serde_json::to_string(&a))
                    .transpose()?,
                tally,
            ),
            Refusal::EmptySnapshot { .. } => (
                End::Refused(FailureKind::UntrustedData),
                None,
                Tally {
                    pages: tally.pages,
                    ..Tally::default()
                },
            ),
        };
        let message = refusal.to_string();
        let mut tx = ctx.db.begin().await?;
        if end == End::Paused {
            review::record_plan(&mut tx, &plan, run_id).await?;
        } else {
            apply::record_notes(&mut tx, &plan, run_id, &review::existing).await?;
        }
        if sync_runs::finish(
            &mut tx,
            run_id,
            end,
            &recorded,
            Some(&message),
            approval_json.as_deref(),
            elapsed(started),
        )
        .await?
        {
            let mut ended = alerting.end(run_id, end, recorded, false);
            if let Refusal::Paused {
                would_deactivate,
                active_synced,
                ..
            } = &refusal
            {
                ended.paused = Some((would_deactivate.len(), *active_synced));
            }
            alerts::on_end(&mut tx, &ended).await?;
        }
        tx.commit().await?;
        return Ok(Report {
            run_id,
            outcome: end.outcome(),
            failure: end.failure(),
            tally: recorded,
            message: Some(message),
            transient: false,
            phases,
        });
    }
    let _ = stage.send(Stage::Applying);
    let mut tx = ctx.db.begin().await?;
    if let Some(paused) = req.approve
        && !sync_runs::mark_applied(&mut tx, paused, run_id, req.started_by).await?
    {
        // Applied, discarded or superseded while this run fetched: its approval is void.
        drop(tx);
        let message = format!(
            "Not applied: sync {paused} was applied, discarded or replaced while this sync ran. Nothing was changed."
        );
        return finish_failed(
            &ctx.db,
            alerting,
            run_id,
            FailureKind::Internal,
            message,
            started,
            false,
        )
        .await;
    }
    let created = apply::apply(&mut tx, &plan, run_id).await?;
    let created = apply::created_active(&plan, &created);
    crate::access::invite::invite_created(&mut tx, req.company_id, &created).await?;
    let message = (!plan.errors.is_empty()).then(|| {
        format!(
            "{} people were skipped; see the errors below. Everyone else was synced.",
            plan.errors.len()
        )
    });
    if sync_runs::finish(
        &mut tx,
        run_id,
        End::Succeeded,
        &tally,
        message.as_deref(),
        None,
        elapsed(started),
    )
    .await?
    {
        let ended = alerting.end(run_id, End::Succeeded, tally, false);
        alerts::on_end(&mut tx, &ended).await?;
    }
    crate::failpoint::pause("sync-before-commit").await;
    tx.commit().await?;
    phases.apply = mark.elapsed();
    Ok(Report {
        run_id,
        outcome: Outcome::Succeeded,
        failure: None,
        tally,
        message,
        transient: false,
        phases,
    })
}
