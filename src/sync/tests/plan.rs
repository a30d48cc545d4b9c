//! The plan as apply and the history pages read it: counts, history rows, the in-memory apply.

use super::*;
use crate::directory::Attribute;
use crate::sync::{HistoryField, HistoryRow, PersonRef, apply_in_memory};

#[test]
fn counts_say_what_happened_to_each_person() {
    let mut gone = synced(3, "3", "carl@x.io");
    gone.active = true;
    let mut back = synced(4, "4", "dora@x.io");
    back.active = false;
    let d = dir(vec![
        synced(1, "1", "anna@x.io"),
        synced(2, "2", "ben@x.io"),
        gone,
        back,
    ]);
    let mut no_status = hris("6", "fay@x.io");
    no_status.active = None;
    let s1 = snap(vec![
        hris("1", "anna@x.io"),
        hris("2", "ben.b@x.io"),
        hris("4", "dora@x.io"),
        hris("5", "eve@x.io"),
        no_status,
    ]);
    let c = run(&d, &s1).counts;
    assert_eq!(
        (
            c.created,
            c.updated,
            c.deactivated,
            c.reactivated,
            c.unchanged,
            c.skipped
        ),
        (1, 1, 1, 1, 1, 1)
    );
    assert_eq!(
        c.to_string(),
        "1 created, 1 updated, 1 deactivated, 1 reactivated, 1 unchanged, 1 skipped"
    );
}

#[test]
fn history_has_a_row_per_change_with_its_reason_and_one_row_per_new_person() {
    let d = dir(vec![
        synced(1, "1", "anna@x.io"),
        synced(3, "3", "dora@x.io"),
    ]);
    let mut ben = managed_by(hris("2", "ben@x.io"), "1");
    ben.position = Field::Value("Engineer".into());
    let plan = run(
        &d,
        &snap(vec![
            hris("1", "anna.b@x.io"),
            ben,
            managed_by(hris("3", "dora@x.io"), "2"),
        ]),
    );
    let rows = plan.history();
    let row = |person, name: &str, field, before, after, reason| HistoryRow {
        person,
        person_name: name.into(),
        field,
        before,
        after,
        reason,
    };
    assert_eq!(
        rows,
        [
            row(
                PersonRef::Existing(1),
                "Anna Test",
                HistoryField::Attribute(Attribute::Email),
                s("anna@x.io"),
                s("anna.b@x.io"),
                None
            ),
            row(
                PersonRef::New(0),
                "Ben Test",
                HistoryField::Created,
                None,
                s(
                    r#"{"active":"active","email":"ben@x.io","first_name":"Ben","last_name":"Test","manager":"Anna Test","position":"Engineer","source":"Personio 2"}"#
                ),
                None
            ),
            row(
                PersonRef::Existing(3),
                "Dora Test",
                HistoryField::Attribute(Attribute::Manager),
                None,
                s("Ben Test"),
                s("supervisor changed in Personio")
            ),
        ]
    );
    let created = crate::sync::history::initial_values(rows[1].after.as_deref().unwrap());
    assert_eq!(
        created.iter().map(|(a, _)| a.label()).collect::<Vec<_>>(),
        [
            "First name",
            "Last name",
            "Email",
            "Job",
            "Manager",
            "Status",
            "HRIS ID"
        ]
    );
}

#[test]
fn applying_in_memory_numbers_new_rows_and_resolves_their_links() {
    let mut d = dir(vec![synced(5, "1", "anna@x.io")]);
    d.groups = vec![group(3, "Ops")];
    let mut boss = hris("2", "boss@x.io");
    boss.groups = Field::Value(vec!["Sales".into()]);
    let mut anna = managed_by(hris("1", "anna@x.io"), "2");
    anna.groups = Field::Value(vec!["Ops".into()]);
    let s1 = kiwi(vec![anna, boss]);
    let mut d_kiwi = d.clone();
    d_kiwi.people[0].source = Source::Kiwihr;
    let plan = run(&d_kiwi, &s1);
    let after = apply_in_memory(&d_kiwi, &plan);
    let boss_row = after
        .people
        .iter()
        .find(|p| p.email == "boss@x.io")
        .unwrap();
    assert_eq!(boss_row.id, 6);
    assert_eq!(boss_row.group_ids, [4], "the new group Sales got id 4");
    assert_eq!(after.people[0].manager_id, Some(6));
    assert_eq!(after.people[0].group_ids, [3]);
    assert!(run(&after, &s1).is_empty());
}
