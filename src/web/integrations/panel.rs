//! The Integrations page: one panel per HRIS, the live status of the company's sync (also served
//! alone as a fragment that `static/live.js` polls), and "Sync now".

use askama::Template;
use askama_web::WebTemplate;
use axum::{extract::State, response::Redirect};

use crate::{
    db::{Db, companies, integrations, panel_state, sync_runs},
    hris::Provider,
    sync::{
        lifecycle::State as RunState,
        morning,
        run::{Request, Trigger},
    },
    web::{AppError, AppState, Manager, layout::Layout, query::Query},
};

use super::{
    notice::{Notice, notice, queued_url},
    schedule::CompanyClock,
    view::RunView,
};

/// One HRIS's panel.
pub struct ProviderPanel {
    pub key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub connected: bool,
    /// Why Connect is not offered (another HRIS is connected).
    pub unavailable: Option<String>,
}

pub struct Connection {
    pub since: String,
    pub by: String,
    pub hint: String,
}

/// The live part of the panel: a running (or queued) sync, else the last one.
pub struct Status {
    pub live_url: String,
    /// The notice about the sync just asked for, while it is under way.
    pub notice: Option<Notice>,
    /// True while the page should keep asking (running or queued).
    pub polling: bool,
    pub queued: bool,
    pub running: Option<RunView>,
    pub last: Option<RunView>,
}

fn description(p: Provider) -> &'static str {
    match p {
        Provider::Personio => {
            "Syncs people from Personio with an API credential (client ID and secret)."
        }
        Provider::Kiwihr => {
            "Syncs people and teams from kiwiHR with an API token and your kiwiHR address."
        }
    }
}

/// Session key: the provider's warnings from Connect, shown once on the panel.
pub const CONNECT_WARNINGS: &str = "integrations.connect_warnings";

/// How long a sync may stay queued before the panel stops saying it starts in a moment (a
/// worker that is down, or a job that found nothing to do).
const QUEUED_FOR: i64 = 60;

#[derive(serde::Deserialize, Default)]
pub struct PanelQuery {
    notice: Option<String>,
    /// The newest run id when a sync was enqueued: a later run is the one we are waiting for.
    after: Option<i64>,
    /// When it was enqueued (Unix seconds).
    at: Option<i64>,
}

impl PanelQuery {
    /// The run id to wait past, while the enqueued sync is recent enough to wait for.
    fn waiting_after(&self) -> Option<i64> {
        let now = crate::db::now().unix_timestamp();
        self.after.filter(|_| {
            self.at
                .is_some_and(|at| (0..QUEUED_FOR).contains(&(now - at)))
        })
    }
}

pub async fn load_status(
    db: &Db,
    company_id: i64,
    q: &PanelQuery,
    clock: &CompanyClock,
) -> Result<Status, AppError> {
    let recent = sync_runs::list(db, company_id, i64::from(panel_state::RECENT_RUNS), 0).await?;
    Ok(status_of(&recent, q, clock))
}

/// The live status from the company's newest runs (newest first, [`panel_state::RECENT_RUNS`]).
fn status_of(recent: &[sync_runs::Run], q: &PanelQuery, clock: &CompanyClock) -> Status {
    let after = q.waiting_after();
    let newest = recent.first().map(|r| r.id).unwrap_or(0);
    let running = recent.first().filter(|r| r.state == RunState::Running);
    let last = recent.iter().find(|r| r.state != RunState::Running);
    let queued = running.is_none() && after.is_some_and(|a| newest <= a);
    let sync_notice = q
        .notice
        .as_deref()
        .and_then(notice)
        .filter(|n| n.about_sync);
    let live_url = match (after, q.at, &q.notice) {
        (Some(a), Some(at), Some(n)) if sync_notice.is_some() => {
            format!("/settings/integrations/status?after={a}&at={at}&notice={n}")
        }
        (Some(a), Some(at), _) => format!("/settings/integrations/status?after={a}&at={at}"),
        _ => "/settings/integrations/status".to_string(),
    };
    let polling = running.is_some() || queued;
    Status {
        live_url,
        notice: sync_notice.filter(|_| polling),
        polling,
        queued,
        running: running.map(|r| RunView::of(r, clock)),
        last: last.map(|r| RunView::of(r, clock)),
    }
}

