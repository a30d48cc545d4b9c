//! The sync history's field names and stored values as a person reads them: "Job", "Hire date",
//! "Personio ID"; "Active" / "Deactivated"; "2 Dec 2026". The words come from the one declaration
//! of a person's attributes (`directory::attributes`); this adds what a run's page knows: its
//! provider.

use crate::{directory::Attribute, hris::Provider, sync::HistoryField};

/// The label of a `sync_changes.field` key; the HRIS link is labelled by the run's provider.
pub fn label(field: &str, provider: Provider) -> String {
    match HistoryField::parse(field) {
        Some(HistoryField::Attribute(a)) => a.label_for(provider.source()),
        Some(f) => f.label().to_string(),
        None => field.to_string(),
    }
}

/// A stored value as a person reads it. An HRIS link loses the provider's name when the label
/// already says it ("Personio 4187003" under "Personio ID" is "4187003"); "Roster" (not linked)
/// is no id at all.
pub fn show(field: &str, stored: &str, provider: Provider) -> String {
    match Attribute::parse(field) {
        Some(Attribute::HrisId) => match stored.split_once(' ') {
            Some((p, id)) if p == provider.label() => id.into(),
            _ if stored == "Roster" => String::new(),
            _ => stored.into(),
        },
        Some(a) => a.show(stored),
        None => stored.into(),
    }
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
