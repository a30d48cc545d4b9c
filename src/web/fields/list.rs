//! The Fields page: the built-in gender field and every custom field (with Edit and Delete), and
//! the form that adds a field.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::{audit, companies, custom_fields},
    directory::{CustomField, FieldKind, fields::check_definition, limits},
    web::{
        AppError, AppState, CurrentUser, Manager, field_errors::Errors, form::FormData,
        layout::Layout, query::Query,
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "settings/fields/index.html")]
pub(crate) struct FieldsPage {
    layout: Layout,
    gender_choices: String,
    fields: Vec<CustomField>,
    /// The add form as typed.
    label: String,
    kind: String,
    choices: String,
    errors: Errors,
    notice: Option<&'static str>,
}

impl FieldsPage {
    fn kinds(&self) -> [FieldKind; 5] {
        FieldKind::ALL
    }
    fn summary(&self, f: &CustomField) -> String {
        super::summary(&f.choices)
    }
}

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// What the page says after a change it redirected from.
fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "added" => "The field was added.",
        "saved" => "Saved.",
        "deleted" => "The field was deleted.",
        _ => return None,
    })
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Manager(user): Manager,
    Query(q): Query<DoneQuery>,
) -> Result<FieldsPage, AppError> {
    let mut page = fields_page(&state, &user, Errors::default()).await?;
    page.notice = notice(q.done.as_deref());
    Ok(page)
}

async fn fields_page(
    state: &AppState,
    user: &CurrentUser,
    errors: Errors,
) -> Result<FieldsPage, AppError> {
    let company = companies::get(&state.db, user.company_id())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(FieldsPage {
        layout: Layout::new(user, "settings", "Fields"),
        gender_choices: super::summary(&company.gender_choices),
        fields: custom_fields::all(&state.db, company.id).await?,
        label: String::new(),
        kind: String::new(),
        choices: String::new(),
        errors,
        notice: None,
    })
}

/// Adds a field; a definition with errors comes back (422) as typed and adds nothing.
pub(crate) async fn create(
    State(state): State<AppState>,
    Manager(user): Manager,
    form: FormData,
) -> Result<Response, AppError> {
    let company = user.company_id();
    let existing = custom_fields::all(&state.db, company).await?;
    let taken: Vec<String> = existing.iter().map(|f| f.label.clone()).collect();
    let (label, kind, choices) = (form.get("label"), form.get("kind"), form.get("choices"));
    let mut errors = Errors::default();
    let checked = check_definition(label, kind, choices, &taken).map_err(|e| {
        for (field, msg) in e {
            errors.add(field, msg);
        }
    });
    if existing.len() >= limits::FIELDS {
        errors.add(
            "",
            format!(
                "A company can have at most {} fields; delete one you no longer use first.",
                limits::FIELDS
            ),
        );
    }
    let definition = match checked {
        Ok(d) if errors.is_empty() => d,
        _ => {
            let mut page = fields_page(&state, &user, errors).await?;
            (page.label, page.kind, page.choices) = (label.into(), kind.into(), choices.into());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.db.begin().await?;
    let inserted = custom_fields::insert(&mut tx, company, &definition).await;
    if let Err(e) = &inserted
        && crate::db::is_unique_violation(e)
    {
        // Another manager added the same label between the check and the write.
        drop(tx);
        let mut errors = Errors::default();
        errors.add(
            "label",
            format!(
                "There is a field called “{}” already; choose another label.",
                definition.label
            ),
        );
        let mut page = fields_page(&state, &user, errors).await?;
        (page.label, page.kind, page.choices) = (label.into(), kind.into(), choices.into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    inserted?;
    let mut detail = format!(
        "Added field “{}” ({})",
        definition.label,
        definition.kind.label().to_lowercase()
    );
    if definition.kind.has_choices() {
        detail.push_str(&format!(": {}", super::summary(&definition.choices)));
    }
    audit::record(
        &mut tx,
        company,
        Some(user.person.id),
        super::AUDIT_ACTION,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/fields?done=added").into_response())
}
