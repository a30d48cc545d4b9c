//! People: the directory's rows. Every function takes the company id, so no query can reach
//! another company's people.

use time::{Date, OffsetDateTime};

use crate::{
    db::{Db, Tx},
    directory::{Person, Role, Source, search},
    on_db, on_tx,
};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    company_id: i64,
    email: String,
    first_name: String,
    last_name: String,
    position: Option<String>,
    department: Option<String>,
    gender: Option<String>,
    birth_date: Option<Date>,
    employee_number: Option<String>,
    first_hired_on: Option<Date>,
    manager_id: Option<i64>,
    active: bool,
    source: String,
    source_id: Option<String>,
    role: Option<String>,
}

impl Row {
    fn into_person(self, group_ids: Vec<i64>) -> Person {
        Person {
            id: self.id,
            company_id: self.company_id,
            email: self.email,
            first_name: self.first_name,
            last_name: self.last_name,
            position: self.position,
            department: self.department,
            gender: self.gender,
            birth_date: self.birth_date,
            employee_number: self.employee_number,
            first_hired_on: self.first_hired_on,
            manager_id: self.manager_id,
            active: self.active,
            source: Source::parse(&self.source).unwrap_or(Source::Manual),
            source_id: self.source_id,
            role: self.role.as_deref().and_then(Role::parse),
            group_ids,
        }
    }
}

const PERSON: &str = "select id, company_id, email, first_name, last_name, position, department, \
    gender, birth_date, employee_number, first_hired_on, manager_id, active, source, source_id, role \
    from people";

pub async fn get(db: &Db, company_id: i64, id: i64) -> sqlx::Result<Option<Person>> {
    let sql = sqlx::AssertSqlSafe(format!("{PERSON} where company_id = $1 and id = $2"));
    let row: Option<Row> =
        on_db!(db, p => sqlx::query_as(sql).bind(company_id).bind(id).fetch_optional(p).await)?;
    let Some(row) = row else { return Ok(None) };
    let group_ids: Vec<i64> = on_db!(db, p => sqlx::query_scalar(
        "select gm.group_id from group_members gm join groups g on g.id = gm.group_id \
         where gm.person_id = $1 and g.company_id = $2 order by gm.group_id")
        .bind(id).bind(company_id).fetch_all(p).await)?;
    Ok(Some(row.into_person(group_ids)))
}

/// Every person of a company with their group ids: the directory the sync reconciles against.
pub async fn all(db: &Db, company_id: i64) -> sqlx::Result<Vec<Person>> {
    let sql = sqlx::AssertSqlSafe(format!("{PERSON} where company_id = $1 order by id"));
    let rows: Vec<Row> = on_db!(db, p => sqlx::query_as(sql).bind(company_id).fetch_all(p).await)?;
    let members: Vec<(i64, i64)> = on_db!(db, p => sqlx::query_as(
        "select gm.person_id, gm.group_id from group_members gm join groups g on g.id = gm.group_id \
         where g.company_id = $1 order by gm.person_id, gm.group_id")
        .bind(company_id).fetch_all(p).await)?;
    let mut by_person: std::collections::HashMap<i64, Vec<i64>> = Default::default();
    for (person, group) in members {
        by_person.entry(person).or_default().push(group);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let groups = by_person.remove(&r.id).unwrap_or_default();
            r.into_person(groups)
        })
        .collect())
}

/// A row of the directory list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListItem {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub position: Option<String>,
    pub department: Option<String>,
    pub active: bool,
}

impl ListItem {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

pub use super::people_list::{Counts, FieldFilter, Filter, list};

/// The people whose manager is `manager_id`, active first.
pub async fn reports(db: &Db, company_id: i64, manager_id: i64) -> sqlx::Result<Vec<ListItem>> {
    on_db!(db, p => sqlx::query_as(
        "select id, first_name, last_name, email, position, department, active from people \
         where company_id = $1 and manager_id = $2 \
         order by active desc, lower(last_name), lower(first_name), id")
        .bind(company_id).bind(manager_id).fetch_all(p).await)
}

/// (id, name) of everyone, for the manager picker.
pub async fn names(db: &Db, company_id: i64) -> sqlx::Result<Vec<(i64, String)>> {
    let rows: Vec<(i64, String, String)> = on_db!(db, p => sqlx::query_as(
        "select id, first_name, last_name from people where company_id = $1 \
         order by lower(last_name), lower(first_name), id")
        .bind(company_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, f, l)| (id, format!("{f} {l}")))
        .collect())
}

/// (id, manager id) of everyone in the company, to check a new manager link for loops.
pub async fn manager_links(db: &Db, company_id: i64) -> sqlx::Result<Vec<(i64, Option<i64>)>> {
    on_db!(db, p => sqlx::query_as("select id, manager_id from people where company_id = $1")
        .bind(company_id).fetch_all(p).await)
}

/// The fields a company manager edits by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonInput {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub position: Option<String>,
    pub department: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<Date>,
    pub employee_number: Option<String>,
    pub first_hired_on: Option<Date>,
    pub manager_id: Option<i64>,
    pub active: bool,
}

impl PersonInput {
    /// An active person with a name and an email, and nothing else yet.
    pub fn named(email: &str, first_name: &str, last_name: &str) -> PersonInput {
        PersonInput {
            email: email.to_string(),
            first_name: first_name.to_string(),
            last_name: last_name.to_string(),
            position: None,
            department: None,
            gender: None,
            birth_date: None,
            employee_number: None,
            first_hired_on: None,
            manager_id: None,
            active: true,
        }
    }
}

