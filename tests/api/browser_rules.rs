//! Who is synced in headless Chromium, as a company manager: the provider's panel links the page,
//! a rule is chosen from the attributes Personio shares, Preview shows how many it keeps, leaves
//! out and would deactivate, a rule without values is named, and Save stores it. Every state at
//! 390 and 1366 px passes axe-core (serious and critical); with `ROSTER_SCREENSHOTS` they are saved.

use fantoccini::{Client, Locator};

use crate::browser::{browser, click, log_in_at};
use crate::browser_pages::{WIDTHS, axe_source, check, screenshot};
use crate::{helpers::*, integrations::*};

async fn look(b: &Client, axe: &str, name: &str) -> Vec<String> {
    let mut problems = vec![];
    for &(w, h) in &WIDTHS {
        b.set_window_size(w, h).await.unwrap();
        problems.extend(check(b, axe, name, w).await);
        screenshot(b, &format!("rules-{name}"), (w, h)).await;
    }
    b.set_window_size(1280, 900).await.unwrap();
    problems
}

async fn fill_first_rule(b: &Client, attribute: &str, values: &str) {
    b.find(Locator::Css("#attribute-1"))
        .await
        .unwrap()
        .select_by_value(attribute)
        .await
        .unwrap();
    let input = b.find(Locator::Css("#values-1")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(values).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_previews_and_saves_a_rule_that_leaves_externals_out() {
    let axe = axe_source();
    let fakes = start_fakes(20).await;
    let app = spawn_with_fakes(Backend::Sqlite, &fakes).await;
    connected_and_synced(&app).await;
    let externals = fakes
        .personio
        .people()
        .iter()
        .filter(|p| p.employment_type == "external")
        .count();
    assert!(externals > 0, "the fake's crowd has externals to leave out");

    let (b, _driver) = browser().await;
    let mut problems = vec![];
    log_in_at(&b, &app, "/settings/integrations").await;
    click(&b, "a.rules-link").await;
    b.wait()
        .for_element(Locator::Css("form.rules"))
        .await
        .unwrap();
    problems.extend(look(&b, &axe, "empty").await);

    fill_first_rule(&b, "employment_type", "external").await;
    click(&b, "button[value=preview]").await;
    b.wait()
        .for_element(Locator::Css(".rules-preview"))
        .await
        .unwrap();
    let left_out = b
        .find(Locator::Css(".rules-preview .left-out"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(left_out, format!("{externals} left out"));
    problems.extend(look(&b, &axe, "preview").await);

    fill_first_rule(&b, "office", " ").await;
    click(&b, "button[value=save]").await;
    b.wait()
        .for_element(Locator::Css(".rule-errors"))
        .await
        .unwrap();
    problems.extend(look(&b, &axe, "error").await);

    fill_first_rule(&b, "employment_type", "external").await;
    click(&b, "button[value=save]").await;
    b.wait()
        .for_element(Locator::Css(".notice.success"))
        .await
        .unwrap();
    let stored = roster::db::sync_rules::selection(
        &app.db,
        app.company_id,
        roster::hris::Provider::Personio,
    )
    .await
    .unwrap();
    assert_eq!(stored.rules.len(), 1);
    problems.extend(look(&b, &axe, "saved").await);
    b.close().await.unwrap();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
