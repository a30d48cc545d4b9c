//! The kiwiHR client against the fake kiwiHR server, over real HTTP on 127.0.0.1.

use std::time::{Duration, Instant};

use roster::fake::kiwihr::{FakeKiwi, Fixtures, GraphqlRequest};
use roster::fake::{Fault, FaultKind, Target};
use roster::hris::kiwihr::{
    KiwiClient, KiwiCredentials, KiwiEndpoint, KiwiOptions, USERS_QUERY, users_request_body,
};
use roster::hris::secret::Secret;
use roster::hris::transport::{FetchError, Transport, TransportConfig};
use roster::hris::{Field, HrisPerson, ManagerRef, Provider, Snapshot};
use serde_json::{Value, json};
use time::macros::date;

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

fn client_with(fake: &FakeKiwi, key: &str, page_size: u32, config: TransportConfig) -> KiwiClient {
    let endpoint = KiwiEndpoint::operator_override(fake.endpoint_url().parse().unwrap()).unwrap();
    let transport = Transport::new(Provider::Kiwihr, config).unwrap();
    let options = KiwiOptions {
        page_size,
        ..KiwiOptions::default()
    };
    let creds = KiwiCredentials {
        api_key: Secret::new(key),
    };
    KiwiClient::with_options(endpoint, creds, transport, options).unwrap()
}

fn client(fake: &FakeKiwi, page_size: u32) -> KiwiClient {
    client_with(
        fake,
        fake.api_key(),
        page_size,
        TransportConfig::fast_for_tests(),
    )
}

fn person(snapshot: &Snapshot, id: Option<u64>) -> &HrisPerson {
    let id = id.expect("fixture present").to_string();
    snapshot
        .people
        .iter()
        .find(|p| p.source_id == id)
        .unwrap_or_else(|| panic!("no person {id}"))
}

fn offsets(fake: &FakeKiwi) -> Vec<i64> {
    fake.graphql_requests()
        .iter()
        .map(|r| r.int("offset").unwrap())
        .collect()
}

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
async fn the_fixtures_map_onto_our_fields() {
    let fake = FakeKiwi::builder().start().await.unwrap();
    let fx = fake.fixtures().clone();
    let s = client(&fake, 5).fetch().await.unwrap();
    assert_eq!(s.people.len(), 12);

    let deactivated = person(&s, fx.deactivated);
    assert_eq!(
        (deactivated.active, deactivated.end_date),
        (Some(false), None)
    );
    let ended = person(&s, fx.ended_but_active);
    assert_eq!(
        (ended.active, ended.end_date),
        (Some(true), Some(date!(2024 - 06 - 30)))
    );
    assert_eq!(
        person(&s, fx.future_end).end_date,
        Some(date!(2099 - 12 - 31))
    );
    assert_eq!(person(&s, fx.no_team).groups, Field::Empty);
    let teams = fake.teams();
    assert_eq!(
        person(&s, fx.two_teams).groups,
        Field::Value(vec![teams[0].name.clone(), teams[1].name.clone()])
    );
    assert_eq!(
        person(&s, fx.duplicate_team_name).groups,
        Field::Value(vec![teams[0].name.clone()]),
        "a team whose name repeats another's is still that name"
    );
    assert_eq!(
        person(&s, fx.manager_missing).manager,
        Field::Value(ManagerRef {
            source_id: Fixtures::MISSING_MANAGER.to_string(),
            email: Some("former.manager@example.com".into()),
        })
    );
    let last = s.people.last().unwrap().source_id.clone();
    match &person(&s, fx.manager_on_later_page).manager {
        Field::Value(m) => assert_eq!(m.source_id, last),
        other => panic!("{other:?}"),
    }
    let mixed = person(&s, fx.mixed_case_email).email.clone().unwrap();
    assert!(mixed.contains("@Example.com"), "kept as sent: {mixed}");
    for p in &s.people {
        assert_eq!(p.department, Field::NotShared);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert!(p.first_name.is_shared() && p.birth_date.is_shared());
    }
    assert!(unread(&s).is_empty(), "{:?}", unread(&s));
}

