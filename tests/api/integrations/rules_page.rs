//! Settings › Integrations › Personio › Who is synced: company managers see the attributes the
//! credential shares, preview rules (the same dry run a sync makes), get specific errors for bad
//! rules with nothing stored, and save with an audit event; the next sync does what the preview said.

use roster::db::{audit, run_people, sync_rules};
use roster::hris::Provider;

use super::*;
use crate::backends_with_fakes;

const PAGE: &str = "/settings/integrations/personio/rules";

/// Everyone internal but two employed people.
fn two_externals(fakes: &Fakes) {
    let people = fakes.personio.people();
    for p in &people {
        fakes
            .personio
            .update(p.id, |x| x.employment_type = "internal");
    }
    let employed: Vec<u64> = people
        .iter()
        .filter(|p| p.status.is_employed() && p.email.is_some())
        .map(|p| p.id)
        .take(2)
        .collect();
    for id in employed {
        fakes
            .personio
            .update(id, |x| x.employment_type = "external");
    }
}

fn rule<'a>(
    effect: &'a str,
    key: &'a str,
    values: &'a str,
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("effect", effect),
        ("attribute", key),
        ("values", values),
        ("action", action),
    ]
}

async fn stored(app: &TestApp) -> usize {
    sync_rules::selection(&app.db, app.company_id, Provider::Personio)
        .await
        .unwrap()
        .rules
        .len()
}

backends_with_fakes! {
    async fn the_preview_matches_what_the_next_sync_does_after_saving(app, fakes) {
        two_externals(&fakes);
        let (m, _) = connected_and_synced(&app).await;
        let panel = m.get("/settings/integrations").await;
        assert!(panel.body.contains(r#"href="/settings/integrations/personio/rules""#), "the panel links the page");
        let page = m.get(PAGE).await;
        assert_eq!(page.status, 200);
        let labels = page.texts("table.attributes tbody td:first-child");
        for l in ["Employment type", "Office", "T-shirt size", "Status"] {
            assert!(labels.iter().any(|x| x == l), "{l} in {labels:?}");
        }

        let preview = m.post(PAGE, &rule("exclude", "employment_type", "External", "preview")).await;
        assert_eq!(preview.status, 200, "{}", preview.text(".alert"));
        assert_eq!(preview.text(".rules-preview .left-out"), "2 left out");
        assert_eq!(preview.text(".rules-preview .deactivate"), "2 would be deactivated");
        assert_eq!(stored(&app).await, 0, "a preview stores nothing");

        let saved = m.post(PAGE, &rule("exclude", "employment_type", "External", "save")).await;
        assert_eq!(saved.status, 303);
        assert_eq!(stored(&app).await, 1);
        let events = audit::between(&app.db, app.company_id, None, None, 10).await.unwrap();
        assert!(events.iter().any(|e| e.action == "sync_rules"
            && e.detail == "Who is synced (Personio): leave out people whose Employment type is External"), "{events:?}");
        let again = m.get(saved.location.as_deref().unwrap()).await;
        assert!(again.text(".notice.success").contains("Saved"));

        m.post("/settings/integrations/sync", &[]).await;
        let run = wait_for_runs(&app, 2).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        assert_eq!(run.deactivated, 2, "the sync did what the preview said");
        let leaving = run_people::leaving(&app.db, run.id).await.unwrap();
        assert!(leaving.iter().all(|l| l.reason.as_deref() == Some("left out by the rule: Employment type is External")), "{leaving:?}");
        let history = m.get(&format!("/settings/integrations/history/{}", run.id)).await;
        assert!(history.body.contains("left out by the rule: Employment type is External"), "the run's page shows the reason");
        let list = m.get("/settings/integrations/history").await;
        assert!(list.body.contains("Who is synced") && list.body.contains("leave out people whose Employment type is External"), "the history lists the change of rules");
    }

    async fn bad_rules_get_specific_errors_and_nothing_is_stored(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let unknown = m.post(PAGE, &rule("exclude", "salary", "1", "save")).await;
        assert_eq!(unknown.status, 422);
        assert!(unknown.text(".rule-errors").contains("Personio does not offer the attribute “salary”"), "{}", unknown.text(".alert"));
        let empty = m.post(PAGE, &rule("include", "office", " , ", "save")).await;
        assert_eq!(empty.status, 422);
        assert!(empty.text(".rule-errors").contains("Rule 1: give at least one value of Office"), "{}", empty.text(".alert"));
        // An attribute the credential may not read cannot be used either.
        fakes.personio.set_readable_attributes(&["email", "status", "first_name", "last_name"]);
        let hidden = m.post(PAGE, &rule("exclude", "employment_type", "external", "save")).await;
        assert_eq!(hidden.status, 422);
        assert_eq!(stored(&app).await, 0);
        assert!(audit::between(&app.db, app.company_id, None, None, 10).await.unwrap().iter().all(|e| e.action != "sync_rules"));
    }
}
