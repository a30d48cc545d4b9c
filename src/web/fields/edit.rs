//! Editing a field: a custom field's label and choices (its kind and its values stay; a choice
//! people still have cannot be removed), or the built-in gender field's choices.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::{audit, companies, custom_fields},
    directory::{CustomField, fields::check_definition, fields::check_gender_choices},
    web::{
        AppError, AppState, CurrentUser, Manager, field_errors::Errors, form::FormData,
        layout::Layout,
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "settings/fields/edit.html")]
pub(crate) struct EditPage {
    layout: Layout,
    /// The form's address: `/settings/fields/12`, or `/settings/fields/gender`.
    action: String,
    /// Whether the label can change (not for the built-in gender field).
    renamable: bool,
    label: String,
    kind: &'static str,
    has_choices: bool,
    /// One per line.
    choices: String,
    errors: Errors,
}

fn edit_page(user: &CurrentUser, field: &CustomField, errors: Errors) -> EditPage {
    EditPage {
        layout: Layout::new(user, "settings", format!("Edit {}", field.label)),
        action: format!("/settings/fields/{}", field.id),
        renamable: true,
        label: field.label.clone(),
        kind: field.kind.label(),
        has_choices: field.kind.has_choices(),
        choices: field.choices.join("\n"),
        errors,
    }
}

fn gender_page(user: &CurrentUser, choices: String, errors: Errors) -> EditPage {
    EditPage {
        layout: Layout::new(user, "settings", "Edit Gender"),
        action: "/settings/fields/gender".into(),
        renamable: false,
        label: "Gender".into(),
        kind: "One choice from a list (built in)",
        has_choices: true,
        choices,
        errors,
    }
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
) -> Result<EditPage, AppError> {
    let field = custom_fields::get(&state.db, user.company_id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(edit_page(&user, &field, Errors::default()))
}

/// Renames the field and replaces its choices; with errors, the form comes back (422) as typed
/// and nothing changes.
pub(crate) async fn update(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let company = user.company_id();
    let all = custom_fields::all(&state.db, company).await?;
    let field = all
        .iter()
        .find(|f| f.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let taken: Vec<String> = all
        .iter()
        .filter(|f| f.id != id)
        .map(|f| f.label.clone())
        .collect();
    let (label, choices) = (form.get("label"), form.get("choices"));
    let mut errors = Errors::default();
    let checked = check_definition(label, field.kind.as_str(), choices, &taken);
    match &checked {
        Err(e) => e.iter().for_each(|(f, m)| errors.add(*f, m.clone())),
        Ok(d) => {
            for gone in field.choices.iter().filter(|c| !d.choices.contains(c)) {
                let n = custom_fields::people_with_choice(&state.db, id, gone).await?;
                if n > 0 {
                    errors.add(
                        "choices",
                        format!(
                            "{} {} “{gone}”: give them another value before removing this choice.",
                            n,
                            if n == 1 { "person has" } else { "people have" }
                        ),
                    );
                }
            }
        }
    }
    let definition = match checked {
        Ok(d) if errors.is_empty() => d,
        _ => {
            let mut page = edit_page(&user, &field, errors);
            (page.label, page.choices) = (label.into(), choices.into());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut changes = Vec::new();
    if definition.label != field.label {
        changes.push(format!(
            "Renamed field “{}” → “{}”",
            field.label, definition.label
        ));
    }
    if definition.choices != field.choices {
        changes.push(format!(
            "Choices of “{}”: {} → {}",
            definition.label,
            super::summary(&field.choices),
            super::summary(&definition.choices)
        ));
    }
    let mut tx = state.db.begin().await?;
    let updated =
        custom_fields::update(&mut tx, company, id, &definition.label, &definition.choices).await;
    if let Err(e) = &updated
        && crate::db::is_unique_violation(e)
    {
        drop(tx);
        let mut errors = Errors::default();
        errors.add(
            "label",
            format!(
                "There is a field called “{}” already; choose another label.",
                definition.label
            ),
        );
        let mut page = edit_page(&user, &field, errors);
        (page.label, page.choices) = (label.into(), choices.into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    if !updated? {
        return Err(AppError::NotFound);
    }
    if !changes.is_empty() {
        let detail = changes.join("; ");
        audit::record(
            &mut tx,
            company,
            Some(user.person.id),
            super::AUDIT_ACTION,
            &detail,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/settings/fields?done=saved").into_response())
}

pub(crate) async fn gender_form(
    State(state): State<AppState>,
    Manager(user): Manager,
) -> Result<EditPage, AppError> {
    let c = companies::get(&state.db, user.company_id())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(gender_page(
        &user,
        c.gender_choices.join("\n"),
        Errors::default(),
    ))
}

/// Replaces the gender choices. People keep the gender they have (as before this page, a value
/// no longer listed stays on the person).
pub(crate) async fn edit_gender(
    State(state): State<AppState>,
    Manager(user): Manager,
    form: FormData,
) -> Result<Response, AppError> {
    let company = user.company_id();
    let typed = form.get("choices");
    let choices = match check_gender_choices(typed) {
        Ok(c) => c,
        Err(e) => {
            let mut errors = Errors::default();
            errors.add("choices", e);
            let page = gender_page(&user, typed.into(), errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let before = companies::get(&state.db, company)
        .await?
        .ok_or(AppError::NotFound)?
        .gender_choices;
    let mut tx = state.db.begin().await?;
    companies::set_gender_choices(&mut tx, company, &choices).await?;
    if before != choices {
        let detail = format!(
            "Gender choices {} → {}",
            before.join(", "),
            choices.join(", ")
        );
        audit::record(
            &mut tx,
            company,
            Some(user.person.id),
            super::AUDIT_ACTION,
            &detail,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/settings/fields?done=saved").into_response())
}
