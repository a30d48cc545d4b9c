//! Paging: every page walked in id order, the end found by the count, a total that changes or does
//! not match the items, the page cap, an empty company, and a server that clamps the page size.

use roster::fake::kiwihr::FakeKiwi;
use roster::fake::{Fault, FaultKind, Target};
use roster::hris::Provider;
use roster::hris::kiwihr::{KiwiClient, KiwiCredentials, KiwiEndpoint, KiwiOptions};
use roster::hris::secret::Secret;
use roster::hris::transport::{FetchError, Transport, TransportConfig};

use crate::helpers::*;

#[tokio::test]
async fn fetch_walks_every_page_in_id_order_with_page_size_two() {
    let fake = FakeKiwi::builder().people(11).start().await.unwrap();
    let snapshot = client(&fake, 2).fetch().await.unwrap();

    assert_eq!(snapshot.provider, Provider::Kiwihr);
    assert_eq!(snapshot.pages, 6);
    let ids: Vec<String> = snapshot
        .people
        .iter()
        .map(|p| p.source_id.clone())
        .collect();
    let expected: Vec<String> = fake.users().iter().map(|u| u.id.to_string()).collect();
    assert_eq!(ids, expected);
    assert_eq!(offsets(&fake), vec![0, 2, 4, 6, 8, 10]);
    assert!(
        fake.graphql_requests()
            .iter()
            .all(|r| r.int("limit") == Some(2))
    );
}

#[tokio::test]
async fn a_full_last_page_ends_the_walk_by_count_without_an_extra_request() {
    let fake = FakeKiwi::builder().people(6).start().await.unwrap();
    let snapshot = client(&fake, 2).fetch().await.unwrap();
    assert_eq!((snapshot.people.len(), snapshot.pages), (6, 3));
    assert_eq!(offsets(&fake), vec![0, 2, 4]);
}

#[tokio::test]
async fn a_hire_between_pages_fails_the_run_and_the_next_run_is_consistent() {
    let fake = FakeKiwi::builder()
        .people(6)
        .fault(Fault::new(Target::Page(1), FaultKind::AddPerson).times(1))
        .start()
        .await
        .unwrap();
    let client = client(&fake, 2);
    let err = client.fetch().await.unwrap_err();
    assert!(matches!(err, FetchError::Inconsistent { .. }), "{err:?}");
    assert!(err.is_transient(), "worth trying again later");

    let again = client.fetch().await.unwrap();
    assert_eq!(again.people.len(), 7);
}

#[tokio::test]
async fn a_count_that_does_not_match_the_items_is_an_error() {
    let fake = FakeKiwi::builder().people(5).start().await.unwrap();
    fake.set_count_skew(1);
    let err = client(&fake, 2).fetch().await.unwrap_err();
    assert!(matches!(err, FetchError::Inconsistent { .. }), "{err:?}");
    fake.set_count_skew(-2);
    let err = client(&fake, 2).fetch().await.unwrap_err();
    assert!(matches!(err, FetchError::Inconsistent { .. }), "{err:?}");
}

#[tokio::test]
async fn more_pages_than_the_cap_is_an_error() {
    let fake = FakeKiwi::builder().people(12).start().await.unwrap();
    let endpoint = KiwiEndpoint::operator_override(fake.endpoint_url().parse().unwrap()).unwrap();
    let options = KiwiOptions {
        page_size: 2,
        max_pages: 3,
        ..KiwiOptions::default()
    };
    let transport = Transport::new(Provider::Kiwihr, TransportConfig::fast_for_tests()).unwrap();
    let creds = KiwiCredentials {
        api_key: Secret::new(fake.api_key()),
    };
    let client = KiwiClient::with_options(endpoint, creds, transport, options).unwrap();
    let err = client.fetch().await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooManyPages { pages: 3, .. }),
        "{err:?}"
    );
    assert_eq!(offsets(&fake).len(), 3);
}

#[tokio::test]
async fn an_empty_company_is_an_empty_snapshot_in_one_request() {
    let fake = FakeKiwi::builder().people(0).start().await.unwrap();
    let s = client(&fake, 2).fetch().await.unwrap();
    assert!(s.people.is_empty());
    assert_eq!(s.pages, 1);
}

#[tokio::test]
async fn a_server_that_clamps_the_page_size_is_still_read_completely() {
    let fake = FakeKiwi::builder()
        .people(7)
        .max_limit(2)
        .clamp_above_max_limit(true)
        .start()
        .await
        .unwrap();
    let s = client(&fake, 5).fetch().await.unwrap();
    assert_eq!(s.people.len(), 7);
    assert_eq!(offsets(&fake), vec![0, 2, 4, 6]);
}
