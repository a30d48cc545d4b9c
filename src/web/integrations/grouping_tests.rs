use super::*;

fn person(id: i64, name: &str) -> PersonSummary {
    PersonSummary {
        key: PersonKey::Id(id),
        name: name.into(),
        created: false,
        updated: false,
        deactivated: false,
        reactivated: false,
        warnings: 0,
    }
}

fn row(
    id: i64,
    person: i64,
    field: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> ChangeRecord {
    ChangeRecord {
        id,
        person_id: Some(person),
        person_name: String::new(),
        field: field.into(),
        before: before.map(Into::into),
        after: after.map(Into::into),
        reason: None,
    }
}

#[test]
fn an_update_reads_as_label_before_and_after() {
    let s = PersonSummary {
        updated: true,
        ..person(1, "Lena Hoffmann")
    };
    let rows = [
        row(1, 1, "position", Some("Engineer"), Some("Senior Engineer")),
        row(2, 1, "manager", Some("Anna Weber"), Some("Ben Ott")),
    ];
    let g = groups(&[s], &rows, &[], Provider::Personio).remove(0);
    assert_eq!(
        g.summary,
        "Job: Engineer → Senior Engineer · Manager: Anna Weber → Ben Ott"
    );
    assert_eq!(g.badges, ["Updated"]);
    assert_eq!(g.lines[1].label, "Manager");
}

#[test]
fn a_deactivation_leads_and_dates_are_readable() {
    let s = PersonSummary {
        updated: true,
        deactivated: true,
        ..person(1, "Tom Weber")
    };
    let rows = [
        row(1, 1, "first_hired_on", None, Some("2026-12-02")),
        row(2, 1, "active", Some("active"), Some("inactive")),
    ];
    let g = groups(&[s], &rows, &[], Provider::Personio).remove(0);
    assert_eq!(
        g.summary,
        "Status: Active → Deactivated · Hire date: — → 2 Dec 2026"
    );
    assert_eq!(g.badges, ["Updated", "Deactivated"]);
}

#[test]
fn a_created_person_shows_job_department_and_manager_and_long_summaries_are_cut() {
    let s = PersonSummary {
        created: true,
        ..person(1, "Ada Lovelace")
    };
    let rows = [
        row(1, 1, "source", None, Some("Personio 4187003")),
        row(2, 1, "email", None, Some("ada@acme.test")),
        row(3, 1, "position", None, Some("Engineer")),
        row(4, 1, "department", None, Some("R&D")),
        row(5, 1, "active", None, Some("active")),
        row(6, 1, "manager", None, Some("Ben Ott")),
    ];
    let g = groups(&[s], &rows, &[], Provider::Personio).remove(0);
    assert_eq!(
        g.summary,
        "New in Roster · Job: Engineer · Department: R&D · Manager: Ben Ott"
    );
    assert_eq!(g.lines[0].label, "Personio ID");
    assert_eq!(g.lines[0].after, "4187003");

    let u = PersonSummary {
        updated: true,
        ..person(2, "Many Changes")
    };
    let rows: Vec<ChangeRecord> = [
        "position",
        "department",
        "gender",
        "employee_number",
        "email",
    ]
    .iter()
    .enumerate()
    .map(|(i, f)| row(i as i64, 2, f, Some("a"), Some("b")))
    .collect();
    let g = groups(&[u], &rows, &[], Provider::Personio).remove(0);
    assert!(g.summary.ends_with(" · + 2 more"), "{}", g.summary);
    assert_eq!(g.lines.len(), 5, "every change is in the details");
}

#[test]
fn group_moves_are_one_item() {
    let s = PersonSummary {
        updated: true,
        ..person(1, "A B")
    };
    let rows = [
        row(1, 1, "groups", Some("Sales"), None),
        row(2, 1, "groups", None, Some("Support")),
    ];
    let g = groups(&[s], &rows, &[], Provider::Kiwihr).remove(0);
    assert_eq!(g.summary, "Groups: − Sales, + Support");
}

#[test]
fn filters_search_and_pages_keep_people_whole() {
    let mut people = Vec::new();
    for i in 0..120 {
        let mut p = person(i, &format!("Person {i:03}"));
        p.created = i < 100;
        p.updated = i >= 100;
        p.deactivated = i == 110;
        p.warnings = i64::from(i % 50 == 0);
        people.push(p);
    }
    people.push(person(500, "Özil Mesut"));
    let all = select(people.clone(), Filter::All, "", 3);
    assert_eq!(all.matching, 121);
    assert_eq!(all.pages, 3);
    assert_eq!(all.page.len(), 21);
    let counts: Vec<(&str, usize)> = all.choices.iter().map(|c| (c.filter, c.count)).collect();
    assert_eq!(
        counts,
        [
            ("all", 121),
            ("created", 100),
            ("updated", 20),
            ("deactivated", 1),
            ("reactivated", 0),
            ("warnings", 3)
        ]
    );
    let deact = select(people.clone(), Filter::Deactivated, "", 1);
    assert_eq!(deact.page[0].name, "Person 110");
    let found = select(people.clone(), Filter::All, "  öZ ", 9);
    assert_eq!(found.page_number, 1, "a page past the end is the last page");
    assert_eq!(found.page.len(), 1);
    assert_eq!(found.page[0].name, "Özil Mesut");
    assert!(select(people, Filter::Reactivated, "", 1).page.is_empty());
    assert_eq!(Filter::parse("nonsense"), Filter::All);
}
