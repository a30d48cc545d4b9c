//! Groups: list, a group's members, and (for company managers) creating and renaming groups.
//! Memberships are edited on the person form.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::{groups, people},
    directory::{Group, limits},
    web::{AppError, AppState, CurrentUser, Manager, form::FormData, layout::Layout},
};

#[derive(Template, WebTemplate)]
#[template(path = "groups/list.html")]
pub(super) struct ListPage {
    layout: Layout,
    groups: Vec<groups::GroupSummary>,
    can_edit: bool,
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<ListPage, AppError> {
    Ok(ListPage {
        layout: Layout::new(&user, "groups", "Groups"),
        groups: groups::summaries(&state.db, user.company_id()).await?,
        can_edit: user.is_manager(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/show.html")]
pub(super) struct ShowPage {
    layout: Layout,
    group: Group,
    members: Vec<people::ListItem>,
    can_edit: bool,
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    let company = user.company_id();
    let group = groups::get(&state.db, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let filter = people::Filter {
        group_id: Some(id),
        ..Default::default()
    };
    let (members, _) = people::list(&state.db, company, &filter, 10_000, 0, None).await?;
    Ok(ShowPage {
        layout: Layout::new(&user, "groups", group.name.clone()),
        group,
        members,
        can_edit: user.is_manager(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/form.html")]
pub(super) struct FormPage {
    layout: Layout,
    id: Option<i64>,
    name: String,
    error: Option<String>,
}

impl FormPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/groups/{id}"),
            None => "/groups".into(),
        }
    }
}

pub(super) async fn new_form(Manager(user): Manager) -> FormPage {
    FormPage {
        layout: Layout::new(&user, "groups", "New group"),
        id: None,
        name: String::new(),
        error: None,
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let group = groups::get(&state.db, user.company_id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(FormPage {
        layout: Layout::new(&user, "groups", "Rename group"),
        id: Some(id),
        name: group.name,
        error: None,
    })
}

async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: Option<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let company = user.company_id();
    let name = form.get("name").to_string();
    let error = if name.is_empty() {
        Some("A group needs a name.".to_string())
    } else if !limits::fits(&name, limits::GROUP_NAME) {
        Some(format!(
            "A group name can be at most {} characters; this one has {}.",
            limits::GROUP_NAME,
            name.chars().count()
        ))
    } else if groups::name_taken(&state.db, company, &name, id).await? {
        Some(format!(
            "There is already a group named “{name}”. Group names must be unique, so the HRIS sync knows which group a team belongs to."
        ))
    } else {
        None
    };
    if let Some(error) = error {
        let title = if id.is_some() {
            "Rename group"
        } else {
            "New group"
        };
        let page = FormPage {
            layout: Layout::new(user, "groups", title),
            id,
            name,
            error: Some(error),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin().await?;
    let id = match id {
        Some(id) => {
            if !groups::rename(&mut tx, company, id, &name).await? {
                return Err(AppError::NotFound);
            }
            id
        }
        None => groups::create(&mut tx, company, &name).await?,
    };
    tx.commit().await?;
    Ok(Redirect::to(&format!("/groups/{id}")).into_response())
}

pub(super) async fn create(
    State(state): State<AppState>,
    Manager(user): Manager,
    form: FormData,
) -> Result<Response, AppError> {
    save(&state, &user, None, form).await
}

pub(super) async fn update(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    save(&state, &user, Some(id), form).await
}
