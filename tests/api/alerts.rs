//! Sync alerts and "Invite new people automatically", end to end on both backends: the morning
//! schedule driven with chosen dates (`worker::schedule_tick`), the app's worker running the
//! syncs against the fake Personio, and the mail read at a real SMTP server (aiosmtpd).

use std::time::Duration;

use chrono::{TimeZone, Utc};
use roster::db::{audit, outbox, people, sync_runs};
use roster::directory::Role;
use roster::fake::people::FakeStatus;
use roster::fake::{Fault, FaultKind, Target};
use roster::jobs::{Jobs, MAX_ATTEMPTS, SyncJob};
use roster::sync::lifecycle::State;
use roster::sync::run::{Request, Trigger};

use crate::backends_with_fakes;
use crate::helpers::*;
use crate::integrations::connected_and_synced;
use crate::smtp_server::*;

const MO: &str = "mo.manager@acme.test";

/// 08:00 UTC (09:00 in Berlin, past the 05:00 sync hour) on the given November day.
fn morning(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 8, 0, 0).unwrap()
}

/// Queues the company's morning sync of that day, as the scheduler does.
async fn schedule(app: &TestApp, day: u32) {
    let queued = roster::worker::schedule_tick(&app.db, morning(day))
        .await
        .unwrap();
    assert_eq!(queued, 1, "one morning sync for 2026-11-{day}");
}

/// Waits (at most 60 s) until the company has `n` runs and none is running; returns them, oldest first.
async fn runs(app: &TestApp, n: usize) -> Vec<sync_runs::Run> {
    for _ in 0..600 {
        let mut all = sync_runs::list(&app.db, app.company_id, 100, 0)
            .await
            .unwrap();
        if all.len() >= n && all.iter().all(|r| !r.state.is_live()) {
            all.reverse();
            return all;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {n} finished runs within 60 s");
}

/// The company's queued mail of `kind`, oldest first, as (recipient, payload).
async fn queued(app: &TestApp, kind: &str) -> Vec<outbox::OutboxRow> {
    let mut rows: Vec<_> = outbox::list(&app.db, Some(app.company_id), 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == kind)
        .collect();
    rows.reverse();
    rows
}

fn recipients(rows: &[outbox::OutboxRow]) -> Vec<String> {
    let mut to: Vec<String> = rows.iter().map(|r| r.recipient.clone()).collect();
    to.sort();
    to
}

/// Every queued mail reached the SMTP server, and nothing else did.
async fn all_delivered(app: &TestApp, smtp: &SmtpServer) -> Vec<Delivered> {
    let n = outbox::list(&app.db, Some(app.company_id), 1000)
        .await
        .unwrap()
        .len();
    let got = smtp.wait_for(n).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(smtp.messages().len(), n, "each queued mail sent once");
    got
}

fn path_of(app: &TestApp, link: &str) -> String {
    link.strip_prefix(&app.url(""))
        .unwrap_or_else(|| panic!("{link} is not under {}", app.url("")))
        .to_string()
}

async fn second_manager(app: &TestApp) -> i64 {
    add_login(&app.db, "acme", MO, Role::Manager, "Mo", "Manager").await;
    people::find_by_email(&app.db, app.company_id, MO)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Deactivates half of the active synced people in the fake, so the next sync pauses for
/// review; returns (how many would be deactivated, of how many active synced people).
async fn half_leave(app: &TestApp, fakes: &crate::integrations::Fakes) -> (usize, usize) {
    let active: Vec<_> = people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.active && p.source == roster::directory::Source::Personio)
        .collect();
    let leaving = active.len() / 2;
    for p in &active[..leaving] {
        let id = p.source_id.as_deref().unwrap().parse().unwrap();
        assert!(fakes.personio.set_status(id, FakeStatus::Inactive));
    }
    (leaving, active.len())
}

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
