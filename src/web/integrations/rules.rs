//! Settings › Integrations › <provider> › Who is synced: the attributes the HRIS offers (for
//! Personio those the credential may read) and the include/exclude rules. "Preview" runs the one
//! dry-run path ([`run::preview_with`]) with the rules as typed; "Save" stores them (nothing on any
//! mistake) and records an audit event.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::{audit, integrations, sync_rules},
    hris::{Provider, personio::Offered},
    sync::{
        run::{self, StartError},
        selection::Selection,
    },
    web::{AppError, AppState, Manager, form::FormData, layout::Layout},
};

use super::rules_input::{self, MAX_RULES, RuleRow};

/// What the preview found for the rules as typed.
pub struct Outcome {
    pub sent: usize,
    pub kept: usize,
    pub left_out: usize,
    pub deactivate: usize,
    pub create: usize,
    pub refusal: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/rules.html")]
pub struct RulesPage {
    layout: Layout,
    key: &'static str,
    name: &'static str,
    offered: Vec<Offered>,
    /// The provider could not list its attributes: why.
    unavailable: Option<String>,
    rows: Vec<RuleRow>,
    errors: Vec<String>,
    preview: Option<Outcome>,
    saved: bool,
}

#[derive(serde::Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

fn url(provider: Provider) -> String {
    format!("/settings/integrations/{}/rules", provider.as_str())
}

/// The connected provider named by the path, or where to go instead.
pub(super) async fn connected(
    state: &AppState,
    company_id: i64,
    segment: &str,
) -> Result<Result<Provider, Response>, AppError> {
    let provider = super::provider_of(segment)?;
    match integrations::get(&state.db, company_id).await? {
        Some(i) if i.provider == provider => Ok(Ok(provider)),
        _ => Ok(Err(Redirect::to(
            "/settings/integrations?notice=not_connected",
        )
        .into_response())),
    }
}

/// What the connected provider offers (for Personio: what the credential may read), or why it
/// could not be listed.
pub(super) async fn offered(
    state: &AppState,
    company_id: i64,
    provider: Provider,
) -> Result<(Vec<Offered>, Option<String>), AppError> {
    Ok(match run::credentials(&state.sync, company_id).await {
        Ok(creds) => match state.sync.providers.attributes(&creds).await {
            Ok(list) => (list, None),
            Err(e) => (
                Vec::new(),
                Some(super::advice::for_fetch(&e, provider, false)),
            ),
        },
        Err(StartError::Key(p)) => (Vec::new(), Some(run::key_message(p))),
        Err(StartError::NotConnected) => return Err(AppError::NotFound),
        Err(e) => return Err(AppError::Internal(e.into())),
    })
}

async fn page(
    state: &AppState,
    user: &crate::web::CurrentUser,
    provider: Provider,
) -> Result<RulesPage, AppError> {
    let (offered, unavailable) = offered(state, user.company_id(), provider).await?;
    Ok(RulesPage {
        layout: Layout::new(
            user,
            "settings",
            format!("{} › Who is synced", provider.label()),
        ),
        key: provider.as_str(),
        name: provider.label(),
        offered,
        unavailable,
        rows: Vec::new(),
        errors: Vec::new(),
        preview: None,
        saved: false,
    })
}

/// The rows to show: the ones given, plus blank ones up to three, at most [`MAX_RULES`].
fn with_blanks(mut rows: Vec<RuleRow>) -> Vec<RuleRow> {
    rows.retain(|r| !(r.key.is_empty() && r.values.is_empty()));
    let blanks = 3usize.saturating_sub(rows.len()).max(1);
    for _ in 0..blanks {
        if rows.len() < MAX_RULES {
            rows.push(RuleRow {
                effect: "exclude".into(),
                ..RuleRow::default()
            });
        }
    }
    rows
}

pub async fn rules_form(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(segment): Path<String>,
    Query(q): Query<Saved>,
) -> Result<Response, AppError> {
    let provider = match connected(&state, user.company_id(), &segment).await? {
        Ok(p) => p,
        Err(go) => return Ok(go),
    };
    let mut p = page(&state, &user, provider).await?;
    let stored = sync_rules::selection(&state.db, user.company_id(), provider).await?;
    p.rows = with_blanks(stored.rules.iter().map(RuleRow::of).collect());
    p.saved = q.saved.is_some();
    Ok(p.into_response())
}

pub async fn rules_save(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(segment): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let company_id = user.company_id();
    let provider = match connected(&state, company_id, &segment).await? {
        Ok(p) => p,
        Err(go) => return Ok(go),
    };
    let mut p = page(&state, &user, provider).await?;
    let rows = rules_input::rows(&form);
    p.rows = with_blanks(rows.clone());
    if p.unavailable.is_some() {
        p.errors.push(format!(
            "Nothing was saved: {} could not list its attributes, so the rules cannot be checked.",
            provider.label()
        ));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    }
    let selection = match rules_input::parse(&rows, &p.offered, provider.label()) {
        Ok(s) => s,
        Err(errors) => {
            p.errors = errors;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
        }
    };
    if form.get("action") == "save" {
        let mut tx = state.db.begin().await?;
        sync_rules::replace(&mut tx, company_id, provider, &selection)
            .await
            .map_err(AppError::Internal)?;
        audit::record(
            &mut tx,
            company_id,
            Some(user.person.id),
            "sync_rules",
            &describe(provider, &selection),
        )
        .await?;
        tx.commit().await?;
        return Ok(Redirect::to(&format!("{}?saved=1", url(provider))).into_response());
    }
    match run::preview_with(
        &state.sync,
        company_id,
        run::Unsaved {
            selection: Some(selection),
            ..Default::default()
        },
    )
    .await
    {
        Ok(Ok((planned, refusal))) => {
            let plan = &planned.plan;
            p.preview = Some(Outcome {
                sent: plan.hris_people,
                kept: plan.hris_people - plan.left_out,
                left_out: plan.left_out,
                deactivate: plan.counts.deactivated,
                create: plan.counts.created,
                refusal: refusal.map(|r| r.to_string()),
            });
        }
        Ok(Err(fetch)) => p
            .errors
            .push(super::advice::for_fetch(&fetch, provider, false)),
        Err(StartError::Key(k)) => p.errors.push(run::key_message(k)),
        Err(e) => return Err(AppError::Internal(e.into())),
    }
    Ok(p.into_response())
}

/// The audit event's text: "Who is synced (Personio): leave out Employment type is external".
fn describe(provider: Provider, selection: &Selection) -> String {
    if selection.is_empty() {
        return format!("Who is synced ({}): everyone", provider.label());
    }
    let rules: Vec<String> = selection.rules.iter().map(|r| r.describe()).collect();
    format!(
        "Who is synced ({}): leave out people whose {}",
        provider.label(),
        rules.join("; or whose ")
    )
}
