//! Redirects after login, sliding sessions, and no session rows for anonymous visitors.

use std::time::Duration;

use crate::backends;
use crate::helpers::*;

async fn session_rows(app: &TestApp) -> i64 {
    roster::on_db!(&app.db, p => sqlx::query_scalar("select count(*) from sessions")
        .fetch_one(p).await.unwrap())
}

/// Logs in with `next` as the form sends it; returns the status and `Location`.
async fn login_with_next(app: &TestApp, next: &str) -> (u16, Option<String>, i64) {
    let c = app.client();
    let token = c.csrf().await;
    let before = session_rows(app).await;
    let res = c
        .post_raw(
            "/login",
            &[
                ("csrf", &token),
                ("email", &app.manager_email),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await;
    (res.status, res.location, session_rows(app).await - before)
}

/// `next` values a browser would resolve to another site, or that carry header-breaking bytes.
const HOSTILE_NEXT: &[&str] = &[
    "//evil.example/x",
    "/\t/evil.example/x",
    "/%09/evil.example/x",
    "/\n/evil.example/x",
    "/%0a/evil.example/x",
    "/\r\nSet-Cookie: stolen=1",
    "/%0d%0aSet-Cookie:%20stolen=1",
    "/\\evil.example/x",
    "/%5cevil.example/x",
    "\\\\evil.example",
    "/%2f/evil.example",
    "/.//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
];

backends! {
    async fn next_only_leads_to_a_path_on_this_site(app) {
        for next in HOSTILE_NEXT {
            let (status, location, new_rows) = login_with_next(&app, next).await;
            assert_eq!(status, 303, "{next:?}");
            assert_eq!(location.as_deref(), Some("/people"), "{next:?}");
            assert_eq!(new_rows, 1, "one session per login, {next:?}");
        }
        let (status, location, _) = login_with_next(&app, "/groups?x=1").await;
        assert_eq!((status, location.as_deref()), (303, Some("/groups?x=1")));
        // The login page's hidden field gets the same treatment.
        let page = app.client().get("/login?next=%2F%09%2Fevil.example%2Fx").await;
        assert_eq!(page.status, 200);
        let hidden = page.html().select(&scraper::Selector::parse("input[name=next]").unwrap()).next().unwrap().value().attr("value").unwrap().to_string();
        assert_eq!(hidden, "/people");
    }

    async fn a_failed_login_with_a_hostile_next_starts_no_session_and_is_no_500(app) {
        let c = app.client();
        let token = c.csrf().await;
        for next in HOSTILE_NEXT {
            let res = c.post_raw("/login", &[("csrf", &token), ("email", &app.manager_email), ("password", "wrong"), ("next", next)]).await;
            assert!(res.status == 401 || res.status == 429, "{next:?}: {}", res.status);
        }
        assert_eq!(session_rows(&app).await, 0);
    }

    async fn anonymous_visitors_create_no_session_rows(app) {
        let c = app.client();
        for path in ["/login", "/login?next=/groups", "/people", "/", "/settings", "/nope", "/healthz", "/static/roster.css"] {
            for _ in 0..5 {
                let res = c.get(path).await;
                assert!(res.status < 500, "{path}");
                for cookie in res.headers.get_all("set-cookie") {
                    assert!(!cookie.to_str().unwrap().starts_with("roster_session="), "{path}: {cookie:?}");
                }
            }
        }
        // A failed login and a login form posted with a stale or missing token neither.
        assert_eq!(c.login(&app.manager_email, "wrong password").await.status, 401);
        assert_eq!(c.post_raw("/login", &[("email", &app.manager_email), ("password", PASSWORD)]).await.status, 403);
        assert_eq!(app.client().post_raw("/login", &[("csrf", &"a".repeat(64)), ("email", &app.manager_email), ("password", PASSWORD)]).await.status, 403);
        assert_eq!(session_rows(&app).await, 0);
        // The login form works from the double-submit cookie alone, and then there is one row.
        assert_eq!(c.login(&app.manager_email, PASSWORD).await.status, 303);
        assert_eq!(c.get("/people").await.status, 200);
        assert_eq!(session_rows(&app).await, 1);
    }

    async fn the_login_token_cookie_is_http_only_and_not_readable_by_other_sites(app) {
        let res = app.client().get("/login").await;
        let cookie = res.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
        assert!(cookie.starts_with("roster_csrf="), "{cookie}");
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(flag), "{cookie}");
        }
        // Another client's token (cookie from one browser, form field from another) is refused.
        let a = app.client();
        let b = app.client();
        let token_a = a.csrf().await;
        let _ = b.csrf().await;
        let res = b.post_raw("/login", &[("csrf", &token_a), ("email", &app.manager_email), ("password", PASSWORD)]).await;
        assert_eq!(res.status, 403);
    }

    async fn the_token_seen_before_login_is_useless_after_it(app) {
        let c = app.client();
        let before = c.csrf().await;
        assert_eq!(c.login(&app.manager_email, PASSWORD).await.status, 303);
        let res = c.post_raw("/groups", &[("csrf", &before), ("name", "Sneaky")]).await;
        assert_eq!(res.status, 403);
        assert_eq!(c.post("/groups", &[("name", "Fine")]).await.status, 303);
    }
}

