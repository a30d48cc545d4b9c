//! After connecting, no page and no log line holds the client secret or the API token.
//!
//! The log is captured by one process-wide subscriber that records only while a test of this module
//! runs. A thread-local subscriber per test (`set_default`) lost events at random when many tests
//! ran at once (tracing's callsite interest is shared by every thread), so the sanity check that
//! the sync's own "sync finished" line was captured failed on a busy machine. Lines from other
//! tests that run at the same time are recorded too, which only widens the check: no log line of
//! any of them may hold the secret either.

use std::sync::{
    Arc, Mutex, OnceLock,
    atomic::{AtomicUsize, Ordering},
};

use roster::hris::Provider;
use tracing_subscriber::{Layer, filter::filter_fn, fmt::MakeWriter, layer::SubscriberExt};

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

/// How many tests of this module are capturing now; nothing is formatted while it is 0.
static CAPTURING: AtomicUsize = AtomicUsize::new(0);

/// The process-wide log buffer, installed once.
fn captured() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(logs.clone())
            .with_ansi(false)
            .with_filter(filter_fn(|_| CAPTURING.load(Ordering::SeqCst) > 0));
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
            .expect("no other test installs a global log subscriber");
        logs
    })
}

/// Records the log from its creation until it is dropped.
struct Capture(usize);

impl Capture {
    fn start() -> Capture {
        let logs = captured();
        CAPTURING.fetch_add(1, Ordering::SeqCst);
        Capture(logs.0.lock().unwrap().len())
    }
    /// What was logged since this capture started.
    fn text(&self) -> String {
        let all = captured().0.lock().unwrap();
        String::from_utf8_lossy(&all[self.0..]).into_owned()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CAPTURING.fetch_sub(1, Ordering::SeqCst);
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
    let capture = Capture::start();

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

    let text = capture.text();
    assert!(
        text.contains("sync finished"),
        "the job's logs were captured:\n{text}"
    );
    assert!(!text.contains(secret), "a log line holds the secret");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_personio_secret_is_in_no_page_and_no_log_sqlite() {
    nothing_leaks(Backend::Sqlite, Provider::Personio).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_personio_secret_is_in_no_page_and_no_log_postgres() {
    nothing_leaks(Backend::Postgres, Provider::Personio).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiwihr_token_is_in_no_page_and_no_log_sqlite() {
    nothing_leaks(Backend::Sqlite, Provider::Kiwihr).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiwihr_token_is_in_no_page_and_no_log_postgres() {
    nothing_leaks(Backend::Postgres, Provider::Kiwihr).await;
}
