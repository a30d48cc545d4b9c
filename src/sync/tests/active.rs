//! Active or not: the HRIS status, a contract that ended strictly before today, people who leave
//! the snapshot and come back. Nobody is ever deleted.

use super::*;

fn inactive(mut p: Person) -> Person {
    p.active = false;
    p
}

#[test]
fn a_person_on_leave_stays_active() {
    // Personio `leave` arrives as active = true (personio.md §8).
    let d = dir(vec![synced(1, "7", "anna@x.io")]);
    let plan = run(&d, &snap(vec![hris("7", "anna@x.io")]));
    assert!(plan.is_empty());
}

#[test]
fn an_inactive_person_is_deactivated_not_deleted() {
    let d = dir(vec![synced(1, "7", "anna@x.io")]);
    let mut h = hris("7", "anna@x.io");
    h.active = Some(false);
    let plan = run(&d, &snap(vec![h]));
    assert_eq!(
        changes_of(&plan, 1),
        [("active", s("active"), s("inactive"))]
    );
    assert_eq!(plan.counts.deactivated, 1);
    assert_eq!(plan.deactivations(), [(1, "Anna Test".to_string())]);
}

#[test]
fn a_contract_that_ended_yesterday_deactivates_but_one_ending_today_does_not() {
    let d = dir(vec![
        synced(1, "1", "anna@x.io"),
        synced(2, "2", "ben@x.io"),
    ]);
    let mut yesterday = hris("1", "anna@x.io");
    yesterday.end_date = Some(date!(2026 - 11 - 21));
    let mut today = hris("2", "ben@x.io");
    today.end_date = Some(TODAY);
    let plan = run(&d, &snap(vec![yesterday, today]));
    assert_eq!(plan.deactivations(), [(1, "Anna Test".to_string())]);
}

#[test]
fn a_future_end_date_changes_nothing() {
    let d = dir(vec![synced(1, "7", "anna@x.io")]);
    let mut h = hris("7", "anna@x.io");
    h.end_date = Some(date!(2027 - 01 - 31));
    assert!(run(&d, &snap(vec![h])).is_empty());
}

#[test]
fn an_unknown_status_skips_the_person_and_never_deactivates() {
    let d = dir(vec![synced(1, "7", "anna@x.io")]);
    let mut h = hris("7", "anna@x.io");
    h.active = None;
    h.unknown_status = Some("sabbatical".into());
    let plan = run(&d, &snap(vec![h]));
    assert!(plan.is_empty());
    assert_eq!(
        errors(&plan),
        ["Anna Test: Personio status “sabbatical” is unknown, so the person was left as is."]
    );
}

#[test]
fn a_synced_person_missing_from_the_snapshot_is_deactivated() {
    let d = dir(vec![
        synced(1, "7", "anna@x.io"),
        synced(2, "8", "ben@x.io"),
    ]);
    let plan = run(&d, &snap(vec![hris("8", "ben@x.io")]));
    assert_eq!(
        changes_of(&plan, 1),
        [("active", s("active"), s("inactive"))]
    );
    assert_eq!(plan.counts.deactivated, 1);
    assert_eq!(plan.counts.unchanged, 1);
}

#[test]
fn a_person_of_the_other_provider_missing_from_the_snapshot_is_left_alone() {
    let mut k = synced(1, "k-1", "anna@x.io");
    k.source = Source::Kiwihr;
    let plan = run(&dir(vec![k]), &snap(vec![hris("8", "ben@x.io")]));
    assert!(plan.deactivations().is_empty());
    assert_eq!(plan.not_in_hris[0].source, Source::Kiwihr);
}

#[test]
fn someone_who_comes_back_is_reactivated_on_the_same_row() {
    let d = dir(vec![inactive(synced(1, "7", "anna@x.io"))]);
    let plan = run(&d, &snap(vec![hris("7", "anna@x.io")]));
    assert!(plan.creates.is_empty());
    assert_eq!(plan.reactivations(), [(1, "Anna Test".to_string())]);
    assert_eq!(plan.counts.reactivated, 1);
}

#[test]
fn the_last_active_company_manager_is_kept_active_and_the_run_says_so() {
    let d = dir(vec![
        company_manager(synced(1, "7", "boss@x.io")),
        synced(2, "8", "ben@x.io"),
    ]);
    let plan = run(&d, &snap(vec![hris("8", "ben@x.io")]));
    assert!(plan.deactivations().is_empty());
    assert_eq!(plan.warnings.len(), 1);
    assert!(
        plan.warnings[0]
            .message
            .starts_with("Boss Test is the company's last active company manager")
    );
}

#[test]
fn a_company_manager_may_be_deactivated_while_another_stays_active() {
    let d = dir(vec![
        company_manager(synced(1, "7", "boss@x.io")),
        company_manager(manual(2, "owner@x.io")),
    ]);
    let mut h = hris("7", "boss@x.io");
    h.active = Some(false);
    let plan = run(&d, &snap(vec![h]));
    assert_eq!(plan.deactivations(), [(1, "Boss Test".to_string())]);
    assert!(plan.warnings.is_empty());
}
