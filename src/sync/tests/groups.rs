//! kiwiHR teams → groups: created by name, never deleted; memberships follow kiwiHR; a name two
//! local groups share is left alone and reported.

use super::*;
use crate::sync::{GroupRef, PersonRef, apply_in_memory};

fn in_teams(mut p: HrisPerson, teams: &[&str]) -> HrisPerson {
    p.groups = Field::Value(teams.iter().map(|t| t.to_string()).collect());
    p
}

fn kiwi_person(id: i64, sid: &str, email: &str, groups: &[i64]) -> Person {
    let mut p = synced(id, sid, email);
    p.source = Source::Kiwihr;
    p.group_ids = groups.to_vec();
    p
}

fn adds(plan: &Plan) -> Vec<(PersonRef, GroupRef)> {
    plan.membership_adds
        .iter()
        .map(|m| (m.person, m.group))
        .collect()
}

fn removes(plan: &Plan) -> Vec<(PersonRef, GroupRef)> {
    plan.membership_removes
        .iter()
        .map(|m| (m.person, m.group))
        .collect()
}

#[test]
fn teams_become_groups_created_once_by_name() {
    let s1 = kiwi(vec![
        in_teams(hris("1", "anna@x.io"), &["Sales", "Ops"]),
        in_teams(hris("2", "ben@x.io"), &["sales"]),
    ]);
    let plan = run(&dir(vec![]), &s1);
    let names: Vec<&str> = plan
        .groups_to_create
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(names, ["Sales", "Ops"]);
    assert_eq!(
        adds(&plan),
        [
            (PersonRef::New(0), GroupRef::New(0)),
            (PersonRef::New(0), GroupRef::New(1)),
            (PersonRef::New(1), GroupRef::New(0)),
        ]
    );
}

#[test]
fn a_team_matches_a_local_group_whatever_the_case() {
    let mut d = dir(vec![kiwi_person(1, "1", "anna@x.io", &[])]);
    d.groups = vec![group(10, "Sales")];
    let plan = run(
        &d,
        &kiwi(vec![in_teams(hris("1", "anna@x.io"), &["SALES"])]),
    );
    assert!(plan.groups_to_create.is_empty());
    assert_eq!(
        adds(&plan),
        [(PersonRef::Existing(1), GroupRef::Existing(10))]
    );
}

#[test]
fn a_synced_person_leaves_groups_kiwihr_does_not_give_them() {
    let mut d = dir(vec![kiwi_person(1, "1", "anna@x.io", &[10, 11])]);
    d.groups = vec![group(10, "Sales"), group(11, "Book club")];
    let plan = run(
        &d,
        &kiwi(vec![in_teams(hris("1", "anna@x.io"), &["Sales"])]),
    );
    assert_eq!(
        removes(&plan),
        [(PersonRef::Existing(1), GroupRef::Existing(11))]
    );
    assert!(adds(&plan).is_empty());
    let after = apply_in_memory(&d, &plan);
    assert_eq!(after.groups, d.groups, "groups are never deleted");
}

#[test]
fn no_teams_removes_every_membership() {
    let mut d = dir(vec![kiwi_person(1, "1", "anna@x.io", &[10])]);
    d.groups = vec![group(10, "Sales")];
    let mut h = hris("1", "anna@x.io");
    h.groups = Field::Empty;
    let plan = run(&d, &kiwi(vec![h]));
    assert_eq!(
        removes(&plan),
        [(PersonRef::Existing(1), GroupRef::Existing(10))]
    );
}

#[test]
fn two_local_groups_with_one_name_are_left_alone_and_reported() {
    let mut d = dir(vec![
        kiwi_person(1, "1", "anna@x.io", &[10]),
        kiwi_person(2, "2", "ben@x.io", &[]),
    ]);
    d.groups = vec![group(10, "Sales"), group(11, "sales"), group(12, "Ops")];
    let s1 = kiwi(vec![
        in_teams(hris("1", "anna@x.io"), &["Ops"]),
        in_teams(hris("2", "ben@x.io"), &["Sales", "Ops"]),
    ]);
    let plan = run(&d, &s1);
    assert!(plan.groups_to_create.is_empty());
    assert!(
        removes(&plan).is_empty(),
        "anna stays in one of the two Sales"
    );
    assert_eq!(
        adds(&plan),
        [
            (PersonRef::Existing(1), GroupRef::Existing(12)),
            (PersonRef::Existing(2), GroupRef::Existing(12)),
        ]
    );
    let named: Vec<_> = plan
        .run_warnings
        .iter()
        .filter(|w| w.contains("named"))
        .collect();
    assert_eq!(
        named,
        [
            "2 groups are named “Sales” (#10, #11): kiwiHR memberships of that team were left alone. \
          Rename all but one of them."
        ]
    );
}

#[test]
fn personio_leaves_groups_alone() {
    let mut d = dir(vec![synced(1, "1", "anna@x.io")]);
    d.people[0].group_ids = vec![10];
    d.groups = vec![group(10, "Sales")];
    let plan = run(&d, &snap(vec![hris("1", "anna@x.io")]));
    assert!(plan.is_empty());
    assert!(plan.run_warnings.iter().all(|w| !w.contains("groups")));
}
