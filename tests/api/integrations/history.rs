//! The history: runs newest first, 25 a page, the chart; a run's page; paused runs.

use roster::db::{people, sync_runs};
use roster::directory::Source;
use roster::sync::lifecycle::FailureKind;

use super::*;
use crate::backends_with_fakes;

/// Records a finished run directly (fast), as the worker would.
async fn finished_run(app: &TestApp, end: sync_runs::End, created: i64) -> i64 {
    let id = sync_runs::start(
        &app.db,
        app.company_id,
        roster::hris::Provider::Personio,
        Trigger::Schedule,
        None,
        None,
    )
    .await
    .unwrap()
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let tally = sync_runs::Tally {
        created,
        ..Default::default()
    };
    sync_runs::finish(&mut tx, id, end, &tally, None, None, 1500)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Connects, syncs, then removes half the people from the HRIS and syncs again: paused.
async fn paused_run(app: &TestApp, fakes: &Fakes) -> (Client, sync_runs::Run) {
    let (m, _) = connected_and_synced(app).await;
    for p in fakes.personio.people().into_iter().take(10) {
        fakes.personio.remove(p.id);
    }
    m.post("/settings/integrations/sync", &[]).await;
    let run = wait_for_runs(app, 2).await;
    assert_eq!(run.state, State::Paused, "{:?}", run.message);
    (m, run)
}

async fn active_synced(app: &TestApp) -> usize {
    people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .iter()
        .filter(|p| p.source == Source::Personio && p.active)
        .count()
}

backends_with_fakes! {
    async fn the_history_lists_runs_newest_first_25_a_page_under_a_chart(app, _fakes) {
        let (m, first) = connected_and_synced(&app).await;
        let mut ids = vec![first.id];
        for i in 0..29 {
            let end = if i % 10 == 0 { sync_runs::End::Failed(FailureKind::Unreachable) } else { sync_runs::End::Succeeded };
            ids.push(finished_run(&app, end, i).await);
        }
        let newest = *ids.last().unwrap();
        let page = m.get("/settings/integrations/history").await;
        assert_eq!(page.status, 200);
        assert_eq!(page.texts("table.runs tbody tr.run").len(), 25);
        assert!(page.text(".pager").contains("Page 1 of 2"));
        let sel = scraper::Selector::parse("table.runs tbody tr a").unwrap();
        let first_link = page.html().select(&sel).next().unwrap().value().attr("href").unwrap().to_string();
        assert_eq!(first_link, format!("/settings/integrations/history/{newest}"));
        assert_eq!(page.texts("table.runs tbody tr td.outcome")[0], "Succeeded");
        let row = page.texts("table.runs tbody tr.run").pop().unwrap();
        assert!(row.contains("Morning schedule") && row.contains("1.5 s"), "{row}");
        // The chart: one column per run (30), the failures marked.
        assert_eq!(page.html().select(&scraper::Selector::parse("svg a.run-mark").unwrap()).count(), 30);
        assert_eq!(page.html().select(&scraper::Selector::parse("svg a.mark-failed").unwrap()).count(), 3);
        assert!(!page.body.contains("style="), "no inline style");

        let older = m.get("/settings/integrations/history?page=2").await;
        assert_eq!(older.texts("table.runs tbody tr.run").len(), 5);
        let last = older.texts("table.runs tbody tr.run").pop().unwrap();
        assert!(last.contains("First sync after connecting") && last.contains("Maria Manager"), "{last}");
    }

    async fn a_run_page_shows_its_changes_with_links_to_the_people(app, _fakes) {
        let (m, run) = connected_and_synced(&app).await;
        let page = m.get(&format!("/settings/integrations/history/{}", run.id)).await;
        assert_eq!(page.status, 200);
        assert!(page.text("h1").contains("Succeeded"));
        assert!(page.text(".counts").contains(&format!("{} created", run.created)));
        let fields = page.texts("table.changes tbody th");
        assert!(fields.iter().any(|f| f == "Email"), "{fields:?}");
        assert!(fields.iter().any(|f| f == "First name"), "{fields:?}");
        let links = page.texts("li.person-change .who a");
        assert!(!links.is_empty());
        let someone = people::all(&app.db, app.company_id).await.unwrap().into_iter().find(|p| p.source == Source::Personio).unwrap();
        assert!(page.body.contains(&format!("href=\"/people/{}\"", someone.id)));
        // Roster people the HRIS does not know are listed (the two logins).
        assert!(page.text(".not-in-hris").contains("Maria Manager"), "{}", page.text(".not-in-hris"));
    }

    async fn a_paused_run_lists_who_would_go_and_apply_anyway_applies_it(app, fakes) {
        let active_before = {
            let (m, paused) = paused_run(&app, &fakes).await;
            let panel = m.get("/settings/integrations").await;
            let headline = panel.text("#sync-status .headline");
            assert!(headline.starts_with("Paused: this sync would deactivate"), "{headline}");
            assert!(panel.body.contains(&format!("href=\"/settings/integrations/history/{}\">Review</a>", paused.id)));
            let page = m.get(&format!("/settings/integrations/history/{}", paused.id)).await;
            let listed = page.texts(".would-deactivate tbody tr").len();
            assert!(listed >= 3, "{listed}");
            assert_eq!(page.texts("button.apply-anyway").len(), 1);
            let active_before = active_synced(&app).await;
            let res = m.post(&format!("/settings/integrations/history/{}/apply", paused.id), &[("confirm", "yes")]).await;
            assert_eq!(res.status, 303);
            let approved = wait_for_runs(&app, 3).await;
            assert_eq!(approved.trigger, Trigger::Approval);
            assert_eq!(approved.approved_from, Some(paused.id));
            assert_eq!(approved.state, State::Succeeded, "{:?}", approved.message);
            assert_eq!(approved.deactivated as usize, listed);
            (active_before, listed)
        };
        let (active_before, listed) = active_before;
        assert_eq!(active_synced(&app).await, active_before - listed);
    }

    async fn discard_marks_a_paused_run_discarded_and_applies_nothing(app, fakes) {
        let (m, paused) = paused_run(&app, &fakes).await;
        let active_before = active_synced(&app).await;
        let res = m.post(&format!("/settings/integrations/history/{}/discard", paused.id), &[]).await;
        assert_eq!(res.status, 303);
        let page = m.get(res.location.as_deref().unwrap()).await;
        assert!(page.text(".notice").contains("Discarded"));
        assert!(page.text("h1").contains("Discarded"));
        assert!(page.texts("button.apply-anyway").is_empty());
        let run = sync_runs::get(&app.db, app.company_id, paused.id).await.unwrap().unwrap();
        assert_eq!(run.state, State::Discarded);
        assert_eq!(active_synced(&app).await, active_before);
        // Apply anyway on a discarded run starts nothing.
        m.post(&format!("/settings/integrations/history/{}/apply", paused.id), &[("confirm", "yes")]).await;
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 2);
    }
}
