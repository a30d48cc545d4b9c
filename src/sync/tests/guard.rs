//! The guard: an empty snapshot is refused; mass deactivation pauses until approved.

use super::*;
use crate::sync::{Approval, GuardSettings, Refusal, guard};

fn many(n: i64) -> Directory {
    dir((1..=n)
        .map(|i| synced(i, &i.to_string(), &format!("p{i}@x.io")))
        .collect())
}

/// A snapshot of people `1..=keep` of [`many`].
fn keeping(keep: i64) -> Snapshot {
    snap(
        (1..=keep)
            .map(|i| hris(&i.to_string(), &format!("p{i}@x.io")))
            .collect(),
    )
}

#[test]
fn an_empty_snapshot_is_refused_when_people_are_synced() {
    let d = many(3);
    let plan = run(&d, &snap(vec![]));
    let refusal = guard(&plan, &d, &GuardSettings::default(), None).unwrap_err();
    assert_eq!(
        refusal,
        Refusal::EmptySnapshot {
            provider: Provider::Personio,
            synced: 3
        }
    );
    assert!(
        refusal
            .to_string()
            .starts_with("Refused: Personio returned nobody, but 3 people")
    );
    assert_eq!(
        Approval::of(&refusal, &plan),
        None,
        "no approval overrides it"
    );
}

#[test]
fn an_empty_snapshot_is_fine_for_a_company_with_nobody_synced() {
    let d = dir(vec![manual(1, "anna@x.io")]);
    let plan = run(&d, &snap(vec![]));
    assert_eq!(guard(&plan, &d, &GuardSettings::default(), None), Ok(()));
}

#[test]
fn deactivating_more_than_the_threshold_pauses_the_run_in_plain_words() {
    let d = many(10);
    let plan = run(&d, &keeping(7));
    let refusal = guard(&plan, &d, &GuardSettings::default(), None).unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "Paused: this sync would deactivate 3 of 10 people; a sync pauses when it would \
         deactivate more than 20 % and more than 2 people. Review the changes, then choose \
         “Apply anyway” if they are right."
    );
    let Refusal::Paused {
        would_deactivate,
        active_synced,
        beyond: 0,
        ..
    } = refusal
    else {
        panic!("paused")
    };
    assert_eq!(active_synced, 10);
    let ids: Vec<i64> = would_deactivate.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, [8, 9, 10]);
    assert_eq!(would_deactivate[0].1, "P8 Test");
}

#[test]
fn exactly_the_threshold_passes() {
    let d = many(15);
    let plan = run(&d, &keeping(12));
    assert_eq!(guard(&plan, &d, &GuardSettings::default(), None), Ok(()));
}

#[test]
fn a_few_deactivations_pass_however_small_the_company() {
    let d = many(3);
    let plan = run(&d, &keeping(1));
    assert_eq!(plan.deactivations().len(), 2);
    assert_eq!(guard(&plan, &d, &GuardSettings::default(), None), Ok(()));
}

#[test]
fn an_approval_of_the_paused_set_lets_the_rerun_through() {
    let d = many(10);
    let plan = run(&d, &keeping(7));
    let settings = GuardSettings::default();
    let approval = Approval::of(&guard(&plan, &d, &settings, None).unwrap_err(), &plan).unwrap();
    assert_eq!(guard(&plan, &d, &settings, Some(&approval)), Ok(()));
    let fewer = run(&d, &keeping(8));
    assert_eq!(guard(&fewer, &d, &settings, Some(&approval)), Ok(()));
}

#[test]
fn a_rerun_deactivating_more_than_approved_pauses_again() {
    let d = many(10);
    let settings = GuardSettings::default();
    let first = run(&d, &keeping(7));
    let approval = Approval::of(&guard(&first, &d, &settings, None).unwrap_err(), &first).unwrap();
    let more = run(&d, &keeping(6));
    assert!(matches!(
        guard(&more, &d, &settings, Some(&approval)),
        Err(Refusal::Paused { .. })
    ));
}

#[test]
fn the_company_threshold_decides_when_a_run_pauses() {
    let d = many(10);
    let plan = run(&d, &keeping(7));
    let lenient = GuardSettings {
        max_percent: 50,
        min_people: 2,
    };
    assert_eq!(guard(&plan, &d, &lenient, None), Ok(()));
    let strict = GuardSettings {
        max_percent: 5,
        min_people: 0,
    };
    let one_leaves = run(&d, &keeping(9));
    let refusal = guard(&one_leaves, &d, &strict, None).unwrap_err();
    assert!(
        refusal
            .to_string()
            .contains("more than 5 % and more than 0 people"),
        "{refusal}"
    );
}

#[test]
fn an_approved_rerun_with_changes_the_review_did_not_show_pauses_again() {
    let d = many(10);
    let settings = GuardSettings::default();
    let first = run(&d, &keeping(7));
    let approval = Approval::of(&guard(&first, &d, &settings, None).unwrap_err(), &first).unwrap();
    // Same people leave, but someone's e-mail changed in the HRIS meanwhile.
    let mut people: Vec<_> = (1..=7)
        .map(|i| hris(&i.to_string(), &format!("p{i}@x.io")))
        .collect();
    people[0] = hris("1", "renamed@x.io");
    let moved = run(&d, &snap(people));
    let Err(Refusal::Paused { beyond, .. }) = guard(&moved, &d, &settings, Some(&approval)) else {
        panic!("paused again")
    };
    assert_eq!(beyond, 2, "e-mail and first name: {:?}", moved.history());
    // An approval stored before plans were kept shows nothing: its re-run pauses again.
    let old = Approval {
        deactivate: approval.deactivate.clone(),
        shown: Default::default(),
    };
    assert!(guard(&first, &d, &settings, Some(&old)).is_err());
}
