//! Settings › Integrations: connect and disconnect an HRIS, sync now, preview, the live status
//! of a running sync, and the sync history. The web only enqueues runs; a worker runs them.

mod advice;
mod builtin_input;
mod chart;
mod connect;
mod connect_review;
mod disconnect;
pub(super) mod field_mapping;
mod grouping;
mod history;
mod kept_secret;
mod labels;
mod mapping_input;
mod notice;
mod panel;
mod pending;
mod preview;
mod review;
mod rules;
mod rules_input;
mod run_csv;
mod run_page;
mod schedule;
mod session_slot;
mod view;

pub(super) use connect::{connect_form, connect_save};
pub(super) use connect_review::{connect_cancel, connect_start};
pub(super) use disconnect::{disconnect_confirm, disconnect_form};
pub(super) use field_mapping::{fields_form, fields_save};
pub(super) use history::history;
pub(super) use panel::{index, status, sync_now};
pub(super) use preview::preview;
pub(super) use review::{apply_anyway, discard};
pub(super) use rules::{rules_form, rules_save};
pub(super) use run_csv::run_csv;
pub(super) use run_page::run_page;
pub(super) use schedule::CompanyClock;
pub(super) use view::initial_summary;

use crate::{
    db::companies::{self, Company},
    hris::Provider,
    web::AppError,
};

/// The company of the logged-in manager (the time zone and sync hour are on it).
async fn company(state: &crate::web::AppState, company_id: i64) -> Result<Company, AppError> {
    companies::get(&state.db, company_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The provider named in a path segment (`personio`, `kiwihr`); anything else is a 404.
fn provider_of(segment: &str) -> Result<Provider, AppError> {
    Provider::parse(segment).ok_or(AppError::NotFound)
}
