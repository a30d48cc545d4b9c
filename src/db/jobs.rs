//! The worker's bookkeeping next to the apalis queue: which morning syncs were queued, and how
//! many times each queued sync was started.

use crate::{
    db::{Db, Tx},
    on_db, on_tx,
};

/// Claims the company's scheduled sync for `local_date` (YYYY-MM-DD in its time zone). True for
/// the one caller that claimed it; everyone else (another scheduler, a later tick) gets false.
pub async fn claim_morning(tx: &mut Tx, company_id: i64, local_date: &str) -> sqlx::Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "insert into scheduled_syncs (company_id, local_date, enqueued_at) values ($1, $2, $3) \
         on conflict (company_id, local_date) do nothing")
        .bind(company_id).bind(local_date).bind(crate::db::now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Whether the company's scheduled sync for `local_date` was already queued.
pub async fn morning_claimed(db: &Db, company_id: i64, local_date: &str) -> sqlx::Result<bool> {
    let n: i64 = on_db!(db, p => sqlx::query_scalar(
        "select count(*) from scheduled_syncs where company_id = $1 and local_date = $2")
        .bind(company_id).bind(local_date).fetch_one(p).await)?;
    Ok(n > 0)
}

/// Every claimed morning of a company, oldest first.
pub async fn mornings(db: &Db, company_id: i64) -> sqlx::Result<Vec<String>> {
    on_db!(db, p => sqlx::query_scalar(
        "select local_date from scheduled_syncs where company_id = $1 order by local_date")
        .bind(company_id).fetch_all(p).await)
}

/// Counts one more start of the queued sync `job_id` and returns the new count (1 for the first),
/// or `None` when the job is done ([`job_done`]): a second delivery of a job that already ran,
/// which must not run again. Committed before the run starts, so a run whose worker is killed
/// still counts.
pub async fn bump_attempt(db: &Db, job_id: &str, company_id: i64) -> sqlx::Result<Option<i64>> {
    on_db!(db, p => sqlx::query_scalar(
        "insert into sync_job_attempts (job_id, company_id, attempts, updated_at) values ($1, $2, 1, $3) \
         on conflict (job_id) do update set attempts = sync_job_attempts.attempts + 1, updated_at = excluded.updated_at \
         where sync_job_attempts.done_at is null \
         returning attempts")
        .bind(job_id).bind(company_id).bind(crate::db::now()).fetch_optional(p).await)
}

/// Marks the queued sync `job_id` done: it ran and needs no retry, or it was dropped. apalis
/// may still deliver it again (it re-queues the job of a worker whose heartbeat was late, while
/// that worker runs it); [`bump_attempt`] then refuses it.
pub async fn job_done(db: &Db, job_id: &str) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "update sync_job_attempts set done_at = $2, updated_at = $2 where job_id = $1")
        .bind(job_id).bind(crate::db::now()).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes back a count when the run did not start after all (another run held the lock).
pub async fn unbump_attempt(db: &Db, job_id: &str) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "update sync_job_attempts set attempts = attempts - 1 where job_id = $1 and attempts > 0")
        .bind(job_id).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many times `job_id` was started (0 when never).
pub async fn attempts(db: &Db, job_id: &str) -> sqlx::Result<i64> {
    let n: Option<i64> = on_db!(db, p => sqlx::query_scalar(
        "select attempts from sync_job_attempts where job_id = $1")
        .bind(job_id).fetch_optional(p).await)?;
    Ok(n.unwrap_or(0))
}

/// Sets the count (tests forge a job that already used its attempts).
pub async fn set_attempts(db: &Db, job_id: &str, company_id: i64, n: i64) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "insert into sync_job_attempts (job_id, company_id, attempts, updated_at) values ($1, $2, $3, $4) \
         on conflict (job_id) do update set attempts = excluded.attempts, updated_at = excluded.updated_at")
        .bind(job_id).bind(company_id).bind(n).bind(crate::db::now())
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Adds a sentence to a finished run's message ("Retrying in 30 s (attempt 1 of 4).").
pub async fn append_run_message(db: &Db, run_id: i64, sentence: &str) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "update sync_runs set message = case when message is null or message = '' then $2 else message || ' ' || $2 end where id = $1")
        .bind(run_id).bind(sentence).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Forgets bookkeeping older than `keep`: claimed mornings (only today's matters), attempt
/// counts, and finished jobs in the queue (our once-a-day guarantee does not live there).
pub async fn prune(db: &Db, keep: time::Duration) -> sqlx::Result<u64> {
    let before = crate::db::now() - keep;
    let cutoff_secs = before.unix_timestamp();
    let date = format!(
        "{:04}-{:02}-{:02}",
        before.year(),
        u8::from(before.month()),
        before.day()
    );
    let mut n = 0;
    n += on_db!(db, p => sqlx::query("delete from scheduled_syncs where local_date < $1")
        .bind(&date).execute(p).await.map(|r| r.rows_affected()))?;
    n += on_db!(db, p => sqlx::query("delete from sync_job_attempts where updated_at < $1")
        .bind(before).execute(p).await.map(|r| r.rows_affected()))?;
    n += match db {
        Db::Sqlite(p) => sqlx::query(
            "delete from Jobs where job_type = $1 and status in ('Done', 'Failed', 'Killed') and done_at < $2")
            .bind(crate::jobs::QUEUE).bind(cutoff_secs).execute(p).await?.rows_affected(),
        Db::Postgres(p) => sqlx::query(
            "delete from apalis.jobs where job_type = $1 and status in ('Done', 'Failed', 'Killed') and done_at < to_timestamp($2)")
            .bind(crate::jobs::QUEUE).bind(cutoff_secs as f64).execute(p).await?.rows_affected(),
    };
    Ok(n)
}

/// How long the oldest job that is due and not yet taken has been waiting, in seconds (`None`
/// when no job waits). For `/readyz`.
pub async fn oldest_due_wait_secs(db: &Db) -> sqlx::Result<Option<i64>> {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(
            "select cast(strftime('%s', 'now') as integer) - min(run_at) from Jobs \
             where job_type = $1 and status = 'Pending' and run_at <= cast(strftime('%s', 'now') as integer)")
            .bind(crate::jobs::QUEUE).fetch_one(p).await,
        Db::Postgres(p) => sqlx::query_scalar(
            "select extract(epoch from now() - min(run_at))::bigint from apalis.jobs \
             where job_type = $1 and status = 'Pending' and run_at <= now()")
            .bind(crate::jobs::QUEUE).fetch_one(p).await,
    }
}
