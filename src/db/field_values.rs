//! People's custom field values: one `person_field_values` row per person and field (typed
//! columns), and one `person_field_choices` row per chosen value of a several-choices field.

use std::collections::{BTreeMap, HashMap};

use time::Date;

use crate::{
    db::{Db, Tx},
    directory::{CustomField, FieldKind, FieldValue},
    on_db, on_tx,
};

#[derive(sqlx::FromRow)]
struct Row {
    field_id: i64,
    text_value: Option<String>,
    number_value: Option<f64>,
    date_value: Option<Date>,
}

/// The person's values of `fields` (the company's fields), by field id. A field whose stored
/// column does not match its kind has no value.
pub async fn of_person(
    db: &Db,
    fields: &[CustomField],
    person_id: i64,
) -> sqlx::Result<HashMap<i64, FieldValue>> {
    let rows: Vec<Row> = on_db!(db, p => sqlx::query_as(
        "select field_id, text_value, number_value, date_value from person_field_values \
         where person_id = $1")
        .bind(person_id).fetch_all(p).await)?;
    let chosen: Vec<(i64, String)> = on_db!(db, p => sqlx::query_as(
        "select field_id, choice from person_field_choices where person_id = $1")
        .bind(person_id).fetch_all(p).await)?;
    let mut out = HashMap::new();
    for f in fields {
        let value = match f.kind {
            FieldKind::Choices => {
                let mine: Vec<&str> = chosen
                    .iter()
                    .filter(|(id, _)| *id == f.id)
                    .map(|(_, c)| c.as_str())
                    .collect();
                choices_value(f, &mine)
            }
            _ => rows
                .iter()
                .find(|r| r.field_id == f.id)
                .and_then(|r| r.value(f)),
        };
        if let Some(v) = value {
            out.insert(f.id, v);
        }
    }
    Ok(out)
}

impl Row {
    /// The stored value of a field of one value, read by the field's kind.
    fn value(&self, f: &CustomField) -> Option<FieldValue> {
        match f.kind {
            FieldKind::Text => self.text_value.clone().map(FieldValue::Text),
            FieldKind::Choice => self.text_value.clone().map(FieldValue::Choice),
            FieldKind::Number => self.number_value.map(FieldValue::Number),
            FieldKind::Date => self.date_value.map(FieldValue::Date),
            FieldKind::Choices => None,
        }
    }
}

/// Chosen values in the field's order; a choice removed from the list since is kept, last.
fn choices_value(f: &CustomField, mine: &[&str]) -> Option<FieldValue> {
    let mut ordered: Vec<String> = f
        .choices
        .iter()
        .filter(|c| mine.contains(&c.as_str()))
        .cloned()
        .collect();
    ordered.extend(
        mine.iter()
            .filter(|c| !f.choices.iter().any(|x| x == *c))
            .map(|c| c.to_string()),
    );
    (!ordered.is_empty()).then_some(FieldValue::Choices(ordered))
}

/// A person's id and the typed columns of their value of one field.
type PersonRow = (i64, Option<String>, Option<f64>, Option<Date>);

/// Every person's value of each of `fields`, by `(person id, field id)`: what the sync compares
/// the mapped fields with. One statement per field (only mapped fields are read).
pub async fn of_fields(
    db: &Db,
    fields: &[CustomField],
) -> sqlx::Result<BTreeMap<(i64, i64), FieldValue>> {
    let mut out = BTreeMap::new();
    for f in fields {
        if f.kind == FieldKind::Choices {
            let rows: Vec<(i64, String)> = on_db!(db, p => sqlx::query_as(
                "select person_id, choice from person_field_choices where field_id = $1 \
                 order by person_id")
                .bind(f.id).fetch_all(p).await)?;
            for chunk in rows.chunk_by(|a, b| a.0 == b.0) {
                let mine: Vec<&str> = chunk.iter().map(|(_, c)| c.as_str()).collect();
                if let Some(v) = choices_value(f, &mine) {
                    out.insert((chunk[0].0, f.id), v);
                }
            }
            continue;
        }
        let rows: Vec<PersonRow> = on_db!(db, p => sqlx::query_as(
            "select person_id, text_value, number_value, date_value from person_field_values \
             where field_id = $1")
            .bind(f.id).fetch_all(p).await)?;
        for (person, text_value, number_value, date_value) in rows {
            let row = Row {
                field_id: f.id,
                text_value,
                number_value,
                date_value,
            };
            if let Some(v) = row.value(f) {
                out.insert((person, f.id), v);
            }
        }
    }
    Ok(out)
}

