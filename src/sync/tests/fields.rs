//! Columns: not shared → left alone (said once per run); empty → cleared; a value → set. Emails
//! stay unique; genders map onto the company's choices.

use super::*;

fn with_position(mut p: Person) -> Person {
    p.position = Some("Engineer".into());
    p.department = Some("R&D".into());
    p
}

#[test]
fn a_field_not_shared_is_left_unchanged_and_named_once_per_run() {
    let d = dir(vec![
        with_position(synced(1, "7", "anna@x.io")),
        with_position(synced(2, "8", "ben@x.io")),
    ]);
    let plan = run(
        &d,
        &snap(vec![hris("7", "anna@x.io"), hris("8", "ben@x.io")]),
    );
    assert!(plan.is_empty());
    let about_position: Vec<_> = plan
        .run_warnings
        .iter()
        .filter(|w| w.contains("job"))
        .collect();
    assert_eq!(
        about_position,
        ["Personio does not share job: left unchanged."]
    );
}

#[test]
fn an_empty_field_clears_the_value() {
    let d = dir(vec![with_position(synced(1, "7", "anna@x.io"))]);
    let mut h = hris("7", "anna@x.io");
    h.position = Field::Empty;
    h.department = Field::Value("  ".into());
    let plan = run(&d, &snap(vec![h]));
    assert_eq!(
        changes_of(&plan, 1),
        [
            ("position", s("Engineer"), None),
            ("department", s("R&D"), None)
        ]
    );
}

#[test]
fn a_value_sets_the_field() {
    let d = dir(vec![synced(1, "7", "anna@x.io")]);
    let mut h = hris("7", "anna@x.io");
    h.first_name = Field::Value(" Annika ".into());
    h.birth_date = Field::Value(date!(1990 - 05 - 17));
    h.employee_number = Field::Value("E-1".into());
    let plan = run(&d, &snap(vec![h]));
    assert_eq!(
        changes_of(&plan, 1),
        [
            ("first_name", s("Anna"), s("Annika")),
            ("birth_date", None, s("1990-05-17")),
            ("employee_number", None, s("E-1")),
        ]
    );
    let u = &plan.updates[0];
    assert_eq!(u.name, "Anna Test", "history names the person as they were");
    assert_eq!(
        u.changes[1].value,
        crate::sync::NewValue::BirthDate(Some(date!(1990 - 05 - 17)))
    );
}

#[test]
fn an_email_change_that_collides_with_another_person_is_skipped() {
    let d = dir(vec![synced(1, "7", "anna@x.io"), manual(2, "boss@x.io")]);
    let mut h = hris("7", "BOSS@x.io");
    h.position = Field::Value("Boss".into());
    let plan = run(&d, &snap(vec![h]));
    assert!(plan.is_empty(), "the whole person is skipped");
    assert_eq!(
        errors(&plan),
        ["Anna Test: The email BOSS@x.io is already used by Boss Test in Roster."]
    );
}

#[test]
fn an_email_chain_is_ordered_so_each_address_is_free_before_it_is_taken() {
    // anna takes ben's address, ben takes carl's, carl takes a fresh one.
    let d = dir(vec![
        synced(1, "1", "anna@x.io"),
        synced(2, "2", "ben@x.io"),
        synced(3, "3", "carl@x.io"),
    ]);
    let plan = run(
        &d,
        &snap(vec![
            hris("1", "ben@x.io"),
            hris("2", "carl@x.io"),
            hris("3", "dora@x.io"),
        ]),
    );
    assert!(plan.errors.is_empty());
    let order: Vec<i64> = plan.updates.iter().map(|u| u.person_id).collect();
    assert_eq!(order, [3, 2, 1]);
}

#[test]
fn an_email_swap_skips_both_people() {
    let d = dir(vec![
        synced(1, "1", "anna@x.io"),
        synced(2, "2", "ben@x.io"),
    ]);
    let plan = run(
        &d,
        &snap(vec![hris("1", "ben@x.io"), hris("2", "anna@x.io")]),
    );
    assert!(plan.is_empty());
    assert_eq!(plan.errors.len(), 2);
    assert!(plan.errors[0].message.contains("would swap emails"));
}

#[test]
fn a_case_only_email_change_is_an_update_not_a_collision() {
    let d = dir(vec![synced(1, "1", "anna@x.io")]);
    let plan = run(&d, &snap(vec![hris("1", "Anna@x.io")]));
    assert_eq!(
        changes_of(&plan, 1),
        [("email", s("anna@x.io"), s("Anna@x.io"))]
    );
}

#[test]
fn gender_maps_onto_the_company_choices_case_insensitively() {
    let mut h = hris("7", "anna@x.io");
    h.gender = Field::Value("FEMALE".into());
    let r = Rules {
        gender_choices: vec!["Male".into(), "Female".into()],
        ..rules()
    };
    let plan = reconcile(&dir(vec![]), &snap(vec![h]), &r);
    assert_eq!(plan.creates[0].gender.as_deref(), Some("Female"));
}

#[test]
fn an_unknown_gender_leaves_the_field_empty_and_is_noted_once() {
    let mut p = synced(1, "7", "anna@x.io");
    p.gender = Some("male".into());
    let mut a = hris("7", "anna@x.io");
    a.gender = Field::Value("diverse".into());
    let mut b = hris("8", "ben@x.io");
    b.gender = Field::Value("diverse".into());
    let plan = run(&dir(vec![p]), &snap(vec![a, b]));
    assert_eq!(changes_of(&plan, 1), [("gender", s("male"), None)]);
    assert_eq!(plan.creates[0].gender, None);
    let notes: Vec<_> = plan
        .run_warnings
        .iter()
        .filter(|w| w.contains("gender"))
        .collect();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("“diverse” matches none of the company's gender choices"));
}

#[test]
fn diverse_is_kept_when_the_company_has_that_choice() {
    let mut h = hris("7", "anna@x.io");
    h.gender = Field::Value("diverse".into());
    let r = Rules {
        gender_choices: vec!["male".into(), "female".into(), "diverse".into()],
        ..rules()
    };
    let plan = reconcile(&dir(vec![]), &snap(vec![h]), &r);
    assert_eq!(plan.creates[0].gender.as_deref(), Some("diverse"));
    assert!(plan.run_warnings.iter().all(|w| !w.contains("gender “")));
}

#[test]
fn a_problem_the_client_worked_around_is_a_warning_on_that_person() {
    let mut p = hris("7", "anna@x.io");
    p.problems = vec!["birth date \"31/12/1990\" is not a date: left unchanged".into()];
    let plan = run(&dir(vec![]), &snap(vec![p]));
    assert_eq!(plan.creates.len(), 1, "the person is still synced");
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.message.contains("not a date")
                && w.person == Some(crate::sync::PersonRef::New(0))),
        "{:?}",
        plan.warnings
    );
}
