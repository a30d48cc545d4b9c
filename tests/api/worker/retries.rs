//! Retries: a transient failure is retried with backoff, rejected credentials are not, an
//! orphaned job (its worker's heartbeat stopped) runs exactly once more, a job delivered again
//! after it ran does not run again, and a job that keeps dying stops at the attempt cap.

use super::*;

/// Puts a queued job in the state a worker killed mid-run leaves: the apalis task is `Running`,
/// locked by a worker whose heartbeat stopped ten minutes ago, and its sync run is `running`
/// with a heartbeat as old.
async fn forge_orphan(env: &Env, job: &SyncJob, attempts: i64) -> i64 {
    Jobs::for_db(env.db.clone()).push(job, None).await.unwrap();
    roster::db::jobs::set_attempts(&env.db, &job.job_id, job.company_id, attempts)
        .await
        .unwrap();
    let run = sync_runs::start(
        &env.db,
        job.company_id,
        roster::hris::Provider::Personio,
        Trigger::Manual,
        None,
        None,
    )
    .await
    .unwrap()
    .unwrap();
    let old = roster::db::now() - time::Duration::minutes(10);
    match &env.db {
        Db::Sqlite(p) => {
            sqlx::query("update sync_runs set heartbeat_at = $1, started_at = $1, stage = 'applying' where id = $2")
                .bind(old).bind(run).execute(p).await.unwrap();
            sqlx::query("insert into Workers (id, worker_type, storage_name, layers, last_seen, started_at) \
                         values ('dead-worker', 'sync', 'SqliteStorage', '', strftime('%s','now') - 600, strftime('%s','now') - 900)")
                .execute(p).await.unwrap();
            sqlx::query("update Jobs set status = 'Running', lock_by = 'dead-worker', lock_at = strftime('%s','now') - 600 where job_type = 'sync'")
                .execute(p).await.unwrap();
        }
        Db::Postgres(p) => {
            sqlx::query("update sync_runs set heartbeat_at = $1, started_at = $1, stage = 'applying' where id = $2")
                .bind(old).bind(run).execute(p).await.unwrap();
            sqlx::query("insert into apalis.workers (id, worker_type, storage_name, layers, last_seen) \
                         values ('dead-worker', 'sync', 'PgStorage', '', now() - interval '10 minutes')")
                .execute(p).await.unwrap();
            sqlx::query("update apalis.jobs set status = 'Running', lock_by = 'dead-worker', lock_at = now() - interval '10 minutes' where job_type = 'sync'")
                .execute(p).await.unwrap();
        }
    }
    run
}

both! {
    async fn a_transient_failure_is_retried_with_backoff_then_succeeds(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(8).seed(3).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        // The provider answers 503 through two whole runs (each run's transport retries too).
        let per_run = roster::hris::TransportConfig::fast_for_tests().max_attempts;
        fake.add_fault(Fault::new(Target::AnyPage, FaultKind::Status(503)).times(2 * per_run));
        let _w = start_worker(&ctx);
        let started = Instant::now();
        Jobs::for_db(env.db.clone()).enqueue(manual(env.company_id)).await.unwrap();
        let runs = env.wait_runs(40, "a successful retry", finished_ok).await;
        assert_eq!(runs.len(), 3, "{:?}", summary(&runs));
        for (i, r) in runs[..2].iter().enumerate() {
            let msg = r.message.as_deref().unwrap_or_default();
            assert_eq!(r.state, State::Failed);
            assert!(msg.contains("503"), "{msg}");
            assert!(msg.contains(&format!("Trying again in {} s (attempt {} of {MAX_ATTEMPTS})", 1 << i, i + 1)), "{msg}");
        }
        assert_eq!(runs[2].state, State::Succeeded);
        assert!(started.elapsed() >= Duration::from_secs(3), "backoff 1 s then 2 s");
        let job = &jobs::queued(&env.db).await.unwrap()[0].job;
        assert_eq!(roster::db::jobs::attempts(&env.db, &job.job_id).await.unwrap(), 3);
    }

    async fn rejected_credentials_are_not_retried(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(4).seed(4).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        fake.add_fault(Fault::new(Target::Auth, FaultKind::Status(401)));
        let _w = start_worker(&ctx);
        Jobs::for_db(env.db.clone()).enqueue(manual(env.company_id)).await.unwrap();
        let runs = env.wait_runs(20, "the failed run", |r| r.iter().any(|r| !r.state.is_live())).await;
        assert_eq!(runs[0].state, State::Failed);
        let msg = runs[0].message.clone().unwrap_or_default();
        assert!(msg.contains("rejected"), "{msg}");
        assert!(!msg.contains("Trying again"), "{msg}");
        // Well past the first backoff (1 s): still one run.
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(env.runs(env.company_id).await.len(), 1);
    }

    async fn an_orphaned_job_runs_exactly_once_more(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(10).seed(5).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        let job = SyncJob::new(&manual(env.company_id));
        let dead_run = forge_orphan(&env, &job, 1).await;
        let _w = start_worker(&ctx);
        let runs = env.wait_runs(30, "the re-run", finished_ok).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let runs_after = env.runs(env.company_id).await;
        assert_eq!(runs_after.len(), 2, "exactly one more run: {:?}", summary(&runs_after));
        assert_eq!(runs[0].id, dead_run);
        assert_eq!(runs[0].state, State::Failed);
        assert!(runs[0].message.as_deref().unwrap().contains("stopped before it finished"));
        assert_eq!(runs[1].state, State::Succeeded);
        assert_eq!(roster::db::jobs::attempts(&env.db, &job.job_id).await.unwrap(), 2);
    }

    async fn a_job_delivered_again_after_it_ran_does_not_run_again(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(6).seed(12).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        let _w = start_worker(&ctx);
        let job = SyncJob::new(&manual(env.company_id));
        let queue = Jobs::for_db(env.db.clone());
        queue.push(&job, None).await.unwrap();
        env.wait_runs(20, "the run", finished_ok).await;
        // The same job again, as apalis delivers it when it re-queues the job of a worker whose
        // heartbeat came late while that worker ran it.
        queue.push(&job, None).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let q = jobs::queued(&env.db).await.unwrap();
            if q.len() == 2 && q.iter().all(|q| q.status == "Done") {
                break;
            }
            assert!(Instant::now() < deadline, "the second delivery was never taken: {q:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let runs = env.runs(env.company_id).await;
        assert_eq!(runs.len(), 1, "one run: {:?}", summary(&runs));
        assert_eq!(roster::db::jobs::attempts(&env.db, &job.job_id).await.unwrap(), 1);
    }

    async fn a_job_that_keeps_dying_stops_at_the_attempt_cap(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(10).seed(6).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        let job = SyncJob::new(&manual(env.company_id));
        forge_orphan(&env, &job, MAX_ATTEMPTS).await;
        fake.clear_requests();
        let _w = start_worker(&ctx);
        let runs = env.wait_runs(30, "the refusal", |r| r.len() == 2 && r.iter().all(|r| !r.state.is_live())).await;
        assert!(runs[0].message.as_deref().unwrap().contains("stopped before it finished"));
        assert_eq!(runs[1].state, State::Failed);
        let msg = runs[1].message.clone().unwrap();
        assert!(msg.contains(&format!("already started {MAX_ATTEMPTS} times")), "{msg}");
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(env.runs(env.company_id).await.len(), 2, "not retried");
        assert!(fake.requests_to(PEOPLE_PATH).is_empty(), "nothing fetched");
        assert_eq!(env.synced_people().await, 0);
    }
}
