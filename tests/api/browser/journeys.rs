//! A person at a real browser: headless Chromium (Debian's `chromium` + `chromium-driver`) logs
//! in as a company manager, opens the directory, searches for a person and opens their page; and
//! connects Personio, watches the first sync live on the panel, and disconnects.

use std::time::Duration;

use fantoccini::Locator;

use super::{browser, click, log_in_at, text_of, wait_for_query};
use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_logs_in_searches_and_opens_a_person() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let m = app.manager().await;
    m.post(
        "/people",
        &[
            ("first_name", "Lena"),
            ("last_name", "Hoffmann"),
            ("email", "lena@acme.test"),
            ("position", "Backend Engineer"),
            ("active", "1"),
        ],
    )
    .await;
    m.post(
        "/people",
        &[
            ("first_name", "Tomas"),
            ("last_name", "Weber"),
            ("email", "tomas@acme.test"),
            ("active", "1"),
        ],
    )
    .await;

    let (b, _driver) = browser().await;
    b.goto(&app.url("/people")).await.unwrap();
    // Sent to the login page first.
    assert!(b.current_url().await.unwrap().path().starts_with("/login"));
    log_in_at(&b, &app, "/people").await;
    b.wait()
        .for_element(Locator::Css("table.people"))
        .await
        .unwrap();
    assert_eq!(b.current_url().await.unwrap().path(), "/people");

    b.find(Locator::Css("input[name=q]"))
        .await
        .unwrap()
        .send_keys("hoff")
        .await
        .unwrap();
    b.find(Locator::Css("form.filters button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The list before the search has a count too: read it only on the searched page.
    wait_for_query(&b, "q=hoff").await;
    b.wait().for_element(Locator::Css("p.count")).await.unwrap();
    let count = b
        .find(Locator::Css("p.count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count, "1 person");

    b.find(Locator::LinkText("Lena Hoffmann"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("dl.facts"))
        .await
        .unwrap();
    let h1 = b
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Lena Hoffmann");
    let facts = b
        .find(Locator::Css("dl.facts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(facts.contains("Backend Engineer"), "{facts}");

    if let Ok(dir) = std::env::var("ROSTER_SCREENSHOTS") {
        let png = b.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/person.png"), png).unwrap();
    }
    b.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_connects_personio_watches_the_first_sync_and_disconnects() {
    use roster::fake::{Fault, FaultKind, Target};

    let fakes = crate::integrations::start_fakes(20).await;
    let app = crate::integrations::spawn_with_fakes(Backend::Sqlite, &fakes).await;
    // The first page of people answers late twice (the client retries), so the sync is still
    // running when the panel first renders, and the page has to follow it live.
    fakes.personio.add_fault(
        Fault::new(
            Target::AnyPage,
            FaultKind::Slow(Duration::from_millis(1000)),
        )
        .times(2),
    );

    let (b, _driver) = browser().await;
    log_in_at(&b, &app, "/settings/integrations").await;
    b.wait()
        .for_element(Locator::Css("#panel-personio"))
        .await
        .unwrap();
    click(&b, "#panel-personio a.connect").await;
    b.find(Locator::Css("input[name=client_id]"))
        .await
        .unwrap()
        .send_keys(crate::integrations::PERSONIO_ID)
        .await
        .unwrap();
    b.find(Locator::Css("input[name=client_secret]"))
        .await
        .unwrap()
        .send_keys(crate::integrations::PERSONIO_SECRET)
        .await
        .unwrap();
    click(&b, "form.form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("#sync-status"))
        .await
        .unwrap();
    let first = text_of(&b, "#sync-status .outcome").await;
    assert!(
        first == "Sync queued" || first == "Sync running",
        "the panel shows the first sync under way: {first:?}"
    );
    // A marker that a page load would wipe: the status must change without one.
    b.execute("window.rosterMarker = 'same page';", vec![])
        .await
        .unwrap();
    let mut outcome = String::new();
    for _ in 0..100 {
        outcome = text_of(&b, "#sync-status .outcome").await;
        if outcome == "Succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        outcome, "Succeeded",
        "the live panel shows the finished sync"
    );
    let marker = b
        .execute("return window.rosterMarker || null;", vec![])
        .await
        .unwrap();
    assert_eq!(marker, serde_json::json!("same page"), "no reload");
    assert!(
        text_of(&b, "#sync-status .counts")
            .await
            .contains("created")
    );
    screenshot(&b, "integrations-connected").await;
    let people = roster::db::people::count(&app.db, app.company_id)
        .await
        .unwrap();
    assert!(people > 2, "people were synced");

    // History, then the run.
    click(&b, "nav.subnav a[href='/settings/integrations/history']").await;
    b.wait().for_element(Locator::Css("svg")).await.unwrap();
    screenshot(&b, "integrations-history").await;
    click(&b, "table.runs tbody tr a").await;
    b.wait()
        .for_element(Locator::Css("table.changes"))
        .await
        .unwrap();
    assert!(text_of(&b, "h1").await.contains("Succeeded"));

    // Disconnect: refused without the box, done with it.
    b.goto(&app.url("/settings/integrations")).await.unwrap();
    click(&b, "a.button.danger").await;
    click(&b, "form.form button[type=submit]").await;
    b.wait().for_element(Locator::Css(".alert")).await.unwrap();
    assert!(text_of(&b, ".alert").await.contains("OK, I understand"));
    assert!(
        roster::db::integrations::get(&app.db, app.company_id)
            .await
            .unwrap()
            .is_some()
    );
    click(&b, "input[name=understood]").await;
    click(&b, "form.form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("#panel-kiwihr a.connect"))
        .await
        .unwrap();
    assert_eq!(text_of(&b, "#panel-personio .state").await, "Not connected");
    assert!(
        roster::db::integrations::get(&app.db, app.company_id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        roster::db::people::count(&app.db, app.company_id)
            .await
            .unwrap(),
        people,
        "the people remain"
    );
    screenshot(&b, "integrations-disconnected").await;
    b.close().await.unwrap();
}

/// Saves a screenshot when `ROSTER_SCREENSHOTS` names a folder.
async fn screenshot(b: &fantoccini::Client, name: &str) {
    if let Ok(dir) = std::env::var("ROSTER_SCREENSHOTS") {
        let png = b.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
    }
}
