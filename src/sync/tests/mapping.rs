//! The attribute mapping inside reconcile: mapped custom field values planned from the snapshot's
//! attributes, choices matched (or added), not-shared attributes left alone with a warning, and
//! the default (empty) mapping planning exactly what reconcile planned before mappings.

use std::sync::Arc;

use super::*;
use crate::directory::{CustomField, FieldKind, FieldValue};
use crate::hris::{AttributeInfo, HrisAttribute};
use crate::sync::PersonRef;
use crate::sync::history::HistoryField;
use crate::sync::mapping::{MappedField, Mapping};

const OFFICE: i64 = 7;

fn with(mut p: HrisPerson, key: &str, value: &str) -> HrisPerson {
    p.attributes.push(HrisAttribute {
        info: Arc::new(AttributeInfo {
            key: key.into(),
            label: "Office".into(),
            kind: "list".into(),
        }),
        value: value.into(),
    });
    p
}

fn office(kind: FieldKind) -> CustomField {
    CustomField {
        id: OFFICE,
        label: "Office".into(),
        kind,
        choices: vec!["Berlin".into(), "Paris".into(), "São Paulo".into()],
    }
}

fn mapped(kind: FieldKind, add_choices: bool) -> Rules {
    Rules {
        mapping: Mapping {
            fields: vec![MappedField {
                key: "dynamic_1".into(),
                label: "Office".into(),
                field_id: OFFICE,
                add_choices,
            }],
            builtins: Vec::new(),
        },
        fields: vec![office(kind)],
        ..rules()
    }
}

/// The run's warnings about the mapped field (the fixtures' people share few built-in fields).
fn office_warnings(plan: &Plan) -> Vec<&str> {
    plan.run_warnings
        .iter()
        .filter(|w| w.contains("Office"))
        .map(String::as_str)
        .collect()
}

fn values(plan: &Plan) -> Vec<(PersonRef, Option<FieldValue>)> {
    plan.field_values
        .iter()
        .map(|f| (f.person, f.value.clone()))
        .collect()
}

#[test]
fn a_mapped_choice_arrives_for_existing_and_new_people_with_history() {
    let d = dir(vec![synced(1, "1", "anna@x.io")]);
    let sn = snap(vec![
        with(hris("1", "anna@x.io"), "dynamic_1", " berlin "),
        with(hris("2", "ben@x.io"), "dynamic_1", "Paris"),
        with(hris("3", "carl@x.io"), "dynamic_1", "SÃO PAULO"),
    ]);
    let plan = reconcile(&d, &sn, &mapped(FieldKind::Choice, false));
    assert_eq!(
        values(&plan),
        [
            (
                PersonRef::Existing(1),
                Some(FieldValue::Choice("Berlin".into()))
            ),
            (PersonRef::New(0), Some(FieldValue::Choice("Paris".into()))),
            (
                PersonRef::New(1),
                Some(FieldValue::Choice("São Paulo".into()))
            ),
        ]
    );
    assert_eq!((plan.counts.updated, plan.counts.created), (1, 2));
    let rows = plan.history();
    let row = rows
        .iter()
        .find(|r| r.field == HistoryField::Custom("Office".into()))
        .expect("a history row for the existing person");
    assert_eq!(
        (row.before.as_deref(), row.after.as_deref()),
        (None, Some("Berlin"))
    );
    assert!(office_warnings(&plan).is_empty(), "{:?}", plan.run_warnings);
    let created = rows
        .iter()
        .find(|r| r.field == HistoryField::Created)
        .unwrap();
    assert!(
        created
            .after
            .as_deref()
            .unwrap()
            .contains("\"field:Office\":\"Paris\"")
    );
}

