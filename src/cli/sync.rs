//! `roster sync`: one sync here and now on the same path as the web and the worker, or a dry
//! run that prints what it would change.

use std::io::IsTerminal;

use anyhow::bail;
use clap::Args;

use crate::{
    app::App,
    db::Db,
    sync::run::{Outcome, Request, SyncContext, Trigger},
};

use super::find_company;

#[derive(Args, Debug)]
pub struct SyncArgs {
    #[arg(long)]
    company: String,
    /// Show what the sync would change, and change nothing.
    #[arg(long)]
    dry_run: bool,
}

pub async fn run(app: App, args: SyncArgs) -> anyhow::Result<()> {
    let company = find_company(&app.db, &args.company).await?;
    if args.dry_run {
        dry_run_sync(&app.sync, company.id).await
    } else {
        run_sync(&app.sync, company.id).await
    }
}

async fn run_sync(ctx: &SyncContext, company_id: i64) -> anyhow::Result<()> {
    let req = Request {
        company_id,
        trigger: Trigger::Cli,
        started_by: None,
        approve: None,
    };
    let spinner = progress(ctx.db.clone(), company_id);
    let report = crate::sync::run::run(ctx, &req).await;
    if let Some(s) = spinner {
        s.abort();
        let _ = s.await; // the spinner line is cleared before the summary prints
    }
    let report = report?;
    let t = report.tally;
    println!(
        "Sync {} ({}): {} created, {} updated, {} deactivated, {} reactivated, {} unchanged, {} skipped; {} pages.",
        report.run_id,
        report.outcome.as_str(),
        t.created,
        t.updated,
        t.deactivated,
        t.reactivated,
        t.unchanged,
        t.skipped,
        t.pages
    );
    if let Some(m) = report.message {
        println!("{m}");
    }
    match report.outcome {
        Outcome::Succeeded => Ok(()),
        _ => bail!("the sync did not apply its changes"),
    }
}

/// On a terminal, a spinner that follows the run's stage (fetching, planning, applying) as the
/// sync records it; nothing when output is redirected.
fn progress(db: Db, company_id: i64) -> Option<tokio::task::JoinHandle<()>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    Some(tokio::spawn(async move {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let _clear = clear_on_drop(bar.clone());
        loop {
            if let Ok(Some(run)) = crate::db::sync_runs::running(&db, company_id).await {
                bar.set_message(format!("sync {}: {}", run.id, run.stage));
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }))
}

/// Clears the spinner line when the progress task ends (aborted or not).
fn clear_on_drop(bar: indicatif::ProgressBar) -> impl Drop {
    struct Clear(indicatif::ProgressBar);
    impl Drop for Clear {
        fn drop(&mut self) {
            self.0.finish_and_clear();
        }
    }
    Clear(bar)
}

async fn dry_run_sync(ctx: &SyncContext, company_id: i64) -> anyhow::Result<()> {
    eprintln!("Fetching from the HRIS (dry run: nothing will be written)…");
    let (planned, refusal) = crate::sync::run::preview(ctx, company_id).await??;
    let plan = &planned.plan;
    let c = plan.counts;
    println!(
        "Would create {}, update {}, deactivate {}, reactivate {}; {} unchanged, {} skipped.",
        c.created, c.updated, c.deactivated, c.reactivated, c.unchanged, c.skipped
    );
    if plan.left_out > 0 {
        println!(
            "The who-is-synced rules leave out {} of the {} people {} sent.",
            plan.left_out,
            plan.hris_people,
            plan.provider.label()
        );
    }
    if let Some(r) = refusal {
        println!("{r}");
    }
    for w in &plan.run_warnings {
        println!("warning: {w}");
    }
    for e in &plan.errors {
        println!("skipped {}: {}", e.name, e.message);
    }
    for row in plan.history() {
        println!(
            "{}\t{}\t{} → {}{}",
            row.person_name,
            row.field.label(),
            row.before.as_deref().unwrap_or("—"),
            row.after.as_deref().unwrap_or("—"),
            row.reason.map(|r| format!("\t({r})")).unwrap_or_default()
        );
    }
    Ok(())
}
