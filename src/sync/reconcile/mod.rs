//! Reconcile: the directory as it is + what the HRIS says → the [`Plan`] of changes. Pure: no I/O,
//! no clock (today is in [`Rules`]), deterministic (hash maps are only looked up, never iterated
//! into the output), and linear in the number of people.
//!
//! Decisions where the rules left room:
//! - **Matching.** By `(source, source_id)` first; else by email (case-insensitive). Email adopts a
//!   person created by hand *or linked to the other provider* (a company that switches HRIS keeps its
//!   people: at most one HRIS is connected at a time). A person linked to this same provider under
//!   another id is never taken over by email: the HRIS person is then new, and if the email is still
//!   in use after this run they are skipped with an error.
//! - **Skipped means untouched.** A skipped HRIS person's row (if any) gets no change at all, and is
//!   not deactivated either: they are in the snapshot, just unreadable.
//! - **Names.** An empty first or last name is an error: that person is skipped (nobody is nameless
//!   in the directory). A new person whose name is not shared at all is skipped too.
//! - **Emails.** Unique per company after the run: an email change (or new person) whose address
//!   someone else still holds after this run is skipped with an error. Chains (A takes B's old
//!   address while B moves on) are ordered so apply can run them one by one; swaps cannot be, so
//!   everyone in a swap is skipped. Two HRIS people with one email are skipped (DESIGN.md lists
//!   that as a guard refusal; skipping them keeps everyone else in line).
//! - **Not in the snapshot.** Only people with `source` = this provider are deactivated; manual people
//!   and people of the other provider are listed in `not_in_hris` and left alone.
//! - **Last company manager.** Never deactivated by a sync: the lowest-id one is kept active with a
//!   warning.
//! - **Managers.** "Left unset" means cleared: a manager the HRIS names but we cannot use (unknown,
//!   self, loop) leaves `manager_id` empty rather than keeping a link the HRIS no longer states.
//!   The email fallback finds snapshot people first, then rows the snapshot does not govern.
//! - **Groups.** Team names match group names trimmed and case-insensitively (see `groups`).
//! - **Not shared.** Said once per owned attribute per run, in our words ("hire date"), derived
//!   from the people themselves. Attributes no one carries are
//!   `Plan::unread`: apply stores them with the integration, so they are not locked on people.
//!
//! [`reconcile()`] runs the passes in order; their shared state is in `context`, the notes and
//! counts it ends with in `summary`.

mod context;
mod summary;

use foldhash::{HashMap, HashMapExt};

use crate::directory::Role;
use crate::hris::{HrisPerson, Snapshot, ownership};

use super::emails::settle_emails;
use super::fields::{Desired, GenderMap, active_change, column_changes};
use super::matching::{check_names_for_new, match_people, validate};
use super::plan::{PersonNote, PersonRef, PersonUpdate, Plan};
use super::selection::Decision;
use super::{Directory, Rules, groups, managers, mapped, reasons};

pub(super) use context::{Ctx, Entry};

