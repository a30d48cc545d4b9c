//! `cargo bench --bench sync`: the sync and page performance figures of BENCHMARKS.md, side by
//! side from one run (release build, fake HRIS servers on loopback). Not a test: `cargo test`
//! does not run it.
//!
//! Flags: `--people N` (default 50,000), `--no-pages` (skip the wrk load test), `--pages-only`
//! (only figure 8, after one first sync), `--first-sync-only` (only figures 1, 2 for Personio
//! and 6), `--many-companies` (only the 200 × 500 PostgreSQL
//! morning run), `--logins` (only figure 10: memory under 200 concurrent logins),
//! `--queue-latency [--idle-minutes N]` (only figure 11: queued → running after N idle minutes,
//! default 10).

mod fields;
mod first;
mod logins;
mod many;
mod memory;
mod paced;
mod pages;
mod queue;
mod scenarios;
mod setup;
mod table;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(memory::CHILD_FLAG) {
        return memory::child(&args[1..]);
    }
    let people = args
        .iter()
        .position(|a| a == "--people")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse::<usize>())
        .transpose()?
        .unwrap_or(50_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut t = table::Table::default();
    eprintln!(
        "roster sync benchmark: {people} people, {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if cfg!(debug_assertions) {
            "DEBUG build (figures meaningless)"
        } else {
            "release build"
        }
    );
    let idle_minutes = args
        .iter()
        .position(|a| a == "--idle-minutes")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse::<f64>())
        .transpose()?
        .unwrap_or(10.0);
    if args.iter().any(|a| a == "--queue-latency") {
        let idle = std::time::Duration::from_secs_f64(idle_minutes.max(0.0) * 60.0);
        rt.block_on(queue::run(&mut t, idle))?;
    } else if args.iter().any(|a| a == "--logins") {
        rt.block_on(logins::measure(&mut t))?;
    } else if args.iter().any(|a| a == "--many-companies") {
        rt.block_on(many::run(&mut t))?;
    } else if args.iter().any(|a| a == "--first-sync-only") {
        rt.block_on(first::only(&mut t, people))?;
    } else if args.iter().any(|a| a == "--pages-only") {
        rt.block_on(pages::only(&mut t, people))?;
    } else {
        rt.block_on(scenarios::run(
            &mut t,
            people,
            !args.iter().any(|a| a == "--no-pages"),
        ))?;
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!("load average at the end: {}", load.trim());
    t.print();
    println!(
        "\nLoad average (1, 5, 15 min) at the end: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}
