//! On a synced person, the fields the HRIS owns are read-only: shown as "Managed by …", and a
//! submitted edit keeps their stored values.

use roster::db::people;
use roster::directory::{Person, Source};

use super::*;
use crate::backends_with_fakes;

async fn a_synced_person(app: &TestApp, source: Source) -> Person {
    people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.source == source && p.active)
        .max_by_key(|p| p.group_ids.len())
        .expect("a synced person")
}

backends_with_fakes! {
    async fn personio_owned_fields_are_shown_read_only_and_not_editable(app, _fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let person = a_synced_person(&app, Source::Personio).await;
        let show = m.get(&format!("/people/{}", person.id)).await;
        assert!(show.text("dl.facts").contains("Managed by Personio"));
        let form = m.get(&format!("/people/{}/edit", person.id)).await;
        for name in ["first_name", "last_name", "email", "position", "department", "first_hired_on"] {
            assert_eq!(form.texts(&format!("input[name={name}][disabled]")).len(), 1, "{name} is read-only");
        }
        assert_eq!(form.texts("select[name=manager_id][disabled]").len(), 1);
        assert_eq!(form.texts("input[name=employee_number][disabled]").len(), 0, "Personio does not own it");
        assert!(form.text(".owned").contains("Managed by Personio"));

        let res = m.post(&format!("/people/{}", person.id), &[
            ("first_name", "Hacked"),
            ("last_name", "Name"),
            ("email", "hacked@acme.test"),
            ("position", "Overwritten"),
            ("employee_number", "E-42"),
        ]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        let after = people::get(&app.db, app.company_id, person.id).await.unwrap().unwrap();
        assert_eq!(
            (&after.first_name, &after.last_name, &after.email, &after.position, after.active, after.manager_id),
            (&person.first_name, &person.last_name, &person.email, &person.position, person.active, person.manager_id),
            "owned fields kept, and 'active' missing from the form did not deactivate"
        );
        assert_eq!(after.employee_number.as_deref(), Some("E-42"), "a field Personio does not own is editable");
    }

    async fn kiwihr_also_owns_birth_date_employee_number_and_groups(app, _fakes) {
        let m = app.manager().await;
        assert_eq!(connect_kiwihr(&m, "https://acme.kiwihr.com").await.status, 303);
        let run = wait_for_runs(&app, 1).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        let person = a_synced_person(&app, Source::Kiwihr).await;
        let form = m.get(&format!("/people/{}/edit", person.id)).await;
        assert!(form.text(".owned").contains("Managed by kiwiHR"));
        for name in ["birth_date", "employee_number"] {
            assert_eq!(form.texts(&format!("input[name={name}][disabled]")).len(), 1, "{name} is read-only");
        }
        assert_eq!(form.texts("fieldset[disabled]").len(), 1, "groups are read-only");
        let res = m.post(&format!("/people/{}", person.id), &[
            ("birth_date", "1999-01-01"),
            ("employee_number", "X-1"),
            ("first_name", "Other"),
        ]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        let after = people::get(&app.db, app.company_id, person.id).await.unwrap().unwrap();
        assert_eq!(after, person, "nothing kiwiHR owns changed");
    }

    async fn a_person_added_by_hand_stays_fully_editable(app, _fakes) {
        let m = app.manager().await;
        let res = m.post("/people", &[("first_name", "Hand"), ("last_name", "Made"), ("email", "hand@acme.test"), ("active", "1")]).await;
        let id = res.location.unwrap().trim_start_matches("/people/").parse::<i64>().unwrap();
        let form = m.get(&format!("/people/{id}/edit")).await;
        assert!(form.texts("[disabled]").is_empty());
        assert!(form.texts(".owned").is_empty());
        let res = m.post(&format!("/people/{id}"), &[("first_name", "Hand"), ("last_name", "Changed"), ("email", "hand@acme.test"), ("active", "1")]).await;
        assert_eq!(res.status, 303);
        assert_eq!(people::get(&app.db, app.company_id, id).await.unwrap().unwrap().last_name, "Changed");
    }
}
