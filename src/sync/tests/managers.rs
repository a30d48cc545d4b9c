//! Managers are resolved once everyone is known; problems leave the link unset and warn.

use super::*;
use crate::sync::{ManagerChange, PersonRef};

fn links(plan: &Plan) -> Vec<(PersonRef, Option<PersonRef>)> {
    plan.managers
        .iter()
        .map(|m| (m.person, m.manager))
        .collect()
}

fn warned(plan: &Plan) -> Vec<String> {
    plan.warnings
        .iter()
        .map(|w| format!("{}: {}", w.name, w.message))
        .collect()
}

#[test]
fn a_manager_later_in_the_list_is_linked() {
    let d = dir(vec![
        synced(1, "1", "anna@x.io"),
        synced(2, "2", "boss@x.io"),
    ]);
    let s1 = snap(vec![
        managed_by(hris("1", "anna@x.io"), "2"),
        hris("2", "boss@x.io"),
    ]);
    let plan = run(&d, &s1);
    assert_eq!(
        plan.managers,
        [ManagerChange {
            person: PersonRef::Existing(1),
            name: "Anna Test".into(),
            manager: Some(PersonRef::Existing(2)),
            before: None,
            after: s("Boss Test"),
            reason: "supervisor changed in Personio".into(),
        }]
    );
    assert_eq!(plan.counts.updated, 1);
}

#[test]
fn a_manager_new_in_this_run_is_linked_by_key() {
    let s1 = snap(vec![
        managed_by(hris("1", "anna@x.io"), "2"),
        hris("2", "boss@x.io"),
    ]);
    let plan = run(&dir(vec![]), &s1);
    assert_eq!(links(&plan), [(PersonRef::New(0), Some(PersonRef::New(1)))]);
}

#[test]
fn a_manager_is_found_by_email_when_the_id_is_unknown() {
    let d = dir(vec![synced(1, "1", "anna@x.io"), manual(2, "boss@x.io")]);
    let mut h = hris("1", "anna@x.io");
    h.manager = Field::Value(ManagerRef {
        source_id: "99".into(),
        email: Some("BOSS@x.io".into()),
    });
    let plan = run(&d, &snap(vec![h]));
    assert_eq!(
        links(&plan),
        [(PersonRef::Existing(1), Some(PersonRef::Existing(2)))]
    );
}

#[test]
fn an_unknown_manager_leaves_the_link_unset_and_warns() {
    let mut p = synced(1, "1", "anna@x.io");
    p.manager_id = Some(2);
    let d = dir(vec![p, manual(2, "old@x.io")]);
    let plan = run(&d, &snap(vec![managed_by(hris("1", "anna@x.io"), "99")]));
    assert_eq!(links(&plan), [(PersonRef::Existing(1), None)]);
    assert_eq!(plan.managers[0].before, s("Old Test"));
    assert_eq!(
        warned(&plan),
        ["Anna Test: The manager (Personio id 99) is not known; the manager was left unset."]
    );
}

#[test]
fn a_self_manager_leaves_the_link_unset_and_warns() {
    let plan = run(
        &dir(vec![synced(1, "1", "anna@x.io")]),
        &snap(vec![managed_by(hris("1", "anna@x.io"), "1")]),
    );
    assert!(plan.managers.is_empty());
    assert_eq!(
        warned(&plan),
        ["Anna Test: Personio names this person as their own manager; the manager was left unset."]
    );
}

#[test]
fn a_manager_loop_leaves_links_unset_and_warns() {
    let d = dir(vec![
        synced(1, "1", "anna@x.io"),
        synced(2, "2", "ben@x.io"),
        synced(3, "3", "carl@x.io"),
        synced(4, "4", "dora@x.io"),
    ]);
    let s1 = snap(vec![
        managed_by(hris("1", "anna@x.io"), "2"),
        managed_by(hris("2", "ben@x.io"), "3"),
        managed_by(hris("3", "carl@x.io"), "1"),
        managed_by(hris("4", "dora@x.io"), "1"),
    ]);
    let plan = run(&d, &s1);
    assert_eq!(
        links(&plan),
        [(PersonRef::Existing(4), Some(PersonRef::Existing(1)))],
        "the rest goes on"
    );
    assert_eq!(plan.warnings.len(), 3);
    assert!(warned(&plan)[0].contains(
        "Managers in Personio form a loop (Anna Test → Ben Test → Carl Test → Anna Test)"
    ));
}

#[test]
fn a_manager_not_shared_is_left_alone() {
    let mut p = synced(1, "1", "anna@x.io");
    p.manager_id = Some(2);
    let d = dir(vec![p, manual(2, "boss@x.io")]);
    let mut h = hris("1", "anna@x.io");
    h.manager = Field::NotShared;
    let plan = run(&d, &snap(vec![h]));
    assert!(plan.is_empty());
    assert!(
        plan.run_warnings
            .contains(&"Personio does not share manager: left unchanged.".to_string())
    );
}

#[test]
fn no_manager_in_the_hris_clears_the_link() {
    let mut p = synced(1, "1", "anna@x.io");
    p.manager_id = Some(2);
    let d = dir(vec![p, manual(2, "boss@x.io")]);
    let plan = run(&d, &snap(vec![hris("1", "anna@x.io")]));
    assert_eq!(links(&plan), [(PersonRef::Existing(1), None)]);
    assert!(plan.warnings.is_empty());
}
