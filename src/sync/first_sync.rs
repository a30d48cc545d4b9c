//! A reviewable first sync: when a company that already has people (besides its logins)
//! connects an HRIS, Connect shows what the first sync would do before anything is stored —
//! whom it adopts by e-mail, whom it creates, whom it leaves as they are, and its warnings.
//! Reading only: no integration row, no people, no run.

use crate::{
    db::{Db, people},
    hris::{FetchError, providers::Credentials},
};

use super::{NewValue, Plan, run::SyncContext};

/// What the first sync would do, in the words Connect's review shows.
#[derive(Debug, Clone, Default)]
pub struct FirstSync {
    /// `(name, e-mail)` of people already in Roster the HRIS knows by the same e-mail.
    pub adopted: Vec<(String, String)>,
    /// Names of people the HRIS has and Roster does not.
    pub created: Vec<String>,
    /// `(name, e-mail)` of people in Roster the HRIS does not know: kept as they are.
    pub left: Vec<(String, String)>,
    /// Warnings and errors of the plan, in words.
    pub warnings: Vec<String>,
    /// Other changes to adopted people (their HRIS values replace Roster's).
    pub updated: usize,
}

/// Whether Connect should show the first sync before storing: the directory has someone who
/// is not only a login (an empty directory, or one with just its managers, syncs at once).
pub async fn needs_review(db: &Db, company_id: i64) -> sqlx::Result<bool> {
    Ok(people::all(db, company_id)
        .await?
        .iter()
        .any(|p| p.role.is_none()))
}

/// Fetches from the HRIS with `creds` and plans the first sync against the directory.
pub async fn preview(
    ctx: &SyncContext,
    company_id: i64,
    creds: &Credentials,
) -> anyhow::Result<Result<FirstSync, FetchError>> {
    let snapshot = match ctx.providers.fetch(creds).await {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let planned = super::run::plan(&ctx.db, company_id, &snapshot).await?;
    let emails: std::collections::HashMap<i64, String> = planned
        .directory
        .people
        .iter()
        .map(|p| (p.id, p.email.clone()))
        .collect();
    Ok(Ok(summarise(&planned.plan, &emails)))
}

fn summarise(plan: &Plan, emails: &std::collections::HashMap<i64, String>) -> FirstSync {
    let mut out = FirstSync::default();
    for u in &plan.updates {
        let links = u
            .changes
            .iter()
            .any(|c| matches!(c.value, NewValue::Link { .. }));
        if links {
            let email = emails.get(&u.person_id).cloned().unwrap_or_default();
            out.adopted.push((u.name.clone(), email));
        }
        if u.changes
            .iter()
            .any(|c| !matches!(c.value, NewValue::Link { .. }))
        {
            out.updated += 1;
        }
    }
    out.created = plan.creates.iter().map(|p| p.full_name()).collect();
    out.left = plan
        .not_in_hris
        .iter()
        .map(|u| (u.name.clone(), u.email.clone()))
        .collect();
    out.warnings = plan.run_warnings.clone();
    for n in plan.warnings.iter().chain(&plan.errors) {
        out.warnings.push(format!("{}: {}", n.name, n.message));
    }
    out.adopted.sort();
    out.created.sort();
    out.left.sort();
    out
}
