//! Figure 10 (`--logins`): the memory of `roster web` under 200 concurrent anonymous logins for
//! unknown e-mails, each from its own loopback address (127.0.x.y), so neither the per-account
//! nor the per-address throttle stops them before the password check: the worst case for argon2's
//! 19 MiB per check. Resident memory is read from the server's `/proc/<pid>/status` before, at
//! its peak while the logins run (sampled every 10 ms) and 10 s after the last answer.
//! Target: peak ≤ start + 100 MB, and the memory comes back.

use std::{
    collections::BTreeMap,
    net::{IpAddr, Ipv4Addr},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use crate::table::Table;

const LOGINS: usize = 200;

/// VmRSS of `pid`, in kB.
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// A client from its own loopback address, with the login form's CSRF cookie and token.
async fn prepared(base: &str, i: usize) -> anyhow::Result<(reqwest::Client, String)> {
    let source = IpAddr::V4(Ipv4Addr::new(
        127,
        0,
        1 + (i / 250) as u8,
        1 + (i % 250) as u8,
    ));
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .local_address(source)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let form = http
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = crate::pages::csrf_in(&form)?;
    Ok((http, csrf))
}

pub async fn measure(t: &mut Table) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_roster"))
        .arg("web")
        .env("ROSTER_DATA_DIR", dir.path())
        .env("ROSTER_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let pid = server
        .id()
        .ok_or_else(|| anyhow::anyhow!("no server pid"))?;
    let base = format!("http://127.0.0.1:{port}");
    let probe = reqwest::Client::new();
    let up = Instant::now();
    while probe.get(format!("{base}/healthz")).send().await.is_err() {
        anyhow::ensure!(
            up.elapsed() < Duration::from_secs(30),
            "roster web did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut clients = Vec::with_capacity(LOGINS);
    for i in 0..LOGINS {
        clients.push(prepared(&base, i).await?);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_kb(pid);

    let peak = Arc::new(AtomicU64::new(before));
    let running = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, running) = (peak.clone(), running.clone());
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kb(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let barrier = Arc::new(tokio::sync::Barrier::new(LOGINS));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(LOGINS);
    for (i, (http, csrf)) in clients.into_iter().enumerate() {
        let (barrier, base) = (barrier.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let email = format!("nobody{i}@unknown.example");
            let sent = Instant::now();
            let status = http
                .post(format!("{base}/login"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", &email),
                    ("password", "wrong-password-1"),
                ])
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            (status, sent.elapsed())
        }));
    }
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut slowest = Duration::ZERO;
    for task in tasks {
        let (status, took) = task.await?;
        *statuses.entry(status).or_default() += 1;
        slowest = slowest.max(took);
    }
    let all_answered = started.elapsed();
    running.store(false, Ordering::Relaxed);
    sampler.await?;
    let peak = peak.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let after = rss_kb(pid);
    server.kill().await?;

    let mb = |kb: u64| kb as f64 / 1024.0;
    let grew = mb(peak.saturating_sub(before));
    let answers = statuses
        .iter()
        .map(|(s, n)| format!("{n} × {s}"))
        .collect::<Vec<_>>()
        .join(", ");
    t.add(
        format!("10. {LOGINS} concurrent logins (unknown e-mails, {LOGINS} addresses), RSS peak − start"),
        format!("+{grew:.0} MB"),
        None,
        "≤ +100 MB, memory returns",
        Some(grew <= 100.0 && mb(after) <= mb(before) + 50.0),
        format!(
            "start {:.0} MB, peak {:.0} MB, 10 s later {:.0} MB; {answers}; all answered in {:.1} s, slowest {:.1} s",
            mb(before),
            mb(peak),
            mb(after),
            all_answered.as_secs_f64(),
            slowest.as_secs_f64()
        ),
    );
    Ok(())
}
