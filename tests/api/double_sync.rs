//! "Sync now" clicked twice (or by two managers at once) makes one run: the second request finds
//! the first sync waiting to start or running and says so.

use roster::{
    db::sync_runs,
    hris::{providers::Credentials, secret::Secret},
};

use crate::helpers::*;
use crate::integrations::{PERSONIO_ID, PERSONIO_SECRET, start_fakes, wait_for_runs};

async fn double_sync_now_makes_one_run(backend: Backend) {
    let fakes = start_fakes(20).await;
    let personio = url::Url::parse(fakes.personio.base_url()).unwrap();
    // No worker yet: both requests meet the queue before any run starts.
    let mut app = TestApp::spawn_with(backend, |c| c.personio_base_url = Some(personio)).await;
    let creds = Credentials::Personio {
        client_id: PERSONIO_ID.into(),
        client_secret: Secret::new(PERSONIO_SECRET),
    };
    roster::integrations::connect(&app.ctx, app.company_id, &creds, None)
        .await
        .unwrap();
    let (a, b) = (app.manager().await, app.manager().await);
    let (r1, r2) = tokio::join!(
        a.post("/settings/integrations/sync", &[]),
        b.post("/settings/integrations/sync", &[])
    );
    let mut notices = [r1.location.unwrap(), r2.location.unwrap()]
        .map(|l| l.contains("notice=started"))
        .to_vec();
    notices.sort();
    assert_eq!(
        notices,
        [false, true],
        "one started, one was told a sync is under way"
    );
    let mine = roster::jobs::queued(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|q| q.job.company_id == app.company_id)
        .count();
    assert_eq!(mine, 1, "one job queued");

    // A third click while it waits: the panel says so and shows it queued.
    let r3 = a.post("/settings/integrations/sync", &[]).await;
    let panel = a.get(r3.location.as_deref().unwrap()).await;
    assert!(
        panel
            .text("#sync-status .sync-notice")
            .contains("did not start another"),
        "{}",
        panel.text("#sync-status")
    );
    assert_eq!(panel.text("#sync-status .outcome"), "Sync queued");

    app.start_worker();
    let run = wait_for_runs(&app, 1).await;
    assert_eq!(
        run.state,
        roster::sync::lifecycle::State::Succeeded,
        "{:?}",
        run.message
    );
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(
        sync_runs::count(&app.db, app.company_id).await.unwrap(),
        1,
        "one run"
    );

    // Once it ended, Sync now starts a new one.
    let r4 = a.post("/settings/integrations/sync", &[]).await;
    assert!(r4.location.unwrap().contains("notice=started"));
    wait_for_runs(&app, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_sync_now_makes_one_run_sqlite() {
    double_sync_now_makes_one_run(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_sync_now_makes_one_run_postgres() {
    double_sync_now_makes_one_run(Backend::Postgres).await
}
