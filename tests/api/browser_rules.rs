//! Who is synced in headless Chromium, as a company manager: the provider's panel links the page,
//! a rule is chosen from the attributes Personio shares, Preview shows how many it keeps, leaves
//! out and would deactivate, a rule without values is named, and Save stores it. Every state at
//! 390 and 1366 px passes axe-core (serious and critical); with `ROSTER_SCREENSHOTS` they are saved.

use fantoccini::{Client, Locator};

use crate::browser::{checked_manager, click};
use crate::{helpers::*, integrations::*};

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

    let (b, _driver, mut looks) = checked_manager(&app, "/settings/integrations", "rules-").await;
    click(&b, "a.rules-link").await;
    b.wait()
        .for_element(Locator::Css("form.rules"))
        .await
        .unwrap();
    looks.look(&b, "empty").await;

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
    looks.look(&b, "preview").await;

    fill_first_rule(&b, "office", " ").await;
    click(&b, "button[value=save]").await;
    b.wait()
        .for_element(Locator::Css(".rule-errors"))
        .await
        .unwrap();
    looks.look(&b, "error").await;

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
    looks.look(&b, "saved").await;
    b.close().await.unwrap();
    looks.assert_none();
}
