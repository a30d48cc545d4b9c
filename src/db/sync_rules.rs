//! The who-is-synced rules of a company, per provider (`sync_rules`), read by the sync's plan step
//! and written by the rules page as a whole list.

use crate::db::{Db, Tx};
use crate::hris::Provider;
use crate::sync::selection::{Effect, Rule, Selection};
use crate::{on_db, on_tx};

#[derive(sqlx::FromRow)]
struct Row {
    effect: String,
    attribute_key: String,
    attribute_label: String,
    match_values: String,
}

/// The company's rules for `provider`, in order; none stored is an empty selection (everyone).
pub async fn selection(db: &Db, company_id: i64, provider: Provider) -> anyhow::Result<Selection> {
    let rows: Vec<Row> = on_db!(db, p => sqlx::query_as(
        "select effect, attribute_key, attribute_label, match_values from sync_rules \
         where company_id = $1 and provider = $2 order by position")
        .bind(company_id).bind(provider.as_str()).fetch_all(p).await)?;
    let rules = rows
        .into_iter()
        .map(|r| {
            Ok(Rule {
                effect: Effect::parse(&r.effect)
                    .ok_or_else(|| anyhow::anyhow!("unknown rule effect {:?}", r.effect))?,
                key: r.attribute_key,
                label: r.attribute_label,
                values: serde_json::from_str(&r.match_values)?,
            })
        })
        .collect::<anyhow::Result<Vec<Rule>>>()?;
    Ok(Selection { rules })
}

/// Replaces the company's rules for `provider` with `selection`.
pub async fn replace(
    tx: &mut Tx,
    company_id: i64,
    provider: Provider,
    selection: &Selection,
) -> anyhow::Result<()> {
    on_tx!(tx, c => sqlx::query("delete from sync_rules where company_id = $1 and provider = $2")
        .bind(company_id).bind(provider.as_str()).execute(c).await.map(|r| r.rows_affected()))?;
    for (i, rule) in selection.rules.iter().enumerate() {
        let values = serde_json::to_string(&rule.values)?;
        on_tx!(tx, c => sqlx::query(
            "insert into sync_rules (company_id, provider, position, effect, attribute_key, \
             attribute_label, match_values) values ($1, $2, $3, $4, $5, $6, $7)")
            .bind(company_id).bind(provider.as_str()).bind(i as i64).bind(rule.effect.as_str())
            .bind(&rule.key).bind(&rule.label).bind(&values).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}
