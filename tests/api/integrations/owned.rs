//! A synced person's fields the connected HRIS owns are locked: one "Synced from …" note on the
//! person page, locked inputs on the form, and a submitted edit keeps their stored values.

use roster::db::people;
use roster::directory::{Person, Source};

use super::*;
use crate::backends_with_fakes;

pub async fn a_synced_person(app: &TestApp, source: Source) -> Person {
    people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.source == source && p.active && p.birth_date.is_some())
        .max_by_key(|p| p.group_ids.len())
        .expect("a synced person")
}

/// The inputs of the edit form that are disabled (locked).
pub async fn locked_inputs(m: &Client, id: i64) -> Vec<String> {
    let form = m.get(&format!("/people/{id}/edit")).await;
    let sel = scraper::Selector::parse("form [disabled]").unwrap();
    form.html()
        .select(&sel)
        .map(|e| e.value().attr("name").unwrap_or("groups").to_string())
        .collect()
}

backends_with_fakes! {
    async fn personio_locks_what_it_owns_birth_date_included(app, _fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let person = a_synced_person(&app, Source::Personio).await;
        let show = m.get(&format!("/people/{}", person.id)).await;
        assert_eq!(show.texts(".synced-note").len(), 1, "one note, not one per field");
        let note = show.text(".synced-note");
        assert!(note.contains("Synced from Personio"), "{note}");
        assert!(note.contains(&format!("Personio ID {}", person.source_id.clone().unwrap())), "{note}");
        assert!(note.contains("last synced"), "{note}");
        assert!(!show.body.contains("Managed by"), "no per-field “Managed by”");
        assert!(show.texts("dl.facts svg.lock").len() >= 8, "locked fields look locked");

        let mut locked = locked_inputs(&m, person.id).await;
        locked.sort();
        assert_eq!(
            locked,
            ["active", "birth_date", "department", "email", "first_hired_on", "first_name",
             "gender", "last_name", "manager_id", "position"],
            "Personio owns these; employee number and groups stay editable"
        );

        let res = m.post(&format!("/people/{}", person.id), &[
            ("first_name", "Hacked"),
            ("last_name", "Name"),
            ("email", "hacked@acme.test"),
            ("position", "Overwritten"),
            ("birth_date", "1901-01-01"),
            ("employee_number", "E-42"),
        ]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        let after = people::get(&app.db, app.company_id, person.id).await.unwrap().unwrap();
        assert_eq!(
            (&after.first_name, &after.email, &after.position, after.birth_date, after.active, after.manager_id),
            (&person.first_name, &person.email, &person.position, person.birth_date, person.active, person.manager_id),
            "locked fields kept (the birth date too), and 'active' missing from the form did not deactivate"
        );
        assert_eq!(after.employee_number.as_deref(), Some("E-42"), "a field Personio does not own is editable");
    }

    async fn kiwihr_locks_its_fields_but_leaves_the_department_editable(app, _fakes) {
        let m = app.manager().await;
        assert_eq!(connect_kiwihr(&m, "https://acme.kiwihr.com").await.status, 303);
        let run = wait_for_runs(&app, 1).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        let person = a_synced_person(&app, Source::Kiwihr).await;
        let locked = locked_inputs(&m, person.id).await;
        for name in ["birth_date", "employee_number", "groups", "first_name"] {
            assert!(locked.iter().any(|l| l == name), "{name} is locked: {locked:?}");
        }
        assert!(!locked.iter().any(|l| l == "department"), "kiwiHR never sends a department");
        let show = m.get(&format!("/people/{}", person.id)).await;
        assert!(show.text(".synced-note").contains("Synced from kiwiHR"));

        let res = m.post(&format!("/people/{}", person.id), &[
            ("department", "Sales"),
            ("birth_date", "1999-01-01"),
            ("employee_number", "X-1"),
        ]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        let after = people::get(&app.db, app.company_id, person.id).await.unwrap().unwrap();
        assert_eq!(after.department.as_deref(), Some("Sales"));
        assert_eq!((after.birth_date, &after.employee_number), (person.birth_date, &person.employee_number));

        // The next sync leaves the hand-typed department alone.
        m.post("/settings/integrations/sync", &[]).await;
        let run = wait_for_runs(&app, 2).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        let after = people::get(&app.db, app.company_id, person.id).await.unwrap().unwrap();
        assert_eq!(after.department.as_deref(), Some("Sales"));
    }

    async fn a_person_added_by_hand_stays_fully_editable(app, _fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let res = m.post("/people", &[("first_name", "Hand"), ("last_name", "Made"), ("email", "hand@acme.test"), ("active", "1")]).await;
        let id = res.location.unwrap().trim_start_matches("/people/").parse::<i64>().unwrap();
        assert!(locked_inputs(&m, id).await.is_empty());
        let show = m.get(&format!("/people/{id}")).await;
        assert!(show.texts(".synced-note").is_empty());
        assert!(show.text("dl.facts").contains("Added in Roster"));
        let res = m.post(&format!("/people/{id}"), &[("first_name", "Hand"), ("last_name", "Changed"), ("email", "hand@acme.test"), ("active", "1")]).await;
        assert_eq!(res.status, 303);
        assert_eq!(people::get(&app.db, app.company_id, id).await.unwrap().unwrap().last_name, "Changed");
    }
}
