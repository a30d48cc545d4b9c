//! A custom choice field on every benchmarked person, so figure 8 measures the people list
//! filtered by it (`/people?field_<id>=Berlin`, a fifth of the company) next to the unfiltered
//! list: the filter reads the `person_field_values (field_id, text_value, person_id)` index.

use roster::{
    db::{Db, custom_fields},
    directory::{FieldKind, fields::Definition},
    on_db,
};

const OFFICES: [&str; 5] = ["Berlin", "Paris", "Lisbon", "Madrid", "Vienna"];

/// Adds the field "Office" to `company_id` with one office per person (by id, round robin) and
/// returns the list's address filtered to Berlin.
pub async fn office_filter(db: &Db, company_id: i64) -> anyhow::Result<String> {
    let mut tx = db.begin().await?;
    let definition = Definition {
        label: "Office".into(),
        kind: FieldKind::Choice,
        choices: OFFICES.iter().map(|o| o.to_string()).collect(),
    };
    let field = custom_fields::insert(&mut tx, company_id, &definition).await?;
    tx.commit().await?;
    on_db!(db, p => sqlx::query(
        "insert into person_field_values (person_id, field_id, text_value) \
         select id, $1, case id % 5 when 0 then 'Berlin' when 1 then 'Paris' when 2 then 'Lisbon' \
                                    when 3 then 'Madrid' else 'Vienna' end \
         from people where company_id = $2")
        .bind(field).bind(company_id).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(format!("/people?field_{field}=Berlin"))
}
