//! The happy path and signing in: every page fetched, credentials sent as a JSON body and never in
//! the query, wrong credentials not retried, one token per run, and its expiry, renewal and rotation.

use std::collections::HashSet;
use std::time::Duration;

use roster::fake::{Fault, FaultKind, Target};
use roster::hris::personio::PersonioLimits;
use roster::hris::{FetchError, Provider, TransportConfig};

use crate::helpers::*;

#[tokio::test]
async fn fetch_returns_every_person_from_every_page() {
    let fake = fake(25).await;
    let snap = client(&fake).fetch().await.unwrap();
    assert_eq!(snap.provider, Provider::Personio);
    assert_eq!(ids(&snap), fake_ids(&fake));
    assert_eq!(snap.pages, 4);
    assert!(unread(&snap).is_empty(), "{:?}", unread(&snap));
    let offsets: Vec<_> = fake
        .requests_to(EMPLOYEES)
        .iter()
        .map(|r| (r.query_param("limit"), r.query_param("offset")))
        .collect();
    let want: Vec<_> = [0, 7, 14, 21]
        .iter()
        .map(|o| (Some("7".to_string()), Some(o.to_string())))
        .collect();
    assert_eq!(offsets, want);
}

#[tokio::test]
async fn auth_sends_a_json_body_and_never_query_parameters() {
    let fake = fake(3).await;
    client(&fake).fetch().await.unwrap();
    let auth = fake.requests_to(AUTH);
    assert_eq!(auth.len(), 1);
    let r = &auth[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.query, None);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"client_id": "cid_test", "client_secret": "sec_test"})
    );
}

#[tokio::test]
async fn one_token_serves_the_whole_run() {
    let fake = fake(25).await;
    client(&fake).fetch().await.unwrap();
    assert_eq!(fake.tokens_issued(), 1);
    let tokens: HashSet<_> = fake
        .requests_to(EMPLOYEES)
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(tokens.len(), 1);
    assert!(tokens.iter().next().unwrap().starts_with("Bearer papi-"));
}

#[tokio::test]
async fn wrong_credentials_are_rejected_once_without_retrying() {
    for status in [403, 401] {
        let fake = builder(5).wrong_credentials_status(status).start().await;
        let c = client_for(
            fake.base_url(),
            creds("cid_test", "wrong"),
            TransportConfig::fast_for_tests(),
            7,
            PersonioLimits::unlimited(),
        );
        let err = c.fetch().await.unwrap_err();
        assert!(
            matches!(err, FetchError::CredentialsRejected { .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "Personio rejected the client ID and secret"
        );
        assert!(!err.is_transient());
        assert_eq!(fake.requests_to(AUTH).len(), 1);
        assert!(fake.requests_to(EMPLOYEES).is_empty());
    }
}

#[tokio::test]
async fn the_fake_takes_form_bodies_and_refuses_query_string_credentials() {
    let fake = fake(3).await;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/auth", fake.base_url());
    let form = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("client_id=cid_test&client_secret=sec_test")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let body: serde_json::Value = form.json().await.unwrap();
    assert!(body["data"]["token"].as_str().unwrap().starts_with("papi-"));
    assert_eq!(body["data"]["expires_in"], 86_400);
    let query = http
        .post(format!("{url}?client_id=cid_test&client_secret=sec_test"))
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 403);
    let missing = http
        .get(format!("{}{EMPLOYEES}", fake.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["message"], "Authorization is not provided");
}

#[tokio::test]
async fn a_token_expiring_mid_run_costs_exactly_one_new_sign_in() {
    let fake = fake(25).await;
    fake.expire_tokens_before(Target::Page(2));
    let snap = client(&fake).fetch().await.unwrap();
    assert_eq!(ids(&snap), fake_ids(&fake));
    assert_eq!(fake.requests_to(AUTH).len(), 2);
    assert_eq!(page_requests(&fake, 2), 2);
    assert_eq!(fake.requests_to(EMPLOYEES).len(), 5);
}

#[tokio::test]
async fn a_token_refused_again_after_signing_in_anew_is_an_error() {
    let fake = builder(25)
        .fault(Fault::new(Target::Page(1), FaultKind::Status(401)))
        .start()
        .await;
    let err = client(&fake).fetch().await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err:?}");
    assert_eq!(fake.requests_to(AUTH).len(), 2);
    assert_eq!(page_requests(&fake, 1), 2);
}

#[tokio::test]
async fn rotating_one_time_tokens_are_adopted_from_each_answer() {
    let fake = builder(25).rotating_tokens(true).start().await;
    let snap = client(&fake).fetch().await.unwrap();
    assert_eq!(ids(&snap), fake_ids(&fake));
    assert_eq!(fake.requests_to(AUTH).len(), 1);
    let tokens: HashSet<_> = fake
        .requests_to(EMPLOYEES)
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(
        tokens.len(),
        4,
        "each page used the token the previous one handed out"
    );
}

#[tokio::test]
async fn a_token_is_renewed_before_its_expires_in_runs_out() {
    let fake = builder(10).expires_in(Some(1)).start().await;
    let c = client(&fake);
    c.fetch().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    c.fetch().await.unwrap();
    assert_eq!(fake.requests_to(AUTH).len(), 2);
    // Renewed up front: no data request was refused.
    assert_eq!(fake.requests_to(EMPLOYEES).len(), 4);
}

#[tokio::test]
async fn a_token_without_expires_in_is_still_cached() {
    let fake = builder(25).expires_in(None).start().await;
    client(&fake).fetch().await.unwrap();
    assert_eq!(fake.requests_to(AUTH).len(), 1);
}
