//! The deployment-wide rate budgets of [`crate::hris::pacing::SharedBudget`], kept in
//! `pacing_grants` so every process of a deployment (each `roster worker`, `roster serve`) spends
//! one budget. The module doc of `hris::pacing::shared` explains the model and why it holds.

use std::time::Duration;

use crate::{
    db::{Db, Tx},
    hris::pacing::{Grant, SharedBudget},
    on_tx,
};

/// The advisory-lock class of "take from a shared rate budget" (PostgreSQL).
const PACING_LOCK: i32 = 17;

/// A [`SharedBudget`] in the database. Cheap to clone.
#[derive(Debug, Clone)]
pub struct DbBudget {
    db: Db,
}

impl DbBudget {
    pub fn new(db: Db) -> DbBudget {
        DbBudget { db }
    }
}

#[async_trait::async_trait]
impl SharedBudget for DbBudget {
    async fn take(
        &self,
        scope: &str,
        limit: u32,
        window: Duration,
        want: u32,
    ) -> anyhow::Result<Grant> {
        Ok(take(&self.db, scope, limit, window, want).await?)
    }
}

/// Grants up to `want` of the `limit` requests allowed in any `window` of `scope`, or says how
/// long until the oldest grant leaves the window. Counting, pruning and granting run in one
/// transaction serialized per scope: SQLite's write lock (the transaction begins immediate), a
/// PostgreSQL advisory lock on the scope. The stamp is the database's clock, read after the lock
/// is held, so grants are stamped in the order they are made, whichever machine asks.
pub async fn take(
    db: &Db,
    scope: &str,
    limit: u32,
    window: Duration,
    want: u32,
) -> sqlx::Result<Grant> {
    let mut tx = db.begin().await?;
    let now_ms: i64 = match &mut tx {
        Tx::Sqlite(t) => {
            sqlx::query_scalar("select cast(unixepoch('subsec') * 1000 as integer)")
                .fetch_one(&mut **t)
                .await?
        }
        Tx::Postgres(t) => {
            sqlx::query("select pg_advisory_xact_lock($1, hashtext($2))")
                .bind(PACING_LOCK)
                .bind(scope)
                .execute(&mut **t)
                .await?;
            sqlx::query_scalar(
                "select cast(extract(epoch from clock_timestamp()) * 1000 as bigint)",
            )
            .fetch_one(&mut **t)
            .await?
        }
    };
    let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
    let since = now_ms.saturating_sub(window_ms);
    on_tx!(&mut tx, c => sqlx::query("delete from pacing_grants where scope = $1 and at_ms <= $2")
        .bind(scope).bind(since).execute(c).await.map(|r| r.rows_affected()))?;
    let (used, oldest): (i64, Option<i64>) = on_tx!(&mut tx, c => sqlx::query_as(
        "select cast(coalesce(sum(n), 0) as bigint), min(at_ms) from pacing_grants where scope = $1")
        .bind(scope).fetch_one(c).await)?;
    let room = i64::from(limit) - used;
    let grant = if room > 0 {
        let n = room.min(i64::from(want.max(1)));
        on_tx!(&mut tx, c => sqlx::query(
            "insert into pacing_grants (scope, at_ms, n) values ($1, $2, $3)")
            .bind(scope).bind(now_ms).bind(n).execute(c).await.map(|r| r.rows_affected()))?;
        Grant::Granted(n as u32)
    } else {
        // The oldest grant leaves the window `window` after its stamp, freeing at least one.
        let free_at = oldest.unwrap_or(now_ms).saturating_add(window_ms);
        Grant::Wait(Duration::from_millis(
            free_at.saturating_sub(now_ms).max(1) as u64
        ))
    };
    tx.commit().await?;
    Ok(grant)
}
