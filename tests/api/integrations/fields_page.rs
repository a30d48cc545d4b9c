//! Settings › Integrations › Personio › Fields: company managers see the attributes the credential
//! shares beyond the built-in fields, map one onto a custom field, preview what the next sync
//! would do (the same dry run a sync makes), get specific errors for bad rows with nothing stored,
//! and save with an audit event; the next sync does what the preview said.

use roster::db::{audit, custom_fields, field_mappings, run_people};
use roster::directory::FieldKind;
use roster::directory::fields::Definition;
use roster::hris::Provider;

use super::*;
use crate::backends_with_fakes;

const PAGE: &str = "/settings/integrations/personio/fields";
const SHIRT: &str = "dynamic_70112";

async fn field(app: &TestApp, label: &str, kind: FieldKind, choices: &[&str]) -> String {
    let def = Definition {
        label: label.into(),
        kind,
        choices: choices.iter().map(|c| c.to_string()).collect(),
    };
    let mut tx = app.db.begin().await.unwrap();
    let id = custom_fields::insert(&mut tx, app.company_id, &def)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id.to_string()
}

async fn stored(app: &TestApp) -> usize {
    field_mappings::mapping(&app.db, app.company_id, Provider::Personio)
        .await
        .unwrap()
        .fields
        .len()
}

backends_with_fakes! {
    async fn the_preview_matches_what_the_next_sync_does_after_saving(app, fakes) {
        let _ = &fakes;
        let (m, _) = connected_and_synced(&app).await;
        let id = field(&app, "Shirt", FieldKind::Choice, &["S", "M", "L", "XL"]).await;
        let panel = m.get("/settings/integrations").await;
        assert!(panel.body.contains(r#"href="/settings/integrations/personio/fields""#), "the panel links the page");
        let page = m.get(PAGE).await;
        assert_eq!(page.status, 200);
        let offered = page.texts("table.mapping-rows tbody td:first-child");
        assert!(offered.iter().any(|l| l.starts_with("T-shirt size")), "{offered:?}");
        assert!(offered.iter().all(|l| !l.starts_with("Email")), "built-in attributes are not offered: {offered:?}");
        assert!(offered.iter().all(|l| !l.starts_with("Date of birth")), "found by its universal_id: built in");
        let builtin = page.texts("table.builtin td:first-child");
        assert!(builtin.iter().any(|l| l == "Hire date") && builtin.iter().any(|l| l == "Birth date"), "{builtin:?}");
        assert!(page.body.contains(">Date of birth (as always)</option>"), "filled by the seed's attribute by default");

        let choose = [("key", SHIRT), ("target", id.as_str()), ("action", "preview")];
        let preview = m.post(PAGE, &choose).await;
        assert_eq!(preview.status, 200, "{}", preview.text(".alert"));
        let counted = preview.text(".mapping-preview .values");
        let values: usize = counted.split_whitespace().next().unwrap().parse().unwrap();
        assert!(values > 0, "{counted}");
        assert!(!preview.texts(".mapping-preview table.sample tbody tr").is_empty(), "a sample of changes");
        assert_eq!(stored(&app).await, 0, "a preview stores nothing");

        let saved = m.post(PAGE, &[("key", SHIRT), ("target", id.as_str()), ("action", "save")]).await;
        assert_eq!(saved.status, 303, "{}", saved.text(".alert"));
        assert_eq!(stored(&app).await, 1);
        let events = audit::between(&app.db, app.company_id, None, None, 10).await.unwrap();
        assert!(events.iter().any(|e| e.action == "field_mapping" && e.detail == "Fields (Personio): T-shirt size → Shirt"), "{events:?}");
        let again = m.get(saved.location.as_deref().unwrap()).await;
        assert!(again.text(".notice.success").contains("Saved"));

        m.post("/settings/integrations/sync", &[]).await;
        let run = wait_for_runs(&app, 2).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        let changes = run_people::changes_after(&app.db, run.id, 0, 1000).await.unwrap();
        let shirts = changes.iter().filter(|c| c.field == "field:Shirt").count();
        assert_eq!(shirts, values, "the sync did what the preview said");
        let history = m.get(&format!("/settings/integrations/history/{}", run.id)).await;
        assert!(history.body.contains("Shirt"), "the run's page names the field");
        let list = m.get("/settings/integrations/history").await;
        assert!(list.body.contains("Fields mapping changed") && list.body.contains("T-shirt size → Shirt"), "the history lists the change");
        let delete = m.get(&format!("/settings/fields/{id}/delete")).await;
        assert_eq!(delete.text(".delete-mapping"), "Personio fills Shirt from “T-shirt size”; deleting the field also ends that mapping.");
        let deleted = m.post(&format!("/settings/fields/{id}/delete"), &[("understood", "1")]).await;
        assert_eq!(deleted.status, 303, "{}", deleted.text(".alert"));
        assert_eq!(stored(&app).await, 0, "the mapping went with the field");
    }

    async fn bad_rows_get_specific_errors_and_nothing_is_stored(app, fakes) {
        let _ = &fakes;
        let (m, _) = connected_and_synced(&app).await;
        let date = field(&app, "Started", FieldKind::Date, &[]).await;
        let text = field(&app, "Notes", FieldKind::Text, &[]).await;
        let wrong_kind = m.post(PAGE, &[("key", "dynamic_70115"), ("target", date.as_str()), ("action", "save")]).await;
        assert_eq!(wrong_kind.status, 422);
        assert!(wrong_kind.text(".mapping-errors").contains("Desk number (number) cannot fill Started (date)"), "{}", wrong_kind.text(".alert"));
        let unknown_field = m.post(PAGE, &[("key", SHIRT), ("target", "999999"), ("action", "save")]).await;
        assert_eq!(unknown_field.status, 422);
        assert!(unknown_field.text(".mapping-errors").contains("T-shirt size: there is no such Roster field"));
        let twice = m.post(PAGE, &[("key", SHIRT), ("target", text.as_str()), ("key", "dynamic_70113"), ("target", text.as_str()), ("action", "save")]).await;
        assert_eq!(twice.status, 422);
        assert!(twice.text(".mapping-errors").contains("Notes is chosen for both T-shirt size and Employee ID"), "{}", twice.text(".alert"));
        let unknown_attribute = m.post(PAGE, &[("key", "salary"), ("target", text.as_str()), ("action", "save")]).await;
        assert_eq!(unknown_attribute.status, 422);
        assert!(unknown_attribute.text(".mapping-errors").contains("Personio does not offer the attribute “salary”"));
        assert_eq!(stored(&app).await, 0);
        assert!(audit::between(&app.db, app.company_id, None, None, 10).await.unwrap().iter().all(|e| e.action != "field_mapping"));
    }
}
