//! The morning schedule: every tick, each connected company whose morning sync is due
//! ([`morning::next_for`]) gets it queued, once per local day; the database decides which
//! process queues it ([`Jobs::enqueue_scheduled`]).

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::{
    db::{Db, companies, integrations},
    jobs::Jobs,
    sync::morning,
};

use super::stopped;

/// One scheduler tick at `now`: queues the morning sync of every connected company that is due.
/// Returns how many this call queued (other processes ticking at the same time queue the rest).
pub async fn schedule_tick(db: &Db, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let jobs = Jobs::for_db(db.clone());
    let mut queued = 0;
    for company_id in integrations::connected_companies(db).await? {
        let Some(company) = companies::get(db, company_id).await? else {
            continue;
        };
        let (date, at) = morning::next_for(db, &company, now).await?;
        if at <= now && jobs.enqueue_scheduled(company_id, date).await? {
            tracing::info!(company = company_id, %date, "morning sync queued");
            queued += 1;
        }
    }
    Ok(queued)
}

pub(super) async fn schedule_loop(db: Db, every: Duration, stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let stopping = stopped(stop);
    tokio::pin!(stopping);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = schedule_tick(&db, Utc::now()).await {
                    tracing::warn!(error = %format!("{e:#}"), "scheduler tick failed");
                }
            }
            _ = &mut stopping => return,
        }
    }
}
