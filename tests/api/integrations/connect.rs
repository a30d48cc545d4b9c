//! Connect: checked with the provider first, nothing stored on a refusal, one HRIS per company,
//! kiwiHR URLs validated.

use roster::db::{audit, integrations, sync_runs};
use roster::hris::kiwihr::EXPECTED_SHAPE;

use super::*;
use crate::backends_with_fakes;

backends_with_fakes! {
    async fn a_wrong_secret_comes_back_as_a_form_error_and_nothing_is_stored(app, _fakes) {
        let m = app.manager().await;
        let res = m.post(
            "/settings/integrations/personio/connect",
            &[("client_id", PERSONIO_ID), ("client_secret", "wrong-secret-zz91")],
        ).await;
        assert_eq!(res.status, 422);
        let alert = res.text(".alert");
        assert!(alert.contains("Personio rejected the client ID and secret"), "{alert}");
        assert!(alert.contains("Nothing was stored"), "{alert}");
        assert!(!res.body.contains("wrong-secret-zz91"), "the secret is not echoed back");
        assert!(res.body.contains(PERSONIO_ID), "the client ID is kept in the form");
        assert!(integrations::get(&app.db, app.company_id).await.unwrap().is_none());
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 0);
        assert!(audit::recent(&app.db, app.company_id, 10).await.unwrap().is_empty());
    }

    async fn connecting_personio_stores_it_audits_it_and_runs_the_first_sync(app, _fakes) {
        let m = app.manager().await;
        let before = people_count(&app).await;
        let res = connect_personio(&m).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        assert!(res.location.as_deref().unwrap().starts_with("/settings/integrations?notice=connected"));
        let stored = integrations::get(&app.db, app.company_id).await.unwrap().unwrap();
        assert_eq!(stored.hint, "Client ID ends with …1234");
        let events = audit::recent(&app.db, app.company_id, 10).await.unwrap();
        assert_eq!(events[0].action, "connect");
        assert_eq!(events[0].actor.as_deref(), Some("Maria Manager"));

        // The panel right after the redirect: connected, and the first sync queued or running.
        let panel = m.get(res.location.as_deref().unwrap()).await;
        assert!(panel.text("#panel-personio .state").starts_with("Connected since"), "{}", panel.text("#panel-personio"));
        assert!(panel.text("#panel-personio .hint").contains("Client ID ends with …1234"));
        // The notice about the first sync lives with the live status while the sync is under way.
        if panel.body.contains("data-running=\"true\"") {
            assert!(panel.text("#sync-status .sync-notice").contains("The first sync has started"));
        }

        let run = wait_for_runs(&app, 1).await;
        // Once the sync ended, its outcome replaces the notice.
        let panel = m.get(res.location.as_deref().unwrap()).await;
        assert!(panel.texts(".sync-notice").is_empty(), "{}", panel.text(".sync-notice"));
        assert_eq!(panel.text("#sync-status .outcome"), "Succeeded");
        assert_eq!(run.trigger, Trigger::Connect);
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        assert_eq!(run.started_by.as_deref(), Some("Maria Manager"));
        assert!(people_count(&app).await > before, "people were synced");

        let panel = m.get("/settings/integrations").await;
        assert_eq!(panel.text("#sync-status .outcome"), "Succeeded");
        assert!(panel.text("#sync-status .counts").contains(&format!("{} created", run.created)));
        assert!(panel.text(".next-sync").contains(":00"), "{}", panel.text(".next-sync"));
        assert_eq!(panel.texts("#sync-status a[href^='/settings/integrations/history/']").len(), 1);
    }

    async fn a_bare_kiwihr_origin_is_completed_with_the_api_path(app, _fakes) {
        let m = app.manager().await;
        let res = connect_kiwihr(&m, "https://acme.kiwihr.com").await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        let stored = integrations::get(&app.db, app.company_id).await.unwrap().unwrap();
        assert_eq!(stored.hint, "URL https://acme.kiwihr.com/api/graphql");
        let run = wait_for_runs(&app, 1).await;
        assert_eq!(run.provider, roster::hris::Provider::Kiwihr);
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        let panel = m.get("/settings/integrations").await;
        assert!(panel.text("#panel-kiwihr .hint").contains("https://acme.kiwihr.com/api/graphql"));
    }

    async fn kiwihr_urls_of_another_shape_are_refused_with_the_format(app, _fakes) {
        let m = app.manager().await;
        let form = m.get("/settings/integrations/kiwihr/connect").await;
        assert!(form.text(".format").contains("https://yourcompany.kiwihr.com/api/graphql"));
        for url in [
            "http://acme.kiwihr.com/api/graphql",
            "https://kiwihr.com.evil.io/api/graphql",
            "https://evilkiwihr.com/api/graphql",
        ] {
            let res = connect_kiwihr(&m, url).await;
            assert_eq!(res.status, 422, "{url}");
            assert!(res.text("#f-url-error").contains(EXPECTED_SHAPE), "{url}: {}", res.text(".field-error"));
            assert!(!res.body.contains(KIWI_TOKEN), "the token is not echoed back");
        }
        assert!(integrations::get(&app.db, app.company_id).await.unwrap().is_none());
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 0);
    }

    async fn a_second_hris_cannot_be_connected_while_one_is(app, _fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let panel = m.get("/settings/integrations").await;
        assert!(panel.text("#panel-kiwihr .unavailable").contains("Personio is connected"));
        assert!(panel.texts("#panel-kiwihr a.connect").is_empty(), "no Connect for kiwiHR");
        let form = m.get("/settings/integrations/kiwihr/connect").await;
        assert_eq!(form.status, 409);
        assert!(form.texts("form input[name=api_token]").is_empty());
        let res = connect_kiwihr(&m, "https://acme.kiwihr.com/api/graphql").await;
        assert_eq!(res.status, 409);
        assert!(res.text(".unavailable").contains("Personio is already connected"));
        let stored = integrations::get(&app.db, app.company_id).await.unwrap().unwrap();
        assert_eq!(stored.provider.as_str(), "personio");
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 1);
    }

    async fn a_wrong_kiwihr_token_comes_back_as_a_form_error_and_nothing_is_stored(app, _fakes) {
        let m = app.manager().await;
        let res = m.post(
            "/settings/integrations/kiwihr/connect",
            &[("api_token", "wrong-token-qq77"), ("url", "https://acme.kiwihr.com/api/graphql")],
        ).await;
        assert_eq!(res.status, 422);
        let alert = res.text(".alert, .field-error");
        assert!(alert.contains("kiwiHR rejected the"), "{alert}");
        assert!(!res.body.contains("wrong-token-qq77"), "the token is not echoed back");
        assert!(res.body.contains("https://acme.kiwihr.com/api/graphql"), "the URL is kept");
        assert!(integrations::get(&app.db, app.company_id).await.unwrap().is_none());
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 0);
    }

    async fn an_unknown_provider_is_404(app, _fakes) {
        let m = app.manager().await;
        assert_eq!(m.get("/settings/integrations/bamboo/connect").await.status, 404);
    }
}

