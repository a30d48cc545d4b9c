//! Figure 11 (`--queue-latency [--idle-minutes N]`, default 10): how long "Sync now" waits
//! between being queued and its run starting, after the worker sat idle, on both backends and in
//! both shapes of a deployment:
//! * `roster worker` as its own process, the sync queued from another process (this one, with
//!   `Jobs::enqueue_unless_waiting`, the call behind "Sync now"), as `roster web` would;
//! * `roster serve` (web and worker in one process), "Sync now" clicked over HTTP by a logged-in
//!   company manager.
//!
//! Every child is started first, then all sit idle together for the idle time; then each gets
//! [`SAMPLES`] syncs, one at a time, a random 0.2–1.5 s apart (so the samples fall at every
//! phase of a poll tick). A sample is the time from just before queueing until the run's row
//! appears in `sync_runs` (the worker writes it when the run starts), polled every 5 ms.

use std::time::{Duration, Instant};

use rand::Rng;
use roster::{
    db::Db,
    directory::Role,
    fake::personio::FakePersonio,
    jobs::Jobs,
    on_db,
    sync::run::{Request, Trigger},
};

use crate::{
    scenarios::{request, unpaced},
    setup::{self, Backend, BenchDb},
    table::Table,
};

const SAMPLES: usize = 20;
const MANAGER: &str = "manager@latency.example";
const PASSWORD: &str = "latency bench password";
/// The longest one sync may take to start and finish before the benchmark gives up.
const SYNC_LIMIT: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `roster worker`; the sync is queued by another process.
    Worker,
    /// `roster serve`; "Sync now" over HTTP.
    Serve,
}

impl Shape {
    fn label(self) -> &'static str {
        match self {
            Shape::Worker => "roster worker, queued from another process",
            Shape::Serve => "roster serve, Sync now over HTTP",
        }
    }
}

/// One deployment under test: its database, company and running child.
struct Setup {
    backend: Backend,
    shape: Shape,
    bdb: BenchDb,
    company: i64,
    base: String,
    child: tokio::process::Child,
}

pub async fn run(t: &mut Table, idle: Duration) -> anyhow::Result<()> {
    let fake = FakePersonio::builder().people(20).seed(11).start().await;
    let mut setups = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        for shape in [Shape::Worker, Shape::Serve] {
            setups.push(start(&fake, backend, shape).await?);
        }
    }
    eprintln!(
        "queue latency: {} deployments started; idle for {:.1} min",
        setups.len(),
        idle.as_secs_f64() / 60.0
    );
    tokio::time::sleep(idle).await;
    for s in &mut setups {
        let mut samples = measure(s).await?;
        samples.sort();
        let p = |q: f64| {
            samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1]
        };
        let (p50, p95) = (p(0.50), p(0.95));
        t.add(
            format!(
                "11. queued → running, {}, {}",
                s.backend.label(),
                s.shape.label()
            ),
            format!("p50 {:.0} ms, p95 {:.0} ms", ms(p50), ms(p95)),
            None,
            "p95 ≤ 1 s",
            Some(p95 <= Duration::from_secs(1)),
            format!(
                "{} samples after {:.1} min idle; min {:.0} ms, max {:.0} ms",
                samples.len(),
                idle.as_secs_f64() / 60.0,
                ms(samples[0]),
                ms(samples[samples.len() - 1])
            ),
        );
    }
    for s in setups {
        let Setup { bdb, mut child, .. } = s;
        let _ = child.kill().await;
        bdb.drop_now().await;
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A fresh database with one company connected to `fake` and synced once, a manager login, and
/// the child process running on it.
async fn start(fake: &FakePersonio, backend: Backend, shape: Shape) -> anyhow::Result<Setup> {
    let bdb = BenchDb::new(backend).await?;
    let ctx = setup::context(&bdb.db, unpaced(fake.base_url(), None)?);
    let company = setup::connected_company(&ctx, "latency", &setup::personio_creds(fake)).await?;
    roster::sync::run::run(&ctx, &request(company)).await?;
    roster::cli::create_login(
        &bdb.db,
        "latency",
        MANAGER,
        Role::Manager,
        Some("Queue".into()),
        Some("Bench".into()),
        PASSWORD,
    )
    .await?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_roster"))
        .arg(match shape {
            Shape::Worker => "worker",
            Shape::Serve => "serve",
        })
        .env("DATABASE_URL", &bdb.url)
        .env("ROSTER_DATA_DIR", bdb.dir.path())
        .env("ROSTER_SECRET_KEY", hex::encode(setup::SECRET_KEY))
        .env("ROSTER_PERSONIO_BASE_URL", fake.base_url())
        .env("ROSTER_BIND", format!("127.0.0.1:{port}"))
        .env("ROSTER_SCHEDULER", "off")
        .env("ROSTER_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    Ok(Setup {
        backend,
        shape,
        bdb,
        company,
        base: format!("http://127.0.0.1:{port}"),
        child,
    })
}

