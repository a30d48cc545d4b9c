//! Clients and fakes for the Personio tests: one seed, pages of 7, fast retries, no pacing.

use roster::fake::{FakePersonio, FakePersonioBuilder};
use roster::hris::personio::{
    PersonioClient, PersonioCredentials, PersonioLimits, PersonioOptions,
};
use roster::hris::{Provider, Snapshot, Transport, TransportConfig};

/// The attributes the provider owns that no person of `snap` carries (the credential may not
/// read them): what the sync leaves alone and names in the run.
pub fn unread(snap: &Snapshot) -> Vec<roster::directory::Attribute> {
    snap.provider
        .owns()
        .iter()
        .copied()
        .filter(|&a| snap.people.iter().all(|p| !p.carries(a)))
        .collect()
}

pub const EMPLOYEES: &str = "/v1/company/employees";
pub const AUTH: &str = "/v1/auth";

pub fn creds(id: &str, secret: &str) -> PersonioCredentials {
    PersonioCredentials {
        client_id: id.into(),
        client_secret: secret.into(),
    }
}

/// A client for `fake` with pages of 7, fast retries and no pacing.
pub fn client(fake: &FakePersonio) -> PersonioClient {
    client_with(fake, TransportConfig::fast_for_tests(), 7)
}

pub fn client_with(fake: &FakePersonio, cfg: TransportConfig, page_size: u32) -> PersonioClient {
    client_for(
        fake.base_url(),
        creds(fake.client_id(), fake.client_secret()),
        cfg,
        page_size,
        PersonioLimits::unlimited(),
    )
}

pub fn client_for(
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

pub async fn fake(people: usize) -> FakePersonio {
    builder(people).start().await
}

pub fn builder(people: usize) -> FakePersonioBuilder {
    FakePersonio::builder()
        .people(people)
        .seed(42)
        .credentials("cid_test", "sec_test")
}

/// Data requests for page `k` of size 7.
pub fn page_requests(fake: &FakePersonio, k: usize) -> usize {
    fake.requests_to(EMPLOYEES)
        .iter()
        .filter(|r| r.query_param("offset") == Some((k * 7).to_string()))
        .count()
}

pub fn ids(s: &Snapshot) -> Vec<String> {
    s.people.iter().map(|p| p.source_id.clone()).collect()
}

pub fn fake_ids(fake: &FakePersonio) -> Vec<String> {
    fake.people().iter().map(|p| p.id.to_string()).collect()
}
