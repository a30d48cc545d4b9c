//! Figure 9 (`--many-companies`): 200 companies × 500 people on PostgreSQL, one morning's run
//! (every company re-synced) with 1, 2 and 4 `roster worker` processes: companies a minute, and
//! the 429s the fake Personio served.
//!
//! The jobs go through `roster::jobs::Jobs::enqueue`, as the web and the scheduler send them;
//! the benchmark starts N `roster worker` children on the same database and waits until every
//! run of the morning has finished in `sync_runs`. The fake enforces Personio's 2,000 requests a
//! minute per caller IP (every child calls it from 127.0.0.1), and the workers pace themselves
//! as in production: per credential in each process, the per-IP budget shared through the
//! database (`hris::pacing::shared`), which this process's setup syncs spend too.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use roster::{
    db::pacing::DbBudget,
    fake::personio::FakePersonio,
    hris::{personio::DEPLOYMENT_PER_MINUTE, providers::Providers},
    jobs::Jobs,
    on_db,
    sync::run,
};

use crate::{
    scenarios::request,
    setup::{self, Backend, BenchDb},
    table::Table,
};

const COMPANIES: usize = 200;
const PEOPLE: usize = 500;
const WORKERS: [usize; 3] = [1, 2, 4];
/// The longest one morning may take before the benchmark gives up.
const MORNING_LIMIT: Duration = Duration::from_secs(900);

pub async fn run(t: &mut Table) -> anyhow::Result<()> {
    let bdb = BenchDb::new(Backend::Postgres).await?;
    let fake = FakePersonio::builder()
        .people(PEOPLE)
        .seed(5)
        .per_ip_limit(DEPLOYMENT_PER_MINUTE as usize, Duration::from_secs(60))
        .start()
        .await;
    // Paced like a worker: the setup below spends the same per-IP budget as the children.
    let providers = Providers::new(Some(url::Url::parse(fake.base_url())?), None)
        .with_personio_budget(Arc::new(DbBudget::new(bdb.db.clone())));
    let ctx = setup::context(&bdb.db, providers);
    let creds = setup::personio_creds(&fake);
    let mut ids = Vec::new();
    for i in 0..COMPANIES {
        ids.push(setup::connected_company(&ctx, &format!("c{i:03}"), &creds).await?);
    }
    // Everyone's first sync, four at a time, before any morning is timed.
    in_process(&ctx, &ids, 4).await?;
    let setup_429 = fake.throttled();
    let mut per_minute = Vec::new();
    let mut throttled = Vec::new();
    for workers in WORKERS {
        let before = fake.throttled();
        let (took, peak) = with_workers(&bdb, &fake, &ctx, &ids, workers).await?;
        let served_429 = fake.throttled() - before;
        throttled.push(served_429);
        let rate = ids.len() as f64 / took.as_secs_f64() * 60.0;
        per_minute.push(rate);
        t.add(
            format!("9. morning, {COMPANIES} companies × {PEOPLE} people, PostgreSQL, {workers} × roster worker"),
            format!("{rate:.0} companies/min"),
            None,
            "0 × 429",
            Some(served_429 == 0),
            format!(
                "{:.1} s for the morning; {served_429} × 429 from the fake ({DEPLOYMENT_PER_MINUTE}/min per IP); at most {peak} database connections during it",
                took.as_secs_f64()
            ),
        );
    }
    let speedup = per_minute[2] / per_minute[0];
    t.add(
        "9. speed-up from 1 to 4",
        format!("{speedup:.2}×"),
        None,
        "",
        None,
        format!(
            "held by the shared per-IP budget: {COMPANIES} × (5 pages + sign-in) ≥ 1,200 requests, ≥ 37 s at {DEPLOYMENT_PER_MINUTE}/min; 429s in the setup (first syncs, in this process): {setup_429}; per morning: {throttled:?}"
        ),
    );
    bdb.drop_now().await;
    Ok(())
}

/// Every company synced by tasks of this process, `at_once` at a time.
async fn in_process(
    ctx: &run::SyncContext,
    ids: &[i64],
    at_once: usize,
) -> anyhow::Result<Duration> {
    let permits = Arc::new(tokio::sync::Semaphore::new(at_once));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for id in ids {
        let (ctx, permits, id) = (ctx.clone(), permits.clone(), *id);
        tasks.push(tokio::spawn(async move {
            let _p = permits.acquire().await?;
            let r = run::run(&ctx, &request(id)).await?;
            anyhow::ensure!(r.outcome == run::Outcome::Succeeded, "{:?}", r.message);
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(start.elapsed())
}

/// Starts `workers` `roster worker` processes, enqueues every company's sync and waits for the
/// morning's runs to finish in `sync_runs`. Returns the time and the most connections the
/// database had open meanwhile.
async fn with_workers(
    bdb: &BenchDb,
    fake: &FakePersonio,
    ctx: &run::SyncContext,
    ids: &[i64],
    workers: usize,
) -> anyhow::Result<(Duration, i64)> {
    let db = &bdb.db;
    let mut peak = 0i64;
    let last: i64 = on_db!(db, p => sqlx::query_scalar("select coalesce(max(id), 0) from sync_runs").fetch_one(p).await)?;
    let mut children = Vec::new();
    for _ in 0..workers {
        children.push(
            tokio::process::Command::new(env!("CARGO_BIN_EXE_roster"))
                .arg("worker")
                .env("DATABASE_URL", &bdb.url)
                .env("ROSTER_DATA_DIR", bdb.dir.path())
                .env("ROSTER_SECRET_KEY", hex::encode(setup::SECRET_KEY))
                .env("ROSTER_PERSONIO_BASE_URL", fake.base_url())
                .env("ROSTER_SCHEDULER", "off")
                .env("ROSTER_LOG", "warn")
                .kill_on_drop(true)
                .spawn()?,
        );
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let jobs = Jobs::for_db(ctx.db.clone());
    let start = Instant::now();
    for id in ids {
        jobs.enqueue(request(*id)).await?;
    }
    let result = loop {
        let done: i64 = on_db!(db, p => sqlx::query_scalar(
            "select count(*) from sync_runs where id > $1 and state <> 'running'")
            .bind(last).fetch_one(p).await)?;
        let open: i64 = on_db!(db, p => sqlx::query_scalar(
            "select count(*) from pg_stat_activity where datname = current_database()")
            .fetch_one(p).await)?;
        peak = peak.max(open);
        if done as usize >= ids.len() {
            break Ok((start.elapsed(), peak));
        }
        if start.elapsed() > MORNING_LIMIT {
            break Err(anyhow::anyhow!(
                "the morning did not finish in {MORNING_LIMIT:?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for mut c in children {
        let _ = c.kill().await;
    }
    result
}
