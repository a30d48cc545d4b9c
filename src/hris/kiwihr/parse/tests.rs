//! The parser on the documented example page and hand-written items: every field's rules, GraphQL
//! errors, and replies that must be refused.

use time::macros::date;

use super::*;
use crate::hris::{Field, ManagerRef};

mod fuzz;

/// The page from kiwihr.md §6, verbatim.
const EXAMPLE: &str = r#"{"data": {"users": {
  "items": [
    {"id": "4702", "firstName": "Tomas", "lastName": "Weber", "email": "tomas.weber@example.com",
     "birthDate": null, "employeeNumber": "E-0007", "employmentStartDate": "2018-09-01",
     "employmentEndDate": null, "isActive": true, "position": {"id": "30", "name": "Head of Design"},
     "manager": null, "team": {"id": "7", "name": "Design"},
     "teams": [{"id": "7", "name": "Design"}]},
    {"id": "4711", "firstName": "Lena", "lastName": "Brandt", "email": "Lena.Brandt@example.com",
     "birthDate": "1990-04-12", "employeeNumber": "E-0042", "employmentStartDate": "2021-03-01",
     "employmentEndDate": null, "isActive": true, "position": {"id": "31", "name": "Product Designer"},
     "manager": {"id": "4702", "email": "tomas.weber@example.com"},
     "team": {"id": "7", "name": "Design"},
     "teams": [{"id": "7", "name": "Design"}, {"id": "9", "name": "Berlin Office"}]},
    {"id": "4720", "firstName": "Jonas", "lastName": "Keller", "email": "jonas.keller@example.com",
     "birthDate": "1985-11-30", "employeeNumber": null, "employmentStartDate": "2019-01-15",
     "employmentEndDate": "2024-06-30", "isActive": true, "position": null,
     "manager": {"id": "4702", "email": "tomas.weber@example.com"}, "team": null, "teams": []}
  ],
  "pageInfo": {"limit": 100, "offset": 0, "count": 3, "next": null}
}}}"#;

