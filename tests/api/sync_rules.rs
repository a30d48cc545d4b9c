//! Who is synced, through the one sync path on both backends: people an include/exclude rule
//! leaves out are deactivated with the rule as the reason (through the mass-deactivation guard),
//! never created, and a credential that stops sharing the rule's attribute changes no one.

use roster::db::{companies, people, run_people, sync_rules};
use roster::directory::{Person, Source};
use roster::fake::kiwihr::FakeKiwi;
use roster::fake::people::{FakePerson, FakeStatus, generate};
use roster::fake::personio::{ALL_KEYS, FakePersonio};
use roster::hris::Provider;
use roster::hris::kiwihr::KiwiEndpoint;
use roster::hris::providers::Credentials;
use roster::hris::secret::Secret;
use roster::sync::GuardSettings;
use roster::sync::run::{self, Outcome, Request, SyncContext, Trigger};
use roster::sync::selection::{Effect, Rule, Selection};

use crate::backends;
use crate::helpers::*;

const REASON: &str = "left out by the rule: Employment type is external";

/// Twelve people, all employed and internal, except two externals.
fn crowd() -> (Vec<FakePerson>, Vec<u64>) {
    let mut people = generate(12, 5, "example.org");
    for p in &mut people {
        p.status = FakeStatus::Active;
        p.employment_type = "internal";
    }
    people[3].employment_type = "external";
    people[8].employment_type = "external";
    let externals = vec![people[3].id, people[8].id];
    (people, externals)
}

async fn connect(app: &TestApp, fake: &FakePersonio) -> SyncContext {
    let ctx = sync_context(app, Some(fake.base_url()), None, 100);
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

async fn no_externals(app: &TestApp) {
    let selection = Selection {
        rules: vec![Rule {
            effect: Effect::Exclude,
            key: "employment_type".into(),
            label: "Employment type".into(),
            values: vec!["external".into()],
        }],
    };
    let mut tx = app.db.begin().await.unwrap();
    sync_rules::replace(&mut tx, app.company_id, Provider::Personio, &selection)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn synced(app: &TestApp) -> Vec<Person> {
    people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.source == Source::Personio)
        .collect()
}

fn sid(p: &Person) -> u64 {
    p.source_id.as_deref().unwrap().parse().unwrap()
}

backends! {
    async fn a_rule_that_excludes_externals_deactivates_the_two_synced_before_with_that_reason(app) {
        let (crowd, externals) = crowd();
        let fake = FakePersonio::builder().roster(crowd).start().await;
        let ctx = connect(&app, &fake).await;
        let first = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!((first.outcome, first.tally.created), (Outcome::Succeeded, 12));

        no_externals(&app).await;
        // 2 of 12 is under the 20 % review threshold.
        companies::set_pause(&app.db, app.company_id, &GuardSettings { max_percent: 20, min_people: 1 }).await.unwrap();
        let report = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.message);
        assert_eq!(report.tally.deactivated, 2);
        let inactive: Vec<u64> = synced(&app).await.iter().filter(|p| !p.active).map(sid).collect();
        assert_eq!(inactive, externals);
        let leaving = run_people::leaving(&app.db, report.run_id).await.unwrap();
        assert_eq!(leaving.len(), 2);
        assert!(leaving.iter().all(|l| l.reason.as_deref() == Some(REASON)), "{leaving:?}");
    }

    async fn a_rule_that_would_deactivate_over_the_threshold_pauses_and_changes_no_one(app) {
        let (crowd, _) = crowd();
        let fake = FakePersonio::builder().roster(crowd).start().await;
        let ctx = connect(&app, &fake).await;
        assert_eq!(run::run(&ctx, &request(&app)).await.unwrap().outcome, Outcome::Succeeded);
        no_externals(&app).await;
        companies::set_pause(&app.db, app.company_id, &GuardSettings { max_percent: 10, min_people: 1 }).await.unwrap();
        let report = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(report.outcome, Outcome::Paused, "{:?}", report.message);
        assert!(synced(&app).await.iter().all(|p| p.active), "paused: nobody changed");
        let leaving = run_people::leaving(&app.db, report.run_id).await.unwrap();
        assert_eq!(leaving.len(), 2, "the review lists who would leave");
        assert!(leaving.iter().all(|l| l.reason.as_deref() == Some(REASON)), "{leaving:?}");
    }

    async fn people_a_rule_leaves_out_are_never_created_on_a_first_sync(app) {
        let (crowd, externals) = crowd();
        let fake = FakePersonio::builder().roster(crowd).start().await;
        let ctx = connect(&app, &fake).await;
        no_externals(&app).await;
        let first = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!((first.outcome, first.tally.created), (Outcome::Succeeded, 10));
        let ids: Vec<u64> = synced(&app).await.iter().map(sid).collect();
        assert!(externals.iter().all(|e| !ids.contains(e)), "{ids:?}");
    }

    async fn an_attribute_the_credential_stops_sharing_changes_no_one(app) {
        let (crowd, _) = crowd();
        let fake = FakePersonio::builder().roster(crowd).start().await;
        let ctx = connect(&app, &fake).await;
        no_externals(&app).await;
        assert_eq!(run::run(&ctx, &request(&app)).await.unwrap().outcome, Outcome::Succeeded);
        let before = synced(&app).await;
        // The company takes employment type away from the credential.
        let others: Vec<&str> = ALL_KEYS.iter().copied().filter(|k| *k != "employment_type").collect();
        fake.set_readable_attributes(&others);
        let report = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.message);
        assert_eq!((report.tally.deactivated, report.tally.created, report.tally.updated), (0, 0, 0));
        assert_eq!(report.tally.skipped, 12, "nobody can be judged, so nobody is touched");
        assert_eq!(synced(&app).await, before);
    }

    async fn a_kiwihr_rule_on_location_keeps_only_that_office(app) {
        let fake = FakeKiwi::builder().people(15).seed(3).teams(2).start().await.unwrap();
        let ctx = sync_context(&app, None, Some(&fake.endpoint_url()), 7);
        let creds = Credentials::Kiwihr {
            api_key: Secret::new(fake.api_key()),
            endpoint: KiwiEndpoint::parse("https://acme.kiwihr.com").unwrap(),
        };
        roster::integrations::connect(&ctx, app.company_id, &creds, None).await.unwrap();
        let selection = Selection {
            rules: vec![Rule {
                effect: Effect::Include,
                key: "location".into(),
                label: "Location".into(),
                values: vec!["berlin".into()],
            }],
        };
        let mut tx = app.db.begin().await.unwrap();
        sync_rules::replace(&mut tx, app.company_id, Provider::Kiwihr, &selection).await.unwrap();
        tx.commit().await.unwrap();
        let report = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.message);
        let in_berlin: Vec<String> = fake
            .users()
            .iter()
            .filter(|u| u.location.as_ref().is_some_and(|l| l.name == "Berlin") && u.email.is_some())
            .map(|u| u.id.to_string())
            .collect();
        assert!(!in_berlin.is_empty() && in_berlin.len() < 15, "{in_berlin:?}");
        let mut created: Vec<String> = people::all(&app.db, app.company_id).await.unwrap().into_iter()
            .filter(|p| p.source == Source::Kiwihr).filter_map(|p| p.source_id).collect();
        created.sort();
        let mut want = in_berlin.clone();
        want.sort();
        assert_eq!(created, want);
    }
}
