//! A run's history read person by person: one summary row per person the run touched (what kind
//! of change, how many warnings), then the change rows and warnings of one page of people, the
//! people it left alone because the HRIS does not know them, and the rows in `id` order for the
//! CSV export. The run page groups, filters and pages in Rust on the summaries.

use crate::{db::Db, on_db};

/// Who a history row is about: the person's id, or (a person deleted since) their name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PersonKey {
    Id(i64),
    Name(String),
}

impl PersonKey {
    fn of(id: Option<i64>, name: &str) -> PersonKey {
        match id {
            Some(id) => PersonKey::Id(id),
            None => PersonKey::Name(name.to_string()),
        }
    }
}

/// One person of a run: what kinds of change the run made to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonSummary {
    pub key: PersonKey,
    pub name: String,
    pub created: bool,
    /// Any change besides creating, deactivating or reactivating (a job, a manager, a group…).
    pub updated: bool,
    pub deactivated: bool,
    pub reactivated: bool,
    pub warnings: i64,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    person_id: Option<i64>,
    name: String,
    created: i64,
    updated: i64,
    deactivated: i64,
    reactivated: i64,
    warnings: i64,
}

/// Every person the run changed or warned about, in no particular order. The flags come from
/// the rows' fields: a created person has one `created` row (older runs: a link row without a
/// `before`); `active` going to `inactive`
/// is a deactivation, `inactive` to `active` a reactivation.
pub async fn summaries(db: &Db, run_id: i64) -> sqlx::Result<Vec<PersonSummary>> {
    let sql = "with items as ( \
            select person_id, person_name as name, \
              case when field = 'created' or (field = 'source' and before is null) then 1 else 0 end as c, \
              case when field = 'active' and before = 'active' and after = 'inactive' then 1 else 0 end as d, \
              case when field = 'active' and before = 'inactive' and after = 'active' then 1 else 0 end as r, \
              case when field <> 'active' then 1 else 0 end as u, \
              0 as w \
            from sync_changes where run_id = $1 \
            union all \
            select person_id, name, 0, 0, 0, 0, 1 from sync_notes where run_id = $1 and kind = 'warning' \
          ) \
          select person_id, min(name) as name, cast(max(c) as bigint) as created, \
            cast(max(u) as bigint) as updated, cast(max(d) as bigint) as deactivated, \
            cast(max(r) as bigint) as reactivated, cast(sum(w) as bigint) as warnings \
          from items group by person_id, case when person_id is null then name end";
    let rows: Vec<SummaryRow> =
        on_db!(db, p => sqlx::query_as(sql).bind(run_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|r| PersonSummary {
            key: PersonKey::of(r.person_id, &r.name),
            created: r.created == 1,
            // A created person's fields are their first values, not updates.
            updated: r.updated == 1 && r.created == 0,
            deactivated: r.deactivated == 1,
            reactivated: r.reactivated == 1,
            warnings: r.warnings,
            name: r.name,
        })
        .collect())
}

/// One history row, with the person it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChangeRecord {
    pub id: i64,
    pub person_id: Option<i64>,
    pub person_name: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Why the sync made the change, where reconcile said.
    pub reason: Option<String>,
}

impl ChangeRecord {
    pub fn key(&self) -> PersonKey {
        PersonKey::of(self.person_id, &self.person_name)
    }
}

/// The rows as the pages read them: a created person's one row becomes one row per initial
/// value (same id, no `before`), in the order a person's page lists attributes.
fn expand_created(rows: Vec<ChangeRecord>) -> Vec<ChangeRecord> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if row.field != crate::sync::history::CREATED {
            out.push(row);
            continue;
        }
        let after = row.after.as_deref().unwrap_or_default();
        let values = crate::sync::history::initial_values(after)
            .into_iter()
            .map(|(a, v)| (a.key().to_string(), v))
            .chain(crate::sync::history::initial_custom_values(after));
        out.extend(values.map(|(field, v)| ChangeRecord {
            field,
            before: None,
            after: Some(v),
            reason: None,
            ..row.clone()
        }));
    }
    out
}

/// A warning about one person.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonWarning {
    pub person_id: Option<i64>,
    pub name: String,
    pub message: String,
}

