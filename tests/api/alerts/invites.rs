//! "Invite new people automatically": the people a sync creates get an invitation mail, read at
//! the real SMTP server.

use super::*;

backends_with_fakes! {
    async fn invite_new_people_automatically_invites_whom_a_sync_creates(app, fakes) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        // Off by default: the first sync creates people and invites nobody.
        let (m, _) = connected_and_synced(&app).await;
        assert!(queued(&app, "invitation").await.is_empty());
        let page = m.get("/settings/company").await;
        assert_eq!(page.html().select(&scraper::Selector::parse("input[name=invite_new_people][checked]").unwrap()).count(), 0);
        let r = m.post("/settings/company/mail", &[("alert_addresses", ""), ("invite_new_people", "1")]).await;
        assert_eq!(r.status, 303);
        let page = m.get("/settings/company?mail_saved=1").await;
        assert_eq!(page.html().select(&scraper::Selector::parse("input[name=invite_new_people][checked]").unwrap()).count(), 1);
        assert!(page.text(".mail-settings .notice").contains("Saved"));
        let events = audit::recent(&app.db, app.company_id, 20).await.unwrap();
        assert!(events.iter().any(|e| e.detail == "Invite new people automatically off → on"), "{events:?}");

        // HR adds three people: one active, one already gone, one without an email address.
        let template = fakes.personio.people()[0].clone();
        let newcomer = |id: u64, first: &str, email: Option<&str>, status: FakeStatus| {
            let mut p = template.clone();
            p.id = id;
            p.first_name = first.into();
            p.last_name = "Newcomer".into();
            p.email = email.map(str::to_string);
            p.status = status;
            p.supervisor_id = None;
            p.termination_date = None;
            p
        };
        fakes.personio.add(newcomer(9001, "Nina", Some("nina.newcomer@acme.test"), FakeStatus::Active));
        fakes.personio.add(newcomer(9002, "Otto", Some("otto.newcomer@acme.test"), FakeStatus::Inactive));
        fakes.personio.add(newcomer(9003, "Pat", None, FakeStatus::Active));
        assert_eq!(m.post("/settings/integrations/sync", &[]).await.status, 303);
        let all = runs(&app, 2).await;
        assert_eq!(all[1].state, State::Succeeded, "{:?}", all[1].message);
        assert!(all[1].created >= 2, "Nina and Otto were created: {:?}", all[1]);
        let invitations = queued(&app, "invitation").await;
        assert_eq!(recipients(&invitations), vec!["nina.newcomer@acme.test".to_string()]);
        let events = audit::recent(&app.db, app.company_id, 20).await.unwrap();
        let invited = events.iter().find(|e| e.action == "invitation").expect("an audit event");
        assert!(invited.actor.is_none() && invited.detail.contains("Nina Newcomer") && invited.detail.contains("(Invite new people automatically)"), "{invited:?}");

        // Nina follows the link, chooses a password and is in.
        let mail = smtp.wait_for_one_to("nina.newcomer@acme.test").await;
        assert_eq!(mail.subject(), "You are invited to Acme's directory on Roster");
        assert!(mail.text().contains("A company manager invited you"), "{}", mail.text());
        let nina = app.client();
        let path = path_of(&app, &mail.link());
        assert_eq!(nina.get(&path).await.status, 200);
        let done = nina.post(&path, &[("password", "a brand new passphrase"), ("confirm", "a brand new passphrase")]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let directory = nina.get("/people").await;
        assert_eq!(directory.status, 200);
        assert!(directory.text("header .me").contains("Nina Newcomer"));
        // An unchanged sync invites nobody again.
        assert_eq!(m.post("/settings/integrations/sync", &[]).await.status, 303);
        runs(&app, 3).await;
        assert_eq!(queued(&app, "invitation").await.len(), 1);
    }
}
