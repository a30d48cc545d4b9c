//! The command line's library functions: demo seeding and login bootstrap.

use roster::db::{companies, people};
use roster::directory::Role;

use crate::backends;
use crate::helpers::*;

backends! {
    async fn the_demo_seeds_acme_once(app) {
        // The harness company is "acme" too, so seed a fresh database instead.
        let (db, _dir, _) = fresh_db(app.backend).await;
        roster::demo::seed(&db).await.unwrap();
        let acme = companies::find_by_slug(&db, roster::demo::SLUG).await.unwrap().unwrap();
        let n = people::count(&db, acme.id).await.unwrap();
        assert!((35..=50).contains(&n), "{n} people");
        roster::demo::seed(&db).await.unwrap();
        assert_eq!(people::count(&db, acme.id).await.unwrap(), n, "a second run adds nobody");
        assert_eq!(companies::list(&db).await.unwrap().len(), 1);
        let outcome = roster::auth::login(&db, &roster::auth::PasswordChecks::new(1, std::time::Duration::from_secs(5)), roster::demo::MANAGER_EMAIL, roster::demo::PASSWORD, "127.0.0.1").await.unwrap();
        assert!(matches!(outcome, roster::auth::LoginOutcome::LoggedIn { .. }));
        let with_manager = people::all(&db, acme.id).await.unwrap().iter().filter(|p| p.manager_id.is_some()).count();
        assert!(with_manager as i64 >= n - 1, "everyone but the CEO has a manager");
    }

    async fn user_create_gives_an_existing_person_a_login(app) {
        let m = app.manager().await;
        m.post("/people", &[("first_name", "Rita"), ("last_name", "Reader"), ("email", "rita@acme.test"), ("active", "1")]).await;
        let said = roster::cli::create_login(&app.db, "acme", "RITA@acme.test", Role::Employee, None, None, PASSWORD).await.unwrap();
        assert!(said.starts_with("Updated"), "{said}");
        assert_eq!(app.client().login("rita@acme.test", PASSWORD).await.status, 303);
        let err = roster::cli::create_login(&app.db, "nope", "x@y.test", Role::Employee, None, None, PASSWORD).await.unwrap_err();
        assert!(err.to_string().contains("no company with the slug"));
    }
}
