//! The parser on hand-written pages: the documented example, every field's rules, and pages that
//! must be refused.

use std::sync::Arc;

use serde_json::json;
use time::macros::date;

use super::*;
use crate::hris::{Field, ManagerRef};

mod fuzz;

fn page_with(attrs: Value) -> Vec<u8> {
    json!({"success": true, "metadata": {"total_elements": 1}, "offset": 0, "limit": 100,
           "data": [{"type": "Employee", "attributes": attrs}]})
    .to_string()
    .into_bytes()
}

fn one(attrs: Value) -> HrisPerson {
    parse_page(&page_with(attrs)).unwrap().people.remove(0)
}

fn a(v: Value) -> Value {
    json!({"label": "whatever", "value": v, "type": "standard", "universal_id": null})
}

#[test]
fn the_documented_example_maps_onto_our_fields() {
    let p = one(json!({
        "id": a(json!(4187203)),
        "first_name": a(json!("Lena")),
        "last_name": a(json!("Hoffmann")),
        "email": a(json!(" lena.hoffmann@example.org ")),
        "gender": a(json!("Female")),
        "status": a(json!("leave")),
        "position": a(json!("Backend Engineer")),
        "department": a(json!({"type": "Department", "attributes": {"id": 5521, "name": "Platform"}})),
        "supervisor": a(json!({"type": "Employee", "attributes": {
            "id": a(json!(4187199)), "email": a(json!("jonas.brandt@example.org"))}})),
        "hire_date": a(json!("2021-03-01T00:00:00+01:00")),
        "dynamic_70112": {"label": "T-shirt size", "value": "M", "type": "list", "universal_id": null},
    }));
    assert_eq!(p.source_id, "4187203");
    assert_eq!(p.email.as_deref(), Some("lena.hoffmann@example.org"));
    assert_eq!(p.gender, Field::Value("female".into()));
    assert_eq!(p.active, Some(true));
    assert_eq!(p.department, Field::Value("Platform".into()));
    assert_eq!(
        p.manager,
        Field::Value(ManagerRef {
            source_id: "4187199".into(),
            email: Some("jonas.brandt@example.org".into())
        })
    );
    assert_eq!(p.first_hired_on, Field::Value(date!(2021 - 03 - 01)));
    // Every attribute is kept as sent, standard and custom, with its label and kind.
    let shirt = p.attribute("dynamic_70112").unwrap();
    assert_eq!(
        (shirt.label(), shirt.info.kind.as_str(), shirt.value),
        ("T-shirt size", "list", "M")
    );
    let kept = |key: &str| p.attribute(key).map(|a| a.value);
    assert_eq!(kept("department"), Some("Platform"));
    assert_eq!(kept("supervisor"), Some("4187199"));
    assert_eq!(kept("hire_date"), Some("2021-03-01"));
    assert_eq!(kept("status"), Some("leave"));
    assert_eq!(kept("employment_type"), None, "not sent, so not kept");
    assert_eq!(p.attributes.len(), 11);
}

#[test]
fn attributes_share_one_description_per_page_and_names_stand_for_objects() {
    let env = |label: &str, v: Value| json!({"label": label, "value": v, "type": "standard"});
    let bytes = json!({"success": true, "data": [
        {"attributes": {"id": a(json!(1)),
            "office": env("Office", json!({"type": "Office", "attributes": {"id": 3, "name": "Berlin"}})),
            "supervisor": env("Supervisor", json!({"type": "Employee", "attributes": {
                "id": a(json!(2)), "first_name": a(json!("Jonas")), "last_name": a(json!("Brandt"))}}))}},
        {"attributes": {"id": a(json!(2)), "office": env("Office", Value::Null)}},
    ]})
    .to_string();
    let page = parse_page(bytes.as_bytes()).unwrap();
    let (one, two) = (&page.people[0], &page.people[1]);
    assert_eq!(one.attribute("office").unwrap().value, "Berlin");
    assert_eq!(one.attribute("supervisor").unwrap().value, "Jonas Brandt");
    assert_eq!(two.attribute("office").unwrap().value, "");
    assert!(Arc::ptr_eq(
        one.attribute("office").unwrap().info,
        two.attribute("office").unwrap().info
    ));
}

/// Every attribute any of `people` carries.
fn carried(people: &[HrisPerson]) -> Vec<Attribute> {
    let mut carried: Vec<Attribute> = Attribute::ALL
        .into_iter()
        .filter(|&a| people.iter().any(|p| p.carries(a)))
        .collect();
    carried.sort();
    carried
}

#[test]
fn the_parser_fills_exactly_what_personio_declares_it_owns() {
    let p = one(json!({
        "id": a(json!(1)),
        "first_name": a(json!("Lena")),
        "last_name": a(json!("Hoffmann")),
        "email": a(json!("lena@example.org")),
        "gender": a(json!("female")),
        "status": a(json!("active")),
        "position": a(json!("Engineer")),
        "department": a(json!({"type": "Department", "attributes": {"id": 1, "name": "Platform"}})),
        "supervisor": a(json!({"type": "Employee", "attributes": {"id": a(json!(2))}})),
        "hire_date": a(json!("2021-03-01T00:00:00+01:00")),
        "dynamic_3": {"label": "Birthday", "value": "1990-05-17", "type": "date", "universal_id": "date_of_birth"},
        "dynamic_4": {"label": "Employee no.", "value": "E-1", "type": "standard", "universal_id": null},
    }));
    let mut owned = OWNS.to_vec();
    owned.sort();
    assert_eq!(carried(&[p]), owned);
}

