//! Groups and memberships (kiwiHR teams become groups).

use crate::{
    db::{Db, Tx},
    directory::Group,
    on_db, on_tx,
};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    company_id: i64,
    name: String,
}

impl From<Row> for Group {
    fn from(r: Row) -> Group {
        Group {
            id: r.id,
            company_id: r.company_id,
            name: r.name,
        }
    }
}

/// A group with how many people are in it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupSummary {
    pub id: i64,
    pub name: String,
    pub members: i64,
}

pub async fn all(db: &Db, company_id: i64) -> sqlx::Result<Vec<Group>> {
    let rows: Vec<Row> = on_db!(db, p => sqlx::query_as(
        "select id, company_id, name from groups where company_id = $1 order by lower(name), id")
        .bind(company_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(Group::from).collect())
}

pub async fn summaries(db: &Db, company_id: i64) -> sqlx::Result<Vec<GroupSummary>> {
    on_db!(db, p => sqlx::query_as(
        "select g.id, g.name, count(gm.person_id) as members from groups g \
         left join group_members gm on gm.group_id = g.id \
         where g.company_id = $1 group by g.id, g.name order by lower(g.name), g.id")
        .bind(company_id).fetch_all(p).await)
}

pub async fn get(db: &Db, company_id: i64, id: i64) -> sqlx::Result<Option<Group>> {
    let row: Option<Row> = on_db!(db, p => sqlx::query_as(
        "select id, company_id, name from groups where company_id = $1 and id = $2")
        .bind(company_id).bind(id).fetch_optional(p).await)?;
    Ok(row.map(Group::from))
}

/// Another group of the company with this name (case-insensitive), other than `except`.
pub async fn name_taken(
    db: &Db,
    company_id: i64,
    name: &str,
    except: Option<i64>,
) -> sqlx::Result<bool> {
    let n: i64 = on_db!(db, p => sqlx::query_scalar(
        "select count(*) from groups where company_id = $1 and lower(name) = lower($2) \
         and ($3 is null or id <> $3)")
        .bind(company_id).bind(name).bind(except).fetch_one(p).await)?;
    Ok(n > 0)
}

pub async fn create(tx: &mut Tx, company_id: i64, name: &str) -> sqlx::Result<i64> {
    on_tx!(tx, c => sqlx::query_scalar(
        "insert into groups (company_id, name, created_at) values ($1, $2, $3) returning id")
        .bind(company_id).bind(name).bind(crate::db::now()).fetch_one(c).await)
}

pub async fn rename(tx: &mut Tx, company_id: i64, id: i64, name: &str) -> sqlx::Result<bool> {
    let done = on_tx!(tx, c => sqlx::query("update groups set name = $3 where company_id = $1 and id = $2")
        .bind(company_id).bind(id).bind(name).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

pub async fn member_ids(db: &Db, company_id: i64, group_id: i64) -> sqlx::Result<Vec<i64>> {
    on_db!(db, p => sqlx::query_scalar(
        "select gm.person_id from group_members gm join groups g on g.id = gm.group_id \
         where g.company_id = $1 and g.id = $2")
        .bind(company_id).bind(group_id).fetch_all(p).await)
}

pub async fn add_member(
    tx: &mut Tx,
    company_id: i64,
    group_id: i64,
    person_id: i64,
) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "insert into group_members (group_id, person_id) \
         select g.id, p.id from groups g, people p \
         where g.id = $1 and g.company_id = $3 and p.id = $2 and p.company_id = $3 \
         on conflict do nothing")
        .bind(group_id).bind(person_id).bind(company_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Adds many memberships, one statement per 1,000 (the same company checks as [`add_member`]).
pub async fn add_members(
    tx: &mut Tx,
    company_id: i64,
    memberships: &[(i64, i64)],
) -> sqlx::Result<()> {
    if let Tx::Postgres(t) = tx {
        for chunk in memberships.chunks(10_000) {
            let group: Vec<i64> = chunk.iter().map(|m| m.0).collect();
            let person: Vec<i64> = chunk.iter().map(|m| m.1).collect();
            sqlx::query(
                "insert into group_members (group_id, person_id) select g.id, p.id \
                 from unnest($1::bigint[], $2::bigint[]) as u(group_id, person_id) \
                 join groups g on g.id = u.group_id join people p on p.id = u.person_id \
                 where g.company_id = $3 and p.company_id = $3 on conflict do nothing",
            )
            .bind(&group)
            .bind(&person)
            .bind(company_id)
            .execute(&mut **t)
            .await?;
        }
        return Ok(());
    }
    for chunk in memberships.chunks(1_000) {
        on_tx!(tx, c => {
            let mut q = sqlx::QueryBuilder::new(
                "insert into group_members (group_id, person_id) select g.id, p.id from (");
            q.push_values(chunk, |mut b, (group, person)| {
                b.push_bind(*group).push_bind(*person);
            });
            q.push(") as v join groups g on g.id = v.column1 join people p on p.id = v.column2 \
                    where g.company_id = ").push_bind(company_id)
                .push(" and p.company_id = ").push_bind(company_id)
                .push(" on conflict do nothing");
            q.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn remove_member(
    tx: &mut Tx,
    company_id: i64,
    group_id: i64,
    person_id: i64,
) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "delete from group_members where group_id = $1 and person_id = $2 \
         and group_id in (select id from groups where company_id = $3)")
        .bind(group_id).bind(person_id).bind(company_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
