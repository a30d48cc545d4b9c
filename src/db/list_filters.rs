//! What the people list shows around its rows, in one read: the departments in use and the
//! groups (the filters' choices), the company's custom fields (choice fields are filters too),
//! and the company's people counts (the total of an unfiltered list). The list asks on every
//! view, and on SQLite each statement is a hand-off to the connection's thread and back, so one
//! statement instead of three is most of the saving.

use crate::{
    db::{Db, custom_fields},
    directory::{CustomField, Group},
    on_db,
};

/// What the people list's filters offer, and how many people the company has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilters {
    /// The distinct departments in use, sorted.
    pub departments: Vec<String>,
    /// The company's groups, sorted by name.
    pub groups: Vec<Group>,
    /// The company's custom fields, oldest first.
    pub fields: Vec<CustomField>,
    /// Everyone, and the active people (kept by triggers, migration `people_counts`).
    pub counts: (i64, i64),
}

/// One row of the read: `part` says which list it belongs to.
#[derive(sqlx::FromRow)]
struct Row {
    part: i64,
    id: i64,
    name: String,
    kind: String,
    choices: String,
}

const DEPARTMENT: i64 = 0;
const GROUP: i64 = 1;
const FIELD: i64 = 2;
const TOTAL: i64 = 3;
const ACTIVE: i64 = 4;

/// The list's filters, fields and counts of `company_id`.
pub async fn read(db: &Db, company_id: i64) -> sqlx::Result<ListFilters> {
    // Departments: a walk from one department to the next along the (company_id, department)
    // index, a few index probes per department instead of reading every person (50,000 people
    // took 3.5 ms). `> ''` skips null and empty. Groups, fields and counts follow in the same
    // result, each part in its own order (`sort`).
    let rows: Vec<Row> = on_db!(db, p => sqlx::query_as(
        "with recursive d(department) as ( \
           select min(department) from people where company_id = $1 and department > '' \
           union all \
           select (select min(p.department) from people p \
                   where p.company_id = $1 and p.department > d.department) \
           from d where d.department is not null) \
         select part, id, name, kind, choices from ( \
           select cast(0 as bigint) as part, cast(0 as bigint) as id, department as name, \
                  department as sort, '' as kind, '' as choices \
           from d where department is not null \
           union all \
           select 1, id, name, lower(name), '', '' from groups where company_id = $1 \
           union all \
           select 2, id, label, '', kind, cast(choices as text) from custom_fields \
           where company_id = $1 \
           union all \
           select 3, total, '', '', '', '' from people_counts where company_id = $1 \
           union all \
           select 4, active, '', '', '', '' from people_counts where company_id = $1) parts \
         order by part, sort, id")
        .bind(company_id).fetch_all(p).await)?;
    let mut out = ListFilters::default();
    for r in rows {
        match r.part {
            DEPARTMENT => out.departments.push(r.name),
            GROUP => out.groups.push(Group {
                id: r.id,
                company_id,
                name: r.name,
            }),
            FIELD => out.fields.push(custom_fields::stored_field(
                r.id,
                r.name,
                &r.kind,
                serde_json::from_str(&r.choices).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            )),
            TOTAL => out.counts.0 = r.id,
            ACTIVE => out.counts.1 = r.id,
            _ => {}
        }
    }
    Ok(out)
}
