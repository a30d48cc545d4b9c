//! Personio's per-IP budget, shared through the database: pacers that know nothing of each other
//! (each on its own pool, as separate `roster worker` processes would be) draw from one budget,
//! so together they never admit more than the limit in any window. And the fake Personio's
//! per-IP limit, which the many-companies benchmark relies on.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use roster::{
    config::Config,
    db::{Db, pacing::DbBudget},
    fake::personio::FakePersonio,
    hris::pacing::Pacer,
};

use crate::helpers::*;

const LIMIT: usize = 20;
const WINDOW: Duration = Duration::from_secs(2);
const PACERS: usize = 4;
const TASKS_PER_PACER: usize = 3;
/// Three windows' worth: the budget must refill (and be shared) more than once.
const TOTAL: usize = 3 * LIMIT;

/// The most instants of `times` (sorted) that fall in one half-open `window`.
fn busiest_window(times: &[Instant], window: Duration) -> usize {
    times
        .iter()
        .enumerate()
        .map(|(i, start)| {
            times[i..]
                .iter()
                .take_while(|t| **t < *start + window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

async fn separate_pacers_share_one_budget(backend: Backend) {
    let (db, dir, url) = fresh_db(backend).await;
    let _pg = url
        .as_ref()
        .map(|u| DropDatabase(u.rsplit('/').next().unwrap().to_string()));
    let config = Config::for_data_dir(dir.path().to_path_buf(), url.clone());
    let mut pools = vec![db];
    let mut pacers = Vec::new();
    for _ in 0..PACERS {
        let pool = Db::connect(&config.database()).await.unwrap();
        pacers.push(Arc::new(Pacer::shared(
            Arc::new(DbBudget::new(pool.clone())),
            "test",
            LIMIT as u32,
            WINDOW,
        )));
        pools.push(pool);
    }
    let admitted: Arc<Mutex<Vec<(usize, Instant)>>> = Arc::default();
    let left = Arc::new(AtomicUsize::new(TOTAL));
    let mut tasks = Vec::new();
    for (i, pacer) in pacers.iter().enumerate() {
        for _ in 0..TASKS_PER_PACER {
            let (pacer, admitted, left) = (pacer.clone(), admitted.clone(), left.clone());
            tasks.push(tokio::spawn(async move {
                while left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
                {
                    pacer.acquire().await;
                    admitted.lock().unwrap().push((i, Instant::now()));
                }
            }));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    let admitted = admitted.lock().unwrap().clone();
    assert_eq!(admitted.len(), TOTAL);
    let mut times: Vec<Instant> = admitted.iter().map(|(_, t)| *t).collect();
    times.sort();
    let busiest = busiest_window(&times, WINDOW);
    assert!(
        busiest <= LIMIT,
        "{busiest} requests admitted within {WINDOW:?}; the shared limit is {LIMIT}"
    );
    let mut who: Vec<usize> = admitted.iter().map(|(i, _)| *i).collect();
    who.sort();
    who.dedup();
    assert!(who.len() >= 2, "only pacer(s) {who:?} were admitted");
    // Grants older than the window are pruned: the table holds at most one window of them.
    let rows: i64 = roster::on_db!(&pools[0], p => sqlx::query_scalar(
        "select count(*) from pacing_grants where scope = 'test'").fetch_one(p).await)
    .unwrap();
    assert!(rows as usize <= LIMIT, "{rows} grant rows kept");
    for p in pools {
        p.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn separate_pacers_share_one_budget_sqlite() {
    separate_pacers_share_one_budget(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn separate_pacers_share_one_budget_postgres() {
    separate_pacers_share_one_budget(Backend::Postgres).await;
}

#[tokio::test]
async fn the_fake_personio_answers_429_past_its_per_ip_limit() {
    let fake = FakePersonio::builder()
        .per_ip_limit(3, Duration::from_secs(60))
        .start()
        .await;
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        // Different endpoints count together: the limit is per caller, not per endpoint.
        for path in ["/v1/auth", "/v1/company/employees"] {
            let r = http
                .get(format!("{}{path}", fake.base_url()))
                .send()
                .await
                .unwrap();
            statuses.push(r.status().as_u16());
        }
    }
    assert!(statuses[..3].iter().all(|s| *s != 429), "{statuses:?}");
    assert!(statuses[3..].iter().all(|s| *s == 429), "{statuses:?}");
    assert_eq!(fake.throttled(), 7);
}
