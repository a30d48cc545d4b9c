//! The HTTP side of the fake: the one route, key check, fault injection, then GraphQL.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::knobs::insert_user;
use super::schema::{self, Ctx, KiwiSchema, Render};
use super::{PATH, Shared, fixtures, graphql};
use crate::fake::{FaultKind, RecordedRequest, Target};

/// A GraphQL request as a test wants to look at it.
#[derive(Debug, Clone)]
pub struct GraphqlRequest {
    pub api_key: Option<String>,
    pub query: String,
    pub variables: Map<String, Value>,
    pub operation_name: Option<String>,
}

impl GraphqlRequest {
    pub fn decode(r: &RecordedRequest) -> Option<GraphqlRequest> {
        if r.method != "POST" || r.path != PATH {
            return None;
        }
        let body: Value = serde_json::from_slice(&r.body).ok()?;
        Some(GraphqlRequest {
            api_key: r.header("x-api-key").map(str::to_owned),
            query: body.get("query")?.as_str()?.to_owned(),
            variables: body
                .get("variables")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            operation_name: body
                .get("operationName")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }
    /// An integer variable, e.g. `offset` or `limit`.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.variables.get(name).and_then(Value::as_i64)
    }
}

fn errors(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"errors": [{"message": message}]})),
    )
        .into_response()
}

pub(super) async fn not_found() -> Response {
    errors(StatusCode::NOT_FOUND, "Not Found")
}

pub(super) async fn graphql(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let key_ok = headers
        .get("x-api-key")
        .is_some_and(|k| k.as_bytes() == s.api_key.as_bytes());
    if !key_ok {
        return errors(s.unauthorized_status, "Unauthorized");
    }
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(&body) else {
        return errors(
            StatusCode::BAD_REQUEST,
            "Body must be a JSON object {query, variables}.",
        );
    };
    let Some(query) = req.get("query").and_then(Value::as_str) else {
        return errors(StatusCode::BAD_REQUEST, "Must provide query string.");
    };
    let variables = match req.get("variables") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(v)) => v.clone(),
        Some(_) => return errors(StatusCode::BAD_REQUEST, "Variables must be an object."),
    };
    let op_name = req.get("operationName").and_then(Value::as_str);
    let op = match graphql::parse(query, op_name) {
        Ok(op) => op,
        Err(e) => return gql_errors(vec![e]),
    };
    let invalid = graphql::validate(&op, &KiwiSchema);
    if !invalid.is_empty() {
        return gql_errors(invalid);
    }
    let variables = match graphql::apply_variables(&op, &variables) {
        Ok(v) => v,
        Err(errs) => return gql_errors(errs),
    };

    let target = {
        let ctx = Ctx {
            users: &[],
            teams: &[],
            max_limit: s.max_limit,
            clamp_limit: s.clamp_limit,
            default_limit: s.default_limit,
            render: Render::default(),
            variables: &variables,
        };
        match schema::page_request(&op, &ctx) {
            Some((root, offset, limit)) if root == "users" => {
                Target::Page(u32::try_from(offset / limit).unwrap_or(u32::MAX))
            }
            _ => Target::Attributes,
        }
    };
    if let Some(kind) = s.faults.take(target) {
        match kind {
            FaultKind::Status(code) => {
                let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return errors(code, code.canonical_reason().unwrap_or("Error"));
            }
            FaultKind::RateLimited { retry_after } => {
                let mut resp = errors(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
                if let Some(secs) = retry_after {
                    resp.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                return resp;
            }
            FaultKind::NotJson => {
                return (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"data":{"users":{"items":[{"id":"1","firstName":"#,
                )
                    .into_response();
            }
            FaultKind::Slow(d) => tokio::time::sleep(d).await,
            FaultKind::Redirect(to) => {
                return (StatusCode::FOUND, [(header::LOCATION, to)]).into_response();
            }
            FaultKind::AddPerson => {
                let mut data = s.data();
                let n = data.users.len();
                let mut u = fixtures::new_user(
                    0,
                    "New",
                    &format!("Hire{n}"),
                    Some(&format!("new.hire{n}@example.com")),
                );
                insert_user(&mut data.users, &mut u);
            }
        }
    }

    let mut data = s.data();
    if let Some(i) = data.graphql_errors.iter().position(|(t, _, _)| {
        *t == target || (*t == Target::AnyPage && matches!(target, Target::Page(_)))
    }) {
        let message = data.graphql_errors[i].1.clone();
        match &mut data.graphql_errors[i].2 {
            Some(n) if *n <= 1 => {
                data.graphql_errors.remove(i);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        return errors(StatusCode::OK, &message);
    }
    let ctx = Ctx {
        users: &data.users,
        teams: &data.teams,
        max_limit: s.max_limit,
        clamp_limit: s.clamp_limit,
        default_limit: s.default_limit,
        render: data.render,
        variables: &variables,
    };
    match schema::execute(&op, &ctx) {
        Ok(result) => axum::Json(json!({ "data": result })).into_response(),
        Err(errs) => gql_errors(errs),
    }
}

fn gql_errors(errs: Vec<graphql::GqlError>) -> Response {
    let errs: Vec<Value> = errs.iter().map(graphql::GqlError::to_json).collect();
    (
        StatusCode::OK,
        axum::Json(json!({ "errors": errs, "data": null })),
    )
        .into_response()
}
