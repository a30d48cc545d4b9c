use super::*;

struct Tiny;
impl Schema for Tiny {
    fn field(&self, parent: &str, name: &str) -> Option<(FieldType, &'static [&'static str])> {
        match (parent, name) {
            ("Query", "users") => Some((FieldType::Object("User"), &["limit"])),
            ("User", "id") => Some((FieldType::Scalar("ID"), &[])),
            ("User", "manager") => Some((FieldType::Object("User"), &[])),
            _ => None,
        }
    }
}

#[test]
fn parses_a_named_query_with_variables_aliases_and_comments() {
    let op = parse(
        "# list\nquery Q($limit: Int! = 5, $s: [SortArgInput!]) {\n  people: users(limit: $limit) { id manager { id } }\n}",
        None,
    )
    .unwrap();
    assert_eq!(op.name.as_deref(), Some("Q"));
    assert_eq!(
        op.variables[0],
        VarDef {
            name: "limit".into(),
            type_name: "Int!".into(),
            required: true,
            default: Some(Literal::Int(5)),
        }
    );
    assert_eq!(op.variables[1].type_name, "[SortArgInput!]");
    assert!(!op.variables[1].required);
    let users = &op.selection[0];
    assert_eq!((users.key(), users.name.as_str()), ("people", "users"));
    assert_eq!(users.pos, Pos { line: 3, column: 3 });
    assert_eq!(users.arg("limit"), Some(&Literal::Var("limit".into())));
    assert!(validate(&op, &Tiny).is_empty());
}

#[test]
fn an_unknown_field_is_reported_with_its_location() {
    let op = parse("{\n  users {\n    id\n    jobTitle\n  }\n}", None).unwrap();
    let errs = validate(&op, &Tiny);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].message,
        "Cannot query field \"jobTitle\" on type \"User\"."
    );
    assert_eq!(errs[0].locations, vec![Pos { line: 4, column: 5 }]);
}

#[test]
fn unknown_arguments_undefined_variables_and_missing_selections_are_errors() {
    let op = parse("{ users(offset: $o) }", None).unwrap();
    let msgs: Vec<String> = validate(&op, &Tiny)
        .into_iter()
        .map(|e| e.message)
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("Variable \"$o\" is not defined")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("Unknown argument \"offset\"")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("must have a selection")),
        "{msgs:?}"
    );
}

#[test]
fn garbage_and_unsupported_syntax_are_errors_not_panics() {
    for src in [
        "",
        "{",
        "}",
        "query",
        "{ users { ...F } }",
        "mutation { x }",
        "{ a(b: [1, {c: \"",
        "{ a @skip }",
        "...",
        ". .",
        "{ a(b: -) }",
        &"{a".repeat(100),
    ] {
        assert!(parse(src, None).is_err(), "{src}");
    }
}

#[test]
fn required_variables_must_be_given_and_defaults_fill_the_rest() {
    let op = parse(
        "query Q($offset: Int!, $limit: Int! = 5, $s: [SortArgInput!]) { users(limit: $limit) { id } }",
        None,
    )
    .unwrap();
    let given: serde_json::Map<String, Value> =
        serde_json::from_value(json!({"offset": 2, "extra": true})).unwrap();
    let vars = apply_variables(&op, &given).unwrap();
    assert_eq!(
        Value::Object(vars),
        json!({"offset": 2, "limit": 5, "s": null})
    );

    let missing = apply_variables(&op, &serde_json::Map::new()).unwrap_err();
    assert_eq!(
        missing[0].message,
        "Variable \"$offset\" of required type \"Int!\" was not provided."
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_text_never_panics_the_parser(src in ".{0,200}") {
        if let Ok(op) = parse(&src, None) {
            let _ = validate(&op, &Tiny);
        }
    }

    #[test]
    fn arbitrary_graphql_shaped_text_never_panics(src in r#"[{}()\[\]:$!=,."a-z0-9 \n#@-]{0,120}"#) {
        if let Ok(op) = parse(&src, Some("a")) {
            let _ = validate(&op, &Tiny);
            let _ = apply_variables(&op, &serde_json::Map::new());
        }
    }
}
