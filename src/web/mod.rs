//! The web application: one route table, guards as extractors and layers, pages rendered by
//! askama templates that sit next to their handlers.

mod access;
mod auth;
mod csrf;
mod error;
mod error_page;
mod expiry;
mod extract;
mod field_errors;
mod fields;
mod form;
mod groups;
mod health;
mod integrations;
mod layout;
mod next;
mod password;
mod people;
mod query;
mod security;
pub mod serve;
mod settings;
mod settings_mail;

use std::sync::Arc;

use axum::{
    Router, middleware,
    response::Redirect,
    routing::{get, post},
};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

use crate::{
    config::Config, db::Db, jobs::Jobs, session_store::DbSessionStore, sync::run::SyncContext,
};

pub use error::AppError;
pub use extract::{CurrentUser, Manager};

/// What every handler can reach ([`crate::app::App::state`] makes it).
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// The sync path's context (providers, credential key), for Connect and Preview.
    pub sync: SyncContext,
    /// Where "Sync now", Connect and "Apply anyway" enqueue their runs.
    pub jobs: Jobs,
    /// The bound on concurrent password checks (argon2) for logins.
    pub password_checks: crate::auth::PasswordChecks,
    /// The worker of this process, when it runs one (for `/readyz`).
    pub worker_health: Arc<crate::worker::WorkerHealth>,
}

/// The one route table. Reading it tells which routes need a login (handlers taking
/// [`CurrentUser`]) and which need the company-manager role ([`Manager`]); everything under
/// `/settings` is also behind a manager-only layer, so a settings handler cannot forget it.
pub fn router(state: AppState) -> Router {
    let settings = Router::new()
        .route("/", get(settings::index))
        .route(
            "/company",
            get(settings::company_form).post(settings::company_save),
        )
        .route("/company/mail", post(settings_mail::save))
        .route("/fields", get(fields::page).post(fields::create))
        .route(
            "/fields/gender",
            get(fields::gender_form).post(fields::edit_gender),
        )
        .route("/fields/{id}", get(fields::edit_form).post(fields::update))
        .route(
            "/fields/{id}/delete",
            get(fields::confirm_delete).post(fields::delete),
        )
        .route("/integrations", get(integrations::index))
        .route("/integrations/status", get(integrations::status))
        .route("/integrations/sync", post(integrations::sync_now))
        .route("/integrations/preview", get(integrations::preview))
        .route(
            "/integrations/disconnect",
            get(integrations::disconnect_form).post(integrations::disconnect_confirm),
        )
        .route("/integrations/history", get(integrations::history))
        .route("/integrations/history/{id}", get(integrations::run_page))
        .route(
            "/integrations/history/{id}/changes.csv",
            get(integrations::run_csv),
        )
        .route(
            "/integrations/history/{id}/apply",
            post(integrations::apply_anyway),
        )
        .route(
            "/integrations/history/{id}/discard",
            post(integrations::discard),
        )
        .route(
            "/integrations/{provider}/connect",
            get(integrations::connect_form).post(integrations::connect_save),
        )
        .route(
            "/integrations/{provider}/connect/start",
            post(integrations::connect_start),
        )
        .route(
            "/integrations/{provider}/connect/cancel",
            post(integrations::connect_cancel),
        )
        .route(
            "/integrations/{provider}/rules",
            get(integrations::rules_form).post(integrations::rules_save),
        )
        .route(
            "/integrations/{provider}/fields",
            get(integrations::fields_form).post(integrations::fields_save),
        );

    let session_layer = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("roster_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.tls)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            state.config.session_idle().as_secs() as i64,
        )));

    Router::new()
        .route("/", get(|| async { Redirect::to("/people") }))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route(
            "/forgot-password",
            get(password::forgot_form).post(password::forgot),
        )
        .route(
            "/password/{token}",
            get(password::set_form).post(password::set),
        )
        .route("/people", get(people::list).post(people::create))
        .route("/people/invite-all", post(access::invite_all))
        .route("/people/{id}/invite", post(access::invite_one))
        .route("/people/{id}/role", post(access::set_role))
        .route("/people/{id}/login/remove", post(access::remove_login))
        .route("/people/{id}/alerts", post(access::set_alerts))
        .route("/people/new", get(people::new_form))
        .route("/people/{id}", get(people::show).post(people::update))
        .route("/people/{id}/edit", get(people::edit_form))
        .route("/groups", get(groups::list).post(groups::create))
        .route("/groups/new", get(groups::new_form))
        .route("/groups/{id}", get(groups::show).post(groups::update))
        .route("/groups/{id}/edit", get(groups::edit_form))
        .nest("/settings", settings)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/static/roster.css", get(static_css))
        .route("/static/live.js", get(static_js))
        .route("/static/busy.js", get(static_busy_js))
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            extract::settings_are_for_managers,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::verify))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error_page::with_layout,
        ))
        .layer(session_layer)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Static assets are compiled into the binary, so a release build is one self-contained file.
async fn static_css() -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/roster.css"),
    )
}

async fn static_js() -> impl axum::response::IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/live.js"),
    )
}

async fn static_busy_js() -> impl axum::response::IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/busy.js"),
    )
}

/// A bound, ready-to-run web server (tests bind port 0 and read the address).
pub struct Server {
    listener: TcpListener,
    app: Router,
    timeouts: serve::Timeouts,
}

impl Server {
    pub async fn bind(state: AppState) -> anyhow::Result<Server> {
        let listener = TcpListener::bind(state.config.bind)
            .await
            .map_err(|e| anyhow::anyhow!("could not listen on {}: {e}", state.config.bind))?;
        Ok(Server {
            listener,
            timeouts: state.config.http_timeouts(),
            app: router(state),
        })
    }

    pub fn local_addr(&self) -> std::net::SocketAddr {
        self.listener
            .local_addr()
            .expect("bound listener has an address")
    }

    /// Serves until `shutdown` resolves.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        serve::serve(self.listener, self.app, self.timeouts, shutdown).await;
        Ok(())
    }
}
