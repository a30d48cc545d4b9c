//! The kiwiHR user fields the sync reads, with our labels: kiwiHR has no attribute listing (its
//! schema is fixed, kiwihr.md §3), so this list is what Roster offers for rules on kiwiHR data,
//! and what every synced user keeps in the snapshot as its [`AttributeList`].

use std::sync::{Arc, LazyLock};

use serde_json::{Map, Value};

use crate::hris::{AttributeInfo, AttributeList};

/// `(GraphQL field, label, GraphQL type)`, in the order the listing shows them. Each must be
/// selected by [`super::USERS_QUERY`] (a test checks that).
pub const FIELDS: &[(&str, &str, &str)] = &[
    ("firstName", "First name", "String"),
    ("lastName", "Last name", "String"),
    ("email", "Email", "String"),
    ("isActive", "Active", "Boolean"),
    ("position", "Position", "Position"),
    ("location", "Location", "Location"),
    ("teams", "Teams", "[Team]"),
    ("manager", "Manager", "User"),
    ("employeeNumber", "Employee number", "String"),
    ("employmentStartDate", "Employment start date", "Date"),
    ("employmentEndDate", "Employment end date", "Date"),
    ("birthDate", "Birth date", "Date"),
    ("gender", "Gender", "Gender"),
    ("nationality", "Nationality", "String"),
    ("language", "Language", "String"),
    ("pronouns", "Pronouns", "String"),
];

/// One shared description per field, for every user of every page.
static INFOS: LazyLock<Vec<Arc<AttributeInfo>>> = LazyLock::new(|| {
    FIELDS
        .iter()
        .map(|&(key, label, kind)| {
            Arc::new(AttributeInfo {
                key: key.to_owned(),
                label: label.to_owned(),
                kind: kind.to_owned(),
            })
        })
        .collect()
});

/// The descriptions of every field, for the attribute listing.
pub fn listing() -> Vec<AttributeInfo> {
    INFOS.iter().map(|i| (**i).clone()).collect()
}

/// Every listed field the reply carries for `user` (a field left out of the reply is not kept).
/// A user with every field (the usual case) shares one list of descriptions with the others.
pub fn attributes(user: &Map<String, Value>) -> AttributeList {
    static ALL: LazyLock<Arc<[Arc<AttributeInfo>]>> = LazyLock::new(|| INFOS.as_slice().into());
    let sent: Vec<(&Arc<AttributeInfo>, &Value)> = INFOS
        .iter()
        .filter_map(|info| Some((info, user.get(&info.key)?)))
        .collect();
    let infos = if sent.len() == INFOS.len() {
        ALL.clone()
    } else {
        sent.iter().map(|(info, _)| Arc::clone(info)).collect()
    };
    AttributeList::new(infos, sent.iter().map(|(info, v)| text(&info.kind, v)))
}

/// A value as text: objects by `name` (a manager by email), lists joined, dates cut to the day.
fn text(kind: &str, v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) if kind == "Date" => s.trim().chars().take(10).collect(),
        Value::String(s) => s.trim().to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| text(kind, i))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(o) => ["name", "email", "id"]
            .iter()
            .find_map(|k| o.get(*k).filter(|x| !x.is_null()))
            .map(|x| text(kind, x))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_listed_field_is_asked_for_by_the_query() {
        for (key, _, _) in FIELDS {
            let asked = super::super::USERS_QUERY
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == *key);
            assert!(asked, "{key} is listed but not queried");
        }
    }

    #[test]
    fn values_read_as_people_write_them() {
        let user = json!({"firstName": " Lena ", "location": {"id": "4", "name": "Berlin"},
            "teams": [{"id": "1", "name": "Design"}, {"id": "2", "name": "Web"}],
            "manager": {"id": "7", "email": "boss@example.com"}, "isActive": true,
            "employmentStartDate": "2021-03-01T00:00:00.000Z", "nationality": null});
        let got = attributes(user.as_object().unwrap());
        let value = |k: &str| got.iter().find(|a| a.key() == k).map(|a| a.value);
        assert_eq!(value("firstName"), Some("Lena"));
        assert_eq!(value("location"), Some("Berlin"));
        assert_eq!(value("teams"), Some("Design, Web"));
        assert_eq!(value("manager"), Some("boss@example.com"));
        assert_eq!(value("isActive"), Some("true"));
        assert_eq!(value("employmentStartDate"), Some("2021-03-01"));
        assert_eq!(value("nationality"), Some(""));
        assert_eq!(value("pronouns"), None, "not in the reply, not kept");
    }
}