#[test]
fn dates_keep_their_calendar_day_whatever_the_offset() {
    for s in [
        "2020-02-01T00:00:00+01:00",
        "2020-02-01T00:00:00+0100",
        "2020-02-01T00:00:00+00:53",
        "2020-02-01",
        "2020-02-01T00:00:00Z",
    ] {
        assert_eq!(parse_date(s), Some(date!(2020 - 02 - 01)), "{s}");
    }
    assert_eq!(parse_date("2020-02-3"), None);
    assert_eq!(parse_date("01.02.2020"), None);
    assert_eq!(parse_date("2020-13-01"), None);
    assert_eq!(parse_date("2020-02-01é"), Some(date!(2020 - 02 - 01)));
    assert_eq!(parse_date("2020-02-é1"), None);
}

#[test]
fn absent_keys_are_not_shared_and_empty_values_are_empty() {
    let p = one(json!({
        "id": a(json!("77")),
        "first_name": a(json!("")),
        "department": a(Value::Null),
        "position": a(json!([])),
        "gender": a(json!("")),
        "hire_date": a(Value::Null),
        "supervisor": a(Value::Null),
    }));
    assert_eq!(p.source_id, "77");
    assert_eq!(p.first_name, Field::Empty);
    assert_eq!(p.department, Field::Empty);
    assert_eq!(p.position, Field::Empty);
    assert_eq!(p.gender, Field::Empty);
    assert_eq!(p.first_hired_on, Field::Empty);
    assert_eq!(p.manager, Field::Empty);
    assert_eq!(p.last_name, Field::NotShared);
    assert_eq!(p.email, None);
    assert_eq!((p.active, p.unknown_status), (None, None));
}

#[test]
fn statuses_map_to_active_and_unknown_ones_are_never_inactive() {
    let status = |s: Value| {
        let p = one(json!({"id": a(json!(1)), "status": a(s)}));
        (p.active, p.unknown_status)
    };
    assert_eq!(status(json!("active")), (Some(true), None));
    assert_eq!(status(json!("onboarding")), (Some(true), None));
    assert_eq!(status(json!("Leave")), (Some(true), None));
    assert_eq!(status(json!("inactive")), (Some(false), None));
    assert_eq!(status(json!("paused")), (None, Some("paused".into())));
    assert_eq!(status(json!("")), (None, Some("(empty)".into())));
}

#[test]
fn lenient_numbers_and_custom_values_are_stringified() {
    let bytes = json!({"success": true, "offset": "100", "limit": "50",
        "metadata": {"total_elements": "120"},
        "data": [{"type": "Employee", "attributes": {
            "id": a(json!(4.0)),
            "weekly_working_hours": a(json!("40")),
            "dynamic_1": {"label": "Languages", "value": ["German", "English"], "type": "tags"},
            "dynamic_2": {"label": "Desk", "value": 42, "type": "integer"},
            "dynamic_3": {"label": "Birthday", "value": "1990-05-17T00:00:00+02:00", "type": "date", "universal_id": "date_of_birth"},
        }}]})
    .to_string();
    let page = parse_page(bytes.as_bytes()).unwrap();
    assert_eq!(
        (page.offset, page.limit, page.total_elements),
        (Some(100), Some(50), Some(120))
    );
    let p = &page.people[0];
    assert_eq!(p.source_id, "4");
    let values: Vec<&str> = ["dynamic_1", "dynamic_2", "dynamic_3"]
        .iter()
        .map(|k| p.attribute(k).unwrap().value)
        .collect();
    assert_eq!(values, ["German, English", "42", "1990-05-17"]);
    assert_eq!(p.birth_date, Field::Value(date!(1990 - 05 - 17)));
}

#[test]
fn a_bad_date_is_a_problem_on_the_person_not_an_abort() {
    let p = one(json!({"id": a(json!(1)), "hire_date": a(json!("soon"))}));
    assert_eq!(p.first_hired_on, Field::NotShared);
    assert_eq!(p.problems.len(), 1);
}

#[test]
fn pages_that_cannot_be_trusted_are_errors() {
    assert_eq!(parse_page(b"<html>"), Err(ParseError::NotJson));
    assert!(matches!(parse_page(b"[]"), Err(ParseError::Shape(_))));
    assert!(matches!(
        parse_page(br#"{"success":true}"#),
        Err(ParseError::Shape(_))
    ));
    assert_eq!(
        parse_page(br#"{"success":false,"error":{"code":0,"message":"nope"}}"#),
        Err(ParseError::Api("nope".into()))
    );
    let no_id = page_with(json!({"email": a(json!("x@example.org"))}));
    assert!(matches!(parse_page(&no_id), Err(ParseError::Shape(_))));
}
