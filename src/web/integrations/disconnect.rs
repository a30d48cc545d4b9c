//! Disconnect, with a confirmation: the "OK, I understand" box must be checked. It deletes the
//! stored credentials (the row); people already synced stay as they are.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::integrations,
    web::{AppError, AppState, Manager, form::FormData, layout::Layout},
};

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/disconnect.html")]
pub struct DisconnectPage {
    layout: Layout,
    name: &'static str,
    error: Option<&'static str>,
}

pub async fn disconnect_form(
    State(state): State<AppState>,
    Manager(user): Manager,
) -> Result<Response, AppError> {
    let Some(existing) = integrations::get(&state.db, user.company_id()).await? else {
        return Ok(Redirect::to("/settings/integrations").into_response());
    };
    let name = existing.provider.label();
    Ok(DisconnectPage {
        layout: Layout::new(&user, "settings", format!("Disconnect {name}")),
        name,
        error: None,
    }
    .into_response())
}

pub async fn disconnect_confirm(
    State(state): State<AppState>,
    Manager(user): Manager,
    form: FormData,
) -> Result<Response, AppError> {
    let company_id = user.company_id();
    let Some(existing) = integrations::get(&state.db, company_id).await? else {
        return Ok(Redirect::to("/settings/integrations").into_response());
    };
    if !form.has("understood") {
        let name = existing.provider.label();
        let page = DisconnectPage {
            layout: Layout::new(&user, "settings", format!("Disconnect {name}")),
            name,
            error: Some(
                "Nothing was disconnected: check “OK, I understand” first, then choose Confirm.",
            ),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    crate::integrations::disconnect(&state.db, company_id, Some(user.person.id)).await?;
    Ok(Redirect::to("/settings/integrations?notice=disconnected").into_response())
}
