//! Settings › Integrations › Personio › Fields, the built-in table: an optional built-in field may
//! be filled from another attribute or not synced. "Don't sync" leaves the field alone on the next
//! sync and unlocks it; Job filled from a Personio custom attribute gets that value on the next
//! sync (as the preview said) and stays locked; the fields a sync needs cannot be changed.

use roster::db::{audit, field_mappings, integrations, people};
use roster::directory::{Attribute, Person, Source};
use roster::fake::people::FakeDepartment;
use roster::hris::Provider;
use roster::hris::ownership::Locks;

use super::*;
use crate::backends_with_fakes;

const PAGE: &str = "/settings/integrations/personio/fields";
/// The fake's "Employee ID", a Personio custom attribute of kind `standard`.
const LOCAL_ID: &str = "dynamic_70113";

async fn synced(app: &TestApp) -> Vec<Person> {
    let all = people::all(&app.db, app.company_id).await.unwrap();
    all.into_iter()
        .filter(|p| p.source == Source::Personio)
        .collect()
}

async fn locks(app: &TestApp, person: &Person) -> Locks {
    let connection = integrations::connection(&app.db, app.company_id)
        .await
        .unwrap();
    Locks::of(person, connection.as_ref())
}

async fn sync_again(app: &TestApp, m: &Client, runs: i64) {
    m.post("/settings/integrations/sync", &[]).await;
    let run = wait_for_runs(app, runs).await;
    assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
}

backends_with_fakes! {
    async fn a_department_not_synced_is_left_alone_and_editable(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let before = synced(&app).await;
        let p = before.iter().find(|p| p.department.is_some()).expect("someone has a department");
        assert!(locks(&app, p).await.locks(Attribute::Department), "owned while synced");
        let page = m.get(PAGE).await;
        assert!(page.texts("table.builtin td:first-child").iter().any(|l| l == "Department"));

        let off = [("builtin", "department"), ("builtin_from", "-"), ("action", "save")];
        let saved = m.post(PAGE, &off).await;
        assert_eq!(saved.status, 303, "{}", saved.text(".alert"));
        let events = audit::between(&app.db, app.company_id, None, None, 10).await.unwrap();
        assert!(events.iter().any(|e| e.action == "field_mapping" && e.detail == "Fields (Personio): Department: not synced"), "{events:?}");
        assert!(!locks(&app, p).await.locks(Attribute::Department), "released at once");
        assert!(locks(&app, p).await.locks(Attribute::Position), "the others stay owned");

        let id: u64 = p.source_id.as_deref().unwrap().parse().unwrap();
        assert!(fakes.personio.update(id, |f| f.department = Some(FakeDepartment { id: 9_999, name: "Moved".into() })));
        sync_again(&app, &m, 2).await;
        let after = synced(&app).await;
        let same = after.iter().find(|q| q.id == p.id).unwrap();
        assert_eq!(same.department, p.department, "a field not synced is left alone");
        assert!(!locks(&app, same).await.locks(Attribute::Department), "and stays editable");
        let form = m.get(&format!("/people/{}/edit", p.id)).await;
        assert_eq!(form.status, 200);
        assert!(form.texts("input[name=department][disabled]").is_empty(), "the form lets it be edited");
        assert_eq!(form.texts("input[name=position][disabled]").len(), 1, "Job stays locked");
    }

    async fn job_filled_from_a_custom_attribute_gets_its_value_on_the_next_sync(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let remap = [("builtin", "position"), ("builtin_from", LOCAL_ID)];
        let preview = m.post(PAGE, &[remap[0], remap[1], ("action", "preview")]).await;
        assert_eq!(preview.status, 200, "{}", preview.text(".alert"));
        let counted = preview.text(".mapping-preview .values");
        let values: usize = counted.split_whitespace().next().unwrap().parse().unwrap();
        let sample = preview.texts(".mapping-preview table.sample tbody td[data-label=Field]");
        assert!(values > 0 && sample.iter().all(|f| f == "Job"), "{counted} {sample:?}");

        let saved = m.post(PAGE, &[remap[0], remap[1], ("action", "save")]).await;
        assert_eq!(saved.status, 303, "{}", saved.text(".alert"));
        let events = audit::between(&app.db, app.company_id, None, None, 10).await.unwrap();
        assert!(events.iter().any(|e| e.detail == "Fields (Personio): Job ← Employee ID"), "{events:?}");
        let again = m.get(PAGE).await;
        assert!(again.body.contains(&format!(r#"<option value="{LOCAL_ID}" selected>"#)), "the page shows the choice");

        let before = synced(&app).await;
        sync_again(&app, &m, 2).await;
        let fake = fakes.personio.people();
        let mut changed = 0;
        for p in synced(&app).await {
            let was = before.iter().find(|b| b.id == p.id).unwrap();
            changed += usize::from(was.position != p.position);
            let f = fake.iter().find(|f| Some(f.id.to_string()) == p.source_id).unwrap();
            let local = f.custom.iter().find(|c| c.key == LOCAL_ID).unwrap().value.as_str().unwrap().to_owned();
            assert_eq!(p.position, Some(local.clone()).filter(|v| !v.is_empty()), "{}", p.email);
            assert!(locks(&app, &p).await.locks(Attribute::Position), "a remapped field stays owned");
        }
        assert!(changed > 0);
        assert_eq!(values, changed, "the sync did what the preview said");
    }

    async fn the_fields_a_sync_needs_cannot_be_changed(app, fakes) {
        let _ = &fakes;
        let (m, _) = connected_and_synced(&app).await;
        let page = m.get(PAGE).await;
        assert!(!page.body.contains(r#"name="builtin" value="email""#), "no select for Email");
        let cases = [
            ("email", "-", "Email: every sync needs it from Personio, so it cannot be changed."),
            ("position", "salary", "Job: Personio offers no attribute “salary” to fill it from."),
            ("position", "department", "Job: Personio offers no attribute “department” to fill it from."),
            ("first_hired_on", LOCAL_ID, "Employee ID (text) cannot fill Hire date: choose an attribute of a matching kind."),
            ("shoe_size", "-", "There is no built-in field “shoe_size”."),
        ];
        for (field, from, error) in cases {
            let res = m.post(PAGE, &[("builtin", field), ("builtin_from", from), ("action", "save")]).await;
            assert_eq!(res.status, 422, "{field} ← {from}");
            assert!(res.text(".mapping-errors").contains(error), "{}", res.text(".alert"));
        }
        let both = m.post(PAGE, &[("builtin", "department"), ("builtin_from", "-"), ("builtin", "last_name"), ("builtin_from", "-"), ("action", "save")]).await;
        assert_eq!(both.status, 422, "one bad row stores nothing");
        let stored = field_mappings::mapping(&app.db, app.company_id, Provider::Personio).await.unwrap();
        assert!(stored.builtins.is_empty(), "{stored:?}");
        assert!(audit::between(&app.db, app.company_id, None, None, 10).await.unwrap().iter().all(|e| e.action != "field_mapping"));
    }
}
