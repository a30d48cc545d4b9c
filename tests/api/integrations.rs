//! Settings › Integrations over HTTP, on both backends, against the fake Personio and kiwiHR:
//! every test gets a fresh app whose providers point at its own fakes.

mod access;
mod builtin_fields;
mod connect;
mod connect_review;
mod fields_page;
mod history;
mod history_page;
mod key;
mod kiwihr_address;
mod morning;
mod owned;
mod panel;
mod reasons;
mod release;
mod review;
mod rules_kiwihr;
mod rules_page;
mod run_people;
mod secrets;
mod wording;

use std::time::Duration;

use roster::db::sync_runs::{self, Run};
use roster::fake::kiwihr::FakeKiwi;
use roster::fake::personio::FakePersonio;
use roster::sync::lifecycle::{State, Trigger};

use crate::helpers::*;

/// Distinctive credentials, so a leak is easy to find in HTML or logs.
pub const PERSONIO_ID: &str = "cid-acme-7Q4M1234";
pub const PERSONIO_SECRET: &str = "psec-DO-NOT-LEAK-8c1f0e";
pub const KIWI_TOKEN: &str = "ktok-DO-NOT-LEAK-55ab9d";

/// The fake HRIS servers a test's app talks to.
pub struct Fakes {
    pub personio: FakePersonio,
    pub kiwi: FakeKiwi,
}

pub async fn start_fakes(personio_people: usize) -> Fakes {
    let personio = FakePersonio::builder()
        .people(personio_people)
        .seed(4)
        .credentials(PERSONIO_ID, PERSONIO_SECRET)
        .start()
        .await;
    let kiwi = FakeKiwi::builder()
        .people(12)
        .api_key(KIWI_TOKEN)
        .start()
        .await
        .unwrap();
    Fakes { personio, kiwi }
}

/// The app with its providers pointed at `fakes` (the operator overrides; no form reaches them).
pub async fn spawn_with_fakes(backend: Backend, fakes: &Fakes) -> TestApp {
    let personio = url::Url::parse(fakes.personio.base_url()).unwrap();
    let kiwi = url::Url::parse(&fakes.kiwi.endpoint_url()).unwrap();
    let mut app = TestApp::spawn_with(backend, |c| {
        c.personio_base_url = Some(personio);
        c.kiwihr_endpoint = Some(kiwi);
    })
    .await;
    // Like `roster serve`: the web queues syncs, the worker beside it runs them.
    app.start_worker();
    app
}

/// Like `backends!`, with fakes: `async fn name(app, fakes) { … }` runs on SQLite and PostgreSQL.
#[macro_export]
macro_rules! backends_with_fakes {
    ($(async fn $name:ident($app:ident, $fakes:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn scenario($app: $crate::helpers::TestApp, $fakes: $crate::integrations::Fakes) $body
            async fn start(backend: $crate::helpers::Backend) {
                let fakes = $crate::integrations::start_fakes(20).await;
                let app = $crate::integrations::spawn_with_fakes(backend, &fakes).await;
                scenario(app, fakes).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { start($crate::helpers::Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { start($crate::helpers::Backend::Postgres).await }
        }
    )*};
}

/// Connects Personio through the form, as a manager would.
pub async fn connect_personio(m: &Client) -> Page {
    m.post(
        "/settings/integrations/personio/connect",
        &[
            ("client_id", PERSONIO_ID),
            ("client_secret", PERSONIO_SECRET),
        ],
    )
    .await
}

pub async fn connect_kiwihr(m: &Client, url: &str) -> Page {
    m.post(
        "/settings/integrations/kiwihr/connect",
        &[("api_token", KIWI_TOKEN), ("url", url)],
    )
    .await
}

/// Connect when the directory already has people: the first sync's review comes first (200),
/// then "Start syncing" connects; returns Start syncing's answer.
pub async fn connect_reviewed(m: &Client, review: Page, provider: &str) -> Page {
    assert_eq!(review.status, 200, "the review: {}", review.text(".alert"));
    assert!(review.body.contains("Start syncing"));
    m.post(
        &format!("/settings/integrations/{provider}/connect/start"),
        &[],
    )
    .await
}

/// Waits (at most 20 s) until the company has `n` runs and none is running; returns the newest.
pub async fn wait_for_runs(app: &TestApp, n: i64) -> Run {
    for _ in 0..200 {
        let count = sync_runs::count(&app.db, app.company_id).await.unwrap();
        let running = sync_runs::running(&app.db, app.company_id).await.unwrap();
        if count >= n && running.is_none() {
            return sync_runs::list(&app.db, app.company_id, 1, 0)
                .await
                .unwrap()
                .remove(0);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no finished run #{n} within 20 s");
}

/// Connects Personio and waits for the first sync to succeed.
pub async fn connected_and_synced(app: &TestApp) -> (Client, Run) {
    let m = app.manager().await;
    let res = connect_personio(&m).await;
    assert_eq!(res.status, 303, "{}", res.text(".alert"));
    let run = wait_for_runs(app, 1).await;
    assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
    (m, run)
}

pub async fn people_count(app: &TestApp) -> usize {
    roster::db::people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .len()
}
