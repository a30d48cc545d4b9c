//! kiwiHR's rules over real HTTP: teams become groups, memberships follow kiwiHR, contract end
//! dates deactivate, hand-made people are adopted by email, and a deactivation ends sessions.

use roster::db::{groups, people, sync_runs};
use roster::directory::Source;
use roster::fake::kiwihr::FakeKiwi;
use roster::hris::kiwihr::KiwiEndpoint;
use roster::hris::providers::Credentials;
use roster::hris::secret::Secret;
use roster::sync::run::{self, Outcome, Request, SyncContext, Trigger};

use crate::backends;
use crate::helpers::*;

async fn connect(app: &TestApp, fake: &FakeKiwi) -> SyncContext {
    let ctx = sync_context(app, None, Some(&fake.endpoint_url()), 7);
    let creds = Credentials::Kiwihr {
        api_key: Secret::new(fake.api_key()),
        endpoint: KiwiEndpoint::parse("https://acme.kiwihr.com").unwrap(),
    };
    roster::integrations::connect(&ctx, app.company_id, &creds, None)
        .await
        .unwrap();
    ctx
}

async fn sync(app: &TestApp, ctx: &SyncContext) -> run::Report {
    run::run(
        ctx,
        &Request {
            company_id: app.company_id,
            trigger: Trigger::Manual,
            started_by: None,
            approve: None,
        },
    )
    .await
    .unwrap()
}

async fn by_email(app: &TestApp, email: &str) -> roster::directory::Person {
    people::find_by_email(&app.db, app.company_id, email)
        .await
        .unwrap()
        .unwrap()
}

async fn group_names_of(app: &TestApp, p: &roster::directory::Person) -> Vec<String> {
    let all = groups::all(&app.db, app.company_id).await.unwrap();
    let mut names: Vec<String> = all
        .into_iter()
        .filter(|g| p.group_ids.contains(&g.id))
        .map(|g| g.name)
        .collect();
    names.sort();
    names
}

