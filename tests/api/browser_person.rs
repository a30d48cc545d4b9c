//! A synced person in headless Chromium, as a company manager: their own sync history after two
//! syncs (why the job changed, which run), locked fields while Personio is connected, every field
//! editable by hand after Disconnect, and a reconnect that links the same person again by id, with
//! no duplicate. With `ROSTER_SCREENSHOTS=<dir>` it saves the person's page at 390 and 1366 px.

use fantoccini::Locator;
use roster::{db::people, directory::Source, sync::lifecycle::State};

use crate::{
    browser::{browser, click, log_in_at, screenshots, text_of, texts},
    helpers::*,
    integrations::*,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_synced_persons_history_locks_and_release_after_disconnect() {
    let fakes = start_fakes(20).await;
    let app = spawn_with_fakes(Backend::Sqlite, &fakes).await;
    let (m, _) = connected_and_synced(&app).await;
    let everyone = people_count(&app).await;
    let hrid = fakes
        .personio
        .people()
        .into_iter()
        .find(|p| p.email.is_some() && p.hire_date.is_some())
        .expect("a person with an e-mail and a hire date");
    let person = people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| {
            p.source == Source::Personio
                && p.source_id.as_deref() == Some(hrid.id.to_string().as_str())
        })
        .expect("synced");

    // The second sync changes the job.
    fakes
        .personio
        .update(hrid.id, |p| p.position = "Head of Platform".into());
    m.post("/settings/integrations/sync", &[]).await;
    let second = wait_for_runs(&app, 2).await;
    assert_eq!(second.state, State::Succeeded, "{:?}", second.message);

    let (b, _driver) = browser().await;
    let page = format!("/people/{}", person.id);
    log_in_at(&b, &app, &page).await;
    let runs = texts(&b, "section.person-history li.sync-run").await;
    assert_eq!(
        runs.len(),
        2,
        "one entry per run that changed them: {runs:?}"
    );
    assert!(
        runs[0].contains("Job") && runs[0].contains("Head of Platform"),
        "newest first, in words: {runs:?}"
    );
    assert!(
        runs[0].contains(&format!("sync #{}", second.id)),
        "{runs:?}"
    );
    let note = text_of(&b, ".synced-note").await;
    assert!(note.contains("Synced from Personio"), "{note}");
    let hired = text_of(&b, "dl.facts time").await;
    assert!(
        !hired.is_empty() && !hired.contains('-'),
        "a day as people write it, not ISO: {hired}"
    );
    assert!(
        !b.find_all(Locator::Css("h1 svg.lock"))
            .await
            .unwrap()
            .is_empty(),
        "the name is marked locked"
    );
    screenshots(&b, "person-synced").await;

    // The link from the history goes to the run that made the change.
    click(&b, "section.person-history li.sync-run a").await;
    b.wait()
        .for_element(Locator::Css("li.person-change"))
        .await
        .unwrap();
    assert!(
        b.current_url()
            .await
            .unwrap()
            .path()
            .ends_with(&format!("/history/{}", second.id))
    );

    // While connected the job cannot be typed over.
    b.goto(&app.url(&format!("{page}/edit"))).await.unwrap();
    let job = b.find(Locator::Css("input[name=position]")).await.unwrap();
    assert!(job.attr("disabled").await.unwrap().is_some(), "locked");

    // Disconnect, as a manager does it.
    b.goto(&app.url("/settings/integrations")).await.unwrap();
    click(&b, "a.button.danger").await;
    click(&b, "input[name=understood]").await;
    click(&b, "form.form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("#panel-personio a.connect"))
        .await
        .unwrap();

    // Released: the job can be edited and saved by hand.
    b.goto(&app.url(&format!("{page}/edit"))).await.unwrap();
    let job = b.find(Locator::Css("input[name=position]")).await.unwrap();
    assert_eq!(job.attr("disabled").await.unwrap(), None, "editable");
    job.clear().await.unwrap();
    job.send_keys("Edited by hand").await.unwrap();
    click(&b, "form.form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css(".synced-note"))
        .await
        .unwrap();
    let facts = text_of(&b, "dl.facts").await;
    assert!(facts.contains("Edited by hand"), "{facts}");
    let note = text_of(&b, ".synced-note").await;
    assert!(note.contains("Formerly synced from Personio"), "{note}");
    assert!(
        b.find_all(Locator::Css("svg.lock"))
            .await
            .unwrap()
            .is_empty(),
        "nothing looks locked"
    );
    screenshots(&b, "person-released").await;

    // Reconnect: the same person, linked again by id, Personio's job back; nobody twice.
    let review = connect_personio(&m).await;
    assert_eq!(connect_reviewed(&m, review, "personio").await.status, 303);
    let third = wait_for_runs(&app, 3).await;
    assert_eq!(third.state, State::Succeeded, "{:?}", third.message);
    assert_eq!(people_count(&app).await, everyone, "no duplicates");
    b.goto(&app.url(&page)).await.unwrap();
    let facts = text_of(&b, "dl.facts").await;
    assert!(facts.contains("Head of Platform"), "{facts}");
    let runs = texts(&b, "section.person-history li.sync-run").await;
    assert_eq!(runs.len(), 3, "{runs:?}");
    assert!(runs[0].contains("Edited by hand"), "{runs:?}");
    b.close().await.unwrap();
}
