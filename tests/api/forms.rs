//! Forms say what is wrong next to the field (`aria-invalid`, `aria-describedby` pointing at
//! the message), keep what was typed, and keep the kiwiHR token (never in the page) when only
//! the URL was wrong; a bare kiwiHR address is completed.

use roster::db::integrations;

use crate::backends_with_fakes;
use crate::helpers::*;
use crate::integrations::{KIWI_TOKEN, wait_for_runs};

/// The field named `name` is marked invalid and described by a message containing `expected`.
fn invalid(p: &Page, name: &str, expected: &str) {
    let html = p.html();
    let sel = scraper::Selector::parse(&format!("[name={name}]")).unwrap();
    let field = html
        .select(&sel)
        .next()
        .unwrap_or_else(|| panic!("no field {name}"));
    assert_eq!(
        field.value().attr("aria-invalid"),
        Some("true"),
        "{name} marked invalid"
    );
    let described = field.value().attr("aria-describedby").unwrap_or_default();
    let text: String = described
        .split_whitespace()
        .map(|id| p.text(&format!("#{id}")))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains(expected),
        "{name}: {expected:?} not in {text:?}"
    );
}

backends_with_fakes! {
    async fn a_kiwihr_token_is_kept_when_only_the_url_was_wrong(app, _fakes) {
        let m = app.manager().await;
        let res = m.post("/settings/integrations/kiwihr/connect",
            &[("api_token", KIWI_TOKEN), ("url", "https://acme.example.com/api/graphql")]).await;
        assert_eq!(res.status, 422);
        invalid(&res, "url", "yourcompany.kiwihr.com");
        assert!(res.body.contains("https://acme.example.com/api/graphql"), "the URL as typed is kept");
        assert!(!res.body.contains(KIWI_TOKEN), "the token is never in the page");
        assert!(res.text(".kept-secret").contains("kept"), "{}", res.text("form"));
        assert!(res.text(".alert").contains("one field needs a change"), "{}", res.text(".alert"));

        // The corrected address, bare as the browser shows it, and no token typed again.
        let res = m.post("/settings/integrations/kiwihr/connect",
            &[("api_token", ""), ("url", "acme.kiwihr.com")]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert, .field-error"));
        let stored = integrations::get(&app.db, app.company_id).await.unwrap().unwrap();
        assert!(stored.hint.contains("https://acme.kiwihr.com/api/graphql"), "{}", stored.hint);
        let run = wait_for_runs(&app, 1).await;
        assert_eq!(run.state, roster::sync::lifecycle::State::Succeeded, "{:?}", run.message);
    }

    async fn a_rejected_token_is_not_kept(app, _fakes) {
        let m = app.manager().await;
        let res = m.post("/settings/integrations/kiwihr/connect",
            &[("api_token", "wrong-token-qq77"), ("url", "acme.kiwihr.com")]).await;
        assert_eq!(res.status, 422);
        invalid(&res, "api_token", "kiwiHR rejected");
        assert!(res.texts(".kept-secret").is_empty());
        assert!(res.body.contains("https://acme.kiwihr.com/api/graphql"), "the completed address is kept");
        let again = m.post("/settings/integrations/kiwihr/connect",
            &[("api_token", ""), ("url", "acme.kiwihr.com")]).await;
        assert_eq!(again.status, 422);
        invalid(&again, "api_token", "Enter the API token");
        assert!(integrations::get(&app.db, app.company_id).await.unwrap().is_none());
    }

    async fn company_settings_mark_each_wrong_field_and_keep_the_values(app, _fakes) {
        let m = app.manager().await;
        let form = m.get("/settings/company").await;
        let zones = form.html();
        let options: Vec<String> = zones
            .select(&scraper::Selector::parse("datalist#time-zones option").unwrap())
            .map(|o| o.value().attr("value").unwrap().to_string())
            .collect();
        assert!(options.contains(&"Europe/Berlin".to_string()) && options.contains(&"America/New_York".to_string()));
        assert!(!options.contains(&"US/Eastern".to_string()), "no legacy aliases");
        assert!(form.body.contains("list=\"time-zones\""));

        let bad = m.post("/settings/company", &[("name", "Acme SE"), ("time_zone", "Mars/Olympus"),
            ("sync_hour", "25"), ("max_percent", "20"), ("min_people", "2")]).await;
        assert_eq!(bad.status, 422);
        invalid(&bad, "time_zone", "not a time zone");
        invalid(&bad, "sync_hour", "from 0 to 23");
        assert!(bad.text(".alert").contains("2 fields need a change"), "{}", bad.text(".alert"));
        assert!(bad.body.contains("value=\"Acme SE\"") && bad.body.contains("value=\"Mars/Olympus\""), "values kept");
        let html = bad.html();
        let name = html.select(&scraper::Selector::parse("[name=name]").unwrap()).next().unwrap();
        assert_eq!(name.value().attr("aria-invalid"), None, "a right field is not marked");
    }
}
