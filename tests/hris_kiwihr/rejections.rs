//! kiwiHR saying no: a wrong key (401, 403, or Unauthorized inside a 200), GraphQL errors and a page
//! size above kiwiHR's maximum.

use roster::fake::kiwihr::FakeKiwi;
use roster::fake::{Fault, FaultKind, Target};
use roster::hris::transport::{FetchError, TransportConfig};

use crate::helpers::*;

#[tokio::test]
async fn a_wrong_key_is_rejected_once_and_not_retried() {
    let fake = FakeKiwi::builder().api_key("right").start().await.unwrap();
    let err = client_with(&fake, "wrong", 2, TransportConfig::fast_for_tests())
        .fetch()
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::CredentialsRejected { .. }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "kiwiHR rejected the API token");
    assert!(!err.is_transient());
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn an_unauthorized_error_inside_a_200_is_a_rejected_key_too() {
    let fake = FakeKiwi::builder()
        .unauthorized_with_200(true)
        .start()
        .await
        .unwrap();
    let err = client_with(&fake, "wrong", 2, TransportConfig::fast_for_tests())
        .verify()
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "kiwiHR rejected the API token");
}

#[tokio::test]
async fn a_403_is_a_rejected_key() {
    let fake = FakeKiwi::builder()
        .fault(Fault::new(Target::Page(0), FaultKind::Status(403)))
        .start()
        .await
        .unwrap();
    let err = client(&fake, 2).fetch().await.unwrap_err();
    assert_eq!(err.to_string(), "kiwiHR rejected the API token");
}

#[tokio::test]
async fn graphql_errors_in_a_200_fail_the_fetch_with_kiwis_message() {
    let fake = FakeKiwi::builder().people(6).start().await.unwrap();
    fake.add_graphql_error(Target::Page(1), "Something broke in the resolver", None);
    let err = client(&fake, 2).fetch().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("kiwiHR rejected the query: Something broke in the resolver"),
        "{err}"
    );
    assert!(!err.is_transient());
    assert_eq!(offsets(&fake), vec![0, 2], "a query error is not retried");
}

#[tokio::test]
async fn a_page_size_above_kiwis_maximum_is_a_rejected_query() {
    let fake = FakeKiwi::builder().max_limit(50).start().await.unwrap();
    let err = client(&fake, 100).fetch().await.unwrap_err();
    assert!(err.to_string().contains("rejected the query"), "{err}");
    assert!(err.to_string().contains("limit"), "{err}");
}
