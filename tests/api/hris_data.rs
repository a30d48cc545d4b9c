//! Dirty HRIS data over real HTTP from the fake Personio and the fake kiwiHR, on both backends:
//! NUL, other control characters, bidi overrides and 100 KB values are cleaned at the parser
//! boundary, each repair is a per-person warning in the run, and the sync succeeds for everyone.

use roster::db::{groups, people, sync_runs};
use roster::directory::{Person, limits};
use roster::fake::kiwihr::FakeKiwi;
use roster::fake::personio::FakePersonio;
use roster::hris::providers::Credentials;
use roster::hris::secret::Secret;
use roster::sync::run::{self, Outcome, Request, Trigger};

use crate::backends;
use crate::helpers::*;

const HUGE: usize = 100 * 1024;

fn request(app: &TestApp) -> Request {
    Request {
        company_id: app.company_id,
        trigger: Trigger::Manual,
        started_by: None,
        approve: None,
    }
}

async fn person(app: &TestApp, source_id: u64) -> Person {
    people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.source_id.as_deref() == Some(&source_id.to_string()))
        .unwrap_or_else(|| panic!("person {source_id} was not synced"))
}

/// The run's warnings about `who`.
async fn warnings(app: &TestApp, run_id: i64, who: &Person) -> Vec<String> {
    sync_runs::notes(&app.db, run_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == "warning" && n.person_id == Some(who.id))
        .map(|n| n.message)
        .collect()
}

/// Nothing stored for anyone holds a control or bidi character.
async fn all_clean(app: &TestApp) {
    for p in people::all(&app.db, app.company_id).await.unwrap() {
        let texts = [
            Some(&p.first_name),
            Some(&p.last_name),
            p.position.as_ref(),
            p.department.as_ref(),
            p.employee_number.as_ref(),
        ];
        for v in texts.into_iter().flatten() {
            assert!(
                !v.chars()
                    .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
                "{v:?}"
            );
        }
    }
}

backends! {
    async fn dirty_personio_data_is_cleaned_with_warnings_and_everyone_is_synced(app) {
        let fake = FakePersonio::builder().people(8).seed(21).start().await;
        let ids: Vec<u64> = fake.people().iter().filter(|p| p.email.is_some()).map(|p| p.id).take(3).collect();
        fake.update(ids[0], |p| {
            p.first_name = "An\0na".into();
            p.last_name = "\u{202E}greB\u{202C}".into();
        });
        fake.update(ids[1], |p| {
            p.position = "x".repeat(HUGE);
            p.first_name = "Bell\u{7}a".into();
        });
        fake.update(ids[2], |p| {
            if let Some(d) = &mut p.department { d.name = format!("Sales\n{}", "é".repeat(HUGE)) }
            p.last_name = "\0".into();
        });
        let ctx = sync_context(&app, Some(fake.base_url()), None, 100);
        let creds = Credentials::Personio {
            client_id: fake.client_id().into(),
            client_secret: Secret::new(fake.client_secret()),
        };
        roster::integrations::connect(&ctx, app.company_id, &creds, None).await.unwrap();
        let report = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.message);
        let with_email = fake.people().iter().filter(|p| p.email.is_some()).count();
        // The person whose last name was nothing but a NUL is skipped (a name is needed); the
        // others are synced.
        assert_eq!(report.tally.created as usize, with_email - 1);
        assert_eq!(report.tally.skipped, 1);

        let anna = person(&app, ids[0]).await;
        assert_eq!((anna.first_name.as_str(), anna.last_name.as_str()), ("Anna", "greB"));
        assert_eq!(warnings(&app, report.run_id, &anna).await, vec![
            "First name: 1 control or text-direction character was removed",
            "Last name: 2 control or text-direction characters were removed",
        ]);
        let bella = person(&app, ids[1]).await;
        assert_eq!(bella.first_name, "Bella");
        assert_eq!(bella.position, Some("x".repeat(limits::POSITION)));
        let w = warnings(&app, report.run_id, &bella).await;
        assert!(w.contains(&format!("Job: cut to {} characters (the HRIS sent {HUGE})", limits::POSITION)), "{w:?}");
        let errors: Vec<_> = sync_runs::notes(&app.db, report.run_id).await.unwrap().into_iter()
            .filter(|n| n.kind == "error").map(|n| n.message).collect();
        assert_eq!(errors, vec!["The last name is empty in Personio."]);
        all_clean(&app).await;

        // The next run sees the same cleaned values: nothing to change.
        let again = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(again.outcome, Outcome::Succeeded);
        assert_eq!((again.tally.created, again.tally.updated), (0, 0));
    }

    async fn dirty_kiwihr_data_is_cleaned_with_warnings_and_everyone_is_synced(app) {
        let kiwi = FakeKiwi::builder().people(8).teams(2).start().await.unwrap();
        let ids: Vec<u64> = kiwi.users().iter().filter(|u| u.email.is_some() && u.is_active).map(|u| u.id).take(2).collect();
        kiwi.update_user(ids[0], |u| {
            u.first_name = "\u{2066}Ol\0u\u{2069}".into();
            u.employee_number = Some(format!("E-{}", "9".repeat(HUGE)));
        });
        kiwi.set_teams(ids[1], &["Ops\0", &"t".repeat(HUGE)]);
        let ctx = sync_context(&app, None, Some(&kiwi.endpoint_url()), 5);
        let creds = Credentials::Kiwihr {
            api_key: Secret::new(kiwi.api_key()),
            endpoint: roster::hris::kiwihr::KiwiEndpoint::parse("https://acme.kiwihr.com").unwrap(),
        };
        roster::integrations::connect(&ctx, app.company_id, &creds, None).await.unwrap();
        let report = run::run(&ctx, &request(&app)).await.unwrap();
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.message);

        let olu = person(&app, ids[0]).await;
        assert_eq!(olu.first_name, "Olu");
        assert_eq!(olu.employee_number.as_ref().unwrap().chars().count(), limits::EMPLOYEE_NUMBER);
        assert_eq!(warnings(&app, report.run_id, &olu).await, vec![
            "First name: 3 control or text-direction characters were removed".to_string(),
            format!("Employee number: cut to {} characters (the HRIS sent {})", limits::EMPLOYEE_NUMBER, HUGE + 2),
        ]);
        let member = person(&app, ids[1]).await;
        let all = groups::all(&app.db, app.company_id).await.unwrap();
        let mut names: Vec<String> = all.into_iter().filter(|g| member.group_ids.contains(&g.id)).map(|g| g.name).collect();
        names.sort();
        assert_eq!(names, vec!["Ops".to_string(), "t".repeat(limits::GROUP_NAME)]);
        assert_eq!(warnings(&app, report.run_id, &member).await.len(), 2);
        all_clean(&app).await;
    }
}
