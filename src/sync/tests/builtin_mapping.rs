//! The built-in fields' part of the mapping inside reconcile: a field set to "Don't sync" plans no
//! change and is not reported as unread (the lock rule takes it from the mapping), a field filled
//! from another attribute plans that attribute's value, and without built-in choices the same
//! snapshot plans today's changes.

use std::sync::Arc;

use super::*;
use crate::directory::Attribute;
use crate::hris::{AttributeInfo, HrisAttribute};
use crate::sync::mapping::{BuiltinMapped, Mapping};

fn changed(plan: &Plan) -> Vec<(Attribute, Option<String>)> {
    plan.updates
        .iter()
        .flat_map(|u| u.changes.iter().map(|c| (c.field, c.after.clone())))
        .collect()
}

#[test]
fn a_field_not_synced_is_left_alone_and_a_remapped_one_takes_its_attribute() {
    let mut anna = synced(1, "1", "anna@x.io");
    anna.department = Some("Sales".into());
    anna.position = Some("Engineer".into());
    let d = dir(vec![anna]);
    let mut h = hris("1", "anna@x.io");
    h.department = Field::Value("Marketing".into());
    h.position = Field::Value("Engineer".into());
    h.attributes.push(HrisAttribute {
        info: Arc::new(AttributeInfo {
            key: "dynamic_1".into(),
            label: "Job title (local)".into(),
            kind: "standard".into(),
        }),
        value: "Ingenieurin".into(),
    });
    let sn = snap(vec![h]);

    let today = reconcile(&d, &sn, &rules());
    assert_eq!(
        changed(&today),
        [(Attribute::Department, Some("Marketing".into()))]
    );

    let remapped = Rules {
        mapping: Mapping {
            fields: Vec::new(),
            builtins: vec![
                BuiltinMapped {
                    field: Attribute::Department,
                    key: None,
                    label: String::new(),
                },
                BuiltinMapped {
                    field: Attribute::Position,
                    key: Some("dynamic_1".into()),
                    label: "Job title (local)".into(),
                },
            ],
        },
        ..rules()
    };
    let plan = reconcile(&d, &sn, &remapped);
    assert_eq!(
        changed(&plan),
        [(Attribute::Position, Some("Ingenieurin".into()))]
    );
    assert!(!plan.unread.contains(&Attribute::Department), "not unread");
    assert!(!plan.unread.contains(&Attribute::Position));
}
