//! One run: its changes grouped by person (filtered, searched, 50 people a page), warnings,
//! errors and the people not in the HRIS. A paused run shows its whole plan the same way, who it
//! would deactivate (job, department, why), "Apply anyway" behind a confirmation and "Discard";
//! a closed one how it closed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use crate::{
    db::{
        run_people::{self, Leaving, Unlinked},
        sync_runs::{self, Note},
    },
    sync::review,
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
    notice: Option<String>,
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
    /// Whom it deactivates (or, paused, would).
    leaving: Vec<Leaving>,
    /// Paused: the review's actions are live.
    paused: bool,
    /// Paused or closed: its changes are a plan, not applied.
    planned: bool,
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
            Some("discarded") => Some("Discarded. Nothing from this sync was applied.".into()),
            Some("not_paused") => review::not_open(&run),
            Some("confirm") => Some(format!(
                "Nothing was applied: tick “Yes, deactivate {} people” to confirm, then choose Apply anyway.",
                run.deactivated
            )),
            Some("already") => Some(
                "A sync is already queued or running. Wait for it to finish, then try again."
                    .into(),
            ),
            _ => None,
        },
        planned: view.is_planned(),
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
        leaving: run_people::leaving(&state.db, id).await?,
    })
}
