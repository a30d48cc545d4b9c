//! A person's attributes, declared once: the key the database, the forms and the history use, the
//! label a person reads ("Job", "Hire date", "Personio ID"), and the kind of value, which says how a
//! stored value is shown. The directory, the sync plan, the provider declarations of what they own
//! and the pages all name attributes through [`Attribute`]; none keeps its own list of names.

use time::{Date, macros::format_description};

use super::Source;

/// One attribute of a person that a page shows, a form edits or a sync may change.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Attribute {
    /// The HRIS a person is linked to and its id for them (`source` + `source_id`).
    HrisId,
    Email,
    FirstName,
    LastName,
    Position,
    Department,
    Gender,
    BirthDate,
    EmployeeNumber,
    FirstHiredOn,
    Manager,
    Active,
    Groups,
}

/// What kind of value an attribute holds: how it is stored as text and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text (names, job, department, gender, employee number, email).
    Text,
    /// A calendar day, stored as `YYYY-MM-DD`, shown as "2 Dec 2026".
    Date,
    /// Another person (the manager), stored and shown by name.
    Person,
    /// Active or deactivated, stored as `active` / `inactive`.
    Status,
    /// Group names.
    Groups,
    /// "Personio 4187003": the provider's name, then its id.
    HrisId,
}

impl Attribute {
    /// Every attribute, in the order a person's page lists them.
    pub const ALL: [Attribute; 13] = [
        Attribute::FirstName,
        Attribute::LastName,
        Attribute::Email,
        Attribute::Position,
        Attribute::Department,
        Attribute::Manager,
        Attribute::Groups,
        Attribute::FirstHiredOn,
        Attribute::Gender,
        Attribute::BirthDate,
        Attribute::EmployeeNumber,
        Attribute::Active,
        Attribute::HrisId,
    ];

    /// The stable name: `sync_changes.field`, the keys of a created person's initial values, and
    /// (except for the manager, see [`Attribute::form_name`]) the edit form's field name.
    pub fn key(self) -> &'static str {
        match self {
            Attribute::HrisId => "source",
            Attribute::Email => "email",
            Attribute::FirstName => "first_name",
            Attribute::LastName => "last_name",
            Attribute::Position => "position",
            Attribute::Department => "department",
            Attribute::Gender => "gender",
            Attribute::BirthDate => "birth_date",
            Attribute::EmployeeNumber => "employee_number",
            Attribute::FirstHiredOn => "first_hired_on",
            Attribute::Manager => "manager",
            Attribute::Active => "active",
            Attribute::Groups => "groups",
        }
    }

    /// The attribute a key names, if any.
    pub fn parse(key: &str) -> Option<Attribute> {
        Attribute::ALL.into_iter().find(|a| a.key() == key)
    }

    /// The name of the edit form's input: the key, but the manager picker posts an id.
    pub fn form_name(self) -> &'static str {
        match self {
            Attribute::Manager => "manager_id",
            other => other.key(),
        }
    }

    /// What a person reads. The HRIS id is labelled by its provider: see [`Attribute::label_for`].
    pub fn label(self) -> &'static str {
        match self {
            Attribute::HrisId => "HRIS ID",
            Attribute::Email => "Email",
            Attribute::FirstName => "First name",
            Attribute::LastName => "Last name",
            Attribute::Position => "Job",
            Attribute::Department => "Department",
            Attribute::Gender => "Gender",
            Attribute::BirthDate => "Birth date",
            Attribute::EmployeeNumber => "Employee number",
            Attribute::FirstHiredOn => "Hire date",
            Attribute::Manager => "Manager",
            Attribute::Active => "Status",
            Attribute::Groups => "Groups",
        }
    }

    /// The label with the provider where it matters: "Personio ID" rather than "HRIS ID".
    pub fn label_for(self, source: Source) -> String {
        match (self, source) {
            (Attribute::HrisId, Source::Personio | Source::Kiwihr) => {
                format!("{} ID", source.label())
            }
            (a, _) => a.label().to_string(),
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Attribute::BirthDate | Attribute::FirstHiredOn => Kind::Date,
            Attribute::Manager => Kind::Person,
            Attribute::Active => Kind::Status,
            Attribute::Groups => Kind::Groups,
            Attribute::HrisId => Kind::HrisId,
            _ => Kind::Text,
        }
    }

    /// A stored value as a person reads it: "Active" / "Deactivated", "2 Dec 2026", the id alone
    /// for an HRIS id ("Personio 4187003" → "4187003"; its label names the provider).
    pub fn show(self, stored: &str) -> String {
        match self.kind() {
            Kind::Status => match stored {
                "active" => "Active".into(),
                "inactive" => "Deactivated".into(),
                other => other.into(),
            },
            Kind::Date => Date::parse(stored, format_description!("[year]-[month]-[day]"))
                .map(show_date)
                .unwrap_or_else(|_| stored.into()),
            Kind::HrisId => match stored.split_once(' ') {
                Some((provider, id)) if Source::from_label(provider).is_some() => id.into(),
                _ => stored.into(),
            },
            Kind::Text | Kind::Person | Kind::Groups => stored.into(),
        }
    }
}

/// A day as people write it: "2 Dec 2026".
pub fn show_date(d: Date) -> String {
    d.format(format_description!(
        "[day padding:none] [month repr:short] [year]"
    ))
    .unwrap_or_else(|_| d.to_string())
}

/// How the history stores `active`.
pub fn status_value(active: bool) -> &'static str {
    if active { "active" } else { "inactive" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_key_names_one_attribute_and_labels_read_as_words() {
        for a in Attribute::ALL {
            assert_eq!(Attribute::parse(a.key()), Some(a));
            assert!(a.label().chars().next().unwrap().is_uppercase(), "{a:?}");
        }
        assert_eq!(Attribute::FirstHiredOn.label(), "Hire date");
        assert_eq!(Attribute::Position.label(), "Job");
        assert_eq!(Attribute::HrisId.label_for(Source::Personio), "Personio ID");
        assert_eq!(Attribute::Manager.form_name(), "manager_id");
    }

    #[test]
    fn stored_values_are_shown_in_words() {
        assert_eq!(Attribute::Active.show("inactive"), "Deactivated");
        assert_eq!(Attribute::BirthDate.show("2026-12-02"), "2 Dec 2026");
        assert_eq!(Attribute::HrisId.show("Personio 4187003"), "4187003");
        assert_eq!(Attribute::HrisId.show("Roster"), "Roster");
        assert_eq!(show_date(date!(2024 - 03 - 01)), "1 Mar 2024");
    }
}
