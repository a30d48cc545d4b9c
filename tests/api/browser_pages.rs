//! Every main page in headless Chromium at a phone width (390 px) and a laptop width (1366 px),
//! as a company manager, as an employee and logged out: the page never scrolls sideways, the
//! name and Log out stay on screen, and axe-core finds no serious or critical violation.
//!
//! axe-core is the npm package's `axe.min.js` (`.ci/run` installs it): `AXE_CORE_JS` names the
//! file, else `~/.cache/roster/npm/node_modules/axe-core/axe.min.js`. Missing, the test fails.
//! With `ROSTER_SCREENSHOTS=<dir>` it saves a full-page screenshot of every visit.

use fantoccini::{Client, Locator};

use crate::{
    browser::{browser, log_in_as},
    helpers::*,
};

pub(crate) const WIDTHS: [(u32, u32); 2] = [(390, 844), (1366, 900)];

pub(crate) fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
        format!("{home}/.cache/roster/npm/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is needed at {path} ({e}): run .ci/run, or \
             `npm install --prefix ~/.cache/roster/npm axe-core@4`"
        )
    })
}

/// What went wrong on one visit, in words for the failure message.
pub(crate) async fn check(b: &Client, axe: &str, label: &str, width: u32) -> Vec<String> {
    let mut problems = vec![];
    let sizes = b
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
    assert_eq!(inner, u64::from(width), "the viewport is {width} px wide");
    if scroll > inner {
        problems.push(format!(
            "{label} @{width}: the page is {scroll} px wide in a {inner} px window"
        ));
    }
    // The name and Log out, when shown, are fully on screen.
    let cut = b
        .execute(
            "var out = [];
             document.querySelectorAll('.me .who, .me button').forEach(function (e) {
               var r = e.getBoundingClientRect();
               if (r.left < 0 || r.right > window.innerWidth) out.push(e.textContent.trim());
             });
             return out;",
            vec![],
        )
        .await
        .unwrap();
    if cut.as_array().is_some_and(|a| !a.is_empty()) {
        problems.push(format!("{label} @{width}: cut off: {cut}"));
    }
    b.execute(axe, vec![]).await.unwrap();
    let found = b
        .execute_async(
            "var done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(function (r) {
               done(r.violations.filter(function (v) {
                 return v.impact === 'serious' || v.impact === 'critical';
               }).map(function (v) {
                 return v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
                   v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', ');
               }));
             }, function (e) { done(['axe failed: ' + e]); });",
            vec![],
        )
        .await
        .unwrap();
    for v in found.as_array().into_iter().flatten() {
        problems.push(format!("{label} @{width}: {}", v.as_str().unwrap_or("?")));
    }
    problems
}

/// A full-page screenshot when `ROSTER_SCREENSHOTS` names a folder.
pub(crate) async fn screenshot(b: &Client, name: &str, (w, h): (u32, u32)) {
    let Ok(dir) = std::env::var("ROSTER_SCREENSHOTS") else {
        return;
    };
    let height = b
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(u64::from(h)) as u32;
    b.set_window_size(w, height.clamp(h, 4000)).await.unwrap();
    let png = b.screenshot().await.unwrap();
    std::fs::write(format!("{dir}/{name}-{w}.png"), png).unwrap();
    b.set_window_size(w, h).await.unwrap();
}

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
