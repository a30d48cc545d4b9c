//! Query strings read into typed structs, with a bad value answered by our 400 page naming the
//! parameter (`/people?page=abc`), instead of axum's plain-text rejection.

use axum::{extract::FromRequestParts, http::request::Parts};
use serde::de::DeserializeOwned;

use crate::web::AppError;

/// Longest part of a bad value echoed back on the error page.
const SHOWN_CHARS: usize = 40;

pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        parse(raw).map(Query)
    }
}

fn parse<T: DeserializeOwned>(raw: &str) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(raw.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let name = e.path().to_string();
        tracing::debug!(query = raw, error = %e.inner(), "bad query parameter");
        AppError::BadRequest(bad_parameter(raw, &name))
    })
}

/// "The address has a value Roster cannot use: page = “abc”. …"
fn bad_parameter(raw: &str, name: &str) -> String {
    let value = url::form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.chars().take(SHOWN_CHARS).collect::<String>());
    match value {
        Some(v) => format!(
            "The address has a value Roster cannot use: {name} = “{v}”. Correct “{name}” in the address, or remove it and try again."
        ),
        None => format!(
            "The address has a parameter Roster cannot use: “{name}”. Correct it in the address, or remove it and try again."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Q {
        q: Option<String>,
        page: Option<i64>,
    }

    #[test]
    fn a_bad_value_names_its_parameter() {
        let Err(AppError::BadRequest(msg)) = parse::<Q>("q=ann&page=abc") else {
            panic!("page=abc must be refused");
        };
        assert!(msg.contains("page = “abc”"), "{msg}");
        assert!(!msg.contains("invalid digit"), "no Rust error text: {msg}");
    }

    #[test]
    fn good_values_and_unknown_parameters_pass() {
        let q: Q = parse("q=ann&page=3&utm_source=mail").unwrap();
        assert_eq!((q.q.as_deref(), q.page), (Some("ann"), Some(3)));
    }
}
