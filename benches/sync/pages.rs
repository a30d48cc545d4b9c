//! Figure 8: the Integrations page and a 50-row people page for a logged-in company manager under
//! `wrk -c64 --latency`, next to `/healthz` on the same server, on the SQLite directory of
//! 50,000 people the sync figures left behind. Skipped (with a row saying so) without `wrk`.

use std::{process::Command, sync::Arc, time::Duration};

use roster::{config::Config, crypto::SecretBox, directory::Role};

use crate::{
    scenarios::{phases, timed_run, unpaced},
    setup::{self, Backend, BenchDb, SECRET_KEY},
    table::{Table, secs},
};

const PASSWORD: &str = "bench password, long enough";
const CONNECTIONS: u32 = 64;
const SECONDS: u32 = 10;

struct Wrk {
    rps: f64,
    p50: Duration,
    p99: Duration,
    errors: String,
}

fn parse_latency(s: &str) -> Option<Duration> {
    let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic())?);
    let v: f64 = num.parse().ok()?;
    let secs = match unit {
        "us" => v / 1e6,
        "ms" => v / 1e3,
        "s" => v,
        "m" => v * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(secs))
}

fn wrk(url: &str, cookie: &str) -> anyhow::Result<Wrk> {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{CONNECTIONS}"),
            &format!("-d{SECONDS}s"),
            "--latency",
        ])
        .args(["-H", &format!("Cookie: {cookie}"), url])
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.split_whitespace().last())
            .map(str::to_string)
    };
    let rps = field("Requests/sec:")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no Requests/sec in wrk output: {text}"))?;
    let p50 = field("50%")
        .and_then(|v| parse_latency(&v))
        .unwrap_or_default();
    let p99 = field("99%")
        .and_then(|v| parse_latency(&v))
        .unwrap_or_default();
    let errors = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("Non-2xx") || l.starts_with("Socket errors"))
        .collect::<Vec<_>>()
        .join("; ");
    Ok(Wrk {
        rps,
        p50,
        p99,
        errors,
    })
}

/// The CSRF token of a page's form (the login form's hidden `csrf` field).
pub fn csrf_in(form: &str) -> anyhow::Result<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = form
        .find(marker)
        .ok_or_else(|| anyhow::anyhow!("no CSRF field"))?
        + marker.len();
    Ok(form[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string())
}

/// Logs in like a browser (CSRF token, then the form) and returns the session cookie.
async fn login(base: &str, email: &str) -> anyhow::Result<String> {
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
    let csrf = csrf_in(&form)?;
    let res = http
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", PASSWORD),
            ("next", "/people"),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        res.status().as_u16() == 303,
        "login failed: {}",
        res.status()
    );
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("roster_session="))
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| anyhow::anyhow!("no session cookie"))?
        .to_string();
    // The pages answer 200 for this session, or the load test would measure redirects.
    for path in ["/settings/integrations", "/people"] {
        let s = http.get(format!("{base}{path}")).send().await?.status();
        anyhow::ensure!(s.is_success(), "{path} answered {s}");
    }
    Ok(cookie)
}

/// Figure 8 alone (`--pages-only`): one first sync of `n` people into a fresh SQLite file (the
/// real sync path, so the rows are those the full run leaves), then the pages under load.
pub async fn only(t: &mut Table, n: usize) -> anyhow::Result<()> {
    let fake = roster::fake::personio::FakePersonio::builder()
        .people(n)
        .seed(11)
        .start()
        .await;
    let bdb = BenchDb::new(Backend::Sqlite).await?;
    let ctx = setup::context(&bdb.db, unpaced(fake.base_url(), None)?);
    let company = setup::connected_company(&ctx, "bench", &setup::personio_creds(&fake)).await?;
    let (took, r) = timed_run(&ctx, company).await?;
    eprintln!(
        "synced {} people in {} ({})",
        r.tally.created,
        secs(took),
        phases(&r.phases)
    );
    run(t, &bdb, "bench").await?;
    bdb.drop_now().await;
    Ok(())
}

pub async fn run(t: &mut Table, bdb: &BenchDb, slug: &str) -> anyhow::Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        t.add(
            "8. pages under load",
            "skipped",
            None,
            "",
            None,
            "wrk is not installed (apt-get install wrk)",
        );
        return Ok(());
    }
    let email = "mona.manager@bench.example";
    roster::cli::create_login(
        &bdb.db,
        slug,
        email,
        Role::Manager,
        Some("Mona".into()),
        Some("Manager".into()),
        PASSWORD,
    )
    .await?;
    let config = Config::for_data_dir(bdb.dir.path().to_path_buf(), Some(bdb.url.clone()));
    let ctx = roster::sync::run::SyncContext {
        db: bdb.db.clone(),
        providers: unpaced("http://127.0.0.1:9", None)?,
        secrets: Arc::new(SecretBox::from_bytes(SECRET_KEY)),
    };
    let server = roster::app::App::assemble(config, ctx).bind().await?;
    let base = format!("http://{}", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let cookie = login(&base, email).await?;
    let http = reqwest::Client::new();
    let company_id = roster::db::companies::find_by_slug(&bdb.db, slug)
        .await?
        .map_or(0, |c| c.id);
    let people = roster::db::people::count(&bdb.db, company_id).await?;
    let filtered = crate::fields::office_filter(&bdb.db, company_id).await?;
    let mut health = None;
    for (name, path, min_rps, max_p99) in [
        ("/healthz", "/healthz", None, None),
        (
            "/settings/integrations",
            "/settings/integrations",
            Some(3_000.0),
            Some(20),
        ),
        ("/people (50 rows)", "/people", Some(1_500.0), Some(50)),
        (
            "/people filtered by a custom choice field (1 in 5)",
            &filtered,
            Some(1_500.0),
            Some(50),
        ),
    ] {
        let url = format!("{base}{path}");
        // One request at a time first: the page's own cost, without queueing.
        let mut alone = Vec::new();
        for _ in 0..20 {
            let start = std::time::Instant::now();
            http.get(&url)
                .header("cookie", &cookie)
                .send()
                .await?
                .bytes()
                .await?;
            alone.push(start.elapsed());
        }
        alone.sort();
        let alone = alone[alone.len() / 2];
        let c = cookie.clone();
        let w = tokio::task::spawn_blocking(move || wrk(&url, &c)).await??;
        let of_health = health.map(|h: f64| w.rps / h);
        if health.is_none() {
            health = Some(w.rps);
        }
        t.add(
            format!("8. {name}, SQLite, {CONNECTIONS} connections"),
            format!("{:.0} req/s", w.rps),
            None,
            match (min_rps, max_p99) {
                (Some(r), Some(p)) => format!("≥ {r:.0} req/s, p99 < {p} ms"),
                _ => "reference".into(),
            },
            min_rps
                .zip(max_p99)
                .map(|(r, p)| w.rps >= r && w.p99 < Duration::from_millis(p)),
            format!(
                "p50 {:.1} ms, p99 {:.1} ms{}{}; one at a time {:.1} ms; {people} people in the company{}",
                w.p50.as_secs_f64() * 1e3,
                w.p99.as_secs_f64() * 1e3,
                of_health
                    .map(|r| format!(", {:.2}× /healthz req/s", r))
                    .unwrap_or_default(),
                if w.errors.is_empty() {
                    String::new()
                } else {
                    format!(", {}", w.errors)
                },
                alone.as_secs_f64() * 1e3,
                format_args!(", wrk -t2 -c{CONNECTIONS} -d{SECONDS}s"),
            ),
        );
    }
    let _ = stop.send(());
    let _ = serving.await;
    Ok(())
}
