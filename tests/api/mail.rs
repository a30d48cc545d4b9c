//! The mail foundation against a real SMTP server (aiosmtpd): the outbox, the sender's retries,
//! the message's headers and parts, and `roster mail list/show` without SMTP.

use std::time::Duration;

use roster::db::outbox;
use roster::mail::{Mail, Token};

use crate::backends;
use crate::helpers::*;
use crate::smtp_server::*;

async fn queue_invitation(app: &TestApp, to: &str) -> i64 {
    let mut tx = app.db.begin().await.unwrap();
    let id = roster::mail::queue(
        &mut tx,
        Some(app.company_id),
        to,
        &Mail::Invitation {
            company: "Acme".into(),
            name: "Nora Newcomer".into(),
            invited_by: Some("Maria Manager".into()),
            token: Token("t0k3n".into()),
            expires_days: 7,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn row(app: &TestApp, id: i64) -> outbox::OutboxRow {
    outbox::get(&app.db, id).await.unwrap().unwrap()
}

backends! {
    async fn mail_waits_while_smtp_is_down_and_is_sent_once_when_it_comes_back(app) {
        let port = free_port();
        let url = format!("smtp://127.0.0.1:{port}");
        let _sender = start_sender(&app, &url);
        let id = queue_invitation(&app, "nora@acme.test").await;
        // Nothing listens: the sender fails, records why and plans a retry.
        let mut failed = row(&app, id).await;
        for _ in 0..100 {
            if failed.attempts >= 1 && failed.last_error.is_some() { break; }
            tokio::time::sleep(Duration::from_millis(100)).await;
            failed = row(&app, id).await;
        }
        assert!(failed.attempts >= 1 && failed.sent_at.is_none() && failed.failed_at.is_none(), "{failed:?}");
        assert!(failed.last_error.is_some());
        // The server comes up on that port: the mail arrives, once.
        let smtp = SmtpServer::start_on(port).await;
        let got = smtp.wait_for(1).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(smtp.messages().len(), 1, "sent exactly once");
        assert_eq!(got[0].to(), "nora@acme.test");
        let sent = row(&app, id).await;
        assert!(sent.sent_at.is_some(), "{sent:?}");
        assert_eq!(sent.last_error, None);
    }

    async fn a_mail_has_both_parts_date_message_id_from_and_public_links(app) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        let before = time::OffsetDateTime::now_utc().unix_timestamp();
        let id = queue_invitation(&app, "nora@acme.test").await;
        let m = smtp.wait_for_one_to("nora@acme.test").await;
        let parsed = m.parsed();
        assert_eq!(parsed.from().unwrap().first().unwrap().address(), Some("roster@acme.test"));
        assert_eq!(m.subject(), "You are invited to Acme's directory on Roster");
        let date = parsed.date().expect("a Date header").to_timestamp();
        assert!((date - before).abs() < 60, "Date is when the mail was queued: {date} vs {before}");
        let message_id = parsed.message_id().expect("a Message-ID").to_string();
        assert!(message_id.ends_with(&format!(".{id}@acme.test")), "{message_id}");
        let link = app.url("/password/t0k3n");
        assert_eq!(m.link(), link, "{}", m.text());
        assert!(m.html().contains(&format!("href=\"{link}\"")), "{}", m.html());
        assert!(m.text().contains("Maria Manager invited you"));
        assert!(!m.text().contains('<'), "the text part has no markup");
    }

    async fn without_smtp_mail_stays_in_the_outbox_and_the_cli_prints_it(app) {
        // The CLI process needs its own database path: a fresh database of this backend.
        let (db, dir, url) = fresh_db(app.backend).await;
        let mut tx = db.begin().await.unwrap();
        let id = roster::mail::queue(&mut tx, None, "nora@acme.test", &Mail::Invitation {
            company: "Acme".into(), name: "Nora Newcomer".into(), invited_by: None,
            token: Token("t0k3n".into()), expires_days: 7,
        }).await.unwrap();
        tx.commit().await.unwrap();
        let run = |args: &[&str]| {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_roster"));
            cmd.args(args).env_remove("DATABASE_URL").env_remove("ROSTER_SMTP_URL")
                .env("ROSTER_DATA_DIR", dir.path())
                .env("ROSTER_PUBLIC_URL", "https://roster.acme.example")
                .env("ROSTER_LOG", "warn");
            if let Some(u) = &url { cmd.env("DATABASE_URL", u); }
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).unwrap()
        };
        let list = run(&["mail", "list"]);
        assert!(list.contains(&format!("{id}\twaiting\tnora@acme.test\tYou are invited to Acme's directory on Roster")), "{list}");
        assert!(list.contains("https://roster.acme.example/password/t0k3n"), "{list}");
        let show = run(&["mail", "show", &id.to_string()]);
        assert!(show.contains("To: nora@acme.test"), "{show}");
        assert!(show.contains("Choose your password: https://roster.acme.example/password/t0k3n"), "{show}");
        let missing = std::process::Command::new(env!("CARGO_BIN_EXE_roster")).args(["mail", "show", "999999"])
            .env("ROSTER_DATA_DIR", dir.path()).env_remove("DATABASE_URL").envs(url.iter().map(|u| ("DATABASE_URL", u))).output().unwrap();
        assert!(!missing.status.success());
        assert!(String::from_utf8_lossy(&missing.stderr).contains("no mail with id 999999"));
    }
}
