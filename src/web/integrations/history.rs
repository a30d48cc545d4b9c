//! The sync history: every run, newest first, 25 a page, with the connect, disconnect, apply,
//! discard and settings events of the same stretch of time between them (from the audit log,
//! with who did them), under a chart of the last 30 runs.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use time::OffsetDateTime;

use crate::{
    db::{
        audit::{self, AuditEvent},
        sync_runs::{self, Run},
    },
    web::{AppError, AppState, Manager, layout::Layout},
};

use super::{
    chart::{self, Chart, Mark, Point},
    schedule::CompanyClock,
    view::RunView,
};

pub const PAGE_SIZE: i64 = 25;
const CHART_RUNS: i64 = 30;
/// Most audit events shown among one page of runs.
const EVENTS_PER_PAGE: i64 = 200;

#[derive(serde::Deserialize)]
pub struct HistoryQuery {
    page: Option<i64>,
}

/// An audit event as a history row.
pub struct EventView {
    pub when: String,
    pub action: &'static str,
    pub detail: String,
    pub by: String,
}

/// A history row: a run, or something a person did.
pub enum Entry {
    Run(Box<RunView>),
    Event(EventView),
}

/// One row of the chart's table alternative.
pub struct ChartRow {
    pub id: i64,
    pub when: String,
    pub outcome: &'static str,
    pub created: i64,
    pub updated: i64,
    pub deactivated: i64,
    pub reactivated: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/history.html")]
pub struct HistoryPage {
    layout: Layout,
    entries: Vec<Entry>,
    total: i64,
    page: i64,
    pages: i64,
    chart: Chart,
    /// The chart in one sentence (its `desc`).
    chart_summary: String,
    chart_rows: Vec<ChartRow>,
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
    let offset = (page - 1) * PAGE_SIZE;
    let runs = sync_runs::list(&state.db, company.id, PAGE_SIZE, offset).await?;
    // The events between this page's oldest run and the next newer page's oldest one.
    let to = match offset {
        0 => None,
        _ => sync_runs::list(&state.db, company.id, 1, offset - 1)
            .await?
            .first()
            .map(|r| r.started_at),
    };
    let from = (page < pages)
        .then(|| runs.last().map(|r| r.started_at))
        .flatten();
    let events = audit::between(&state.db, company.id, from, to, EVENTS_PER_PAGE).await?;
    let entries = interleave(&runs, events, &clock);

    let mut recent = sync_runs::list(&state.db, company.id, CHART_RUNS, 0).await?;
    recent.reverse();
    let views: Vec<RunView> = recent.iter().map(|r| RunView::of(r, &clock)).collect();
    let points: Vec<Point> = recent
        .iter()
        .zip(&views)
        .map(|(r, v)| point(r, v, &clock))
        .collect();
    Ok(HistoryPage {
        layout: Layout::new(&user, "settings", "Sync history"),
        entries,
        total,
        page,
        pages,
        chart_summary: summary(&points, &views),
        chart: chart::chart(&points),
        chart_rows: views
            .iter()
            .rev()
            .map(|v| ChartRow {
                id: v.id,
                when: v.when.clone(),
                outcome: v.outcome_label,
                created: v.created,
                updated: v.updated,
                deactivated: v.deactivated,
                reactivated: v.reactivated,
            })
            .collect(),
    })
}

/// How the chart draws a run: bars only for what was applied.
fn mark(v: &RunView) -> Mark {
    if v.running {
        return Mark::Running;
    }
    use crate::sync::lifecycle::State;
    match v.state {
        State::Failed => Mark::Failed,
        State::Refused => Mark::Refused,
        State::Paused | State::Discarded | State::Superseded | State::Applied => Mark::Paused,
        State::Queued | State::Running | State::Succeeded => Mark::Changes,
    }
}

fn point(r: &Run, v: &RunView, clock: &CompanyClock) -> Point {
    let mark = mark(v);
    let label = match mark {
        Mark::Changes => format!(
            "{}: {} created, {} updated, {} deactivated, {} reactivated",
            v.when, v.created, v.updated, v.deactivated, v.reactivated
        ),
        _ => format!("{}: {}, nothing applied", v.when, v.outcome_label),
    };
    Point {
        run_id: v.id,
        day: clock.day(r.started_at),
        label,
        mark,
        created: v.created,
        updated: v.updated,
        deactivated: v.deactivated,
        reactivated: v.reactivated,
    }
}

/// "30 syncs from 1 Nov to 3 Dec; at most 60 changes in one sync; 2 failed or refused, 1 paused."
fn summary(points: &[Point], views: &[RunView]) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return "No sync yet.".into();
    };
    let most = views
        .iter()
        .zip(points)
        .filter(|(_, p)| p.mark == Mark::Changes)
        .map(|(v, _)| v.changes())
        .max()
        .unwrap_or(0);
    let count = |m: &[Mark]| points.iter().filter(|p| m.contains(&p.mark)).count();
    format!(
        "{} {} from {} to {}; at most {most} changes in one sync; {} failed or refused, {} paused.",
        points.len(),
        if points.len() == 1 { "sync" } else { "syncs" },
        first.day,
        last.day,
        count(&[Mark::Failed, Mark::Refused]),
        count(&[Mark::Paused]),
    )
}

fn action_label(action: &str) -> &'static str {
    match action {
        "connect" => "Connected",
        "disconnect" => "Disconnected",
        "apply" => "Apply anyway",
        "discard" => "Discarded",
        "settings" => "Settings changed",
        crate::web::fields::AUDIT_ACTION => "Fields changed",
        "alerts" => "Sync alerts",
        "sync_rules" => "Who is synced",
        super::field_mapping::AUDIT_ACTION => "Fields mapping changed",
        _ => "Event",
    }
}

/// Runs and events, newest first. At the same second a connect or an "Apply anyway" came just
/// before the run it started; anything else came after the run.
fn interleave(runs: &[Run], events: Vec<AuditEvent>, clock: &CompanyClock) -> Vec<Entry> {
    let mut keyed: Vec<((OffsetDateTime, u8), Entry)> = runs
        .iter()
        .map(|r| {
            (
                (r.started_at, 1),
                Entry::Run(Box::new(RunView::of(r, clock))),
            )
        })
        .collect();
    keyed.extend(events.into_iter().map(|e| {
        let rank = if matches!(e.action.as_str(), "connect" | "apply") {
            0
        } else {
            2
        };
        let view = EventView {
            when: clock.show_seconds(e.at),
            action: action_label(&e.action),
            detail: e.detail,
            by: e.actor.unwrap_or_else(|| "Roster".into()),
        };
        ((e.at, rank), Entry::Event(view))
    }));
    // Stable: runs keep their newest-first order within a second.
    keyed.sort_by_key(|(key, _)| std::cmp::Reverse(*key));
    keyed.into_iter().map(|(_, e)| e).collect()
}
