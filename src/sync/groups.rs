//! The groups pass (kiwiHR teams): a synced person ends up in exactly the groups named like their
//! teams. Names match case-insensitively (trimmed), so "Sales" in Roster is kiwiHR's "sales";
//! missing groups are created, no group is ever deleted, and a name two local groups share is left
//! alone (no adds or removes with either) and reported, never guessed.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::directory::Group;
use crate::hris::Field;

use super::matching::lower;
use super::plan::{GroupRef, Membership, NewGroup, PersonRef, Plan};
use super::reconcile::{Ctx, Entry};

pub(super) fn plan_groups(ctx: &Ctx<'_>, groups: &[Group], entries: &[Entry<'_>], plan: &mut Plan) {
    if !entries
        .iter()
        .any(|e| e.synced() && e.hp.groups.is_shared())
    {
        return;
    }
    let label = ctx.provider.label();
    let local: Vec<&Group> = groups
        .iter()
        .filter(|g| g.company_id == plan.company_id)
        .collect();
    let mut by_key: HashMap<String, Vec<&Group>> = HashMap::new();
    let mut key_order = Vec::new();
    for g in &local {
        let k = lower(g.name.trim()).into_owned();
        let same = by_key.entry(k.clone()).or_default();
        if same.is_empty() {
            key_order.push(k);
        }
        same.push(g);
    }
    let by_id: HashMap<i64, &Group> = local.iter().map(|g| (g.id, *g)).collect();
    let mut ambiguous: HashSet<i64> = HashSet::new();
    for k in &key_order {
        let same = &by_key[k];
        if same.len() > 1 {
            ambiguous.extend(same.iter().map(|g| g.id));
            let ids: Vec<String> = same.iter().map(|g| format!("#{}", g.id)).collect();
            plan.run_warnings.push(format!(
                "{} groups are named “{}” ({}): {label} memberships of that team were left alone. \
                 Rename all but one of them.",
                same.len(),
                same[0].name.trim(),
                ids.join(", ")
            ));
        }
    }

    let mut new_groups: HashMap<String, usize> = HashMap::new();
    for e in entries.iter().filter(|e| e.synced()) {
        let teams: &[String] = match &e.hp.groups {
            Field::NotShared => continue,
            Field::Empty => &[],
            Field::Value(v) => v,
        };
        let person = e.person_ref(&ctx.people).expect("synced people have a ref");
        let mut wanted: Vec<GroupRef> = Vec::with_capacity(teams.len());
        for team in teams.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            let k = lower(team);
            let g = match by_key.get(k.as_ref()).map(Vec::as_slice) {
                Some([g]) => GroupRef::Existing(g.id),
                Some(_) => continue,
                None => {
                    let next = plan.groups_to_create.len();
                    let idx = *new_groups.entry(k.into_owned()).or_insert(next);
                    if idx == next {
                        plan.groups_to_create.push(NewGroup {
                            key: idx,
                            name: team.to_string(),
                        });
                    }
                    GroupRef::New(idx)
                }
            };
            if !wanted.contains(&g) {
                wanted.push(g);
            }
        }
        let current: &[i64] = match e.matched {
            Some(i) => &ctx.people[i].group_ids,
            None => &[],
        };
        // Most people need no change: name them only when they do.
        let person_name = || match person {
            PersonRef::Existing(_) => e.display(&ctx.people),
            PersonRef::New(k) => plan.creates[k].full_name(),
        };
        for (n, &gid) in current.iter().enumerate() {
            let Some(g) = by_id.get(&gid) else { continue };
            if current[..n].contains(&gid)
                || ambiguous.contains(&gid)
                || wanted.contains(&GroupRef::Existing(gid))
            {
                continue;
            }
            plan.membership_removes.push(Membership {
                person,
                group: GroupRef::Existing(gid),
                person_name: person_name(),
                group_name: g.name.clone(),
            });
        }
        for g in wanted {
            let group_name = match g {
                GroupRef::Existing(id) if current.contains(&id) => continue,
                GroupRef::Existing(id) => by_id[&id].name.clone(),
                GroupRef::New(k) => plan.groups_to_create[k].name.clone(),
            };
            plan.membership_adds.push(Membership {
                person,
                group: g,
                person_name: person_name(),
                group_name,
            });
        }
    }
}
