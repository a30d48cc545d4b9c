//! The Personio client's rate limiters and knobs.
//!
//! Personio counts requests in sliding windows: 300 employee pages a minute in bursts of 15 a
//! second and 60 sign-ins a minute per credential, and 2,000 requests a minute per caller IP for
//! the whole deployment (`shared/hris/personio.md` §7). The per-credential windows stay in the
//! process: a company is synced by one run at a time, so no two processes use one credential at
//! once. The per-IP budget is spent by every worker process of the deployment together, so it is
//! kept in the database ([`PersonioLimits::deployment_shared`], see `hris::pacing::shared`).

use std::sync::Arc;
use std::time::Duration;

use crate::hris::pacing::{Pacer, SharedBudget};

/// Personio's documented budget per caller IP.
pub const DEPLOYMENT_PER_MINUTE: u32 = 2_000;

/// Rate limiters the client waits on. `deployment` is the budget every Personio client of the
/// deployment shares. `employees` and `auth` belong to one credential; built by
/// [`PersonioLimits::scaled`] they wait on `deployment` themselves ([`Pacer::then`]), so a page
/// waits on its credential's windows, then on the deployment, and only then counts as sent.
#[derive(Debug, Clone)]
pub struct PersonioLimits {
    pub deployment: Arc<Pacer>,
    pub employees: Arc<Pacer>,
    pub auth: Arc<Pacer>,
}

impl PersonioLimits {
    /// Personio's published limits: 300 employee pages a minute in bursts of 15 a second, 60
    /// auth calls a minute, kept as sliding windows (how the fake, and by its 429s Personio,
    /// counts), each request also taken from `deployment`.
    pub fn personio_defaults(deployment: Arc<Pacer>) -> PersonioLimits {
        PersonioLimits::scaled(deployment, 300, 15)
    }
    /// Employee pages limited to `per_minute` and `per_second` (benchmarks scale Personio's
    /// limits up); auth as Personio documents it.
    pub fn scaled(deployment: Arc<Pacer>, per_minute: u32, per_second: u32) -> PersonioLimits {
        PersonioLimits {
            employees: Arc::new(
                Pacer::windows(&[
                    (per_minute, Duration::from_secs(60)),
                    (per_second, Duration::from_secs(1)),
                ])
                .then(deployment.clone()),
            ),
            auth: Arc::new(
                Pacer::windows(&[(60, Duration::from_secs(60))]).then(deployment.clone()),
            ),
            deployment,
        }
    }
    /// This process's own deployment pacer, 2,000 requests a minute: right only for a deployment
    /// of one process. [`crate::app::App::build`] uses [`PersonioLimits::deployment_shared`].
    pub fn deployment_default() -> Arc<Pacer> {
        Arc::new(Pacer::new(DEPLOYMENT_PER_MINUTE, 50))
    }
    /// The deployment's 2,000 requests a minute, shared through `budget` (the database) by every
    /// process of the deployment.
    pub fn deployment_shared(budget: Arc<dyn SharedBudget>) -> Arc<Pacer> {
        Arc::new(Pacer::shared(
            budget,
            "personio",
            DEPLOYMENT_PER_MINUTE,
            Duration::from_secs(60),
        ))
    }
    /// No waiting at all (tests against a local fake).
    pub fn unlimited() -> PersonioLimits {
        PersonioLimits {
            deployment: Arc::new(Pacer::unlimited()),
            employees: Arc::new(Pacer::unlimited()),
            auth: Arc::new(Pacer::unlimited()),
        }
    }
}

/// Knobs with sensible defaults.
#[derive(Debug, Clone)]
pub struct PersonioOptions {
    /// `limit` sent with each page (Personio's cap is 100).
    pub page_size: u32,
    /// More pages than this is an error (protects against a server that never ends a list).
    pub max_pages: u32,
    /// Re-authenticate this long before the token's `expires_in` runs out.
    pub token_margin: Duration,
    /// Optional `X-Personio-Partner-ID` / `X-Personio-App-ID` headers.
    pub partner_id: Option<String>,
    pub app_id: Option<String>,
}

impl Default for PersonioOptions {
    fn default() -> Self {
        PersonioOptions {
            page_size: 100,
            max_pages: 1_000,
            token_margin: Duration::from_secs(300),
            partner_id: None,
            app_id: None,
        }
    }
}
