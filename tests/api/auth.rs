//! Logging in and out, throttling, sessions.

use crate::backends;
use crate::helpers::*;

backends! {
    async fn login_with_the_right_password_reaches_the_directory(app) {
        let c = app.client();
        let res = c.login(&app.manager_email, PASSWORD).await;
        assert_eq!(res.status, 303);
        assert_eq!(res.location.as_deref(), Some("/people"));
        let page = c.get("/people").await;
        assert_eq!(page.status, 200);
        assert!(page.text("header .me").contains("Maria Manager"), "{}", page.text("header"));
    }

    async fn wrong_password_and_unknown_email_look_the_same(app) {
        let c = app.client();
        let wrong_password = c.login(&app.manager_email, "not the password").await;
        let unknown_email = c.login("nobody@acme.test", "not the password").await;
        assert_eq!(wrong_password.status, 401);
        assert_eq!(unknown_email.status, 401);
        assert_eq!(wrong_password.text(".alert"), unknown_email.text(".alert"));
        assert!(wrong_password.text(".alert").contains("email or password is not right"));
        assert_eq!(c.get("/people").await.status, 303, "no session after a failed login");
    }

    async fn five_failures_lock_the_account_even_for_the_right_password(app) {
        let c = app.client();
        for _ in 0..5 {
            assert_eq!(c.login(&app.manager_email, "wrong password").await.status, 401);
        }
        let locked = c.login(&app.manager_email, PASSWORD).await;
        assert_eq!(locked.status, 429);
        assert!(locked.text(".alert").contains("15 minutes"), "{}", locked.text(".alert"));
        // Another account from the same address is not locked by these five.
        let other = app.client();
        assert_eq!(other.login(&app.employee_email, PASSWORD).await.status, 303);
    }

    async fn fifty_failures_from_one_address_lock_that_address(app) {
        let c = app.client();
        for i in 0..50 {
            let r = c.login(&format!("stranger{i}@acme.test"), "wrong password").await;
            assert_eq!(r.status, 401);
        }
        assert_eq!(c.login(&app.employee_email, PASSWORD).await.status, 429);
    }

    async fn the_session_id_changes_at_login_and_the_cookie_is_guarded(app) {
        let c = app.client();
        let before = c.http.get(app.url("/login")).send().await.unwrap();
        let anon_cookie = before.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
        let token = c.csrf().await;
        let res = c.post_raw("/login", &[("csrf", &token), ("email", &app.manager_email), ("password", PASSWORD), ("next", "/people")]).await;
        assert_eq!(res.status, 303);
        let logged_in_cookie = res.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
        let id = |c: &str| c.split(';').next().unwrap().to_string();
        assert_ne!(id(&anon_cookie), id(&logged_in_cookie), "session id must be cycled at login");
        for flag in ["HttpOnly", "SameSite=Lax"] {
            assert!(logged_in_cookie.contains(flag), "{logged_in_cookie}");
        }
        assert!(!logged_in_cookie.contains("Secure"), "no Secure flag without TLS: {logged_in_cookie}");
    }

    async fn logout_ends_the_session(app) {
        let c = app.manager().await;
        assert_eq!(c.get("/people").await.status, 200);
        let out = c.post("/logout", &[]).await;
        assert_eq!(out.location.as_deref(), Some("/login"));
        let after = c.get("/people").await;
        assert_eq!(after.status, 303);
        assert_eq!(after.location.as_deref(), Some("/login?next=%2Fpeople"));
    }

    async fn a_deactivated_person_is_logged_out_and_cannot_log_in(app) {
        let employee = app.employee().await;
        assert_eq!(employee.get("/people").await.status, 200);
        let manager = app.manager().await;
        let eddie = roster::db::people::find_by_email(&app.db, app.company_id, &app.employee_email).await.unwrap().unwrap();
        let res = manager.post(&format!("/people/{}", eddie.id), &[
            ("first_name", "Eddie"), ("last_name", "Employee"), ("email", &app.employee_email),
        ]).await; // no "active" box: deactivated
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(roster::session_store::count_for(&app.db, eddie.id).await.unwrap(), 0);
        assert_eq!(employee.get("/people").await.status, 303, "the open session ended");
        assert_eq!(app.client().login(&app.employee_email, PASSWORD).await.status, 401);
    }
}

#[tokio::test]
async fn sessions_end_at_the_absolute_limit_however_active() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.session_max_hours = 0).await;
    let c = app.client();
    assert_eq!(c.login(&app.manager_email, PASSWORD).await.status, 303);
    let page = c.get("/people").await;
    assert_eq!(page.status, 303, "a 0-hour limit ends the session at once");
}

#[tokio::test]
async fn with_tls_the_cookie_is_secure_and_hsts_is_sent() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.tls = true).await;
    let c = app.client();
    let res = c.login(&app.manager_email, PASSWORD).await;
    let cookie = res.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(res.headers.get("strict-transport-security").is_some());
}
