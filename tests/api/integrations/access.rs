//! Who may reach the integrations pages: company managers of the company only.

use roster::db::sync_runs;

use super::*;
use crate::backends_with_fakes;

const GETS: &[&str] = &[
    "/settings/integrations",
    "/settings/integrations/status",
    "/settings/integrations/preview",
    "/settings/integrations/disconnect",
    "/settings/integrations/history",
    "/settings/integrations/history/1",
    "/settings/integrations/personio/connect",
    "/settings/integrations/kiwihr/connect",
    "/settings/integrations/personio/rules",
    "/settings/integrations/personio/fields",
];

const POSTS: &[&str] = &[
    "/settings/integrations/sync",
    "/settings/integrations/disconnect",
    "/settings/integrations/history/1/apply",
    "/settings/integrations/history/1/discard",
    "/settings/integrations/personio/connect",
    "/settings/integrations/kiwihr/connect",
    "/settings/integrations/personio/rules",
    "/settings/integrations/personio/fields",
];

backends_with_fakes! {
    async fn employees_get_403_on_every_integrations_route(app, _fakes) {
        let e = app.employee().await;
        for path in GETS {
            assert_eq!(e.get(path).await.status, 403, "GET {path}");
        }
        for path in POSTS {
            assert_eq!(e.post(path, &[("understood", "1")]).await.status, 403, "POST {path}");
        }
        assert!(roster::db::integrations::get(&app.db, app.company_id).await.unwrap().is_none());
    }

    async fn anonymous_visitors_are_sent_to_the_login_page(app, _fakes) {
        let anon = app.client();
        for path in GETS {
            let res = anon.get(path).await;
            assert_eq!(res.status, 303, "GET {path}");
            assert!(res.location.as_deref().unwrap().starts_with("/login?next="), "GET {path}");
        }
    }

    async fn another_companys_run_is_404(app, _fakes) {
        let other = create_company(&app.db, "globex", "Globex").await;
        let theirs = sync_runs::start(&app.db, other, roster::hris::Provider::Personio, Trigger::Manual, None, None).await.unwrap().unwrap();
        let m = app.manager().await;
        assert_eq!(m.get(&format!("/settings/integrations/history/{theirs}")).await.status, 404);
        assert_eq!(m.post(&format!("/settings/integrations/history/{theirs}/apply"), &[]).await.status, 404);
        assert_eq!(m.post(&format!("/settings/integrations/history/{theirs}/discard"), &[]).await.status, 404);
        assert_eq!(m.get("/settings/integrations/history/999999").await.status, 404);
        // Their run does not appear in our history either.
        let page = m.get("/settings/integrations/history").await;
        assert!(page.texts("table.runs tbody tr").is_empty());
    }

    async fn settings_link_to_integrations_and_history(app, _fakes) {
        let m = app.manager().await;
        for path in ["/settings", "/settings/company", "/settings/integrations"] {
            let page = m.get(path).await;
            let nav = page.text("nav.subnav");
            assert!(nav.contains("Integrations") && nav.contains("History"), "{path}: {nav}");
        }
    }
}
