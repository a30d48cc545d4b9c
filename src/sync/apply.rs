//! Writing a plan: one transaction, in the order the plan prescribes (groups → updates →
//! creates → managers → membership removes → adds), with the run's history rows in the same
//! transaction. Either all of it lands or none of it.

use std::collections::HashMap;

use crate::{
    access::invite::Invitee,
    db::{
        Tx, custom_fields, field_values, groups, integrations, people, search_keys,
        sync_runs::{self, Change, Note},
        synced_people,
    },
    directory::FieldValue,
    session_store,
};

use super::{GroupRef, NewValue, PersonRef, Plan};

/// Most names listed for "not in the HRIS" in one run; the count is always given.
const MAX_LISTED: usize = 500;

/// History rows built and written at a time (a first sync of 50,000 people has ~50,000).
const HISTORY_CHUNK: usize = 10_000;

/// Applies `plan` inside `tx` and records its history under `run_id`. Returns the ids of the
/// people it created, in the order of `plan.creates`.
pub async fn apply(tx: &mut Tx, plan: &Plan, run_id: i64) -> sqlx::Result<Vec<i64>> {
    let company = plan.company_id;
    let mut new_groups: HashMap<usize, i64> = HashMap::new();
    for g in &plan.groups_to_create {
        new_groups.insert(g.key, groups::create(tx, company, &g.name).await?);
    }
    for u in &plan.updates {
        for c in &u.changes {
            people::set_column(tx, company, u.person_id, &c.value).await?;
            if c.value == NewValue::Active(false) {
                // A deactivated person loses their login at once.
                session_store::end_sessions_of(tx, u.person_id).await?;
            }
        }
    }
    // Creates, manager links, membership adds and history rows come by the thousand in a first
    // sync: multi-row statements, in the same order as one statement each would run. The new
    // people's ids come first, so most manager links go into the insert itself.
    let ids = synced_people::reserve_ids(tx, plan.creates.len()).await?;
    let new_people: HashMap<usize, i64> = plan
        .creates
        .iter()
        .zip(ids.iter().copied())
        .map(|(p, id)| (p.key, id))
        .collect();
    let person = |r: PersonRef| match r {
        PersonRef::Existing(id) => Some(id),
        PersonRef::New(k) => new_people.get(&k).copied(),
    };
    let group = |r: GroupRef| match r {
        GroupRef::Existing(id) => Some(id),
        GroupRef::New(k) => new_groups.get(&k).copied(),
    };
    let links: Vec<(i64, Option<i64>)> = plan
        .managers
        .iter()
        .filter_map(|m| Some((person(m.person)?, m.manager.and_then(person))))
        .collect();
    let rest = synced_people::insert(tx, company, &plan.creates, &ids, &links).await?;
    synced_people::set_managers(tx, company, &rest).await?;
    for m in &plan.membership_removes {
        if let (Some(p), Some(g)) = (person(m.person), group(m.group)) {
            groups::remove_member(tx, company, g, p).await?;
        }
    }
    let adds: Vec<(i64, i64)> = plan
        .membership_adds
        .iter()
        .filter_map(|m| Some((group(m.group)?, person(m.person)?)))
        .collect();
    groups::add_members(tx, company, &adds).await?;
    apply_fields(tx, plan, &person).await?;
    record_history(tx, plan, run_id, &person).await?;
    integrations::set_unread(tx, company, plan.provider, &plan.unread).await?;
    record_notes(tx, plan, run_id, &person).await?;
    Ok(ids)
}

/// The new choices, then the mapped custom field values (and the search keys of the people whose
/// text values changed, since text values are searched).
async fn apply_fields(
    tx: &mut Tx,
    plan: &Plan,
    person: &(dyn Fn(PersonRef) -> Option<i64> + Sync),
) -> sqlx::Result<()> {
    let mut fields: Vec<i64> = plan.choices_to_add.iter().map(|c| c.field_id).collect();
    fields.dedup();
    for id in fields {
        let new: Vec<String> = plan
            .choices_to_add
            .iter()
            .filter(|c| c.field_id == id)
            .map(|c| c.choice.clone())
            .collect();
        custom_fields::append_choices(tx, plan.company_id, id, &new).await?;
    }
    let values: Vec<(i64, i64, Option<&FieldValue>)> = plan
        .field_values
        .iter()
        .filter_map(|f| Some((person(f.person)?, f.field_id, f.value.as_ref())))
        .collect();
    field_values::set_many(tx, &values).await?;
    // Text values are searched: those people's search keys change (a choice field for the whole
    // company changes none, so it costs no statement per person).
    let texts = if values.is_empty() {
        Vec::new()
    } else {
        custom_fields::text_field_ids(tx, plan.company_id).await?
    };
    let mut changed: Vec<i64> = values
        .iter()
        .filter(|v| texts.contains(&v.1))
        .map(|v| v.0)
        .collect();
    changed.sort_unstable();
    changed.dedup();
    for id in changed {
        search_keys::refold(tx, plan.company_id, id).await?;
    }
    Ok(())
}

/// The plan's history rows under `run_id`, `person` giving each person's id (`None`: not in the
/// directory, as someone a paused plan would create).
pub async fn record_history(
    tx: &mut Tx,
    plan: &Plan,
    run_id: i64,
    person: &(dyn Fn(PersonRef) -> Option<i64> + Sync),
) -> sqlx::Result<()> {
    let mut changes = plan.history_rows().map(|row| Change {
        person_id: person(row.person),
        person_name: row.person_name,
        field: row.field.key().to_string(),
        before: row.before,
        after: row.after,
        reason: row.reason,
    });
    loop {
        let chunk: Vec<Change> = changes.by_ref().take(HISTORY_CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        sync_runs::insert_changes(tx, run_id, &chunk).await?;
    }
    Ok(())
}

/// The active people `apply` created (`ids` as it returned them): whom "Invite new people
/// automatically" invites.
pub fn created_active(plan: &Plan, ids: &[i64]) -> Vec<Invitee> {
    plan.creates
        .iter()
        .zip(ids)
        .filter(|(p, _)| p.active)
        .map(|(p, id)| Invitee {
            id: *id,
            company_id: plan.company_id,
            email: p.email.clone(),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
        })
        .collect()
}

/// The run's warnings, per-person errors and the people Roster has that the HRIS does not.
pub async fn record_notes(
    tx: &mut Tx,
    plan: &Plan,
    run_id: i64,
    person: &(dyn Fn(PersonRef) -> Option<i64> + Sync),
) -> sqlx::Result<()> {
    let mut notes: Vec<Note> = Vec::new();
    for w in &plan.run_warnings {
        notes.push(Note {
            kind: "run_warning".into(),
            person_id: None,
            name: String::new(),
            message: w.clone(),
        });
    }
    for (kind, list) in [("warning", &plan.warnings), ("error", &plan.errors)] {
        for n in list {
            notes.push(Note {
                kind: kind.into(),
                person_id: n.person.and_then(person),
                name: n.name.clone(),
                message: n.message.clone(),
            });
        }
    }
    for u in plan.not_in_hris.iter().take(MAX_LISTED) {
        notes.push(Note {
            kind: "not_in_hris".into(),
            person_id: Some(u.person_id),
            name: u.name.clone(),
            message: format!(
                "{} ({}) is in Roster but not in {}; left as is.",
                u.name,
                u.email,
                plan.provider.label()
            ),
        });
    }
    sync_runs::insert_notes(tx, run_id, &notes).await?;
    Ok(())
}
