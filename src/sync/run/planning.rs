//! What a run works from, read without writing: the connection's decrypted credentials, and
//! the company's directory and rules reconciled into a plan; also the dry-run preview, which
//! fetches and plans but takes no lock.

use crate::{
    db::{
        Db, companies, custom_fields, field_mappings, field_values, integrations, people,
        sync_rules,
    },
    hris::{FetchError, Snapshot, providers::Credentials},
};

use super::{StartError, SyncContext};
use crate::sync::{
    Directory, GuardSettings, Plan, Refusal, Rules, guard, mapping::Mapping, reconcile,
    selection::Selection,
};

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
