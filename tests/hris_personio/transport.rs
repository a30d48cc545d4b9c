//! Transport against the fake: redirects refused, 429 and Retry-After, pacing under the rate limit,
//! 5xx and slow answers retried within the budget, permanent errors not retried, the size cap.

use std::sync::Arc;
use std::time::{Duration, Instant};

use roster::fake::{Fault, FaultKind, Target};
use roster::hris::pacing::Pacer;
use roster::hris::personio::PersonioLimits;
use roster::hris::{FetchError, TransportConfig};

use crate::helpers::*;

#[tokio::test]
async fn a_redirect_is_refused_and_never_followed() {
    let elsewhere = fake(5).await;
    let target = format!("{}{EMPLOYEES}?limit=7&offset=0", elsewhere.base_url());
    let fake = builder(25)
        .fault(Fault::new(
            Target::Page(0),
            FaultKind::Redirect(target.clone()),
        ))
        .start()
        .await;
    let err = client(&fake).fetch().await.unwrap_err();
    assert!(
        matches!(err, FetchError::Redirect { status: 302, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(&target), "{err}");
    assert!(!err.is_transient());
    assert!(elsewhere.requests().is_empty());
    assert_eq!(page_requests(&fake, 0), 1);
}

#[tokio::test]
async fn retry_after_on_a_429_is_honoured_then_the_run_succeeds() {
    let fake = builder(25)
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
        .await;
    let start = Instant::now();
    let snap = client(&fake).fetch().await.unwrap();
    let took = start.elapsed();
    assert_eq!(ids(&snap), fake_ids(&fake));
    assert_eq!(page_requests(&fake, 1), 2);
    assert!(took >= Duration::from_secs(1), "waited only {took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off_and_succeeds() {
    let fake = builder(25)
        .fault(
            Fault::new(
                Target::Page(2),
                FaultKind::RateLimited { retry_after: None },
            )
            .times(2),
        )
        .start()
        .await;
    let snap = client(&fake).fetch().await.unwrap();
    assert_eq!(snap.people.len(), 25);
    assert_eq!(page_requests(&fake, 2), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_gives_up_instead_of_waiting() {
    let fake = builder(25)
        .fault(Fault::new(
            Target::Page(0),
            FaultKind::RateLimited {
                retry_after: Some(3600),
            },
        ))
        .start()
        .await;
    let start = Instant::now();
    let err = client(&fake).fetch().await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(err.status(), Some(429), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn client_pacing_keeps_under_the_servers_rate_limit() {
    // The fake allows 3 page requests in any 500 ms; one every 200 ms never trips it.
    let fake = builder(25)
        .rate_limit(Target::AnyPage, 3, Duration::from_millis(500), None)
        .start()
        .await;
    let limits = PersonioLimits {
        employees: Arc::new(Pacer::new(300, 1)),
        ..PersonioLimits::unlimited()
    };
    let cfg = TransportConfig {
        max_attempts: 1,
        ..TransportConfig::fast_for_tests()
    };
    let c = client_for(
        fake.base_url(),
        creds("cid_test", "sec_test"),
        cfg,
        7,
        limits,
    );
    c.fetch().await.unwrap();
    assert_eq!(fake.requests_to(EMPLOYEES).len(), 4);
}

#[tokio::test]
async fn without_pacing_the_fakes_rate_limit_answers_429() {
    let fake = builder(25)
        .rate_limit(Target::AnyPage, 2, Duration::from_secs(60), Some(120))
        .start()
        .await;
    let err = client(&fake).fetch().await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err:?}");
    assert_eq!(fake.requests_to(EMPLOYEES).len(), 3);
}

#[tokio::test]
async fn bad_gateway_and_unavailable_are_retried_until_they_pass() {
    for status in [502, 503, 504, 500] {
        let fake = builder(25)
            .fault(Fault::new(Target::Page(1), FaultKind::Status(status)).times(2))
            .start()
            .await;
        let snap = client(&fake).fetch().await.unwrap();
        assert_eq!(ids(&snap), fake_ids(&fake), "{status}");
        assert_eq!(page_requests(&fake, 1), 3, "{status}");
    }
}

#[tokio::test]
async fn a_page_that_keeps_failing_fails_the_run_with_no_partial_snapshot() {
    let fake = builder(25)
        .fault(Fault::new(Target::Page(2), FaultKind::Status(500)))
        .start()
        .await;
    let err = client(&fake).fetch().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "gave up on Personio after 4 attempts: 500 Internal Server Error"
    );
    assert!(err.is_transient());
    assert_eq!(page_requests(&fake, 2), 4);
    assert_eq!(page_requests(&fake, 3), 0);
}

#[tokio::test]
async fn permanent_errors_are_not_retried() {
    for status in [400, 404] {
        let fake = builder(25)
            .fault(Fault::new(Target::Page(1), FaultKind::Status(status)))
            .start()
            .await;
        let err = client(&fake).fetch().await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert!(!err.is_transient());
        assert_eq!(page_requests(&fake, 1), 1, "{status}");
    }
    let fake = builder(25)
        .fault(Fault::new(Target::Page(1), FaultKind::Status(403)))
        .start()
        .await;
    let err = client(&fake).fetch().await.unwrap_err();
    assert!(matches!(err, FetchError::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("lacks a permission"), "{err}");
    assert_eq!(page_requests(&fake, 1), 1);
}

#[tokio::test]
async fn a_page_that_is_not_json_is_not_retried() {
    let fake = builder(25)
        .fault(Fault::new(Target::Page(1), FaultKind::NotJson))
        .start()
        .await;
    let err = client(&fake).fetch().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Personio answered with a page that is not JSON"
    );
    assert!(!err.is_transient());
    assert_eq!(page_requests(&fake, 1), 1);
}

#[tokio::test]
async fn a_slow_answer_is_abandoned_and_retried() {
    let fake = builder(25)
        .fault(
            Fault::new(
                Target::Page(1),
                FaultKind::Slow(Duration::from_millis(1500)),
            )
            .times(1),
        )
        .start()
        .await;
    let snap = client(&fake).fetch().await.unwrap();
    assert_eq!(snap.people.len(), 25);
    assert_eq!(page_requests(&fake, 1), 2);
}

#[tokio::test]
async fn an_answer_that_never_comes_in_time_gives_up_within_the_budget() {
    let fake = builder(25)
        .fault(Fault::new(
            Target::Page(0),
            FaultKind::Slow(Duration::from_secs(5)),
        ))
        .start()
        .await;
    let cfg = TransportConfig {
        max_attempts: 2,
        ..TransportConfig::fast_for_tests()
    };
    let start = Instant::now();
    let err = client_with(&fake, cfg, 7).fetch().await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        err.to_string(),
        "gave up on Personio after 2 attempts: no answer within 1 s"
    );
    assert!(err.is_transient());

    let single = TransportConfig {
        max_attempts: 1,
        ..TransportConfig::fast_for_tests()
    };
    let err = client_with(&fake, single, 7).fetch().await.unwrap_err();
    assert_eq!(err.to_string(), "Personio did not answer within 1 s");
}

#[tokio::test]
async fn a_server_that_is_down_is_a_transient_connection_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = client_for(
        &format!("http://127.0.0.1:{port}"),
        creds("a", "b"),
        TransportConfig::fast_for_tests(),
        7,
        PersonioLimits::unlimited(),
    );
    let err = c.fetch().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(err.to_string().contains("connection"), "{err}");
}

#[tokio::test]
async fn an_oversized_answer_is_refused() {
    let fake = fake(25).await;
    let cfg = TransportConfig {
        max_body_bytes: 2_000,
        ..TransportConfig::fast_for_tests()
    };
    let err = client_with(&fake, cfg, 7).fetch().await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit: 2_000, .. }),
        "{err:?}"
    );
    assert!(!err.is_transient());
}

#[tokio::test]
async fn a_wrong_base_path_is_a_permanent_not_found() {
    let fake = fake(5).await;
    let c = client_for(
        &format!("{}/nope", fake.base_url()),
        creds("cid_test", "sec_test"),
        TransportConfig::fast_for_tests(),
        7,
        PersonioLimits::unlimited(),
    );
    let err = c.fetch().await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert!(!err.is_transient());
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(fake.requests()[0].path, "/nope/v1/auth");
}
