//! The connected panel: Sync now, the live status, Preview (writes nothing), Disconnect.

use roster::db::{audit, integrations, people, sync_runs};

use super::*;
use crate::backends_with_fakes;

backends_with_fakes! {
    async fn sync_now_enqueues_a_manual_run(app, _fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let res = m.post("/settings/integrations/sync", &[]).await;
        assert_eq!(res.status, 303);
        assert!(res.location.as_deref().unwrap().contains("notice=started"));
        let run = wait_for_runs(&app, 2).await;
        assert_eq!(run.trigger, Trigger::Manual);
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        assert_eq!(run.started_by.as_deref(), Some("Maria Manager"));
        let panel = m.get("/settings/integrations").await;
        assert!(panel.text("#sync-status").contains("Sync now"), "{}", panel.text("#sync-status"));
    }

    async fn sync_now_while_a_sync_runs_says_so_and_the_panel_shows_the_stage(app, _fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let held = sync_runs::start(&app.db, app.company_id, roster::hris::Provider::Personio, Trigger::Schedule, None, None).await.unwrap().unwrap();
        sync_runs::heartbeat(&app.db, held, roster::sync::lifecycle::Stage::Planning).await.unwrap();
        let res = m.post("/settings/integrations/sync", &[]).await;
        assert_eq!(res.status, 303);
        let page = m.get(res.location.as_deref().unwrap()).await;
        assert!(page.text(".notice").contains("A sync is already running"), "{}", page.text(".notice"));
        assert!(page.text("#sync-status .notice.info").contains("did not start another"));
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 2, "no run was added");
        assert!(page.text("#sync-status .running").contains("Working out the changes"));
        assert!(page.body.contains("data-running=\"true\""));
        assert!(page.body.contains("<script src=\"/static/live.js\""));
        // The fragment live.js polls says the same.
        let fragment = m.get("/settings/integrations/status").await;
        assert_eq!(fragment.status, 200);
        assert!(fragment.text(".running").contains("step 2 of 3"), "{}", fragment.body);
        assert!(!fragment.body.contains("<html"), "a fragment, not a page");
    }

    async fn the_live_script_is_served_as_javascript(app, _fakes) {
        let res = app.client().get("/static/live.js").await;
        assert_eq!(res.status, 200);
        assert!(res.headers["content-type"].to_str().unwrap().starts_with("text/javascript"));
        assert!(res.body.contains("data-live-url"));
    }

    async fn a_failed_sync_says_what_to_do(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        fakes.personio.add_fault(roster::fake::Fault::new(
            roster::fake::Target::Auth,
            roster::fake::FaultKind::Status(401),
        ));
        m.post("/settings/integrations/sync", &[]).await;
        let run = wait_for_runs(&app, 2).await;
        assert_eq!(run.state, State::Failed);
        let panel = m.get("/settings/integrations").await;
        assert_eq!(panel.text("#sync-status .outcome"), "Failed");
        let headline = panel.text("#sync-status .headline");
        assert_eq!(
            headline,
            "Personio rejected the client ID and secret: reconnect with new credentials (Disconnect, then Connect)."
        );
    }

    async fn preview_shows_the_changes_and_writes_nothing(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let someone = fakes.personio.people().into_iter().find(|p| p.email.is_some()).unwrap();
        fakes.personio.update(someone.id, |p| p.position = "Chief Preview Officer".into());
        let runs = sync_runs::count(&app.db, app.company_id).await.unwrap();
        let before = people::all(&app.db, app.company_id).await.unwrap();
        let page = m.get("/settings/integrations/preview").await;
        assert_eq!(page.status, 200);
        assert!(page.text(".counts").contains("1 updated"), "{}", page.text(".counts"));
        assert!(page.text("table.changes").contains("Chief Preview Officer"));
        assert!(page.text("table.changes").contains("Job"));
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), runs, "no run recorded");
        assert_eq!(people::all(&app.db, app.company_id).await.unwrap(), before, "nobody changed");
    }

    async fn disconnect_without_the_box_keeps_the_integration(app, _fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let confirm = m.get("/settings/integrations/disconnect").await;
        assert!(confirm.text("label.check").contains("OK, I understand"));
        let res = m.post("/settings/integrations/disconnect", &[]).await;
        assert_eq!(res.status, 422);
        assert!(res.text(".alert").contains("check “OK, I understand”"), "{}", res.text(".alert"));
        assert!(integrations::get(&app.db, app.company_id).await.unwrap().is_some());
    }

    async fn disconnect_with_the_box_deletes_the_row_and_keeps_the_people(app, _fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let before = people_count(&app).await;
        let res = m.post("/settings/integrations/disconnect", &[("understood", "1")]).await;
        assert_eq!(res.status, 303);
        assert!(integrations::get(&app.db, app.company_id).await.unwrap().is_none());
        assert_eq!(people_count(&app).await, before, "people stay");
        let events = audit::recent(&app.db, app.company_id, 10).await.unwrap();
        assert_eq!((events[0].action.as_str(), events[0].detail.as_str()), ("disconnect", "Disconnected Personio"));
        let panel = m.get(res.location.as_deref().unwrap()).await;
        assert_eq!(panel.texts(".panel .state"), vec!["Not connected", "Not connected"]);
        assert_eq!(panel.texts(".panel a.connect").len(), 2);
        // A sync asked for now finds nothing to run.
        let res = m.post("/settings/integrations/sync", &[]).await;
        assert!(res.location.as_deref().unwrap().contains("not_connected"));
    }
}

mod queued {
    use super::*;

    backends_with_fakes! {
        async fn a_sync_asked_for_long_ago_is_no_longer_shown_as_queued(app, _fakes) {
            let (m, run) = connected_and_synced(&app).await;
            let now = roster::db::now().unix_timestamp();
            let fresh = m.get(&format!("/settings/integrations/status?after={}&at={now}", run.id)).await;
            assert!(fresh.text(".queued").contains("starts in a moment"));
            assert!(fresh.body.contains("data-running=\"true\""));
            let stale = m.get(&format!("/settings/integrations/status?after={}&at={}", run.id, now - 600)).await;
            assert!(stale.texts(".queued").is_empty());
            assert_eq!(stale.text(".outcome"), "Succeeded");
            assert!(stale.body.contains("data-running=\"false\""));
        }
    }
}
