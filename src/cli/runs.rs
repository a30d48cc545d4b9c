//! `roster runs`, `roster apply --run N` and `roster discard --run N`: a company's sync history,
//! and the answers to a paused run, on the same transitions as the web's "Apply anyway" and
//! "Discard" (a run that is no longer paused is refused with why).

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use clap::Args;

use crate::{
    app::App,
    db::{
        Db, audit, companies,
        sync_runs::{self, Run},
    },
    sync::{
        review,
        run::{Outcome, Request, Trigger},
    },
};

use super::find_company;

#[derive(Args, Debug)]
pub struct RunsArgs {
    #[arg(long)]
    company: String,
    /// How many runs to list, newest first.
    #[arg(long, default_value_t = 20)]
    limit: i64,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[arg(long)]
    company: String,
    /// The paused run (its id, as `roster runs` lists it).
    #[arg(long)]
    run: i64,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
}

/// The time a run started, in the company's zone.
fn when(run: &Run, zone: chrono_tz::Tz) -> String {
    chrono::DateTime::from_timestamp(run.started_at.unix_timestamp(), 0)
        .map(|t| {
            t.with_timezone(&zone)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

pub async fn list(app: App, args: RunsArgs) -> anyhow::Result<()> {
    print!("{}", runs_table(&app.db, &args.company, args.limit).await?);
    Ok(())
}

pub async fn apply(app: App, args: RunArgs) -> anyhow::Result<()> {
    println!(
        "{}",
        apply_run(&app, &args.company, args.run, args.yes).await?
    );
    Ok(())
}

pub async fn discard(app: App, args: RunArgs) -> anyhow::Result<()> {
    println!(
        "{}",
        discard_run(&app.db, &args.company, args.run, args.yes).await?
    );
    Ok(())
}

/// `roster runs`: one tab-separated line per run, newest first, under a header.
pub async fn runs_table(db: &Db, slug: &str, limit: i64) -> anyhow::Result<String> {
    let company = find_company(db, slug).await?;
    let zone = companies::zone(&company.time_zone);
    let runs = sync_runs::list(db, company.id, limit.clamp(1, 1000), 0).await?;
    if runs.is_empty() {
        return Ok(format!("{} has no syncs yet.\n", company.name));
    }
    let mut out = format!(
        "id\tstate\ttrigger\tHRIS\tstarted ({})\tcreated\tupdated\tdeactivated\treactivated\tskipped\n",
        company.time_zone
    );
    for r in &runs {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            r.id,
            r.state,
            r.trigger,
            r.provider.label(),
            when(r, zone),
            r.created,
            r.updated,
            r.deactivated,
            r.reactivated,
            r.skipped
        ));
    }
    Ok(out)
}

/// The paused run `run` of the company, or the reason it cannot be answered.
async fn paused(db: &Db, slug: &str, run: i64) -> anyhow::Result<(i64, Run)> {
    let company = find_company(db, slug).await?;
    let found = sync_runs::get(db, company.id, run)
        .await?
        .with_context(|| format!("{} has no sync {run}", company.name))?;
    if let Some(why) = review::not_open(&found) {
        bail!("{why}");
    }
    Ok((company.id, found))
}

/// Asks on a terminal; without one, `--yes` is required.
pub(super) fn confirm(question: &str, yes: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!("{question} Pass --yes to confirm without a terminal.");
    }
    eprint!("{question} [y/N] ");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    if !matches!(line.trim(), "y" | "Y" | "yes") {
        bail!("not confirmed; nothing was changed");
    }
    Ok(())
}

/// `roster apply --run N`: the web's "Apply anyway", run here and now. An error when the run is
/// not paused, or when the re-plan did not apply (it moved beyond the plan: a new paused run).
pub async fn apply_run(app: &App, slug: &str, run: i64, yes: bool) -> anyhow::Result<String> {
    let (company_id, run) = paused(&app.db, slug, run).await?;
    eprintln!(
        "Sync {} would create {}, update {}, deactivate {}, reactivate {} (its page lists every change).",
        run.id, run.created, run.updated, run.deactivated, run.reactivated
    );
    confirm(
        &format!(
            "Apply sync {} anyway and deactivate {} people?",
            run.id, run.deactivated
        ),
        yes,
    )?;
    let detail = format!(
        "Chose Apply anyway on sync {} from the command line (deactivates {} people)",
        run.id, run.deactivated
    );
    audit::record_now(&app.db, company_id, None, "apply", &detail).await?;
    let req = Request {
        company_id,
        trigger: Trigger::Approval,
        started_by: None,
        approve: Some(run.id),
    };
    let report = crate::sync::run::run(&app.sync, &req).await?;
    let t = report.tally;
    match report.outcome {
        Outcome::Succeeded => Ok(format!(
            "Applied sync {} in sync {}: {} created, {} updated, {} deactivated, {} reactivated.",
            run.id, report.run_id, t.created, t.updated, t.deactivated, t.reactivated
        )),
        _ => bail!(
            "sync {} did not apply sync {}: {}",
            report.run_id,
            run.id,
            report.message.unwrap_or_default()
        ),
    }
}

/// `roster discard --run N`, on the same transition as the web's "Discard".
pub async fn discard_run(db: &Db, slug: &str, run: i64, yes: bool) -> anyhow::Result<String> {
    let (company_id, run) = paused(db, slug, run).await?;
    confirm(&format!("Discard paused sync {}?", run.id), yes)?;
    if !sync_runs::discard(db, company_id, run.id, None).await? {
        // Closed between the check and now: say how.
        let now = sync_runs::get(db, company_id, run.id).await?;
        bail!(
            "{}",
            now.as_ref()
                .and_then(review::not_open)
                .unwrap_or_else(|| format!("sync {} is no longer paused", run.id))
        );
    }
    let detail = format!(
        "Discarded paused sync {} from the command line; nothing from it was applied",
        run.id
    );
    audit::record_now(db, company_id, None, "discard", &detail).await?;
    Ok(format!(
        "Discarded sync {}; nothing from it was applied.",
        run.id
    ))
}
