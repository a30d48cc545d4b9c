//! The sync's writes of many people at once: a first sync's creates and the manager links of a
//! run. The new people's ids are reserved before the insert (what either backend would assign),
//! so a link whose manager is already in the database, or in the same statement, goes into the
//! insert itself; only the rest (people already in the directory, managers inserted by a later
//! statement) need an `update` after. On PostgreSQL a whole first sync is one statement, so its
//! people are written once instead of inserted and then rewritten by the manager update.

use std::collections::HashMap;

use crate::{db::Tx, directory::search, on_tx, sync::NewPerson};

/// A person's new manager (none: no manager), by id.
pub type Link = (i64, Option<i64>);

/// Rows per multi-row statement on SQLite: 18 binds a row stays far below its 32,766 variables.
const SQLITE_CHUNK: usize = 500;

/// Rows per `unnest` statement on PostgreSQL: arrays, so no limit on parameters; a first sync of
/// this many people is one statement and links all its managers in the insert.
const POSTGRES_CHUNK: usize = 50_000;

/// `n` new ids for `people`, ascending: from the table's sequence on PostgreSQL; on SQLite, whose
/// transactions hold the write lock from `begin immediate`, the ids its rowid would assign (one
/// above the largest, the table having no `autoincrement`).
pub async fn reserve_ids(tx: &mut Tx, n: usize) -> sqlx::Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    match tx {
        Tx::Postgres(t) => {
            sqlx::query_scalar(
                "select nextval(pg_get_serial_sequence('people', 'id')) as id \
                 from generate_series(1, $1) order by 1",
            )
            .bind(n as i64)
            .fetch_all(&mut **t)
            .await
        }
        Tx::Sqlite(t) => {
            let max: i64 = sqlx::query_scalar("select coalesce(max(id), 0) from people")
                .fetch_one(&mut **t)
                .await?;
            Ok((1..=n as i64).map(|i| max + i).collect())
        }
    }
}

/// Inserts `people` under `ids` (from [`reserve_ids`], in the same order) with the managers
/// `links` give them (person, manager; the last link of a person wins, as with one update each),
/// and returns the links left to [`set_managers`]: those of people already in the directory and
/// those whose manager a later statement inserts.
pub async fn insert(
    tx: &mut Tx,
    company_id: i64,
    people: &[NewPerson],
    ids: &[i64],
    links: &[Link],
) -> sqlx::Result<Vec<Link>> {
    let chunk = if matches!(tx, Tx::Postgres(_)) {
        POSTGRES_CHUNK
    } else {
        SQLITE_CHUNK
    };
    let (managers, rest) = split_links(ids, links, chunk);
    let now = crate::db::now();
    for (n, rows) in people.chunks(chunk).enumerate() {
        let at = n * chunk;
        let (ids, managers) = (&ids[at..at + rows.len()], &managers[at..at + rows.len()]);
        let keys: Vec<String> = rows
            .iter()
            .map(|p| search::key(&p.first_name, &p.last_name, &p.email))
            .collect();
        let written = if let Tx::Postgres(t) = tx {
            let col = |f: fn(&NewPerson) -> Option<&str>| -> Vec<Option<&str>> {
                rows.iter().map(f).collect()
            };
            sqlx::query(
                "insert into people (id, manager_id, company_id, email, first_name, last_name, position, \
                 department, gender, birth_date, employee_number, first_hired_on, active, source, \
                 source_id, search_key, created_at, updated_at) \
                 select u.id, u.manager, $1, u.email, u.first_name, u.last_name, u.position, \
                 u.department, u.gender, u.birth_date, u.employee_number, u.first_hired_on, u.active, \
                 u.source, u.source_id, u.search_key, $17, $17 \
                 from unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], \
                 $8::text[], $9::text[], $10::date[], $11::text[], $12::date[], $13::bool[], $14::text[], \
                 $15::text[], $16::text[]) as u(id, manager, email, first_name, last_name, position, \
                 department, gender, birth_date, employee_number, first_hired_on, active, source, \
                 source_id, search_key)",
            )
            .bind(company_id)
            .bind(ids)
            .bind(managers)
            .bind(col(|p| Some(&p.email)))
            .bind(col(|p| Some(&p.first_name)))
            .bind(col(|p| Some(&p.last_name)))
            .bind(col(|p| p.position.as_deref()))
            .bind(col(|p| p.department.as_deref()))
            .bind(col(|p| p.gender.as_deref()))
            .bind(rows.iter().map(|p| p.birth_date).collect::<Vec<_>>())
            .bind(col(|p| p.employee_number.as_deref()))
            .bind(rows.iter().map(|p| p.first_hired_on).collect::<Vec<_>>())
            .bind(rows.iter().map(|p| p.active).collect::<Vec<_>>())
            .bind(col(|p| Some(p.source.as_str())))
            .bind(col(|p| Some(&p.source_id)))
            .bind(&keys)
            .bind(now)
            .execute(&mut **t)
            .await?
            .rows_affected()
        } else {
            on_tx!(tx, c => {
                let mut q = sqlx::QueryBuilder::new(
                    "insert into people (id, manager_id, company_id, email, first_name, last_name, \
                     position, department, gender, birth_date, employee_number, first_hired_on, active, \
                     source, source_id, search_key, created_at, updated_at) ");
                q.push_values(rows.iter().zip(ids).zip(managers).zip(&keys), |mut b, (((p, id), m), key)| {
                    b.push_bind(*id).push_bind(*m).push_bind(company_id).push_bind(&p.email)
                        .push_bind(&p.first_name).push_bind(&p.last_name).push_bind(&p.position)
                        .push_bind(&p.department).push_bind(&p.gender).push_bind(p.birth_date)
                        .push_bind(&p.employee_number).push_bind(p.first_hired_on).push_bind(p.active)
                        .push_bind(p.source.as_str()).push_bind(&p.source_id).push_bind(key)
                        .push_bind(now).push_bind(now);
                });
                q.build().execute(c).await.map(|r| r.rows_affected())
            })?
        };
        if written != rows.len() as u64 {
            return Err(sqlx::Error::Protocol(format!(
                "inserted {written} of {} synced people",
                rows.len()
            )));
        }
    }
    Ok(rest)
}

