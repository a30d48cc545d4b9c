//! What the people list shows around its rows, in one read: the departments in use and the
//! groups (the filters' choices), the company's custom fields (choice fields are filters too),
//! and the kept counts of the company's people and of each choice (the total of a list
//! narrowed by at most one choice, [`people::Counts`]). The list asks on every
//! view, and on SQLite each statement is a hand-off to the connection's thread and back, so one
//! statement instead of three is most of the saving.

use crate::{
    db::{Db, custom_fields, people},
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
    /// The company's and each choice's counts (kept by triggers).
    pub counts: people::Counts,
}

/// One row of the read: `part` says which list it belongs to.
#[derive(sqlx::FromRow)]
struct Row {
    part: i64,
    id: i64,
    name: String,
    kind: String,
    choices: String,
    total: i64,
    active: i64,
}

const DEPARTMENT: i64 = 0;
const GROUP: i64 = 1;
const FIELD: i64 = 2;
const PEOPLE: i64 = 3;
const CHOICE: i64 = 4;

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
         select part, id, name, kind, choices, total, active from ( \
           select cast(0 as bigint) as part, cast(0 as bigint) as id, department as name, \
                  department as sort, '' as kind, '' as choices, \
                  cast(0 as bigint) as total, cast(0 as bigint) as active \
           from d where department is not null \
           union all \
           select 1, id, name, lower(name), '', '', 0, 0 from groups where company_id = $1 \
           union all \
           select 2, id, label, '', kind, cast(choices as text), 0, 0 from custom_fields \
           where company_id = $1 \
           union all \
           select 3, 0, '', '', '', '', total, active from people_counts where company_id = $1 \
           union all \
           select 4, c.field_id, c.value, c.value, '', '', c.total, c.active \
           from custom_fields f join field_value_counts c on c.field_id = f.id \
           where f.company_id = $1) parts \
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
            PEOPLE => out.counts.people = (r.total, r.active),
            CHOICE => {
                out.counts
                    .choices
                    .insert((r.id, r.name), (r.total, r.active));
            }
            _ => {}
        }
    }
    Ok(out)
}
