//! A server started with another credential key than the one that sealed the stored credentials:
//! every sync it starts is a failed run that says so and what to do (on the panel, in the history
//! and on Preview), nothing is retried or changed, and reconnecting makes the next sync succeed.

use roster::db::sync_runs;
use roster::sync::lifecycle::FailureKind;

use super::*;
use crate::backends_with_fakes;

const PERSONIO_MESSAGE: &str = "Roster cannot read the stored Personio credentials with this server's key. Reconnect Personio, or start Roster with the key it used before.";
const KIWI_MESSAGE: &str = "Roster cannot read the stored kiwiHR credentials with this server's key. Reconnect kiwiHR, or start Roster with the key it used before.";

/// Sync now on the restarted app: a failed run with the key's message, shown everywhere.
async fn sync_now_fails_with(app: &TestApp, runs_before: i64, message: &str) {
    let m = app.manager().await;
    let before = people_count(app).await;
    let res = m.post("/settings/integrations/sync", &[]).await;
    assert_eq!(res.status, 303);
    let run = wait_for_runs(app, runs_before + 1).await;
    assert_eq!(run.trigger, Trigger::Manual);
    assert_eq!(
        (run.state, run.failure),
        (State::Failed, Some(FailureKind::Key))
    );
    assert_eq!(run.message.as_deref(), Some(message));
    assert_eq!(people_count(app).await, before, "nothing changed");

    let panel = m.get("/settings/integrations").await;
    assert_eq!(panel.status, 200);
    assert_eq!(panel.text("#sync-status .outcome"), "Failed");
    assert_eq!(panel.text("#sync-status .headline"), message);
    let history = m.get("/settings/integrations/history").await;
    assert_eq!(history.texts("table.runs tbody tr td.outcome")[0], "Failed");
    let page = m
        .get(&format!("/settings/integrations/history/{}", run.id))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.text("body").contains(message),
        "the run's page says why: {}",
        page.text("main")
    );
    let preview = m.get("/settings/integrations/preview").await;
    assert_eq!(preview.status, 200, "Preview is not a 500");
    assert_eq!(preview.text(".alert"), message);
    assert_eq!(
        sync_runs::count(&app.db, app.company_id).await.unwrap(),
        runs_before + 1,
        "Preview records no run"
    );
}

backends_with_fakes! {
    async fn personio_credentials_sealed_with_another_key_make_a_failed_run_that_says_what_to_do(app, _fakes) {
        let mut app = app;
        connected_and_synced(&app).await;
        app.restart_with_key([7; 32]).await;
        sync_now_fails_with(&app, 1, PERSONIO_MESSAGE).await;

        // A scheduled sync (and the CLI, on the same path) fails the same way.
        let report = roster::sync::run::run(&app.ctx, &roster::sync::run::Request {
            company_id: app.company_id, trigger: Trigger::Schedule, started_by: None, approve: None,
        }).await.unwrap();
        assert_eq!(report.failure, Some(FailureKind::Key));
        assert!(!report.transient, "not retried: a retry cannot bring the key back");
        assert_eq!(report.message.as_deref(), Some(PERSONIO_MESSAGE));

        // Reconnecting seals the credentials with this server's key: the next sync succeeds.
        let m = app.manager().await;
        let res = m.post("/settings/integrations/disconnect", &[("understood", "1")]).await;
        assert_eq!(res.status, 303);
        let review = connect_personio(&m).await;
        assert_eq!(connect_reviewed(&m, review, "personio").await.status, 303);
        let run = wait_for_runs(&app, 4).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
    }

    async fn kiwihr_credentials_sealed_with_another_key_make_a_failed_run_that_says_what_to_do(app, _fakes) {
        let mut app = app;
        let m = app.manager().await;
        let res = connect_kiwihr(&m, "https://acme.kiwihr.com").await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        assert_eq!(wait_for_runs(&app, 1).await.state, State::Succeeded);
        app.restart_with_key([8; 32]).await;
        sync_now_fails_with(&app, 1, KIWI_MESSAGE).await;
    }
}
