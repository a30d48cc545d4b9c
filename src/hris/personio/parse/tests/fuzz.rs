//! Property tests: no bytes, JSON or date string makes the parser panic, and whatever it parses
//! fills only what Personio owns.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "[a-z0-9:+T -]{0,14}".prop_map(Value::String),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("id".to_string()),
            Just("value".to_string()),
            Just("attributes".to_string()),
            Just("data".to_string()),
            Just("status".to_string()),
            Just("hire_date".to_string()),
            Just("supervisor".to_string()),
            Just("department".to_string()),
            Just("name".to_string()),
            Just("email".to_string()),
            Just("universal_id".to_string()),
            Just("dynamic_1".to_string()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_page(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let _ = parse_page(v.to_string().as_bytes());
    }

    #[test]
    fn arbitrary_employees_never_panic(attrs in arb_json(), data_extra in arb_json()) {
        let doc = json!({"success": true, "metadata": {"total_elements": data_extra},
                         "data": [{"attributes": attrs}, data_extra]});
        if let Ok(page) = parse_page(doc.to_string().as_bytes()) {
            for a in carried(&page.people) {
                prop_assert!(OWNS.contains(&a), "the parser filled {a:?}, which Personio does not own");
            }
        }
    }

    #[test]
    fn any_date_string_never_panics(s in "\\PC{0,16}") {
        let _ = parse_date(&s);
    }
}
