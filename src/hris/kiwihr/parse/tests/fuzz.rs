//! Property tests: no bytes or JSON make the parser panic, and whatever it parses fills only what
//! kiwiHR owns.

use proptest::prelude::*;

use super::*;

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}.{0,4}".prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
    ];
    let keys = prop_oneof![
        Just("data".to_string()),
        Just("users".to_string()),
        Just("items".to_string()),
        Just("pageInfo".to_string()),
        Just("count".to_string()),
        Just("next".to_string()),
        Just("errors".to_string()),
        Just("message".to_string()),
        Just("id".to_string()),
        Just("email".to_string()),
        Just("birthDate".to_string()),
        Just("teams".to_string()),
        Just("team".to_string()),
        Just("name".to_string()),
        Just("manager".to_string()),
        Just("isActive".to_string()),
        Just("position".to_string()),
        Just("gender".to_string()),
        Just("employmentEndDate".to_string()),
        ".{0,6}",
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(keys.clone(), inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_users_page(&bytes);
        let _ = graphql_errors(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in arb_json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        let _ = parse_users_page(&bytes);
        let _ = graphql_errors(&bytes);
    }

    #[test]
    fn arbitrary_users_never_panic(items in prop::collection::vec(arb_json(), 0..5), count in any::<u64>()) {
        let body = serde_json::json!({"data": {"users": {"items": items, "pageInfo": {"count": count, "next": null}}}});
        if let Ok(page) = parse_users_page(&serde_json::to_vec(&body).unwrap()) {
            prop_assert_eq!(page.count, count);
            for a in carried(&page.people) {
                prop_assert!(OWNS.contains(&a), "the parser filled {a:?}, which kiwiHR does not own");
            }
        }
    }
}
