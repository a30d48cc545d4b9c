//! Every main page in headless Chromium at a phone width (390 px) and a laptop width (1366 px),
//! as a company manager, as an employee and logged out: the page never scrolls sideways, the
//! name and Log out stay on screen, and axe-core finds no serious or critical violation.
//! The checks, and where axe-core comes from, are in `browser::checks`. With
//! `ROSTER_SCREENSHOTS=<dir>` it saves a full-page screenshot of every visit.

use fantoccini::{Client, Locator};

use crate::{
    browser::{WIDTHS, axe_source, browser, check, log_in_as, screenshot},
    helpers::*,
};

/// Visits each page at both widths and returns every problem found.
async fn visit_all(
    b: &Client,
    axe: &str,
    who: &str,
    app: &TestApp,
    pages: &[(&str, String)],
) -> Vec<String> {
    let mut problems = vec![];
    for &(w, h) in &WIDTHS {
        b.set_window_size(w, h).await.unwrap();
        for (name, path) in pages {
            b.goto(&app.url(path)).await.unwrap();
            let label = format!("{who} {path}");
            problems.extend(check(b, axe, &label, w).await);
            screenshot(b, &format!("{who}-{name}"), (w, h)).await;
        }
    }
    problems
}

/// The first sync, finished (a minute at most: this test runs beside others on a busy machine).
async fn first_run(app: &TestApp) -> roster::db::sync_runs::Run {
    for _ in 0..600 {
        let runs = roster::db::sync_runs::list(&app.db, app.company_id, 1, 0)
            .await
            .unwrap();
        if let Some(run) = runs.into_iter().next().filter(|r| r.finished_at.is_some()) {
            return run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the first sync did not finish within a minute");
}

async fn log_out(b: &Client) {
    b.find(Locator::Css(".me button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("input[name=email]"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_and_a_laptop_and_passes_axe() {
    let axe = axe_source();
    let fakes = crate::integrations::start_fakes(60).await;
    let app = crate::integrations::spawn_with_fakes(Backend::Sqlite, &fakes).await;
    let (b, _driver) = browser().await;
    let mut problems = vec![];

    // Logged out.
    let anonymous: Vec<(&str, String)> = vec![("login", "/login".into())];
    problems.extend(visit_all(&b, &axe, "anonymous", &app, &anonymous).await);

    // The manager before connecting: the Connect forms.
    log_in_as(&b, &app, &app.manager_email, "/login").await;
    let before: Vec<(&str, String)> = vec![
        ("integrations-empty", "/settings/integrations".into()),
        (
            "connect-personio",
            "/settings/integrations/personio/connect".into(),
        ),
        (
            "connect-kiwihr",
            "/settings/integrations/kiwihr/connect".into(),
        ),
    ];
    problems.extend(visit_all(&b, &axe, "manager", &app, &before).await);

    // Connected and synced, with a group, a long name and a synced person.
    let m = app.manager().await;
    // Connect's check has a time budget a busy test machine can exceed: a few tries.
    let mut res = crate::integrations::connect_personio(&m).await;
    for _ in 0..2 {
        if res.status == 303 {
            break;
        }
        res = crate::integrations::connect_personio(&m).await;
    }
    assert_eq!(res.status, 303, "{}", res.text(".alert"));
    let run = first_run(&app).await;
    let group = m.post("/groups", &[("name", "Platform engineering")]).await;
    assert_eq!(group.status, 303);
    let group_path = group.location.unwrap();
    m.post(
        "/people",
        &[
            ("first_name", "Maximiliane-Alexandra"),
            ("last_name", "von Hohenberg-Wittelsbach"),
            (
                "email",
                "maximiliane-alexandra.von-hohenberg-wittelsbach@acme.test",
            ),
            ("position", "Principal Infrastructure Reliability Engineer"),
            ("department", "Engineering"),
            ("active", "1"),
        ],
    )
    .await;
    let synced = roster::db::people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.source_id.is_some())
        .expect("a synced person");
    let person = format!("/people/{}", synced.id);
    let field = m
        .post(
            "/settings/fields",
            &[
                ("label", "Office"),
                ("kind", "choices"),
                ("choices", "Berlin\nParis"),
            ],
        )
        .await;
    assert_eq!(field.status, 303);
    let office = roster::db::custom_fields::all(&app.db, app.company_id)
        .await
        .unwrap()[0]
        .id;
    let manager_pages: Vec<(&str, String)> = vec![
        ("people", "/people".into()),
        ("people-search", "/people?q=zz-nobody".into()),
        ("person", person.clone()),
        ("person-edit", format!("{person}/edit")),
        ("person-new", "/people/new".into()),
        ("groups", "/groups".into()),
        ("group", group_path.clone()),
        ("group-edit", format!("{group_path}/edit")),
        ("group-new", "/groups/new".into()),
        ("settings", "/settings".into()),
        ("company", "/settings/company".into()),
        ("fields", "/settings/fields".into()),
        ("field-edit", format!("/settings/fields/{office}")),
        ("field-delete", format!("/settings/fields/{office}/delete")),
        ("gender", "/settings/fields/gender".into()),
        ("people-by-field", format!("/people?field_{office}=Berlin")),
        ("integrations", "/settings/integrations".into()),
        ("preview", "/settings/integrations/preview".into()),
        ("history", "/settings/integrations/history".into()),
        ("run", format!("/settings/integrations/history/{}", run.id)),
        ("disconnect", "/settings/integrations/disconnect".into()),
        ("not-found", "/no-such-page".into()),
        ("bad-request", "/people?page=abc".into()),
        ("past-the-end", "/people?page=9".into()),
    ];
    problems.extend(visit_all(&b, &axe, "manager", &app, &manager_pages).await);
    log_out(&b).await;

    log_in_as(&b, &app, &app.employee_email, "/login").await;
    let employee_pages: Vec<(&str, String)> = vec![
        ("people", "/people".into()),
        ("person", person),
        ("groups", "/groups".into()),
        ("group", group_path),
        ("forbidden", "/settings".into()),
        ("not-found", "/people/999999".into()),
    ];
    problems.extend(visit_all(&b, &axe, "employee", &app, &employee_pages).await);

    b.close().await.unwrap();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