/// Replaces the person's value of `field` (None clears it).
pub async fn set(
    tx: &mut Tx,
    person_id: i64,
    field: &CustomField,
    value: Option<&FieldValue>,
) -> sqlx::Result<()> {
    set_by_id(tx, person_id, field.id, value).await
}

/// [`set`] by the field's id (the sync's plan names fields by id).
pub async fn set_by_id(
    tx: &mut Tx,
    person_id: i64,
    field_id: i64,
    value: Option<&FieldValue>,
) -> sqlx::Result<()> {
    set_many(tx, &[(person_id, field_id, value)]).await
}

/// Rows per statement of [`set_many`]: at most five binds a row, far below either backend's
/// limit on parameters.
const MANY_CHUNK: usize = 1000;

/// Replaces values, `(person id, field id, value)` each (None clears it), in four statements per
/// thousand; [`set_by_id`] is this for one value. Many at once: the sync's apply writes a mapped field for
/// the whole company. One statement per value made each a round trip, and on PostgreSQL each ran
/// the `field_value_counts` triggers once, updating the same counters thousands of times in one
/// transaction (20,000 people: 6.5 s of triggers for 0.4 s of writes).
pub async fn set_many(tx: &mut Tx, values: &[(i64, i64, Option<&FieldValue>)]) -> sqlx::Result<()> {
    // One value per person and field, the last given (as one write each, in order, would leave).
    let last: BTreeMap<(i64, i64), Option<&FieldValue>> =
        values.iter().map(|&(p, f, v)| ((p, f), v)).collect();
    let values: Vec<(i64, i64, Option<&FieldValue>)> =
        last.into_iter().map(|((p, f), v)| (p, f, v)).collect();
    for rows in values.chunks(MANY_CHUNK) {
        for table in ["person_field_values", "person_field_choices"] {
            on_tx!(tx, c => {
                let mut q = sqlx::QueryBuilder::new(format!(
                    "delete from {table} where (person_id, field_id) in (select * from ("));
                q.push_values(rows, |mut b, (person, field, _)| {
                    b.push_bind(*person).push_bind(*field);
                });
                q.push(") as v)");
                q.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        type Single<'a> = (i64, i64, Option<&'a str>, Option<f64>, Option<Date>);
        let mut singles: Vec<Single<'_>> = Vec::new();
        let mut chosen: Vec<(i64, i64, &str)> = Vec::new();
        for &(person, field, value) in rows {
            match value {
                None => {}
                Some(FieldValue::Choices(cs)) => {
                    chosen.extend(cs.iter().map(|c| (person, field, c.as_str())));
                }
                Some(FieldValue::Text(s) | FieldValue::Choice(s)) => {
                    singles.push((person, field, Some(s.as_str()), None, None));
                }
                Some(FieldValue::Number(n)) => singles.push((person, field, None, Some(*n), None)),
                Some(FieldValue::Date(d)) => singles.push((person, field, None, None, Some(*d))),
            }
        }
        if !singles.is_empty() {
            on_tx!(tx, c => {
                let mut q = sqlx::QueryBuilder::new(
                    "insert into person_field_values (person_id, field_id, text_value, number_value, date_value) ");
                q.push_values(&singles, |mut b, (person, field, text, number, date)| {
                    b.push_bind(*person).push_bind(*field).push_bind(*text).push_bind(*number)
                        .push_bind(*date);
                });
                q.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        // A choice listed twice in one value is one row.
        chosen.sort_unstable();
        chosen.dedup();
        for part in chosen.chunks(MANY_CHUNK) {
            on_tx!(tx, c => {
                let mut q = sqlx::QueryBuilder::new(
                    "insert into person_field_choices (person_id, field_id, choice) ");
                q.push_values(part, |mut b, (person, field, choice)| {
                    b.push_bind(*person).push_bind(*field).push_bind(*choice);
                });
                q.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
    }
    Ok(())
}

/// The person's text custom field values, for their search key.
pub async fn search_texts(tx: &mut Tx, person_id: i64) -> sqlx::Result<Vec<String>> {
    on_tx!(tx, c => sqlx::query_scalar(
        "select v.text_value from person_field_values v \
         join custom_fields f on f.id = v.field_id \
         where v.person_id = $1 and f.kind = 'text' and v.text_value is not null order by f.id")
        .bind(person_id).fetch_all(c).await)
}

/// The people with a value of `field_id` (whose search key changes when a text field goes).
pub async fn people_with(tx: &mut Tx, field_id: i64) -> sqlx::Result<Vec<i64>> {
    on_tx!(tx, c => sqlx::query_scalar(
        "select person_id from person_field_values where field_id = $1 order by person_id")
        .bind(field_id).fetch_all(c).await)
}
