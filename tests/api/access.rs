//! Invitations, "forgot password" and roles in the browser, with the mail read at a real SMTP
//! server and its link followed over HTTP.

use roster::db::{audit, people};

use crate::backends;
use crate::helpers::*;
use crate::smtp_server::*;

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn add_person(app: &TestApp, first: &str, email: &str) -> i64 {
    let m = app.manager().await;
    let r = m
        .post(
            "/people",
            &[
                ("first_name", first),
                ("last_name", "Tester"),
                ("email", email),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    people::find_by_email(&app.db, app.company_id, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn person_id(app: &TestApp, email: &str) -> i64 {
    people::find_by_email(&app.db, app.company_id, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The path of a link in a mail (links are absolute, built from the public URL).
fn path_of(app: &TestApp, link: &str) -> String {
    link.strip_prefix(&app.url(""))
        .unwrap_or_else(|| panic!("{link} is not under {}", app.url("")))
        .to_string()
}

async fn set_password(c: &Client, path: &str, pw: &str) -> Page {
    c.post(path, &[("password", pw), ("confirm", pw)]).await
}

/// Makes every link of a person expire, as if the time had passed.
async fn expire_links(app: &TestApp, person: i64) {
    let past = roster::db::now() - time::Duration::seconds(1);
    roster::on_db!(&app.db, p => sqlx::query("update login_tokens set expires_at = $1 where person_id = $2")
        .bind(past).bind(person).execute(p).await.map(|r| r.rows_affected()).unwrap());
}

async fn actions(app: &TestApp) -> Vec<String> {
    audit::recent(&app.db, app.company_id, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

backends! {
    async fn an_invited_person_chooses_a_password_through_the_mailed_link_and_is_logged_in(app) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        let id = add_person(&app, "Nora", "nora@acme.test").await;
        let m = app.manager().await;
        let r = m.post(&format!("/people/{id}/invite"), &[("role", "employee")]).await;
        assert_eq!(r.status, 303);
        assert_eq!(r.location.as_deref(), Some(format!("/people/{id}?done=invited").as_str()));
        let page = m.get(&format!("/people/{id}?done=invited")).await;
        assert!(page.text(".access").contains("Invitation sent"), "{}", page.text(".access"));
        assert!(page.text(".access").contains("Invited on"), "{}", page.text(".access"));

        let mail = smtp.wait_for_one_to("nora@acme.test").await;
        assert!(mail.text().contains("Maria Manager invited you to Acme's people directory"), "{}", mail.text());
        let path = path_of(&app, &mail.link());
        let nora = app.client();
        let form = nora.get(&path).await;
        assert_eq!(form.status, 200);
        assert!(form.text("h1").contains("Welcome to Acme"), "{}", form.text("h1"));
        // Too short, then two different passwords: the link still works after each.
        assert_eq!(set_password(&nora, &path, "short").await.status, 422);
        let mismatch = nora.post(&path, &[("password", NEW_PASSWORD), ("confirm", "something else!")]).await;
        assert_eq!(mismatch.status, 422);
        assert!(mismatch.text(".alert").contains("not the same"));
        let done = set_password(&nora, &path, NEW_PASSWORD).await;
        assert_eq!(done.status, 303);
        assert_eq!(done.location.as_deref(), Some("/people"));
        let directory = nora.get("/people").await;
        assert_eq!(directory.status, 200);
        assert!(directory.text("header .me").contains("Nora Tester"));
        // One use only; and the password works for a normal login.
        assert_eq!(app.client().get(&path).await.status, 410);
        assert_eq!(app.client().login("nora@acme.test", NEW_PASSWORD).await.status, 303);
        assert_eq!(nora.get("/settings").await.status, 403, "invited as an employee");
        let a = actions(&app).await;
        assert!(a.contains(&"invitation".to_string()) && a.contains(&"invitation_accepted".to_string()), "{a:?}");
    }

    async fn a_new_invitation_replaces_the_old_link_and_deactivation_stops_it(app) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        let id = add_person(&app, "Olga", "olga@acme.test").await;
        let m = app.manager().await;
        m.post(&format!("/people/{id}/invite"), &[]).await;
        let first = path_of(&app, &smtp.wait_for_one_to("olga@acme.test").await.link());
        m.post(&format!("/people/{id}/invite"), &[]).await;
        let all = smtp.wait_for(2).await;
        let second = path_of(&app, &all[1].link());
        assert_ne!(first, second);
        assert_eq!(app.client().get(&first).await.status, 410, "the first link was replaced");
        assert_eq!(app.client().get(&second).await.status, 200);
        // Deactivated: the waiting link stops working, and no new invitation can be sent.
        let r = m.post(&format!("/people/{id}"), &[("first_name", "Olga"), ("last_name", "Tester"), ("email", "olga@acme.test")]).await;
        assert_eq!(r.status, 303);
        let gone = app.client().get(&second).await;
        assert_eq!(gone.status, 410);
        assert!(gone.text("h1").contains("does not work any more"));
        assert_eq!(set_password(&app.client(), &second, NEW_PASSWORD).await.status, 410);
        assert_eq!(m.post(&format!("/people/{id}/invite"), &[]).await.status, 409);
    }

    async fn an_invitation_link_expires_after_seven_days(app) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        let id = add_person(&app, "Pia", "pia@acme.test").await;
        app.manager().await.post(&format!("/people/{id}/invite"), &[]).await;
        let path = path_of(&app, &smtp.wait_for_one_to("pia@acme.test").await.link());
        let stored: (time::OffsetDateTime, time::OffsetDateTime) = roster::on_db!(&app.db, p => sqlx::query_as(
            "select created_at, expires_at from login_tokens where person_id = $1").bind(id).fetch_one(p).await).unwrap();
        assert_eq!(stored.1 - stored.0, time::Duration::days(7));
        let hashes: Vec<String> = roster::on_db!(&app.db, p => sqlx::query_scalar("select token_hash from login_tokens").fetch_all(p).await).unwrap();
        assert!(!hashes.iter().any(|h| path.contains(h.as_str())), "only the hash is stored");
        expire_links(&app, id).await;
        assert_eq!(app.client().get(&path).await.status, 410);
    }

    async fn invite_all_invites_each_active_person_without_a_login_once(app) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        add_person(&app, "Ann", "ann@acme.test").await;
        add_person(&app, "Ben", "ben@acme.test").await;
        let gone = add_person(&app, "Cid", "cid@acme.test").await;
        let m = app.manager().await;
        m.post(&format!("/people/{gone}"), &[("first_name", "Cid"), ("last_name", "Tester"), ("email", "cid@acme.test")]).await;
        let r = m.post("/people/invite-all", &[]).await;
        assert_eq!(r.location.as_deref(), Some("/people?invited=2"));
        assert!(m.get("/people?invited=2").await.text(".notice").contains("2 invitations sent"));
        let got = smtp.wait_for(2).await;
        let mut to: Vec<String> = got.iter().map(|m| m.to()).collect();
        to.sort();
        assert_eq!(to, ["ann@acme.test", "ben@acme.test"], "not the deactivated, not those with a login");
        // A second click invites nobody again.
        assert_eq!(m.post("/people/invite-all", &[]).await.location.as_deref(), Some("/people?invited=0"));
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        assert_eq!(smtp.messages().len(), 2);
    }

    async fn forgot_password_answers_the_same_and_its_link_works_once_and_ends_other_sessions(app) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        let logged_in = app.employee().await;
        let c = app.client();
        let known = c.post("/forgot-password", &[("email", &app.employee_email.to_uppercase())]).await;
        let unknown = c.post("/forgot-password", &[("email", "nobody@acme.test")]).await;
        assert_eq!((known.status, unknown.status), (200, 200));
        assert_eq!(known.text("main"), unknown.text("main"), "no enumeration");
        let mail = smtp.wait_for_one_to(&app.employee_email).await;
        assert!(mail.subject().contains("Reset your Roster password"));
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        assert_eq!(smtp.messages().len(), 1, "nothing is sent to an unknown address");
        let path = path_of(&app, &mail.link());
        let stored: (time::OffsetDateTime, time::OffsetDateTime) = roster::on_db!(&app.db, p => sqlx::query_as(
            "select created_at, expires_at from login_tokens where purpose = 'reset'").fetch_one(p).await).unwrap();
        assert_eq!(stored.1 - stored.0, time::Duration::hours(1));

        let r = set_password(&c, &path, NEW_PASSWORD).await;
        assert_eq!(r.status, 303);
        assert_eq!(c.get("/people").await.status, 200, "the reset logs this browser in");
        assert_eq!(logged_in.get("/people").await.status, 303, "other sessions ended");
        assert_eq!(app.client().login(&app.employee_email, PASSWORD).await.status, 401);
        assert_eq!(app.client().login(&app.employee_email, NEW_PASSWORD).await.status, 303);
        assert_eq!(set_password(&app.client(), &path, "yet another password").await.status, 410, "works once");
        assert_eq!(c.get("/settings").await.status, 403, "a reset keeps the role");
    }

    async fn a_reset_link_expires_after_an_hour(app) {
        let smtp = SmtpServer::start().await;
        let _sender = start_sender(&app, &smtp.url());
        app.client().post("/forgot-password", &[("email", &app.employee_email)]).await;
        let path = path_of(&app, &smtp.wait_for_one_to(&app.employee_email).await.link());
        expire_links(&app, person_id(&app, &app.employee_email).await).await;
        assert_eq!(app.client().get(&path).await.status, 410);
        assert_eq!(set_password(&app.client(), &path, NEW_PASSWORD).await.status, 410);
        assert_eq!(app.client().login(&app.employee_email, PASSWORD).await.status, 303, "the password is unchanged");
    }

    async fn forgot_password_is_throttled_per_email_and_per_address(app) {
        let c = app.client();
        for _ in 0..5 {
            assert_eq!(c.post("/forgot-password", &[("email", &app.employee_email)]).await.status, 200);
        }
        let mails: i64 = roster::on_db!(&app.db, p => sqlx::query_scalar("select count(*) from outbox where kind = 'password_reset'").fetch_one(p).await).unwrap();
        assert_eq!(mails, 3, "at most 3 reset mails per address an hour");
        for i in 0..15 {
            c.post("/forgot-password", &[("email", &format!("x{i}@acme.test"))]).await;
        }
        let r = c.post("/forgot-password", &[("email", &app.manager_email)]).await;
        assert_eq!(r.status, 429);
        assert!(r.text(".alert").contains("Too many requests"));
    }

    async fn the_last_active_manager_cannot_be_demoted_removed_or_deactivated(app) {
        let m = app.manager().await;
        let maria = person_id(&app, &app.manager_email).await;
        let eddie = person_id(&app, &app.employee_email).await;
        let demote = m.post(&format!("/people/{maria}/role"), &[("role", "employee")]).await;
        assert_eq!(demote.status, 409);
        assert!(demote.body.contains("last active company manager"), "{}", demote.body);
        assert_eq!(m.post(&format!("/people/{maria}/login/remove"), &[]).await.status, 409);
        let deactivate = m.post(&format!("/people/{maria}"), &[("first_name", "Maria"), ("last_name", "Manager"), ("email", &app.manager_email)]).await;
        assert_eq!(deactivate.status, 422);
        assert!(deactivate.text(".field-error").contains("last active company manager"));
        assert!(people::get(&app.db, app.company_id, maria).await.unwrap().unwrap().active);
        // With a second manager, Maria can step down; the other one is then protected.
        assert_eq!(m.post(&format!("/people/{eddie}/role"), &[("role", "manager")]).await.status, 303);
        assert_eq!(m.post(&format!("/people/{maria}/role"), &[("role", "employee")]).await.status, 303);
        assert_eq!(m.get("/settings").await.status, 403, "Maria is an employee now");
        let e = app.employee().await;
        assert_eq!(e.post(&format!("/people/{eddie}/role"), &[("role", "employee")]).await.status, 409);
        assert_eq!(e.post(&format!("/people/{maria}/login/remove"), &[]).await.status, 303);
        assert_eq!(app.client().login(&app.manager_email, PASSWORD).await.status, 401, "login removed");
        let a = actions(&app).await;
        assert_eq!(a.iter().filter(|x| *x == "role_changed").count(), 2, "{a:?}");
        assert!(a.contains(&"login_removed".to_string()));
    }

    async fn an_employee_gets_403_on_every_new_manager_route(app) {
        let e = app.employee().await;
        let maria = person_id(&app, &app.manager_email).await;
        for path in [
            format!("/people/{maria}/invite"),
            format!("/people/{maria}/role"),
            format!("/people/{maria}/login/remove"),
            "/people/invite-all".to_string(),
        ] {
            assert_eq!(e.post(&path, &[("role", "employee")]).await.status, 403, "{path}");
        }
        assert!(e.get(&format!("/people/{maria}")).await.text(".access").is_empty(), "no Login box for employees");
        let outbox: i64 = roster::on_db!(&app.db, p => sqlx::query_scalar("select count(*) from outbox").fetch_one(p).await).unwrap();
        assert_eq!(outbox, 0);
    }
}
