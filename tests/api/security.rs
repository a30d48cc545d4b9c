//! Headers, CSRF, role guards and operator probes.

use crate::backends;
use crate::helpers::*;

/// Every page under /settings, plus a path no route matches: the layer covers both.
const SETTINGS_PATHS: &[&str] = &[
    "/settings",
    "/settings/",
    "/settings/company",
    "/settings/integrations",
    "/settings/no-such-page",
];

backends! {
    async fn every_response_carries_the_security_headers(app) {
        let c = app.client();
        for path in ["/login", "/people", "/nope", "/healthz"] {
            let p = c.get(path).await;
            let csp = p.headers.get("content-security-policy").unwrap().to_str().unwrap();
            assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert_eq!(p.headers.get("x-content-type-options").unwrap(), "nosniff");
            assert!(p.headers.get("referrer-policy").is_some());
            assert!(p.headers.get("strict-transport-security").is_none(), "no HSTS without TLS");
        }
    }

    async fn a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(app) {
        let c = app.manager().await;
        let fields = [("first_name", "Mallory"), ("last_name", "Forged"), ("email", "mallory@acme.test"), ("active", "1")];
        let missing = c.post_raw("/people", &fields).await;
        assert_eq!(missing.status, 403);
        let mut wrong = vec![("csrf", "0000")];
        wrong.extend_from_slice(&fields);
        assert_eq!(c.post_raw("/people", &wrong).await.status, 403);
        let other_session = app.employee().await.csrf().await;
        let mut stolen = vec![("csrf", other_session.as_str())];
        stolen.extend_from_slice(&fields);
        assert_eq!(c.post_raw("/people", &stolen).await.status, 403, "a token from another session");
        assert!(roster::db::people::find_by_email(&app.db, app.company_id, "mallory@acme.test").await.unwrap().is_none());
        // Logging in needs it too.
        let anon = app.client();
        assert_eq!(anon.post_raw("/login", &[("email", &app.manager_email), ("password", PASSWORD)]).await.status, 403);
        // With the token the same form works.
        assert_eq!(c.post("/people", &fields).await.status, 303);
    }

    async fn settings_are_for_company_managers_only(app) {
        let employee = app.employee().await;
        let anonymous = app.client();
        let manager = app.manager().await;
        for path in SETTINGS_PATHS {
            assert_eq!(employee.get(path).await.status, 403, "employee on {path}");
            let anon = anonymous.get(path).await;
            assert_eq!(anon.status, 303, "anonymous on {path}");
            assert!(anon.location.unwrap().starts_with("/login?next="), "anonymous on {path}");
            assert_ne!(manager.get(path).await.status, 403, "manager on {path}");
        }
        assert_eq!(employee.post("/settings/company", &[("name", "Pwned")]).await.status, 403);
        assert_eq!(manager.get("/settings").await.status, 200);
        // The navigation shows Settings to managers only.
        assert!(manager.get("/people").await.texts("header nav a").contains(&"Settings".to_string()));
        assert!(!employee.get("/people").await.texts("header nav a").contains(&"Settings".to_string()));
    }

    async fn company_settings_are_validated_and_saved(app) {
        let m = app.manager().await;
        let bad = m.post("/settings/company", &[("name", ""), ("time_zone", "Mars/Olympus"), ("sync_hour", "25")]).await;
        assert_eq!(bad.status, 422);
        let errors = bad.text(".field-error");
        for expected in ["needs a name", "not a time zone", "from 0 to 23"] {
            assert!(errors.contains(expected), "{expected:?} missing in {errors}");
        }
        let ok = m.post("/settings/company", &[("name", "Acme SE"), ("time_zone", "Europe/Paris"), ("sync_hour", "6"), ("max_percent", "20"), ("min_people", "2")]).await;
        assert_eq!(ok.status, 303);
        let c = roster::db::companies::get(&app.db, app.company_id).await.unwrap().unwrap();
        assert_eq!((c.name.as_str(), c.time_zone.as_str(), c.sync_hour), ("Acme SE", "Europe/Paris", 6));
        // Gender choices moved to Settings › Company › Fields.
        let bad = m.post("/settings/fields/gender", &[("choices", " , ")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.text(".field-error").contains("at least one gender"), "{}", bad.body);
        let ok = m.post("/settings/fields/gender", &[("choices", "female\nmale, Diverse\nmale")]).await;
        assert_eq!(ok.status, 303);
        let c = roster::db::companies::get(&app.db, app.company_id).await.unwrap().unwrap();
        assert_eq!(c.gender_choices, vec!["female", "male", "diverse"]);
    }

    async fn health_and_readiness_answer(app) {
        let c = app.client();
        let h = c.get("/healthz").await;
        assert_eq!((h.status, h.body.as_str()), (200, "ok"));
        let r = c.get("/readyz").await;
        assert_eq!((r.status, r.body.as_str()), (200, "ready"));
        app.db.close().await;
        assert_eq!(c.get("/readyz").await.status, 503);
    }
}
