//! Login attempts, kept in the database so throttling holds across processes.

use time::{Duration, OffsetDateTime};

use crate::{db::Db, on_db};

pub async fn record(db: &Db, email_key: &str, ip: &str, succeeded: bool) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "insert into login_attempts (email_key, ip, succeeded, at) values ($1, $2, $3, $4)")
        .bind(email_key).bind(ip).bind(succeeded).bind(crate::db::now()).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Failed attempts since `since` for this account and from this address.
pub async fn recent_failures(
    db: &Db,
    email_key: &str,
    ip: &str,
    since: OffsetDateTime,
) -> sqlx::Result<(i64, i64)> {
    let by_email: i64 = on_db!(db, p => sqlx::query_scalar(
        "select count(*) from login_attempts where email_key = $1 and not succeeded and at > $2")
        .bind(email_key).bind(since).fetch_one(p).await)?;
    let by_ip: i64 = on_db!(db, p => sqlx::query_scalar(
        "select count(*) from login_attempts where ip = $1 and not succeeded and at > $2")
        .bind(ip).bind(since).fetch_one(p).await)?;
    Ok((by_email, by_ip))
}

/// Forgets attempts older than a day (housekeeping).
pub async fn prune(db: &Db) -> sqlx::Result<u64> {
    let cutoff = crate::db::now() - Duration::days(1);
    let done = on_db!(db, p => sqlx::query("delete from login_attempts where at < $1")
        .bind(cutoff).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(done)
}
