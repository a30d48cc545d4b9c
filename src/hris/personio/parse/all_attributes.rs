//! Every attribute of an employee kept as sent (an [`AttributeList`]), with one shared
//! description per key and page.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::values::{parse_date, stringify, value_of};
use crate::hris::{AttributeInfo, AttributeList, clean};

/// The page's attribute descriptions, one per key (while label and kind stay the same), so every
/// person points at one shared description instead of carrying a copy of its label; and the
/// last person's list of them, which the next person shares when they have the same attributes.
#[derive(Default)]
pub(super) struct Infos {
    by_key: HashMap<String, (String, String, Arc<AttributeInfo>)>,
    last: Option<Arc<[Arc<AttributeInfo>]>>,
}

impl Infos {
    fn get(&mut self, key: &str, label: &str, kind: &str) -> Arc<AttributeInfo> {
        if let Some((l, k, info)) = self.by_key.get(key)
            && l == label
            && k == kind
        {
            return info.clone();
        }
        let info = Arc::new(AttributeInfo {
            key: key.to_owned(),
            label: match clean::plain(label) {
                l if l.is_empty() => key.to_owned(),
                l => l,
            },
            kind: kind.to_owned(),
        });
        self.by_key.insert(
            key.to_owned(),
            (label.to_owned(), kind.to_owned(), info.clone()),
        );
        info
    }

    /// `list` as a shared list: the previous person's when it is the same descriptions.
    fn list(&mut self, list: Vec<Arc<AttributeInfo>>) -> Arc<[Arc<AttributeInfo>]> {
        if let Some(last) = &self.last
            && last.len() == list.len()
            && last.iter().zip(&list).all(|(a, b)| Arc::ptr_eq(a, b))
        {
            return last.clone();
        }
        let list: Arc<[Arc<AttributeInfo>]> = list.into();
        self.last = Some(list.clone());
        list
    }
}

/// Every attribute of one employee as sent, with its label and kind (see [`HrisAttribute`]).
pub(super) fn attributes(attrs: &Map<String, Value>, infos: &mut Infos) -> AttributeList {
    let mut list = Vec::with_capacity(attrs.len());
    let mut values = Vec::with_capacity(attrs.len());
    for (key, env) in attrs {
        let label = env.get("label").and_then(Value::as_str).unwrap_or(key);
        let kind = env
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("standard");
        list.push(infos.get(key, label, kind));
        let kind = if DATE_KEYS.contains(&key.as_str()) {
            "date"
        } else {
            kind
        };
        values.push(attribute_text(kind, value_of(env)));
    }
    AttributeList::new(infos.list(list), values)
}

/// Standard attributes that are dates whatever kind an answer gives them.
const DATE_KEYS: &[&str] = &[
    "hire_date",
    "contract_end_date",
    "termination_date",
    "last_working_day",
    "probation_period_end",
];

/// An attribute value as text: dates as `YYYY-MM-DD`, a multi-select sent as a JSON-encoded list
/// inside a string as its items joined, anything else as [`stringify`] gives it.
fn attribute_text(kind: &str, v: &Value) -> String {
    match (kind, v) {
        ("date", Value::String(s)) => match parse_date(s) {
            Some(d) => d.to_string(),
            None => stringify(v),
        },
        ("tags", Value::String(s)) if s.trim_start().starts_with('[') => {
            match serde_json::from_str::<Value>(s) {
                Ok(list @ Value::Array(_)) => stringify(&list),
                _ => stringify(v),
            }
        }
        _ => stringify(v),
    }
}
