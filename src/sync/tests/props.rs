//! Properties over small random directories and snapshots, drawn from tiny pools of emails, ids
//! and team names so that collisions, duplicates, loops and adoptions happen often.

use std::collections::HashSet;

use proptest::prelude::*;

use super::*;
use crate::sync::{GroupRef, PersonRef, apply_in_memory};

const EMAILS: [&str; 8] = [
    "anna@x.io",
    "ben@x.io",
    "carl@x.io",
    "dora@x.io",
    "eve@x.io",
    "fay@x.io",
    "gus@x.io",
    "hal@x.io",
];
const GROUPS: [&str; 5] = ["Sales", "sales", "Ops", "Dev", " Ops "];
const TEAMS: [&str; 4] = ["Sales", "ops", "Dev", "QA"];

fn email(slot: usize, upper: bool) -> String {
    if upper {
        EMAILS[slot].to_uppercase()
    } else {
        EMAILS[slot].to_string()
    }
}

type RawPerson = (
    usize,
    bool,
    u8,
    usize,
    bool,
    Option<i64>,
    u8,
    u8,
    bool,
    bool,
);

fn raw_person() -> impl Strategy<Value = RawPerson> {
    (
        0..8usize,
        any::<bool>(),
        0..3u8,
        0..8usize,
        any::<bool>(),
        proptest::option::of(1..12i64),
        any::<u8>(),
        0..4u8,
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.15),
    )
}

fn build_directory(raw: Vec<RawPerson>, groups: Vec<(usize, bool)>) -> Directory {
    let mut people: Vec<Person> = Vec::new();
    let mut used: HashSet<(i64, String)> = HashSet::new();
    let mut sids: HashSet<(i64, Source, usize)> = HashSet::new();
    for (n, (slot, upper, src, sid, active, mgr, bits, pos, boss, other)) in
        raw.into_iter().enumerate()
    {
        let company = if other { 2 } else { COMPANY };
        if !used.insert((company, EMAILS[slot].to_string())) {
            continue;
        }
        let mut p = manual(n as i64 + 1, &email(slot, upper));
        p.company_id = company;
        p.source = [Source::Manual, Source::Personio, Source::Kiwihr][src as usize];
        if p.source != Source::Manual {
            if sids.insert((company, p.source, sid)) {
                p.source_id = Some(sid.to_string());
            } else {
                p.source = Source::Manual;
            }
        }
        p.active = active;
        p.manager_id = mgr;
        p.group_ids = (0..groups.len() as i64)
            .filter(|g| bits & (1 << g) != 0)
            .map(|g| g + 1)
            .collect();
        p.position = ["Eng", "Ops", "", "Boss"]
            .get(pos as usize)
            .map(|s| s.to_string());
        p.position = p.position.filter(|s| !s.is_empty());
        if boss {
            p.role = Some(Role::Manager);
        }
        people.push(p);
    }
    // manager_id is a foreign key: it may point anywhere (even at oneself), but at someone.
    let ids: HashSet<i64> = people.iter().map(|p| p.id).collect();
    for p in &mut people {
        p.manager_id = p.manager_id.filter(|m| ids.contains(m));
    }
    Directory {
        company_id: COMPANY,
        people,
        groups: groups
            .into_iter()
            .enumerate()
            .map(|(i, (name, other))| Group {
                id: i as i64 + 1,
                company_id: if other { 2 } else { COMPANY },
                name: GROUPS[name].to_string(),
            })
            .collect(),
        field_values: Default::default(),
    }
}

fn text_field() -> impl Strategy<Value = Field<String>> {
    prop_oneof![
        1 => Just(Field::NotShared),
        1 => Just(Field::Empty),
        3 => prop::sample::select(vec!["Eng", " Ops ", "Boss"]).prop_map(|s| Field::Value(s.to_string())),
    ]
}

