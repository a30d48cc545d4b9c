//! The mapped-fields pass of reconcile: what the attribute mapping (`sync::mapping`) makes of each
//! synced person's custom field values. An attribute not sent is left alone (one warning per
//! attribute in the run, never emptied); sent empty clears the field; a value is read by the
//! field's kind, choices matched trimmed and case-insensitively as genders are. A value that is
//! none of the choices leaves the field empty with one warning per value, or becomes a new choice
//! when the mapping says so.

use std::collections::BTreeSet;

use crate::directory::{CustomField, FieldKind, FieldValue, field_values};
use crate::hris::HrisPerson;

use super::mapping::MappedField;
use super::plan::{FieldSet, NewChoice, PersonNote, Plan};
use super::reconcile::{Ctx, Entry};
use super::{Directory, Rules};

/// One mapped field and what the run learns about its choices.
struct Target<'a> {
    mapped: &'a MappedField,
    field: &'a CustomField,
    /// Choices added in this run, in the order first seen.
    added: Vec<String>,
    /// Values that are none of the choices (and not added), trimmed.
    unknown: BTreeSet<String>,
}

impl Target<'_> {
    /// The field's choice `value` matches, adding it when the mapping says so.
    fn choose(&mut self, value: &str) -> Option<String> {
        let wanted = value.to_lowercase();
        let known = self.field.choices.iter().chain(&self.added);
        if let Some(c) = known
            .into_iter()
            .find(|c| c.trim().to_lowercase() == wanted)
        {
            return Some(c.clone());
        }
        if self.mapped.add_choices {
            self.added.push(value.to_string());
            Some(value.to_string())
        } else {
            self.unknown.insert(value.to_string());
            None
        }
    }

    /// What the HRIS text `raw` means for the field: `Ok(None)` clears it, `Err` says why it is
    /// left unchanged.
    fn value_of(&mut self, raw: &str) -> Result<Option<FieldValue>, String> {
        let raw = raw.trim();
        match self.field.kind {
            FieldKind::Choice => Ok((!raw.is_empty())
                .then(|| self.choose(raw))
                .flatten()
                .map(FieldValue::Choice)),
            FieldKind::Choices => {
                let chosen: Vec<String> = raw
                    .split(", ")
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .filter_map(|v| self.choose(v))
                    .collect();
                // In the order of the field's list, as the person form stores them.
                let order: Vec<&String> = self.field.choices.iter().chain(&self.added).collect();
                let mut ordered: Vec<String> = Vec::new();
                for c in order {
                    if chosen.contains(c) && !ordered.contains(c) {
                        ordered.push(c.clone());
                    }
                }
                Ok((!ordered.is_empty()).then_some(FieldValue::Choices(ordered)))
            }
            _ => field_values::parse(self.field, &[raw]),
        }
    }
}

/// Plans the custom field values of the synced people in `entries` (`kept`: every person the
/// rules keep, for the not-shared warnings).
pub(super) fn plan_mapped(
    ctx: &Ctx<'_>,
    entries: &[Entry<'_>],
    kept: &[&HrisPerson],
    dir: &Directory,
    rules: &Rules,
    plan: &mut Plan,
) {
    let mut targets: Vec<Target<'_>> = rules
        .mapping
        .fields
        .iter()
        .filter_map(|m| {
            let field = rules.fields.iter().find(|f| f.id == m.field_id)?;
            Some(Target {
                mapped: m,
                field,
                added: Vec::new(),
                unknown: BTreeSet::new(),
            })
        })
        .collect();
    if targets.is_empty() {
        return;
    }
    let provider = rules.provider.label();
    for e in entries.iter().filter(|e| e.synced()) {
        let Some(person) = e.person_ref(&ctx.people) else {
            continue;
        };
        let id = e.matched.map(|i| ctx.people[i].id);
        for t in &mut targets {
            let Some(attr) = e.hp.attribute(&t.mapped.key) else {
                continue;
            };
            let want = match t.value_of(attr.value) {
                Ok(v) => v,
                Err(why) => {
                    plan.warnings.push(PersonNote {
                        person: Some(person),
                        source_id: Some(e.hp.source_id.clone()),
                        name: e.display(&ctx.people),
                        message: format!("{provider} {}: {why} Left unchanged.", t.mapped.label),
                    });
                    continue;
                }
            };
            let before = id.and_then(|id| dir.field_values.get(&(id, t.field.id)));
            if before == want.as_ref() {
                continue;
            }
            plan.field_values.push(FieldSet {
                person,
                name: e.display(&ctx.people),
                field_id: t.field.id,
                label: t.field.label.clone(),
                before: before.map(FieldValue::show),
                after: want.as_ref().map(FieldValue::show),
                value: want,
            });
        }
    }
    for t in targets {
        if kept.iter().any(|p| p.attribute(&t.mapped.key).is_none()) {
            plan.run_warnings.push(format!(
                "{provider} does not share {}: {} left unchanged.",
                t.mapped.label, t.field.label
            ));
        }
        for value in &t.unknown {
            plan.run_warnings.push(format!(
                "{provider} {} “{value}” is none of the choices of {}: left empty. Add the \
                 choice to the field, or let the mapping add unknown choices.",
                t.mapped.label, t.field.label
            ));
        }
        plan.choices_to_add
            .extend(t.added.into_iter().map(|choice| NewChoice {
                field_id: t.field.id,
                choice,
            }));
    }
}
