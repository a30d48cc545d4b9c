//! Reading the snapshot: each record checked on its own and against the others (id, email, status,
//! names, duplicates), then linked to a row: by `(source, source_id)` first, else by email.

use std::borrow::Cow;

use foldhash::{HashMap, HashMapExt};

use crate::directory::Email;
use crate::hris::{Field, HrisPerson, Provider};

use super::reconcile::{Ctx, Entry};

/// Lower-cased for comparing emails, borrowing when the text already is.
pub(super) fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// Each source id of the snapshot: the first person with it and how many have it.
pub(super) type SourceIds<'a> = HashMap<&'a str, (usize, usize)>;

/// Checks each record on its own and against the others: id, email, status, duplicates.
pub(super) fn validate<'a>(
    people: &[&'a HrisPerson],
    provider: Provider,
) -> (Vec<Entry<'a>>, SourceIds<'a>) {
    let label = provider.label();
    let mut sids: SourceIds<'a> = HashMap::with_capacity(people.len());
    let mut email_count: HashMap<Cow<'a, str>, usize> = HashMap::with_capacity(people.len());
    let checked: Vec<_> = people
        .iter()
        .copied()
        .enumerate()
        .map(|(s, hp)| {
            sids.entry(hp.source_id.as_str()).or_insert((s, 0)).1 += 1;
            let checked = hp.email.as_deref().map(Email::check);
            let key = match checked {
                Some(Ok(e)) => lower(e),
                _ => Cow::Borrowed(""),
            };
            if !key.is_empty() {
                *email_count.entry(key.clone()).or_default() += 1;
            }
            (checked, key)
        })
        .collect();
    let entries = people
        .iter()
        .copied()
        .zip(checked)
        .map(|(hp, (checked, key))| {
            let sid = hp.source_id.trim();
            let same_id = sids[hp.source_id.as_str()].1;
            let error = if sid.is_empty() {
                Some(format!("{label} sent this person without an id."))
            } else if same_id > 1 {
                Some(format!(
                    "{label} sent {same_id} people with the id {sid}; none of them was synced."
                ))
            } else {
                match &checked {
                    None => Some(format!("{label} has no email for this person.")),
                    Some(Err(err)) => Some(err.to_string()),
                    Some(Ok(e)) if email_count[&key] > 1 => Some(format!(
                        "{} people in {label} have the email {e}; none of them was synced.",
                        email_count[&key]
                    )),
                    Some(Ok(_)) => status_or_name_error(hp, label),
                }
            };
            Entry {
                hp,
                matched: None,
                error,
                email: checked.and_then(Result::ok),
                key,
                new_key: None,
                unique_id: same_id == 1,
            }
        })
        .collect();
    (entries, sids)
}

fn status_or_name_error(hp: &HrisPerson, label: &str) -> Option<String> {
    if hp.active.is_none() {
        return Some(match &hp.unknown_status {
            Some(s) => format!("{label} status “{s}” is unknown, so the person was left as is."),
            None => format!("{label} sent no status, so the person was left as is."),
        });
    }
    for (f, what) in [(&hp.first_name, "first"), (&hp.last_name, "last")] {
        if matches!(f, Field::Empty) || matches!(f, Field::Value(v) if v.trim().is_empty()) {
            return Some(format!("The {what} name is empty in {label}."));
        }
    }
    None
}

/// Links snapshot people to rows: by source id (even skipped people, so they are not deactivated),
/// then synced people by email.
pub(super) fn match_people(entries: &mut [Entry<'_>], ctx: &Ctx<'_>) {
    let source = ctx.provider.source();
    let mut claimed = vec![false; ctx.people.len()];
    for e in entries.iter_mut() {
        if e.unique_id
            && let Some(&i) = ctx.by_source.get(e.hp.source_id.as_str())
        {
            e.matched = Some(i);
            claimed[i] = true;
        }
    }
    for e in entries
        .iter_mut()
        .filter(|e| e.synced() && e.matched.is_none())
    {
        if let Some(&i) = ctx.by_email.get(e.key.as_ref()) {
            let p = ctx.people[i];
            let other_record = p.source == source && p.source_id.is_some();
            if !claimed[i] && !other_record {
                e.matched = Some(i);
                claimed[i] = true;
            }
        }
    }
}

/// A person we would create needs a name; a credential that does not share it cannot create them.
pub(super) fn check_names_for_new(entries: &mut [Entry<'_>], provider: Provider) {
    for e in entries
        .iter_mut()
        .filter(|e| e.synced() && e.matched.is_none())
    {
        if !e.hp.first_name.is_shared() || !e.hp.last_name.is_shared() {
            e.error = Some(format!(
                "{} does not share names, so this new person cannot be created.",
                provider.label()
            ));
        }
    }
}