fn hris_person() -> impl Strategy<Value = HrisPerson> {
    let who = (0..9usize, 0..11usize, any::<bool>(), 0..10u8, 0..6u8);
    let fields = (
        text_field(),
        text_field(),
        0..5u8,
        proptest::option::of(-2..3i64),
    );
    let links = (
        0..4u8,
        0..9usize,
        proptest::option::of(0..8usize),
        0..3u8,
        any::<u8>(),
    );
    (who, fields, links).prop_map(
        |(
            (sid, mail, upper, first, status),
            (position, department, gender, end),
            (mgr, mgr_sid, mgr_email, teams, team_bits),
        )| {
            let address = match mail {
                0..8 => email(mail, upper),
                8 => "nobody".to_string(),
                _ => String::new(),
            };
            let mut h = hris(&sid.to_string(), &address);
            if mail == 9 {
                h.email = None;
            }
            h.first_name = match first {
                0 => Field::NotShared,
                1 => Field::Empty,
                2 => Field::Value("Renamed".into()),
                _ => h.first_name,
            };
            (h.active, h.unknown_status) = match status {
                0 => (None, Some("sabbatical".into())),
                1 => (Some(false), None),
                _ => (Some(true), None),
            };
            h.position = position;
            h.department = department;
            h.gender = match gender {
                0 => Field::NotShared,
                1 => Field::Empty,
                2 => Field::Value("male".into()),
                3 => Field::Value("FEMALE".into()),
                _ => Field::Value("diverse".into()),
            };
            h.end_date = end.map(|d| TODAY + time::Duration::days(d));
            h.manager = match mgr {
                0 => Field::NotShared,
                1 => Field::Empty,
                _ => Field::Value(ManagerRef {
                    source_id: mgr_sid.to_string(),
                    email: mgr_email.map(|e| email(e, false)),
                }),
            };
            h.groups = match teams {
                0 => Field::NotShared,
                1 => Field::Empty,
                _ => Field::Value(
                    (0..TEAMS.len())
                        .filter(|t| team_bits & (1 << t) != 0)
                        .map(|t| TEAMS[t].to_string())
                        .collect(),
                ),
            };
            h
        },
    )
}

pub(super) fn world() -> impl Strategy<Value = (Directory, Snapshot)> {
    (
        prop::collection::vec(raw_person(), 0..10),
        prop::collection::vec((0..GROUPS.len(), prop::bool::weighted(0.2)), 0..5),
        prop::collection::vec(hris_person(), 0..9),
        any::<bool>(),
    )
        .prop_map(|(people, groups, hris_people, kiwihr)| {
            let s = if kiwihr {
                kiwi(hris_people)
            } else {
                snap(hris_people)
            };
            (build_directory(people, groups), s)
        })
}

/// Like [`world`], but the snapshot has unique ids and emails (a permutation of the pools), so
/// people match, move addresses, swap them and form manager loops far more often.
fn tidy_world() -> impl Strategy<Value = (Directory, Snapshot)> {
    let order = || Just((0..8usize).collect::<Vec<_>>()).prop_shuffle();
    (world(), order(), order()).prop_map(|((d, mut s), sids, emails)| {
        for (i, h) in s.people.iter_mut().take(8).enumerate() {
            h.source_id = sids[i].to_string();
            h.email = Some(email(emails[i], false));
            if h.active.is_none() && i % 2 == 0 {
                h.active = Some(true);
            }
            if let Field::Value(m) = &mut h.manager {
                m.source_id = sids[(i + 1 + sids[i]) % 8].to_string();
            }
        }
        (d, s)
    })
}

/// Everyone linked to Personio, and the snapshot hands their addresses round: chains and swaps.
fn shuffled_emails() -> impl Strategy<Value = (Directory, Snapshot)> {
    let order = Just((0..8usize).collect::<Vec<_>>()).prop_shuffle();
    (2..8usize, order, prop::collection::vec(any::<bool>(), 8)).prop_map(|(n, to, upper)| {
        let d = dir((0..n)
            .map(|i| synced(i as i64 + 1, &i.to_string(), EMAILS[i]))
            .collect());
        let s = snap(
            (0..n)
                .map(|i| hris(&i.to_string(), &email(to[i], upper[i])))
                .collect(),
        );
        (d, s)
    })
}

/// Applies `plan` as the database would, one statement at a time, failing where a unique index
/// on lower(email) would.
fn apply_step_by_step(d: &Directory, plan: &Plan) -> Result<(), String> {
    let mut held: std::collections::HashMap<String, i64> = d
        .people
        .iter()
        .filter(|p| p.company_id == COMPANY)
        .map(|p| (p.email.to_lowercase(), p.id))
        .collect();
    let mut current: std::collections::HashMap<i64, String> = d
        .people
        .iter()
        .filter(|p| p.company_id == COMPANY)
        .map(|p| (p.id, p.email.to_lowercase()))
        .collect();
    for u in &plan.updates {
        for c in &u.changes {
            if let crate::sync::NewValue::Email(e) = &c.value {
                let key = e.to_lowercase();
                match held.get(&key) {
                    Some(&other) if other != u.person_id => {
                        return Err(format!("{} takes {e} from {other} too early", u.person_id));
                    }
                    _ => {}
                }
                held.remove(&current[&u.person_id]);
                held.insert(key.clone(), u.person_id);
                current.insert(u.person_id, key);
            }
        }
    }
    for c in &plan.creates {
        if held.insert(c.email.to_lowercase(), -1).is_some() {
            return Err(format!("new person takes {} still in use", c.email));
        }
    }
    Ok(())
}

