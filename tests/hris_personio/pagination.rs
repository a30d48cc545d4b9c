//! Pagination: a total that changes between pages, the limit cap, the page cap, lenient offsets and
//! ids, an empty company, and the fake's filters and default page size.

use std::collections::HashSet;

use roster::fake::personio::OverLimit;
use roster::fake::{Fault, FaultKind, Target};
use roster::hris::personio::PersonioOptions;
use roster::hris::{FetchError, TransportConfig};

use crate::helpers::*;

#[tokio::test]
async fn a_total_that_changes_between_pages_is_an_error_not_a_partial_list() {
    let fake = builder(25)
        .fault(Fault::new(Target::Page(2), FaultKind::AddPerson).times(1))
        .start()
        .await;
    let err = client(&fake).fetch().await.unwrap_err();
    assert!(matches!(err, FetchError::Inconsistent { .. }), "{err:?}");
    assert!(err.is_transient());
    // The next run sees a stable list again.
    let snap = client(&fake).fetch().await.unwrap();
    assert_eq!(snap.people.len(), 26);
}

#[tokio::test]
async fn a_limit_above_the_cap_is_refused_or_clamped() {
    let strict = builder(130).start().await;
    let err = client_with(&strict, TransportConfig::fast_for_tests(), 150)
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(
        err.to_string().contains("limit must not exceed 100"),
        "{err}"
    );

    let clamping = builder(130).limit_cap(100, OverLimit::Clamp).start().await;
    let snap = client_with(&clamping, TransportConfig::fast_for_tests(), 150)
        .fetch()
        .await
        .unwrap();
    assert_eq!(ids(&snap), fake_ids(&clamping));
    assert_eq!(snap.pages, 2);
}

#[tokio::test]
async fn a_list_longer_than_the_page_cap_is_an_error() {
    let fake = fake(25).await;
    let c = client(&fake).with_options(PersonioOptions {
        page_size: 7,
        max_pages: 3,
        ..PersonioOptions::default()
    });
    let err = c.fetch().await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooManyPages { pages: 3, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn offsets_echoed_as_strings_and_ids_as_strings_read_the_same() {
    let plain = fake(25).await;
    let quirky = builder(25)
        .offsets_as_strings(true)
        .ids_as_strings(true)
        .start()
        .await;
    let a = client(&plain).fetch().await.unwrap();
    let b = client(&quirky).fetch().await.unwrap();
    assert_eq!(a, b);
}

#[tokio::test]
async fn an_empty_company_is_an_empty_snapshot() {
    let fake = fake(0).await;
    let snap = client(&fake).fetch().await.unwrap();
    assert!(snap.people.is_empty());
    assert_eq!(snap.pages, 1);
}

#[tokio::test]
async fn the_fake_filters_by_email_and_attributes_and_has_a_default_page_size() {
    let fake = fake(60).await;
    let login: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/v1/auth", fake.base_url()))
        .json(&serde_json::json!({"client_id": "cid_test", "client_secret": "sec_test"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["data"]["token"].as_str().unwrap().to_owned();
    let get = |q: &str| {
        let url = format!("{}{EMPLOYEES}{q}", fake.base_url());
        let token = token.clone();
        async move {
            let r = reqwest::Client::new()
                .get(url)
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.headers()["authorization"], format!("Bearer {token}"));
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let all = get("").await;
    assert_eq!(all["data"].as_array().unwrap().len(), 50);
    assert_eq!(all["metadata"]["total_elements"], 60);
    let email = fake.people()[3].email.clone().unwrap();
    let one = get(&format!("?email={email}")).await;
    assert_eq!(one["data"].as_array().unwrap().len(), 1);
    let few = get("?limit=2&attributes[]=email&attributes[]=first_name").await;
    let keys: HashSet<_> = few["data"][0]["attributes"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let want: HashSet<_> = ["id", "email", "first_name"].map(String::from).into();
    assert_eq!(keys, want);
}
