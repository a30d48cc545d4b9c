//! Fault matrix, PostgreSQL: the database cut through a TCP proxy the test owns, while idle and
//! while a sync applies. Each case asserts that nothing is lost or half-applied and that Roster
//! recovers without a restart (or, past the give-up time, that `roster worker` exits non-zero).

use std::{
    net::SocketAddr,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use roster::{
    config::{Config, DatabaseUrl},
    db::{Db, people, sync_runs},
    fake::personio::FakePersonio,
    hris::{providers::Credentials, secret::Secret},
    jobs::Jobs,
    sync::run::{Request, Trigger},
};

use crate::{helpers::*, tcp_proxy::TcpProxy};

/// The key the test apps seal credentials with ([42; 32]), for worker processes.
const SECRET_KEY_HEX: &str = "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a";

/// A test app on PostgreSQL whose every connection goes through `proxy`; also returns a pool
/// that reaches the same database directly (another process, on the other side of the cut).
async fn app_behind(proxy: &TcpProxy, fake: &FakePersonio) -> (TestApp, Db, String) {
    let mut direct = None;
    let app = TestApp::spawn_with(Backend::Postgres, |c: &mut Config| {
        let url = c.database_url.clone().expect("a PostgreSQL test database");
        let mut via = url::Url::parse(&url).unwrap();
        via.set_port(Some(proxy.addr().port())).unwrap();
        c.database_url = Some(via.to_string());
        c.personio_base_url = Some(url::Url::parse(fake.base_url()).unwrap());
        direct = Some(url);
    })
    .await;
    let direct = direct.unwrap();
    let db = Db::connect(&DatabaseUrl::new(direct.clone()))
        .await
        .unwrap();
    let creds = Credentials::Personio {
        client_id: fake.client_id().into(),
        client_secret: Secret::new(fake.client_secret()),
    };
    roster::integrations::connect(&app.ctx, app.company_id, &creds, None)
        .await
        .unwrap();
    let proxied = app.app.config.database_url.clone().unwrap();
    (app, db, proxied)
}

fn postgres_addr() -> SocketAddr {
    let u = url::Url::parse(&postgres_admin_url()).unwrap();
    let host = u.host_str().unwrap_or("127.0.0.1");
    format!("{host}:{}", u.port().unwrap_or(5432))
        .parse()
        .expect("TEST_DATABASE_URL names an IP address")
}

fn manual(company_id: i64) -> Request {
    Request {
        company_id,
        trigger: Trigger::Manual,
        started_by: None,
        approve: None,
    }
}

/// Polls `/readyz` until its status is `want` (or panics after `secs`); returns the body.
async fn readyz_becomes(client: &Client, want: u16, secs: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let r = client.get("/readyz").await;
        if r.status == want {
            return r.body;
        }
        assert!(
            Instant::now() < deadline,
            "/readyz stayed {} ({}) instead of {want}",
            r.status,
            r.body
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn succeeded_runs(db: &Db, company_id: i64) -> usize {
    sync_runs::list(db, company_id, 100, 0)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.state == roster::sync::lifecycle::State::Succeeded)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_while_idle_makes_readyz_503_and_a_job_queued_meanwhile_runs_once_it_is_back() {
    let proxy = TcpProxy::start(postgres_addr()).await;
    let fake = FakePersonio::builder().people(30).seed(4).start().await;
    let (mut app, direct, _) = app_behind(&proxy, &fake).await;
    app.start_worker();
    let client = app.client();
    assert_eq!(readyz_becomes(&client, 200, 15).await, "ready");

    proxy.cut();
    let cut_at = Instant::now();
    let reason = readyz_becomes(&client, 503, 15).await;
    println!(
        "readyz during the cut after {:?}: {reason}",
        cut_at.elapsed()
    );
    assert!(reason.starts_with("database unreachable"), "{reason}");
    // Another process, still reaching the database, queues a sync while this one is cut off.
    Jobs::for_db(direct.clone())
        .enqueue(manual(app.company_id))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(succeeded_runs(&direct, app.company_id).await, 0);

    proxy.restore();
    let back_at = Instant::now();
    let deadline = back_at + Duration::from_secs(20);
    while succeeded_runs(&direct, app.company_id).await == 0 {
        assert!(
            Instant::now() < deadline,
            "the job queued during the cut never ran"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "the job queued during the cut succeeded {:?} after the database came back",
        back_at.elapsed()
    );
    assert_eq!(
        people::count(&direct, app.company_id).await.unwrap(),
        32,
        "30 synced + 2 logins"
    );
    assert_eq!(readyz_becomes(&client, 200, 15).await, "ready");
    // The web came back too: a page that reads and writes the session answers.
    assert_eq!(app.manager().await.get("/people").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roster_worker_exits_non_zero_only_after_the_give_up_time() {
    let proxy = TcpProxy::start(postgres_addr()).await;
    let fake = FakePersonio::builder().people(5).seed(5).start().await;
    let (app, _direct, proxied) = app_behind(&proxy, &fake).await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("worker.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .arg("worker")
        .env("DATABASE_URL", &proxied)
        .env("ROSTER_DATA_DIR", dir.path())
        .env("ROSTER_SECRET_KEY", SECRET_KEY_HEX)
        .env("ROSTER_SCHEDULER", "off")
        .env("ROSTER_WORKER_HEARTBEAT_SECS", "1")
        .env("ROSTER_WORKER_GIVE_UP_SECS", "4")
        .env("ROSTER_LOG", "info,sqlx=warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    // A cut shorter than the give-up time: the worker rides it out.
    proxy.cut();
    tokio::time::sleep(Duration::from_secs(2)).await;
    proxy.restore();
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "a 2 s cut made the worker exit: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    // A cut that outlasts it: the worker exits non-zero for its supervisor to restart it.
    proxy.cut();
    let cut_at = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            cut_at.elapsed() < Duration::from_secs(30),
            "the worker never gave up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let gave_up_after = cut_at.elapsed();
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!status.success(), "exit status {status}");
    assert!(
        gave_up_after >= Duration::from_secs(4),
        "gave up after {gave_up_after:?}"
    );
    assert!(
        text.contains("exiting so that a supervisor restarts it"),
        "{text}"
    );
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_mid_apply_applies_nothing_and_the_next_run_succeeds() {
    let proxy = TcpProxy::start(postgres_addr()).await;
    let fake = FakePersonio::builder().people(30).seed(7).start().await;
    let (app, direct, proxied) = app_behind(&proxy, &fake).await;
    let before = people::count(&direct, app.company_id).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("worker.log");
    // A `roster worker` whose syncs stop for 3 s inside the apply transaction, just before
    // COMMIT (the failpoint is set for that process only).
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .arg("worker")
        .env("DATABASE_URL", &proxied)
        .env("ROSTER_DATA_DIR", dir.path())
        .env("ROSTER_SECRET_KEY", SECRET_KEY_HEX)
        .env("ROSTER_SCHEDULER", "off")
        .env("ROSTER_WORKER_HEARTBEAT_SECS", "1")
        .env("ROSTER_STALE_AFTER_SECS", "3")
        .env("ROSTER_PAUSE_AT", "sync-before-commit:3000")
        .env("ROSTER_PERSONIO_BASE_URL", fake.base_url())
        .env("ROSTER_LOG", "info,sqlx=warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    Jobs::for_db(direct.clone())
        .enqueue(manual(app.company_id))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("paused at sync-before-commit")
    {
        assert!(
            Instant::now() < deadline,
            "the sync never reached its commit: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Everything is written inside the transaction; the database goes away before COMMIT.
    proxy.cut();
    let cut_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        people::count(&direct, app.company_id).await.unwrap(),
        before,
        "nothing of the cut sync was applied"
    );
    assert_eq!(succeeded_runs(&direct, app.company_id).await, 0);

    proxy.restore();
    let back_at = Instant::now();
    // The worker records the cut run as failed (or it goes stale) and runs the sync again.
    let deadline = back_at + Duration::from_secs(60);
    while succeeded_runs(&direct, app.company_id).await == 0 {
        assert!(
            Instant::now() < deadline,
            "no sync succeeded after the database came back: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "cut {:?}; the next run succeeded {:?} after the database came back",
        back_at - cut_at,
        back_at.elapsed()
    );
    assert_eq!(
        people::count(&direct, app.company_id).await.unwrap(),
        before + 30
    );
    let runs = sync_runs::list(&direct, app.company_id, 10, 0)
        .await
        .unwrap();
    let first = runs.iter().min_by_key(|r| r.id).unwrap();
    assert_eq!(
        first.state,
        roster::sync::lifecycle::State::Failed,
        "the cut run is failed: {:?}",
        first.message
    );
    let _ = child.kill();
    let _ = child.wait();
    drop(app);
}
