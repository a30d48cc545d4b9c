//! The fake's data: the shared deterministic crowd ([`crate::fake::people`]) rendered as kiwiHR
//! users and teams, with kiwihr.md §10's awkward cases placed on fixed positions (in id order) so
//! tests can name them.

use time::Date;
use time::macros::date;

use super::schema::{KiwiRef, KiwiTeam, KiwiUser, ManagerLink};
use crate::fake::people::{FakeCustom, generate};

const TEAM_NAMES: &[&str] = &[
    "Design",
    "Engineering",
    "Sales",
    "Berlin Office",
    "Support",
    "Finance",
    "Marketing",
    "People",
    "Data",
    "Legal",
    "Mobile",
    "Platform",
];

/// Ids of the users carrying each awkward case. A case is `None` when the crowd is too small
/// (12 people, the default, hold all of them) or there are too few teams.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fixtures {
    /// `isActive: false`, no end date.
    pub deactivated: Option<u64>,
    /// `employmentEndDate` 2024-06-30, still `isActive: true`.
    pub ended_but_active: Option<u64>,
    /// `employmentEndDate` 2099-12-31.
    pub future_end: Option<u64>,
    /// `team: null, teams: []`.
    pub no_team: Option<u64>,
    /// In two teams with different names.
    pub two_teams: Option<u64>,
    /// Managed by the user with the highest id, who comes on the last page.
    pub manager_on_later_page: Option<u64>,
    /// Managed by an id no user has ([`Fixtures::MISSING_MANAGER`]).
    pub manager_missing: Option<u64>,
    /// Email with upper-case letters (`Mia.Schulz@Example.com`).
    pub mixed_case_email: Option<u64>,
    /// In the team whose name repeats another team's name.
    pub duplicate_team_name: Option<u64>,
}

impl Fixtures {
    /// The manager id that points at nobody.
    pub const MISSING_MANAGER: u64 = 999_999_999;
}

/// A plain active user with no team, manager, position or dates.
pub fn new_user(id: u64, first: &str, last: &str, email: Option<&str>) -> KiwiUser {
    KiwiUser {
        id,
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        email: email.map(str::to_owned),
        birth_date: None,
        employee_number: None,
        position: None,
        location: None,
        employment_start_date: None,
        employment_end_date: None,
        is_active: true,
        gender: None,
        manager: None,
        team_ids: Vec::new(),
    }
}