/// The person is read with the session row on every request (`session_store`): a rename shows on
/// the next page, and what is read that way is never written into the stored session.
async fn the_person_is_read_with_the_session_and_never_stored(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.session_idle_seconds = Some(8)).await;
    let c = app.manager().await;
    roster::on_db!(&app.db, p => sqlx::query("update people set first_name = 'Renamed' where email = $1")
        .bind(&app.manager_email).execute(p).await.unwrap().rows_affected());
    // A page after a quarter of the idle window slides the session, which writes its row.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let page = c.get("/people").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Renamed"), "the name as it is now");
    let stored: Vec<Vec<u8>> = roster::on_db!(&app.db, p => sqlx::query_scalar("select data from sessions")
        .fetch_all(p).await.unwrap());
    assert_eq!(stored.len(), 1);
    let text = String::from_utf8_lossy(&stored[0]);
    assert!(text.contains("person_id"), "{text}");
    assert!(
        !text.contains(roster::session_store::LOADED_PERSON_KEY),
        "{text}"
    );
    assert!(!text.contains("Renamed"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_person_is_read_with_the_session_and_never_stored_sqlite() {
    the_person_is_read_with_the_session_and_never_stored(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_person_is_read_with_the_session_and_never_stored_postgres() {
    the_person_is_read_with_the_session_and_never_stored(Backend::Postgres).await;
}

/// Idle window of 8 s: requests every 3 s keep the session alive well past 8 s; then 12 s of
/// quiet end it. (Wide margins: the test machine may be loaded, and a request can be slow.)
async fn activity_slides_the_session(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.session_idle_seconds = Some(8)).await;
    let c = app.manager().await;
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(
            c.get("/people").await.status,
            200,
            "active within the idle window"
        );
    }
    tokio::time::sleep(Duration::from_secs(12)).await;
    let after = c.get("/people").await;
    assert_eq!(after.status, 303, "idle longer than the window");
    assert_eq!(after.location.as_deref(), Some("/login?next=%2Fpeople"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_slides_the_session_sqlite() {
    activity_slides_the_session(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_slides_the_session_postgres() {
    activity_slides_the_session(Backend::Postgres).await;
}

/// With the default idle window the session row is not rewritten by every page view (nor does a
/// view send the session cookie again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_views_do_not_rewrite_the_session_each_time() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.manager().await;
    let expiry = || async {
        roster::on_db!(&app.db, p => sqlx::query_scalar::<_, String>("select cast(expiry_date as text) from sessions")
            .fetch_one(p).await.unwrap())
    };
    let first = expiry().await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..3 {
        for path in ["/people", "/settings/integrations", "/settings", "/groups"] {
            let res = c.get(path).await;
            assert_eq!(res.status, 200, "{path}");
            // A saved session sends its cookie again: none means the row was not written.
            for cookie in res.headers.get_all("set-cookie") {
                assert!(
                    !cookie.to_str().unwrap().starts_with("roster_session="),
                    "{path}: {cookie:?}"
                );
            }
        }
    }
    assert_eq!(expiry().await, first, "no write within the minute");
}
