//! Bad records skip the people concerned, with an error each; everyone else is synced.

use super::*;

#[test]
fn a_person_without_email_is_skipped_and_the_rest_synced() {
    let mut no_email = hris("7", "x@x.io");
    no_email.email = None;
    let plan = run(&dir(vec![]), &snap(vec![no_email, hris("8", "ben@x.io")]));
    assert_eq!(plan.creates.len(), 1);
    assert_eq!(plan.creates[0].email, "ben@x.io");
    assert_eq!(
        errors(&plan),
        ["X Test: Personio has no email for this person."]
    );
    assert_eq!(plan.counts.skipped, 1);
}

#[test]
fn an_invalid_email_is_skipped() {
    let plan = run(&dir(vec![]), &snap(vec![hris("7", "anna@x")]));
    assert!(plan.creates.is_empty());
    assert_eq!(plan.errors.len(), 1);
    assert!(
        plan.errors[0]
            .message
            .contains("is not a valid email address")
    );
    assert_eq!(plan.errors[0].source_id.as_deref(), Some("7"));
}

#[test]
fn two_hris_people_with_one_email_are_both_skipped() {
    let d = dir(vec![synced(1, "7", "anna@x.io")]);
    let s1 = snap(vec![
        hris("7", "anna@x.io"),
        hris("8", "ANNA@x.io"),
        hris("9", "carl@x.io"),
    ]);
    let plan = run(&d, &s1);
    assert_eq!(plan.errors.len(), 2);
    assert!(
        plan.errors[0]
            .message
            .contains("2 people in Personio have the email")
    );
    assert_eq!(plan.creates.len(), 1, "carl is still created");
    assert!(plan.deactivations().is_empty(), "anna's row is left alone");
}

#[test]
fn duplicate_source_ids_are_skipped_and_their_row_is_not_deactivated() {
    let d = dir(vec![synced(1, "7", "anna@x.io")]);
    let plan = run(
        &d,
        &snap(vec![hris("7", "anna@x.io"), hris("7", "other@x.io")]),
    );
    assert_eq!(plan.errors.len(), 2);
    assert!(plan.errors[0].message.contains("2 people with the id 7"));
    assert!(plan.is_empty());
}

#[test]
fn an_empty_first_name_skips_the_person() {
    let d = dir(vec![synced(1, "7", "anna@x.io")]);
    let mut h = hris("7", "anna@x.io");
    h.first_name = Field::Empty;
    h.position = Field::Value("Boss".into());
    let plan = run(&d, &snap(vec![h]));
    assert!(plan.is_empty(), "not even the position changes");
    assert_eq!(
        plan.errors[0].message,
        "The first name is empty in Personio."
    );
    assert_eq!(
        plan.errors[0].person,
        Some(crate::sync::PersonRef::Existing(1))
    );
}

#[test]
fn a_new_person_whose_name_is_not_shared_is_skipped() {
    let mut h = hris("7", "anna@x.io");
    h.last_name = Field::NotShared;
    let plan = run(&dir(vec![]), &snap(vec![h]));
    assert!(plan.creates.is_empty());
    assert!(plan.errors[0].message.contains("does not share names"));
}
