//! After connecting, no page and no log line holds the client secret or the API token. Runs on a
//! current-thread runtime with a thread-local log subscriber, so every task of this test's app
//! (web, the sync job) logs into this test's buffer and no other test's.

use std::sync::{Arc, Mutex};

use roster::hris::Provider;
use tracing_subscriber::fmt::MakeWriter;

use super::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Every page a manager can open once `provider` is connected and has synced.
async fn every_page(app: &TestApp, m: &Client) -> Vec<(String, Page)> {
    let run = wait_for_runs(app, 1).await;
    assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
    // A second run (Sync now) and a failed form post, so those paths log too.
    m.post("/settings/integrations/sync", &[]).await;
    wait_for_runs(app, 2).await;
    let someone = roster::db::people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.source != roster::directory::Source::Manual)
        .unwrap();
    let mut pages = vec![];
    for path in [
        "/settings".to_string(),
        "/settings/integrations".into(),
        "/settings/integrations?notice=connected&after=0".into(),
        "/settings/integrations/status".into(),
        "/settings/integrations/preview".into(),
        "/settings/integrations/disconnect".into(),
        "/settings/integrations/history".into(),
        format!("/settings/integrations/history/{}", run.id),
        "/settings/integrations/personio/connect".into(),
        "/settings/integrations/kiwihr/connect".into(),
        "/people".into(),
        format!("/people/{}", someone.id),
        format!("/people/{}/edit", someone.id),
    ] {
        let page = m.get(&path).await;
        assert!(page.status < 500, "{path}: {}", page.status);
        pages.push((path, page));
    }
    let refused = m.post("/settings/integrations/disconnect", &[]).await;
    pages.push(("POST disconnect".into(), refused));
    pages
}

async fn nothing_leaks(backend: Backend, provider: Provider) {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fakes = start_fakes(15).await;
    let app = spawn_with_fakes(backend, &fakes).await;
    let m = app.manager().await;
    let (res, secret) = match provider {
        Provider::Personio => (connect_personio(&m).await, PERSONIO_SECRET),
        Provider::Kiwihr => (
            connect_kiwihr(&m, "https://acme.kiwihr.com").await,
            KIWI_TOKEN,
        ),
    };
    assert_eq!(res.status, 303, "{}", res.text(".alert"));
    let pages = every_page(&app, &m).await;
    assert!(pages.len() > 10);
    for (path, page) in &pages {
        assert!(!page.body.contains(secret), "{path} shows the secret");
    }
    let stored = roster::db::integrations::get(&app.db, app.company_id)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.hint.contains(secret));

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("sync finished"),
        "the job's logs were captured:\n{text}"
    );
    assert!(!text.contains(secret), "a log line holds the secret");
}

#[tokio::test(flavor = "current_thread")]
async fn the_personio_secret_is_in_no_page_and_no_log_sqlite() {
    nothing_leaks(Backend::Sqlite, Provider::Personio).await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_personio_secret_is_in_no_page_and_no_log_postgres() {
    nothing_leaks(Backend::Postgres, Provider::Personio).await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_kiwihr_token_is_in_no_page_and_no_log_sqlite() {
    nothing_leaks(Backend::Sqlite, Provider::Kiwihr).await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_kiwihr_token_is_in_no_page_and_no_log_postgres() {
    nothing_leaks(Backend::Postgres, Provider::Kiwihr).await;
}
