//! A company manager's controls over logins: Invite (one person, or every active person without
//! a login), change a role, remove a login; and the "Login" box on a person's page, where a
//! company manager also turns their own sync alerts on or off. Every route here takes
//! [`Manager`], so an employee gets 403.

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
    db::{companies, login_tokens, people, sync_alerts},
    directory::{Person, Role},
    web::{AppError, AppState, CurrentUser, Manager, error::error_page, form::FormData},
};

/// The "Login" box of a person's page (managers only).
pub struct AccessPanel {
    pub role: Option<Role>,
    pub invited_on: Option<String>,
    pub notice: Option<&'static str>,
    /// A company manager's sync alerts: whether they get them, and whether this page is theirs
    /// (only they may switch them).
    pub alerts: Option<AlertsSwitch>,
}

pub struct AlertsSwitch {
    pub on: bool,
    pub own: bool,
    /// The company sends sync alerts to chosen addresses instead of its managers.
    pub to_addresses: bool,
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
        "alerts_on" => {
            "Sync alerts turned on: you get an email when a morning sync fails, pauses or recovers."
        }
        "alerts_off" => {
            "Sync alerts turned off: you get no email about syncs. The other company managers still do."
        }
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
    let alerts = match person.role {
        Some(Role::Manager) => Some(AlertsSwitch {
            on: !sync_alerts::is_off(&state.db, person.company_id, person.id).await?,
            own: person.id == user.person.id,
            to_addresses: companies::mail_settings(&state.db, person.company_id)
                .await?
                .is_some_and(|c| !c.alert_addresses.is_empty()),
        }),
        _ => None,
    };
    Ok(Some(AccessPanel {
        role: person.role,
        invited_on,
        notice: notice(q.done.as_deref()),
        alerts,
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

/// A company manager turns their own sync alerts on or off (nobody else's: 403).
pub(super) async fn set_alerts(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    if id != user.person.id {
        return Err(AppError::Forbidden);
    }
    let off = match form.get("alerts") {
        "on" => false,
        "off" => true,
        _ => {
            return Err(AppError::BadRequest(
                "Sync alerts can be turned on or off.".into(),
            ));
        }
    };
    sync_alerts::set_off(&state.db, user.company_id(), id, off).await?;
    let done = if off { "alerts_off" } else { "alerts_on" };
    Ok(Redirect::to(&format!("/people/{id}?done={done}#access-heading")).into_response())
}
