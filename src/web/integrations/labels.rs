//! The sync history's field names and stored values as a person reads them: "Job", "Hire date",
//! "Personio ID"; "Active" / "Deactivated"; "2 Dec 2026".
//!
//! Stand-in until the one declaration of a person's attributes (with their labels) lands; then
//! these two functions call it instead.

use time::{Date, macros::format_description};

use crate::hris::Provider;

/// The label of a `sync_changes.field` key; the HRIS link is labelled by the run's provider.
pub fn label(field: &str, provider: Provider) -> String {
    match field {
        "source" => return format!("{} ID", provider.label()),
        "email" => "Email",
        "first_name" => "First name",
        "last_name" => "Last name",
        "position" => "Job",
        "department" => "Department",
        "gender" => "Gender",
        "birth_date" => "Birth date",
        "employee_number" => "Employee number",
        "first_hired_on" => "Hire date",
        "manager" => "Manager",
        "active" => "Status",
        "groups" => "Groups",
        other => other,
    }
    .to_string()
}

/// A stored value as a person reads it. An HRIS link loses the provider's name when the label
/// already says it ("Personio 4187003" under "Personio ID" is "4187003"); "Roster" (not linked)
/// is no id at all.
pub fn show(field: &str, stored: &str, provider: Provider) -> String {
    match field {
        "active" => match stored {
            "active" => "Active".into(),
            "inactive" => "Deactivated".into(),
            other => other.into(),
        },
        "birth_date" | "first_hired_on" => {
            Date::parse(stored, format_description!("[year]-[month]-[day]"))
                .map(show_date)
                .unwrap_or_else(|_| stored.into())
        }
        "source" => match stored.split_once(' ') {
            Some((p, id)) if p == provider.label() => id.into(),
            _ if stored == "Roster" => String::new(),
            _ => stored.into(),
        },
        _ => stored.into(),
    }
}

/// A day as people write it: "2 Dec 2026".
pub fn show_date(d: Date) -> String {
    d.format(format_description!(
        "[day padding:none] [month repr:short] [year]"
    ))
    .unwrap_or_else(|_| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_values_read_as_words() {
        assert_eq!(label("position", Provider::Personio), "Job");
        assert_eq!(label("first_hired_on", Provider::Personio), "Hire date");
        assert_eq!(label("source", Provider::Personio), "Personio ID");
        assert_eq!(label("source", Provider::Kiwihr), "kiwiHR ID");
        assert_eq!(
            show("active", "inactive", Provider::Personio),
            "Deactivated"
        );
        assert_eq!(show("active", "active", Provider::Personio), "Active");
        assert_eq!(
            show("first_hired_on", "2026-12-02", Provider::Personio),
            "2 Dec 2026"
        );
        assert_eq!(
            show("source", "Personio 4187003", Provider::Personio),
            "4187003"
        );
        assert_eq!(show("source", "kiwiHR 55", Provider::Personio), "kiwiHR 55");
        assert_eq!(show("source", "Roster", Provider::Personio), "");
    }
}
