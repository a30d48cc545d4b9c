//! Clients and lookups for the kiwiHR tests.

use roster::fake::kiwihr::FakeKiwi;
use roster::hris::kiwihr::{KiwiClient, KiwiCredentials, KiwiEndpoint, KiwiOptions};
use roster::hris::secret::Secret;
use roster::hris::transport::{Transport, TransportConfig};
use roster::hris::{HrisPerson, Provider, Snapshot};

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

pub fn client_with(
    fake: &FakeKiwi,
    key: &str,
    page_size: u32,
    config: TransportConfig,
) -> KiwiClient {
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

pub fn client(fake: &FakeKiwi, page_size: u32) -> KiwiClient {
    client_with(
        fake,
        fake.api_key(),
        page_size,
        TransportConfig::fast_for_tests(),
    )
}

pub fn person(snapshot: &Snapshot, id: Option<u64>) -> &HrisPerson {
    let id = id.expect("fixture present").to_string();
    snapshot
        .people
        .iter()
        .find(|p| p.source_id == id)
        .unwrap_or_else(|| panic!("no person {id}"))
}

pub fn offsets(fake: &FakeKiwi) -> Vec<i64> {
    fake.graphql_requests()
        .iter()
        .map(|r| r.int("offset").unwrap())
        .collect()
}
