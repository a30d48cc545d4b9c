//! The Fields page's built-in table: each built-in field the provider fills, with, for the
//! optional ones ([`mapping::OPTIONAL`]), a choice of the seed's attribute (the default, stored
//! as nothing), another attribute of a compatible kind, or "Don't sync". The fields a sync needs
//! (email, names, status, HRIS id) are shown read-only and refused if posted.

use crate::directory::Attribute;
use crate::hris::{Provider, personio::Offered};
use crate::sync::mapping::{self, BuiltinMapped, Mapping};
use crate::web::form::FormData;

use super::mapping_input::{MappingRow, builtin_of};

/// The choice that turns a built-in field off.
pub const OFF: &str = "-";

/// One built-in field's row as shown and as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinRow {
    pub field: Attribute,
    pub field_label: String,
    /// The seed's attribute that fills it ("" when the provider does not offer it now).
    pub seed: String,
    pub optional: bool,
    /// "" the seed's attribute, [`OFF`] not synced, else the attribute key as typed.
    pub chosen: String,
}

/// The rows: the seed's table as the provider offers it, then the optional fields it fills
/// whose seed attribute it does not offer now, with `stored`'s choices.
pub fn rows_of(provider: Provider, offered: &[Offered], stored: &Mapping) -> Vec<BuiltinRow> {
    let optional = |a: Attribute| mapping::OPTIONAL.contains(&a) && provider.owns().contains(&a);
    let row = |a: Attribute, seed: String| BuiltinRow {
        field: a,
        field_label: a.label_for(provider.source()),
        seed,
        optional: optional(a),
        chosen: match stored.of_builtin(a) {
            None => String::new(),
            Some(BuiltinMapped { key: None, .. }) => OFF.into(),
            Some(BuiltinMapped { key: Some(k), .. }) => k.clone(),
        },
    };
    let mut rows: Vec<BuiltinRow> = offered
        .iter()
        .filter_map(|o| Some(row(builtin_of(provider, o)?, o.info.label.clone())))
        .collect();
    for &a in mapping::OPTIONAL {
        if optional(a) && !rows.iter().any(|r| r.field == a) {
            rows.push(row(a, String::new()));
        }
    }
    rows
}

/// `rows` with the form's choices (`builtin` and `builtin_from` repeated in order), and what
/// they mean checked against the attributes the provider offers beyond the table (`offered`,
/// the custom rows). `Err` names every mistake by its row.
pub fn parse(
    rows: &mut [BuiltinRow],
    form: &FormData,
    offered: &[MappingRow],
    provider: Provider,
) -> Result<Vec<BuiltinMapped>, Vec<String>> {
    let (fields, froms) = (form.all("builtin"), form.all("builtin_from"));
    let mut errors = Vec::new();
    let mut out: Vec<BuiltinMapped> = Vec::new();
    for (i, key) in fields.iter().enumerate() {
        let from = froms.get(i).unwrap_or(&"").trim();
        let Some(a) = Attribute::parse(key.trim()) else {
            errors.push(format!("There is no built-in field “{}”.", key.trim()));
            continue;
        };
        let label = a.label_for(provider.source());
        if let Some(r) = rows.iter_mut().find(|r| r.field == a) {
            r.chosen = from.to_owned();
        }
        if from.is_empty() {
            continue;
        }
        if !mapping::OPTIONAL.contains(&a) {
            errors.push(format!(
                "{label}: every sync needs it from {provider}, so it cannot be changed."
            ));
            continue;
        }
        if !provider.owns().contains(&a) {
            errors.push(format!("{label}: {provider} does not fill it."));
            continue;
        }
        if out.iter().any(|b| b.field == a) {
            errors.push(format!("{label} is chosen twice: choose once."));
            continue;
        }
        if from == OFF {
            out.push(BuiltinMapped {
                field: a,
                key: None,
                label: String::new(),
            });
            continue;
        }
        let Some(o) = offered.iter().find(|r| r.key == from && !r.not_offered) else {
            errors.push(format!(
                "{label}: {provider} offers no attribute “{from}” to fill it from."
            ));
            continue;
        };
        if !mapping::compatible(&o.kind, mapping::builtin_kind(a)) {
            errors.push(format!(
                "{} ({}) cannot fill {label}: choose an attribute of a matching kind.",
                o.label,
                crate::hris::kind_words(&o.kind)
            ));
            continue;
        }
        out.push(BuiltinMapped {
            field: a,
            key: Some(o.key.clone()),
            label: o.label.clone(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The audit text of `builtins`: "Job ← Job title (local); Department: not synced".
pub fn describe(builtins: &[BuiltinMapped], provider: Provider) -> Vec<String> {
    builtins
        .iter()
        .map(|b| {
            let field = b.field.label_for(provider.source());
            match &b.key {
                Some(_) => format!("{field} ← {}", b.label),
                None => format!("{field}: not synced"),
            }
        })
        .collect()
}
