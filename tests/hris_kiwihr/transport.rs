//! Transport against the fake: a redirect refused, 429 with Retry-After, 5xx retried or failing the
//! whole fetch, malformed JSON, and slow replies.

use std::time::{Duration, Instant};

use roster::fake::kiwihr::FakeKiwi;
use roster::fake::{Fault, FaultKind, Target};
use roster::hris::transport::{FetchError, TransportConfig};

use crate::helpers::*;

#[tokio::test]
async fn a_redirect_is_refused_and_not_followed() {
    let elsewhere = FakeKiwi::builder().start().await.unwrap();
    let fake = FakeKiwi::builder()
        .fault(Fault::new(
            Target::AnyPage,
            FaultKind::Redirect(elsewhere.endpoint_url()),
        ))
        .start()
        .await
        .unwrap();
    let err = client(&fake, 2).fetch().await.unwrap_err();
    assert!(
        matches!(err, FetchError::Redirect { status: 302, .. }),
        "{err:?}"
    );
    assert!(!err.is_transient());
    assert_eq!(fake.requests().len(), 1);
    assert!(
        elsewhere.requests().is_empty(),
        "the redirect target was never called"
    );
}

#[tokio::test]
async fn a_429_waits_for_retry_after_then_carries_on() {
    let fake = FakeKiwi::builder()
        .people(4)
        .fault(
            Fault::new(
                Target::Page(1),
                FaultKind::RateLimited {
                    retry_after: Some(1),
                },
            )
            .times(1),
        )
        .start()
        .await
        .unwrap();
    let started = Instant::now();
    let s = client(&fake, 2).fetch().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(s.people.len(), 4);
    assert_eq!(offsets(&fake), vec![0, 2, 2]);
}

#[tokio::test]
async fn a_502_once_is_retried() {
    let fake = FakeKiwi::builder()
        .people(4)
        .fault(Fault::new(Target::Page(0), FaultKind::Status(502)).times(1))
        .start()
        .await
        .unwrap();
    let s = client(&fake, 2).fetch().await.unwrap();
    assert_eq!(s.people.len(), 4);
    assert_eq!(offsets(&fake), vec![0, 0, 2]);
}

#[tokio::test]
async fn a_500_on_page_three_fails_the_whole_fetch_instead_of_returning_a_part() {
    let fake = FakeKiwi::builder()
        .people(10)
        .fault(Fault::new(Target::Page(2), FaultKind::Status(500)))
        .start()
        .await
        .unwrap();
    let err = client(&fake, 2).fetch().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(err.to_string().contains("500"), "{err}");
    let tried = offsets(&fake);
    assert_eq!(&tried[..2], &[0, 2]);
    assert!(
        tried[2..].iter().all(|o| *o == 4),
        "never went past the failing page: {tried:?}"
    );
}

#[tokio::test]
async fn malformed_json_is_an_error() {
    let fake = FakeKiwi::builder()
        .people(4)
        .fault(Fault::new(Target::Page(1), FaultKind::NotJson))
        .start()
        .await
        .unwrap();
    let err = client(&fake, 2).fetch().await.unwrap_err();
    assert!(matches!(err, FetchError::NotJson { .. }), "{err:?}");
}

#[tokio::test]
async fn a_slow_reply_times_out_and_is_retried() {
    let fake = FakeKiwi::builder()
        .people(2)
        .fault(Fault::new(Target::Page(0), FaultKind::Slow(Duration::from_secs(2))).times(1))
        .start()
        .await
        .unwrap();
    let s = client(&fake, 2).fetch().await.unwrap();
    assert_eq!(s.people.len(), 2);
    assert_eq!(offsets(&fake), vec![0, 0]);
}

#[tokio::test]
async fn a_server_that_stays_slow_ends_in_an_error() {
    let fake = FakeKiwi::builder()
        .people(2)
        .fault(Fault::new(
            Target::Page(0),
            FaultKind::Slow(Duration::from_secs(2)),
        ))
        .start()
        .await
        .unwrap();
    let config = TransportConfig {
        request_timeout: Duration::from_millis(200),
        max_attempts: 2,
        ..TransportConfig::fast_for_tests()
    };
    let err = client_with(&fake, fake.api_key(), 2, config)
        .fetch()
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(
        err.to_string().contains("no answer") || err.to_string().contains("did not answer"),
        "{err}"
    );
}
