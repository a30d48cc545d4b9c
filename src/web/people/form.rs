//! Adding and editing a person by hand. Fields the connected HRIS owns are locked: shown
//! disabled, and a submitted value for them is replaced by the stored one.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::{self, companies, custom_fields, field_values, groups, integrations, people, search_keys},
    directory::{Attribute, Group, Person},
    hris::ownership::Locks,
    web::{
        AppError, AppState, CurrentUser, Manager, field_errors::Errors, form::FormData,
        layout::Layout,
    },
};

use super::checks::check_against_directory;
use super::custom;
use super::values::{Values, validate};

#[derive(Template, WebTemplate)]
#[template(path = "people/form.html")]
pub(crate) struct FormPage {
    layout: Layout,
    /// None when adding a person.
    id: Option<i64>,
    values: Values,
    errors: Errors,
    gender_choices: Vec<String>,
    managers: Vec<(i64, String)>,
    groups: Vec<Group>,
    locks: Locks,
}

impl FormPage {
    /// Whether the input `name` is locked (the connected HRIS owns it).
    fn locked(&self, name: &str) -> bool {
        self.locks.locks_input(name)
    }
    /// "Personio" when fields are locked by it.
    fn synced_from(&self) -> &'static str {
        self.locks.by().map_or("", |p| p.label())
    }
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/people/{id}"),
            None => "/people".into(),
        }
    }
    fn is_manager_choice(&self, id: &i64) -> bool {
        self.values.manager_id == id.to_string()
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    id: Option<i64>,
    values: Values,
    errors: Errors,
    locks: Locks,
) -> Result<FormPage, AppError> {
    let company = user.company_id();
    let c = companies::get(&state.db, company)
        .await?
        .ok_or(AppError::NotFound)?;
    let title = match id {
        Some(_) => format!("Edit {} {}", values.first_name, values.last_name),
        None => "Add a person".into(),
    };
    Ok(FormPage {
        layout: Layout::new(user, "people", title),
        id,
        managers: people::names(&state.db, company)
            .await?
            .into_iter()
            .filter(|(m, _)| Some(*m) != id)
            .collect(),
        groups: groups::all(&state.db, company).await?,
        gender_choices: c.gender_choices,
        values,
        errors,
        locks,
    })
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    Manager(user): Manager,
) -> Result<FormPage, AppError> {
    let fields = custom_fields::all(&state.db, user.company_id()).await?;
    let values = Values {
        active: true,
        custom: custom::blank(&fields),
        ..Values::default()
    };
    form_page(
        &state,
        &user,
        None,
        values,
        Errors::default(),
        Locks::none(),
    )
    .await
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let person = people::get(&state.db, user.company_id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = custom_fields::all(&state.db, user.company_id()).await?;
    let stored = field_values::of_person(&state.db, &fields, id).await?;
    let values = Values {
        custom: custom::stored(&fields, &stored),
        ..Values::of(&person)
    };
    form_page(
        &state,
        &user,
        Some(id),
        values,
        Errors::default(),
        locks_of(&state, &person).await?,
    )
    .await
}

/// What is locked on `person` now: only while they are linked to the connected HRIS.
pub(crate) async fn locks_of(state: &AppState, person: &Person) -> Result<Locks, AppError> {
    let connection = integrations::connection(&state.db, person.company_id).await?;
    Ok(Locks::of(person, connection.as_ref()))
}

/// Validates, then writes the person and their groups in one transaction; a form with errors
/// comes back (422) with what is wrong and changes nothing.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: Option<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let company = user.company_id();
    let c = companies::get(&state.db, company)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = custom_fields::all(&state.db, company).await?;
    let (mut values, locks) = match id {
        Some(id) => {
            let stored = people::get(&state.db, company, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let locks = locks_of(state, &stored).await?;
            (
                Values::from_form(&form).keep_locked(Values::of(&stored), &locks),
                locks,
            )
        }
        None => (Values::from_form(&form), Locks::none()),
    };
    values.custom = custom::submitted(&fields, &form);
    if let Some(pid) = id {
        let stored = field_values::of_person(&state.db, &fields, pid).await?;
        values.custom = custom::keep_locked(values.custom, &stored, &locks);
    }
    let mut errors = Errors::default();
    let custom_values = custom::check(&values.custom, &mut errors);
    let mut choices = c.gender_choices.clone();
    if locks.locks(Attribute::Gender) {
        // The HRIS may use a gender the company's choices do not list; it is kept, not refused.
        choices.push(values.gender.clone());
    }
    let input = validate(&values, &choices, &mut errors);
    if let Some(input) = &input {
        check_against_directory(state, company, id, input, &mut errors).await?;
    }
    let input = match input {
        Some(i) if errors.is_empty() => i,
        _ => {
            let page = form_page(state, user, id, values, errors, locks).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.db.begin().await?;
    if let Some(pid) = id
        && !input.active
        && let Some(stored) = people::get(&state.db, company, pid).await?
        && crate::access::roles::is_last_active_manager(&mut tx, &stored).await?
    {
        drop(tx);
        let mut errors = Errors::default();
        errors.add(
            "active",
            format!(
                "{} is the last active company manager: make someone else a company manager before deactivating them.",
                stored.full_name()
            ),
        );
        let page = form_page(state, user, id, values, errors, locks).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let written = match id {
        Some(id) => people::update(&mut tx, company, id, &input)
            .await
            .map(|found| found.then_some(id)),
        None => people::insert(&mut tx, company, &input).await.map(Some),
    };
    let person_id = match written {
        Ok(Some(pid)) => pid,
        Ok(None) => return Err(AppError::NotFound),
        Err(e) if db::is_unique_violation(&e) => {
            // Someone took the email between the check and the write.
            let mut errors = Errors::default();
            errors.add(
                "email",
                format!("Another person already has the email {}.", input.email),
            );
            let page = form_page(state, user, id, values, errors, locks).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    people::set_groups(&mut tx, company, person_id, &values.group_ids).await?;
    for (field, value) in custom_values
        .iter()
        .filter(|(f, _)| !locks.locks_field(f.id))
    {
        field_values::set(&mut tx, person_id, field, value.as_ref()).await?;
    }
    search_keys::refold(&mut tx, company, person_id).await?;
    if !input.active {
        crate::session_store::end_sessions_of(&mut tx, person_id).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/people/{person_id}")).into_response())
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Manager(user): Manager,
    form: FormData,
) -> Result<Response, AppError> {
    save(&state, &user, None, form).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    save(&state, &user, Some(id), form).await
}
