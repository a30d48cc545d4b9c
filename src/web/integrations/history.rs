//! The sync history: every run, newest first, 25 a page, under a chart of the last 30 runs.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::{
    db::sync_runs,
    web::{AppError, AppState, Manager, layout::Layout, query::Query},
};

use super::{
    chart::{self, Chart, Point},
    schedule::CompanyClock,
    view::RunView,
};

pub const PAGE_SIZE: i64 = 25;
const CHART_RUNS: i64 = 30;

#[derive(serde::Deserialize)]
pub struct HistoryQuery {
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/history.html")]
pub struct HistoryPage {
    layout: Layout,
    runs: Vec<RunView>,
    total: i64,
    page: i64,
    pages: i64,
    chart: Chart,
}

pub async fn history(
    State(state): State<AppState>,
    Manager(user): Manager,
    Query(q): Query<HistoryQuery>,
) -> Result<HistoryPage, AppError> {
    let company = super::company(&state, user.company_id()).await?;
    let clock = CompanyClock::new(&company.time_zone);
    let total = sync_runs::count(&state.db, company.id).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let runs = sync_runs::list(&state.db, company.id, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        .await?
        .iter()
        .map(|r| RunView::of(r, &clock))
        .collect();
    let mut recent: Vec<RunView> = sync_runs::list(&state.db, company.id, CHART_RUNS, 0)
        .await?
        .iter()
        .map(|r| RunView::of(r, &clock))
        .collect();
    recent.reverse();
    let points: Vec<Point> = recent
        .iter()
        .map(|r| Point {
            run_id: r.id,
            changes: r.changes(),
            failed: r.is_failure(),
            label: format!(
                "{}: {} changes, {}",
                r.when,
                r.changes(),
                r.outcome_label.to_lowercase()
            ),
        })
        .collect();
    Ok(HistoryPage {
        layout: Layout::new(&user, "settings", "Sync history"),
        runs,
        total,
        page,
        pages,
        chart: chart::chart(&points),
    })
}
