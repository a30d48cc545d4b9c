//! Figures 1 and 2 for Personio: the fetch floor and the first sync on each backend; and
//! `--first-sync-only`, which runs just those and figure 6 (peak memory), to measure a change to
//! the first sync without the half-hour of the other figures.

use std::time::Instant;

use roster::{
    fake::personio::FakePersonio,
    hris::providers::{Credentials, Providers},
};

use crate::scenarios::{at_floor, phases, timed_run, unpaced};
use crate::setup::{self, Backend, BenchDb};
use crate::table::{Table, secs};

pub fn median(mut v: Vec<std::time::Duration>) -> std::time::Duration {
    v.sort();
    v[v.len() / 2]
}

/// Size of one page of the fake's JSON, per person.
async fn bytes_per_person(fake: &FakePersonio) -> anyhow::Result<usize> {
    let http = reqwest::Client::new();
    let auth: serde_json::Value = http
        .post(format!("{}/v1/auth", fake.base_url()))
        .json(&serde_json::json!({"client_id": fake.client_id(), "client_secret": fake.client_secret()}))
        .send()
        .await?
        .json()
        .await?;
    let token = auth["data"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let body = http
        .get(format!(
            "{}/v1/company/employees?limit=100&offset=0",
            fake.base_url()
        ))
        .bearer_auth(token)
        .send()
        .await?
        .bytes()
        .await?;
    Ok(body.len() / 100)
}

/// Figure 1: the median of three plain fetches, in seconds.
pub async fn fetch_floor(
    t: &mut Table,
    fake: &FakePersonio,
    providers: &Providers,
    creds: &Credentials,
    n: usize,
) -> anyhow::Result<f64> {
    let per_person = bytes_per_person(fake).await?;
    let mut runs = Vec::new();
    let mut pages = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let snap = providers.fetch(creds).await?;
        runs.push(start.elapsed());
        pages = snap.pages;
    }
    let floor = median(runs);
    t.add(
        format!("1. fetch floor: Personio, {n} people, {pages} pages"),
        secs(floor),
        Some(1.0),
        "reference",
        None,
        format!("median of 3; {per_person} bytes of JSON a person"),
    );
    Ok(floor.as_secs_f64())
}

/// Figure 2 for Personio: the first sync into `bdb`'s empty directory; the company's id.
pub async fn first_sync(
    t: &mut Table,
    backend: Backend,
    bdb: &BenchDb,
    providers: &Providers,
    creds: &Credentials,
    floor: f64,
) -> anyhow::Result<i64> {
    let ctx = setup::context(&bdb.db, providers.clone());
    let company = setup::connected_company(&ctx, "bench", creds).await?;
    let (took, r) = timed_run(&ctx, company).await?;
    let ratio = took.as_secs_f64() / floor;
    t.add(
        format!("2. first sync, Personio → {}", backend.label()),
        secs(took),
        Some(ratio),
        "≤ 2.0×",
        Some(ratio <= 2.0),
        format!(
            "{} created; {}; {}",
            r.tally.created,
            phases(&r.phases),
            at_floor(&r.phases, floor)
        ),
    );
    Ok(company)
}

/// `--first-sync-only`: figures 1, 2 (Personio, both backends) and 6.
pub async fn only(t: &mut Table, n: usize) -> anyhow::Result<()> {
    let fake = FakePersonio::builder().people(n).seed(11).start().await;
    let providers = unpaced(fake.base_url(), None)?;
    let creds = setup::personio_creds(&fake);
    let floor = fetch_floor(t, &fake, &providers, &creds, n).await?;
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let bdb = BenchDb::new(backend).await?;
        first_sync(t, backend, &bdb, &providers, &creds, floor).await?;
        bdb.drop_now().await;
    }
    crate::memory::measure(t, &fake, floor).await
}
