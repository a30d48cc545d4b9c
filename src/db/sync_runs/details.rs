//! What a run recorded besides its row: the per-person changes (`sync_changes`) and the notes
//! (`sync_notes`).

use crate::{
    db::{Db, Tx},
    on_db, on_tx,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Change {
    pub person_id: Option<i64>,
    pub person_name: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Why the sync made the change ("status Inactive in Personio"), where reconcile said.
    pub reason: Option<String>,
}

/// Inserts history rows in order: on PostgreSQL one `unnest` of arrays per 10,000 rows (a
/// statement with thousands of placeholders costs more to parse and plan than to run), on SQLite
/// one multi-row statement per 1,000.
pub async fn insert_changes(tx: &mut Tx, run_id: i64, rows: &[Change]) -> sqlx::Result<()> {
    if let Tx::Postgres(t) = tx {
        for chunk in rows.chunks(10_000) {
            let person: Vec<Option<i64>> = chunk.iter().map(|c| c.person_id).collect();
            let name: Vec<&str> = chunk.iter().map(|c| c.person_name.as_str()).collect();
            let field: Vec<&str> = chunk.iter().map(|c| c.field.as_str()).collect();
            let before: Vec<Option<&str>> = chunk.iter().map(|c| c.before.as_deref()).collect();
            let after: Vec<Option<&str>> = chunk.iter().map(|c| c.after.as_deref()).collect();
            let reason: Vec<Option<&str>> = chunk.iter().map(|c| c.reason.as_deref()).collect();
            sqlx::query(
                "insert into sync_changes (run_id, person_id, person_name, field, before, after, reason) \
                 select $1, u.* from unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as u",
            )
            .bind(run_id)
            .bind(&person)
            .bind(&name)
            .bind(&field)
            .bind(&before)
            .bind(&after)
            .bind(&reason)
            .execute(&mut **t)
            .await?;
        }
        return Ok(());
    }
    for chunk in rows.chunks(1_000) {
        on_tx!(tx, conn => {
            let mut q = sqlx::QueryBuilder::new(
                "insert into sync_changes (run_id, person_id, person_name, field, before, after, reason) ");
            q.push_values(chunk, |mut b, c| {
                b.push_bind(run_id).push_bind(c.person_id).push_bind(&c.person_name)
                    .push_bind(&c.field).push_bind(&c.before).push_bind(&c.after).push_bind(&c.reason);
            });
            q.build().execute(conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn change_count(db: &Db, run_id: i64) -> sqlx::Result<i64> {
    on_db!(db, p => sqlx::query_scalar("select count(*) from sync_changes where run_id = $1")
        .bind(run_id).fetch_one(p).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Note {
    pub kind: String,
    pub person_id: Option<i64>,
    pub name: String,
    pub message: String,
}

/// Inserts notes in order, one multi-row statement per 1,000.
pub async fn insert_notes(tx: &mut Tx, run_id: i64, notes: &[Note]) -> sqlx::Result<()> {
    for chunk in notes.chunks(1_000) {
        on_tx!(tx, conn => {
            let mut q = sqlx::QueryBuilder::new(
                "insert into sync_notes (run_id, kind, person_id, name, message) ");
            q.push_values(chunk, |mut b, n| {
                b.push_bind(run_id).push_bind(&n.kind).push_bind(n.person_id)
                    .push_bind(&n.name).push_bind(&n.message);
            });
            q.build().execute(conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn notes(db: &Db, run_id: i64) -> sqlx::Result<Vec<Note>> {
    on_db!(db, p => sqlx::query_as("select kind, person_id, name, message from sync_notes where run_id = $1 order by id")
        .bind(run_id).fetch_all(p).await)
}
