//! Fields an HRIS owns on a synced person: shown read-only ("Managed by Personio"), and the
//! edit form keeps their stored values whatever is submitted, so the next sync and a hand edit
//! never fight over them.

use crate::directory::Source;

/// Form field names owned by every HRIS.
const SYNCED: &[&str] = &[
    "email",
    "first_name",
    "last_name",
    "position",
    "department",
    "gender",
    "first_hired_on",
    "manager_id",
    "active",
];

/// What kiwiHR owns besides: it also sends birth dates, employee numbers and teams (groups).
const KIWIHR: &[&str] = &[
    "email",
    "first_name",
    "last_name",
    "position",
    "department",
    "gender",
    "first_hired_on",
    "manager_id",
    "active",
    "birth_date",
    "employee_number",
    "groups",
];

/// Which of a person's fields their source owns.
#[derive(Clone, Copy)]
pub struct Ownership {
    source: Source,
}

impl Ownership {
    pub fn of(source: Source) -> Ownership {
        Ownership { source }
    }

    pub fn fields(self) -> &'static [&'static str] {
        match self.source {
            Source::Manual => &[],
            Source::Personio => SYNCED,
            Source::Kiwihr => KIWIHR,
        }
    }

    /// Whether the form field `name` is owned (read-only in Roster).
    pub fn owns(self, name: &str) -> bool {
        self.fields().contains(&name)
    }

    /// "Managed by Personio", or None for a person added in Roster.
    pub fn note(self) -> Option<String> {
        (self.source != Source::Manual).then(|| format!("Managed by {}", self.source.label()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_person_owns_nothing_and_kiwihr_owns_more_than_personio() {
        assert!(Ownership::of(Source::Manual).fields().is_empty());
        assert!(Ownership::of(Source::Personio).owns("email"));
        assert!(!Ownership::of(Source::Personio).owns("birth_date"));
        assert!(!Ownership::of(Source::Personio).owns("groups"));
        assert!(Ownership::of(Source::Kiwihr).owns("groups"));
        assert!(Ownership::of(Source::Kiwihr).owns("employee_number"));
    }
}