#[test]
fn a_value_already_stored_plans_nothing_and_an_empty_one_clears() {
    let mut d = dir(vec![
        synced(1, "1", "anna@x.io"),
        synced(2, "2", "ben@x.io"),
    ]);
    for id in [1, 2] {
        d.field_values
            .insert((id, OFFICE), FieldValue::Choice("Berlin".into()));
    }
    let sn = snap(vec![
        with(hris("1", "anna@x.io"), "dynamic_1", "Berlin"),
        with(hris("2", "ben@x.io"), "dynamic_1", ""),
    ]);
    let plan = reconcile(&d, &sn, &mapped(FieldKind::Choice, false));
    assert_eq!(values(&plan), [(PersonRef::Existing(2), None)]);
    assert_eq!((plan.counts.updated, plan.counts.unchanged), (1, 1));
}

#[test]
fn an_attribute_not_shared_is_left_unchanged_with_one_warning() {
    let mut d = dir(vec![
        synced(1, "1", "anna@x.io"),
        synced(2, "2", "ben@x.io"),
    ]);
    d.field_values
        .insert((1, OFFICE), FieldValue::Choice("Berlin".into()));
    let sn = snap(vec![hris("1", "anna@x.io"), hris("2", "ben@x.io")]);
    let plan = reconcile(&d, &sn, &mapped(FieldKind::Choice, false));
    assert!(plan.field_values.is_empty());
    assert_eq!(
        office_warnings(&plan),
        ["Personio does not share Office: Office left unchanged."]
    );
}

#[test]
fn an_unknown_choice_leaves_the_field_empty_with_one_warning_per_value() {
    let mut d = dir(vec![synced(1, "1", "anna@x.io")]);
    d.field_values
        .insert((1, OFFICE), FieldValue::Choice("Berlin".into()));
    let sn = snap(vec![
        with(hris("1", "anna@x.io"), "dynamic_1", "Rome"),
        with(hris("2", "ben@x.io"), "dynamic_1", "Rome"),
        with(hris("3", "carl@x.io"), "dynamic_1", "Oslo"),
    ]);
    let plan = reconcile(&d, &sn, &mapped(FieldKind::Choice, false));
    assert_eq!(values(&plan), [(PersonRef::Existing(1), None)]);
    assert!(plan.choices_to_add.is_empty());
    let warned = office_warnings(&plan);
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert!(warned[0].contains("“Oslo” is none of the choices of Office"));
    assert!(warned[1].contains("“Rome”"));
}

#[test]
fn unknown_choices_are_added_once_when_the_mapping_says_so() {
    let sn = snap(vec![
        with(hris("1", "anna@x.io"), "dynamic_1", "Rome"),
        with(hris("2", "ben@x.io"), "dynamic_1", "rome"),
        with(hris("3", "carl@x.io"), "dynamic_1", "Paris, Rome"),
    ]);
    let plan = reconcile(&dir(vec![]), &sn, &mapped(FieldKind::Choices, true));
    let added: Vec<&str> = plan
        .choices_to_add
        .iter()
        .map(|c| c.choice.as_str())
        .collect();
    assert_eq!(added, ["Rome"]);
    let rome = || FieldValue::Choices(vec!["Rome".into()]);
    assert_eq!(
        values(&plan),
        [
            (PersonRef::New(0), Some(rome())),
            (PersonRef::New(1), Some(rome())),
            (
                PersonRef::New(2),
                Some(FieldValue::Choices(vec!["Paris".into(), "Rome".into()]))
            ),
        ]
    );
    assert!(office_warnings(&plan).is_empty(), "{:?}", plan.run_warnings);
}

#[test]
fn a_value_the_field_cannot_hold_is_a_warning_on_the_person_and_changes_nothing() {
    let mut d = dir(vec![synced(1, "1", "anna@x.io")]);
    d.field_values.insert((1, OFFICE), FieldValue::Number(3.0));
    let sn = snap(vec![with(hris("1", "anna@x.io"), "dynamic_1", "three")]);
    let plan = reconcile(&d, &sn, &mapped(FieldKind::Number, false));
    assert!(plan.field_values.is_empty());
    assert_eq!(plan.warnings.len(), 1);
    assert!(
        plan.warnings[0].message.contains("must be a number")
            && plan.warnings[0].message.ends_with("Left unchanged."),
        "{}",
        plan.warnings[0].message
    );
}

mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::sync::apply_in_memory;
    use crate::sync::tests::worlds::world;

    const OFFICES: [&str; 5] = ["Berlin", "berlin", "Rome", "", "Paris, Rome"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The default mapping, with any custom fields and stored values in the directory and
        /// any attributes in the snapshot, plans exactly what reconcile planned before mappings
        /// (the same directory and snapshot without custom fields or attributes).
        #[test]
        fn the_default_mapping_plans_exactly_todays_plan(
            (d, sn) in world(),
            picks in proptest::collection::vec(0..5usize, 0..10),
        ) {
            let today = run(&d, &sn);
            let mut with_fields = d.clone();
            let mut sent = sn.clone();
            for (i, pick) in picks.iter().enumerate() {
                if let Some(p) = d.people.get(i) {
                    with_fields.field_values.insert((p.id, OFFICE), FieldValue::Choice(OFFICES[*pick].into()));
                }
                if let Some(h) = sent.people.get_mut(i) {
                    *h = with(h.clone(), "dynamic_1", OFFICES[*pick]);
                }
            }
            let r = Rules { provider: sn.provider, fields: vec![office(FieldKind::Choice)], ..rules() };
            let plan = reconcile(&with_fields, &sent, &r);
            prop_assert_eq!(plan, today);
        }

        /// Applying a plan with a mapping and reconciling the same snapshot again plans no
        /// further field value or choice: the mapping converges in one run.
        #[test]
        fn a_mapped_field_is_in_line_after_one_run(
            (d, sn) in world(),
            picks in proptest::collection::vec(0..5usize, 0..10),
            add in any::<bool>(),
            several in any::<bool>(),
        ) {
            let mut sent = sn.clone();
            for (h, pick) in sent.people.iter_mut().zip(&picks) {
                *h = with(h.clone(), "dynamic_1", OFFICES[*pick]);
            }
            let kind = if several { FieldKind::Choices } else { FieldKind::Choice };
            let mut r = Rules { provider: sn.provider, ..mapped(kind, add) };
            let plan = reconcile(&d, &sent, &r);
            let after = apply_in_memory(&d, &plan);
            r.fields[0].choices.extend(plan.choices_to_add.iter().map(|c| c.choice.clone()));
            let again = reconcile(&after, &sent, &r);
            prop_assert!(again.field_values.is_empty(), "{:?}", again.field_values);
            prop_assert!(again.choices_to_add.is_empty());
        }
    }
}

#[test]
fn a_built_in_field_not_synced_is_no_warning_and_a_remapped_one_names_its_attribute() {
    use crate::directory::Attribute;
    use crate::sync::mapping::BuiltinMapped;
    let mut p = hris("1", "a@x.example");
    p.department = Field::Value("Sales".into());
    p.position = Field::Value("Engineer".into());
    let d = dir(vec![synced(1, "1", "a@x.example")]);
    let shared = run(&d, &snap(vec![p.clone()]));
    let about = |plan: &Plan, words: &[&str]| -> Vec<String> {
        plan.run_warnings
            .iter()
            .filter(|w| words.iter().any(|x| w.contains(x)))
            .cloned()
            .collect()
    };
    assert_eq!(
        about(&shared, &["job", "department", "Team"]),
        Vec::<String>::new()
    );
    let rules = Rules {
        mapping: Mapping {
            fields: Vec::new(),
            builtins: vec![
                BuiltinMapped {
                    field: Attribute::Department,
                    key: Some("dynamic_9".into()),
                    label: "Team".into(),
                },
                BuiltinMapped {
                    field: Attribute::Position,
                    key: None,
                    label: String::new(),
                },
            ],
        },
        ..rules()
    };
    let plan = reconcile(&d, &snap(vec![p]), &rules);
    assert_eq!(
        about(&plan, &["job", "department", "Team"]),
        ["Personio does not share Team: department left unchanged."],
        "the credential stopped sharing Team; job is not synced by choice"
    );
    assert!(
        plan.updates.iter().all(|u| u
            .changes
            .iter()
            .all(|c| { c.field != Attribute::Department && c.field != Attribute::Position })),
        "both left unchanged: {:?}",
        plan.updates
    );
}
