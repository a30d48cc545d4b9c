//! Who is synced: people the rules leave out are treated like people who left the HRIS.

use std::sync::Arc;

use super::*;
use crate::hris::{AttributeInfo, HrisAttribute};
use crate::sync::selection::{Effect, Rule, Selection};

fn with(mut p: HrisPerson, key: &str, value: &str) -> HrisPerson {
    p.attributes.push(HrisAttribute {
        info: Arc::new(AttributeInfo {
            key: key.into(),
            label: key.into(),
            kind: "standard".into(),
        }),
        value: value.into(),
    });
    p
}

fn no_externals() -> Rules {
    Rules {
        selection: Selection {
            rules: vec![Rule {
                effect: Effect::Exclude,
                key: "employment_type".into(),
                label: "Employment type".into(),
                values: vec!["External".into()],
            }],
        },
        ..rules()
    }
}

#[test]
fn people_left_out_are_deactivated_with_the_rule_as_reason_and_never_created() {
    let d = dir(vec![
        synced(1, "10", "anna@x.io"),
        synced(2, "20", "ben@x.io"),
    ]);
    let sn = snap(vec![
        with(hris("10", "anna@x.io"), "employment_type", "internal"),
        with(hris("20", "ben@x.io"), "employment_type", "external"),
        with(hris("30", "carl@x.io"), "employment_type", "External"),
        with(hris("40", "dora@x.io"), "employment_type", "internal"),
    ]);
    let plan = reconcile(&d, &sn, &no_externals());
    assert_eq!(
        changes_of(&plan, 2),
        [("active", s("active"), s("inactive"))]
    );
    let reason = plan.updates[0].changes[0].reason.clone();
    assert_eq!(
        reason.as_deref(),
        Some("left out by the rule: Employment type is External")
    );
    let created: Vec<&str> = plan.creates.iter().map(|c| c.email.as_str()).collect();
    assert_eq!(created, ["dora@x.io"]);
    assert_eq!((plan.left_out, plan.hris_people), (2, 4));
    assert_eq!((plan.counts.deactivated, plan.counts.created), (1, 1));
}

#[test]
fn a_person_whose_attribute_is_not_sent_is_skipped_not_left_out() {
    let d = dir(vec![synced(1, "10", "anna@x.io")]);
    let mut anna = hris("10", "anna@x.io");
    anna.last_name = Field::Value("Changed".into());
    let plan = reconcile(&d, &snap(vec![anna]), &no_externals());
    assert!(plan.updates.is_empty(), "{:?}", plan.updates);
    assert_eq!(plan.left_out, 0);
    assert_eq!(plan.counts.skipped, 1);
    assert!(
        errors(&plan)[0].contains("Employment type"),
        "{:?}",
        errors(&plan)
    );
}

#[test]
fn rules_that_keep_everyone_change_nothing_in_the_plan() {
    let d = dir(vec![
        synced(1, "10", "anna@x.io"),
        synced(2, "20", "ben@x.io"),
    ]);
    let sn = snap(vec![
        with(hris("10", "anna@x.io"), "employment_type", "internal"),
        with(hris("30", "carl@x.io"), "employment_type", "internal"),
    ]);
    assert_eq!(
        reconcile(&d, &sn, &no_externals()),
        reconcile(&d, &sn, &rules())
    );
}

mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::sync::tests::worlds::world;

    /// The plan with rules, read back as if the left-out people had not been sent: the count of
    /// left-out people and the deactivation reason are the only differences allowed.
    fn as_if_not_sent(mut plan: Plan, provider: Provider) -> Plan {
        plan.hris_people -= plan.left_out;
        plan.left_out = 0;
        for c in plan.updates.iter_mut().flat_map(|u| u.changes.iter_mut()) {
            if c.reason
                .as_deref()
                .is_some_and(|r| r.starts_with("left out by the rule: "))
            {
                c.reason = Some(format!("no longer returned by {}", provider.label()));
            }
        }
        plan
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// No rules: exactly the plan reconcile made before rules existed (the same code path,
        /// nothing left out), whatever the data.
        #[test]
        fn no_rules_leave_no_one_out_and_keep_every_plan((d, sn) in world()) {
            let plain = run(&d, &sn);
            prop_assert_eq!(plain.left_out, 0);
            let typed: Vec<HrisPerson> = sn.people.iter().cloned()
                .map(|p| with(p, "employment_type", "internal")).collect();
            let typed = Snapshot { people: typed, ..sn.clone() };
            let r = Rules { provider: sn.provider, ..no_externals() };
            prop_assert_eq!(reconcile(&d, &typed, &r), run(&d, &typed));
        }

        /// A rule leaves people out exactly as if the HRIS had not sent them, with the rule as
        /// the reason for each deactivation.
        #[test]
        fn people_left_out_are_treated_as_not_sent((d, sn) in world(), bits in any::<u16>()) {
            let typed: Vec<HrisPerson> = sn.people.iter().cloned().enumerate()
                .map(|(i, p)| {
                    let kind = if bits & (1 << (i % 16)) != 0 { "External" } else { "internal" };
                    with(p, "employment_type", kind)
                })
                .collect();
            let kept: Vec<HrisPerson> = typed.iter()
                .filter(|p| p.attribute("employment_type").unwrap().value == "internal")
                .cloned().collect();
            let r = Rules { provider: sn.provider, ..no_externals() };
            let with_rules = reconcile(&d, &Snapshot { people: typed.clone(), ..sn.clone() }, &r);
            prop_assert_eq!(with_rules.left_out, typed.len() - kept.len());
            let left_out_reasons = with_rules.updates.iter().flat_map(|u| &u.changes)
                .filter(|c| c.reason.as_deref().is_some_and(|r| r.starts_with("left out by the rule")))
                .count();
            let reference = run(&d, &Snapshot { people: kept, ..sn.clone() });
            prop_assert!(left_out_reasons <= reference.counts.deactivated);
            prop_assert_eq!(as_if_not_sent(with_rules, sn.provider), reference);
        }
    }
}
