//! Connect's review of the first sync, for a company that already has people: whom it adopts by
//! e-mail, whom it creates, whom it leaves as they are, and its warnings, with Start syncing and
//! Cancel. Nothing is stored before Start syncing (the checked credentials wait, encrypted, in
//! the session); Cancel drops them.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use super::pending;
use crate::{
    hris::Provider,
    integrations::{self as connecting, ConnectError},
    sync::{
        first_sync::FirstSync,
        run::{Request, Trigger},
    },
    web::{AppError, AppState, CurrentUser, Manager, layout::Layout},
};

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/connect_review.html")]
pub struct ReviewPage {
    layout: Layout,
    key: &'static str,
    name: &'static str,
    first: FirstSync,
    /// What the provider said when the credentials were checked (attributes it will not share).
    verified_warnings: Vec<String>,
    /// Start syncing could not connect: why.
    error: Option<String>,
}

pub fn page(
    user: &CurrentUser,
    provider: Provider,
    first: FirstSync,
    verified_warnings: Vec<String>,
) -> ReviewPage {
    ReviewPage {
        layout: Layout::new(
            user,
            "settings",
            format!("Review the first sync from {}", provider.label()),
        ),
        key: provider.as_str(),
        name: provider.label(),
        first,
        verified_warnings,
        error: None,
    }
}

fn back_to_form(provider: Provider) -> Redirect {
    Redirect::to(&format!(
        "/settings/integrations/{}/connect",
        provider.as_str()
    ))
}

/// "Start syncing": stores the reviewed credentials and queues the first sync.
pub async fn connect_start(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(segment): Path<String>,
) -> Result<Response, AppError> {
    let provider = super::provider_of(&segment)?;
    let company_id = user.company_id();
    let secrets = &state.sync.secrets;
    let Some(creds) = pending::take(&user.session, secrets, &user, provider).await? else {
        // Cancelled, already started, or the session ended: enter them again.
        return Ok(back_to_form(provider).into_response());
    };
    let after = super::panel::newest_run_id(&state.db, company_id).await?;
    match connecting::connect(&state.sync, company_id, &creds, Some(user.person.id)).await {
        Ok(_) => {}
        Err(ConnectError::Internal(e)) => return Err(AppError::Internal(e)),
        Err(e) => {
            let mut p = page(&user, provider, FirstSync::default(), vec![]);
            p.error = Some(format!("{e}. Nothing was stored."));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
        }
    }
    state
        .jobs
        .enqueue(Request {
            company_id,
            trigger: Trigger::Connect,
            started_by: Some(user.person.id),
            approve: None,
        })
        .await?;
    Ok(Redirect::to(&super::notice::queued_url("connected", after)).into_response())
}

/// "Cancel": the checked credentials are dropped; nothing was stored.
pub async fn connect_cancel(
    Manager(user): Manager,
    Path(segment): Path<String>,
) -> Result<Redirect, AppError> {
    super::provider_of(&segment)?;
    pending::forget(&user.session).await?;
    Ok(Redirect::to(
        "/settings/integrations?notice=connect_cancelled",
    ))
}