fn page(items: &str) -> String {
    format!(r#"{{"data":{{"users":{{"items":[{items}],"pageInfo":{{"count":1,"next":null}}}}}}}}"#)
}

fn one(item: &str) -> HrisPerson {
    let mut p = parse_users_page(page(item).as_bytes()).unwrap();
    assert_eq!(p.people.len(), 1);
    p.people.remove(0)
}

#[test]
fn the_documented_example_page_maps_onto_our_fields() {
    let page = parse_users_page(EXAMPLE.as_bytes()).unwrap();
    assert_eq!((page.count, page.next, page.people.len()), (3, None, 3));
    let [tomas, lena, jonas] = &page.people[..] else {
        unreachable!()
    };

    assert_eq!(tomas.source_id, "4702");
    assert_eq!(tomas.birth_date, Field::Empty);
    assert_eq!(tomas.manager, Field::Empty);
    assert_eq!(tomas.position, Field::Value("Head of Design".into()));
    assert_eq!(tomas.first_hired_on, Field::Value(date!(2018 - 09 - 01)));

    assert_eq!(lena.email.as_deref(), Some("Lena.Brandt@example.com"));
    assert_eq!(lena.first_name, Field::Value("Lena".into()));
    assert_eq!(lena.last_name, Field::Value("Brandt".into()));
    assert_eq!(lena.birth_date, Field::Value(date!(1990 - 04 - 12)));
    assert_eq!(lena.employee_number, Field::Value("E-0042".into()));
    assert_eq!(
        lena.groups,
        Field::Value(vec!["Design".into(), "Berlin Office".into()])
    );
    assert_eq!(
        lena.manager,
        Field::Value(ManagerRef {
            source_id: "4702".into(),
            email: Some("tomas.weber@example.com".into())
        })
    );
    assert_eq!(lena.active, Some(true));
    assert_eq!(lena.department, Field::NotShared);

    assert_eq!(jonas.end_date, Some(date!(2024 - 06 - 30)));
    assert_eq!(
        jonas.active,
        Some(true),
        "the end-date rule is the sync's, not the parser's"
    );
    assert_eq!(jonas.position, Field::Empty);
    assert_eq!(jonas.employee_number, Field::Empty);
    assert_eq!(jonas.groups, Field::Empty);
    assert!(page.people.iter().all(|p| p.problems.is_empty()));
}

/// Every attribute a parsed user carries, over the documented page plus a gender.
fn carried(people: &[HrisPerson]) -> Vec<Attribute> {
    let mut carried: Vec<Attribute> = Attribute::ALL
        .into_iter()
        .filter(|&a| people.iter().any(|p| p.carries(a)))
        .collect();
    carried.sort();
    carried
}

#[test]
fn the_parser_fills_exactly_what_kiwihr_declares_it_owns() {
    let mut people = parse_users_page(EXAMPLE.as_bytes()).unwrap().people;
    people.push(one(r#"{"id": "1", "gender": "FEMALE", "isActive": true}"#));
    let mut owned = OWNS.to_vec();
    owned.sort();
    assert_eq!(carried(&people), owned);
}

#[test]
fn numeric_ids_are_kept_as_decimal_strings() {
    let p = one(r#"{"id": 4711, "isActive": true, "manager": {"id": 4702, "email": null}}"#);
    assert_eq!(p.source_id, "4711");
    assert_eq!(
        p.manager,
        Field::Value(ManagerRef {
            source_id: "4702".into(),
            email: None
        })
    );
}

#[test]
fn a_date_with_a_time_part_keeps_its_first_ten_characters() {
    let p = one(
        r#"{"id":"1","isActive":true,"birthDate":"1990-04-12T00:00:00.000Z","employmentEndDate":"2030-01-31 00:00:00"}"#,
    );
    assert_eq!(p.birth_date, Field::Value(date!(1990 - 04 - 12)));
    assert_eq!(p.end_date, Some(date!(2030 - 01 - 31)));
}

#[test]
fn an_unparseable_date_is_a_problem_on_that_person_not_an_abort() {
    let p = one(
        r#"{"id":"1","isActive":true,"birthDate":"12.04.1990","employmentStartDate":"2021-02-30","employmentEndDate":42}"#,
    );
    assert_eq!(p.birth_date, Field::NotShared);
    assert_eq!(p.first_hired_on, Field::NotShared);
    assert_eq!(p.end_date, None);
    assert_eq!(p.problems.len(), 3, "{:?}", p.problems);
    assert!(p.problems.iter().any(|m| m.contains("birthDate")));
}

#[test]
fn teams_win_over_team_and_duplicate_names_collapse() {
    let p = one(
        r#"{"id":"1","team":{"id":"1","name":"Sales"},"teams":[{"id":"2","name":"Ops"},{"id":"3","name":" Ops "}]}"#,
    );
    assert_eq!(p.groups, Field::Value(vec!["Ops".into()]));
    let p = one(r#"{"id":"1","team":{"id":"1","name":"Sales"},"teams":[]}"#);
    assert_eq!(p.groups, Field::Value(vec!["Sales".into()]));
    let p = one(r#"{"id":"1"}"#);
    assert_eq!(p.groups, Field::NotShared);
}

#[test]
fn gender_is_lower_cased_and_unknown_values_pass_through() {
    assert_eq!(
        one(r#"{"id":"1","gender":"DIVERSE"}"#).gender,
        Field::Value("diverse".into())
    );
    assert_eq!(
        one(r#"{"id":"1","gender":"NON_BINARY"}"#).gender,
        Field::Value("non_binary".into())
    );
    assert_eq!(one(r#"{"id":"1","gender":null}"#).gender, Field::Empty);
}

#[test]
fn a_missing_or_odd_is_active_is_unknown_not_inactive() {
    let p = one(r#"{"id":"1","isActive":"yes"}"#);
    assert_eq!(p.active, None);
    assert!(p.unknown_status.unwrap().contains("yes"));
    assert_eq!(one(r#"{"id":"1"}"#).active, None);
}

#[test]
fn absent_keys_are_not_shared_and_nulls_are_empty() {
    let p = one(r#"{"id":"1","firstName":null,"email":"  "}"#);
    assert_eq!(p.first_name, Field::Empty);
    assert_eq!(p.last_name, Field::NotShared);
    assert_eq!(p.email, None);
}

#[test]
fn an_item_without_an_id_makes_the_page_unusable() {
    let err = parse_users_page(page(r#"{"firstName":"A"}"#).as_bytes()).unwrap_err();
    assert!(
        matches!(err, ReplyError::Malformed(ref m) if m.contains("id")),
        "{err}"
    );
}

#[test]
fn errors_are_read_even_when_data_is_present() {
    let body = r#"{"data":{"users":null},"errors":[{"message":"Cannot query field \"jobTitle\" on type \"User\"."}]}"#;
    assert_eq!(
        parse_users_page(body.as_bytes()).unwrap_err().to_string(),
        "kiwiHR rejected the query: Cannot query field \"jobTitle\" on type \"User\"."
    );
    for msg in ["Unauthorized", "Not authenticated", "FORBIDDEN"] {
        let body = format!(r#"{{"errors":[{{"message":"{msg}"}}]}}"#);
        assert!(
            matches!(
                parse_users_page(body.as_bytes()),
                Err(ReplyError::Unauthorized(_))
            ),
            "{msg}"
        );
    }
}

#[test]
fn replies_without_the_expected_shape_are_malformed() {
    for body in ["", "<html>", r#"{"data":"#] {
        assert_eq!(
            parse_users_page(body.as_bytes()),
            Err(ReplyError::NotJson),
            "{body}"
        );
    }
    for body in [
        "null",
        "[]",
        r#"{"data":null}"#,
        r#"{"data":{"users":{"items":[]}}}"#,
        r#"{"errors":[]}"#,
    ] {
        assert!(
            matches!(
                parse_users_page(body.as_bytes()),
                Err(ReplyError::Malformed(_))
            ),
            "{body}"
        );
    }
}

#[test]
fn null_items_are_an_empty_page() {
    let body = r#"{"data":{"users":{"items":null,"pageInfo":{"count":0,"next":null}}}}"#;
    let page = parse_users_page(body.as_bytes()).unwrap();
    assert_eq!((page.people.len(), page.count), (0, 0));
}

#[test]
fn dates_are_strict_about_their_shape() {
    assert_eq!(parse_date("2024-02-29"), Some(date!(2024 - 02 - 29)));
    for bad in [
        "2023-02-29",
        "2024-2-29",
        "20240229",
        "2024-02-29x",
        "",
        "2024-02-2é",
        "ééééééééééé",
    ] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
}