fn employee_number(custom: &[FakeCustom]) -> Option<String> {
    custom
        .iter()
        .find(|c| c.label == "Employee ID")
        .and_then(|c| c.value.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Stable team index for a generated team name.
fn team_index(name: &str, k: usize) -> usize {
    name.bytes().map(usize::from).sum::<usize>() % k.max(1)
}

pub fn build(n: usize, seed: u64, k: usize) -> (Vec<KiwiUser>, Vec<KiwiTeam>, Fixtures) {
    let mut teams: Vec<KiwiTeam> = (0..k)
        .map(|i| KiwiTeam {
            id: 701 + i as u64,
            name: TEAM_NAMES
                .get(i)
                .map_or_else(|| format!("Team {}", i + 1), |s| (*s).to_owned()),
        })
        .collect();
    let mut positions: Vec<String> = Vec::new();
    let mut users: Vec<KiwiUser> = generate(n, seed, "example.com")
        .into_iter()
        .map(|p| {
            let position = (!p.position.is_empty()).then(|| {
                let i = positions
                    .iter()
                    .position(|x| *x == p.position)
                    .unwrap_or_else(|| {
                        positions.push(p.position.clone());
                        positions.len() - 1
                    });
                KiwiRef {
                    id: 301 + i as u64,
                    name: p.position.clone(),
                }
            });
            let mut team_ids: Vec<u64> = Vec::new();
            if k > 0 {
                for t in &p.teams {
                    let id = teams[team_index(t, k)].id;
                    if !team_ids.contains(&id) {
                        team_ids.push(id);
                    }
                }
            }
            KiwiUser {
                id: p.id,
                employee_number: employee_number(&p.custom),
                first_name: p.first_name,
                last_name: p.last_name,
                email: p.email,
                birth_date: p.birth_date,
                position,
                location: p.office.map(|o| KiwiRef {
                    id: o.id,
                    name: o.name,
                }),
                employment_start_date: p.hire_date,
                employment_end_date: p.termination_date,
                is_active: p.status.is_employed(),
                gender: (!p.gender.is_empty()).then(|| p.gender.to_uppercase()),
                manager: p.supervisor_id.map(|id| ManagerLink { id, email: None }),
                team_ids,
            }
        })
        .collect();
    users.sort_by_key(|u| u.id);

    let mut fx = Fixtures::default();
    let mut at =
        |i: usize, slot: &mut Option<u64>, change: &mut dyn FnMut(&mut [KiwiUser], usize)| {
            if i < users.len() {
                change(&mut users, i);
                *slot = Some(users[i].id);
            }
        };
    let past: Date = date!(2024 - 06 - 30);
    let future: Date = date!(2099 - 12 - 31);
    at(1, &mut fx.deactivated, &mut |u, i| {
        u[i].is_active = false;
        u[i].employment_end_date = None;
    });
    at(2, &mut fx.ended_but_active, &mut |u, i| {
        u[i].is_active = true;
        u[i].employment_end_date = Some(past);
    });
    at(3, &mut fx.future_end, &mut |u, i| {
        u[i].is_active = true;
        u[i].employment_end_date = Some(future);
    });
    at(4, &mut fx.no_team, &mut |u, i| u[i].team_ids.clear());
    if k >= 2 {
        let (a, b) = (teams[0].id, teams[1].id);
        at(5, &mut fx.two_teams, &mut |u, i| u[i].team_ids = vec![a, b]);
    }
    if n > 7 {
        at(6, &mut fx.manager_on_later_page, &mut |u, i| {
            // The last user becomes a root, so pointing at them can never close a loop.
            let last = u.len() - 1;
            u[last].manager = None;
            u[i].manager = Some(ManagerLink {
                id: u[last].id,
                email: None,
            });
        });
    }
    at(7, &mut fx.manager_missing, &mut |u, i| {
        u[i].manager = Some(ManagerLink {
            id: Fixtures::MISSING_MANAGER,
            email: Some("former.manager@example.com".into()),
        });
    });
    at(8, &mut fx.mixed_case_email, &mut |u, i| {
        let title = |s: &str| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        };
        u[i].email = Some(format!(
            "{}.{}@Example.com",
            title(&u[i].first_name.to_lowercase()),
            title(&u[i].last_name.to_lowercase())
        ))
        .filter(|e| e.is_ascii());
        if u[i].email.is_none() {
            u[i].email = Some(format!("Person.{}@Example.com", u[i].id));
        }
    });
    if k >= 1 {
        let dup = KiwiTeam {
            id: 701 + k as u64,
            name: teams[0].name.clone(),
        };
        let dup_id = dup.id;
        teams.push(dup);
        at(9, &mut fx.duplicate_team_name, &mut |u, i| {
            u[i].team_ids = vec![dup_id]
        });
    }
    (users, teams, fx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_crowd_holds_every_fixture_and_no_manager_loop() {
        let (users, teams, fx) = build(12, 1, 4);
        for (name, id) in [
            ("deactivated", fx.deactivated),
            ("ended_but_active", fx.ended_but_active),
            ("future_end", fx.future_end),
            ("no_team", fx.no_team),
            ("two_teams", fx.two_teams),
            ("manager_on_later_page", fx.manager_on_later_page),
            ("manager_missing", fx.manager_missing),
            ("mixed_case_email", fx.mixed_case_email),
            ("duplicate_team_name", fx.duplicate_team_name),
        ] {
            assert!(id.is_some(), "{name}");
        }
        assert_eq!(teams.len(), 5);
        assert_eq!(teams[0].name, teams[4].name);
        let ids: Vec<u64> = users.iter().map(|u| u.id).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids ascend");
        for u in &users {
            let mut seen = vec![u.id];
            let mut cur = u.manager.as_ref().map(|m| m.id);
            while let Some(m) = cur {
                assert!(!seen.contains(&m), "loop through {m}");
                seen.push(m);
                cur = users
                    .iter()
                    .find(|x| x.id == m)
                    .and_then(|x| x.manager.as_ref().map(|l| l.id));
            }
        }
    }

    #[test]
    fn small_crowds_and_zero_teams_do_not_panic() {
        for n in 0..12 {
            for k in 0..3 {
                let (users, _, _) = build(n, 5, k);
                assert_eq!(users.len(), n);
            }
        }
    }
}
