//! The sync history in headless Chromium, as a company manager: a run's page grouped by person,
//! its filters, its name search and a person's details opened; the history page's chart and the
//! connect and disconnect events between the runs. With `ROSTER_SCREENSHOTS=<dir>` it saves both
//! pages at 390 and 1366 px.

use fantoccini::Locator;
use roster::fake::people::FakeStatus;

use crate::{
    browser::{browser, log_in_at, screenshots, texts},
    helpers::*,
    integrations::*,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_filters_a_run_by_person_and_reads_the_history_chart_and_events() {
    let fakes = start_fakes(20).await;
    let app = spawn_with_fakes(Backend::Sqlite, &fakes).await;
    let (m, _) = connected_and_synced(&app).await;
    let leaver = fakes
        .personio
        .people()
        .into_iter()
        .find(|p| p.status == FakeStatus::Active && p.email.is_some() && p.supervisor_id.is_some())
        .unwrap();
    let leaver_name = format!("{} {}", leaver.first_name, leaver.last_name);
    fakes.personio.set_status(leaver.id, FakeStatus::Inactive);
    m.post("/settings/integrations/sync", &[]).await;
    let second = wait_for_runs(&app, 2).await;
    assert_eq!(second.state, roster::sync::lifecycle::State::Succeeded);
    let res = m
        .post("/settings/integrations/disconnect", &[("understood", "1")])
        .await;
    assert_eq!(res.status, 303);

    let (b, _driver) = browser().await;
    log_in_at(&b, &app, "/").await;
    // The first sync: one line per person, 20 of them.
    let first = sync_runs_oldest(&app).await;
    b.goto(&app.url(&format!("/settings/integrations/history/{first}")))
        .await
        .unwrap();
    assert_eq!(texts(&b, "li.person-change").await.len(), 20);
    screenshots(&b, "history-run").await;

    // The second: filter to the deactivated, open the person, read why.
    b.goto(&app.url(&format!("/settings/integrations/history/{}", second.id)))
        .await
        .unwrap();
    b.find(Locator::Css("nav.filters a.filter-deactivated"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("nav.filters a.filter-deactivated.current"))
        .await
        .unwrap();
    assert_eq!(
        texts(&b, "li.person-change .who").await,
        std::slice::from_ref(&leaver_name)
    );
    let details = b
        .find(Locator::Css("li.person-change details"))
        .await
        .unwrap();
    assert_eq!(details.attr("open").await.unwrap(), None, "closed at first");
    b.find(Locator::Css("li.person-change summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(details.attr("open").await.unwrap().is_some(), "opened");
    let table = b
        .find(Locator::Css("li.person-change table.changes"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        table.contains("Status") && table.contains("Deactivated"),
        "{table}"
    );

    // Search by name within everyone.
    b.find(Locator::Css("nav.filters a.filter-all"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("nav.filters a.filter-all.current"))
        .await
        .unwrap();
    let q = b.find(Locator::Css("input[name=q]")).await.unwrap();
    q.send_keys(&leaver.last_name.to_lowercase()).await.unwrap();
    b.find(Locator::Css("form.search button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("a.clear-search"))
        .await
        .unwrap();
    let found = texts(&b, "li.person-change .who").await;
    assert!(found.contains(&leaver_name), "{found:?}");

    // The history: a column per run on a labelled chart, and who connected and disconnected.
    b.goto(&app.url("/settings/integrations/history"))
        .await
        .unwrap();
    assert_eq!(texts(&b, "svg a.run-mark").await.len(), 2);
    let svg = b.find(Locator::Css("svg.chart-svg")).await.unwrap();
    assert!(svg.is_displayed().await.unwrap(), "the chart is drawn");
    let events = texts(&b, "table.runs tr.event").await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events[0].contains("Disconnected") && events[0].contains("by Maria Manager"),
        "{events:?}"
    );
    assert!(
        events[1].contains("Connected") && events[1].contains("by Maria Manager"),
        "{events:?}"
    );
    let rows = texts(&b, "table.runs tbody tr").await;
    assert!(rows.first().unwrap().contains("Disconnected"), "{rows:?}");
    assert!(rows.last().unwrap().contains("Connected"), "{rows:?}");
    screenshots(&b, "history-page").await;
    b.close().await.unwrap();
}

async fn sync_runs_oldest(app: &TestApp) -> i64 {
    roster::db::sync_runs::list(&app.db, app.company_id, 10, 0)
        .await
        .unwrap()
        .last()
        .unwrap()
        .id
}
