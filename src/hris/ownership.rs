//! Which of a person's attributes an HRIS owns, and so which are locked on a person.
//!
//! Each provider declares what its parser fills (`OWNS`, next to the parser; the parser's tests
//! fail when it fills anything else). A field is locked on a person only while that person is
//! linked to the *connected* integration and its credential reads the field: disconnecting
//! releases everyone (their HRIS id stays, so a reconnect adopts them again by id).
//!
//! Custom fields are owned the same way, derived from what the HRIS fills: the fields its
//! attribute mapping (`sync::mapping`) maps an attribute onto. Unmapping releases the field.

use crate::directory::{Attribute, Person, Source};

use super::{HrisPerson, Provider};

impl Provider {
    /// The attributes this provider's parser fills: what it owns on a person linked to it.
    pub fn owns(self) -> &'static [Attribute] {
        match self {
            Provider::Personio => super::personio::parse::OWNS,
            Provider::Kiwihr => super::kiwihr::OWNS,
        }
    }
}

impl HrisPerson {
    /// Whether this record carries `a` at all, with a value or sent empty. An attribute the
    /// credential may not read is not carried (and the sync leaves it alone).
    pub fn carries(&self, a: Attribute) -> bool {
        match a {
            Attribute::HrisId => !self.source_id.is_empty(),
            Attribute::Email => self.email.is_some(),
            Attribute::FirstName => self.first_name.is_shared(),
            Attribute::LastName => self.last_name.is_shared(),
            Attribute::Position => self.position.is_shared(),
            Attribute::Department => self.department.is_shared(),
            Attribute::Gender => self.gender.is_shared(),
            Attribute::BirthDate => self.birth_date.is_shared(),
            Attribute::EmployeeNumber => self.employee_number.is_shared(),
            Attribute::FirstHiredOn => self.first_hired_on.is_shared(),
            Attribute::Manager => self.manager.is_shared(),
            Attribute::Active => self.active.is_some() || self.unknown_status.is_some(),
            Attribute::Groups => self.groups.is_shared(),
        }
    }
}

/// The owned attributes no person of `people` carries: the credential may not read them, so
/// they are neither synced nor locked.
pub fn unread(provider: Provider, people: &[&HrisPerson]) -> Vec<Attribute> {
    provider
        .owns()
        .iter()
        .copied()
        .filter(|&a| !people.iter().any(|p| p.carries(a)))
        .collect()
}

/// The company's connected HRIS, as the lock rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub provider: Provider,
    /// Owned attributes its credential did not read in the last applied sync.
    pub unread: Vec<Attribute>,
    /// The custom fields its attribute mapping fills.
    pub mapped: Vec<i64>,
}

/// What is locked on one person, and by which HRIS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locks {
    by: Option<Provider>,
    fields: Vec<Attribute>,
    /// Locked custom fields, by id.
    custom: Vec<i64>,
}

impl Locks {
    /// Nothing locked: a person added by hand, or anyone while no HRIS is connected.
    pub fn none() -> Locks {
        Locks::default()
    }

    /// The locks on `person` given the company's connection (if any).
    pub fn of(person: &Person, connection: Option<&Connection>) -> Locks {
        match connection {
            Some(c) if person.source == c.provider.source() && person.source_id.is_some() => {
                Locks {
                    by: Some(c.provider),
                    fields: c
                        .provider
                        .owns()
                        .iter()
                        .copied()
                        .filter(|a| !c.unread.contains(a))
                        .collect(),
                    custom: c.mapped.clone(),
                }
            }
            _ => Locks::none(),
        }
    }

    pub fn locks(&self, a: Attribute) -> bool {
        self.fields.contains(&a)
    }

    /// Whether the custom field `id` is locked (the HRIS's mapping fills it).
    pub fn locks_field(&self, id: i64) -> bool {
        self.custom.contains(&id)
    }

    /// Whether the edit form's input `name` is locked (custom fields: `field_<id>`).
    pub fn locks_input(&self, name: &str) -> bool {
        self.fields.iter().any(|a| a.form_name() == name)
            || name
                .strip_prefix("field_")
                .and_then(|id| id.parse().ok())
                .is_some_and(|id| self.locks_field(id))
    }

    pub fn fields(&self) -> &[Attribute] {
        &self.fields
    }

    /// The connected HRIS the person is synced from, when any field is locked by it.
    pub fn by(&self) -> Option<Provider> {
        self.by
    }
}

/// The source a person was synced from while no longer linked to a connected HRIS.
pub fn released(person: &Person, locks: &Locks) -> Option<Source> {
    (locks.by().is_none() && person.source != Source::Manual).then_some(person.source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(source: Source) -> Person {
        Person {
            id: 1,
            company_id: 1,
            email: "a@x.io".into(),
            first_name: "A".into(),
            last_name: "B".into(),
            position: None,
            department: None,
            gender: None,
            birth_date: None,
            employee_number: None,
            first_hired_on: None,
            manager_id: None,
            active: true,
            source,
            source_id: Some("7".into()),
            role: None,
            group_ids: Vec::new(),
        }
    }

    #[test]
    fn fields_are_locked_only_by_the_connected_hris_that_owns_and_reads_them() {
        let personio = Connection {
            provider: Provider::Personio,
            unread: vec![Attribute::Gender],
            mapped: vec![7],
        };
        let locks = Locks::of(&person(Source::Personio), Some(&personio));
        assert_eq!(locks.by(), Some(Provider::Personio));
        assert!(
            locks.locks(Attribute::BirthDate),
            "Personio owns birth dates"
        );
        assert!(!locks.locks(Attribute::EmployeeNumber));
        assert!(
            !locks.locks(Attribute::Gender),
            "the credential may not read it"
        );
        assert!(locks.locks_input("manager_id"));
        assert!(locks.locks_field(7) && locks.locks_input("field_7"));
        assert!(!locks.locks_input("field_8"), "a field no attribute fills");

        let kiwihr = Connection {
            provider: Provider::Kiwihr,
            unread: Vec::new(),
            mapped: Vec::new(),
        };
        let locks = Locks::of(&person(Source::Kiwihr), Some(&kiwihr));
        assert!(
            !locks.locks(Attribute::Department),
            "kiwiHR never sends one"
        );
        assert!(locks.locks(Attribute::Groups));

        let former = person(Source::Personio);
        assert_eq!(Locks::of(&former, Some(&kiwihr)), Locks::none());
        assert_eq!(Locks::of(&former, None), Locks::none());
        assert_eq!(released(&former, &Locks::none()), Some(Source::Personio));
        assert_eq!(
            Locks::of(&person(Source::Manual), Some(&personio)),
            Locks::none()
        );
    }
}
