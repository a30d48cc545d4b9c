//! A company manager's controls over logins: Invite (one person, or every active person without
//! a login), change a role, remove a login; and the "Login" box on a person's page. Every route
//! here takes [`Manager`], so an employee gets 403.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    access::{
        Refused,
        invite::{self, Inviter},
        roles,
    },
    db::{login_tokens, people},
    directory::{Person, Role},
    web::{AppError, AppState, CurrentUser, Manager, error::error_page, form::FormData},
};

/// The "Login" box of a person's page (managers only).
pub struct AccessPanel {
    pub role: Option<Role>,
    pub invited_on: Option<String>,
    pub notice: Option<&'static str>,
}

impl AccessPanel {
    pub fn role_label(&self) -> &'static str {
        match self.role {
            Some(Role::Manager) => "company manager",
            Some(Role::Employee) => "employee",
            None => "",
        }
    }
    pub fn is_manager(&self) -> bool {
        self.role == Some(Role::Manager)
    }
}

#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "invited" => "Invitation sent. The link in it works once, for 7 days.",
        "role" => "Role changed.",
        "removed" => "Login removed; their sessions have ended.",
        _ => return None,
    })
}

pub async fn panel(
    state: &AppState,
    user: &CurrentUser,
    person: &Person,
    q: &NoticeQuery,
) -> Result<Option<AccessPanel>, AppError> {
    if !user.is_manager() {
        return Ok(None);
    }
    let invited_on = match person.role {
        None => login_tokens::pending_invitation(&state.db, person.id)
            .await?
            .map(|at| at.date().to_string()),
        Some(_) => None,
    };
    Ok(Some(AccessPanel {
        role: person.role,
        invited_on,
        notice: notice(q.done.as_deref()),
    }))
}

fn refused(r: Refused) -> Response {
    error_page(StatusCode::CONFLICT, "Not changed", &r.to_string())
}

fn role_of(form: &FormData) -> Result<Role, AppError> {
    match form.get("role") {
        "" => Ok(Role::Employee),
        r => Role::parse(r).ok_or_else(|| {
            AppError::BadRequest("The role must be a company manager or an employee.".into())
        }),
    }
}

async fn person_or_404(state: &AppState, user: &CurrentUser, id: i64) -> Result<Person, AppError> {
    people::get(&state.db, user.company_id(), id)
        .await?
        .ok_or(AppError::NotFound)
}

pub(super) async fn invite_one(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let role = role_of(&form)?;
    person_or_404(&state, &user, id).await?;
    let by = Inviter {
        person_id: Some(user.person.id),
        name: Some(format!(
            "{} {}",
            user.person.first_name, user.person.last_name
        )),
    };
    match invite::invite(&state.db, user.company_id(), id, role, &by).await? {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}?done=invited")).into_response()),
        Err(r) => Ok(refused(r)),
    }
}

pub(super) async fn invite_all(
    State(state): State<AppState>,
    Manager(user): Manager,
) -> Result<Response, AppError> {
    let by = Inviter {
        person_id: Some(user.person.id),
        name: Some(format!(
            "{} {}",
            user.person.first_name, user.person.last_name
        )),
    };
    let n = invite::invite_all(&state.db, user.company_id(), &by).await?;
    Ok(Redirect::to(&format!("/people?invited={n}")).into_response())
}

pub(super) async fn set_role(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let role = Role::parse(form.get("role")).ok_or_else(|| {
        AppError::BadRequest("The role must be a company manager or an employee.".into())
    })?;
    person_or_404(&state, &user, id).await?;
    match roles::set_role(&state.db, user.company_id(), id, role, user.person.id).await? {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?done=role")).into_response()),
        Err(r) => Ok(refused(r)),
    }
}

pub(super) async fn remove_login(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    person_or_404(&state, &user, id).await?;
    match roles::remove_login(&state.db, user.company_id(), id, user.person.id).await? {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?done=removed")).into_response()),
        Err(r) => Ok(refused(r)),
    }
}
