//! Sync alerts end to end: a failed morning sync alerts each manager once, after its last retry,
//! and says when it recovers; a pause alerts once a day and not a manager who turned alerts off;
//! alert addresses replace the managers and are checked.

use super::*;

backends_with_fakes! {
    async fn a_failed_morning_sync_alerts_each_manager_once_after_its_last_retry_then_recovers(app, fakes) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        second_manager(&app).await;
        let (maria, _) = connected_and_synced(&app).await;
        assert!(queued(&app, "sync_alert").await.is_empty(), "the first sync after Connect succeeded");

        // Personio answers 503 to every page: the worker tries the morning sync MAX_ATTEMPTS times.
        fakes.personio.add_fault(Fault::new(Target::AnyPage, FaultKind::Status(503)));
        schedule(&app, 23).await;
        let all = runs(&app, 1 + MAX_ATTEMPTS as usize).await;
        let failed = &all[1..];
        assert!(failed.iter().all(|r| r.state == State::Failed && r.trigger == Trigger::Schedule));
        let last = failed.last().unwrap();
        let alerts = queued(&app, "sync_alert").await;
        assert_eq!(recipients(&alerts), vec![app.manager_email.clone(), MO.to_string()], "one per manager, not per retry");

        let got = all_delivered(&app, &smtp).await;
        for to in [app.manager_email.as_str(), MO] {
            let m: Vec<_> = got.iter().filter(|m| m.to() == to).collect();
            assert_eq!(m.len(), 1, "{to}");
            assert_eq!(m[0].subject(), "Acme: the Personio sync failed: Personio could not be reached");
            let text = m[0].text();
            assert!(text.contains("What happened: The sync of "), "{text}");
            assert!(text.contains(&format!("Roster tried {MAX_ATTEMPTS} times")), "{text}");
            assert!(text.contains("What Roster did: Nothing was changed"), "{text}");
            assert!(text.contains("What to do: "), "{text}");
            assert!(!text.contains("503"), "words by kind, not the raw error: {text}");
            assert_eq!(m[0].link(), app.url(&format!("/settings/integrations/history/{}", last.id)));
            assert!(m[0].html().contains(&format!("href=\"{}\"", m[0].link())), "{}", m[0].html());
        }
        // The link opens the run for a manager.
        let page = maria.get(&path_of(&app, &got[0].link())).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Failed"), "{}", page.body);
        // Nobody else heard: the employee has no alert.
        assert!(got.iter().all(|m| m.to() != app.employee_email));

        // The next morning Personio answers again: one short "recovered" mail per manager.
        fakes.personio.clear_faults();
        schedule(&app, 24).await;
        let all = runs(&app, 2 + MAX_ATTEMPTS as usize).await;
        assert_eq!(all.last().unwrap().state, State::Succeeded);
        let recovered = queued(&app, "sync_recovered").await;
        assert_eq!(recipients(&recovered), vec![app.manager_email.clone(), MO.to_string()]);
        let got = all_delivered(&app, &smtp).await;
        let back: Vec<_> = got.iter().filter(|m| m.subject() == "Acme: the Personio sync works again").collect();
        assert_eq!(back.len(), 2);
        assert!(back[0].text().contains("(the sync failed: Personio could not be reached) is over"), "{}", back[0].text());
        // A third good morning is quiet.
        schedule(&app, 25).await;
        runs(&app, 3 + MAX_ATTEMPTS as usize).await;
        assert_eq!(queued(&app, "sync_recovered").await.len(), 2);
        assert_eq!(queued(&app, "sync_alert").await.len(), 2);
    }

    async fn a_pause_on_three_mornings_alerts_once_a_day_and_not_a_manager_who_turned_alerts_off(app, fakes) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        let mo = second_manager(&app).await;
        connected_and_synced(&app).await;
        // Mo turns alerts off on his own page; nobody can do it for someone else.
        let mo_client = app.login(MO).await;
        let own = mo_client.get(&format!("/people/{mo}")).await;
        assert!(own.text(".alerts-switch").contains("You get an email when a morning sync fails"), "{}", own.text(".access"));
        let r = mo_client.post(&format!("/people/{mo}/alerts"), &[("alerts", "off")]).await;
        assert_eq!(r.status, 303);
        let own = mo_client.get(r.location.as_deref().unwrap()).await;
        assert!(own.text(".alerts-switch").contains("You turned sync alerts off"), "{}", own.text(".access"));
        let maria = app.manager().await;
        let maria_id = people::find_by_email(&app.db, app.company_id, &app.manager_email).await.unwrap().unwrap().id;
        assert_eq!(maria.post(&format!("/people/{mo}/alerts"), &[("alerts", "on")]).await.status, 403);
        assert_eq!(app.employee().await.post(&format!("/people/{maria_id}/alerts"), &[("alerts", "off")]).await.status, 403);
        let seen = maria.get(&format!("/people/{mo}")).await;
        assert!(seen.text(".alerts-switch").contains("Mo turned sync alerts off"), "{}", seen.text(".access"));
        let events = audit::recent(&app.db, app.company_id, 20).await.unwrap();
        assert!(events.iter().any(|e| e.action == "alerts" && e.actor.as_deref() == Some("Mo Manager")
            && e.detail.contains("off")), "{events:?}");
        let history = maria.get("/settings/integrations/history").await;
        let event = history.text("tr.event");
        assert!(event.contains("Sync alerts") && event.contains("Turned sync alerts by email off") && event.contains("Mo Manager"), "{event}");

        let (leaving, active) = half_leave(&app, &fakes).await;
        assert!(leaving > 2, "enough to pause");
        schedule(&app, 23).await;
        let all = runs(&app, 2).await;
        assert_eq!(all[1].state, State::Paused, "{:?}", all[1].message);
        assert_eq!(recipients(&queued(&app, "sync_alert").await), vec![app.manager_email.clone()]);
        // The same morning's sync runs again (a re-run job): the same problem, no second mail.
        let again = SyncJob {
            morning: Some("2026-11-23".into()),
            ..SyncJob::new(&Request { company_id: app.company_id, trigger: Trigger::Schedule, started_by: None, approve: None })
        };
        Jobs::for_db(app.db.clone()).push(&again, None).await.unwrap();
        let all = runs(&app, 3).await;
        assert_eq!(all[2].state, State::Paused);
        assert_eq!(queued(&app, "sync_alert").await.len(), 1, "once a day");
        // A manager's "Sync now" that pauses again alerts no one: they see it on the page.
        let r = maria.post("/settings/integrations/sync", &[]).await;
        assert_eq!(r.status, 303);
        let all = runs(&app, 4).await;
        assert_eq!((all[3].state, all[3].trigger), (State::Paused, Trigger::Manual));
        assert_eq!(queued(&app, "sync_alert").await.len(), 1);
        // The next two mornings: one reminder each.
        schedule(&app, 24).await;
        runs(&app, 5).await;
        assert_eq!(queued(&app, "sync_alert").await.len(), 2);
        schedule(&app, 25).await;
        let all = runs(&app, 6).await;
        assert_eq!(all[5].state, State::Paused);
        let alerts = queued(&app, "sync_alert").await;
        assert_eq!(recipients(&alerts), vec![app.manager_email.clone(); 3], "one a day, none to Mo");

        let got = all_delivered(&app, &smtp).await;
        assert_eq!(got.len(), 3);
        for m in &got {
            assert_eq!(m.to(), app.manager_email);
            assert_eq!(m.subject(), "Acme: the Personio sync paused for your review");
            let text = m.text();
            assert!(text.contains(&format!("would deactivate {leaving} of the {active} active people synced from Personio")), "{text}");
            assert!(text.contains("Apply anyway"), "{text}");
            assert!(text.contains(&app.url(&format!("/people/{maria_id}"))), "how to stop them: {text}");
        }
        assert_eq!(got[2].link(), app.url(&format!("/settings/integrations/history/{}", all[5].id)));
    }

    async fn alert_addresses_replace_the_managers_and_are_checked(app, fakes) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        let (m, _) = connected_and_synced(&app).await;
        let bad = m.post("/settings/company/mail", &[("alert_addresses", "hr@acme.test, not-an-address")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.text("#f-alert-addresses-error").contains("“not-an-address” is not a valid email address"), "{}", bad.body);
        assert_eq!(bad.html().select(&scraper::Selector::parse("#f-alert-addresses[aria-invalid=true]").unwrap()).count(), 1);
        let r = m.post("/settings/company/mail", &[("alert_addresses", "hr-alerts@acme.test;  it@acme.test")]).await;
        assert_eq!(r.status, 303);
        let page = m.get("/settings/company").await;
        let value = page.html().select(&scraper::Selector::parse("#f-alert-addresses").unwrap()).next().unwrap().value().attr("value").unwrap().to_string();
        assert_eq!(value, "hr-alerts@acme.test, it@acme.test");
        let events = audit::recent(&app.db, app.company_id, 20).await.unwrap();
        assert!(events.iter().any(|e| e.action == "settings"
            && e.detail == "Sync alerts to the company managers → hr-alerts@acme.test, it@acme.test"), "{events:?}");
        let maria = people::find_by_email(&app.db, app.company_id, &app.manager_email).await.unwrap().unwrap().id;
        assert!(m.get(&format!("/people/{maria}")).await.text(".alerts-switch").contains("go to the addresses chosen in Company settings"));

        // Rejected credentials are not retried: the one failed run is the morning's last word.
        fakes.personio.add_fault(Fault::new(Target::Auth, FaultKind::Status(401)));
        schedule(&app, 23).await;
        let all = runs(&app, 2).await;
        assert_eq!(all[1].state, State::Failed);
        let alerts = queued(&app, "sync_alert").await;
        assert_eq!(recipients(&alerts), vec!["hr-alerts@acme.test".to_string(), "it@acme.test".to_string()]);
        let got = all_delivered(&app, &smtp).await;
        assert_eq!(got[0].subject(), "Acme: the Personio sync failed: Personio rejected the credentials");
        let text = got[0].text();
        assert!(text.contains("connect again under Settings › Integrations"), "{text}");
        assert!(text.contains("set for sync alerts in Acme's company settings"), "{text}");
        assert!(!text.contains("Roster tried"), "{text}");
    }
}
