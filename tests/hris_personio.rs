//! The Personio client against the fake Personio, over real HTTP on 127.0.0.1.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use roster::fake::personio::OverLimit;
use roster::fake::{FakePersonio, FakePersonioBuilder, FakeStatus, Fault, FaultKind, Target};
use roster::hris::pacing::Pacer;
use roster::hris::personio::{
    PersonioClient, PersonioCredentials, PersonioLimits, PersonioOptions, Verification,
};
use roster::hris::{FetchError, Field, Provider, Snapshot, Transport, TransportConfig};

/// The attributes the provider owns that no person of `snap` carries (the credential may not
/// read them): what the sync leaves alone and names in the run.
fn unread(snap: &Snapshot) -> Vec<roster::directory::Attribute> {
    snap.provider
        .owns()
        .iter()
        .copied()
        .filter(|&a| snap.people.iter().all(|p| !p.carries(a)))
        .collect()
}

const EMPLOYEES: &str = "/v1/company/employees";
const AUTH: &str = "/v1/auth";

fn creds(id: &str, secret: &str) -> PersonioCredentials {
    PersonioCredentials {
        client_id: id.into(),
        client_secret: secret.into(),
    }
}

/// A client for `fake` with pages of 7, fast retries and no pacing.
fn client(fake: &FakePersonio) -> PersonioClient {
    client_with(fake, TransportConfig::fast_for_tests(), 7)
}

fn client_with(fake: &FakePersonio, cfg: TransportConfig, page_size: u32) -> PersonioClient {
    client_for(
        fake.base_url(),
        creds(fake.client_id(), fake.client_secret()),
        cfg,
        page_size,
        PersonioLimits::unlimited(),
    )
}

fn client_for(
    base: &str,
    creds: PersonioCredentials,
    cfg: TransportConfig,
    page_size: u32,
    limits: PersonioLimits,
) -> PersonioClient {
    let transport = Transport::new(Provider::Personio, cfg).unwrap();
    PersonioClient::new(base.parse().unwrap(), creds, transport, limits)
        .unwrap()
        .with_options(PersonioOptions {
            page_size,
            ..PersonioOptions::default()
        })
}

async fn fake(people: usize) -> FakePersonio {
    builder(people).start().await
}

fn builder(people: usize) -> FakePersonioBuilder {
    FakePersonio::builder()
        .people(people)
        .seed(42)
        .credentials("cid_test", "sec_test")
}

/// Data requests for page `k` of size 7.
fn page_requests(fake: &FakePersonio, k: usize) -> usize {
    fake.requests_to(EMPLOYEES)
        .iter()
        .filter(|r| r.query_param("offset") == Some((k * 7).to_string()))
        .count()
}

fn ids(s: &Snapshot) -> Vec<String> {
    s.people.iter().map(|p| p.source_id.clone()).collect()
}

fn fake_ids(fake: &FakePersonio) -> Vec<String> {
    fake.people().iter().map(|p| p.id.to_string()).collect()
}

// --- the happy path and auth --------------------------------------------------------------------

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

// --- transport: redirects, limits, retries ------------------------------------------------------

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

// --- pagination ---------------------------------------------------------------------------------

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

// --- parsing quirks, end to end -----------------------------------------------------------------

