//! The sync path over real HTTP against the fake HRIS servers, on both backends: a complete,
//! trusted snapshot is applied in one transaction, or nobody changes.

use roster::db::{people, sync_runs};
use roster::fake::personio::FakePersonio;
use roster::fake::{Fault, FaultKind, Target};
use roster::hris::providers::Credentials;
use roster::hris::secret::Secret;
use roster::sync::lifecycle::{FailureKind, State};
use roster::sync::run::{self, Outcome, Request, StartError, SyncContext, Trigger};

use crate::backends;
use crate::helpers::*;

async fn connect_personio(app: &TestApp, fake: &FakePersonio, page_size: u32) -> SyncContext {
    let ctx = sync_context(app, Some(fake.base_url()), None, page_size);
    let creds = Credentials::Personio {
        client_id: fake.client_id().into(),
        client_secret: Secret::new(fake.client_secret()),
    };
    roster::integrations::connect(&ctx, app.company_id, &creds, None)
        .await
        .unwrap();
    ctx
}

fn request(app: &TestApp) -> Request {
    Request {
        company_id: app.company_id,
        trigger: Trigger::Cli,
        started_by: None,
        approve: None,
    }
}

async fn synced(app: &TestApp) -> Vec<roster::directory::Person> {
    people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.source == roster::directory::Source::Personio)
        .collect()
}

