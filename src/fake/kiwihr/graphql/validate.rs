//! Checks an operation against a schema, and the request's variables against the operation's
//! declarations, collecting every error (as a real server does) rather than stopping at the first.

use serde_json::{Map, Value};

use super::{Field, GqlError, Operation};

/// What a field returns, for validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Scalar(&'static str),
    Object(&'static str),
}

/// The schema the validator checks against: `(type, field) → (result type, allowed arguments)`.
pub trait Schema {
    fn field(&self, parent: &str, name: &str) -> Option<(FieldType, &'static [&'static str])>;
}

/// Checks every field, argument and variable of `op` against `schema`, collecting all errors
/// (like a real server) rather than stopping at the first.
pub fn validate(op: &Operation, schema: &dyn Schema) -> Vec<GqlError> {
    let mut errors = Vec::new();
    let declared: Vec<&str> = op.variables.iter().map(|v| v.name.as_str()).collect();
    validate_selection(&op.selection, "Query", schema, &declared, &mut errors);
    errors
}

fn validate_selection(
    fields: &[Field],
    parent: &str,
    schema: &dyn Schema,
    declared: &[&str],
    errors: &mut Vec<GqlError>,
) {
    for f in fields {
        let mut used = Vec::new();
        for (_, v, _) in &f.args {
            v.variables(&mut used);
        }
        for v in used {
            if !declared.contains(&v.as_str()) {
                errors.push(GqlError::new(
                    format!("Variable \"${v}\" is not defined."),
                    Some(f.pos),
                ));
            }
        }
        if f.name == "__typename" {
            if !f.selection.is_empty() || !f.args.is_empty() {
                errors.push(GqlError::new(
                    "Field \"__typename\" takes no arguments or selection.",
                    Some(f.pos),
                ));
            }
            continue;
        }
        let Some((ty, allowed)) = schema.field(parent, &f.name) else {
            errors.push(GqlError::new(
                format!("Cannot query field \"{}\" on type \"{parent}\".", f.name),
                Some(f.pos),
            ));
            continue;
        };
        for (arg, _, at) in &f.args {
            if !allowed.contains(&arg.as_str()) {
                errors.push(GqlError::new(
                    format!(
                        "Unknown argument \"{arg}\" on field \"{parent}.{}\".",
                        f.name
                    ),
                    Some(*at),
                ));
            }
        }
        match ty {
            FieldType::Scalar(scalar) if !f.selection.is_empty() => errors.push(GqlError::new(
                format!(
                    "Field \"{}\" must not have a selection since type \"{scalar}\" has no subfields.",
                    f.name
                ),
                Some(f.pos),
            )),
            FieldType::Object(obj) if f.selection.is_empty() => errors.push(GqlError::new(
                format!(
                    "Field \"{}\" of type \"{obj}\" must have a selection of subfields. Did you mean \"{} {{ ... }}\"?",
                    f.name, f.name
                ),
                Some(f.pos),
            )),
            FieldType::Object(obj) => validate_selection(&f.selection, obj, schema, declared, errors),
            FieldType::Scalar(_) => {}
        }
    }
}

/// The variables the operation runs with: the request's values, declared defaults for the ones
/// not given, and an error for each required (`!`) variable that is missing or null. Variables
/// the operation does not declare are ignored, as GraphQL servers do.
pub fn apply_variables(
    op: &Operation,
    given: &Map<String, Value>,
) -> Result<Map<String, Value>, Vec<GqlError>> {
    let mut out = Map::new();
    let mut errors = Vec::new();
    for def in &op.variables {
        let value = match (given.get(&def.name), &def.default) {
            (Some(v), _) => v.clone(),
            (None, Some(d)) => d.resolve(&Map::new()),
            (None, None) => Value::Null,
        };
        if def.required && value.is_null() {
            errors.push(GqlError::new(
                format!(
                    "Variable \"${}\" of required type \"{}\" was not provided.",
                    def.name, def.type_name
                ),
                None,
            ));
        }
        out.insert(def.name.clone(), value);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