#[tokio::test]
async fn fields_arrive_as_the_hris_holds_them() {
    let fake = fake(60).await;
    let snap = client(&fake).fetch().await.unwrap();
    let people = fake.people();
    assert_eq!(snap.people.len(), people.len());
    for (got, want) in snap.people.iter().zip(&people) {
        assert_eq!(got.source_id, want.id.to_string());
        assert_eq!(got.email, want.email);
        assert_eq!(got.first_name, Field::Value(want.first_name.clone()));
        // Dates are calendar days whatever the offset (+01:00 and +02:00 both occur).
        assert_eq!(got.first_hired_on, Field::from_option(want.hire_date));
        let gender = if want.gender.is_empty() {
            Field::Empty
        } else {
            Field::Value(want.gender.clone())
        };
        assert_eq!(got.gender, gender);
        assert_eq!(
            got.department,
            Field::from_option(want.department.as_ref().map(|d| d.name.clone()))
        );
        assert_eq!(got.active, Some(want.status.is_employed()));
        assert_eq!(
            got.manager.shared().map(|m| m.map(|m| m.source_id.clone())),
            Some(want.supervisor_id.map(|s| s.to_string()))
        );
        let languages = got
            .attributes
            .iter()
            .find(|c| c.label() == "Languages")
            .unwrap();
        assert!(languages.value.contains(", "), "{languages:?}");
        // Every attribute the fake sent is kept, the rule fields included.
        let kept = |key: &str| got.attribute(key).map(|a| a.value.to_owned());
        assert_eq!(
            kept("employment_type").as_deref(),
            Some(want.employment_type)
        );
        assert_eq!(
            kept("office"),
            Some(
                want.office
                    .as_ref()
                    .map(|o| o.name.clone())
                    .unwrap_or_default()
            )
        );
        // Date of birth is a custom attribute too (`universal_id` date_of_birth), read into its field.
        assert_eq!(got.birth_date, Field::from_option(want.birth_date));
        let custom = got
            .attributes
            .iter()
            .filter(|a| a.key().starts_with("dynamic_"));
        assert_eq!(custom.count(), 5);
        assert_eq!(got.attributes.len(), roster::fake::personio::ALL_KEYS.len());
    }
    // The crowd really has the awkward cases this test claims to cover.
    assert!(people.iter().any(|p| p.gender.is_empty()));
    assert!(people.iter().any(|p| p.department.is_none()));
    assert!(
        people
            .iter()
            .any(|p| p.hire_offset == "+02:00" && p.hire_date.is_some())
    );
    assert!(people.iter().any(|p| p.weekly_working_hours == "32.5"));
    let page_of = |id: u64| people.iter().position(|p| p.id == id).unwrap() / 7;
    assert!(
        people
            .iter()
            .enumerate()
            .any(|(i, p)| p.supervisor_id.is_some_and(|s| page_of(s) > i / 7))
    );
}

#[tokio::test]
async fn statuses_map_onto_active() {
    let fake = fake(10).await;
    let ids: Vec<u64> = fake.people().iter().map(|p| p.id).collect();
    for (id, status) in ids.iter().zip([
        FakeStatus::Active,
        FakeStatus::Onboarding,
        FakeStatus::Leave,
        FakeStatus::Inactive,
    ]) {
        fake.set_status(*id, status);
    }
    let snap = client(&fake).fetch().await.unwrap();
    let active: Vec<_> = snap.people[..4].iter().map(|p| p.active).collect();
    assert_eq!(active, [Some(true), Some(true), Some(true), Some(false)]);
}

#[tokio::test]
async fn data_problems_are_passed_on_for_the_sync_to_judge() {
    let fake = fake(25).await;
    let ids: Vec<u64> = fake.people().iter().map(|p| p.id).collect();
    assert!(fake.duplicate_email(ids[1], ids[0]));
    assert!(fake.drop_email(ids[2]));
    assert!(fake.dangling_supervisor(ids[3]));
    assert!(fake.manager_loop(ids[4], ids[5]));
    let snap = client(&fake).fetch().await.unwrap();
    let p = &snap.people;
    assert_eq!(p.len(), 25);
    assert_eq!(p[0].email, p[1].email);
    assert_eq!(p[2].email, None);
    let manager = |i: usize| match &p[i].manager {
        Field::Value(m) => m.source_id.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(manager(3), "999999999");
    assert_eq!(manager(4), ids[5].to_string());
    assert_eq!(manager(5), ids[4].to_string());
}

#[tokio::test]
async fn people_changed_between_runs_show_up_in_the_next_snapshot() {
    let fake = fake(10).await;
    let c = client(&fake);
    let first = c.fetch().await.unwrap();
    let gone = fake.people()[0].id;
    assert!(fake.remove(gone));
    let mut newcomer = fake.people()[0].clone();
    newcomer.id = 9_999_999;
    newcomer.email = Some("new.person@example.org".into());
    fake.add(newcomer);
    let second = c.fetch().await.unwrap();
    assert_eq!(first.people.len(), second.people.len());
    assert!(!ids(&second).contains(&gone.to_string()));
    assert_eq!(ids(&second).last().unwrap(), "9999999");
    assert_eq!(
        fake.requests_to(AUTH).len(),
        1,
        "the token is reused across runs"
    );
}

// --- whitelisting and verify --------------------------------------------------------------------

#[tokio::test]
async fn the_attribute_listing_is_what_the_credential_may_read_and_follows_it() {
    let fake = builder(10)
        .readable_attributes(&[
            "email",
            "status",
            "employment_type",
            "office",
            "dynamic_70112",
        ])
        .start()
        .await;
    let c = client(&fake);
    let listed = |l: Vec<roster::hris::personio::Offered>| -> Vec<(String, String, String)> {
        l.into_iter()
            .map(|a| (a.info.key, a.info.label, a.info.kind))
            .collect()
    };
    let got = c.attributes().await.unwrap();
    let types = got
        .iter()
        .find(|a| a.info.key == "employment_type")
        .unwrap();
    assert_eq!(types.options, ["internal", "external"]);
    let s = |x: &str| x.to_owned();
    assert_eq!(
        listed(got),
        [
            (s("id"), s("ID"), s("integer")),
            (s("email"), s("Email"), s("standard")),
            (s("status"), s("Status"), s("standard")),
            (s("office"), s("Office"), s("standard")),
            (s("employment_type"), s("Employment type"), s("standard")),
            (s("dynamic_70112"), s("T-shirt size"), s("list")),
        ]
    );
    // The company takes "office" away from the credential: neither listed nor sent any more.
    fake.set_readable_attributes(&["email", "status", "employment_type"]);
    let keys: Vec<String> = c
        .attributes()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.info.key)
        .collect();
    assert_eq!(keys, ["id", "email", "status", "employment_type"]);
    let snap = c.fetch().await.unwrap();
    assert!(snap.people.iter().all(|p| p.attribute("office").is_none()));
    assert!(
        snap.people
            .iter()
            .all(|p| p.attribute("employment_type").is_some())
    );
}

