//! Deleting a custom field: a confirmation that says how many people have a value (which goes
//! with the field), then the deletion, which also takes the field's text out of their search key.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::{audit, custom_fields, field_mappings, field_values, search_keys},
    directory::{CustomField, FieldKind},
    web::{AppError, AppState, Manager, form::FormData, layout::Layout},
};

#[derive(Template, WebTemplate)]
#[template(path = "settings/fields/delete.html")]
pub(crate) struct DeletePage {
    layout: Layout,
    field: CustomField,
    /// How many people have a value.
    people: i64,
    /// "Personio fills it from “T-shirt size”": the mapping that goes with the field.
    filled_by: Option<String>,
    /// Shown when the form came back without the confirmation ticked.
    error: Option<&'static str>,
}

async fn delete_page(
    state: &AppState,
    user: &crate::web::CurrentUser,
    id: i64,
    error: Option<&'static str>,
) -> Result<DeletePage, AppError> {
    let field = custom_fields::get(&state.db, user.company_id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(DeletePage {
        layout: Layout::new(user, "settings", format!("Delete {}", field.label)),
        people: custom_fields::people_with_value(&state.db, id).await?,
        filled_by: field_mappings::filling(&state.db, user.company_id(), id)
            .await?
            .map(|(p, label)| format!("{p} fills {} from “{label}”", field.label)),
        field,
        error,
    })
}

pub(crate) async fn confirm_delete(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
) -> Result<DeletePage, AppError> {
    delete_page(&state, &user, id, None).await
}

/// Deletes the field and its values once the manager ticked the confirmation; without it the
/// page comes back (422) and nothing is deleted.
pub(crate) async fn delete(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    if !form.has("understood") {
        let page = delete_page(
            &state,
            &user,
            id,
            Some("Tick the box to confirm, or Cancel."),
        )
        .await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let company = user.company_id();
    let field = custom_fields::get(&state.db, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let people = custom_fields::people_with_value(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    let refold = if field.kind == FieldKind::Text {
        field_values::people_with(&mut tx, id).await?
    } else {
        Vec::new()
    };
    if !custom_fields::delete(&mut tx, company, id).await? {
        return Err(AppError::NotFound);
    }
    for person in refold {
        search_keys::refold(&mut tx, company, person).await?;
    }
    let detail = format!(
        "Deleted field “{}” ({} {} had a value)",
        field.label,
        people,
        if people == 1 { "person" } else { "people" }
    );
    audit::record(
        &mut tx,
        company,
        Some(user.person.id),
        super::AUDIT_ACTION,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/fields?done=deleted").into_response())
}