pub async fn insert(tx: &mut Tx, company_id: i64, p: &PersonInput) -> sqlx::Result<i64> {
    let now = crate::db::now();
    on_tx!(tx, c => sqlx::query_scalar(
        "insert into people (company_id, email, first_name, last_name, position, department, gender, \
         birth_date, employee_number, first_hired_on, manager_id, active, source, created_at, updated_at, search_key) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'manual', $13, $13, $14) returning id")
        .bind(company_id).bind(&p.email).bind(&p.first_name).bind(&p.last_name).bind(&p.position)
        .bind(&p.department).bind(&p.gender).bind(p.birth_date).bind(&p.employee_number)
        .bind(p.first_hired_on).bind(p.manager_id).bind(p.active).bind(now)
        .bind(search::key(&p.first_name, &p.last_name, &p.email))
        .fetch_one(c).await)
}

pub async fn update(tx: &mut Tx, company_id: i64, id: i64, p: &PersonInput) -> sqlx::Result<bool> {
    let now = crate::db::now();
    let done = on_tx!(tx, c => sqlx::query(
        "update people set email = $3, first_name = $4, last_name = $5, position = $6, department = $7, \
         gender = $8, birth_date = $9, employee_number = $10, first_hired_on = $11, manager_id = $12, \
         active = $13, updated_at = $14, search_key = $15 where company_id = $1 and id = $2")
        .bind(company_id).bind(id).bind(&p.email).bind(&p.first_name).bind(&p.last_name)
        .bind(&p.position).bind(&p.department).bind(&p.gender).bind(p.birth_date)
        .bind(&p.employee_number).bind(p.first_hired_on).bind(p.manager_id).bind(p.active).bind(now)
        .bind(search::key(&p.first_name, &p.last_name, &p.email))
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Replaces a person's group memberships with `group_ids` (only groups of the same company).
pub async fn set_groups(
    tx: &mut Tx,
    company_id: i64,
    person_id: i64,
    group_ids: &[i64],
) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "delete from group_members where person_id = $1 \
         and person_id in (select id from people where company_id = $2)")
        .bind(person_id).bind(company_id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for g in group_ids {
        on_tx!(tx, c => sqlx::query(
            "insert into group_members (group_id, person_id) \
             select g.id, p.id from groups g, people p \
             where g.id = $1 and g.company_id = $3 and p.id = $2 and p.company_id = $3")
            .bind(g).bind(person_id).bind(company_id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn find_by_email(db: &Db, company_id: i64, email: &str) -> sqlx::Result<Option<Person>> {
    let id: Option<i64> = on_db!(db, p => sqlx::query_scalar(
        "select id from people where company_id = $1 and lower(email) = lower($2)")
        .bind(company_id).bind(email).fetch_optional(p).await)?;
    match id {
        Some(id) => get(db, company_id, id).await,
        None => Ok(None),
    }
}

pub use super::logins::{
    LoginCandidate, ResetCandidate, SESSION_PERSON_COLUMNS, SessionPerson, login_candidates,
    reset_candidates, session_person, set_login,
};

/// How many people a company has (for the demo's idempotence and the dashboard).
pub async fn count(db: &Db, company_id: i64) -> sqlx::Result<i64> {
    on_db!(db, p => sqlx::query_scalar("select count(*) from people where company_id = $1")
        .bind(company_id).fetch_one(p).await)
}

/// The time a row was last changed, for tests that prove "no person row written".
pub async fn max_updated_at(db: &Db, company_id: i64) -> sqlx::Result<Option<OffsetDateTime>> {
    on_db!(db, p => sqlx::query_scalar("select max(updated_at) from people where company_id = $1")
        .bind(company_id).fetch_one(p).await)
}

/// Sets one column of a synced person (the sync changes only what differs).
pub async fn set_column(
    tx: &mut Tx,
    company_id: i64,
    person_id: i64,
    value: &crate::sync::NewValue,
) -> sqlx::Result<()> {
    use crate::sync::NewValue as V;
    let now = crate::db::now();
    macro_rules! set {
        ($col:literal, $v:expr) => {
            on_tx!(tx, c => sqlx::query(concat!(
                "update people set ", $col, " = $1, updated_at = $2 where id = $3 and company_id = $4"))
                .bind($v).bind(now).bind(person_id).bind(company_id).execute(c).await.map(|r| r.rows_affected()))
        };
    }
    match value {
        V::Email(v) => set!("email", v),
        V::FirstName(v) => set!("first_name", v),
        V::LastName(v) => set!("last_name", v),
        V::Position(v) => set!("position", v),
        V::Department(v) => set!("department", v),
        V::Gender(v) => set!("gender", v),
        V::BirthDate(v) => set!("birth_date", v),
        V::EmployeeNumber(v) => set!("employee_number", v),
        V::FirstHiredOn(v) => set!("first_hired_on", v),
        V::Active(v) => set!("active", v),
        V::Link { source, source_id } => on_tx!(tx, c => sqlx::query(
            "update people set source = $1, source_id = $2, updated_at = $3 where id = $4 and company_id = $5")
            .bind(source.as_str()).bind(source_id).bind(now).bind(person_id).bind(company_id)
            .execute(c).await.map(|r| r.rows_affected())),
    }?;
    if matches!(value, V::Email(_) | V::FirstName(_) | V::LastName(_)) {
        crate::db::search_keys::refold(tx, company_id, person_id).await?;
    }
    Ok(())
}

pub async fn set_manager(
    tx: &mut Tx,
    company_id: i64,
    person_id: i64,
    manager_id: Option<i64>,
) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "update people set manager_id = $1, updated_at = $2 where id = $3 and company_id = $4")
        .bind(manager_id).bind(crate::db::now()).bind(person_id).bind(company_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
