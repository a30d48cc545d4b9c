//! Scenario tests read from JSON fixtures under `src/sync/fixtures/`. In a snapshot person a
//! missing key is "not shared", `null` is "empty" and anything else is the value, as
//! [`Field`] says.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::*;
use crate::sync::{GroupRef, PersonRef};

#[derive(Deserialize)]
struct Fixture {
    today: String,
    provider: Provider,
    gender_choices: Vec<String>,
    groups: Vec<FixtureGroup>,
    people: Vec<FixturePerson>,
    snapshot: Vec<serde_json::Map<String, Value>>,
}

#[derive(Deserialize)]
struct FixtureGroup {
    id: i64,
    name: String,
}

#[derive(Deserialize)]
struct FixturePerson {
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    #[serde(default)]
    role: Option<Role>,
    #[serde(default = "yes")]
    active: bool,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default)]
    source_id: Option<String>,
    #[serde(default)]
    group_ids: Vec<i64>,
}

fn yes() -> bool {
    true
}

fn field<T: DeserializeOwned>(m: &serde_json::Map<String, Value>, key: &str) -> Field<T> {
    match m.get(key) {
        None => Field::NotShared,
        Some(Value::Null) => Field::Empty,
        Some(v) => Field::Value(serde_json::from_value(v.clone()).expect(key)),
    }
}

fn date(s: &str) -> Date {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).expect(s)
}

fn date_field(m: &serde_json::Map<String, Value>, key: &str) -> Field<Date> {
    field::<String>(m, key).map_value(|s| date(&s))
}

trait MapValue<T> {
    fn map_value<U>(self, f: impl FnOnce(T) -> U) -> Field<U>;
}

impl<T> MapValue<T> for Field<T> {
    fn map_value<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::NotShared => Field::NotShared,
            Field::Empty => Field::Empty,
            Field::Value(v) => Field::Value(f(v)),
        }
    }
}

fn load(text: &str) -> (Directory, Snapshot, Rules) {
    let f: Fixture = serde_json::from_str(text).expect("fixture");
    let d = Directory {
        company_id: COMPANY,
        people: f
            .people
            .into_iter()
            .map(|p| Person {
                first_name: p.first_name,
                last_name: p.last_name,
                role: p.role,
                active: p.active,
                source: p.source.unwrap_or(Source::Manual),
                source_id: p.source_id,
                group_ids: p.group_ids,
                ..manual(p.id, &p.email)
            })
            .collect(),
        groups: f.groups.into_iter().map(|g| group(g.id, &g.name)).collect(),
        field_values: Default::default(),
    };
    let people = f
        .snapshot
        .iter()
        .map(|m| {
            let text = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
            HrisPerson {
                source_id: text("id").expect("id"),
                email: text("email"),
                first_name: field(m, "first_name"),
                last_name: field(m, "last_name"),
                position: field(m, "position"),
                department: field(m, "department"),
                gender: field::<String>(m, "gender").map_value(|g| g.to_lowercase()),
                birth_date: date_field(m, "birth_date"),
                employee_number: field(m, "employee_number"),
                first_hired_on: date_field(m, "first_hired_on"),
                active: m.get("active").and_then(Value::as_bool),
                unknown_status: None,
                status: None,
                problems: vec![],
                end_date: match date_field(m, "end_date") {
                    Field::Value(d) => Some(d),
                    _ => None,
                },
                manager: field::<String>(m, "manager").map_value(|id| ManagerRef {
                    source_id: id,
                    email: None,
                }),
                groups: field(m, "groups"),
                attributes: Default::default(),
            }
        })
        .collect();
    let rules = Rules {
        today: date(&f.today),
        gender_choices: f.gender_choices,
        provider: f.provider,
        selection: Default::default(),
        mapping: Default::default(),
        fields: Vec::new(),
    };
    let s = Snapshot {
        provider: f.provider,
        people,
        pages: 1,
    };
    (d, s, rules)
}

#[test]
fn a_directory_kept_by_hand_is_adopted_on_the_first_kiwihr_sync() {
    let (d, snapshot, r) = load(include_str!("../fixtures/kiwihr_first_sync.json"));
    let plan = reconcile(&d, &snapshot, &r);
    let c = plan.counts;
    assert_eq!(
        (
            c.created,
            c.updated,
            c.deactivated,
            c.reactivated,
            c.unchanged,
            c.skipped
        ),
        (3, 3, 0, 0, 0, 0)
    );
    assert_eq!(
        plan.links().len(),
        3,
        "Lena, Max and Jo adopted, not duplicated"
    );
    assert_eq!(plan.not_in_hris.len(), 1);
    assert_eq!(plan.not_in_hris[0].name, "Old Timer");

    // Lena: gender mapped onto the company's spelling, out of the book club.
    assert!(changes_of(&plan, 1).contains(&("gender", None, s("Female"))));
    let out: Vec<_> = plan
        .membership_removes
        .iter()
        .map(|m| (m.person, m.group))
        .collect();
    assert_eq!(out, [(PersonRef::Existing(1), GroupRef::Existing(4))]);

    // Max: email case follows kiwiHR; his unknown manager is reported.
    assert!(changes_of(&plan, 2).contains(&(
        "email",
        s("Max.Huber@example.com"),
        s("max.huber@example.com")
    )));
    assert_eq!(plan.warnings.len(), 1);
    assert!(plan.warnings[0].message.contains("id u9) is not known"));

    // Jo: contract ended yesterday, so still inactive; linked to Lena.
    assert!(!changes_of(&plan, 4).iter().any(|c| c.0 == "active"));

    // New people: Ana (future end date: active), Kim (deactivated in kiwiHR), Sam.
    let new: Vec<(&str, bool, Option<&str>)> = plan
        .creates
        .iter()
        .map(|p| (p.first_name.as_str(), p.active, p.gender.as_deref()))
        .collect();
    assert_eq!(
        new,
        [
            ("Ana", true, None),
            ("Kim", false, None),
            ("Sam", true, Some("Male"))
        ]
    );
    let managers: Vec<_> = plan
        .managers
        .iter()
        .map(|m| (m.person, m.manager))
        .collect();
    assert_eq!(
        managers,
        [
            (PersonRef::New(0), Some(PersonRef::New(2))),
            (PersonRef::Existing(4), Some(PersonRef::Existing(1))),
            (PersonRef::New(1), Some(PersonRef::Existing(1))),
            (PersonRef::New(2), Some(PersonRef::Existing(1))),
        ]
    );

    // Groups: "Engineering" created once; "Support" is ambiguous, so Max stays where he is.
    let names: Vec<&str> = plan
        .groups_to_create
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(names, ["Engineering"]);
    assert!(
        !plan
            .membership_removes
            .iter()
            .any(|m| m.person == PersonRef::Existing(2))
    );
    let warnings = plan.run_warnings.join("\n");
    assert!(
        !warnings.contains("department"),
        "kiwiHR owns no department, so not sending one is no news"
    );
    assert!(warnings.contains("“diverse” matches none"));
    assert!(warnings.contains("2 groups are named “Support” (#2, #3)"));

    let after = crate::sync::apply_in_memory(&d, &plan);
    assert!(reconcile(&after, &snapshot, &r).is_empty());
}