#[tokio::test]
async fn attributes_the_credential_may_not_read_are_not_shared() {
    let fake = builder(10)
        .readable_attributes(&["email", "status", "first_name", "last_name", "supervisor"])
        .start()
        .await;
    let snap = client(&fake).fetch().await.unwrap();
    use roster::directory::Attribute::*;
    assert_eq!(
        unread(&snap),
        [Position, Department, Gender, BirthDate, FirstHiredOn]
    );
    for p in &snap.people {
        assert_eq!(p.gender, Field::NotShared);
        assert_eq!(p.department, Field::NotShared);
        assert!(p.attribute("gender").is_none() && p.attribute("department").is_none());
    }
    let v = client(&fake).verify().await.unwrap();
    assert_eq!(
        v,
        Verification {
            readable: [
                "id",
                "first_name",
                "last_name",
                "email",
                "status",
                "supervisor"
            ]
            .map(String::from)
            .to_vec(),
            missing_optional: ["position", "department", "gender", "hire_date"]
                .map(String::from)
                .to_vec(),
        }
    );
    assert_eq!(v.warnings().len(), 4);
}

#[tokio::test]
async fn a_credential_that_cannot_read_status_fails_verify_and_fetch() {
    let fake = builder(10)
        .readable_attributes(&["email", "first_name"])
        .start()
        .await;
    let err = client(&fake).verify().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Personio credential may not read status; allow them in Personio's API settings"
    );
    let err = client(&fake).fetch().await.unwrap_err();
    assert!(
        matches!(err, FetchError::MissingAttributes { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn verify_signs_in_afresh_and_reports_everything_readable() {
    let fake = fake(5).await;
    let c = client(&fake);
    c.fetch().await.unwrap();
    let v = c.verify().await.unwrap();
    assert!(v.missing_optional.is_empty());
    assert!(v.readable.contains(&"dynamic_70112".to_string()));
    assert_eq!(fake.requests_to(AUTH).len(), 2);
    assert_eq!(
        fake.requests_to("/v1/company/employees/attributes").len(),
        1
    );

    let wrong = client_for(
        fake.base_url(),
        creds("cid_test", "nope"),
        TransportConfig::fast_for_tests(),
        7,
        PersonioLimits::unlimited(),
    );
    let err = wrong.verify().await.unwrap_err();
    assert!(
        matches!(err, FetchError::CredentialsRejected { .. }),
        "{err:?}"
    );
}

#[test]
fn credentials_never_show_the_secret_in_debug_output() {
    let c = creds("cid_visible", "sec_hidden");
    let shown = format!("{c:?}");
    assert!(shown.contains("cid_visible"));
    assert!(!shown.contains("sec_hidden"), "{shown}");
}