pub fn reconcile(dir: &Directory, snap: &Snapshot, rules: &Rules) -> Plan {
    debug_assert_eq!(
        snap.provider, rules.provider,
        "snapshot of another provider"
    );
    let provider = rules.provider;
    let source = provider.source();
    let mut plan = Plan::new(dir.company_id, provider);
    plan.hris_people = snap.people.len();

    // The built-in fields the mapping fills otherwise (none: the snapshot as sent).
    let rewritten: Vec<HrisPerson>;
    let sent: &[HrisPerson] = if rules.mapping.builtins.is_empty() {
        &snap.people
    } else {
        rewritten = snap
            .people
            .iter()
            .map(|hp| super::builtins::rewrite(hp, &rules.mapping.builtins))
            .collect();
        &rewritten
    };

    // Who is synced: the people the rules leave out go on as if the HRIS no longer sent them.
    let mut left_out: HashMap<&str, String> = HashMap::new();
    let kept: Vec<&HrisPerson> = if rules.selection.is_empty() {
        sent.iter().collect()
    } else {
        let mut kept = Vec::with_capacity(sent.len());
        for hp in sent {
            match rules.selection.decide(hp) {
                Decision::LeaveOut(why) => {
                    left_out.insert(hp.source_id.as_str(), why);
                }
                _ => kept.push(hp),
            }
        }
        kept
    };
    plan.left_out = plan.hris_people - kept.len();

    let ctx = Ctx::new(dir, provider);

    let (mut entries, sids) = validate(&kept, provider);
    if !rules.selection.is_empty() {
        for e in entries.iter_mut().filter(|e| e.error.is_none()) {
            if let Decision::Undecided(why) = rules.selection.decide(e.hp) {
                e.error = Some(why);
            }
        }
    }
    match_people(&mut entries, &ctx);
    check_names_for_new(&mut entries, provider);
    let order = settle_emails(&mut entries, &ctx);

    // Desired columns of every synced person.
    let mut genders = GenderMap::new(&rules.gender_choices);
    let desired: Vec<Option<Desired>> = entries
        .iter()
        .map(|e| e.synced().then(|| Desired::of(e, rules, &mut genders)))
        .collect();

    // Who ends up active: the HRIS for synced people, inactive for this provider's people it no
    // longer lists, unchanged for everyone else.
    let mut final_active: Vec<bool> = ctx.people.iter().map(|p| p.active).collect();
    let mut gone = Vec::new();
    for (i, p) in ctx.people.iter().enumerate() {
        if p.source == source
            && p.source_id
                .as_deref()
                .is_some_and(|s| !sids.contains_key(s))
        {
            final_active[i] = false;
            gone.push(i);
        }
    }
    for (e, d) in entries.iter().zip(&desired) {
        if let (Some(i), Some(d)) = (e.matched, d) {
            final_active[i] = d.active;
        }
    }
    keep_last_manager(&ctx, &mut final_active, &mut plan);

    // Updates of existing people, then creates.
    let mut updates = Vec::new();
    for &s in &order {
        let (e, d) = (
            &entries[s],
            desired[s].as_ref().expect("ordered people are synced"),
        );
        let Some(i) = e.matched else { continue };
        let p = ctx.people[i];
        let changes = column_changes(p, e, d, final_active[i], provider);
        if !changes.is_empty() {
            updates.push(PersonUpdate {
                person_id: p.id,
                name: p.full_name(),
                changes,
            });
        }
    }
    for &i in &gone {
        let p = ctx.people[i];
        if p.active && !final_active[i] {
            updates.push(PersonUpdate {
                person_id: p.id,
                name: p.full_name(),
                changes: vec![active_change(
                    true,
                    false,
                    p.source_id
                        .as_deref()
                        .and_then(|sid| left_out.get(sid).cloned())
                        .unwrap_or_else(|| reasons::gone(provider)),
                )],
            });
        }
    }
    plan.updates = updates;
    for (e, d) in entries.iter().zip(&desired) {
        if let (Some(k), Some(d)) = (e.new_key, d) {
            plan.creates.push(d.new_person(k, e, provider));
        }
    }

    managers::plan_managers(&ctx, &entries, &sids, &mut plan);
    groups::plan_groups(&ctx, &dir.groups, &entries, &mut plan);
    mapped::plan_mapped(&ctx, &entries, &kept, dir, rules, &mut plan);

    summary::person_notes(&entries, &ctx, &mut plan);
    let mut run_warnings = summary::not_shared_warnings(&kept, provider, &rules.mapping);
    run_warnings.extend(genders.warning(provider));
    run_warnings.append(&mut plan.run_warnings);
    plan.run_warnings = run_warnings;
    // Fields the mapping does not sync are not unread: the lock rule takes them from the mapping.
    let off = rules.mapping.not_synced();
    plan.unread = ownership::unread(provider, &kept);
    plan.unread.retain(|a| !off.contains(a));
    plan.counts = summary::counts(&plan, &entries, &ctx);
    plan
}

/// The company's last active company manager is never deactivated by a sync.
fn keep_last_manager(ctx: &Ctx<'_>, final_active: &mut [bool], plan: &mut Plan) {
    let is_manager = |i: usize| ctx.people[i].role == Some(Role::Manager);
    let any_left = (0..ctx.people.len()).any(|i| is_manager(i) && final_active[i]);
    if any_left {
        return;
    }
    let keep = (0..ctx.people.len())
        .filter(|&i| is_manager(i) && ctx.people[i].active)
        .min_by_key(|&i| ctx.people[i].id);
    if let Some(i) = keep {
        final_active[i] = true;
        let p = ctx.people[i];
        plan.warnings.push(PersonNote {
            person: Some(PersonRef::Existing(p.id)),
            source_id: p.source_id.clone(),
            name: p.full_name(),
            message: format!(
                "{} is the company's last active company manager, so the sync kept them active \
                 although {} says otherwise. Make someone else a company manager first.",
                p.full_name(),
                ctx.provider.label()
            ),
        });
    }
}
