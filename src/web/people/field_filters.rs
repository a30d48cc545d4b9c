//! The people list's custom field filters: one select per choice field (`field_<id>=Berlin`),
//! read from the query string against the company's own fields, so a filter can only name a
//! field of the listed company.

use crate::{
    db::people::FieldFilter,
    directory::{CustomField, FieldKind},
};

/// One choice field's select on the list.
pub struct FieldSelect {
    pub name: String,
    pub label: String,
    pub choices: Vec<String>,
    /// The chosen value ("" for everyone).
    pub chosen: String,
}

impl FieldSelect {
    pub fn is_chosen(&self, choice: &str) -> bool {
        self.chosen == choice
    }
}

/// The selects of the company's choice fields with what the query string chose, and the
/// filters they make. A query key naming no choice field of the company is ignored (a link to a
/// field deleted since lists everyone rather than failing).
pub fn read(fields: &[CustomField], raw_query: &str) -> (Vec<FieldSelect>, Vec<FieldFilter>) {
    let given: Vec<(String, String)> = url::form_urlencoded::parse(raw_query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.trim().to_string()))
        .collect();
    let mut selects = Vec::new();
    let mut filters = Vec::new();
    for f in fields.iter().filter(|f| f.kind.has_choices()) {
        let name = f.form_name();
        let chosen = given
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if !chosen.is_empty() {
            filters.push(FieldFilter {
                field_id: f.id,
                choice: chosen.clone(),
                several: f.kind == FieldKind::Choices,
            });
        }
        selects.push(FieldSelect {
            name,
            label: f.label.clone(),
            choices: f.choices.clone(),
            chosen,
        });
    }
    (selects, filters)
}

/// The chosen selects as query pairs, for the page links.
pub fn pairs(selects: &[FieldSelect]) -> Vec<(String, String)> {
    selects
        .iter()
        .filter(|s| !s.chosen.is_empty())
        .map(|s| (s.name.clone(), s.chosen.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_companys_choice_fields_filter() {
        let fields = vec![
            CustomField {
                id: 3,
                label: "Office".into(),
                kind: FieldKind::Choice,
                choices: vec!["Berlin".into(), "Paris".into()],
            },
            CustomField {
                id: 4,
                label: "Nickname".into(),
                kind: FieldKind::Text,
                choices: vec![],
            },
            CustomField {
                id: 5,
                label: "Skills".into(),
                kind: FieldKind::Choices,
                choices: vec!["Rust".into()],
            },
        ];
        let (selects, filters) = read(&fields, "field_3=Berlin&field_4=x&field_9=y&field_5=");
        assert_eq!(selects.len(), 2);
        assert!(selects[0].is_chosen("Berlin"));
        assert_eq!(
            filters,
            vec![FieldFilter {
                field_id: 3,
                choice: "Berlin".into(),
                several: false
            }]
        );
        assert_eq!(
            pairs(&selects),
            vec![("field_3".to_string(), "Berlin".to_string())]
        );
    }
}
