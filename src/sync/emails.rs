//! Emails stay unique per company (case-insensitively) after a run. An email change or a new person
//! whose address someone else still holds after the run is skipped with an error. Chains (A takes
//! B's old address while B moves on) are ordered so apply can run them one by one; a swap cannot
//! be, so everyone in it is skipped.

use std::collections::{HashMap, HashSet};

use super::reconcile::{Ctx, Entry};

/// Makes emails unique after the run (skipping whoever would take an address still in use, and
/// anyone in a swap), gives new people their keys, and returns the synced people in the order
/// their updates must be applied: someone leaving an address before someone taking it.
pub(super) fn settle_emails(entries: &mut [Entry<'_>], ctx: &Ctx<'_>) -> Vec<usize> {
    // `moving[s]`: snapshot person s changes the email key of an existing row, or is new.
    let moving = |e: &Entry<'_>| {
        e.synced()
            && e.matched
                .is_none_or(|i| ctx.people[i].email.trim().to_lowercase() != e.key)
    };
    loop {
        let mut skips: Vec<(usize, String)> = Vec::new();
        // Final owner of each moved key; everyone else keeps their key.
        let moved_away: HashSet<usize> = entries
            .iter()
            .filter(|e| moving(e))
            .filter_map(|e| e.matched)
            .collect();
        for (s, e) in entries.iter().enumerate().filter(|(_, e)| moving(e)) {
            if let Some(&h) = ctx.by_email.get(&e.key)
                && Some(h) != e.matched
                && !moved_away.contains(&h)
            {
                let holder = ctx.people[h];
                skips.push((
                    s,
                    format!(
                        "The email {} is already used by {} in Roster.",
                        e.hp.email.as_deref().unwrap_or_default(),
                        holder.full_name()
                    ),
                ));
            }
        }
        if skips.is_empty() {
            // Swaps: follow "takes the address of" links among existing rows.
            let row_entry: HashMap<usize, usize> = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| moving(e))
                .filter_map(|(s, e)| e.matched.map(|i| (i, s)))
                .collect();
            let dep = |s: usize| -> Option<usize> {
                let e = &entries[s];
                e.matched?;
                let &h = ctx.by_email.get(&e.key)?;
                row_entry.get(&h).copied()
            };
            for cycle in cycles(entries.len(), |s| {
                if moving(&entries[s]) { dep(s) } else { None }
            }) {
                let names: Vec<String> = cycle
                    .iter()
                    .map(|&s| ctx.people[entries[s].matched.unwrap()].full_name())
                    .collect();
                for &s in &cycle {
                    skips.push((
                        s,
                        format!(
                            "{} would swap emails ({}); a sync cannot do that in one step. \
                             Change one of them by hand first.",
                            names.join(", "),
                            entries[s].hp.email.as_deref().unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        if skips.is_empty() {
            break;
        }
        for (s, msg) in skips {
            entries[s].error = Some(msg);
        }
    }

    let new_people = entries
        .iter_mut()
        .filter(|e| e.synced() && e.matched.is_none());
    for (key, e) in new_people.enumerate() {
        e.new_key = Some(key);
    }

    // Order: depth-first, the person leaving an address before the one taking it.
    let row_entry: HashMap<usize, usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.synced())
        .filter_map(|(s, e)| e.matched.map(|i| (i, s)))
        .collect();
    let mut done = vec![false; entries.len()];
    let mut order = Vec::new();
    for start in 0..entries.len() {
        let mut chain = Vec::new();
        let mut s = start;
        while !done[s] && entries[s].synced() {
            done[s] = true;
            chain.push(s);
            let e = &entries[s];
            match (e.matched, ctx.by_email.get(&e.key)) {
                (Some(i), Some(&h)) if h != i => match row_entry.get(&h) {
                    Some(&t) => s = t,
                    None => break,
                },
                _ => break,
            }
        }
        order.extend(chain.into_iter().rev());
    }
    order
}

/// The cycles of a graph where every node has at most one successor, each listed once, in a
/// deterministic order.
pub(super) fn cycles(n: usize, next: impl Fn(usize) -> Option<usize>) -> Vec<Vec<usize>> {
    // 0 = unvisited, 1 = on the current path, 2 = finished.
    let mut state = vec![0u8; n];
    let mut found = Vec::new();
    for start in 0..n {
        let mut path = Vec::new();
        let mut cur = Some(start);
        while let Some(v) = cur {
            match state[v] {
                0 => {
                    state[v] = 1;
                    path.push(v);
                    cur = next(v);
                }
                1 => {
                    let at = path.iter().position(|&x| x == v).expect("on the path");
                    found.push(path[at..].to_vec());
                    break;
                }
                _ => break,
            }
        }
        for v in path {
            state[v] = 2;
        }
    }
    found
}
