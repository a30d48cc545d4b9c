//! Logins: giving a person one (or taking it away), who may log in with an email, and who is
//! logged in (the person every page of a session needs). Re-exported from [`super::people`].

use crate::{
    db::{Db, Tx},
    directory::Role,
    on_db, on_tx,
};

/// Gives a person a login (or changes it). Passing `None` removes the login.
pub async fn set_login(
    tx: &mut Tx,
    company_id: i64,
    person_id: i64,
    login: Option<(&str, Role)>,
) -> sqlx::Result<bool> {
    let (hash, role) = match login {
        Some((h, r)) => (Some(h), Some(r.as_str())),
        None => (None, None),
    };
    let done = on_tx!(tx, c => sqlx::query(
        "update people set password_hash = $3, role = $4, updated_at = $5 where company_id = $1 and id = $2")
        .bind(company_id).bind(person_id).bind(hash).bind(role).bind(crate::db::now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// A person who may log in with this email, in any company.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginCandidate {
    pub id: i64,
    pub company_id: i64,
    pub password_hash: String,
}

/// People `p` who may log in with the email `$1` (case-insensitive): active, with a password
/// and a role. Logging in and asking for a reset link find the same people.
const LOGIN_WITH_EMAIL: &str = "lower(p.email) = lower($1) and p.password_hash is not null \
    and p.role is not null and p.active";

/// Active people with a login and this email (case-insensitive), oldest first.
pub async fn login_candidates(db: &Db, email: &str) -> sqlx::Result<Vec<LoginCandidate>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "select p.id, p.company_id, p.password_hash from people p \
         where {LOGIN_WITH_EMAIL} order by p.id"
    ));
    on_db!(db, p => sqlx::query_as(sql).bind(email).fetch_all(p).await)
}

/// Who a reset link for this email goes to: each person who may log in with it (one per
/// company), with what the mail says.
#[derive(Debug, sqlx::FromRow)]
pub struct ResetCandidate {
    pub id: i64,
    pub company_id: i64,
    pub email: String,
    pub first_name: String,
    pub company_name: String,
}

/// [`login_candidates`] with their names and companies, inside the reset request's transaction.
pub async fn reset_candidates(tx: &mut Tx, email: &str) -> sqlx::Result<Vec<ResetCandidate>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "select p.id, p.company_id, p.email, p.first_name, co.name as company_name \
         from people p join companies co on co.id = p.company_id \
         where {LOGIN_WITH_EMAIL} order by p.id"
    ));
    on_tx!(tx, c => sqlx::query_as(sql).bind(email).fetch_all(c).await)
}

/// Who is logged in: what every page needs to know about the current user.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct SessionPerson {
    pub id: i64,
    pub company_id: i64,
    pub company_name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Option<String>,
    pub active: bool,
}

/// The columns of a [`SessionPerson`], from `people p` joined with `companies c` (the session
/// store reads them with the session row, see [`crate::session_store`]).
pub const SESSION_PERSON_COLUMNS: &str = "p.id, p.company_id, c.name as company_name, \
    p.first_name, p.last_name, p.email, p.role, p.active";

pub async fn session_person(db: &Db, person_id: i64) -> sqlx::Result<Option<SessionPerson>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "select {SESSION_PERSON_COLUMNS} from people p join companies c on c.id = p.company_id \
         where p.id = $1"
    ));
    on_db!(db, p => sqlx::query_as(sql).bind(person_id).fetch_optional(p).await)
}
