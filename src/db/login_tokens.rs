//! One-time set-password links (invitations and resets), stored as SHA-256 hashes, and the
//! throttle log of "forgot password" requests.

use time::OffsetDateTime;

use crate::{
    db::{Db, Tx},
    on_db, on_tx,
};

/// A link that may still be used: unused, not expired, its person active.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ValidToken {
    pub id: i64,
    pub company_id: i64,
    pub person_id: i64,
    pub purpose: String,
    pub role: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company_name: String,
    pub has_login: bool,
}

/// Stores a new link for `person_id`, first cancelling the unused ones of the same purpose (a
/// re-invitation replaces the old link).
#[allow(clippy::too_many_arguments)]
pub async fn replace(
    tx: &mut Tx,
    company_id: i64,
    person_id: i64,
    purpose: &str,
    role: Option<&str>,
    token_hash: &str,
    expires_at: OffsetDateTime,
) -> sqlx::Result<()> {
    let now = crate::db::now();
    on_tx!(tx, c => sqlx::query(
        "delete from login_tokens where person_id = $1 and purpose = $2 and used_at is null")
        .bind(person_id).bind(purpose).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    on_tx!(tx, c => sqlx::query(
        "insert into login_tokens (company_id, person_id, purpose, role, token_hash, created_at, expires_at) \
         values ($1, $2, $3, $4, $5, $6, $7)")
        .bind(company_id).bind(person_id).bind(purpose).bind(role).bind(token_hash).bind(now)
        .bind(expires_at).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn find_valid(db: &Db, token_hash: &str) -> sqlx::Result<Option<ValidToken>> {
    on_db!(db, p => sqlx::query_as(
        "select t.id, t.company_id, t.person_id, t.purpose, t.role, p.first_name, p.last_name, p.email, \
                c.name as company_name, (p.password_hash is not null) as has_login \
         from login_tokens t join people p on p.id = t.person_id and p.company_id = t.company_id \
         join companies c on c.id = t.company_id \
         where t.token_hash = $1 and t.used_at is null and t.expires_at > $2 and p.active")
        .bind(token_hash).bind(crate::db::now()).fetch_optional(p).await)
}

/// Marks the link used; false when another request used it first.
pub async fn consume(tx: &mut Tx, id: i64) -> sqlx::Result<bool> {
    let done = on_tx!(tx, c => sqlx::query(
        "update login_tokens set used_at = $2 where id = $1 and used_at is null")
        .bind(id).bind(crate::db::now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Whether a person has an invitation waiting (unused, unexpired).
pub async fn pending_invitation(db: &Db, person_id: i64) -> sqlx::Result<Option<OffsetDateTime>> {
    on_db!(db, p => sqlx::query_scalar(
        "select created_at from login_tokens where person_id = $1 and purpose = 'invitation' \
         and used_at is null and expires_at > $2 order by id desc limit 1")
        .bind(person_id).bind(crate::db::now()).fetch_optional(p).await)
}

/// Cancels every unused link of a person (their login was removed or they were deactivated).
pub async fn cancel_all(tx: &mut Tx, person_id: i64) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query("delete from login_tokens where person_id = $1 and used_at is null")
        .bind(person_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a "forgot password" request and returns how many there were since `since` for
/// this email and from this address, this one included.
pub async fn record_reset_request(
    tx: &mut Tx,
    email_key: &str,
    ip: &str,
    since: OffsetDateTime,
) -> sqlx::Result<(i64, i64)> {
    on_tx!(tx, c => sqlx::query(
        "insert into password_reset_requests (email_key, ip, at) values ($1, $2, $3)")
        .bind(email_key).bind(ip).bind(crate::db::now()).execute(c).await.map(|r| r.rows_affected()))?;
    on_tx!(tx, c => sqlx::query_as(
        "select (select count(*) from password_reset_requests where email_key = $1 and at > $3), \
                (select count(*) from password_reset_requests where ip = $2 and at > $3)")
        .bind(email_key).bind(ip).bind(since).fetch_one(c).await)
}
