//! The attribute mapping of a company, per provider (`field_mappings`), read by the sync's plan
//! step and the lock rule, and written by the Fields mapping page as a whole.

use crate::db::{Db, Tx};
use crate::directory::Attribute;
use crate::hris::Provider;
use crate::sync::mapping::{BuiltinMapped, MappedField, Mapping};
use crate::{on_db, on_tx};

#[derive(sqlx::FromRow)]
struct Row {
    attribute_key: String,
    attribute_label: String,
    field_id: i64,
    add_choices: bool,
}

/// The company's mapping for `provider`, by attribute key; none stored is the default mapping
/// (no custom field synced, the built-in fields as in the seed's table; `builtin_mappings`).
pub async fn mapping(db: &Db, company_id: i64, provider: Provider) -> sqlx::Result<Mapping> {
    let rows: Vec<Row> = on_db!(db, p => sqlx::query_as(
        "select attribute_key, attribute_label, field_id, add_choices from field_mappings \
         where company_id = $1 and provider = $2 order by attribute_key")
        .bind(company_id).bind(provider.as_str()).fetch_all(p).await)?;
    Ok(Mapping {
        fields: rows
            .into_iter()
            .map(|r| MappedField {
                key: r.attribute_key,
                label: r.attribute_label,
                field_id: r.field_id,
                add_choices: r.add_choices,
            })
            .collect(),
        builtins: builtins(db, company_id, provider).await?,
    })
}

async fn builtins(
    db: &Db,
    company_id: i64,
    provider: Provider,
) -> sqlx::Result<Vec<BuiltinMapped>> {
    let rows: Vec<(String, Option<String>, String)> = on_db!(db, p => sqlx::query_as(
        "select field, attribute_key, attribute_label from builtin_mappings \
         where company_id = $1 and provider = $2 order by field")
        .bind(company_id).bind(provider.as_str()).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(field, key, label)| {
            Some(BuiltinMapped {
                field: Attribute::parse(&field)?,
                key,
                label,
            })
        })
        .collect())
}

/// Replaces the company's mapping for `provider` with `mapping`.
pub async fn replace(
    tx: &mut Tx,
    company_id: i64,
    provider: Provider,
    mapping: &Mapping,
) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query("delete from field_mappings where company_id = $1 and provider = $2")
        .bind(company_id).bind(provider.as_str()).execute(c).await.map(|r| r.rows_affected()))?;
    for m in &mapping.fields {
        on_tx!(tx, c => sqlx::query(
            "insert into field_mappings (company_id, provider, attribute_key, attribute_label, \
             field_id, add_choices) values ($1, $2, $3, $4, $5, $6)")
            .bind(company_id).bind(provider.as_str()).bind(&m.key).bind(&m.label)
            .bind(m.field_id).bind(m.add_choices).execute(c).await.map(|r| r.rows_affected()))?;
    }
    on_tx!(tx, c => sqlx::query("delete from builtin_mappings where company_id = $1 and provider = $2")
        .bind(company_id).bind(provider.as_str()).execute(c).await.map(|r| r.rows_affected()))?;
    for b in &mapping.builtins {
        on_tx!(tx, c => sqlx::query(
            "insert into builtin_mappings (company_id, provider, field, attribute_key, \
             attribute_label) values ($1, $2, $3, $4, $5)")
            .bind(company_id).bind(provider.as_str()).bind(b.field.key()).bind(&b.key)
            .bind(&b.label).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Which provider's attribute fills the custom field `field_id`, if any: `(provider, attribute
/// label)` (the delete confirmation says so).
pub async fn filling(
    db: &Db,
    company_id: i64,
    field_id: i64,
) -> sqlx::Result<Option<(Provider, String)>> {
    let row: Option<(String, String)> = on_db!(db, p => sqlx::query_as(
        "select provider, attribute_label from field_mappings \
         where company_id = $1 and field_id = $2 order by provider limit 1")
        .bind(company_id).bind(field_id).fetch_optional(p).await)?;
    Ok(row.and_then(|(p, label)| Some((Provider::parse(&p)?, label))))
}
