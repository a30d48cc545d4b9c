//! The morning schedule: schedulers racing queue one sync per company and local day, and a
//! missed morning is caught up the same day.

use super::*;

both! {
    async fn three_schedulers_race_and_queue_one_sync_per_company_and_local_day(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(3).seed(1).start().await;
        let ctx = env.ctx(&fake, 100);
        let tokyo = {
            let mut tx = env.db.begin().await.unwrap();
            let id = roster::db::companies::create(&mut tx, "globex", "Globex", "Asia/Tokyo").await.unwrap();
            tx.commit().await.unwrap();
            id
        };
        let not_connected = create_company(&env.db, "initech", "Initech").await;
        env.connect(&ctx, env.company_id, &fake).await;
        env.connect(&ctx, tokyo, &fake).await;

        // 08:00 UTC: 09:00 in Berlin, 17:00 in Tokyo; both past their 05:00.
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
        let pools = [env.another_pool().await, env.another_pool().await, env.another_pool().await];
        let ticks = pools.iter().flat_map(|db| (0..3).map(move |_| worker::schedule_tick(db, now)));
        let queued: usize = futures::future::join_all(ticks).await.into_iter().map(|r| r.unwrap()).sum();
        assert_eq!(queued, 2, "one enqueue per connected company");

        let jobs = jobs::queued(&env.db).await.unwrap();
        let mut companies: Vec<i64> = jobs.iter().map(|q| q.job.company_id).collect();
        companies.sort();
        assert_eq!(companies, vec![env.company_id, tokyo], "{jobs:?}");
        assert!(jobs.iter().all(|q| q.job.trigger == Trigger::Schedule));
        // Connecting claimed the (real) day of connection; the ticks claimed 2026-11-23.
        let connect_day = |tz| roster::sync::morning::day_key(roster::sync::morning::local_date(Utc::now(), tz));
        let (berlin_today, tokyo_today) = (connect_day(chrono_tz::Europe::Berlin), connect_day(chrono_tz::Asia::Tokyo));
        assert_eq!(roster::db::jobs::mornings(&env.db, env.company_id).await.unwrap(), vec!["2026-11-23".to_string(), berlin_today]);
        assert_eq!(roster::db::jobs::mornings(&env.db, tokyo).await.unwrap(), vec!["2026-11-23".to_string(), tokyo_today.clone()]);
        assert!(roster::db::jobs::mornings(&env.db, not_connected).await.unwrap().is_empty(), "not connected: not scheduled");

        // Next day, 03:00 UTC: 04:00 in Berlin (not yet), 12:00 in Tokyo (due).
        let next = Utc.with_ymd_and_hms(2026, 11, 24, 3, 0, 0).unwrap();
        let ticks = pools.iter().map(|db| worker::schedule_tick(db, next));
        let queued: usize = futures::future::join_all(ticks).await.into_iter().map(|r| r.unwrap()).sum();
        assert_eq!(queued, 1);
        assert_eq!(roster::db::jobs::mornings(&env.db, tokyo).await.unwrap(), vec!["2026-11-23".to_string(), "2026-11-24".into(), tokyo_today]);
        assert_eq!(jobs::queued(&env.db).await.unwrap().len(), 3);

        // A disconnected company is not scheduled any more.
        roster::integrations::disconnect(&env.db, tokyo, None).await.unwrap();
        let later = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
        assert_eq!(worker::schedule_tick(&pools[0], later).await.unwrap(), 1, "only Acme");
        for db in &pools {
            db.close().await;
        }
    }

    async fn a_missed_morning_is_caught_up_the_same_day(backend) {
        let env = Env::new(backend).await;
        let fake = FakePersonio::builder().people(12).seed(2).start().await;
        let ctx = env.ctx(&fake, 5);
        env.connect(&ctx, env.company_id, &fake).await;
        // Nobody ran at 05:00 in Berlin; the first process comes back at 15:00 local.
        let afternoon = Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap();
        assert_eq!(worker::schedule_tick(&env.db, afternoon).await.unwrap(), 1);
        let _w = start_worker(&ctx);
        let runs = env.wait_runs(30, "the catch-up sync", finished_ok).await;
        assert_eq!(runs.len(), 1, "{:?}", summary(&runs));
        assert_eq!(runs[0].trigger, Trigger::Schedule);
        assert!(env.synced_people().await > 0);
        // Later ticks that day queue nothing more.
        let evening = Utc.with_ymd_and_hms(2026, 11, 23, 21, 0, 0).unwrap();
        assert_eq!(worker::schedule_tick(&env.db, evening).await.unwrap(), 0);

        // Housekeeping forgets old bookkeeping (here: everything, the cutoff being the day after
        // tomorrow in UTC, so after the connect day's local date in every zone), never the run
        // history. With tomorrow as the cutoff this failed from 23:00 to 24:00 UTC, when Berlin's
        // date (the connect day's morning) is already UTC's tomorrow.
        let deadline = Instant::now() + Duration::from_secs(10);
        while jobs::queued(&env.db).await.unwrap().iter().any(|q| q.status != "Done") {
            assert!(Instant::now() < deadline, "the job was never acknowledged");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(roster::db::jobs::prune(&env.db, time::Duration::days(-2)).await.unwrap() >= 3);
        assert!(jobs::queued(&env.db).await.unwrap().is_empty());
        assert!(roster::db::jobs::mornings(&env.db, env.company_id).await.unwrap().is_empty());
        assert_eq!(env.runs(env.company_id).await.len(), 1);
    }
}
