//! `GET /v1/company/employees`: pages of employees in attribute envelopes, whitelisted.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::server::{Inner, envelope, with_token};
use super::{ALL_KEYS, BIRTH_DATE_KEY, OverLimit, attributes::label_and_kind};
use crate::fake::Target;
use crate::fake::people::{FakePerson, iso};

pub(super) async fn employees(
    State(st): State<Arc<Inner>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let cfg = &st.cfg;
    let mut limit = match param("limit").map(|l| l.parse::<usize>()) {
        None => cfg.default_limit,
        Some(Ok(l)) if l >= 1 => l,
        Some(_) => {
            return envelope(
                StatusCode::BAD_REQUEST,
                400,
                "limit must be a positive number",
            );
        }
    };
    if limit > cfg.max_limit {
        match cfg.over_limit {
            OverLimit::Reject => {
                return envelope(
                    StatusCode::BAD_REQUEST,
                    400,
                    &format!("limit must not exceed {}", cfg.max_limit),
                );
            }
            OverLimit::Clamp => limit = cfg.max_limit,
        }
    }
    let offset = match param("offset").map(|o| o.parse::<usize>()) {
        None => 0,
        Some(Ok(o)) => o,
        Some(Err(_)) => return envelope(StatusCode::BAD_REQUEST, 400, "offset must be a number"),
    };
    if let Some(r) = st.fault(Target::Page((offset / limit) as u32)).await {
        return r;
    }
    st.expire_if_due(Target::Page((offset / limit) as u32));
    let token = match st.authorize(&headers) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    let wanted: Option<HashSet<String>> = {
        let a: HashSet<String> = pairs
            .iter()
            .filter(|(k, _)| k == "attributes[]" || k == "attributes")
            .map(|(_, v)| v.clone())
            .collect();
        (!a.is_empty()).then_some(a)
    };
    // Borrowed, not cloned, and supervisors looked up for this page only: a page of a
    // 50,000-person fake must cost a page, or the benchmarks measure the fake.
    let people = st.people();
    let selected: Vec<&FakePerson> = match param("email") {
        Some(e) => people
            .iter()
            .filter(|p| {
                p.email
                    .as_deref()
                    .is_some_and(|m| m.eq_ignore_ascii_case(&e))
            })
            .collect(),
        None => people.iter().collect(),
    };
    let total = selected.len();
    let page: Vec<&FakePerson> = selected.iter().skip(offset).take(limit).copied().collect();
    let supervisors: HashSet<u64> = page.iter().filter_map(|p| p.supervisor_id).collect();
    let by_id: HashMap<u64, &FakePerson> = people
        .iter()
        .filter(|p| supervisors.contains(&p.id))
        .map(|p| (p.id, p))
        .collect();
    let data: Vec<Value> = page
        .iter()
        .map(|p| render(&st, p, &by_id, wanted.as_ref()))
        .collect();
    let num = |n: usize| {
        if cfg.offsets_as_strings {
            json!(n.to_string())
        } else {
            json!(n)
        }
    };
    let body = json!({
        "success": true,
        "metadata": {
            "total_elements": total,
            "current_page": offset / limit,
            "total_pages": total.div_ceil(limit),
        },
        "offset": num(offset),
        "limit": num(limit),
        "data": data,
    });
    drop(people);
    with_token(axum::Json(body).into_response(), &token)
}

fn attr(label: &str, value: Value, kind: &str, universal: Option<&str>) -> Value {
    json!({"label": label, "value": value, "type": kind, "universal_id": universal})
}

fn render(
    st: &Inner,
    p: &FakePerson,
    by_id: &HashMap<u64, &FakePerson>,
    wanted: Option<&HashSet<String>>,
) -> Value {
    let id_value = |id: u64| {
        if st.cfg.ids_as_strings {
            json!(id.to_string())
        } else {
            json!(id)
        }
    };
    let date = |d: Option<time::Date>| match d {
        Some(d) => json!(format!("{}T00:00:00{}", iso(d), p.hire_offset)),
        None => Value::Null,
    };
    let mut attrs = serde_json::Map::new();
    for &key in ALL_KEYS {
        let sent = key == "id" || (st.readable(key) && wanted.is_none_or(|w| w.contains(key)));
        if !sent {
            continue;
        }
        let (label, kind) = label_and_kind(key, Some(p));
        let std = |v: Value| attr(&label, v, kind, Some(key));
        let v = match key {
            "id" => std(id_value(p.id)),
            "first_name" => std(json!(p.first_name)),
            "last_name" => std(json!(p.last_name)),
            "preferred_name" => std(json!("")),
            "email" => std(json!(p.email.clone().unwrap_or_default())),
            "gender" => std(json!(p.gender)),
            "status" => std(json!(p.status.as_str())),
            "position" => std(json!(p.position)),
            "department" => std(match &p.department {
                Some(d) => {
                    json!({"type": "Department", "attributes": {"id": d.id, "name": d.name}})
                }
                None => Value::Null,
            }),
            "office" => std(match &p.office {
                Some(o) => json!({"type": "Office", "attributes": {"id": o.id, "name": o.name}}),
                None => Value::Null,
            }),
            "supervisor" => std(match p.supervisor_id {
                Some(sid) => {
                    let s = by_id.get(&sid);
                    json!({"type": "Employee", "attributes": {
                        "id": attr("ID", id_value(sid), "integer", Some("id")),
                        "first_name": attr("First name", json!(s.map(|s| s.first_name.clone()).unwrap_or_default()), "standard", Some("first_name")),
                        "last_name": attr("Last name", json!(s.map(|s| s.last_name.clone()).unwrap_or_default()), "standard", Some("last_name")),
                        "email": attr("Email", json!(s.and_then(|s| s.email.clone()).unwrap_or_default()), "standard", Some("email")),
                    }})
                }
                None => Value::Null,
            }),
            "hire_date" => std(date(p.hire_date)),
            "termination_date" => std(date(p.termination_date)),
            "employment_type" => std(json!(p.employment_type)),
            "weekly_working_hours" => std(json!(p.weekly_working_hours)),
            BIRTH_DATE_KEY => attr(&label, date(p.birth_date), kind, Some("date_of_birth")),
            k => match p.custom.iter().find(|c| c.key == k) {
                Some(c) => attr(&c.label, c.value.clone(), c.kind, None),
                None => continue,
            },
        };
        attrs.insert(key.to_owned(), v);
    }
    json!({"type": "Employee", "attributes": attrs})
}
