//! What the manager reads when the HRIS cannot be used, by kind, on Connect, Preview and the
//! panel: unreachable (try later; no OS error text), rejected (check the credentials), not
//! allowed (grant the permission), untrusted data (nothing was changed). Decided by the failure
//! kind, never by the words.

use roster::fake::{Fault, FaultKind, Target};

use super::*;
use crate::backends_with_fakes;

/// No OS error codes, library chains or Rust debug text on a page.
fn plain(text: &str) {
    for raw in [
        "os error",
        "error sending request",
        "hyper",
        "reqwest",
        "Os {",
        "tcp connect",
    ] {
        assert!(!text.contains(raw), "{raw:?} leaked into: {text}");
    }
}

async fn unreachable_at_connect(backend: crate::helpers::Backend) {
    // A port nothing listens on: the connection is refused, as when Personio is down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = url::Url::parse(&format!("http://127.0.0.1:{closed}")).unwrap();
    let app =
        crate::helpers::TestApp::spawn_with(backend, |c| c.personio_base_url = Some(base)).await;
    let m = app.manager().await;
    let res = connect_personio(&m).await;
    assert_eq!(res.status, 422);
    let alert = res.text(".alert");
    plain(&alert);
    assert!(alert.contains("the connection was refused"), "{alert}");
    assert!(alert.contains("try again in a few minutes"), "{alert}");
    assert!(
        !alert.contains("Check the credentials"),
        "not the credentials' fault: {alert}"
    );
    assert!(alert.ends_with("Nothing was stored."), "{alert}");
}

mod connect_while_personio_is_down_says_try_later {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::unreachable_at_connect(crate::helpers::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::unreachable_at_connect(crate::helpers::Backend::Postgres).await
    }
}

/// Connected and synced, then `fault` for good: Preview's error and, after Sync now, the
/// panel's headline.
async fn preview_and_panel(app: &TestApp, fakes: &Fakes, fault: Fault) -> (String, String) {
    let (m, _) = connected_and_synced(app).await;
    fakes.personio.add_fault(fault);
    let preview = m.get("/settings/integrations/preview").await;
    assert_eq!(preview.status, 200);
    let said = preview.text(".alert");
    plain(&said);
    m.post("/settings/integrations/sync", &[]).await;
    let run = wait_for_runs(app, 2).await;
    assert_eq!(run.state, State::Failed, "{:?}", run.message);
    let headline = m
        .get("/settings/integrations")
        .await
        .text("#sync-status .headline");
    plain(&headline);
    (said, headline)
}

backends_with_fakes! {
    async fn rejected_credentials_say_check_them_at_connect_and_reconnect_later(app, fakes) {
        let m = app.manager().await;
        fakes.personio.add_fault(Fault::new(Target::Auth, FaultKind::Status(401)).times(1));
        let res = connect_personio(&m).await;
        assert_eq!(res.status, 422);
        let alert = res.text(".alert");
        assert!(alert.contains("rejected") && alert.contains("Check the credentials in Personio"), "{alert}");
        let (preview, panel) = preview_and_panel(&app, &fakes, Fault::new(Target::Auth, FaultKind::Status(401))).await;
        assert!(preview.contains("Check the credentials in Personio"), "{preview}");
        assert!(panel.contains("reconnect with new credentials"), "{panel}");
    }

    async fn an_unreachable_hris_says_try_later(app, fakes) {
        let (preview, panel) = preview_and_panel(&app, &fakes, Fault::new(Target::AnyPage, FaultKind::Status(503))).await;
        assert!(preview.contains("503") && preview.contains("try again in a few minutes"), "{preview}");
        assert!(!preview.contains("credentials"), "{preview}");
        assert!(preview.ends_with("Nothing was changed."), "{preview}");
        assert!(panel.contains("Roster tries again at the next morning sync"), "{panel}");
    }

    async fn a_missing_permission_says_where_to_grant_it(app, fakes) {
        let (preview, panel) = preview_and_panel(&app, &fakes, Fault::new(Target::AnyPage, FaultKind::Status(403))).await;
        assert!(preview.contains("permission") && preview.contains("API settings"), "{preview}");
        assert!(panel.contains("fix the permission"), "{panel}");
    }

    async fn untrusted_data_says_nothing_was_changed(app, fakes) {
        let (preview, panel) = preview_and_panel(&app, &fakes, Fault::new(Target::AnyPage, FaultKind::NotJson)).await;
        assert!(preview.contains("not JSON") && preview.contains("Roster did not use this answer"), "{preview}");
        assert!(panel.contains("Roster did not trust this data") && panel.contains("nothing was changed"), "{panel}");
    }
}
