//! The working state reconcile's passes share: each snapshot person's [`Entry`] and the
//! read-only [`Ctx`] of the company's people, indexed by id, email and source id.

use std::borrow::Cow;

use foldhash::{HashMap, HashMapExt};

use crate::directory::Person;
use crate::hris::{Field, HrisPerson, Provider};
use crate::sync::Directory;
use crate::sync::matching::lower;
use crate::sync::plan::PersonRef;

/// One snapshot person on their way through reconcile.
pub(in crate::sync) struct Entry<'a> {
    pub hp: &'a HrisPerson,
    /// Index into `Ctx::people` of the row this person is (by source id, or adopted by email).
    pub matched: Option<usize>,
    /// Why this person is skipped; `None` = synced.
    pub error: Option<String>,
    /// The trimmed email and its lower-cased key, when valid (key empty otherwise).
    pub email: Option<&'a str>,
    pub key: Cow<'a, str>,
    /// `plan.creates` key, for a synced person with no row.
    pub new_key: Option<usize>,
    /// No other snapshot person has this source id.
    pub unique_id: bool,
}

impl Entry<'_> {
    pub fn synced(&self) -> bool {
        self.error.is_none()
    }
    /// Who this is, for notes: "First Last <email>", falling back on what we have.
    pub fn display(&self, people: &[&Person]) -> String {
        if let Some(i) = self.matched {
            return people[i].full_name();
        }
        let name = [&self.hp.first_name, &self.hp.last_name]
            .iter()
            .filter_map(|f| match f {
                Field::Value(v) if !v.trim().is_empty() => Some(v.trim()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" ");
        match (&self.hp.email, name.is_empty()) {
            (Some(e), false) => format!("{name} <{e}>"),
            (Some(e), true) => e.clone(),
            (None, false) => name,
            (None, true) => format!("id {}", self.hp.source_id),
        }
    }
    pub fn person_ref(&self, people: &[&Person]) -> Option<PersonRef> {
        match (self.matched, self.new_key) {
            (Some(i), _) => Some(PersonRef::Existing(people[i].id)),
            (None, Some(k)) => Some(PersonRef::New(k)),
            _ => None,
        }
    }
}

/// Read-only context shared by the passes.
pub(in crate::sync) struct Ctx<'a> {
    pub provider: Provider,
    /// This company's people only; indexes below point into it.
    pub people: Vec<&'a Person>,
    pub by_id: HashMap<i64, usize>,
    pub by_email: HashMap<Cow<'a, str>, usize>,
    /// People linked to this provider, by source id.
    pub by_source: HashMap<&'a str, usize>,
}

impl<'a> Ctx<'a> {
    /// The company's people in `dir`, indexed; the first person wins a shared id, email or
    /// source id.
    pub(super) fn new(dir: &'a Directory, provider: Provider) -> Ctx<'a> {
        let source = provider.source();
        let people: Vec<&Person> = dir
            .people
            .iter()
            .filter(|p| p.company_id == dir.company_id)
            .collect();
        let mut by_id = HashMap::with_capacity(people.len());
        let mut by_source: HashMap<&str, usize> = HashMap::with_capacity(people.len());
        let mut by_email = HashMap::with_capacity(people.len());
        for (i, p) in people.iter().enumerate() {
            by_id.entry(p.id).or_insert(i);
            by_email.entry(lower(p.email.trim())).or_insert(i);
            if p.source == source
                && let Some(sid) = &p.source_id
            {
                by_source.entry(sid.as_str()).or_insert(i);
            }
        }
        Ctx {
            provider,
            people,
            by_id,
            by_email,
            by_source,
        }
    }
}
