//! Settings › Integrations › kiwiHR › Who is synced, over HTTP: the page lists kiwiHR's user
//! fields (location among them), previews an include rule on location with the counts the next
//! sync then has, saves it with an audit event, and the sync leaves the other office out with the
//! rule as the reason.

use roster::db::{audit, people, run_people, sync_rules};
use roster::directory::Source;
use roster::fake::kiwihr::KiwiRef;
use roster::hris::Provider;

use super::*;
use crate::backends_with_fakes;

const PAGE: &str = "/settings/integrations/kiwihr/rules";

fn include_location(values: &str, action: &'static str) -> Vec<(&'static str, String)> {
    vec![
        ("effect", "include".into()),
        ("attribute", "location".into()),
        ("values", values.into()),
        ("action", action.into()),
    ]
}

async fn post(m: &Client, fields: &[(&'static str, String)]) -> Page {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    m.post(PAGE, &fields).await
}

backends_with_fakes! {
    async fn a_location_rule_previews_saves_and_leaves_the_other_office_out(app, fakes) {
        let m = app.manager().await;
        let res = connect_kiwihr(&m, "https://acme.kiwihr.com").await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        let first = wait_for_runs(&app, 1).await;
        assert_eq!(first.state, State::Succeeded, "{:?}", first.message);

        // Everyone works in Berlin but two active people the first sync created, in Paris.
        let synced: Vec<String> = people::all(&app.db, app.company_id).await.unwrap().into_iter()
            .filter(|p| p.source == Source::Kiwihr && p.active)
            .filter_map(|p| p.source_id)
            .collect();
        let paris: Vec<String> = synced.iter().take(2).cloned().collect();
        assert_eq!(paris.len(), 2, "{synced:?}");
        for u in fakes.kiwi.users() {
            let (id, name) = if paris.contains(&u.id.to_string()) { (2, "Paris") } else { (1, "Berlin") };
            fakes.kiwi.update_user(u.id, |x| x.location = Some(KiwiRef { id, name: name.into() }));
        }

        let panel = m.get("/settings/integrations").await;
        assert!(panel.body.contains(&format!(r#"href="{PAGE}""#)), "the panel links the page");
        let page = m.get(PAGE).await;
        assert_eq!(page.status, 200);
        let labels = page.texts("table.attributes tbody td:first-child");
        assert!(labels.iter().any(|l| l == "Location"), "{labels:?}");

        let preview = post(&m, &include_location("Berlin", "preview")).await;
        assert_eq!(preview.status, 200, "{}", preview.text(".alert"));
        assert_eq!(preview.text(".rules-preview .left-out"), "2 left out");
        assert_eq!(preview.text(".rules-preview .deactivate"), "2 would be deactivated");
        assert!(sync_rules::selection(&app.db, app.company_id, Provider::Kiwihr).await.unwrap().rules.is_empty(),
            "a preview stores nothing");

        let saved = post(&m, &include_location("Berlin", "save")).await;
        assert_eq!(saved.status, 303, "{}", saved.text(".alert"));
        let stored = sync_rules::selection(&app.db, app.company_id, Provider::Kiwihr).await.unwrap();
        assert_eq!(stored.rules.len(), 1);
        let events = audit::between(&app.db, app.company_id, None, None, 10).await.unwrap();
        assert!(events.iter().any(|e| e.action == "sync_rules" && e.detail.contains("kiwiHR")
            && e.detail.contains("Location")), "{events:?}");

        m.post("/settings/integrations/sync", &[]).await;
        let run = wait_for_runs(&app, 2).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        assert_eq!(run.deactivated, 2, "the sync did what the preview said");
        let leaving = run_people::leaving(&app.db, run.id).await.unwrap();
        assert_eq!(leaving.len(), 2, "{leaving:?}");
        assert!(leaving.iter().all(|l| l.reason.as_deref() == Some("left out by the rule: Location is not Berlin")),
            "{leaving:?}");
        let still_active: Vec<String> = people::all(&app.db, app.company_id).await.unwrap().into_iter()
            .filter(|p| p.source == Source::Kiwihr && p.active)
            .filter_map(|p| p.source_id)
            .collect();
        assert!(still_active.iter().all(|id| !paris.contains(id)), "{still_active:?}");
        assert_eq!(still_active.len(), synced.len() - 2);
    }

    async fn bad_kiwihr_rules_get_specific_errors_and_nothing_is_stored(app, _fakes) {
        let m = app.manager().await;
        assert_eq!(connect_kiwihr(&m, "https://acme.kiwihr.com").await.status, 303);
        wait_for_runs(&app, 1).await;
        let unknown = post(&m, &[
            ("effect", "exclude".into()),
            ("attribute", "dynamic_42".into()),
            ("values", "x".into()),
            ("action", "save".into()),
        ]).await;
        assert_eq!(unknown.status, 422);
        assert!(unknown.text(".rule-errors").contains("kiwiHR does not offer the attribute “dynamic_42”"),
            "{}", unknown.text(".rule-errors"));
        let empty = post(&m, &include_location(" , ", "save")).await;
        assert_eq!(empty.status, 422);
        assert!(empty.text(".rule-errors").contains("Rule 1: give at least one value of Location"),
            "{}", empty.text(".rule-errors"));
        assert!(sync_rules::selection(&app.db, app.company_id, Provider::Kiwihr).await.unwrap().rules.is_empty());
    }
}
