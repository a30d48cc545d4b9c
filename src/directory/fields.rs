//! A company's own fields (Settings › Company › Fields): a label, a kind, and for choice fields the
//! choices. A field is named by its id everywhere (values, filters, and later an HRIS attribute
//! mapping), so renaming it keeps its values. This module checks a definition as a manager types
//! it; [`super::field_values`] turns what a form (or an HRIS) gives into a typed value.

use super::{Attribute, limits, search};

/// What kind of value a custom field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    Text,
    Number,
    Date,
    /// One choice from the field's list.
    Choice,
    /// Any number of choices from the field's list.
    Choices,
}

impl FieldKind {
    pub const ALL: [FieldKind; 5] = [
        FieldKind::Text,
        FieldKind::Number,
        FieldKind::Date,
        FieldKind::Choice,
        FieldKind::Choices,
    ];

    /// The stored name (`custom_fields.kind`) and the form's value.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Choice => "choice",
            FieldKind::Choices => "choices",
        }
    }

    pub fn parse(s: &str) -> Option<FieldKind> {
        FieldKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What a manager reads.
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::Text => "Text",
            FieldKind::Number => "Number",
            FieldKind::Date => "Date",
            FieldKind::Choice => "One choice from a list",
            FieldKind::Choices => "Several choices from a list",
        }
    }

    /// Whether the field has a list of choices (and so is a filter on the people list).
    pub fn has_choices(self) -> bool {
        matches!(self, FieldKind::Choice | FieldKind::Choices)
    }
}

/// One custom field of a company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomField {
    pub id: i64,
    pub label: String,
    pub kind: FieldKind,
    /// The choices of a choice field, in the order shown; empty for the other kinds.
    pub choices: Vec<String>,
}

impl CustomField {
    /// The name of the field's input on the person form and of its filter on the people list.
    pub fn form_name(&self) -> String {
        format!("field_{}", self.id)
    }
}

/// A field as a manager defines it, checked: what is stored for a new or edited field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub label: String,
    pub kind: FieldKind,
    pub choices: Vec<String>,
}

/// A definition's problems, by form field (`label`, `kind`, `choices`).
pub type DefinitionErrors = Vec<(&'static str, String)>;

/// Checks a definition as typed. `taken` are the labels of the company's other custom fields;
/// the built-in attributes' labels ("Department", "Gender", …) are taken too. Choices are given
/// one per line; blank lines and repeats are dropped.
pub fn check_definition(
    label: &str,
    kind: &str,
    choices: &str,
    taken: &[String],
) -> Result<Definition, DefinitionErrors> {
    let mut errors = DefinitionErrors::new();
    let label = label.trim();
    let key = search::fold(label);
    if label.is_empty() {
        errors.push(("label", "Give the field a label, like “Office”.".into()));
    } else if !limits::fits(label, limits::FIELD_LABEL) {
        errors.push((
            "label",
            format!(
                "A label can be at most {} characters; this one has {}.",
                limits::FIELD_LABEL,
                label.chars().count()
            ),
        ));
    } else if Attribute::ALL
        .iter()
        .any(|a| search::fold(a.label()) == key)
    {
        errors.push((
            "label",
            format!("“{label}” is a built-in field already; choose another label."),
        ));
    } else if taken.iter().any(|t| search::fold(t) == key) {
        errors.push((
            "label",
            format!("There is a field called “{label}” already; choose another label."),
        ));
    }
    let kind = FieldKind::parse(kind);
    if kind.is_none() {
        errors.push(("kind", "Choose the kind of value the field holds.".into()));
    }
    let choices = match kind {
        Some(k) if k.has_choices() => check_choices(choices, &mut errors),
        _ => Vec::new(),
    };
    match kind {
        Some(kind) if errors.is_empty() => Ok(Definition {
            label: label.to_string(),
            kind,
            choices,
        }),
        _ => Err(errors),
    }
}

/// The choices typed one per line, or what is wrong with them.
fn check_choices(typed: &str, errors: &mut DefinitionErrors) -> Vec<String> {
    let mut choices: Vec<String> = Vec::new();
    for c in typed.lines().map(str::trim).filter(|c| !c.is_empty()) {
        if !limits::fits(c, limits::FIELD_CHOICE) {
            errors.push((
                "choices",
                format!(
                    "A choice can be at most {} characters: “{}…”.",
                    limits::FIELD_CHOICE,
                    limits::truncate(c, limits::FIELD_CHOICE)
                ),
            ));
            return choices;
        }
        if !choices.iter().any(|x| x == c) {
            choices.push(c.to_string());
        }
    }
    if choices.is_empty() {
        errors.push((
            "choices",
            "Give at least one choice, one per line (for example: Berlin, then Paris).".into(),
        ));
    } else if choices.len() > limits::FIELD_CHOICES {
        errors.push((
            "choices",
            format!(
                "A field can have at most {} choices; this list has {}.",
                limits::FIELD_CHOICES,
                choices.len()
            ),
        ));
    }
    choices
}

/// The company's gender choices as typed (one per line; commas also separate them): lower case,
/// each once, at least one.
pub fn check_gender_choices(typed: &str) -> Result<Vec<String>, String> {
    let mut choices: Vec<String> = vec![];
    for g in typed
        .split(['\n', ','])
        .map(|g| g.trim().to_lowercase())
        .filter(|g| !g.is_empty())
    {
        if !limits::fits(&g, limits::GENDER) {
            return Err(format!(
                "A gender choice can be at most {} characters: “{}…”.",
                limits::GENDER,
                limits::truncate(&g, limits::GENDER)
            ));
        }
        if !choices.contains(&g) {
            choices.push(g);
        }
    }
    if choices.is_empty() {
        return Err("Give at least one gender choice (for example: female, male, diverse).".into());
    }
    Ok(choices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_definition_needs_a_free_label_a_kind_and_choices_for_a_choice_field() {
        let taken = vec!["Office".to_string()];
        let ok = check_definition(" Level ", "choice", "Junior\n\n Senior \nJunior", &taken);
        assert_eq!(
            ok.unwrap(),
            Definition {
                label: "Level".into(),
                kind: FieldKind::Choice,
                choices: vec!["Junior".into(), "Senior".into()],
            }
        );
        let text = check_definition("Nickname", "text", "ignored", &taken).unwrap();
        assert!(text.choices.is_empty());
        for (label, kind, choices, field, says) in [
            ("", "text", "", "label", "Give the field a label"),
            ("OFFICE", "text", "", "label", "called “OFFICE” already"),
            ("Départment", "text", "", "label", "built-in field"),
            ("Level", "colour", "", "kind", "Choose the kind"),
            ("Level", "choices", " \n ", "choices", "at least one choice"),
        ] {
            let errors = check_definition(label, kind, choices, &taken).unwrap_err();
            assert!(
                errors.iter().any(|(f, m)| *f == field && m.contains(says)),
                "{label:?} {kind:?}: {errors:?}"
            );
        }
        assert_eq!(
            check_gender_choices("female\nmale, Diverse\nmale").unwrap(),
            vec!["female", "male", "diverse"]
        );
        assert!(
            check_gender_choices(" , \n")
                .unwrap_err()
                .contains("at least one gender")
        );
        let long = "x".repeat(limits::FIELD_LABEL + 1);
        assert!(check_definition(&long, "text", "", &taken).is_err());
    }
}
