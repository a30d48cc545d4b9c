//! Named pause points for crash tests: `ROSTER_PAUSE_AT=<name>:<ms>` makes the process announce
//! `paused at <name>` on stderr and sleep there, so a test can `kill -9` it at a known moment
//! (e.g. inside the sync's transaction, just before commit). Unset, it costs one env lookup.

pub async fn pause(name: &str) {
    let Ok(spec) = std::env::var("ROSTER_PAUSE_AT") else {
        return;
    };
    let Some((at, ms)) = spec.split_once(':') else {
        return;
    };
    if at != name {
        return;
    }
    let ms: u64 = ms.parse().unwrap_or(0);
    eprintln!("paused at {name}");
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}