#[tokio::test]
async fn gender_and_position_come_through() {
    let fake = FakeKiwi::builder()
        .people(40)
        .seed(3)
        .start()
        .await
        .unwrap();
    let s = client(&fake, 100).fetch().await.unwrap();
    for (p, u) in s.people.iter().zip(fake.users()) {
        let gender = u.gender.map(|g| g.to_lowercase());
        assert_eq!(p.gender, Field::from_option(gender));
        assert_eq!(p.position, Field::from_option(u.position.map(|x| x.name)));
        assert_eq!(p.birth_date, Field::from_option(u.birth_date));
        assert_eq!(
            p.first_hired_on,
            Field::from_option(u.employment_start_date)
        );
    }
}

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
async fn numeric_ids_and_dates_with_a_time_part_are_read_the_same() {
    let plain = FakeKiwi::builder().people(5).start().await.unwrap();
    let odd = FakeKiwi::builder()
        .people(5)
        .ids_as_numbers(true)
        .dates_with_time(true)
        .start()
        .await
        .unwrap();
    let a = client(&plain, 2).fetch().await.unwrap();
    let b = client(&odd, 2).fetch().await.unwrap();
    let raw: Value = reqwest::Client::new()
        .post(odd.endpoint_url())
        .header("x-api-key", odd.api_key())
        .json(&users_request_body(0, 1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item = &raw["data"]["users"]["items"][0];
    assert!(item["id"].is_number(), "{item}");
    assert!(
        item["employmentStartDate"]
            .as_str()
            .unwrap_or("T")
            .contains('T'),
        "{item}"
    );
    assert_eq!(a.people, b.people);
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

#[tokio::test]
async fn an_empty_company_is_an_empty_snapshot_in_one_request() {
    let fake = FakeKiwi::builder().people(0).start().await.unwrap();
    let s = client(&fake, 2).fetch().await.unwrap();
    assert!(s.people.is_empty());
    assert_eq!(s.pages, 1);
}

#[tokio::test]
async fn changes_in_kiwi_between_runs_show_in_the_next_snapshot() {
    let fake = FakeKiwi::builder().people(8).start().await.unwrap();
    let client = client(&fake, 3);
    let before = client.fetch().await.unwrap();
    let ids: Vec<u64> = fake.users().iter().map(|u| u.id).collect();

    assert!(fake.deactivate(ids[0]));
    assert!(fake.set_end_date(ids[2], Some(date!(2025 - 01 - 31))));
    assert!(fake.remove(ids[3]));
    assert!(fake.set_teams(ids[4], &["Brand New Team", "Design"]));
    let hired = fake.hire("Nia", "Okafor", "nia.okafor@example.com");

    let after = client.fetch().await.unwrap();
    assert_eq!(after.people.len(), before.people.len());
    assert_eq!(person(&after, Some(ids[0])).active, Some(false));
    assert_eq!(
        person(&after, Some(ids[2])).end_date,
        Some(date!(2025 - 01 - 31))
    );
    assert!(
        !after
            .people
            .iter()
            .any(|p| p.source_id == ids[3].to_string())
    );
    assert_eq!(
        person(&after, Some(ids[4])).groups,
        Field::Value(vec!["Brand New Team".into(), "Design".into()])
    );
    assert_eq!(
        person(&after, Some(hired)).email.as_deref(),
        Some("nia.okafor@example.com")
    );
}

#[tokio::test]
async fn duplicate_or_missing_emails_and_manager_loops_pass_through_for_the_sync_to_judge() {
    let fake = FakeKiwi::builder().people(6).start().await.unwrap();
    let ids: Vec<u64> = fake.users().iter().map(|u| u.id).collect();
    fake.set_email(ids[0], Some("same@example.com"));
    fake.set_email(ids[1], Some("SAME@example.com"));
    fake.set_email(ids[2], None);
    fake.make_manager_loop(ids[3], ids[4]);

    let s = client(&fake, 2).fetch().await.unwrap();
    assert_eq!(s.people.len(), 6);
    assert_eq!(
        person(&s, Some(ids[1])).email.as_deref(),
        Some("SAME@example.com")
    );
    assert_eq!(person(&s, Some(ids[2])).email, None);
    let manager_of = |id: u64| match &person(&s, Some(id)).manager {
        Field::Value(m) => m.source_id.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(manager_of(ids[3]), ids[4].to_string());
    assert_eq!(manager_of(ids[4]), ids[3].to_string());
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