/// Logs the company manager in to `roster serve`; returns the client and its CSRF token.
async fn manager(base: &str) -> anyhow::Result<(reqwest::Client, String)> {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let form = http
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let token = crate::pages::csrf_in(&form)?;
    let r = http
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", MANAGER),
            ("password", PASSWORD),
            ("next", "/settings/integrations"),
        ])
        .send()
        .await?;
    anyhow::ensure!(r.status().is_redirection(), "login answered {}", r.status());
    let page = http
        .get(format!("{base}/settings/integrations"))
        .send()
        .await?
        .text()
        .await?;
    Ok((http, crate::pages::csrf_in(&page)?))
}

/// [`SAMPLES`] syncs one at a time: queued → running for each.
async fn measure(s: &mut Setup) -> anyhow::Result<Vec<Duration>> {
    let db = s.bdb.db.clone();
    let jobs = Jobs::for_db(db.clone());
    let web = match s.shape {
        Shape::Serve => Some(manager(&s.base).await?),
        Shape::Worker => None,
    };
    let mut samples = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let after = newest_run(&db, s.company).await?;
        let queued = Instant::now();
        match &web {
            Some((http, csrf)) => {
                let r = http
                    .post(format!("{}/settings/integrations/sync", s.base))
                    .form(&[("csrf", csrf.as_str())])
                    .send()
                    .await?;
                anyhow::ensure!(
                    r.status().is_redirection(),
                    "Sync now answered {}",
                    r.status()
                );
            }
            None => {
                let req = Request {
                    company_id: s.company,
                    trigger: Trigger::Manual,
                    started_by: None,
                    approve: None,
                };
                anyhow::ensure!(jobs.enqueue_unless_waiting(req).await?, "not queued");
            }
        }
        let run = loop {
            if let Some(id) = newest_run(&db, s.company)
                .await?
                .filter(|id| Some(*id) > after)
            {
                samples.push(queued.elapsed());
                break id;
            }
            anyhow::ensure!(queued.elapsed() < SYNC_LIMIT, "the sync did not start");
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        while running(&db, run).await? {
            anyhow::ensure!(queued.elapsed() < SYNC_LIMIT, "the sync did not finish");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let pause = rand::rng().random_range(200..1500);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    Ok(samples)
}

async fn newest_run(db: &Db, company: i64) -> anyhow::Result<Option<i64>> {
    Ok(on_db!(db, p => sqlx::query_scalar(
        "select max(id) from sync_runs where company_id = $1")
        .bind(company).fetch_one(p).await)?)
}

async fn running(db: &Db, run: i64) -> anyhow::Result<bool> {
    let n: i64 = on_db!(db, p => sqlx::query_scalar(
        "select count(*) from sync_runs where id = $1 and state = 'running'")
        .bind(run).fetch_one(p).await)?;
    Ok(n > 0)
}
