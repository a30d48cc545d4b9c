//! Closing a paused run: applied, discarded or superseded, each once, the database refusing a
//! second close (on both backends).

use roster::db::{Db, sync_runs};
use roster::hris::Provider;
use roster::sync::lifecycle::{FailureKind, State, Trigger};

use crate::helpers::*;

async fn ended(db: &Db, company: i64, end: sync_runs::End) -> i64 {
    let id = sync_runs::start(db, company, Provider::Personio, Trigger::Manual, None, None)
        .await
        .unwrap()
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    assert!(
        sync_runs::finish(&mut tx, id, end, &Default::default(), None, None, 5)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    id
}

/// The transitions a paused run may take, each once, enforced by the database.
async fn closing(backend: Backend) {
    let (db, _dir, url) = fresh_db(backend).await;
    let _pg = url.map(|u| DropDatabase(u.rsplit('/').next().unwrap().to_string()));
    let mut tx = db.begin().await.unwrap();
    let company = roster::db::companies::create(&mut tx, "acme", "Acme", "UTC")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let get = |id| {
        let db = db.clone();
        async move { sync_runs::get(&db, company, id).await.unwrap().unwrap() }
    };
    let older = ended(&db, company, sync_runs::End::Paused).await;
    let newer = ended(&db, company, sync_runs::End::Paused).await;
    let old = get(older).await;
    assert_eq!(
        (old.state, old.closed_by_run),
        (State::Superseded, Some(newer)),
        "a newer run supersedes"
    );
    // A superseded run can be neither applied nor discarded.
    let mut tx = db.begin().await.unwrap();
    assert!(
        !sync_runs::mark_applied(&mut tx, older, newer, None)
            .await
            .unwrap()
    );
    drop(tx);
    assert!(!sync_runs::discard(&db, company, older, None).await.unwrap());
    // The latest is applied once; a second apply and a discard after it are refused.
    let applying = ended(
        &db,
        company,
        sync_runs::End::Failed(FailureKind::Unreachable),
    )
    .await;
    let mut tx = db.begin().await.unwrap();
    assert!(
        sync_runs::mark_applied(&mut tx, newer, applying, None)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    assert!(
        !sync_runs::mark_applied(&mut tx, newer, applying, None)
            .await
            .unwrap(),
        "applied twice"
    );
    drop(tx);
    assert!(
        !sync_runs::discard(&db, company, newer, None).await.unwrap(),
        "discard of an applied run"
    );
    let applied = get(newer).await;
    assert_eq!(
        (applied.state, applied.closed_by_run),
        (State::Applied, Some(applying))
    );
    assert!(applied.closed_at.is_some());
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_run_closes_once_sqlite() {
    closing(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_run_closes_once_postgres() {
    closing(Backend::Postgres).await
}
