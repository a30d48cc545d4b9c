//! Sync alerts in the database: the company's open problem (`sync_alert_state`, one row per
//! company while a problem is open), who hears of it (company managers who did not turn alerts
//! off), and each manager's own switch. The decisions are in [`crate::sync::alerts`].

use time::Date;

use crate::{
    db::{Db, Tx, audit},
    on_db, on_tx,
};

/// The company's open problem: what it is (`mail::Problem` as JSON), the run that last alerted,
/// and on which day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenProblem {
    pub problem: String,
    pub run_id: i64,
    pub alerted_on: Date,
}

pub async fn open_problem(tx: &mut Tx, company_id: i64) -> sqlx::Result<Option<OpenProblem>> {
    on_tx!(tx, c => sqlx::query_as(
        "select problem, run_id, alerted_on from sync_alert_state where company_id = $1")
        .bind(company_id).fetch_optional(c).await)
}

/// Records that `run_id` alerted about `problem` on `day`.
pub async fn set_open(
    tx: &mut Tx,
    company_id: i64,
    problem: &str,
    run_id: i64,
    day: Date,
) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "insert into sync_alert_state (company_id, problem, run_id, alerted_on) values ($1, $2, $3, $4) \
         on conflict (company_id) do update set problem = $2, run_id = $3, alerted_on = $4")
        .bind(company_id).bind(problem).bind(run_id).bind(day)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The problem is over (a sync succeeded).
pub async fn close(tx: &mut Tx, company_id: i64) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query("delete from sync_alert_state where company_id = $1")
        .bind(company_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A company manager who gets sync alerts.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Manager {
    pub id: i64,
    pub email: String,
    pub first_name: String,
}

/// Every active company manager with a login who did not turn sync alerts off.
pub async fn managers(tx: &mut Tx, company_id: i64) -> sqlx::Result<Vec<Manager>> {
    on_tx!(tx, c => sqlx::query_as(
        "select id, email, first_name from people where company_id = $1 and role = 'manager' \
         and password_hash is not null and active and not sync_alerts_off order by id")
        .bind(company_id).fetch_all(c).await)
}

/// Whether the person turned sync alerts off.
pub async fn is_off(db: &Db, company_id: i64, person_id: i64) -> sqlx::Result<bool> {
    let off: Option<bool> = on_db!(db, p => sqlx::query_scalar(
        "select sync_alerts_off from people where company_id = $1 and id = $2")
        .bind(company_id).bind(person_id).fetch_optional(p).await)?;
    Ok(off.unwrap_or(false))
}

/// A manager turns their own sync alerts on or off, with its audit event. False when nothing
/// changed (it already was so).
pub async fn set_off(db: &Db, company_id: i64, person_id: i64, off: bool) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "update people set sync_alerts_off = $3 where company_id = $1 and id = $2 and sync_alerts_off <> $3")
        .bind(company_id).bind(person_id).bind(off)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    let detail = if off {
        "Turned sync alerts by email off for themselves"
    } else {
        "Turned sync alerts by email on for themselves"
    };
    audit::record(&mut tx, company_id, Some(person_id), "alerts", detail).await?;
    tx.commit().await?;
    Ok(true)
}
