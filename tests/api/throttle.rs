//! Login throttling under real parallel requests: every guess is its own client (its own
//! connection and CSRF token), released together by a barrier.

use std::sync::Arc;

use tokio::sync::Barrier;

use crate::helpers::*;

/// Sends one login per (email, password) at the same instant; returns the statuses in order.
async fn burst(app: &TestApp, attempts: &[(String, String)]) -> Vec<u16> {
    let mut ready = Vec::new();
    for (email, password) in attempts {
        let c = app.client();
        let token = c.csrf().await;
        ready.push((c, token, email.clone(), password.clone()));
    }
    let barrier = Arc::new(Barrier::new(ready.len()));
    let tasks: Vec<_> = ready
        .into_iter()
        .map(|(c, token, email, password)| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let fields = [
                    ("csrf", token.as_str()),
                    ("email", email.as_str()),
                    ("password", password.as_str()),
                    ("next", "/people"),
                ];
                c.post_raw("/login", &fields).await.status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

async fn attempts_in_db(app: &TestApp) -> i64 {
    roster::on_db!(&app.db, p => sqlx::query_scalar("select count(*) from login_attempts")
        .fetch_one(p).await.unwrap())
}

/// Like `backends!`, but password checks may wait as long as they need: every reserved guess is
/// checked (none answers "busy"), so the counts are exact even on a loaded machine.
macro_rules! patient_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            use super::*;
            async fn scenario($app: TestApp) $body
            async fn spawn(backend: Backend) -> TestApp {
                TestApp::spawn_with(backend, |c| c.password_wait_ms = 120_000).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { scenario(spawn(Backend::Sqlite).await).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { scenario(spawn(Backend::Postgres).await).await }
        }
    )*};
}

patient_backends! {
    async fn sixty_parallel_guesses_for_one_account_are_five_checks_and_the_right_password_is_refused(app) {
        let wrong: Vec<_> = (0..59).map(|i| (app.manager_email.clone(), format!("wrong guess {i}"))).collect();
        let statuses = burst(&app, &wrong).await;
        assert_eq!(count(&statuses, 401), 5, "exactly five guesses checked: {statuses:?}");
        assert_eq!(count(&statuses, 429), 54, "{statuses:?}");
        let right = app.client().login(&app.manager_email, PASSWORD).await;
        assert_eq!(right.status, 429, "the right password after the burst");
        assert_eq!(app.client().get("/people").await.status, 303);
    }

    async fn a_burst_with_the_right_password_checks_at_most_five_wrong_ones(app) {
        // The right password may be among the checked ones (then it logs in, and being a
        // success it frees its slot); what never happens is a sixth wrong guess being checked.
        let mut attempts: Vec<_> = (0..59).map(|i| (app.manager_email.clone(), format!("wrong guess {i}"))).collect();
        attempts.push((app.manager_email.clone(), PASSWORD.to_string()));
        let statuses = burst(&app, &attempts).await;
        let (wrong, right) = (count(&statuses, 401), count(&statuses, 303));
        assert!(wrong <= 5 && right <= 1, "{statuses:?}");
        assert_eq!(wrong + right + count(&statuses, 429), 60, "{statuses:?}");
        if right == 0 {
            assert_eq!(wrong, 5, "with the right password refused, five wrong ones were checked: {statuses:?}");
        }
        if wrong == 5 {
            assert_eq!(app.client().login(&app.manager_email, PASSWORD).await.status, 429, "locked after the burst");
        }
    }

    async fn two_hundred_parallel_guesses_from_one_address_are_fifty_checks(app) {
        let strangers: Vec<_> = (0..200).map(|i| (format!("stranger{i}@acme.test"), "wrong guess".to_string())).collect();
        let statuses = burst(&app, &strangers).await;
        assert_eq!(count(&statuses, 401), 50, "{statuses:?}");
        assert_eq!(count(&statuses, 429), 150, "{statuses:?}");
        assert_eq!(app.client().login(&app.employee_email, PASSWORD).await.status, 429);
    }

    async fn a_successful_login_does_not_count_as_a_failure(app) {
        for _ in 0..4 {
            assert_eq!(app.client().login(&app.manager_email, "wrong password").await.status, 401);
        }
        for _ in 0..3 {
            assert_eq!(app.client().login(&app.manager_email, PASSWORD).await.status, 303);
        }
        assert_eq!(app.client().login(&app.manager_email, "wrong password").await.status, 401, "the fifth failure is still checked");
        assert_eq!(app.client().login(&app.manager_email, PASSWORD).await.status, 429);
    }
}

/// One password check at a time and no wait: a burst gets "busy, try again" (503 with
/// Retry-After) for what could not run, and those attempts are not counted.
async fn busy_checks_answer_503_and_count_nothing(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.password_checks = Some(1);
        c.password_wait_ms = 0;
    })
    .await;
    let strangers: Vec<_> = (0..20)
        .map(|i| (format!("stranger{i}@acme.test"), "wrong guess".to_string()))
        .collect();
    let statuses = burst(&app, &strangers).await;
    assert!(count(&statuses, 503) > 0, "{statuses:?}");
    assert_eq!(
        count(&statuses, 401) + count(&statuses, 503),
        20,
        "{statuses:?}"
    );
    assert_eq!(attempts_in_db(&app).await, count(&statuses, 401) as i64);
    let c = app.client();
    let token = c.csrf().await;
    let retry = loop {
        let p = c
            .post_raw(
                "/login",
                &[
                    ("csrf", &token),
                    ("email", &app.manager_email),
                    ("password", PASSWORD),
                ],
            )
            .await;
        if p.status != 503 {
            break p;
        }
        assert_eq!(p.headers.get("retry-after").unwrap(), "2");
        assert!(p.text(".alert").contains("busy"), "{}", p.text(".alert"));
    };
    assert_eq!(retry.status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_password_checks_sqlite() {
    busy_checks_answer_503_and_count_nothing(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_password_checks_postgres() {
    busy_checks_answer_503_and_count_nothing(Backend::Postgres).await;
}
