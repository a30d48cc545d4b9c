//! The Fields mapping form's rows → a [`Mapping`], checked against what the provider offers and
//! the company's custom fields. Every mistake is named by its row; a form with any mistake stores
//! nothing.

use crate::directory::{Attribute, CustomField};
use crate::hris::{Provider, personio::Offered};
use crate::sync::mapping::{self, MappedField, Mapping};
use crate::web::form::FormData;

/// One attribute's row as shown and as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappingRow {
    pub key: String,
    pub label: String,
    pub kind: String,
    /// The chosen custom field's id as typed ("" = don't sync).
    pub target: String,
    pub add_choices: bool,
    /// Mapped before, but the provider does not offer it now (the credential stopped sharing).
    pub not_offered: bool,
}

impl MappingRow {
    /// The attribute's kind as a manager reads it ("one choice"), `""` when not offered now.
    pub fn kind_words(&self) -> String {
        crate::hris::kind_words(&self.kind)
    }
}

impl MappingRow {
    pub fn chose(&self, field: &CustomField) -> bool {
        self.target == field.id.to_string()
    }
}

/// The built-in field `o` fills, by the seed table or (Personio's date of birth) by its
/// `universal_id`.
pub fn builtin_of(provider: Provider, o: &Offered) -> Option<Attribute> {
    mapping::builtin(provider, &o.info.key).or_else(|| {
        (provider == Provider::Personio && o.universal_id.as_deref() == Some("date_of_birth"))
            .then_some(Attribute::BirthDate)
    })
}

/// The rows of the page: every attribute the provider offers beyond the built-in table, then the
/// mapped ones it no longer offers (so saving keeps them), with `mapping`'s choices.
pub fn rows_of(provider: Provider, offered: &[Offered], stored: &Mapping) -> Vec<MappingRow> {
    let mut rows: Vec<MappingRow> = offered
        .iter()
        .filter(|o| builtin_of(provider, o).is_none())
        .map(|o| {
            let m = stored.of_key(&o.info.key);
            MappingRow {
                key: o.info.key.clone(),
                label: o.info.label.clone(),
                kind: o.info.kind.clone(),
                target: m.map(|m| m.field_id.to_string()).unwrap_or_default(),
                add_choices: m.is_some_and(|m| m.add_choices),
                not_offered: false,
            }
        })
        .collect();
    for m in &stored.fields {
        if !rows.iter().any(|r| r.key == m.key) {
            rows.push(MappingRow {
                key: m.key.clone(),
                label: m.label.clone(),
                kind: String::new(),
                target: m.field_id.to_string(),
                add_choices: m.add_choices,
                not_offered: true,
            });
        }
    }
    rows
}

/// `rows` with the choices of the form (`key` and `target` repeated in order; `add` holds the
/// keys whose box is ticked). A key the form gives that no row has is added, to be refused.
pub fn with_form(mut rows: Vec<MappingRow>, form: &FormData) -> Vec<MappingRow> {
    let (keys, targets, adds) = (form.all("key"), form.all("target"), form.all("add"));
    for r in &mut rows {
        r.target = String::new();
        r.add_choices = false;
    }
    for (i, key) in keys.iter().enumerate() {
        let key = key.trim();
        let target = targets.get(i).unwrap_or(&"").trim().to_owned();
        let add_choices = adds.iter().any(|a| a.trim() == key);
        match rows.iter_mut().find(|r| r.key == key) {
            Some(r) => {
                r.target = target;
                r.add_choices = add_choices;
            }
            None => rows.push(MappingRow {
                key: key.to_owned(),
                label: key.to_owned(),
                target,
                add_choices,
                not_offered: true,
                ..MappingRow::default()
            }),
        }
    }
    rows
}

/// The mapping of `rows`; `Err` lists every mistake. `stored` is the mapping saved before: an
/// attribute the provider stopped offering may stay mapped, but not be newly mapped.
pub fn parse(
    rows: &[MappingRow],
    fields: &[CustomField],
    stored: &Mapping,
    provider: Provider,
) -> Result<Mapping, Vec<String>> {
    let mut errors = Vec::new();
    let mut out: Vec<MappedField> = Vec::new();
    for r in rows.iter().filter(|r| !r.target.is_empty()) {
        let Some(field) = r
            .target
            .parse::<i64>()
            .ok()
            .and_then(|id| fields.iter().find(|f| f.id == id))
        else {
            errors.push(format!(
                "{}: there is no such Roster field (it may have been deleted).",
                r.label
            ));
            continue;
        };
        if let Some(a) = mapping::builtin(provider, &r.key) {
            errors.push(format!(
                "{}: {provider} syncs it into {} already.",
                r.label,
                a.label()
            ));
            continue;
        }
        let was = stored.of_key(&r.key);
        if r.not_offered && was.is_none() {
            errors.push(format!(
                "{provider} does not offer the attribute “{}”.",
                r.key
            ));
            continue;
        }
        if !r.kind.is_empty() && !mapping::compatible(&r.kind, field.kind) {
            errors.push(format!(
                "{} ({}) cannot fill {} ({}): choose a field of a matching kind.",
                r.label,
                r.kind_words(),
                field.label,
                field.kind.label().to_lowercase()
            ));
            continue;
        }
        if let Some(other) = out.iter().find(|m| m.field_id == field.id) {
            errors.push(format!(
                "{} is chosen for both {} and {}: a field takes one attribute.",
                field.label, other.label, r.label
            ));
            continue;
        }
        out.push(MappedField {
            key: r.key.clone(),
            label: was
                .filter(|_| r.not_offered)
                .map_or_else(|| r.label.clone(), |m| m.label.clone()),
            field_id: field.id,
            add_choices: r.add_choices && field.kind.has_choices(),
        });
    }
    if errors.is_empty() {
        Ok(Mapping {
            fields: out,
            builtins: Vec::new(),
        })
    } else {
        Err(errors)
    }
}
