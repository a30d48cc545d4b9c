//! The password-check gate: at most a few argon2 verifications run at once, because each one
//! holds ~19 MiB for tens of milliseconds. Unbounded, 200 concurrent logins took the process from
//! 2.2 GB to 4.5 GB RSS; bounded, the rest wait briefly and then hear "busy, try again".
//!
//! The checks run on their own threads, one per permit, not on tokio's blocking pool: glibc's
//! malloc gives each thread its own arena and, after the first 19 MiB block is freed, keeps later
//! ones inside it (its mmap threshold rises). Spread over the blocking pool's many threads, 200
//! logins left hundreds of MB in idle arenas; on a fixed few threads the memory stays bounded by
//! the permits and is reused from one check to the next.

use std::{
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};

use tokio::sync::Semaphore;

type Job = Box<dyn FnOnce() + Send>;

#[derive(Debug, Clone)]
pub struct PasswordChecks {
    permits: Arc<Semaphore>,
    wait: Duration,
    /// Hands a check to one of the permits' threads; they end when the last clone is dropped.
    jobs: mpsc::Sender<Job>,
}

/// Starts `n` threads that run the jobs sent to the returned sender.
fn threads(n: usize) -> mpsc::Sender<Job> {
    let (tx, rx) = mpsc::channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..n {
        let rx = rx.clone();
        std::thread::Builder::new()
            .name(format!("roster-password-{i}"))
            .spawn(move || {
                loop {
                    // The lock is held only while waiting for the next job.
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        // A panicking check fails its own login (its result is never sent),
                        // not the thread.
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        Err(_) => return,
                    }
                }
            })
            .expect("a password-check thread starts");
    }
    tx
}

/// Every password check was in use for the whole wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl PasswordChecks {
    /// `permits` checks at once (at least one); a check waits at most `wait` for its turn.
    pub fn new(permits: usize, wait: Duration) -> PasswordChecks {
        let permits = permits.max(1);
        PasswordChecks {
            permits: Arc::new(Semaphore::new(permits)),
            wait,
            jobs: threads(permits),
        }
    }

    /// One check per CPU core: argon2 with p=1 is one core's work, so more at once only
    /// queues inside the OS while each holds its memory.
    pub fn for_this_machine(wait: Duration) -> PasswordChecks {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        PasswordChecks::new(cores, wait)
    }

    /// Runs `check` on a password-check thread once a permit is free, or gives up after the
    /// wait. The permit moves into the job, so a client that hangs up does not free it before
    /// the hash is done: the bound holds for work actually running.
    pub async fn run<T: Send + 'static>(
        &self,
        check: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<Result<T, Busy>> {
        let permit =
            match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
                Ok(Ok(p)) => p,
                Ok(Err(_)) => anyhow::bail!("the password-check semaphore was closed"),
                Err(_) => return Ok(Err(Busy)),
            };
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let out = check();
                drop(permit);
                let _ = tx.send(out);
            }))
            .map_err(|_| anyhow::anyhow!("the password-check threads have stopped"))?;
        Ok(Ok(rx.await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_past_the_bound_is_busy_after_the_wait() {
        let checks = PasswordChecks::new(1, Duration::from_millis(50));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let first = {
            let checks = checks.clone();
            tokio::spawn(async move {
                checks
                    .run(move || {
                        started_tx.send(()).unwrap();
                        release_rx.recv().unwrap();
                        1
                    })
                    .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();
        assert_eq!(checks.run(|| 2).await.unwrap(), Err(Busy));
        release_tx.send(()).unwrap();
        assert_eq!(first.await.unwrap().unwrap(), Ok(1));
        assert_eq!(
            checks.run(|| 3).await.unwrap(),
            Ok(3),
            "the permit came back"
        );
    }
}
