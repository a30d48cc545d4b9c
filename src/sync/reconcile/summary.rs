//! What reconcile says besides the changes, once they are decided: the notes on people
//! (skipped, worked around, not in the HRIS), the attributes the provider did not share, and
//! the plan's counts.

use foldhash::{HashSet, HashSetExt};

use crate::directory::Attribute;
use crate::hris::{HrisPerson, Provider};
use crate::sync::mapping::Mapping;
use crate::sync::plan::{Counts, PersonNote, PersonRef, Plan, Unmatched};

use super::{Ctx, Entry};

/// Notes every skipped person (`errors`), the data a synced person's record had to work around
/// (`warnings`), and the people of another source the snapshot did not claim (`not_in_hris`).
pub(super) fn person_notes(entries: &[Entry<'_>], ctx: &Ctx<'_>, plan: &mut Plan) {
    let source = ctx.provider.source();
    for e in entries {
        if let Some(err) = &e.error {
            plan.errors.push(PersonNote {
                person: e.matched.map(|i| PersonRef::Existing(ctx.people[i].id)),
                source_id: Some(e.hp.source_id.clone()),
                name: e.display(&ctx.people),
                message: err.clone(),
            });
        }
    }
    // Data the client had to work around (an unreadable date, say): the person is synced, and
    // the run says what was left alone.
    for e in entries.iter().filter(|e| e.error.is_none()) {
        for problem in &e.hp.problems {
            plan.warnings.push(PersonNote {
                person: e
                    .matched
                    .map(|i| PersonRef::Existing(ctx.people[i].id))
                    .or(e.new_key.map(PersonRef::New)),
                source_id: Some(e.hp.source_id.clone()),
                name: e.display(&ctx.people),
                message: problem.clone(),
            });
        }
    }
    let mut claimed = vec![false; ctx.people.len()];
    for i in entries.iter().filter_map(|e| e.matched) {
        claimed[i] = true;
    }
    for (i, p) in ctx.people.iter().enumerate() {
        if p.source != source && !claimed[i] {
            plan.not_in_hris.push(Unmatched {
                person_id: p.id,
                name: p.full_name(),
                email: p.email.clone(),
                source: p.source,
                active: p.active,
            });
        }
    }
}

/// One warning per attribute the provider owns but did not send for some person, except those
/// the mapping does not sync (the manager's choice, not the credential's). A built-in field the
/// mapping fills from another attribute names that attribute: "Personio does not share Team:
/// department left unchanged."
pub(super) fn not_shared_warnings(
    people: &[&HrisPerson],
    provider: Provider,
    mapping: &Mapping,
) -> Vec<String> {
    let off = mapping.not_synced();
    provider
        .owns()
        .iter()
        .filter(|&&a| !matches!(a, Attribute::HrisId | Attribute::Email | Attribute::Active))
        .filter(|a| !off.contains(a))
        .filter(|&&a| people.iter().any(|p| !p.carries(a)))
        .map(|&a| {
            let field = a.label().to_lowercase();
            match mapping.of_builtin(a) {
                Some(b) if !b.label.is_empty() => format!(
                    "{} does not share {}: {field} left unchanged.",
                    provider.label(),
                    b.label
                ),
                _ => format!(
                    "{} does not share {field}: left unchanged.",
                    provider.label()
                ),
            }
        })
        .collect()
}

/// How many people the plan creates, updates, (re)activates, leaves unchanged and skips.
pub(super) fn counts(plan: &Plan, entries: &[Entry<'_>], ctx: &Ctx<'_>) -> Counts {
    let mut touched: HashSet<PersonRef> = HashSet::new();
    touched.extend(plan.managers.iter().map(|m| m.person));
    touched.extend(plan.membership_adds.iter().map(|m| m.person));
    touched.extend(plan.membership_removes.iter().map(|m| m.person));
    touched.extend(plan.field_values.iter().map(|f| f.person));
    let mut c = Counts {
        created: plan.creates.len(),
        skipped: plan.errors.len(),
        ..Counts::default()
    };
    let mut counted: HashSet<i64> = HashSet::new();
    for u in &plan.updates {
        counted.insert(u.person_id);
        match u.active_change() {
            Some(false) => c.deactivated += 1,
            Some(true) => c.reactivated += 1,
            None => c.updated += 1,
        }
    }
    for e in entries.iter().filter(|e| e.synced()) {
        let Some(i) = e.matched else { continue };
        let id = ctx.people[i].id;
        if counted.contains(&id) {
            continue;
        }
        if touched.contains(&PersonRef::Existing(id)) {
            c.updated += 1;
        } else {
            c.unchanged += 1;
        }
    }
    c
}
