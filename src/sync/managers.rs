//! The manager pass: runs once every person of the snapshot has a row or a create key, so a
//! manager may come later in the list or be new in this run. Problems (unknown, self, loop) leave
//! the affected person's manager unset and are reported; they never stop the run.

use foldhash::HashMap;
use std::cell::OnceCell;

use crate::hris::{Field, ManagerRef};

use super::emails::cycles;
use super::matching::{SourceIds, lower};
use super::plan::{ManagerChange, PersonNote, PersonRef, Plan};
use super::reasons;
use super::reconcile::{Ctx, Entry};

/// Nodes are rows (`0..n`, indexes into `ctx.people`) then new people (`n + key`).
pub(super) fn plan_managers(
    ctx: &Ctx<'_>,
    entries: &[Entry<'_>],
    sids: &SourceIds<'_>,
    plan: &mut Plan,
) {
    let n = ctx.people.len();
    let total = n + plan.creates.len();
    let label = ctx.provider.label();
    let node_of = |e: &Entry<'_>| e.matched.or(e.new_key.map(|k| n + k));
    // Built on first use: most managers are found by id.
    let by_key: OnceCell<HashMap<&str, usize>> = OnceCell::new();

    // Rows whose email this run may change: only the snapshot's email index speaks for them.
    let mut governed = vec![false; n];
    for e in entries.iter().filter(|e| e.synced()) {
        if let Some(i) = e.matched {
            governed[i] = true;
        }
    }
    let mut edges: Vec<Option<usize>> = vec![None; total];
    for (i, p) in ctx.people.iter().enumerate() {
        edges[i] = p.manager_id.and_then(|m| ctx.by_id.get(&m).copied());
    }
    let mut ours = vec![false; total];
    let name_of_node = |v: usize| -> String {
        if v < n {
            ctx.people[v].full_name()
        } else {
            plan.creates[v - n].full_name()
        }
    };
    let mut warnings = Vec::new();
    for e in entries.iter().filter(|e| e.synced()) {
        let v = node_of(e).expect("synced people have a node");
        let target = match &e.hp.manager {
            Field::NotShared => continue,
            Field::Empty => None,
            Field::Value(r) => match resolve(r, ctx, entries, sids, &by_key, &governed) {
                Ok(t) if t == v => {
                    let why = format!("{label} names this person as their own manager");
                    warnings.push((v, format!("{why}; the manager was left unset.")));
                    None
                }
                Ok(t) => Some(t),
                Err(why) => {
                    warnings.push((v, format!("{why}; the manager was left unset.")));
                    None
                }
            },
        };
        edges[v] = target;
        ours[v] = true;
    }
    for cycle in cycles(total, |v| edges[v]) {
        let affected: Vec<usize> = cycle.iter().copied().filter(|&v| ours[v]).collect();
        if affected.is_empty() {
            continue;
        }
        let mut names: Vec<String> = cycle.iter().map(|&v| name_of_node(v)).collect();
        names.push(names[0].clone());
        let path = names.join(" → ");
        for &v in &affected {
            edges[v] = None;
            warnings.push((
                v,
                format!("Managers in {label} form a loop ({path}); the manager was left unset."),
            ));
        }
    }

    let as_ref = |v: usize| {
        if v < n {
            PersonRef::Existing(ctx.people[v].id)
        } else {
            PersonRef::New(v - n)
        }
    };
    // Why a manager is left unset, by node: the warning says it.
    let mut unset_because: HashMap<usize, String> = HashMap::default();
    for (v, message) in &warnings {
        unset_because.insert(*v, message.clone());
    }
    let mut changes = Vec::new();
    for e in entries.iter().filter(|e| e.synced()) {
        let v = node_of(e).expect("synced people have a node");
        if !ours[v] {
            continue;
        }
        let current = if v < n {
            ctx.people[v].manager_id
        } else {
            None
        };
        let target = edges[v].map(as_ref);
        if current.map(PersonRef::Existing) == target {
            continue;
        }
        let before = current.map(|id| match ctx.by_id.get(&id) {
            Some(&i) => ctx.people[i].full_name(),
            None => format!("#{id}"),
        });
        changes.push(ManagerChange {
            person: as_ref(v),
            name: name_of_node(v),
            manager: target,
            before,
            after: edges[v].map(name_of_node),
            reason: match unset_because.get(&v) {
                Some(why) => why.clone(),
                None => reasons::manager(ctx.provider, target.is_none()),
            },
        });
    }
    let mut notes = Vec::new();
    for (v, message) in warnings {
        let source_id = if v < n {
            ctx.people[v].source_id.clone()
        } else {
            Some(plan.creates[v - n].source_id.clone())
        };
        notes.push(PersonNote {
            person: Some(as_ref(v)),
            source_id,
            name: name_of_node(v),
            message,
        });
    }
    plan.managers = changes;
    plan.warnings.extend(notes);
}

/// The node a manager reference points at: the snapshot by id, rows linked to this provider by id,
/// then the snapshot and the directory by email.
fn resolve<'a>(
    r: &ManagerRef,
    ctx: &Ctx<'_>,
    entries: &'a [Entry<'a>],
    sids: &SourceIds<'_>,
    by_key: &OnceCell<HashMap<&'a str, usize>>,
    governed: &[bool],
) -> Result<usize, String> {
    let label = ctx.provider.label();
    let n = ctx.people.len();
    let node = |s: usize| entries[s].matched.or(entries[s].new_key.map(|k| n + k));
    let in_snapshot = sids
        .get(r.source_id.as_str())
        .filter(|(_, count)| *count == 1)
        .map(|(s, _)| *s);
    if let Some(s) = in_snapshot {
        if let Some(v) = node(s) {
            return Ok(v);
        }
    } else if let Some(&i) = ctx.by_source.get(r.source_id.as_str()) {
        return Ok(i);
    }
    if let Some(email) = r.email.as_deref() {
        let key = lower(email.trim());
        let by_key = by_key.get_or_init(|| {
            entries
                .iter()
                .enumerate()
                .filter(|(s, e)| !e.key.is_empty() && node(*s).is_some())
                .map(|(s, e)| (e.key.as_ref(), s))
                .collect()
        });
        if let Some(v) = by_key.get(key.as_ref()).and_then(|&s| node(s)) {
            return Ok(v);
        }
        if let Some(&i) = ctx.by_email.get(key.as_ref())
            && !governed[i]
        {
            return Ok(i);
        }
    }
    Err(match in_snapshot {
        Some(_) => format!(
            "The manager ({label} id {}) was skipped in this run",
            r.source_id
        ),
        None => format!("The manager ({label} id {}) is not known", r.source_id),
    })
}
