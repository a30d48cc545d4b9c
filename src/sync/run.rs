//! One sync run, the path the web, the worker and the CLI all call:
//! lock → fetch → reconcile → guard → apply + record (one transaction).
//!
//! The lock is a `running` row in `sync_runs` (a unique index allows one per company); a
//! heartbeat keeps it alive, so a run whose process died frees the lock after
//! [`stale_after`], and the history says it was abandoned.

use std::{sync::Arc, time::Instant};

use tokio::sync::watch;

use crate::{
    crypto::SecretBox,
    db::{
        Db, companies, custom_fields, field_mappings, field_values, integrations, people,
        sync_rules,
        sync_runs::{self, End, Tally},
    },
    hris::{
        FetchError, Provider, Snapshot,
        providers::{Credentials, Providers},
    },
};

use super::mapping::Mapping;
use super::selection::Selection;
use super::{
    Approval, Directory, GuardSettings, Plan, Refusal, Rules, alerts, apply, guard,
    lifecycle::{FailureKind, Stage},
    reconcile, review,
};

/// A heartbeat older than this means the run's process is gone (the default of [`stale_after`]).
pub const STALE_AFTER: time::Duration = time::Duration::seconds(60);

const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// [`STALE_AFTER`], or `ROSTER_STALE_AFTER_SECS` (at least 2) when set: tests and operators
/// shorten how long a dead worker's run holds the company's lock. Read once per process.
pub fn stale_after() -> time::Duration {
    static STALE: std::sync::OnceLock<time::Duration> = std::sync::OnceLock::new();
    *STALE.get_or_init(|| {
        std::env::var("ROSTER_STALE_AFTER_SECS")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .map(|s| time::Duration::seconds(s.max(2)))
            .unwrap_or(STALE_AFTER)
    })
}

/// Beats at least three times per [`stale_after`], and never less often than every 5 s.
fn heartbeat_every() -> std::time::Duration {
    let third = std::time::Duration::from_millis((stale_after().whole_milliseconds() / 3) as u64);
    HEARTBEAT_EVERY.min(third)
}

/// Everything a sync needs besides the request.
#[derive(Clone, Debug)]
pub struct SyncContext {
    pub db: Db,
    pub providers: Providers,
    pub secrets: Arc<SecretBox>,
}

pub use super::lifecycle::{Outcome, Trigger};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub company_id: i64,
    pub trigger: Trigger,
    pub started_by: Option<i64>,
    /// The paused run whose "Apply anyway" this is.
    pub approve: Option<i64>,
}

/// Where a run stands among its job's starts (the worker retries transient failures), and the
/// company-local morning a scheduled job belongs to. The CLI and direct calls have one start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub number: i64,
    pub max: i64,
    pub morning: Option<time::Date>,
}

impl Attempt {
    /// A run that is not retried.
    pub const ONLY: Attempt = Attempt {
        number: 1,
        max: 1,
        morning: None,
    };

    /// Whether a failed run is started again (by the worker): then its failure is not the
    /// sync's last word, and alerts wait for the last attempt.
    pub fn retries(&self, transient: bool) -> bool {
        transient && self.number < self.max
    }
}

/// What every end of one run shares, for [`alerts::on_end`].
#[derive(Clone, Copy)]
struct Alerting<'a> {
    req: &'a Request,
    provider: Provider,
    attempt: Attempt,
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

/// What a finished run did.
#[derive(Debug, Clone)]
pub struct Report {
    pub run_id: i64,
    pub outcome: Outcome,
    /// Why it failed or was refused.
    pub failure: Option<FailureKind>,
    pub tally: Tally,
    pub message: Option<String>,
    /// Whether a failure is worth retrying (provider 429/5xx, timeouts, connection errors).
    pub transient: bool,
    /// Where the time went (the benchmarks print it).
    pub phases: Phases,
}

/// Wall-clock time of each phase of a run; zero for a phase the run did not reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Phases {
    pub fetch: std::time::Duration,
    /// Reading the directory and reconciling.
    pub plan: std::time::Duration,
    /// Writing the plan and the history, commit included.
    pub apply: std::time::Duration,
}

/// Reasons a run did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("This company has no connected HRIS.")]
    NotConnected,
    #[error("A sync is already running for this company.")]
    AlreadyRunning,
    #[error("{0}")]
    Approval(String),
    /// The stored credentials cannot be opened with this server's key.
    #[error("{}", key_message(*.0))]
    Key(Provider),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What a company manager reads when the stored credentials cannot be opened, and what to do.
pub fn key_message(provider: Provider) -> String {
    format!(
        "Roster cannot read the stored {provider} credentials with this server's key. \
         Reconnect {provider}, or start Roster with the key it used before."
    )
}

impl From<sqlx::Error> for StartError {
    fn from(e: sqlx::Error) -> StartError {
        StartError::Internal(e.into())
    }
}

/// The company's today in its own time zone (a contract ending today is still running).
pub fn today_in(time_zone: &str) -> time::Date {
    use chrono::Datelike;
    let tz = companies::zone(time_zone);
    let d = chrono::Utc::now().with_timezone(&tz).date_naive();
    time::Date::from_calendar_date(
        d.year(),
        time::Month::try_from(d.month() as u8).expect("month 1-12"),
        d.day() as u8,
    )
    .expect("a real calendar date")
}