fn ids_of(plan: &Plan) -> Vec<i64> {
    let existing = |r: &PersonRef| match r {
        PersonRef::Existing(id) => Some(*id),
        PersonRef::New(_) => None,
    };
    let mut ids: Vec<i64> = plan.updates.iter().map(|u| u.person_id).collect();
    ids.extend(plan.managers.iter().filter_map(|m| existing(&m.person)));
    ids.extend(
        plan.managers
            .iter()
            .filter_map(|m| m.manager.as_ref().and_then(existing)),
    );
    for m in plan.membership_adds.iter().chain(&plan.membership_removes) {
        ids.extend(existing(&m.person));
    }
    ids
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn applying_a_plan_then_reconciling_again_gives_an_empty_plan((d, s) in world()) {
        let first = run(&d, &s);
        let after = apply_in_memory(&d, &first);
        let second = run(&after, &s);
        prop_assert!(second.is_empty(), "first: {first:#?}\nsecond: {second:#?}");
    }

    #[test]
    fn with_a_tidy_snapshot_too_a_second_run_has_nothing_to_do((d, s) in tidy_world()) {
        let first = run(&d, &s);
        let second = run(&apply_in_memory(&d, &first), &s);
        prop_assert!(second.is_empty(), "first: {first:#?}\nsecond: {second:#?}");
    }

    #[test]
    fn handed_round_addresses_apply_in_order_and_settle((d, s) in shuffled_emails()) {
        let first = run(&d, &s);
        prop_assert_eq!(apply_step_by_step(&d, &first), Ok(()));
        let second = run(&apply_in_memory(&d, &first), &s);
        prop_assert!(second.is_empty(), "first: {first:#?}\nsecond: {second:#?}");
    }

    #[test]
    fn updates_in_plan_order_never_hold_one_email_twice((d, s) in tidy_world()) {
        prop_assert_eq!(apply_step_by_step(&d, &run(&d, &s)), Ok(()));
    }

    #[test]
    fn a_plan_never_deletes_anyone_nor_touches_another_company((d, s) in world()) {
        let plan = run(&d, &s);
        let after = apply_in_memory(&d, &plan);
        for p in &d.people {
            let q = after.people.iter().find(|q| q.id == p.id);
            prop_assert!(q.is_some(), "person {} was deleted", p.id);
            if p.company_id != COMPANY {
                prop_assert_eq!(q.unwrap(), p);
            }
        }
        prop_assert!(d.groups.iter().all(|g| after.groups.contains(g)), "a group changed");
        let company: HashSet<i64> =
            d.people.iter().filter(|p| p.company_id == COMPANY).map(|p| p.id).collect();
        for id in ids_of(&plan) {
            prop_assert!(company.contains(&id), "plan touches person {id} of another company");
        }
        let groups: HashSet<i64> =
            d.groups.iter().filter(|g| g.company_id == COMPANY).map(|g| g.id).collect();
        for m in plan.membership_adds.iter().chain(&plan.membership_removes) {
            if let GroupRef::Existing(g) = m.group {
                prop_assert!(groups.contains(&g), "plan touches group {g} of another company");
            }
        }
    }

    #[test]
    fn emails_stay_unique_per_company_after_a_plan((d, s) in world()) {
        let after = apply_in_memory(&d, &run(&d, &s));
        let mut seen = HashSet::new();
        for p in after.people.iter().filter(|p| p.company_id == COMPANY) {
            prop_assert!(seen.insert(p.email.to_lowercase()), "{} twice", p.email);
        }
    }

    #[test]
    fn reconcile_is_deterministic((d, s) in world()) {
        prop_assert_eq!(run(&d, &s), run(&d, &s));
    }

    #[test]
    fn every_hris_person_is_created_matched_or_skipped((d, s) in world()) {
        let plan = run(&d, &s);
        let c = plan.counts;
        let gone = d.people.iter().filter(|p| {
            p.company_id == COMPANY
                && p.active
                && p.source == s.provider.source()
                && p.source_id.as_ref().is_some_and(|id| s.people.iter().all(|h| &h.source_id != id))
        }).count();
        let kept_boss = plan.warnings.iter().any(|w| w.message.contains("last active company manager"));
        let total = c.created + c.updated + c.deactivated + c.reactivated + c.unchanged + c.skipped;
        let expected = s.people.len() + gone;
        prop_assert!(
            total == expected || (kept_boss && total + 1 == expected),
            "{c:?} vs {} people and {gone} gone", s.people.len()
        );
    }
}
