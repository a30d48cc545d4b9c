//! One sync run, the path the web, the worker and the CLI all call:
//! lock → fetch → reconcile → guard → apply + record (one transaction).
//!
//! This module holds what callers pass and get back; `lock` holds the company's run lock and
//! its heartbeat, `planning` reads and reconciles (and previews), `start` begins a run and
//! `execute` carries it to its recorded end.

mod execute;
mod lock;
mod planning;
mod start;

use std::sync::Arc;

use crate::{
    crypto::SecretBox,
    db::{Db, sync_runs::Tally},
    hris::{Provider, providers::Providers},
    sync::lifecycle::FailureKind,
};

pub use lock::{STALE_AFTER, stale_after};
pub use planning::{
    Planned, Unsaved, credentials, plan, plan_with, preview, preview_with, today_in,
};
pub use start::{run, run_attempt};

/// Everything a sync needs besides the request.
#[derive(Clone, Debug)]
pub struct SyncContext {
    pub db: Db,
    pub providers: Providers,
    pub secrets: Arc<SecretBox>,
}

pub use super::lifecycle::{Outcome, Trigger};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub company_id: i64,
    pub trigger: Trigger,
    pub started_by: Option<i64>,
    /// The paused run whose "Apply anyway" this is.
    pub approve: Option<i64>,
}

/// Where a run stands among its job's starts (the worker retries transient failures), and the
/// company-local morning a scheduled job belongs to. The CLI and direct calls have one start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub number: i64,
    pub max: i64,
    pub morning: Option<time::Date>,
}

impl Attempt {
    /// A run that is not retried.
    pub const ONLY: Attempt = Attempt {
        number: 1,
        max: 1,
        morning: None,
    };

    /// Whether a failed run is started again (by the worker): then its failure is not the
    /// sync's last word, and alerts wait for the last attempt.
    pub fn retries(&self, transient: bool) -> bool {
        transient && self.number < self.max
    }
}

/// What a finished run did.
#[derive(Debug, Clone)]
pub struct Report {
    pub run_id: i64,
    pub outcome: Outcome,
    /// Why it failed or was refused.
    pub failure: Option<FailureKind>,
    pub tally: Tally,
    pub message: Option<String>,
    /// Whether a failure is worth retrying (provider 429/5xx, timeouts, connection errors).
    pub transient: bool,
    /// Where the time went (the benchmarks print it).
    pub phases: Phases,
}

/// Wall-clock time of each phase of a run; zero for a phase the run did not reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Phases {
    pub fetch: std::time::Duration,
    /// Reading the directory and reconciling.
    pub plan: std::time::Duration,
    /// Writing the plan and the history, commit included.
    pub apply: std::time::Duration,
}

/// Reasons a run did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("This company has no connected HRIS.")]
    NotConnected,
    #[error("A sync is already running for this company.")]
    AlreadyRunning,
    #[error("{0}")]
    Approval(String),
    /// The stored credentials cannot be opened with this server's key.
    #[error("{}", key_message(*.0))]
    Key(Provider),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What a company manager reads when the stored credentials cannot be opened, and what to do.
pub fn key_message(provider: Provider) -> String {
    format!(
        "Roster cannot read the stored {provider} credentials with this server's key. \
         Reconnect {provider}, or start Roster with the key it used before."
    )
}

impl From<sqlx::Error> for StartError {
    fn from(e: sqlx::Error) -> StartError {
        StartError::Internal(e.into())
    }
}
