//! Connect with people already in the directory: the credentials are checked, then the first
//! sync is shown (adopted by e-mail, created, left as they are) and nothing is stored until Start
//! syncing; Cancel stores nothing. A directory with only its logins syncs at once (the other
//! Connect tests).

use roster::db::{integrations, people};
use roster::directory::Source;

use super::*;
use crate::backends_with_fakes;

backends_with_fakes! {
    async fn connect_shows_the_first_sync_and_stores_nothing_before_start_syncing(app, fakes) {
        let m = app.manager().await;
        let known = fakes.personio.people().into_iter().find(|p| p.email.is_some()).unwrap();
        let email = known.email.clone().unwrap();
        for (first, last, mail) in [("Known", "Already", email.as_str()), ("Only", "InRoster", "only.inroster@acme.test")] {
            let res = m.post("/people", &[("first_name", first), ("last_name", last), ("email", mail), ("active", "1")]).await;
            assert_eq!(res.status, 303, "{}", res.text(".alert, .field-error"));
        }
        let before = people_count(&app).await;

        let review = connect_personio(&m).await;
        assert_eq!(review.status, 200, "{}", review.text(".alert"));
        assert!(review.text("h1").contains("Review the first sync from Personio"));
        assert!(review.text(".adopted").contains(&email), "{}", review.text(".adopted"));
        let created = fakes.personio.people().len() - 1;
        assert!(review.text(".first-sync-counts").starts_with(&format!("1 adopted by e-mail · {created} created · 3 left as they are")), "{}", review.text(".first-sync-counts"));
        assert!(review.text(".left").contains("only.inroster@acme.test"));
        assert!(!review.body.contains(PERSONIO_SECRET), "the secret is never in the page");
        // Nothing stored: no connection, no people, no run.
        assert!(integrations::get(&app.db, app.company_id).await.unwrap().is_none());
        assert_eq!(people_count(&app).await, before);
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 0);

        // Cancel stores nothing, and leaves nothing to start.
        let cancel = m.post("/settings/integrations/personio/connect/cancel", &[]).await;
        assert_eq!(cancel.location.as_deref(), Some("/settings/integrations?notice=connect_cancelled"));
        let start = m.post("/settings/integrations/personio/connect/start", &[]).await;
        assert_eq!(start.location.as_deref(), Some("/settings/integrations/personio/connect"));
        assert!(integrations::get(&app.db, app.company_id).await.unwrap().is_none());
        assert_eq!(people_count(&app).await, before);

        // Connect again, Start syncing: connected, and the first sync adopts and creates.
        assert_eq!(connect_personio(&m).await.status, 200);
        let start = m.post("/settings/integrations/personio/connect/start", &[]).await;
        assert_eq!(start.status, 303);
        assert!(start.location.as_deref().unwrap().contains("notice=connected"));
        assert!(integrations::get(&app.db, app.company_id).await.unwrap().is_some());
        let run = wait_for_runs(&app, 1).await;
        assert_eq!((run.state, run.trigger), (State::Succeeded, Trigger::Connect), "{:?}", run.message);
        assert_eq!(run.created as usize, created);
        let all = people::all(&app.db, app.company_id).await.unwrap();
        let adopted = all.iter().find(|p| p.email.eq_ignore_ascii_case(&email)).unwrap();
        assert_eq!((adopted.source, adopted.source_id.clone()), (Source::Personio, Some(known.id.to_string())));
        assert_eq!(all.iter().filter(|p| p.email.eq_ignore_ascii_case(&email)).count(), 1, "adopted, not duplicated");
        // The review is used once: a second Start syncing starts nothing.
        let again = m.post("/settings/integrations/personio/connect/start", &[]).await;
        assert_eq!(again.location.as_deref(), Some("/settings/integrations/personio/connect"));
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 1);
    }
}

backends_with_fakes! {
    async fn roster_connect_review_prints_the_plan_and_asks_first(app, fakes) {
        let (db, dir, url) = fresh_db(app.backend).await;
        let company = create_company(&db, "acme", "Acme").await;
        let known = fakes.personio.people().into_iter().find(|p| p.email.is_some()).unwrap();
        let email = known.email.clone().unwrap();
        let now = roster::db::now();
        roster::on_db!(&db, p => sqlx::query(
            "insert into people (company_id, email, first_name, last_name, source, created_at, updated_at) \
             values ($1, $2, 'Known', 'Already', 'manual', $3, $3)")
            .bind(company).bind(&email).bind(now).execute(p).await.map(|_| ())).unwrap();
        let connect = |extra: &[&str]| {
            use std::io::Write;
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_roster"));
            cmd.args(["connect", "--company", "acme", "--provider", "personio", "--client-id", PERSONIO_ID, "--review"])
                .args(extra)
                .env_remove("DATABASE_URL")
                .env("ROSTER_DATA_DIR", dir.path())
                .env("ROSTER_PERSONIO_BASE_URL", fakes.personio.base_url())
                .env("ROSTER_LOG", "warn")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            if let Some(u) = &url { cmd.env("DATABASE_URL", u); }
            let mut child = cmd.spawn().unwrap();
            child.stdin.take().unwrap().write_all(format!("{PERSONIO_SECRET}\n").as_bytes()).unwrap();
            let out = child.wait_with_output().unwrap();
            (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
        };
        // Without a terminal to answer on, it prints the plan and stores nothing.
        let (ok, stdout, stderr) = connect(&[]);
        assert!(!ok, "{stdout}");
        let created = fakes.personio.people().len() - 1;
        assert!(stdout.starts_with(&format!("The first sync from Personio would adopt 1 by e-mail, create {created}, and leave 0 as they are.")), "{stdout}\n{stderr}");
        assert!(stdout.contains(&format!("adopt\tKnown Already\t{email}")), "{stdout}");
        assert!(stderr.contains("Pass --yes"), "{stderr}");
        assert!(roster::db::integrations::get(&db, company).await.unwrap().is_none(), "nothing stored");
        // --yes connects (and queues the first sync for the worker).
        let (ok, stdout, stderr) = connect(&["--yes"]);
        assert!(ok, "{stdout}\n{stderr}");
        assert!(stdout.contains("Connected Acme to Personio"), "{stdout}");
        assert!(roster::db::integrations::get(&db, company).await.unwrap().is_some());
        db.close().await;
        drop(url.map(|u| DropDatabase(u.rsplit('/').next().unwrap().to_string())));
    }
}
