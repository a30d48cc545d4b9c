//! The people directory: list with search and filters, a person's page, and (for company
//! managers) adding and editing people by hand.

use std::collections::{HashMap, HashSet};

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use time::{Date, macros::format_description};

use crate::{
    db::{self, companies, groups, people},
    directory::{Email, Group, Person, Source, limits},
    web::{
        AppError, AppState, CurrentUser, Manager, form::FormData, layout::Layout, owned::Ownership,
        query::Query,
    },
};

use super::field_errors::Errors;

pub const PAGE_SIZE: i64 = 50;
/// The highest page number read (2,000,000 people); past it a page number is refused (400)
/// instead of computing an offset that overflows.
const MAX_PAGE: i64 = 40_000;

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    department: Option<String>,
    group: Option<String>,
    status: Option<String>,
    page: Option<i64>,
    /// How many people "Invite all" just invited.
    invited: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/list.html")]
pub(super) struct ListPage {
    layout: Layout,
    people: Vec<people::ListItem>,
    total: i64,
    q: String,
    department: String,
    group: String,
    status: String,
    departments: Vec<String>,
    groups: Vec<Group>,
    page: i64,
    pages: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
    can_edit: bool,
    invited: Option<i64>,
}

fn page_link(q: &str, department: &str, group: &str, status: &str, page: i64) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("q", q),
        ("department", department),
        ("group", group),
        ("status", status),
    ] {
        if !v.is_empty() {
            s.append_pair(k, v);
        }
    }
    s.append_pair("page", &page.to_string());
    format!("/people?{}", s.finish())
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let company = user.company_id();
    let status = q.status.clone().unwrap_or_else(|| "active".into());
    let active = match status.as_str() {
        "all" => None,
        "deactivated" => Some(false),
        _ => Some(true),
    };
    let group = q.group.clone().unwrap_or_default();
    let filter = people::Filter {
        search: q.q.clone(),
        department: q.department.clone().filter(|d| !d.is_empty()),
        group_id: group.parse().ok(),
        active,
    };
    let page = q.page.unwrap_or(1).max(1);
    if page > MAX_PAGE {
        return Err(AppError::BadRequest(format!(
            "There is no page {page}: the people list has at most {MAX_PAGE} pages. Go back to the first page."
        )));
    }
    let (rows, total) = people::list(
        &state.db,
        company,
        &filter,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let (qs, dep) = (q.q.unwrap_or_default(), q.department.unwrap_or_default());
    Ok(ListPage {
        layout: Layout::new(&user, "people", "People"),
        // Past the end, "previous" is the last page.
        prev_link: (page > 1).then(|| page_link(&qs, &dep, &group, &status, (page - 1).min(pages))),
        next_link: (page < pages).then(|| page_link(&qs, &dep, &group, &status, page + 1)),
        people: rows,
        total,
        departments: people::departments(&state.db, company).await?,
        groups: groups::all(&state.db, company).await?,
        q: qs,
        department: dep,
        group,
        status,
        page,
        pages,
        can_edit: user.is_manager(),
        invited: q.invited,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "people/show.html")]
pub(super) struct ShowPage {
    layout: Layout,
    person: Person,
    manager: Option<Person>,
    reports: Vec<people::ListItem>,
    groups: Vec<Group>,
    can_edit: bool,
    owned: Ownership,
    access: Option<super::access::AccessPanel>,
}

impl ShowPage {
    fn owns(&self, field: &str) -> bool {
        self.owned.owns(field)
    }
    fn managed_by(&self) -> String {
        self.owned.note().unwrap_or_default()
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(notice): Query<super::access::NoticeQuery>,
) -> Result<ShowPage, AppError> {
    let company = user.company_id();
    let person = people::get(&state.db, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let manager = match person.manager_id {
        Some(m) => people::get(&state.db, company, m).await?,
        None => None,
    };
    let member_of: HashSet<i64> = person.group_ids.iter().copied().collect();
    let groups = groups::all(&state.db, company)
        .await?
        .into_iter()
        .filter(|g| member_of.contains(&g.id))
        .collect();
    Ok(ShowPage {
        layout: Layout::new(&user, "people", person.full_name()),
        reports: people::reports(&state.db, company, id).await?,
        manager,
        groups,
        can_edit: user.is_manager(),
        owned: Ownership::of(person.source),
        access: super::access::panel(&state, &user, &person, &notice).await?,
        person,
    })
}

/// What the form shows: the values as typed, so a form with errors comes back filled in.
#[derive(Default, Clone)]
pub struct Values {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub position: String,
    pub department: String,
    pub gender: String,
    pub birth_date: String,
    pub employee_number: String,
    pub first_hired_on: String,
    pub manager_id: String,
    pub active: bool,
    pub group_ids: Vec<i64>,
}

impl Values {
    fn of(p: &Person) -> Values {
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        Values {
            email: p.email.clone(),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            position: p.position.clone().unwrap_or_default(),
            department: p.department.clone().unwrap_or_default(),
            gender: p.gender.clone().unwrap_or_default(),
            birth_date: date(p.birth_date),
            employee_number: p.employee_number.clone().unwrap_or_default(),
            first_hired_on: date(p.first_hired_on),
            manager_id: p.manager_id.map(|m| m.to_string()).unwrap_or_default(),
            active: p.active,
            group_ids: p.group_ids.clone(),
        }
    }

    fn from_form(f: &FormData) -> Values {
        Values {
            email: f.get("email").into(),
            first_name: f.get("first_name").into(),
            last_name: f.get("last_name").into(),
            position: f.get("position").into(),
            department: f.get("department").into(),
            gender: f.get("gender").into(),
            birth_date: f.get("birth_date").into(),
            employee_number: f.get("employee_number").into(),
            first_hired_on: f.get("first_hired_on").into(),
            manager_id: f.get("manager_id").into(),
            active: f.has("active"),
            group_ids: distinct(f.all("groups").iter().filter_map(|g| g.parse().ok())),
        }
    }

    /// Keeps the stored value of every field the person's HRIS owns, whatever was submitted.
    fn keep_owned(mut self, stored: Values, owned: Ownership) -> Values {
        for field in owned.fields() {
            match *field {
                "email" => self.email = stored.email.clone(),
                "first_name" => self.first_name = stored.first_name.clone(),
                "last_name" => self.last_name = stored.last_name.clone(),
                "position" => self.position = stored.position.clone(),
                "department" => self.department = stored.department.clone(),
                "gender" => self.gender = stored.gender.clone(),
                "birth_date" => self.birth_date = stored.birth_date.clone(),
                "employee_number" => self.employee_number = stored.employee_number.clone(),
                "first_hired_on" => self.first_hired_on = stored.first_hired_on.clone(),
                "manager_id" => self.manager_id = stored.manager_id.clone(),
                "active" => self.active = stored.active,
                "groups" => self.group_ids = stored.group_ids.clone(),
                _ => {}
            }
        }
        self
    }

    pub fn in_group(&self, id: &i64) -> bool {
        self.group_ids.contains(id)
    }
}

/// Each id once, in the order first given (a form may repeat `groups=1&groups=1`).
fn distinct(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.filter(|id| seen.insert(*id)).collect()
}

/// A form error when `value` is longer than `max` characters (the limits of
/// [`crate::directory::limits`], shared with the HRIS parsers).
fn check_length(errors: &mut Errors, field: &'static str, label: &str, value: &str, max: usize) {
    if !limits::fits(value, max) {
        errors.add(
            field,
            format!(
                "{label} can be at most {max} characters; this one has {}.",
                value.chars().count()
            ),
        );
    }
}

fn parse_date(field: &'static str, label: &str, raw: &str, errors: &mut Errors) -> Option<Date> {
    if raw.is_empty() {
        return None;
    }
    match Date::parse(raw, format_description!("[year]-[month]-[day]")) {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, format!("{label} must be a date like 2024-03-01."));
            None
        }
    }
}

/// Checks a submitted form: everything that can be told without the database.
fn validate(
    v: &Values,
    gender_choices: &[String],
    errors: &mut Errors,
) -> Option<people::PersonInput> {
    let email = match Email::parse(&v.email) {
        Ok(e) => Some(e),
        Err(e) => {
            errors.add("email", e.to_string());
            None
        }
    };
    if v.first_name.is_empty() {
        errors.add("first_name", "First name is required.");
    }
    if v.last_name.is_empty() {
        errors.add("last_name", "Last name is required.");
    }
    for (field, label, value, max) in [
        ("first_name", "First name", &v.first_name, limits::NAME),
        ("last_name", "Last name", &v.last_name, limits::NAME),
        ("position", "Position", &v.position, limits::POSITION),
        (
            "department",
            "Department",
            &v.department,
            limits::DEPARTMENT,
        ),
        (
            "employee_number",
            "Employee number",
            &v.employee_number,
            limits::EMPLOYEE_NUMBER,
        ),
    ] {
        check_length(errors, field, label, value, max);
    }
    if !v.gender.is_empty() && !gender_choices.iter().any(|g| g == &v.gender) {
        errors.add(
            "gender",
            format!(
                "“{}” is not one of the company's gender choices.",
                limits::truncate(&v.gender, limits::GENDER)
            ),
        );
    }
    let birth_date = parse_date("birth_date", "Birth date", &v.birth_date, errors);
    let first_hired_on = parse_date("first_hired_on", "Hire date", &v.first_hired_on, errors);
    let manager_id = if v.manager_id.is_empty() {
        None
    } else {
        match v.manager_id.parse::<i64>() {
            Ok(m) => Some(m),
            Err(_) => {
                errors.add("manager_id", "Choose a manager from the list.");
                None
            }
        }
    };
    let opt = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    Some(people::PersonInput {
        email: email?.as_str().to_string(),
        first_name: v.first_name.clone(),
        last_name: v.last_name.clone(),
        position: opt(&v.position),
        department: opt(&v.department),
        gender: opt(&v.gender),
        birth_date,
        employee_number: opt(&v.employee_number),
        first_hired_on,
        manager_id,
        active: v.active,
    })
    .filter(|_| errors.is_empty())
}

/// Would making `manager` the manager of `person` (None for a new person) close a loop?
/// Follows the chain up from `manager`; reaching `person` means a loop.
pub fn closes_loop(links: &HashMap<i64, Option<i64>>, person: Option<i64>, manager: i64) -> bool {
    let Some(person) = person else { return false };
    let mut seen = HashSet::new();
    let mut at = Some(manager);
    while let Some(id) = at {
        if id == person {
            return true;
        }
        if !seen.insert(id) {
            return false; // an existing loop above, not through this person
        }
        at = links.get(&id).copied().flatten();
    }
    false
}

/// The checks that need the database: email unique in the company, manager in the company,
/// no manager loop.
async fn check_against_directory(
    state: &AppState,
    company: i64,
    id: Option<i64>,
    input: &people::PersonInput,
    errors: &mut Errors,
) -> Result<(), AppError> {
    if let Some(other) = people::find_by_email(&state.db, company, &input.email).await?
        && Some(other.id) != id
    {
        errors.add(
            "email",
            format!(
                "{} already has the email {}.",
                other.full_name(),
                other.email
            ),
        );
    }
    if let Some(m) = input.manager_id {
        let links: HashMap<i64, Option<i64>> = people::manager_links(&state.db, company)
            .await?
            .into_iter()
            .collect();
        if !links.contains_key(&m) {
            errors.add("manager_id", "Choose a manager from the list.");
        } else if Some(m) == id {
            errors.add("manager_id", "A person cannot be their own manager.");
        } else if closes_loop(&links, id, m) {
            errors.add("manager_id", "This manager reports (directly or through others) to this person, which would make a loop.");
        }
    }
    Ok(())
}

#[derive(Template, WebTemplate)]
#[template(path = "people/form.html")]
pub(super) struct FormPage {
    layout: Layout,
    /// None when adding a person.
    id: Option<i64>,
    values: Values,
    errors: Errors,
    gender_choices: Vec<String>,
    managers: Vec<(i64, String)>,
    groups: Vec<Group>,
    owned: Ownership,
}

impl FormPage {
    fn owns(&self, field: &str) -> bool {
        self.owned.owns(field)
    }
    fn managed_by(&self) -> String {
        self.owned.note().unwrap_or_default()
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
    owned: Ownership,
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
        owned,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    Manager(user): Manager,
) -> Result<FormPage, AppError> {
    let values = Values {
        active: true,
        ..Values::default()
    };
    form_page(
        &state,
        &user,
        None,
        values,
        Errors::default(),
        Ownership::of(Source::Manual),
    )
    .await
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let person = people::get(&state.db, user.company_id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    form_page(
        &state,
        &user,
        Some(id),
        Values::of(&person),
        Errors::default(),
        Ownership::of(person.source),
    )
    .await
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
    let (values, owned) = match id {
        Some(id) => {
            let stored = people::get(&state.db, company, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let owned = Ownership::of(stored.source);
            (
                Values::from_form(&form).keep_owned(Values::of(&stored), owned),
                owned,
            )
        }
        None => (Values::from_form(&form), Ownership::of(Source::Manual)),
    };
    let mut errors = Errors::default();
    let mut choices = c.gender_choices.clone();
    if owned.owns("gender") {
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
            let page = form_page(state, user, id, values, errors, owned).await?;
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
        let page = form_page(state, user, id, values, errors, owned).await?;
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
            let page = form_page(state, user, id, values, errors, owned).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    people::set_groups(&mut tx, company, person_id, &values.group_ids).await?;
    if !input.active {
        crate::session_store::end_sessions_of(&mut tx, person_id).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/people/{person_id}")).into_response())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manager_below_the_person_closes_a_loop() {
        // 1 ← 2 ← 3 (3 reports to 2, 2 reports to 1)
        let links: HashMap<i64, Option<i64>> = [(1, None), (2, Some(1)), (3, Some(2))].into();
        assert!(
            closes_loop(&links, Some(1), 3),
            "1 reporting to 3 closes 1→3→2→1"
        );
        assert!(closes_loop(&links, Some(2), 3));
        assert!(!closes_loop(&links, Some(3), 1));
        assert!(
            !closes_loop(&links, None, 3),
            "a new person cannot close a loop"
        );
    }

    #[test]
    fn a_form_with_blank_names_and_a_bad_email_says_so() {
        let v = Values {
            email: "nope".into(),
            ..Values::default()
        };
        let mut e = Errors::default();
        assert!(validate(&v, &[], &mut e).is_none());
        assert!(e.get("email").unwrap().contains("not a valid email"));
        assert_eq!(e.get("first_name"), Some("First name is required."));
        assert_eq!(e.get("last_name"), Some("Last name is required."));
    }
}
