//! Ownership follows the connection: Disconnect releases the synced people (every field editable,
//! their HRIS id kept), a reconnect to the same HRIS adopts them again by id, and a switch to the
//! other HRIS adopts them by e-mail. Never a duplicate.

use roster::db::people;
use roster::directory::Source;

use super::owned::{a_synced_person, locked_inputs};
use super::*;
use crate::backends_with_fakes;

async fn disconnect(m: &Client) {
    let res = m
        .post("/settings/integrations/disconnect", &[("understood", "1")])
        .await;
    assert_eq!(res.status, 303, "{}", res.text(".alert"));
}

backends_with_fakes! {
    async fn disconnect_releases_people_and_a_reconnect_adopts_them_again_by_id(app, _fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let before = people_count(&app).await;
        let person = a_synced_person(&app, Source::Personio).await;
        assert!(!locked_inputs(&m, person.id).await.is_empty());

        disconnect(&m).await;
        assert!(locked_inputs(&m, person.id).await.is_empty(), "every field is editable by hand");
        let show = m.get(&format!("/people/{}", person.id)).await;
        let note = show.text(".synced-note");
        assert!(note.contains("Formerly synced from Personio"), "{note}");
        assert!(note.contains("every field can be edited"), "{note}");
        assert!(show.texts("svg.lock").is_empty(), "nothing looks locked");
        let res = m.post(&format!("/people/{}", person.id), &[
            ("first_name", &person.first_name),
            ("last_name", &person.last_name),
            ("email", &person.email),
            ("position", "Edited by hand"),
            ("birth_date", "1980-02-29"),
            ("active", "1"),
        ]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        let edited = people::get(&app.db, app.company_id, person.id).await.unwrap().unwrap();
        assert_eq!(edited.position.as_deref(), Some("Edited by hand"));
        assert_eq!(edited.birth_date.map(|d| d.to_string()).as_deref(), Some("1980-02-29"));
        assert_eq!((edited.source, &edited.source_id), (Source::Personio, &person.source_id), "the HRIS id is kept");

        let review = connect_personio(&m).await;
        assert_eq!(connect_reviewed(&m, review, "personio").await.status, 303);
        let run = wait_for_runs(&app, 2).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        assert_eq!(run.created, 0, "nobody created twice");
        assert_eq!(people_count(&app).await, before, "no duplicates");
        let again = people::get(&app.db, app.company_id, person.id).await.unwrap().unwrap();
        assert_eq!(again.source_id, person.source_id, "adopted by id");
        assert_eq!((&again.position, again.birth_date), (&person.position, person.birth_date), "Personio's values back");
        assert!(locked_inputs(&m, person.id).await.iter().any(|l| l == "birth_date"), "locked again");
    }

    async fn switching_to_kiwihr_adopts_the_former_personio_people_by_email(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let before = people_count(&app).await;
        let personio_people: Vec<_> = people::all(&app.db, app.company_id).await.unwrap()
            .into_iter().filter(|p| p.source == Source::Personio && p.active).take(3).collect();
        let kiwi_users = fakes.kiwi.users();
        for (u, p) in kiwi_users.iter().zip(&personio_people) {
            assert!(fakes.kiwi.set_email(u.id, Some(&p.email.to_uppercase())));
        }
        let stays = a_synced_person(&app, Source::Personio).await;

        disconnect(&m).await;
        let review = connect_kiwihr(&m, "https://acme.kiwihr.com").await;
        assert_eq!(connect_reviewed(&m, review, "kiwihr").await.status, 303);
        let run = wait_for_runs(&app, 2).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        assert_eq!(run.created as usize, kiwi_users.len() - personio_people.len());
        assert_eq!(people_count(&app).await, before + kiwi_users.len() - personio_people.len(), "no duplicates");
        for (u, p) in kiwi_users.iter().zip(&personio_people) {
            let adopted = people::get(&app.db, app.company_id, p.id).await.unwrap().unwrap();
            assert_eq!((adopted.source, adopted.source_id.clone()), (Source::Kiwihr, Some(u.id.to_string())));
            assert!(locked_inputs(&m, p.id).await.iter().any(|l| l == "employee_number"));
        }
        if !personio_people.iter().any(|p| p.id == stays.id) {
            assert!(locked_inputs(&m, stays.id).await.is_empty(), "a former Personio person kiwiHR does not know is not locked");
        }
    }
}
