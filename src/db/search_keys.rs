//! Keeping `people.search_key` (see [`crate::directory::search`]) in line with what it folds:
//! a person's name, e-mail and text custom field values.

use crate::{
    db::{Db, Tx, field_values},
    directory::search,
    on_db, on_tx,
};

/// Recomputes one person's search key after their name, e-mail or a text custom field value
/// changed.
pub async fn refold(tx: &mut Tx, company_id: i64, person_id: i64) -> sqlx::Result<u64> {
    let (first, last, email): (String, String, String) = on_tx!(tx, c => sqlx::query_as(
        "select first_name, last_name, email from people where id = $1 and company_id = $2")
        .bind(person_id).bind(company_id).fetch_one(c).await)?;
    let texts = field_values::search_texts(tx, person_id).await?;
    let key = search::key_with(&first, &last, &email, &texts);
    on_tx!(tx, c => sqlx::query("update people set search_key = $1 where id = $2")
        .bind(key).bind(person_id).execute(c).await.map(|r| r.rows_affected()))
}

/// Folds the search key of every person who has none (rows from before the key existed), a
/// thousand at a time; called after migrating, so it is cheap when there is nothing to do.
/// Such rows predate custom fields, so their key is the name and e-mail.
pub async fn fold_missing(db: &Db) -> sqlx::Result<u64> {
    let mut done = 0;
    loop {
        let rows: Vec<(i64, String, String, String)> = on_db!(db, p => sqlx::query_as(
            "select id, first_name, last_name, email from people where search_key is null limit 1000")
            .fetch_all(p).await)?;
        if rows.is_empty() {
            return Ok(done);
        }
        let mut tx = db.begin().await?;
        for (id, first, last, email) in &rows {
            on_tx!(&mut tx, c => sqlx::query("update people set search_key = $1 where id = $2")
                .bind(search::key(first, last, email)).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        done += rows.len() as u64;
    }
}