/// The id of the newest run (0 when none): what "queued" waits to be overtaken.
pub async fn newest_run_id(db: &Db, company_id: i64) -> Result<i64, AppError> {
    Ok(sync_runs::list(db, company_id, 1, 0)
        .await?
        .first()
        .map(|r| r.id)
        .unwrap_or(0))
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/index.html")]
pub struct IndexPage {
    layout: Layout,
    /// A notice not about a sync (those live in the status).
    notice: Option<Notice>,
    warnings: Vec<String>,
    panels: Vec<ProviderPanel>,
    connection: Option<Connection>,
    status: Status,
    next_sync: String,
}

pub async fn index(
    State(state): State<AppState>,
    Manager(user): Manager,
    Query(q): Query<PanelQuery>,
) -> Result<IndexPage, AppError> {
    let now = chrono::Utc::now();
    let company_id = user.company_id();
    let panel = panel_state::read(&state.db, company_id, now.date_naive())
        .await?
        .ok_or(AppError::NotFound)?;
    let clock = CompanyClock::new(&panel.time_zone);
    let connected_to = panel.connection.as_ref().map(|c| c.provider);
    let panels = [Provider::Personio, Provider::Kiwihr]
        .into_iter()
        .map(|p| ProviderPanel {
            key: p.as_str(),
            name: p.label(),
            description: description(p),
            connected: connected_to == Some(p),
            unavailable: connected_to.filter(|c| *c != p).map(|c| {
                format!(
                    "Connect is unavailable: {c} is connected, and a company syncs from one HRIS at a time. Disconnect {c} first."
                )
            }),
        })
        .collect();
    let next_sync = {
        let tz = companies::zone(&panel.time_zone);
        let today_claimed = panel.claimed_on(morning::local_date(now, tz));
        clock.next_sync(
            morning::next_morning(now, tz, panel.sync_hour, today_claimed),
            now,
        )
    };
    let connection = panel.connection.map(|i| Connection {
        since: clock.show(i.connected_at),
        by: i.connected_by.unwrap_or_else(|| "the command line".into()),
        hint: i.hint,
    });
    Ok(IndexPage {
        layout: Layout::new(&user, "settings", "Integrations"),
        notice: q
            .notice
            .as_deref()
            .and_then(notice)
            .filter(|n| !n.about_sync),
        warnings: take_warnings(&user.session).await?,
        panels,
        connection,
        status: status_of(&panel.recent, &q, &clock),
        next_sync,
    })
}

/// Connect's warnings, once. Only a session that has them is changed: `Session::remove` marks
/// the session modified even when the key is absent, which would write the session row (and
/// send a cookie) on every view of the panel.
async fn take_warnings(session: &tower_sessions::Session) -> Result<Vec<String>, AppError> {
    if session
        .get::<Vec<String>>(CONNECT_WARNINGS)
        .await?
        .is_none()
    {
        return Ok(Vec::new());
    }
    Ok(session
        .remove::<Vec<String>>(CONNECT_WARNINGS)
        .await?
        .unwrap_or_default())
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/status.html")]
pub struct StatusFragment {
    status: Status,
}

/// The live status alone, for `static/live.js`.
pub async fn status(
    State(state): State<AppState>,
    Manager(user): Manager,
    Query(q): Query<PanelQuery>,
) -> Result<StatusFragment, AppError> {
    let company = super::company(&state, user.company_id()).await?;
    let clock = CompanyClock::new(&company.time_zone);
    Ok(StatusFragment {
        status: load_status(&state.db, company.id, &q, &clock).await?,
    })
}

/// "Sync now": enqueues a manual run, unless one is already queued or running (a double click
/// makes one run; the panel says the sync is under way).
pub async fn sync_now(
    State(state): State<AppState>,
    Manager(user): Manager,
) -> Result<Redirect, AppError> {
    let company_id = user.company_id();
    if integrations::get(&state.db, company_id).await?.is_none() {
        return Ok(Redirect::to("/settings/integrations?notice=not_connected"));
    }
    let newest = newest_run_id(&state.db, company_id).await?;
    let queued = state
        .jobs
        .enqueue_unless_waiting(Request {
            company_id,
            trigger: Trigger::Manual,
            started_by: Some(user.person.id),
            approve: None,
        })
        .await?;
    if queued {
        return Ok(Redirect::to(&queued_url("started", newest)));
    }
    // The panel follows the sync under way: the running one, else the one waiting to start.
    let running = sync_runs::running(&state.db, company_id).await?;
    let after = running.map(|r| r.id - 1).unwrap_or(newest);
    Ok(Redirect::to(&queued_url("already", after)))
}
