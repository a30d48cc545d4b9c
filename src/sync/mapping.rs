//! The attribute mapping of one company for one provider (Settings › Integrations › <provider> ›
//! Fields): which HRIS attribute fills which of the company's custom fields. Pure data, stored in
//! `field_mappings` (`db::field_mappings`) and applied inside [`reconcile`](super::reconcile()).
//!
//! The built-in fields keep the seed articles' tables ([`builtin`]: what the parsers fill), so a
//! company that never saves a mapping (an empty one) syncs exactly as before mappings existed.
//! A mapped field is owned by the HRIS (locked on people, see `hris::ownership`); unmapping it
//! releases it with its values kept.

use serde::{Deserialize, Serialize};

use crate::directory::{Attribute, FieldKind};
use crate::hris::Provider;

/// One HRIS attribute mapped onto one custom field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedField {
    /// The provider's attribute key (Personio `dynamic_70112`, kiwiHR `location`).
    pub key: String,
    /// The attribute's label when the mapping was saved, for warnings and pages.
    pub label: String,
    /// The custom field it fills.
    pub field_id: i64,
    /// Choice fields: a value that is none of the field's choices becomes a new choice; otherwise
    /// it leaves the field empty with one warning per value in the run.
    pub add_choices: bool,
}

/// An optional built-in field filled otherwise than by the seed's table: from another attribute
/// (`key`), or not synced at all (`key: None`, as if the HRIS did not send it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltinMapped {
    pub field: Attribute,
    pub key: Option<String>,
    /// The attribute's label when the mapping was saved ("" when not synced).
    pub label: String,
}

/// The mapping of one company for one provider; empty means no custom field is synced and the
/// built-in fields follow the seed's table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub fields: Vec<MappedField>,
    /// Only the built-in fields that differ from the seed's table.
    #[serde(default)]
    pub builtins: Vec<BuiltinMapped>,
}

impl Mapping {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.builtins.is_empty()
    }

    /// How the built-in field `a` is filled, when not by the seed's table.
    pub fn of_builtin(&self, a: Attribute) -> Option<&BuiltinMapped> {
        self.builtins.iter().find(|b| b.field == a)
    }

    /// The built-in fields set to "Don't sync": neither synced nor owned.
    pub fn not_synced(&self) -> Vec<Attribute> {
        self.builtins
            .iter()
            .filter(|b| b.key.is_none())
            .map(|b| b.field)
            .collect()
    }

    /// The custom fields the HRIS fills (and so owns).
    pub fn field_ids(&self) -> Vec<i64> {
        self.fields.iter().map(|m| m.field_id).collect()
    }

    /// The mapping that fills the custom field `id`, if any.
    pub fn of_field(&self, id: i64) -> Option<&MappedField> {
        self.fields.iter().find(|m| m.field_id == id)
    }

    /// What the mapping maps `key` to, if anything.
    pub fn of_key(&self, key: &str) -> Option<&MappedField> {
        self.fields.iter().find(|m| m.key == key)
    }
}

/// The seed articles' tables: the built-in field an attribute key fills, for each provider
/// (Personio's date of birth is a custom attribute found by its `universal_id`, so it is not
/// listed by key). These attributes are not offered for custom fields.
pub fn builtin(provider: Provider, key: &str) -> Option<Attribute> {
    let table: &[(&str, Attribute)] = match provider {
        Provider::Personio => &[
            ("id", Attribute::HrisId),
            ("email", Attribute::Email),
            ("first_name", Attribute::FirstName),
            ("last_name", Attribute::LastName),
            ("position", Attribute::Position),
            ("department", Attribute::Department),
            ("gender", Attribute::Gender),
            ("hire_date", Attribute::FirstHiredOn),
            ("supervisor", Attribute::Manager),
            ("status", Attribute::Active),
        ],
        Provider::Kiwihr => &[
            ("email", Attribute::Email),
            ("firstName", Attribute::FirstName),
            ("lastName", Attribute::LastName),
            ("isActive", Attribute::Active),
            ("position", Attribute::Position),
            ("teams", Attribute::Groups),
            ("manager", Attribute::Manager),
            ("employeeNumber", Attribute::EmployeeNumber),
            ("employmentStartDate", Attribute::FirstHiredOn),
            ("employmentEndDate", Attribute::Active),
            ("birthDate", Attribute::BirthDate),
            ("gender", Attribute::Gender),
        ],
    };
    table.iter().find(|(k, _)| *k == key).map(|(_, a)| *a)
}

/// The built-in fields a manager may fill from another attribute or not sync; the others (email,
/// names, status, HRIS id) are what a sync needs to match and keep people, and the manager and
/// groups name other records, not a value an attribute carries.
pub const OPTIONAL: &[Attribute] = &[
    Attribute::Position,
    Attribute::Department,
    Attribute::Gender,
    Attribute::BirthDate,
    Attribute::FirstHiredOn,
    Attribute::EmployeeNumber,
];

/// The kind of custom field a built-in field reads like, for [`compatible`].
pub fn builtin_kind(a: Attribute) -> FieldKind {
    match a {
        Attribute::BirthDate | Attribute::FirstHiredOn => FieldKind::Date,
        Attribute::Gender => FieldKind::Choice,
        _ => FieldKind::Text,
    }
}

/// Whether an HRIS attribute of `kind` (Personio `standard`, `date`, `list`, `tags`, `integer`,
/// `decimal`; kiwiHR GraphQL types) can fill a field of kind `field`: a date only a date field
/// (and a text field), a number field a numeric or plain attribute, any non-date attribute a
/// text or choice field.
pub fn compatible(kind: &str, field: FieldKind) -> bool {
    let kind = kind.trim().to_ascii_lowercase();
    let date = kind == "date";
    match field {
        FieldKind::Text => true,
        FieldKind::Date => date,
        FieldKind::Number => matches!(
            kind.as_str(),
            "integer" | "decimal" | "number" | "float" | "int" | "standard" | "string"
        ),
        FieldKind::Choice | FieldKind::Choices => !date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_fill_only_dates_and_texts_and_numbers_need_a_plain_kind() {
        assert!(compatible("date", FieldKind::Date));
        assert!(compatible("Date", FieldKind::Text));
        assert!(!compatible("date", FieldKind::Choice));
        assert!(!compatible("list", FieldKind::Date));
        assert!(compatible("integer", FieldKind::Number));
        assert!(!compatible("tags", FieldKind::Number));
        assert!(compatible("tags", FieldKind::Choices));
        assert!(compatible("Location", FieldKind::Choice));
    }

    #[test]
    fn the_seed_tables_name_the_built_in_fields() {
        assert_eq!(
            builtin(Provider::Personio, "hire_date"),
            Some(Attribute::FirstHiredOn)
        );
        assert_eq!(builtin(Provider::Personio, "dynamic_70112"), None);
        assert_eq!(builtin(Provider::Kiwihr, "location"), None);
        assert_eq!(builtin(Provider::Kiwihr, "teams"), Some(Attribute::Groups));
    }
}
