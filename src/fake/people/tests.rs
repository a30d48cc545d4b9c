//! The crowd: the same for the same seed, unique emails at the domain, one manager tree without
//! dangling ids, and every awkward case present.

use super::*;

#[test]
fn the_same_seed_gives_the_same_people() {
    assert_eq!(
        generate(50, 7, "example.org"),
        generate(50, 7, "example.org")
    );
    assert_ne!(
        generate(50, 7, "example.org"),
        generate(50, 8, "example.org")
    );
}

#[test]
fn emails_are_unique_and_at_the_domain() {
    let people = generate(300, 1, "example.org");
    let mut seen = std::collections::HashSet::new();
    for p in &people {
        let e = p.email.clone().unwrap();
        assert!(e.ends_with("@example.org"), "{e}");
        assert!(seen.insert(e));
    }
}

#[test]
fn the_manager_tree_has_one_root_and_no_dangling_ids() {
    let people = generate(200, 3, "example.org");
    let ids: std::collections::HashSet<u64> = people.iter().map(|p| p.id).collect();
    assert_eq!(
        people.iter().filter(|p| p.supervisor_id.is_none()).count(),
        1
    );
    for p in &people {
        if let Some(s) = p.supervisor_id {
            assert!(ids.contains(&s));
            assert_ne!(s, p.id);
        }
    }
}

#[test]
fn the_crowd_contains_the_awkward_cases() {
    let people = generate(200, 3, "example.org");
    for status in [
        FakeStatus::Active,
        FakeStatus::Onboarding,
        FakeStatus::Leave,
        FakeStatus::Inactive,
    ] {
        assert!(people.iter().any(|p| p.status == status), "{status:?}");
    }
    assert!(people.iter().any(|p| p.gender.is_empty()));
    assert!(people.iter().any(|p| p.department.is_none()));
    assert!(people.iter().any(|p| p.hire_date.is_none()));
    assert!(people.iter().any(|p| p.employment_type == "external"));
    assert!(people.iter().any(|p| p.employment_type == "internal"));
    assert!(people.iter().any(|p| p.office.is_none()));
    assert!(
        people
            .iter()
            .any(|p| p.hire_offset == "+02:00" && p.hire_date.is_some())
    );
    assert!(
        people
            .iter()
            .any(|p| p.hire_offset == "+01:00" && p.hire_date.is_some())
    );
    // Some supervisor sorts after a report of theirs, i.e. comes on a later page.
    let pos = |id: u64| people.iter().position(|p| p.id == id).unwrap();
    assert!(
        people
            .iter()
            .enumerate()
            .any(|(i, p)| p.supervisor_id.is_some_and(|s| pos(s) > i))
    );
}
