//! Login attempts, kept in the database so throttling holds across processes. An attempt is
//! reserved (written as a failure) before its password is checked, counting and writing under
//! one lock, so N parallel guesses cannot all see the same count.

use time::{Duration, OffsetDateTime};

use crate::{
    db::{Db, Tx},
    on_db, on_tx,
};

/// How many failures are allowed since when.
pub struct Limits {
    pub since: OffsetDateTime,
    pub per_account: i64,
    pub per_address: i64,
}

/// Reserves an attempt for this account and address, or `None` when either already has its
/// limit of failures (pending reservations count as failures). The count and the insert run in
/// one transaction that serializes attempts for the same account and address: on SQLite the
/// transaction begins immediate (the database's write lock); on PostgreSQL it takes
/// transaction-level advisory locks on the account, then on the address (always in that
/// order, so two attempts cannot wait on each other).
pub async fn reserve(
    db: &Db,
    email_key: &str,
    ip: &str,
    limits: &Limits,
) -> sqlx::Result<Option<i64>> {
    let mut tx = db.begin().await?;
    if let Tx::Postgres(t) = &mut tx {
        for (class, key) in [(1_i32, email_key), (2, ip)] {
            sqlx::query("select pg_advisory_xact_lock($1, hashtext($2))")
                .bind(class)
                .bind(key)
                .execute(&mut **t)
                .await?;
        }
    }
    let by_email: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        "select count(*) from login_attempts where email_key = $1 and not succeeded and at > $2")
        .bind(email_key).bind(limits.since).fetch_one(c).await)?;
    let by_ip: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        "select count(*) from login_attempts where ip = $1 and not succeeded and at > $2")
        .bind(ip).bind(limits.since).fetch_one(c).await)?;
    if by_email >= limits.per_account || by_ip >= limits.per_address {
        return Ok(None); // dropped: rolls back
    }
    let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        "insert into login_attempts (email_key, ip, succeeded, at) values ($1, $2, false, $3) returning id")
        .bind(email_key).bind(ip).bind(crate::db::now()).fetch_one(c).await)?;
    tx.commit().await?;
    Ok(Some(id))
}

/// The reserved attempt had the right password: it no longer counts as a failure.
pub async fn succeeded(db: &Db, id: i64) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query("update login_attempts set succeeded = true where id = $1")
        .bind(id).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The reserved attempt was never checked (every password check was busy): forget it.
pub async fn cancel(db: &Db, id: i64) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query("delete from login_attempts where id = $1")
        .bind(id).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Forgets attempts older than a day (housekeeping).
pub async fn prune(db: &Db) -> sqlx::Result<u64> {
    let cutoff = crate::db::now() - Duration::days(1);
    let done = on_db!(db, p => sqlx::query("delete from login_attempts where at < $1")
        .bind(cutoff).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(done)
}
