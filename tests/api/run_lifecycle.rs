//! A run's lifecycle: the migration that moved runs of the old schema (state + outcome, kinds
//! only in the message) to typed columns.

use roster::db::{Db, sync_runs};
use roster::hris::Provider;
use roster::sync::lifecycle::{FailureKind, Stage, State, Trigger};

use crate::helpers::*;

/// The first migration of the lifecycle: everything before it is the old schema.
const LIFECYCLE: i64 = 20261203000012;

/// Applies only the migrations older than the lifecycle's.
async fn migrate_to_old_schema(db: &Db) {
    let dir = match db {
        Db::Sqlite(_) => "sqlite",
        Db::Postgres(_) => "postgres",
    };
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dir);
    let mut m = sqlx::migrate::Migrator::new(path).await.unwrap();
    m.migrations = m
        .migrations
        .iter()
        .filter(|m| m.version < LIFECYCLE)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    m.dangerous_set_table_name("_app_migrations");
    roster::on_db!(db, p => m.run(p).await).unwrap();
}

/// `(id, trigger, state, outcome, stage, message, approved_from)` in the old schema.
type OldRun = (
    i64,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
    Option<i64>,
);

const OLD_RUNS: &[OldRun] = &[
    (
        1,
        "connect",
        "finished",
        Some("succeeded"),
        "done",
        None,
        None,
    ),
    (
        2,
        "schedule",
        "finished",
        Some("paused"),
        "done",
        Some("Paused: this sync would deactivate 5 of 10 people."),
        None,
    ),
    (
        3,
        "approval",
        "finished",
        Some("succeeded"),
        "done",
        None,
        Some(2),
    ),
    (
        4,
        "schedule",
        "finished",
        Some("paused"),
        "done",
        Some("Paused: this sync would deactivate 5 of 10 people."),
        None,
    ),
    (
        5,
        "manual",
        "finished",
        Some("paused"),
        "done",
        Some("Paused: this sync would deactivate 6 of 10 people."),
        None,
    ),
    (
        6,
        "manual",
        "finished",
        Some("failed"),
        "done",
        Some("Personio rejected the client ID and secret. Nothing was changed."),
        None,
    ),
    (
        7,
        "manual",
        "finished",
        Some("failed"),
        "done",
        Some(
            "the Personio credential may not read email; allow them in Personio's API settings. Nothing was changed.",
        ),
        None,
    ),
    (
        8,
        "manual",
        "finished",
        Some("refused"),
        "done",
        Some("Refused: Personio returned nobody, but 10 people in Roster are synced from it."),
        None,
    ),
    (
        9,
        "cli",
        "finished",
        Some("failed"),
        "done",
        Some(
            "could not reach Personio: connection refused. Nothing was changed. Gave up after 4 attempts.",
        ),
        None,
    ),
    (
        10,
        "manual",
        "finished",
        Some("failed"),
        "fetching",
        Some(
            "The sync stopped before it finished (its process was stopped or crashed). Nothing from it was applied.",
        ),
        None,
    ),
    (
        11,
        "schedule",
        "finished",
        Some("discarded"),
        "done",
        Some("Paused: this sync would deactivate 3 of 10 people."),
        None,
    ),
    (12, "manual", "running", None, "planning", None, None),
];

async fn scenario(backend: Backend) {
    let (dir, url) = fresh_database(backend).await;
    let config = roster::config::Config::for_data_dir(dir.path().to_path_buf(), url.clone());
    let db = Db::connect(&config.database()).await.unwrap();
    let _pg = url.map(|u| DropDatabase(u.rsplit('/').next().unwrap().to_string()));
    migrate_to_old_schema(&db).await;
    let now = roster::db::now();
    roster::on_db!(&db, p => sqlx::query(
        "insert into companies (id, slug, name, created_at) values (1, 'acme', 'Acme', $1)")
        .bind(now).execute(p).await.map(|_| ()))
    .unwrap();
    roster::on_db!(&db, p => sqlx::query(
        "insert into people (id, company_id, email, first_name, last_name, source, created_at, updated_at) \
         values (1, 1, 'maria@acme.test', 'Maria', 'Manager', 'manual', $1, $1)")
        .bind(now).execute(p).await.map(|_| ())).unwrap();
    for (id, trigger, state, outcome, stage, message, approved_from) in OLD_RUNS {
        roster::on_db!(&db, p => sqlx::query(
            "insert into sync_runs (id, company_id, provider, trigger_kind, started_by, state, outcome, stage, \
             message, approved_from, started_at, heartbeat_at, finished_at) \
             values ($1, 1, 'personio', $2, 1, $3, $4, $5, $6, $7, $8, $8, $8)")
            .bind(id).bind(trigger).bind(state).bind(outcome).bind(stage).bind(message)
            .bind(approved_from).bind(now).execute(p).await.map(|_| ())).unwrap();
    }
    roster::on_db!(&db, p => sqlx::query(
        "insert into sync_changes (run_id, person_id, person_name, field, before, after) \
         values (3, 1, 'Maria Manager', 'active', 'true', 'false')")
        .execute(p).await.map(|_| ()))
    .unwrap();

    db.migrate().await.unwrap();

    let runs = sync_runs::list(&db, 1, 100, 0).await.unwrap();
    let by_id = |id: i64| runs.iter().find(|r| r.id == id).unwrap();
    let states: Vec<(i64, State, Option<FailureKind>)> = runs
        .iter()
        .rev()
        .map(|r| (r.id, r.state, r.failure))
        .collect();
    use FailureKind as K;
    assert_eq!(
        states,
        vec![
            (1, State::Succeeded, None),
            (2, State::Applied, None),
            (3, State::Succeeded, None),
            (4, State::Superseded, None),
            (5, State::Paused, None),
            (6, State::Failed, Some(K::CredentialsRejected)),
            (7, State::Failed, Some(K::NotAllowed)),
            (8, State::Refused, Some(K::UntrustedData)),
            (9, State::Failed, Some(K::Unreachable)),
            (10, State::Failed, Some(K::Internal)),
            (11, State::Discarded, None),
            (12, State::Running, None),
        ]
    );
    assert_eq!(
        by_id(2).closed_by_run,
        Some(3),
        "applied by the approval run"
    );
    assert_eq!(by_id(2).closed_by.as_deref(), Some("Maria Manager"));
    assert_eq!(
        by_id(4).closed_by_run,
        Some(5),
        "superseded by the newer pause"
    );
    assert_eq!(by_id(12).stage, Stage::Planning);
    assert_eq!(by_id(3).trigger, Trigger::Approval);
    assert_eq!(by_id(1).provider, Provider::Personio);
    assert_eq!(
        sync_runs::change_count(&db, 3).await.unwrap(),
        1,
        "history kept"
    );
    // The lock still holds: a second running run of the company is refused.
    let second = sync_runs::start(&db, 1, Provider::Personio, Trigger::Manual, None, None);
    assert_eq!(second.await.unwrap(), None);
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_runs_move_to_typed_columns_sqlite() {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_runs_move_to_typed_columns_postgres() {
    scenario(Backend::Postgres).await
}
