//! One run: its changes grouped by person (filtered, searched, 50 people a page), warnings,
//! errors and the people not in the HRIS; for a paused run, who it would deactivate, with
//! "Apply anyway" and "Discard".

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    response::Redirect,
};

use crate::{
    db::{
        audit,
        run_people::{self, Unlinked},
        sync_runs::{self, Note},
    },
    sync::{
        lifecycle::State as RunState,
        run::{Request, Trigger},
    },
    web::{AppError, AppState, Manager, layout::Layout, query::Query},
};

use super::{
    grouping::{self, Filter, FilterChoice, PersonGroup},
    schedule::CompanyClock,
    view::RunView,
};

#[derive(serde::Deserialize)]
pub struct RunQuery {
    page: Option<usize>,
    filter: Option<String>,
    q: Option<String>,
    notice: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/run.html")]
pub struct RunPage {
    layout: Layout,
    notice: Option<&'static str>,
    run: RunView,
    approved_from: Option<i64>,
    people: Vec<PersonGroup>,
    /// People the run changed or warned about, before filtering.
    people_total: usize,
    matching: usize,
    filter: &'static str,
    choices: Vec<FilterChoice>,
    q: String,
    page: usize,
    pages: usize,
    run_warnings: Vec<Note>,
    errors: Vec<Note>,
    not_in_hris: Vec<Unlinked>,
    would_deactivate: Vec<Note>,
    paused: bool,
}

impl RunPage {
    /// This page's address with another filter or page, keeping the search.
    fn link(&self, filter: &str, page: usize) -> String {
        let mut url = format!(
            "/settings/integrations/history/{}?filter={filter}",
            self.run.id
        );
        if !self.q.is_empty() {
            url.push_str("&q=");
            url.extend(url::form_urlencoded::byte_serialize(self.q.as_bytes()));
        }
        if page > 1 {
            url.push_str(&format!("&page={page}"));
        }
        url
    }
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
    let provider = run.provider;
    let filter = Filter::parse(q.filter.as_deref().unwrap_or(""));
    let search = q.q.unwrap_or_default().trim().to_string();
    let summaries = run_people::summaries(&state.db, id).await?;
    let people_total = summaries.len();
    let selection = grouping::select(summaries, filter, &search, q.page.unwrap_or(1));
    let keys: Vec<_> = selection.page.iter().map(|s| s.key.clone()).collect();
    let changes = run_people::changes_of(&state.db, id, &keys).await?;
    let person_warnings = run_people::warnings_of(&state.db, id, &keys).await?;
    let people = grouping::groups(&selection.page, &changes, &person_warnings, provider);
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
        paused: view.is_paused(),
        run: view,
        approved_from: run.approved_from,
        people,
        people_total,
        matching: selection.matching,
        filter: filter.as_str(),
        choices: selection.choices,
        q: search,
        page: selection.page_number,
        pages: selection.pages,
        run_warnings: of_kind(&notes, "run_warning"),
        errors: of_kind(&notes, "error"),
        not_in_hris: run_people::not_in_hris(&state.db, id).await?,
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
    if run.state != RunState::Paused {
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
    // Recorded before the run is queued, so the history lists it before the run it starts.
    audit::record_now(
        &state.db,
        company_id,
        Some(user.person.id),
        "apply",
        &format!("Chose Apply anyway on sync {id}"),
    )
    .await?;
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
    let notice = if sync_runs::discard(&state.db, company_id, id, Some(user.person.id)).await? {
        let detail = format!("Discarded paused sync {id}; nothing from it was applied");
        audit::record_now(
            &state.db,
            company_id,
            Some(user.person.id),
            "discard",
            &detail,
        )
        .await?;
        "discarded"
    } else {
        "not_paused"
    };
    Ok(Redirect::to(&format!(
        "/settings/integrations/history/{id}?notice={notice}"
    )))
}
