//! What the client sends: the API key header and the sync query (checked against the fake's schema),
//! verify's one-user request, and a key that never shows in Debug and may not be empty.

use roster::fake::kiwihr::{FakeKiwi, GraphqlRequest};
use roster::hris::Provider;
use roster::hris::kiwihr::{
    KiwiClient, KiwiCredentials, KiwiEndpoint, USERS_QUERY, users_request_body,
};
use roster::hris::secret::Secret;
use roster::hris::transport::{Transport, TransportConfig};
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn every_request_sends_the_api_key_header_and_the_sync_query() {
    let fake = FakeKiwi::builder()
        .people(3)
        .api_key("k-123")
        .start()
        .await
        .unwrap();
    client(&fake, 100).fetch().await.unwrap();

    let recorded = fake.requests();
    assert_eq!(recorded.len(), 1);
    let r = &recorded[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/api/graphql")
    );
    assert_eq!(r.header("X-Api-Key"), Some("k-123"));
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let gql = GraphqlRequest::decode(r).unwrap();
    assert_eq!(gql.query, USERS_QUERY);
    assert_eq!(gql.operation_name.as_deref(), Some("RosterUsers"));
    assert_eq!(
        Value::Object(gql.variables),
        json!({"offset": 0, "limit": 100, "sort": [{"field": "id", "direction": "asc"}]})
    );
}

#[tokio::test]
async fn the_sync_query_passes_the_fakes_schema_and_a_misspelling_would_not() {
    let fake = FakeKiwi::builder().people(2).start().await.unwrap();
    let http = reqwest::Client::new();
    let send = |body: Value| {
        http.post(fake.endpoint_url())
            .header("x-api-key", fake.api_key())
            .json(&body)
            .send()
    };
    let ok: Value = send(users_request_body(0, 10))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(ok.get("errors").is_none(), "{ok}");
    assert_eq!(ok["data"]["users"]["pageInfo"]["count"], 2);

    let mut typo = users_request_body(0, 10);
    typo["query"] = json!(USERS_QUERY.replace("employeeNumber", "employeeNumbr"));
    let bad: Value = send(typo).await.unwrap().json().await.unwrap();
    assert_eq!(
        bad["errors"][0]["message"],
        "Cannot query field \"employeeNumbr\" on type \"User\"."
    );
}

#[tokio::test]
async fn verify_asks_for_one_user_and_reports_the_head_count() {
    let fake = FakeKiwi::builder().people(7).start().await.unwrap();
    let check = client(&fake, 100).verify().await.unwrap();
    assert_eq!(check.people, 7);
    let reqs = fake.graphql_requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        (reqs[0].int("offset"), reqs[0].int("limit")),
        (Some(0), Some(1))
    );
}

#[test]
fn the_api_key_never_shows_in_debug_output() {
    let creds = KiwiCredentials {
        api_key: Secret::new("super-secret-kiwi-key"),
    };
    assert!(!format!("{creds:?}").contains("super-secret"));
    let endpoint = KiwiEndpoint::parse("https://acme.kiwihr.com").unwrap();
    let transport = Transport::new(Provider::Kiwihr, TransportConfig::fast_for_tests()).unwrap();
    let client = KiwiClient::new(endpoint, creds, transport).unwrap();
    assert!(!format!("{client:?}").contains("super-secret"));
}

#[test]
fn a_client_refuses_an_empty_key_or_another_providers_transport() {
    let endpoint = KiwiEndpoint::parse("https://acme.kiwihr.com").unwrap();
    let kiwi = Transport::new(Provider::Kiwihr, TransportConfig::default()).unwrap();
    let personio = Transport::new(Provider::Personio, TransportConfig::default()).unwrap();
    let creds = |k: &str| KiwiCredentials {
        api_key: Secret::new(k),
    };
    assert!(KiwiClient::new(endpoint.clone(), creds(" "), kiwi.clone()).is_err());
    assert!(KiwiClient::new(endpoint.clone(), creds("a\nb"), kiwi).is_err());
    assert!(KiwiClient::new(endpoint, creds("k"), personio).is_err());
}
