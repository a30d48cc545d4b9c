//! Emails stay unique per company (case-insensitively) after a run. An email change or a new person
//! whose address someone else still holds after the run is skipped with an error. Chains (A takes
//! B's old address while B moves on) are ordered so apply can run them one by one; a swap cannot
//! be, so everyone in it is skipped.

use foldhash::HashMap;

use super::matching::lower;
use super::reconcile::{Ctx, Entry};

/// Makes emails unique after the run (skipping whoever would take an address still in use, and
/// anyone in a swap), gives new people their keys, and returns the synced people in the order
/// their updates must be applied: someone leaving an address before someone taking it.
pub(super) fn settle_emails(entries: &mut [Entry<'_>], ctx: &Ctx<'_>) -> Vec<usize> {
    // `keeps[s]`: snapshot person s has a row whose email has the same key (case changes only).
    let keeps: Vec<bool> = entries
        .iter()
        .map(|e| {
            e.matched
                .is_some_and(|i| lower(ctx.people[i].email.trim()) == e.key)
        })
        .collect();
    // Synced and taking an address: an email change of a row, or a new person.
    let moving = |entries: &[Entry<'_>], s: usize| entries[s].synced() && !keeps[s];
    let holder = |e: &Entry<'_>| ctx.by_email.get(e.key.as_ref()).copied();
    loop {
        let movers: Vec<usize> = (0..entries.len()).filter(|&s| moving(entries, s)).collect();
        // The row each mover leaves, and who leaves it.
        let leaver: HashMap<usize, usize> = movers
            .iter()
            .filter_map(|&s| entries[s].matched.map(|i| (i, s)))
            .collect();
        let mut skips: Vec<(usize, String)> = Vec::new();
        for &s in &movers {
            let e = &entries[s];
            if let Some(h) = holder(e)
                && Some(h) != e.matched
                && !leaver.contains_key(&h)
            {
                skips.push((
                    s,
                    format!(
                        "The email {} is already used by {} in Roster.",
                        e.email.unwrap_or_default(),
                        ctx.people[h].full_name()
                    ),
                ));
            }
        }
        if skips.is_empty() {
            // Swaps: follow "takes the address of" links among movers with a row.
            let index: HashMap<usize, usize> =
                movers.iter().enumerate().map(|(m, &s)| (s, m)).collect();
            let next = |m: usize| {
                let e = &entries[movers[m]];
                e.matched?;
                let t = leaver.get(&holder(e)?)?;
                index.get(t).copied()
            };
            for cycle in cycles(movers.len(), next) {
                let cycle: Vec<usize> = cycle.into_iter().map(|m| movers[m]).collect();
                let names: Vec<String> = cycle
                    .iter()
                    .map(|&s| ctx.people[entries[s].matched.expect("a row")].full_name())
                    .collect();
                for &s in &cycle {
                    skips.push((
                        s,
                        format!(
                            "{} would swap emails ({}); a sync cannot do that in one step. \
                             Change one of them by hand first.",
                            names.join(", "),
                            entries[s].email.unwrap_or_default()
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

    // Order: depth-first along "takes the address of", the leaver before the taker.
    let leaver: HashMap<usize, usize> = (0..entries.len())
        .filter(|&s| moving(entries, s))
        .filter_map(|s| entries[s].matched.map(|i| (i, s)))
        .collect();
    let mut done = vec![false; entries.len()];
    let mut order = Vec::with_capacity(entries.len());
    for start in 0..entries.len() {
        if !moving(entries, start) {
            if entries[start].synced() {
                order.push(start);
            }
            continue;
        }
        let mut chain = Vec::new();
        let mut s = start;
        while !done[s] {
            done[s] = true;
            chain.push(s);
            let e = &entries[s];
            match (e.matched, holder(e).and_then(|h| leaver.get(&h))) {
                (Some(_), Some(&t)) if t != s => s = t,
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
