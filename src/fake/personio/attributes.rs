//! `GET /v1/company/employees/attributes`: what the credential may read, with labels and kinds.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::server::{Inner, with_token};
use super::{ALL_KEYS, BIRTH_DATE_KEY};
use crate::fake::Target;
use crate::fake::people::FakePerson;

pub(super) async fn attributes(State(st): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    if let Some(r) = st.fault(Target::Attributes).await {
        return r;
    }
    let token = match st.authorize(&headers) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    let sample = st.people().first().cloned();
    let data: Vec<Value> = ALL_KEYS
        .iter()
        .filter(|k| st.readable(k))
        .map(|k| {
            let (label, kind) = label_and_kind(k, sample.as_ref());
            let universal = if *k == BIRTH_DATE_KEY {
                json!("date_of_birth")
            } else if k.starts_with("dynamic_") {
                Value::Null
            } else {
                json!(k)
            };
            let options = match *k {
                "employment_type" => json!(["internal", "external"]),
                _ => json!([]),
            };
            json!({"key": k, "label": label, "type": kind, "universal_id": universal, "options": options})
        })
        .collect();
    with_token(
        axum::Json(json!({"success": true, "data": data})).into_response(),
        &token,
    )
}

pub(super) fn label_and_kind(key: &str, sample: Option<&FakePerson>) -> (String, &'static str) {
    if let Some(c) = sample.and_then(|p| p.custom.iter().find(|c| c.key == key)) {
        return (c.label.clone(), c.kind);
    }
    let (label, kind) = match key {
        "id" => ("ID", "integer"),
        "first_name" => ("First name", "standard"),
        "last_name" => ("Last name", "standard"),
        "preferred_name" => ("Preferred name", "standard"),
        "email" => ("Email", "standard"),
        "gender" => ("Gender", "standard"),
        "status" => ("Status", "standard"),
        "position" => ("Position", "standard"),
        "department" => ("Department", "standard"),
        "office" => ("Office", "standard"),
        "supervisor" => ("Supervisor", "standard"),
        "hire_date" => ("Hire date", "date"),
        "termination_date" => ("Termination date", "date"),
        "employment_type" => ("Employment type", "standard"),
        "weekly_working_hours" => ("Weekly hours", "standard"),
        BIRTH_DATE_KEY => ("Date of birth", "date"),
        _ => ("Attribute", "standard"),
    };
    (label.to_owned(), kind)
}
