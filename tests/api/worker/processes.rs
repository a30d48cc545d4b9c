//! Real `roster worker` processes: one killed mid-apply leaves nothing partial and another
//! finishes the job, two never sync one company at once, and SIGTERM lets the running sync
//! finish without taking a new job.

use super::*;

both! {
    async fn a_worker_killed_mid_apply_leaves_nothing_partial_and_another_finishes(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(2500).seed(7).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        let everyone = fake.people().iter().filter(|p| p.email.is_some()).count();
        Jobs::for_db(env.db.clone()).enqueue(manual(env.company_id)).await.unwrap();
        // The first worker holds still inside the apply transaction, just before COMMIT, so the
        // kill below lands mid-apply however fast the apply is.
        let mut first = env.spawn_worker_with(&fake, "worker-1.log", &[("ROSTER_PAUSE_AT", "sync-before-commit:60000")]);
        // Every page fetched, the run still open: the worker is planning or applying.
        let pages = everyone.div_ceil(100);
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let run = sync_runs::running(&env.db, env.company_id).await.unwrap();
            let fetched = fake.requests_to(PEOPLE_PATH).len() >= pages;
            if fetched && run.as_ref().is_some_and(|r| r.stage != Stage::Fetching) {
                break;
            }
            assert!(Instant::now() < deadline, "the first worker never got to apply: {run:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        first.kill9();
        let runs = env.runs(env.company_id).await;
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].state, State::Running, "killed before the run committed: {:?}", summary(&runs));
        assert_eq!(env.synced_people().await, 0, "nothing partial");

        let _second = env.spawn_worker(&fake, "worker-2.log");
        let deadline = Instant::now() + Duration::from_secs(45);
        loop {
            let n = env.synced_people().await;
            assert!(n == 0 || n == everyone, "people count is before or after, never between: {n}");
            let runs = env.runs(env.company_id).await;
            if finished_ok(&runs) {
                break;
            }
            assert!(Instant::now() < deadline, "no recovery: {:?}", summary(&runs));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(env.synced_people().await, everyone);
        let runs = env.runs(env.company_id).await;
        assert_eq!(runs.len(), 2, "{:?}", summary(&runs));
        assert_eq!(runs[0].state, State::Failed);
        assert!(runs[0].message.as_deref().unwrap().contains("stopped before it finished"));
        assert_eq!(runs[1].state, State::Succeeded);
        assert_eq!(runs[1].created as usize, everyone);
    }

    async fn two_workers_never_sync_one_company_at_once(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(30).seed(8).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        fake.add_fault(Fault::new(Target::AnyPage, FaultKind::Slow(Duration::from_millis(2500))));
        let _a = env.spawn_worker(&fake, "worker-a.log");
        let _b = env.spawn_worker(&fake, "worker-b.log");
        let jobs = Jobs::for_db(env.db.clone());
        for _ in 0..3 {
            jobs.enqueue(manual(env.company_id)).await.unwrap();
        }
        env.wait_runs(50, "three syncs", |r| {
                r.iter().filter(|r| r.state == State::Succeeded).count() == 3
            })
            .await;
        // Each sync outlasts the orphan timeout (2 heartbeats): a busy worker still beats, so
        // nobody re-queues its job and runs it a second time.
        tokio::time::sleep(Duration::from_secs(4)).await;
        let runs = env.runs(env.company_id).await;
        assert_eq!(runs.len(), 3, "{:?}", summary(&runs));
        for pair in runs.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(a.finished_at.unwrap() <= b.started_at, "run {} overlaps run {}", a.id, b.id);
        }
    }
}

both! {
    async fn sigterm_lets_the_running_sync_finish_and_takes_no_new_job(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(250).seed(9).start().await;
        let ctx = env.ctx(&fake, 100);
        env.connect(&ctx, env.company_id, &fake).await;
        fake.add_fault(Fault::new(Target::AnyPage, FaultKind::Slow(Duration::from_millis(1200))));
        let jobs = Jobs::for_db(env.db.clone());
        jobs.enqueue(manual(env.company_id)).await.unwrap();
        let mut w = env.spawn_worker(&fake, "worker-term.log");
        env.wait_runs(30, "the run to start", |r| !r.is_empty()).await;
        let term = Command::new("kill").arg("-TERM").arg(w.0.id().to_string()).status().unwrap();
        assert!(term.success());
        tokio::time::sleep(Duration::from_millis(500)).await;
        // Queued after SIGTERM: nobody takes it.
        let other = create_company(&env.db, "globex", "Globex").await;
        env.connect(&ctx, other, &fake).await;
        jobs.enqueue(manual(other)).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(25);
        let status = loop {
            if let Some(s) = w.0.try_wait().unwrap() {
                break s;
            }
            assert!(Instant::now() < deadline, "the worker did not exit after SIGTERM");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(status.success(), "{status:?}");
        let runs = env.runs(env.company_id).await;
        assert_eq!(runs.len(), 1, "{:?}", summary(&runs));
        assert_eq!(runs[0].state, State::Succeeded, "the running sync finished");
        assert!(env.runs(other).await.is_empty(), "no new job after SIGTERM");
        let pending = jobs::queued(&env.db).await.unwrap();
        assert!(pending.iter().any(|q| q.job.company_id == other && q.status == "Pending"), "{pending:?}");
        // Nothing waited on a write lock held through the drain (a fetch of the queue left half
        // done when the poller was stopped mid-run held SQLite's, 1 run in 5).
        let log = std::fs::read_to_string(env.dir.path().join("worker-term.log")).unwrap();
        assert!(!log.contains("database is locked"), "{log}");
    }
}
