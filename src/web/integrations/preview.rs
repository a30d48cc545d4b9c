//! "Preview changes": a dry run. It asks the HRIS and works out what a sync would change, and
//! shows it; it writes nothing and takes no lock.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    sync::{
        Counts, HistoryField, PersonRef,
        run::{self, StartError},
    },
    web::{AppError, AppState, Manager, layout::Layout},
};

use super::view::{ChangeRow, initial_summary};

/// Most change rows shown; the counts are always complete.
const MAX_ROWS: usize = 500;

pub struct NoteRow {
    pub person_id: Option<i64>,
    pub name: String,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/preview.html")]
pub struct PreviewPage {
    layout: Layout,
    /// The provider could not be asked: why.
    error: Option<String>,
    counts: Counts,
    changes: Vec<ChangeRow>,
    hidden: usize,
    run_warnings: Vec<String>,
    warnings: Vec<NoteRow>,
    errors: Vec<NoteRow>,
    not_in_hris: Vec<NoteRow>,
    /// Why a real sync would not apply this (paused or refused).
    refusal: Option<String>,
}

fn existing(r: PersonRef) -> Option<i64> {
    match r {
        PersonRef::Existing(id) => Some(id),
        PersonRef::New(_) => None,
    }
}

pub async fn preview(
    State(state): State<AppState>,
    Manager(user): Manager,
) -> Result<Response, AppError> {
    let mut page = PreviewPage {
        layout: Layout::new(&user, "settings", "Preview changes"),
        error: None,
        counts: Counts::default(),
        changes: vec![],
        hidden: 0,
        run_warnings: vec![],
        warnings: vec![],
        errors: vec![],
        not_in_hris: vec![],
        refusal: None,
    };
    let (planned, refusal) = match run::preview(&state.sync, user.company_id()).await {
        Err(StartError::NotConnected) => {
            return Ok(Redirect::to("/settings/integrations?notice=not_connected").into_response());
        }
        Err(StartError::Key(provider)) => {
            page.error = Some(run::key_message(provider));
            return Ok(page.into_response());
        }
        Err(e) => return Err(AppError::Internal(e.into())),
        Ok(Err(fetch)) => {
            page.error = Some(super::advice::for_fetch(&fetch, fetch.provider(), false));
            return Ok(page.into_response());
        }
        Ok(Ok(done)) => done,
    };
    let plan = planned.plan;
    let history = plan.history();
    page.hidden = history.len().saturating_sub(MAX_ROWS);
    page.changes = history
        .into_iter()
        .take(MAX_ROWS)
        .map(|h| ChangeRow {
            person_id: existing(h.person),
            person_name: h.person_name,
            field: h.field.label().to_string(),
            before: h.before.unwrap_or_default(),
            after: match (&h.field, h.after) {
                (HistoryField::Created, Some(a)) => initial_summary(&a),
                (_, a) => a.unwrap_or_default(),
            },
        })
        .collect();
    let note = |n: &crate::sync::PersonNote| NoteRow {
        person_id: n.person.and_then(existing),
        name: n.name.clone(),
        message: n.message.clone(),
    };
    page.warnings = plan.warnings.iter().map(note).collect();
    page.errors = plan.errors.iter().map(note).collect();
    page.not_in_hris = plan
        .not_in_hris
        .iter()
        .map(|u| NoteRow {
            person_id: Some(u.person_id),
            name: u.name.clone(),
            message: format!(
                "{} ({}) is in Roster but not in the HRIS; left as is.",
                u.name, u.email
            ),
        })
        .collect();
    page.run_warnings = plan.run_warnings;
    page.counts = plan.counts;
    page.refusal = refusal.map(|r| r.to_string());
    Ok(page.into_response())
}