/// A credential that may not read some attributes connects, and the panel says so once.
async fn attributes_personio_will_not_share_are_shown_once(backend: Backend) {
    let personio = FakePersonio::builder()
        .people(5)
        .credentials(PERSONIO_ID, PERSONIO_SECRET)
        .readable_attributes(&["email", "status", "first_name", "last_name"])
        .start()
        .await;
    let kiwi = FakeKiwi::builder().start().await.unwrap();
    let fakes = Fakes { personio, kiwi };
    let app = spawn_with_fakes(backend, &fakes).await;
    let m = app.manager().await;
    let res = connect_personio(&m).await;
    assert_eq!(res.status, 303, "{}", res.text(".alert"));
    let panel = m.get(res.location.as_deref().unwrap()).await;
    let warnings = panel.text(".connect-warning");
    assert!(warnings.contains("may not read \"position\""), "{warnings}");
    wait_for_runs(&app, 1).await;
    let again = m.get("/settings/integrations").await;
    assert!(again.texts(".connect-warning").is_empty(), "shown once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attributes_personio_will_not_share_are_shown_once_sqlite() {
    attributes_personio_will_not_share_are_shown_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attributes_personio_will_not_share_are_shown_once_postgres() {
    attributes_personio_will_not_share_are_shown_once(Backend::Postgres).await;
}
