//! The outbox: mail written in the transaction of the event that causes it, sent later by the
//! worker. A row is claimed with a lease (`claimed_until`) before sending, so two workers never
//! send one row; it is marked sent once the SMTP server accepted it.

use time::{Duration, OffsetDateTime};

use crate::{
    db::{Db, Tx},
    on_db, on_tx,
};

/// One row of the outbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub company_id: Option<i64>,
    pub kind: String,
    pub recipient: String,
    pub payload: String,
    pub message_key: String,
    pub created_at: OffsetDateTime,
    pub attempts: i32,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<OffsetDateTime>,
    pub failed_at: Option<OffsetDateTime>,
}

const COLUMNS: &str = "id, company_id, kind, recipient, payload, message_key, created_at, attempts, \
     next_attempt_at, last_error, sent_at, failed_at";

/// Queues one mail inside the caller's transaction; due at once.
pub async fn insert(
    tx: &mut Tx,
    company_id: Option<i64>,
    kind: &str,
    recipient: &str,
    payload: &str,
) -> sqlx::Result<i64> {
    let now = crate::db::now();
    let key = format!("{:032x}", rand::random::<u128>());
    on_tx!(tx, c => sqlx::query_scalar(
        "insert into outbox (company_id, kind, recipient, payload, message_key, created_at, next_attempt_at) \
         values ($1, $2, $3, $4, $5, $6, $6) returning id")
        .bind(company_id).bind(kind).bind(recipient).bind(payload).bind(key).bind(now)
        .fetch_one(c).await)
}

/// Claims the oldest due row for `lease`: its attempt is counted now, so a sender that dies
/// mid-send leaves a row that becomes due again when the lease ends. The outer `where` repeats
/// the conditions so that, on PostgreSQL, a second claimer blocked on the row sees it taken.
pub async fn claim_due(db: &Db, lease: Duration) -> sqlx::Result<Option<OutboxRow>> {
    let now = crate::db::now();
    let until = now + lease;
    let sql = format!(
        "update outbox set claimed_until = $2, attempts = attempts + 1 \
         where id = (select id from outbox where sent_at is null and failed_at is null \
                       and next_attempt_at <= $1 and (claimed_until is null or claimed_until < $1) \
                     order by next_attempt_at, id limit 1) \
           and sent_at is null and failed_at is null and (claimed_until is null or claimed_until < $1) \
         returning {COLUMNS}"
    );
    on_db!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(now).bind(until).fetch_optional(p).await)
}

/// The SMTP server accepted the row.
pub async fn mark_sent(db: &Db, id: i64) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "update outbox set sent_at = $2, claimed_until = null, last_error = null where id = $1")
        .bind(id).bind(crate::db::now()).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A transient failure: try again at `retry_at`.
pub async fn mark_retry(
    db: &Db,
    id: i64,
    error: &str,
    retry_at: OffsetDateTime,
) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "update outbox set next_attempt_at = $2, claimed_until = null, last_error = $3 where id = $1")
        .bind(id).bind(retry_at).bind(error).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A permanent failure (the server refused the recipient, say): never tried again.
pub async fn mark_failed(db: &Db, id: i64, error: &str) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "update outbox set failed_at = $2, claimed_until = null, last_error = $3 where id = $1")
        .bind(id).bind(crate::db::now()).bind(error).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The newest rows first, optionally only one company's.
pub async fn list(db: &Db, company_id: Option<i64>, limit: i64) -> sqlx::Result<Vec<OutboxRow>> {
    let sql = format!(
        "select {COLUMNS} from outbox where ($1 is null or company_id = $1) order by id desc limit $2"
    );
    on_db!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(company_id).bind(limit).fetch_all(p).await)
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<OutboxRow>> {
    let sql = format!("select {COLUMNS} from outbox where id = $1");
    on_db!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(id).fetch_optional(p).await)
}