backends! {
    async fn the_first_sync_creates_everyone_and_an_unchanged_rerun_writes_no_person_row(app) {
        let fake = FakePersonio::builder().people(25).seed(7).start().await;
        let ctx = connect_personio(&app, &fake, 10).await;
        let first = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(first.outcome, Outcome::Succeeded, "{:?}", first.message);
        let people_in_fake = fake.people().iter().filter(|p| p.email.is_some()).count();
        assert_eq!(synced(&app).await.len(), people_in_fake);
        assert_eq!(first.tally.created as usize, people_in_fake);
        assert_eq!(first.tally.pages, 3);
        assert!(sync_runs::change_count(&app.db, first.run_id).await.unwrap() > 0, "the history explains the creates");
        // Managers were linked after everyone existed.
        assert!(synced(&app).await.iter().any(|p| p.manager_id.is_some()));

        let before = people::max_updated_at(&app.db, app.company_id).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let second = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(second.outcome, Outcome::Succeeded);
        assert_eq!((second.tally.created, second.tally.updated, second.tally.deactivated), (0, 0, 0));
        assert_eq!(sync_runs::change_count(&app.db, second.run_id).await.unwrap(), 0);
        assert_eq!(people::max_updated_at(&app.db, app.company_id).await.unwrap(), before, "no person row written");
    }

    async fn a_failed_page_changes_nobody_and_the_history_says_why(app) {
        let fake = FakePersonio::builder().people(25).seed(3).start().await;
        let ctx = connect_personio(&app, &fake, 10).await;
        assert_eq!(run::run(&ctx, &request(&app)).await.unwrap().outcome, Outcome::Succeeded);
        let before = synced(&app).await;
        // HR deactivates someone, but page 3 (offset 20) keeps failing.
        let someone = fake.people()[0].id;
        fake.set_status(someone, roster::fake::people::FakeStatus::Inactive);
        fake.add_fault(Fault::new(Target::Page(2), FaultKind::Status(500)));
        let report = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(report.outcome, Outcome::Failed);
        assert!(report.transient, "a 500 is worth retrying");
        let msg = report.message.unwrap();
        assert!(msg.contains("500") && msg.contains("Nothing was changed"), "{msg}");
        assert_eq!(synced(&app).await, before, "nobody changed");
        let run = sync_runs::get(&app.db, app.company_id, report.run_id).await.unwrap().unwrap();
        assert_eq!((run.state, run.failure), (State::Failed, Some(FailureKind::Unreachable)));
        assert_eq!(report.failure, Some(FailureKind::Unreachable));
    }

    async fn a_mass_deactivation_pauses_and_apply_anyway_applies_it(app) {
        let fake = FakePersonio::builder().people(20).seed(11).start().await;
        let ctx = connect_personio(&app, &fake, 100).await;
        assert_eq!(run::run(&ctx, &request(&app)).await.unwrap().outcome, Outcome::Succeeded);
        let active_before = synced(&app).await.iter().filter(|p| p.active).count();
        let gone: Vec<u64> = fake.people().iter().take(10).map(|p| p.id).collect();
        for id in &gone {
            fake.remove(*id);
        }
        let paused = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(paused.outcome, Outcome::Paused, "{:?}", paused.message);
        assert!(paused.message.as_deref().unwrap().starts_with("Paused: this sync would deactivate"));
        assert_eq!(synced(&app).await.iter().filter(|p| p.active).count(), active_before, "nothing applied");
        let listed = roster::db::run_people::leaving(&app.db, paused.run_id).await.unwrap().len();
        assert!(listed >= 8, "the run lists who would be deactivated: {listed}");
        assert_eq!(paused.tally.deactivated as usize, listed, "a paused run counts its plan");

        let approved = run::run(&ctx, &Request { approve: Some(paused.run_id), trigger: Trigger::Approval, ..request(&app) }).await.unwrap();
        assert_eq!(approved.outcome, Outcome::Succeeded, "{:?}", approved.message);
        assert_eq!(approved.tally.deactivated as usize, listed);
        assert_eq!(synced(&app).await.iter().filter(|p| p.active).count(), active_before - listed);
        assert!(synced(&app).await.len() >= active_before, "nobody deleted");
    }

    async fn an_empty_answer_is_refused_and_changes_nobody(app) {
        let fake = FakePersonio::builder().people(5).seed(2).start().await;
        let ctx = connect_personio(&app, &fake, 100).await;
        assert_eq!(run::run(&ctx, &request(&app)).await.unwrap().outcome, Outcome::Succeeded);
        let before = synced(&app).await;
        for p in fake.people() {
            fake.remove(p.id);
        }
        let report = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(report.outcome, Outcome::Refused);
        assert!(report.message.unwrap().contains("returned nobody"));
        assert_eq!(synced(&app).await, before);
    }

    async fn one_sync_per_company_at_a_time_and_a_dead_run_frees_the_lock(app) {
        let fake = FakePersonio::builder().people(5).seed(5).start().await;
        let ctx = connect_personio(&app, &fake, 100).await;
        let held = sync_runs::start(&app.db, app.company_id, roster::hris::Provider::Personio, Trigger::Manual, None, None).await.unwrap().unwrap();
        assert!(sync_runs::start(&app.db, app.company_id, roster::hris::Provider::Personio, Trigger::Manual, None, None).await.unwrap().is_none());
        let refused = run::run(&ctx, &request(&app)).await.unwrap_err();
        assert!(matches!(refused, StartError::AlreadyRunning), "{refused}");
        // The holder's process died: its heartbeat goes stale, and the next run takes over.
        age_heartbeat(&app.db, held).await;
        assert_eq!(run::run(&ctx, &request(&app)).await.unwrap().outcome, Outcome::Succeeded);
        let dead = sync_runs::get(&app.db, app.company_id, held).await.unwrap().unwrap();
        assert_eq!(dead.state, State::Failed);
        assert!(dead.message.unwrap().contains("stopped before it finished"));
    }

    async fn wrong_credentials_are_refused_at_connect_and_nothing_is_stored(app) {
        let fake = FakePersonio::builder().people(3).start().await;
        let ctx = sync_context(&app, Some(fake.base_url()), None, 100);
        let creds = Credentials::Personio { client_id: fake.client_id().into(), client_secret: Secret::new("wrong") };
        let err = roster::integrations::connect(&ctx, app.company_id, &creds, None).await.unwrap_err();
        assert!(err.to_string().contains("Personio rejected the client ID and secret"), "{err}");
        assert!(roster::db::integrations::get(&app.db, app.company_id).await.unwrap().is_none());
        assert!(!format!("{creds:?}").contains("wrong"), "Debug redacts the secret");
    }
}

backends! {
    async fn a_kiwihr_sync_gives_everyone_the_groups_of_their_teams(app) {
        let kiwi = roster::fake::kiwihr::FakeKiwi::builder().people(30).teams(4).start().await.unwrap();
        let ctx = sync_context(&app, None, Some(&kiwi.endpoint_url()), 10);
        let creds = Credentials::Kiwihr {
            api_key: Secret::new(kiwi.api_key()),
            endpoint: roster::hris::kiwihr::KiwiEndpoint::parse("https://acme.kiwihr.com/api/graphql").unwrap(),
        };
        roster::integrations::connect(&ctx, app.company_id, &creds, None).await.unwrap();
        let report = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.message);
        let users = kiwi.users();
        let synced: Vec<_> = people::all(&app.db, app.company_id).await.unwrap().into_iter()
            .filter(|p| p.source == roster::directory::Source::Kiwihr).collect();
        assert!(!synced.is_empty());
        let mut memberships = 0;
        for p in &synced {
            let user = users.iter().find(|u| Some(u.id.to_string()) == p.source_id).unwrap();
            assert_eq!(p.group_ids.len(), user.team_ids.len(), "{} {}", p.first_name, p.last_name);
            memberships += p.group_ids.len();
        }
        assert!(memberships > 0, "the fake puts people in teams");
    }
}
