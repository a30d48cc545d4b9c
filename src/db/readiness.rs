//! The database half of `/readyz`: does it answer, and does it take a write.

use crate::{db::Db, on_tx};

/// Rewrites the one probe row in a transaction of its own: fails when the database is
/// read-only, its disk is full, or it does not answer.
pub async fn probe_write(db: &Db) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "insert into readiness_probe (id, checked_at) values (1, $1) \
         on conflict (id) do update set checked_at = excluded.checked_at")
        .bind(crate::db::now()).execute(c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}