/// The decrypted credentials of the company's connection.
pub async fn credentials(ctx: &SyncContext, company_id: i64) -> Result<Credentials, StartError> {
    let integration = integrations::get(&ctx.db, company_id)
        .await?
        .ok_or(StartError::NotConnected)?;
    let plain = ctx
        .secrets
        .open(
            &integration.sealed,
            &integrations::context(company_id, integration.provider),
        )
        .map_err(|e| {
            // The reason (key ids, never the key) is for the operator's log.
            tracing::error!(company = company_id, error = %e, "stored credentials cannot be opened");
            StartError::Key(integration.provider)
        })?;
    Ok(Credentials::from_json(&plain)?)
}

/// What reconcile and guard work from.
pub struct Planned {
    pub plan: Plan,
    pub directory: Directory,
    pub settings: GuardSettings,
}

/// Settings a page previews before saving them, in place of the stored ones.
#[derive(Debug, Clone, Default)]
pub struct Unsaved {
    /// Who-is-synced rules as typed on the rules page.
    pub selection: Option<Selection>,
    /// The attribute mapping as chosen on the Fields mapping page.
    pub mapping: Option<Mapping>,
}

/// Reads the directory and the company's rules, and reconciles. Pure apart from the reads.
pub async fn plan(db: &Db, company_id: i64, snapshot: &Snapshot) -> anyhow::Result<Planned> {
    plan_with(db, company_id, snapshot, Unsaved::default()).await
}

/// [`plan`], with the `unsaved` rules or mapping instead of the stored ones where given (a
/// settings page's preview).
pub async fn plan_with(
    db: &Db,
    company_id: i64,
    snapshot: &Snapshot,
    unsaved: Unsaved,
) -> anyhow::Result<Planned> {
    let company = companies::get(db, company_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no company {company_id}"))?;
    let mapping = match unsaved.mapping {
        Some(m) => m,
        None => field_mappings::mapping(db, company_id, snapshot.provider).await?,
    };
    let fields = if mapping.fields.is_empty() {
        Vec::new()
    } else {
        custom_fields::all(db, company_id).await?
    };
    let mapped: Vec<_> = fields
        .iter()
        .filter(|f| mapping.of_field(f.id).is_some())
        .cloned()
        .collect();
    let directory = Directory {
        company_id,
        people: people::all(db, company_id).await?,
        groups: crate::db::groups::all(db, company_id).await?,
        field_values: field_values::of_fields(db, &mapped).await?,
    };
    let rules = Rules {
        today: today_in(&company.time_zone),
        gender_choices: company.gender_choices.clone(),
        provider: snapshot.provider,
        selection: match unsaved.selection {
            Some(s) => s,
            None => sync_rules::selection(db, company_id, snapshot.provider).await?,
        },
        mapping,
        fields,
    };
    let plan = reconcile(&directory, snapshot, &rules);
    let settings = company.pause();
    Ok(Planned {
        plan,
        directory,
        settings,
    })
}

/// A dry run: what a sync would do now. Writes nothing, takes no lock.
pub async fn preview(
    ctx: &SyncContext,
    company_id: i64,
) -> Result<Result<(Planned, Option<Refusal>), FetchError>, StartError> {
    preview_with(ctx, company_id, Unsaved::default()).await
}

/// [`preview`] with the `unsaved` rules or mapping in place of the stored ones where given.
pub async fn preview_with(
    ctx: &SyncContext,
    company_id: i64,
    unsaved: Unsaved,
) -> Result<Result<(Planned, Option<Refusal>), FetchError>, StartError> {
    let creds = credentials(ctx, company_id).await?;
    let snapshot = match ctx.providers.fetch(&creds).await {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let planned = plan_with(&ctx.db, company_id, &snapshot, unsaved).await?;
    let refusal = guard(&planned.plan, &planned.directory, &planned.settings, None).err();
    Ok(Ok((planned, refusal)))
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
    sync_runs::abandon_stale(&ctx.db, req.company_id, stale_after()).await?;
    let run_id = sync_runs::start(
        &ctx.db,
        req.company_id,
        creds.provider(),
        req.trigger,
        req.started_by,
        req.approve,
    )
    .await?
    .ok_or(StartError::AlreadyRunning)?;
    let started = Instant::now();
    let (stage_tx, stage_rx) = watch::channel(Stage::Fetching);
    let beat = tokio::spawn(heartbeat(ctx.db.clone(), run_id, stage_rx));
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
    sync_runs::abandon_stale(&ctx.db, req.company_id, stale_after()).await?;
    let run_id = sync_runs::start(
        &ctx.db,
        req.company_id,
        provider,
        req.trigger,
        req.started_by,
        req.approve,
    )
    .await?
    .ok_or(StartError::AlreadyRunning)?;
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

/// Ends a run as failed with `message` (nothing of it was applied).
async fn finish_failed(
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

async fn heartbeat(db: Db, run_id: i64, mut stage: watch::Receiver<Stage>) {
    loop {
        let current = *stage.borrow_and_update();
        if let Err(e) = sync_runs::heartbeat(&db, run_id, current).await {
            tracing::warn!(run_id, error = %e, "could not record the sync's heartbeat");
        }
        tokio::select! {
            _ = tokio::time::sleep(heartbeat_every()) => {}
            changed = stage.changed() => if changed.is_err() { return },
        }
    }
}

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

async fn execute(
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
