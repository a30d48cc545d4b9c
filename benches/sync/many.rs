//! Figure 9 (`--many-companies`): 200 companies × 500 people on PostgreSQL, one morning's run
//! (every company re-synced) with 1, 2 and 4 `roster worker` processes: companies a minute.
//!
//! The jobs go through `roster::jobs::Jobs::enqueue`, as the web and the scheduler send them;
//! the benchmark starts N `roster worker` children on the same database and waits until every
//! run of the morning has finished in `sync_runs`. Until `enqueue` feeds worker processes
//! (`Jobs::IN_WORKER_PROCESSES`), the enqueued runs would all execute inside this process, so
//! the figure is not measured: the table says so, and a clearly labelled in-process stand-in
//! (1, 2, 4 syncs at a time) is printed instead.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use roster::{fake::personio::FakePersonio, jobs::Jobs, on_db, sync::run};

use crate::{
    scenarios::{request, unpaced},
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
    let fake = FakePersonio::builder().people(PEOPLE).seed(5).start().await;
    let ctx = setup::context(&bdb.db, unpaced(fake.base_url(), None)?);
    let creds = setup::personio_creds(&fake);
    let mut ids = Vec::new();
    for i in 0..COMPANIES {
        ids.push(setup::connected_company(&ctx, &format!("c{i:03}"), &creds).await?);
    }
    // Everyone's first sync, four at a time, before any morning is timed.
    in_process(&ctx, &ids, 4).await?;
    let mut per_minute = Vec::new();
    for workers in WORKERS {
        let (took, connections) = if Jobs::IN_WORKER_PROCESSES {
            let (took, peak) = with_workers(&bdb, &fake, &ctx, &ids, workers).await?;
            (
                took,
                format!("; at most {peak} database connections during it"),
            )
        } else {
            (in_process(&ctx, &ids, workers).await?, String::new())
        };
        let rate = ids.len() as f64 / took.as_secs_f64() * 60.0;
        per_minute.push(rate);
        let label = if Jobs::IN_WORKER_PROCESSES {
            format!("{workers} × roster worker")
        } else {
            format!("STAND-IN: {workers} syncs at a time in one process")
        };
        t.add(
            format!("9. morning, {COMPANIES} companies × {PEOPLE} people, PostgreSQL, {label}"),
            format!("{rate:.0} companies/min"),
            None,
            "",
            None,
            format!("{:.1} s for the morning{connections}", took.as_secs_f64()),
        );
    }
    let speedup = per_minute[2] / per_minute[0];
    t.add(
        "9. speed-up from 1 to 4",
        format!("{speedup:.2}×"),
        None,
        "≥ 2.5×",
        Jobs::IN_WORKER_PROCESSES.then_some(speedup >= 2.5),
        if Jobs::IN_WORKER_PROCESSES {
            String::new()
        } else {
            "not the worker figure: on this branch `roster worker` consumes no queue".into()
        },
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
