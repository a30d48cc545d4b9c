//! A sync process killed with `kill -9` inside its transaction leaves nothing partial, and the
//! next run takes the lock over and records the abandoned attempt.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use roster::db::{companies, people, sync_runs};
use roster::fake::personio::FakePersonio;
use roster::hris::providers::{Credentials, Providers};
use roster::hris::secret::Secret;
use roster::sync::lifecycle::State;
use roster::sync::run::{Outcome, Request, SyncContext, Trigger};

use crate::backends;
use crate::helpers::*;

backends! {
    async fn a_sync_killed_before_commit_changes_nobody_and_the_next_run_recovers(app) {
        let (db, dir, url) = fresh_db(app.backend).await;
        let mut tx = db.begin().await.unwrap();
        let company = companies::create(&mut tx, "acme", "Acme", "Europe/Berlin").await.unwrap();
        tx.commit().await.unwrap();
        let fake = FakePersonio::builder().people(300).seed(9).start().await;
        let ctx = SyncContext {
            db: db.clone(),
            providers: Providers::for_tests(Some(url::Url::parse(fake.base_url()).unwrap()), None, Some(100)),
            // The key file in the data folder, which the child process loads too.
            secrets: std::sync::Arc::new(roster::crypto::SecretBox::load(None, dir.path()).unwrap()),
        };
        let creds = Credentials::Personio { client_id: fake.client_id().into(), client_secret: Secret::new(fake.client_secret()) };
        roster::integrations::connect(&ctx, company, &creds, None).await.unwrap();

        let mut cmd = Command::new(env!("CARGO_BIN_EXE_roster"));
        cmd.args(["sync", "--company", "acme"])
            .env("ROSTER_DATA_DIR", dir.path())
            .env("ROSTER_PERSONIO_BASE_URL", fake.base_url())
            .env("ROSTER_PAUSE_AT", "sync-before-commit:60000")
            .env("ROSTER_LOG", "warn")
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(u) = &url {
            cmd.env("DATABASE_URL", u);
        }
        let mut child = cmd.spawn().unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let reached = tokio::task::spawn_blocking(move || {
            stderr.lines().map_while(Result::ok).any(|l| l.contains("paused at sync-before-commit"))
        })
        .await
        .unwrap();
        assert!(reached, "the child never reached the pause point");
        // Every change of the plan is written, uncommitted, in the child's open transaction.
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        assert_eq!(people::count(&db, company).await.unwrap(), 0, "nothing from the killed run is visible");
        let runs = sync_runs::list(&db, company, 10, 0).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].state, State::Running, "the dead run still holds the lock until its heartbeat is stale");

        // Time passes: the dead run's heartbeat goes stale.
        age_heartbeat(&db, runs[0].id).await;
        let report = roster::sync::run::run(&ctx, &Request { company_id: company, trigger: Trigger::Cli, started_by: None, approve: None }).await.unwrap();
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.message);
        assert_eq!(people::count(&db, company).await.unwrap() as usize, fake.people().iter().filter(|p| p.email.is_some()).count());
        let dead = sync_runs::get(&db, company, runs[0].id).await.unwrap().unwrap();
        assert_eq!(dead.state, State::Failed);
        assert!(dead.message.unwrap().contains("stopped before it finished"));
    }
}
