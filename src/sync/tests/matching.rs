//! Matching: by source id once linked, else by email (case-insensitive); never a duplicate.

use super::*;
use crate::sync::{NewValue, PersonRef};

#[test]
fn a_linked_person_is_matched_by_source_id_even_after_an_email_change() {
    let d = dir(vec![synced(1, "7", "anna@x.io")]);
    let plan = run(&d, &snap(vec![hris("7", "anna.b@x.io")]));
    assert!(plan.creates.is_empty());
    assert_eq!(
        changes_of(&plan, 1),
        [("email", s("anna@x.io"), s("anna.b@x.io"))]
    );
    assert_eq!(plan.counts.updated, 1);
}

#[test]
fn a_manual_person_is_adopted_by_email_case_insensitively() {
    let d = dir(vec![manual(1, "anna@x.io")]);
    let plan = run(&d, &snap(vec![hris("7", "Anna@X.io")]));
    assert!(plan.creates.is_empty(), "no duplicate");
    assert_eq!(
        changes_of(&plan, 1),
        [
            ("source", s("Roster"), s("Personio 7")),
            ("email", s("anna@x.io"), s("Anna@X.io")),
        ]
    );
    assert_eq!(plan.links(), [(1, "Anna Test".to_string())]);
    assert!(plan.not_in_hris.is_empty());
    let link = &plan.updates[0].changes[0].value;
    assert_eq!(
        *link,
        NewValue::Link {
            source: Source::Personio,
            source_id: "7".into()
        }
    );
}

#[test]
fn a_person_linked_to_the_other_provider_is_adopted_by_email() {
    let mut p = manual(1, "anna@x.io");
    p.source = Source::Kiwihr;
    p.source_id = Some("k-1".into());
    let plan = run(&dir(vec![p]), &snap(vec![hris("7", "anna@x.io")]));
    assert!(plan.creates.is_empty());
    assert_eq!(
        changes_of(&plan, 1),
        [("source", s("kiwiHR k-1"), s("Personio 7"))]
    );
}

#[test]
fn a_person_linked_to_another_id_of_the_same_provider_is_not_taken_over() {
    // Personio id 3 left; a new record 9 has the same email: 3 is deactivated and keeps the
    // address, so 9 cannot be created yet and is reported.
    let d = dir(vec![
        synced(1, "3", "anna@x.io"),
        synced(2, "4", "ben@x.io"),
    ]);
    let plan = run(
        &d,
        &snap(vec![hris("9", "anna@x.io"), hris("4", "ben@x.io")]),
    );
    assert!(plan.creates.is_empty());
    assert_eq!(
        changes_of(&plan, 1),
        [("active", s("active"), s("inactive"))]
    );
    assert_eq!(
        errors(&plan),
        ["Anna Test <anna@x.io>: The email anna@x.io is already used by Anna Test in Roster."]
    );
}

#[test]
fn a_new_record_may_take_the_address_a_linked_person_gives_up_in_the_same_run() {
    let d = dir(vec![synced(1, "3", "anna@x.io")]);
    let plan = run(
        &d,
        &snap(vec![hris("9", "anna@x.io"), hris("3", "anna.old@x.io")]),
    );
    assert_eq!(plan.creates.len(), 1);
    assert_eq!(
        changes_of(&plan, 1),
        [("email", s("anna@x.io"), s("anna.old@x.io"))]
    );
    assert!(plan.errors.is_empty());
}

#[test]
fn manual_people_not_in_the_hris_stay_as_they_are_and_are_listed() {
    let d = dir(vec![manual(1, "anna@x.io"), synced(2, "4", "ben@x.io")]);
    let plan = run(&d, &snap(vec![hris("4", "ben@x.io")]));
    assert!(plan.is_empty());
    assert_eq!(plan.not_in_hris.len(), 1);
    assert_eq!(plan.not_in_hris[0].person_id, 1);
    assert_eq!(plan.not_in_hris[0].source, Source::Manual);
}

#[test]
fn an_unknown_person_is_created_with_every_field() {
    let mut h = hris("7", "new@x.io");
    h.position = Field::Value("Engineer".into());
    h.department = Field::Value("R&D".into());
    h.gender = Field::Value("female".into());
    h.birth_date = Field::Value(date!(1990 - 01 - 02));
    h.employee_number = Field::Value("E-7".into());
    h.first_hired_on = Field::Value(date!(2020 - 03 - 01));
    let plan = run(&dir(vec![]), &snap(vec![h]));
    assert_eq!(plan.counts.created, 1);
    let p = &plan.creates[0];
    assert_eq!(
        (p.key, p.source, p.source_id.as_str(), p.email.as_str()),
        (0, Source::Personio, "7", "new@x.io")
    );
    assert_eq!(
        (p.first_name.as_str(), p.last_name.as_str()),
        ("New", "Test")
    );
    assert_eq!(p.position.as_deref(), Some("Engineer"));
    assert_eq!(p.department.as_deref(), Some("R&D"));
    assert_eq!(p.gender.as_deref(), Some("female"));
    assert_eq!(p.birth_date, Some(date!(1990 - 01 - 02)));
    assert_eq!(p.employee_number.as_deref(), Some("E-7"));
    assert_eq!(p.first_hired_on, Some(date!(2020 - 03 - 01)));
    assert!(p.active);
}

#[test]
fn another_companys_people_are_never_matched_or_touched() {
    let mut other = synced(50, "7", "anna@x.io");
    other.company_id = 2;
    let mut other_manual = manual(51, "ben@x.io");
    other_manual.company_id = 2;
    let d = dir(vec![other, other_manual]);
    let plan = run(
        &d,
        &snap(vec![hris("7", "anna@x.io"), hris("8", "ben@x.io")]),
    );
    assert_eq!(plan.creates.len(), 2);
    assert!(plan.updates.is_empty());
    assert!(plan.not_in_hris.is_empty());
}

#[test]
fn a_synced_and_unchanged_directory_gives_an_empty_plan() {
    let d = dir(vec![
        synced(1, "7", "anna@x.io"),
        synced(2, "8", "ben@x.io"),
    ]);
    let plan = run(
        &d,
        &snap(vec![hris("7", "anna@x.io"), hris("8", "ben@x.io")]),
    );
    assert!(plan.is_empty());
    assert_eq!(plan.counts.unchanged, 2);
    assert_eq!(plan.warnings, []);
    let _ = PersonRef::Existing(1);
}