impl PersonWarning {
    pub fn key(&self) -> PersonKey {
        PersonKey::of(self.person_id, &self.name)
    }
}

/// Pushes `(person_id in (…) or (person_id is null and <name> in (…)))` for `keys`.
fn push_keys<DB: sqlx::Database>(
    q: &mut sqlx::QueryBuilder<DB>,
    name_column: &'static str,
    keys: &[PersonKey],
) where
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    q.push("(person_id in (-1");
    for k in keys {
        if let PersonKey::Id(id) = k {
            q.push(", ").push_bind(*id);
        }
    }
    q.push(") or (person_id is null and ")
        .push(name_column)
        .push(" in (''");
    for k in keys {
        if let PersonKey::Name(n) = k {
            q.push(", ").push_bind(n.clone());
        }
    }
    q.push(")))");
}

/// The history rows of `keys` in this run, in the order they were written.
pub async fn changes_of(
    db: &Db,
    run_id: i64,
    keys: &[PersonKey],
) -> sqlx::Result<Vec<ChangeRecord>> {
    on_db!(db, p => {
        let mut q = sqlx::QueryBuilder::new(
            "select id, person_id, person_name, field, before, after, reason from sync_changes where run_id = ");
        q.push_bind(run_id).push(" and ");
        push_keys(&mut q, "person_name", keys);
        q.push(" order by id");
        q.build_query_as().fetch_all(p).await
    })
    .map(expand_created)
}

/// The warnings about `keys` in this run.
pub async fn warnings_of(
    db: &Db,
    run_id: i64,
    keys: &[PersonKey],
) -> sqlx::Result<Vec<PersonWarning>> {
    on_db!(db, p => {
        let mut q = sqlx::QueryBuilder::new(
            "select person_id, name, message from sync_notes where kind = 'warning' and run_id = ");
        q.push_bind(run_id).push(" and ");
        push_keys(&mut q, "name", keys);
        q.push(" order by id");
        q.build_query_as().fetch_all(p).await
    })
}

/// Someone in Roster the HRIS does not know, with their e-mail as it is now.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Unlinked {
    pub person_id: Option<i64>,
    pub name: String,
    pub email: Option<String>,
}

/// The run's "in Roster but not in the HRIS" list, by name.
pub async fn not_in_hris(db: &Db, run_id: i64) -> sqlx::Result<Vec<Unlinked>> {
    on_db!(db, p => sqlx::query_as(
        "select n.person_id, n.name, p.email from sync_notes n left join people p on p.id = n.person_id \
         where n.run_id = $1 and n.kind = 'not_in_hris' order by lower(n.name), n.id")
        .bind(run_id).fetch_all(p).await)
}

/// Up to `limit` history rows after row `after_id`, in `id` order (the CSV export's pages).
pub async fn changes_after(
    db: &Db,
    run_id: i64,
    after_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<ChangeRecord>> {
    on_db!(db, p => sqlx::query_as(
        "select id, person_id, person_name, field, before, after, reason from sync_changes \
         where run_id = $1 and id > $2 order by id limit $3")
        .bind(run_id).bind(after_id).bind(limit).fetch_all(p).await)
    .map(expand_created)
}

/// Someone a paused run would deactivate: their job and department as the directory has them,
/// and why.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Leaving {
    pub person_id: Option<i64>,
    pub name: String,
    pub position: Option<String>,
    pub department: Option<String>,
    pub reason: Option<String>,
}

/// Everyone the run deactivates (or, paused, would), by name. Runs that paused before plans
/// were kept listed them as `would_deactivate` notes, without a reason.
pub async fn leaving(db: &Db, run_id: i64) -> sqlx::Result<Vec<Leaving>> {
    on_db!(db, p => sqlx::query_as(
        "select l.person_id, l.name, p.position, p.department, l.reason from ( \
           select person_id, person_name as name, reason from sync_changes \
           where run_id = $1 and field = 'active' and before = 'active' and after = 'inactive' \
           union all \
           select person_id, name, null from sync_notes where run_id = $1 and kind = 'would_deactivate' \
         ) l left join people p on p.id = l.person_id order by lower(l.name), l.person_id")
        .bind(run_id).fetch_all(p).await)
}
