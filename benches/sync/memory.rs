//! Figure 6: peak memory of the 50,000-person first sync, measured in a child process that
//! does nothing else (the fake HRIS stays in the parent), from its `/proc/self/status` VmHWM.

use std::time::Instant;

use roster::{config::DatabaseUrl, db::Db, fake::personio::FakePersonio};

use crate::{
    scenarios::{phases, timed_run, unpaced},
    setup::{self, Backend, BenchDb},
    table::{Table, secs},
};

pub const CHILD_FLAG: &str = "--child-first-sync";

/// Peak resident set size of this process, in kB.
fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// In the child: `<database url> <personio base> <company id>`; prints one result line.
pub fn child(args: &[String]) -> anyhow::Result<()> {
    let [url, base, company] = args else {
        anyhow::bail!("usage: {CHILD_FLAG} <database url> <personio base> <company id>");
    };
    let company: i64 = company.parse()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let before = vm_hwm_kb();
        let db = Db::connect(&DatabaseUrl::new(url.clone())).await?;
        let ctx = setup::context(&db, unpaced(base, None)?);
        let (took, r) = timed_run(&ctx, company).await?;
        println!(
            "RESULT {} {} {} {}",
            took.as_millis(),
            vm_hwm_kb(),
            before,
            phases(&r.phases).replace(' ', "_")
        );
        anyhow::Ok(())
    })
}

pub async fn measure(t: &mut Table, fake: &FakePersonio, floor: f64) -> anyhow::Result<()> {
    let bdb = BenchDb::new(Backend::Sqlite).await?;
    let providers = unpaced(fake.base_url(), None)?;
    let ctx = setup::context(&bdb.db, providers);
    let company = setup::connected_company(&ctx, "memory", &setup::personio_creds(fake)).await?;
    let start = Instant::now();
    let out = tokio::process::Command::new(std::env::current_exe()?)
        .arg(CHILD_FLAG)
        .arg(&bdb.url)
        .arg(fake.base_url())
        .arg(company.to_string())
        .output()
        .await?;
    let wall = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("RESULT "))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the child sync printed no result: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    let f: Vec<&str> = line.split_whitespace().collect();
    let (took_ms, hwm_kb, start_kb): (f64, u64, u64) =
        (f[1].parse()?, f[2].parse()?, f[3].parse()?);
    let mb = hwm_kb as f64 / 1024.0;
    t.add(
        "6. peak memory (VmHWM) of a process doing the first sync, SQLite",
        format!("{mb:.0} MB"),
        None,
        "≤ 150 MB",
        Some(mb <= 150.0),
        format!(
            "child process; {:.0} MB at start; its sync took {:.2} s ({:.2}× floor, process {}); {}",
            start_kb as f64 / 1024.0,
            took_ms / 1e3,
            took_ms / 1e3 / floor,
            secs(wall),
            f.get(4).unwrap_or(&"").replace('_', " ")
        ),
    );
    bdb.drop_now().await;
    Ok(())
}
