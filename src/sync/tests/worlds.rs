//! Random directories and snapshots for the property tests, drawn from tiny pools of emails,
//! ids and team names so that collisions, duplicates, loops and adoptions happen often.

use std::collections::HashSet;

use proptest::prelude::*;

use super::*;

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
pub(super) fn tidy_world() -> impl Strategy<Value = (Directory, Snapshot)> {
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
pub(super) fn shuffled_emails() -> impl Strategy<Value = (Directory, Snapshot)> {
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