/// Rows per batched manager update (2 binds a row).
const LINK_CHUNK: usize = 1_000;

/// Sets many people's managers: one `update … from (values …)` per [`LINK_CHUNK`]. When a
/// person appears more than once the last link wins, as with one update each.
pub async fn set_managers(tx: &mut Tx, company_id: i64, links: &[Link]) -> sqlx::Result<()> {
    let links = last_links(links);
    let now = crate::db::now();
    if let Tx::Postgres(t) = tx {
        for chunk in links.chunks(10_000) {
            let person: Vec<i64> = chunk.iter().map(|l| l.0).collect();
            let manager: Vec<Option<i64>> = chunk.iter().map(|l| l.1).collect();
            sqlx::query(
                "update people set manager_id = u.manager, updated_at = $1 \
                 from unnest($2::bigint[], $3::bigint[]) as u(person, manager) \
                 where people.id = u.person and people.company_id = $4",
            )
            .bind(now)
            .bind(&person)
            .bind(&manager)
            .bind(company_id)
            .execute(&mut **t)
            .await?;
        }
        return Ok(());
    }
    for chunk in links.chunks(LINK_CHUNK) {
        on_tx!(tx, c => {
            let mut q = sqlx::QueryBuilder::new("update people set manager_id = v.column2, updated_at = ");
            q.push_bind(now).push(" from (");
            q.push_values(chunk, |mut b, (person, manager)| {
                b.push_bind(*person).push_bind(*manager);
            });
            q.push(") as v where people.id = v.column1 and people.company_id = ").push_bind(company_id);
            q.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Each new person's manager in the insert (in the order of `ids`, inserted `chunk` a statement)
/// and the links left for an update: of people not new, or to a new manager of a later chunk.
fn split_links(ids: &[i64], links: &[Link], chunk: usize) -> (Vec<Option<i64>>, Vec<Link>) {
    let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut managers: Vec<Option<i64>> = vec![None; ids.len()];
    let mut rest = Vec::new();
    for (person, manager) in last_links(links) {
        let new_manager_chunk = manager.and_then(|m| index.get(&m)).map(|j| j / chunk);
        match index.get(&person) {
            Some(&i) if new_manager_chunk.is_none_or(|c| c <= i / chunk) => managers[i] = manager,
            _ => rest.push((person, manager)),
        }
    }
    (managers, rest)
}

/// The last link of each person, in the order of those last links.
fn last_links(links: &[Link]) -> Vec<Link> {
    let mut last: HashMap<i64, usize> = HashMap::with_capacity(links.len());
    for (i, (person, _)) in links.iter().enumerate() {
        last.insert(*person, i);
    }
    links
        .iter()
        .enumerate()
        .filter(|(i, (p, _))| last.get(p) == Some(i))
        .map(|(_, l)| *l)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_go_into_the_insert_unless_their_manager_comes_in_a_later_statement() {
        // New people 10..=15, inserted two a statement; 1 is already in the directory.
        let ids = [10, 11, 12, 13, 14, 15];
        let links = [
            (10, Some(1)),  // an existing manager: in the insert
            (11, Some(10)), // the same statement: in the insert
            (12, Some(15)), // a later statement: updated after
            (13, Some(11)), // an earlier statement: in the insert
            (1, Some(14)),  // an existing person: updated after
            (14, Some(12)),
            (14, None), // the last link of a person wins
        ];
        let (managers, rest) = split_links(&ids, &links, 2);
        assert_eq!(managers, [Some(1), Some(10), None, Some(11), None, None]);
        assert_eq!(rest, [(12, Some(15)), (1, Some(14))]);
    }
}
