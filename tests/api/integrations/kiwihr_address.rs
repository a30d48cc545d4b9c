//! kiwiHR addresses are checked after DNS resolution: a customer's `*.kiwihr.com` that resolves to
//! a loopback, private, link-local or IPv4-mapped internal address is refused at Connect, nothing
//! stored, no run, no connection made. The app runs without the operator override; the test's
//! names resolve through the kiwiHR resolver's fixed table instead of DNS (still filtered).

use std::{collections::HashMap, net::IpAddr};

use super::*;
use crate::helpers::{Backend, TestApp};

async fn refused_at_connect(backend: Backend) {
    let names: Vec<(&str, &str)> = vec![
        ("loop", "127.0.0.1"),
        ("intra", "10.1.2.3"),
        ("meta", "169.254.169.254"),
        ("mapped", "::ffff:127.0.0.1"),
        ("ula", "fd00::5"),
    ];
    let fixed: HashMap<String, Vec<IpAddr>> = names
        .iter()
        .map(|(n, ip)| (format!("{n}.kiwihr.com"), vec![ip.parse().unwrap()]))
        .collect();
    let app =
        TestApp::spawn_with_providers(backend, |_| {}, |p| p.with_kiwihr_addresses(fixed)).await;
    let m = app.manager().await;
    for (name, ip) in names {
        let url = format!("https://{name}.kiwihr.com/api/graphql");
        let res = connect_kiwihr(&m, &url).await;
        assert_eq!(res.status, 422, "{url}");
        let error = res.text("#f-url-error");
        assert!(
            error.contains("only to internal addresses") && error.contains(ip),
            "{url}: {error}"
        );
        assert!(error.contains("Check the address"), "{error}");
        assert!(
            !res.body.contains(KIWI_TOKEN),
            "the token is not echoed back"
        );
    }
    assert!(
        roster::db::integrations::get(&app.db, app.company_id)
            .await
            .unwrap()
            .is_none(),
        "nothing stored"
    );
    assert_eq!(
        sync_runs::count(&app.db, app.company_id).await.unwrap(),
        0,
        "no run"
    );
}

mod an_internal_kiwihr_address_is_refused_at_connect {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::refused_at_connect(crate::helpers::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::refused_at_connect(crate::helpers::Backend::Postgres).await
    }
}
