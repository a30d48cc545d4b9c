//! The password-check gate: at most a few argon2 verifications run at once, because each one
//! holds ~19 MiB for tens of milliseconds. Unbounded, 200 concurrent logins took the process from
//! 2.2 GB to 4.5 GB RSS; bounded, the rest wait briefly and then hear "busy, try again".

use std::{sync::Arc, time::Duration};

use tokio::sync::Semaphore;

#[derive(Debug, Clone)]
pub struct PasswordChecks {
    permits: Arc<Semaphore>,
    wait: Duration,
}

/// Every password check was in use for the whole wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl PasswordChecks {
    /// `permits` checks at once (at least one); a check waits at most `wait` for its turn.
    pub fn new(permits: usize, wait: Duration) -> PasswordChecks {
        PasswordChecks {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            wait,
        }
    }

    /// One check per CPU core: argon2 with p=1 is one core's work, so more at once only
    /// queues inside the OS while each holds its memory.
    pub fn for_this_machine(wait: Duration) -> PasswordChecks {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        PasswordChecks::new(cores, wait)
    }

    /// Runs `check` on a blocking thread once a permit is free, or gives up after the wait.
    /// The permit moves into the blocking task, so a client that hangs up does not free it
    /// before the hash is done: the bound holds for work actually running.
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
        let out = tokio::task::spawn_blocking(move || {
            let out = check();
            drop(permit);
            out
        })
        .await?;
        Ok(Ok(out))
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
