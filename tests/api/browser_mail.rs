//! From an invitation to the directory at a real browser: a company manager invites a synced
//! person in Chromium, the mail arrives at a real SMTP server (aiosmtpd), its link opens the
//! set-password page in Chromium, and the person is in the directory, then logs in again with
//! the new password. Screenshots (390 and 1366 px, `ROSTER_SCREENSHOTS`) of the pages the mail
//! features changed: the person's Login box, a manager's own page with the sync alerts switch,
//! and Company settings › Sync alerts and invitations.

use fantoccini::Locator;

use crate::browser::{browser, click, log_in_at, screenshots, text_of};
use crate::helpers::*;
use crate::integrations::{connected_and_synced, spawn_with_fakes, start_fakes};
use crate::smtp_server::*;

const NEW_PASSWORD: &str = "a long enough passphrase";

async fn type_into(b: &fantoccini::Client, css: &str, text: &str) {
    let field = b.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_invites_a_synced_person_who_sets_a_password_from_the_mail_and_sees_the_directory()
 {
    let fakes = start_fakes(12).await;
    let app = spawn_with_fakes(Backend::Sqlite, &fakes).await;
    let smtp = SmtpServer::start().await;
    let _sender = start_sender(&app, &smtp.url());
    connected_and_synced(&app).await;
    let person = roster::db::people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.active && p.source == roster::directory::Source::Personio)
        .expect("an active synced person");
    let maria = roster::db::people::find_by_email(&app.db, app.company_id, &app.manager_email)
        .await
        .unwrap()
        .unwrap();

    let (b, _driver) = browser().await;
    log_in_at(&b, &app, &format!("/people/{}", person.id)).await;
    let login_box = text_of(&b, "section.access").await;
    assert!(login_box.contains("has no login yet"), "{login_box}");
    screenshots(&b, "person-login-box").await;
    click(
        &b,
        "section.access form[action$='/invite'] button[type=submit]",
    )
    .await;
    b.wait()
        .for_element(Locator::Css("section.access .notice"))
        .await
        .unwrap();
    let login_box = text_of(&b, "section.access").await;
    assert!(login_box.contains("Invitation sent"), "{login_box}");
    assert!(login_box.contains("Invited on"), "{login_box}");

    // The manager's own page (the name in the header) has the sync alerts switch.
    click(&b, ".me .who a").await;
    b.wait()
        .for_element(Locator::Css(".alerts-switch"))
        .await
        .unwrap();
    assert_eq!(
        b.current_url().await.unwrap().path(),
        format!("/people/{}", maria.id)
    );
    assert!(
        text_of(&b, ".alerts-switch")
            .await
            .contains("You get an email")
    );
    screenshots(&b, "person-own-alerts").await;
    b.goto(&app.url("/settings/company")).await.unwrap();
    b.wait()
        .for_element(Locator::Css("#mail-heading"))
        .await
        .unwrap();
    screenshots(&b, "company-settings-mail").await;
    click(&b, ".me button").await;
    b.wait()
        .for_element(Locator::Css("input[name=email]"))
        .await
        .unwrap();

    // The mail reached the SMTP server; its link opens the set-password page.
    let mail = smtp.wait_for_one_to(&person.email).await;
    assert_eq!(
        mail.subject(),
        "You are invited to Acme's directory on Roster"
    );
    assert!(
        mail.text().contains("Maria Manager invited you"),
        "{}",
        mail.text()
    );
    b.goto(&mail.link()).await.unwrap();
    b.wait()
        .for_element(Locator::Css("input[name=password]"))
        .await
        .unwrap();
    assert_eq!(text_of(&b, "h1").await, "Welcome to Acme");
    screenshots(&b, "invitation-set-password").await;
    type_into(&b, "input[name=password]", NEW_PASSWORD).await;
    type_into(&b, "input[name=confirm]", NEW_PASSWORD).await;
    click(&b, "form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("table.people"))
        .await
        .unwrap();
    assert_eq!(b.current_url().await.unwrap().path(), "/people");
    let me = text_of(&b, ".me .who").await;
    assert!(me.contains(&person.full_name()), "{me}");
    assert!(
        text_of(&b, "nav").await.contains("People")
            && !text_of(&b, "nav").await.contains("Settings"),
        "an employee's navigation"
    );

    // Logged out, the new password logs them in again; the used link is dead.
    click(&b, ".me button").await;
    b.wait()
        .for_element(Locator::Css("input[name=email]"))
        .await
        .unwrap();
    type_into(&b, "input[name=email]", &person.email).await;
    type_into(&b, "input[name=password]", NEW_PASSWORD).await;
    click(&b, "form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("table.people"))
        .await
        .unwrap();
    assert!(text_of(&b, ".me .who").await.contains(&person.full_name()));
    b.goto(&mail.link()).await.unwrap();
    b.wait().for_element(Locator::Css("h1")).await.unwrap();
    assert_eq!(text_of(&b, "h1").await, "This link does not work any more");
    b.close().await.unwrap();
}