backends! {
    async fn teams_become_groups_memberships_follow_kiwihr_and_end_dates_deactivate(app) {
        let fake = FakeKiwi::builder().people(30).seed(4).teams(5).start().await.unwrap();
        let fx = fake.fixtures().clone();
        let m = app.manager().await;
        // A group that already carries a team's name is adopted, not duplicated.
        let team = fake.teams()[0].name.clone();
        m.post("/groups", &[("name", &team)]).await;
        // Someone created by hand before the first sync, with the email in another case.
        let two = fake.user(fx.two_teams.unwrap()).unwrap();
        let email = two.email.clone().unwrap().to_uppercase();
        m.post("/people", &[("first_name", "Hand"), ("last_name", "Made"), ("email", &email), ("active", "1")]).await;
        let hand_made = by_email(&app, &email).await;
        // And a hand-made group that kiwiHR does not assign to them.
        let local = id_of(&m.post("/groups", &[("name", "Book Club")]).await);
        let mut tx = app.db.begin().await.unwrap();
        groups::add_member(&mut tx, app.company_id, local, hand_made.id).await.unwrap();
        tx.commit().await.unwrap();

        let ctx = connect(&app, &fake).await;
        let report = sync(&app, &ctx).await;
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.message);

        let all_groups = groups::all(&app.db, app.company_id).await.unwrap();
        assert_eq!(all_groups.iter().filter(|g| g.name == team).count(), 1, "the existing group was reused");
        assert!(all_groups.iter().any(|g| g.name == "Book Club"), "groups are never deleted");

        let adopted = by_email(&app, &email).await;
        assert_eq!(adopted.id, hand_made.id, "adopted, not duplicated");
        assert_eq!(adopted.source, Source::Kiwihr);
        assert_eq!(adopted.first_name, two.first_name, "kiwiHR is the source of truth");
        let mut expected: Vec<String> = two.team_ids.iter()
            .map(|t| fake.teams().into_iter().find(|x| x.id == *t).unwrap().name).collect();
        expected.sort();
        expected.dedup();
        assert_eq!(group_names_of(&app, &adopted).await, expected, "exactly their kiwiHR teams, Book Club removed");

        let ended = fake.user(fx.ended_but_active.unwrap()).unwrap();
        assert!(!by_email(&app, ended.email.as_deref().unwrap()).await.active, "contract ended before today");
        let off = fake.user(fx.deactivated.unwrap()).unwrap();
        assert!(!by_email(&app, off.email.as_deref().unwrap()).await.active, "deactivated in kiwiHR");
        let future = fake.user(fx.future_end.unwrap()).unwrap();
        assert!(by_email(&app, future.email.as_deref().unwrap()).await.active, "a future end date changes nothing yet");

        let notes = sync_runs::notes(&app.db, report.run_id).await.unwrap();
        let orphan = fake.user(fx.manager_missing.unwrap()).unwrap();
        let orphan_row = by_email(&app, orphan.email.as_deref().unwrap()).await;
        assert_eq!(orphan_row.manager_id, None);
        assert!(notes.iter().any(|n| n.kind == "warning" && n.person_id == Some(orphan_row.id)),
            "a manager who matches nobody is named in the run: {notes:?}");
        assert!(notes.iter().any(|n| n.kind == "not_in_hris" && n.message.contains(&app.manager_email)),
            "people in Roster but not in kiwiHR are listed");
        assert!(by_email(&app, &app.manager_email).await.active, "and left as they are");

        // Memberships keep following kiwiHR on the next run.
        let remaining = two.team_ids.first().map(|t| fake.teams().into_iter().find(|x| x.id == *t).unwrap().name).unwrap();
        fake.set_teams(two.id, &[remaining.as_str()]);
        assert_eq!(sync(&app, &ctx).await.outcome, Outcome::Succeeded);
        assert_eq!(group_names_of(&app, &by_email(&app, &email).await).await, vec![remaining]);
    }

    async fn two_local_groups_with_a_teams_name_are_left_alone_and_reported(app) {
        let fake = FakeKiwi::builder().people(12).seed(8).teams(3).start().await.unwrap();
        let team = fake.teams()[1].name.clone();
        // The form refuses duplicate names; older data may still have them.
        let mut tx = app.db.begin().await.unwrap();
        let a = groups::create(&mut tx, app.company_id, &team).await.unwrap();
        let b = groups::create(&mut tx, app.company_id, &team).await.unwrap();
        tx.commit().await.unwrap();
        let ctx = connect(&app, &fake).await;
        let report = sync(&app, &ctx).await;
        assert_eq!(report.outcome, Outcome::Succeeded);
        assert!(groups::member_ids(&app.db, app.company_id, a).await.unwrap().is_empty());
        assert!(groups::member_ids(&app.db, app.company_id, b).await.unwrap().is_empty());
        let notes = sync_runs::notes(&app.db, report.run_id).await.unwrap();
        assert!(notes.iter().any(|n| n.kind == "run_warning" && n.message.contains(&team)), "{notes:?}");
    }

    async fn a_person_deactivated_by_a_sync_loses_their_session_but_the_last_manager_stays(app) {
        let fake = FakeKiwi::builder().people(10).seed(6).teams(2).start().await.unwrap();
        let eddie = fake.hire("Eddie", "Employee", &app.employee_email);
        let maria = fake.hire("Maria", "Manager", &app.manager_email);
        let ctx = connect(&app, &fake).await;
        assert_eq!(sync(&app, &ctx).await.outcome, Outcome::Succeeded);
        let employee = app.employee().await;
        assert_eq!(employee.get("/people").await.status, 200);

        fake.deactivate(eddie);
        fake.deactivate(maria);
        let report = sync(&app, &ctx).await;
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.message);
        assert_eq!(employee.get("/people").await.status, 303, "Eddie's session ended with the sync");
        assert!(!by_email(&app, &app.employee_email).await.active);
        let maria_row = by_email(&app, &app.manager_email).await;
        assert!(maria_row.active, "the company's last active manager is never deactivated");
        let notes = sync_runs::notes(&app.db, report.run_id).await.unwrap();
        assert!(notes.iter().any(|n| n.person_id == Some(maria_row.id) && n.kind == "warning"), "{notes:?}");
        assert_eq!(app.manager().await.get("/people").await.status, 200);
    }
}

fn id_of(page: &Page) -> i64 {
    page.location
        .as_deref()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}
