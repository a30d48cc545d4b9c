//! History that explains: reconcile's reasons are stored with each deactivation, reactivation and
//! manager change; a created person is one history row; a person's page lists their own sync
//! history.

use roster::db::{people, run_people::ChangeRecord, sync_runs};
use roster::directory::{Person, Source};
use roster::fake::people::FakeStatus;

use super::*;
use crate::backends_with_fakes;

/// The run's `sync_changes` rows as stored (a created person's one row is not expanded).
async fn changes_of(app: &TestApp, run_id: i64) -> Vec<ChangeRecord> {
    roster::on_db!(&app.db, p => sqlx::query_as(
        "select id, person_id, person_name, field, before, after, reason from sync_changes \
         where run_id = $1 order by id")
        .bind(run_id).fetch_all(p).await)
    .unwrap()
}

/// The reason stored with `person`'s change of `field` in the run.
fn reason(changes: &[ChangeRecord], person: i64, field: &str) -> String {
    changes
        .iter()
        .find(|c| c.person_id == Some(person) && c.field == field)
        .unwrap_or_else(|| panic!("no {field} change of #{person}"))
        .reason
        .clone()
        .unwrap_or_default()
}

async fn synced(app: &TestApp, source: Source) -> Vec<Person> {
    people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.source == source && p.active)
        .collect()
}

fn fake_id(p: &Person) -> u64 {
    p.source_id.as_deref().unwrap().parse().unwrap()
}

async fn sync_now(app: &TestApp, m: &Client, n: i64) -> sync_runs::Run {
    m.post("/settings/integrations/sync", &[]).await;
    let run = wait_for_runs(app, n).await;
    assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
    run
}

backends_with_fakes! {
    async fn deactivations_reactivations_and_manager_changes_are_stored_with_their_reason(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let people = synced(&app, Source::Personio).await;
        let leaver = people.iter().find(|p| p.role.is_none() && p.manager_id.is_some()).unwrap();
        let gone = people.iter().rev().find(|p| p.role.is_none() && p.id != leaver.id).unwrap();
        let mover = people.iter().find(|p| p.manager_id.is_some() && p.id != leaver.id && p.id != gone.id).unwrap();
        let new_boss = people.iter().find(|p| Some(p.id) != mover.manager_id && p.id != mover.id && p.id != leaver.id && p.id != gone.id).unwrap();
        assert!(fakes.personio.set_status(fake_id(leaver), FakeStatus::Inactive));
        assert!(fakes.personio.remove(fake_id(gone)));
        assert!(fakes.personio.update(fake_id(mover), |p| p.supervisor_id = Some(fake_id(new_boss))));

        let run = sync_now(&app, &m, 2).await;
        assert_eq!(run.deactivated, 2);
        let changes = changes_of(&app, run.id).await;
        assert_eq!(reason(&changes, leaver.id, "active"), "status Inactive in Personio");
        assert_eq!(reason(&changes, gone.id, "active"), "no longer returned by Personio");
        assert_eq!(reason(&changes, mover.id, "manager"), "supervisor changed in Personio");

        assert!(fakes.personio.set_status(fake_id(leaver), FakeStatus::Leave));
        let run = sync_now(&app, &m, 3).await;
        assert_eq!(run.reactivated, 1);
        assert_eq!(reason(&changes_of(&app, run.id).await, leaver.id, "active"), "status Leave in Personio");
    }

    async fn a_kiwihr_contract_that_ended_is_the_reason_for_the_deactivation(app, fakes) {
        let m = app.manager().await;
        assert_eq!(connect_kiwihr(&m, "https://acme.kiwihr.com").await.status, 303);
        let run = wait_for_runs(&app, 1).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        let person = synced(&app, Source::Kiwihr).await.into_iter().find(|p| p.role.is_none()).unwrap();
        assert!(fakes.kiwi.set_end_date(fake_id(&person), Some(time::macros::date!(2026 - 01 - 02))));
        let run = sync_now(&app, &m, 2).await;
        assert_eq!(
            reason(&changes_of(&app, run.id).await, person.id, "active"),
            "contract ended on 2 Jan 2026 in kiwiHR"
        );
    }

    async fn a_created_person_is_one_history_row_with_their_initial_values(app, _fakes) {
        let (_m, run) = connected_and_synced(&app).await;
        let changes = changes_of(&app, run.id).await;
        let created: Vec<_> = changes.iter().filter(|c| c.field == "created").collect();
        assert_eq!(created.len() as i64, run.created);
        for c in &created {
            let rows = changes.iter().filter(|o| o.person_id == c.person_id).count();
            assert_eq!(rows, 1, "one row for {}", c.person_name);
        }
        let someone = synced(&app, Source::Personio).await.into_iter().find(|p| p.manager_id.is_some()).unwrap();
        let row = created.iter().find(|c| c.person_id == Some(someone.id)).unwrap();
        let values: serde_json::Value = serde_json::from_str(row.after.as_deref().unwrap()).unwrap();
        assert_eq!(values["email"], someone.email.as_str());
        assert_eq!(values["birth_date"], someone.birth_date.unwrap().to_string().as_str());
        assert_eq!(values["source"], format!("Personio {}", someone.source_id.clone().unwrap()).as_str());
        let boss = people::get(&app.db, app.company_id, someone.manager_id.unwrap()).await.unwrap().unwrap();
        assert_eq!(values["manager"], boss.full_name().as_str(), "the manager is among the initial values");
    }

    async fn a_person_page_shows_their_own_sync_history_after_two_syncs(app, fakes) {
        let (m, first) = connected_and_synced(&app).await;
        let person = synced(&app, Source::Personio).await.into_iter().find(|p| p.role.is_none()).unwrap();
        assert!(fakes.personio.update(fake_id(&person), |p| p.position = "Chief History Officer".into()));
        let second = sync_now(&app, &m, 2).await;

        let page = m.get(&format!("/people/{}", person.id)).await;
        let runs = page.texts(".person-history li.sync-run");
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert!(runs[0].contains(&format!("sync #{}", second.id)), "{}", runs[0]);
        assert!(runs[0].contains("Job") && runs[0].contains("Chief History Officer"), "{}", runs[0]);
        assert!(runs[1].contains(&format!("sync #{}", first.id)) && runs[1].contains("Created"), "{}", runs[1]);
        assert!(runs[1].contains(&person.email), "{}", runs[1]);
        assert!(page.body.contains(&format!("href=\"/settings/integrations/history/{}\"", second.id)));

        let employee = app.employee().await;
        let page = employee.get(&format!("/people/{}", person.id)).await;
        assert_eq!(page.status, 200);
        assert!(page.texts(".person-history").is_empty(), "the history is for company managers");
    }
}
