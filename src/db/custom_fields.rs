//! A company's custom field definitions (`custom_fields`): listed, added, edited, deleted.

use sqlx::types::Json;

use crate::{
    db::{Db, Tx},
    directory::{CustomField, FieldKind, fields::Definition, search::fold},
    on_db, on_tx,
};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    label: String,
    kind: String,
    choices: Json<Vec<String>>,
}

impl Row {
    fn into_field(self) -> CustomField {
        stored_field(self.id, self.label, &self.kind, self.choices.0)
    }
}

/// A field as stored. A kind this version does not know (written by a newer one) reads as text,
/// which shows whatever is stored rather than failing the page.
pub(super) fn stored_field(
    id: i64,
    label: String,
    kind: &str,
    choices: Vec<String>,
) -> CustomField {
    CustomField {
        id,
        label,
        kind: FieldKind::parse(kind).unwrap_or(FieldKind::Text),
        choices,
    }
}

/// The company's fields, oldest first (the order the person page shows them).
pub async fn all(db: &Db, company_id: i64) -> sqlx::Result<Vec<CustomField>> {
    let rows: Vec<Row> = on_db!(db, p => sqlx::query_as(
        "select id, label, kind, choices from custom_fields where company_id = $1 order by id")
        .bind(company_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(Row::into_field).collect())
}

pub async fn get(db: &Db, company_id: i64, id: i64) -> sqlx::Result<Option<CustomField>> {
    let row: Option<Row> = on_db!(db, p => sqlx::query_as(
        "select id, label, kind, choices from custom_fields where company_id = $1 and id = $2")
        .bind(company_id).bind(id).fetch_optional(p).await)?;
    Ok(row.map(Row::into_field))
}

/// Adds a field; its id is what values (and a later HRIS mapping) point at.
pub async fn insert(tx: &mut Tx, company_id: i64, d: &Definition) -> sqlx::Result<i64> {
    let now = crate::db::now();
    on_tx!(tx, c => sqlx::query_scalar(
        "insert into custom_fields (company_id, label, label_key, kind, choices, created_at) \
         values ($1, $2, $3, $4, $5, $6) returning id")
        .bind(company_id).bind(&d.label).bind(fold(&d.label)).bind(d.kind.as_str())
        .bind(Json(&d.choices)).bind(now).fetch_one(c).await)
}

/// Renames a field and replaces its choices; its kind and its values stay.
pub async fn update(
    tx: &mut Tx,
    company_id: i64,
    id: i64,
    label: &str,
    choices: &[String],
) -> sqlx::Result<bool> {
    let done = on_tx!(tx, c => sqlx::query(
        "update custom_fields set label = $3, label_key = $4, choices = $5 \
         where company_id = $1 and id = $2")
        .bind(company_id).bind(id).bind(label).bind(fold(label)).bind(Json(choices))
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Adds `new` to the field's choices (after the others; one already there is not added twice):
/// values an HRIS sent that its mapping adds as choices.
pub async fn append_choices(
    tx: &mut Tx,
    company_id: i64,
    id: i64,
    new: &[String],
) -> sqlx::Result<()> {
    let Some(Json(mut choices)) = on_tx!(tx, c => sqlx::query_scalar::<_, Json<Vec<String>>>(
        "select choices from custom_fields where company_id = $1 and id = $2")
        .bind(company_id).bind(id).fetch_optional(c).await)?
    else {
        return Ok(());
    };
    for choice in new {
        if !choices.contains(choice) {
            choices.push(choice.clone());
        }
    }
    on_tx!(tx, c => sqlx::query(
        "update custom_fields set choices = $3 where company_id = $1 and id = $2")
        .bind(company_id).bind(id).bind(Json(&choices))
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The ids of the company's text fields (their values are in people's search keys).
pub async fn text_field_ids(tx: &mut Tx, company_id: i64) -> sqlx::Result<Vec<i64>> {
    on_tx!(tx, c => sqlx::query_scalar(
        "select id from custom_fields where company_id = $1 and kind = 'text' order by id")
        .bind(company_id).fetch_all(c).await)
}

/// Deletes a field with every value people have for it.
pub async fn delete(tx: &mut Tx, company_id: i64, id: i64) -> sqlx::Result<bool> {
    for table in ["person_field_values", "person_field_choices"] {
        let sql = sqlx::AssertSqlSafe(format!(
            "delete from {table} where field_id = \
             (select id from custom_fields where company_id = $1 and id = $2)"
        ));
        on_tx!(tx, c => sqlx::query(sql).bind(company_id).bind(id)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    let done = on_tx!(tx, c => sqlx::query(
        "delete from custom_fields where company_id = $1 and id = $2")
        .bind(company_id).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// How many people have a value for the field (the delete confirmation says so).
pub async fn people_with_value(db: &Db, id: i64) -> sqlx::Result<i64> {
    on_db!(db, p => sqlx::query_scalar(
        "select (select count(*) from person_field_values where field_id = $1) \
              + (select count(distinct person_id) from person_field_choices where field_id = $1)")
        .bind(id).fetch_one(p).await)
}

/// How many people have `choice` as (one of) their value(s) of the field.
pub async fn people_with_choice(db: &Db, id: i64, choice: &str) -> sqlx::Result<i64> {
    on_db!(db, p => sqlx::query_scalar(
        "select (select count(*) from person_field_values where field_id = $1 and text_value = $2) \
              + (select count(*) from person_field_choices where field_id = $1 and choice = $2)")
        .bind(id).bind(choice).fetch_one(p).await)
}
