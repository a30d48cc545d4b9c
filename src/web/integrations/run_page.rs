//! One run: its per-person changes, warnings, errors and the people not in the HRIS; for a
//! paused run, who it would deactivate, with "Apply anyway" and "Discard".

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    response::Redirect,
};

use crate::{
    db::sync_runs::{self, Note},
    sync::run::{Request, Trigger},
    web::{AppError, AppState, Manager, layout::Layout, query::Query},
};

use super::{
    schedule::CompanyClock,
    view::{ChangeRow, RunView},
};

const CHANGES_PER_PAGE: i64 = 200;

#[derive(serde::Deserialize)]
pub struct RunQuery {
    page: Option<i64>,
    notice: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/run.html")]
pub struct RunPage {
    layout: Layout,
    notice: Option<&'static str>,
    run: RunView,
    approved_from: Option<i64>,
    changes: Vec<ChangeRow>,
    change_total: i64,
    page: i64,
    pages: i64,
    run_warnings: Vec<Note>,
    warnings: Vec<Note>,
    errors: Vec<Note>,
    not_in_hris: Vec<Note>,
    would_deactivate: Vec<Note>,
    paused: bool,
}

fn of_kind(notes: &[Note], kind: &str) -> Vec<Note> {
    notes.iter().filter(|n| n.kind == kind).cloned().collect()
}

pub async fn run_page(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
    Query(q): Query<RunQuery>,
) -> Result<RunPage, AppError> {
    let company = super::company(&state, user.company_id()).await?;
    let run = sync_runs::get(&state.db, company.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let clock = CompanyClock::new(&company.time_zone);
    let change_total = sync_runs::change_count(&state.db, id).await?;
    let pages = ((change_total + CHANGES_PER_PAGE - 1) / CHANGES_PER_PAGE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let changes = sync_runs::changes(
        &state.db,
        id,
        CHANGES_PER_PAGE,
        (page - 1) * CHANGES_PER_PAGE,
    )
    .await?
    .into_iter()
    .map(ChangeRow::of)
    .collect();
    let notes = sync_runs::notes(&state.db, id).await?;
    let view = RunView::of(&run, &clock);
    Ok(RunPage {
        layout: Layout::new(&user, "settings", format!("Sync {}", run.id)),
        notice: match q.notice.as_deref() {
            Some("discarded") => Some("Discarded. Nothing from this sync was applied."),
            Some("not_paused") => {
                Some("This sync is no longer paused (it was applied, discarded or replaced).")
            }
            Some("already") => {
                Some("A sync is already running. Wait for it to finish, then try again.")
            }
            _ => None,
        },
        paused: view.outcome == "paused",
        run: view,
        approved_from: run.approved_from,
        changes,
        change_total,
        page,
        pages,
        run_warnings: of_kind(&notes, "run_warning"),
        warnings: of_kind(&notes, "warning"),
        errors: of_kind(&notes, "error"),
        not_in_hris: of_kind(&notes, "not_in_hris"),
        would_deactivate: of_kind(&notes, "would_deactivate"),
    })
}

/// "Apply anyway": a new run that may deactivate exactly the people this paused run listed.
pub async fn apply_anyway(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let company_id = user.company_id();
    let run = sync_runs::get(&state.db, company_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if run.outcome.as_deref() != Some("paused") {
        return Ok(Redirect::to(&format!(
            "/settings/integrations/history/{id}?notice=not_paused"
        )));
    }
    if sync_runs::running(&state.db, company_id).await?.is_some() {
        return Ok(Redirect::to(&format!(
            "/settings/integrations/history/{id}?notice=already"
        )));
    }
    let after = super::panel::newest_run_id(&state.db, company_id).await?;
    state
        .jobs
        .enqueue(Request {
            company_id,
            trigger: Trigger::Approval,
            started_by: Some(user.person.id),
            approve: Some(id),
        })
        .await?;
    Ok(Redirect::to(&super::panel::queued_url("started", after)))
}

/// "Discard": the paused run stays in the history, marked discarded; nothing is applied.
pub async fn discard(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let company_id = user.company_id();
    sync_runs::get(&state.db, company_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let notice = if sync_runs::discard(&state.db, company_id, id).await? {
        "discarded"
    } else {
        "not_paused"
    };
    Ok(Redirect::to(&format!(
        "/settings/integrations/history/{id}?notice={notice}"
    )))
}
