//! The who-is-synced form's rows → a [`Selection`], checked against the attributes the provider
//! offers. Every mistake is named by its row; a form with any mistake stores nothing.

use crate::hris::personio::Offered;
use crate::sync::selection::{Effect, Rule, Selection};
use crate::web::form::FormData;

/// Most rules a company keeps per provider (a page of rows, not a query language).
pub const MAX_RULES: usize = 10;

/// One row as typed, to show the form again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleRow {
    pub effect: String,
    pub key: String,
    pub values: String,
}

impl RuleRow {
    pub fn of(rule: &Rule) -> RuleRow {
        RuleRow {
            effect: rule.effect.as_str().to_owned(),
            key: rule.key.clone(),
            values: rule.values.join(", "),
        }
    }
}

/// The rows of the form (`effect`, `attribute`, `values`, repeated in order).
pub fn rows(form: &FormData) -> Vec<RuleRow> {
    let (effects, keys, values) = (
        form.all("effect"),
        form.all("attribute"),
        form.all("values"),
    );
    (0..effects.len().max(keys.len()).max(values.len()))
        .map(|i| RuleRow {
            effect: effects.get(i).unwrap_or(&"").trim().to_owned(),
            key: keys.get(i).unwrap_or(&"").trim().to_owned(),
            values: values.get(i).unwrap_or(&"").trim().to_owned(),
        })
        .collect()
}

/// The rules of `rows`, blank rows left out; `Err` lists every mistake.
pub fn parse(
    rows: &[RuleRow],
    offered: &[Offered],
    provider: &str,
) -> Result<Selection, Vec<String>> {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.key.is_empty() && row.values.is_empty() {
            continue;
        }
        let n = i + 1;
        let Some(effect) = Effect::parse(&row.effect) else {
            errors.push(format!(
                "Rule {n}: choose whether it leaves people out or keeps only them."
            ));
            continue;
        };
        let Some(attr) = offered.iter().find(|a| a.info.key == row.key) else {
            errors.push(if row.key.is_empty() {
                format!("Rule {n}: choose an attribute.")
            } else {
                format!(
                    "Rule {n}: {provider} does not offer the attribute “{}” to this connection, so no rule can read it.",
                    row.key
                )
            });
            continue;
        };
        let values: Vec<String> = row
            .values
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            errors.push(format!(
                "Rule {n}: give at least one value of {} (separate several with commas).",
                attr.info.label
            ));
            continue;
        }
        rules.push(Rule {
            effect,
            key: attr.info.key.clone(),
            label: attr.info.label.clone(),
            values,
        });
    }
    if rules.len() > MAX_RULES {
        errors.push(format!("At most {MAX_RULES} rules, please."));
    }
    if errors.is_empty() {
        Ok(Selection { rules })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hris::AttributeInfo;

    fn offered() -> Vec<Offered> {
        vec![Offered {
            info: AttributeInfo {
                key: "employment_type".into(),
                label: "Employment type".into(),
                kind: "standard".into(),
            },
            options: vec![],
            universal_id: None,
        }]
    }

    fn row(effect: &str, key: &str, values: &str) -> RuleRow {
        RuleRow {
            effect: effect.into(),
            key: key.into(),
            values: values.into(),
        }
    }

    #[test]
    fn rows_become_rules_and_blank_rows_are_ignored() {
        let got = parse(
            &[
                row("exclude", "employment_type", " external , ,"),
                row("include", "", ""),
            ],
            &offered(),
            "Personio",
        )
        .unwrap();
        assert_eq!(got.rules.len(), 1);
        assert_eq!(got.rules[0].label, "Employment type");
        assert_eq!(got.rules[0].values, ["external"]);
    }

    #[test]
    fn unknown_attributes_and_empty_values_are_named_by_row() {
        let errors = parse(
            &[
                row("exclude", "salary", "1"),
                row("include", "employment_type", " , "),
            ],
            &offered(),
            "Personio",
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "Rule 1: Personio does not offer the attribute “salary” to this connection, so no rule can read it.",
                "Rule 2: give at least one value of Employment type (separate several with commas).",
            ]
        );
    }
}
