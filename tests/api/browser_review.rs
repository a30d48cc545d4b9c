//! Reviewing a paused sync in headless Chromium, as a company manager: a mass leave pauses the
//! sync; the panel's Review opens its page, which lists every change by kind; Apply anyway is
//! refused by the browser until its confirmation is ticked, then applies; the paused sync then
//! reads "Applied" with a link to the sync that applied it. The threshold's form errors too. Every
//! page at 390 and 1366 px passes axe-core (serious and critical); with `ROSTER_SCREENSHOTS`
//! they are saved.

use fantoccini::Locator;
use roster::fake::people::FakeStatus;
use roster::sync::lifecycle::State;

use crate::browser::{checked_manager, click, texts};
use crate::{helpers::*, integrations::*};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_reviews_a_mass_leave_and_applies_it_with_confirmation() {
    let fakes = start_fakes(20).await;
    let app = spawn_with_fakes(Backend::Sqlite, &fakes).await;
    let (m, _) = connected_and_synced(&app).await;
    let staff: Vec<_> = fakes
        .personio
        .people()
        .into_iter()
        .filter(|p| p.status == FakeStatus::Active && p.email.is_some())
        .collect();
    let promoted = staff[0].clone();
    fakes
        .personio
        .update(promoted.id, |p| p.position = "Head of Reviews".into());
    for p in staff.iter().skip(1).take(10) {
        fakes.personio.remove(p.id);
    }
    m.post("/settings/integrations/sync", &[]).await;
    let paused = wait_for_runs(&app, 2).await;
    assert_eq!(paused.state, State::Paused, "{:?}", paused.message);

    let (b, _driver, mut looks) = checked_manager(&app, "/settings/integrations", "review-").await;
    click(&b, "#sync-status .headline a").await;
    b.wait()
        .for_element(Locator::Css("section.review"))
        .await
        .unwrap();
    let counts = b
        .find(Locator::Css(".counts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        counts.starts_with("Would change:")
            && counts.contains(&format!("{} deactivated", paused.deactivated)),
        "{counts}"
    );
    assert_eq!(
        texts(&b, ".would-deactivate tbody tr").await.len(),
        paused.deactivated as usize
    );
    looks.look(&b, "paused").await;
    // Every kind of change is there: the promotion under Updated.
    click(&b, "nav.filters a.filter-updated").await;
    b.wait()
        .for_element(Locator::Css("nav.filters a.filter-updated.current"))
        .await
        .unwrap();
    let updated = texts(&b, "li.person-change").await.join("\n");
    assert!(updated.contains("Head of Reviews"), "{updated}");

    // Apply anyway without the tick: the browser does not send it.
    let before = b.current_url().await.unwrap();
    click(&b, "button.apply-anyway").await;
    assert_eq!(
        b.current_url().await.unwrap(),
        before,
        "the box must be ticked"
    );
    assert_eq!(
        roster::db::sync_runs::count(&app.db, app.company_id)
            .await
            .unwrap(),
        2
    );
    click(&b, ".confirm-apply input[name=confirm]").await;
    click(&b, "button.apply-anyway").await;
    b.wait()
        .for_element(Locator::Css("#sync-status"))
        .await
        .unwrap();
    let applying = wait_for_runs(&app, 3).await;
    assert_eq!(applying.state, State::Succeeded, "{:?}", applying.message);

    // The paused sync now reads Applied, links to the applying sync, and offers nothing.
    b.goto(&app.url(&format!("/settings/integrations/history/{}", paused.id)))
        .await
        .unwrap();
    let h1 = b
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(h1.contains("Applied"), "{h1}");
    assert!(
        texts(&b, "button.apply-anyway, button.discard")
            .await
            .is_empty()
    );
    looks.look(&b, "applied").await;
    click(&b, ".closed-sentence a.closed-by-run").await;
    b.wait().for_element(Locator::Css("h1")).await.unwrap();
    let h1 = b
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, format!("Sync {} · Succeeded", applying.id));

    // The threshold on Company settings, with a wrong value marked at its field.
    b.goto(&app.url("/settings/company")).await.unwrap();
    let percent = b
        .find(Locator::Css("input[name=max_percent]"))
        .await
        .unwrap();
    percent.clear().await.unwrap();
    percent.send_keys("0").await.unwrap();
    click(&b, "form.form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("#f-max-percent-error"))
        .await
        .unwrap();
    looks.look(&b, "company-threshold-error").await;
    b.close().await.unwrap();
    looks.assert_none();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_connects_with_people_present_reviews_the_first_sync_and_starts_syncing() {
    let fakes = start_fakes(20).await;
    let app = spawn_with_fakes(Backend::Sqlite, &fakes).await;
    let m = app.manager().await;
    let known = fakes
        .personio
        .people()
        .into_iter()
        .find(|p| p.email.is_some())
        .unwrap();
    let email = known.email.clone().unwrap();
    let res = m
        .post(
            "/people",
            &[
                ("first_name", "Known"),
                ("last_name", "Already"),
                ("email", email.as_str()),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);

    let (b, _driver, mut looks) =
        checked_manager(&app, "/settings/integrations/personio/connect", "review-").await;
    for (css, value) in [
        ("input[name=client_id]", PERSONIO_ID),
        ("input[name=client_secret]", PERSONIO_SECRET),
    ] {
        b.find(Locator::Css(css))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    click(&b, "form.form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("button.start-syncing"))
        .await
        .unwrap();
    let adopted = texts(&b, "section.adopted li").await;
    assert!(adopted.iter().any(|a| a.contains(&email)), "{adopted:?}");
    assert!(
        roster::db::integrations::get(&app.db, app.company_id)
            .await
            .unwrap()
            .is_none(),
        "nothing stored before Start syncing"
    );
    looks.look(&b, "connect").await;
    click(&b, "button.start-syncing").await;
    b.wait()
        .for_element(Locator::Css("#sync-status"))
        .await
        .unwrap();
    let first = wait_for_runs(&app, 1).await;
    assert_eq!(first.state, State::Succeeded, "{:?}", first.message);
    let person = roster::db::people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.email.eq_ignore_ascii_case(&email))
        .unwrap();
    assert_eq!(person.source_id, Some(known.id.to_string()), "adopted");
    b.close().await.unwrap();
    looks.assert_none();
}
