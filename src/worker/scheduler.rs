//! The morning schedule: every tick, each connected company that [`is_due`] gets one sync per
//! local day; the database decides which process queues it ([`Jobs::enqueue_scheduled`]).

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use tokio::sync::watch;

use crate::{
    db::{self, Db, companies, integrations},
    jobs::Jobs,
};

use super::stopped;

/// The company's calendar date at `now` in `tz`.
pub fn local_date(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// Whether the company's morning sync should be queued now: its local clock has reached
/// `sync_hour` today and today's sync is not queued yet. A process that was down at the hour
/// catches up later the same local day; a day whose hour is skipped by DST (the clock jumps from
/// 01:59 to 03:00) still syncs, at the first local time past it.
pub fn is_due(now: DateTime<Utc>, tz: Tz, sync_hour: u32, already_enqueued_today: bool) -> bool {
    !already_enqueued_today && now.with_timezone(&tz).hour() >= sync_hour
}

/// One scheduler tick at `now`: queues the morning sync of every connected company that is due.
/// Returns how many this call queued (other processes ticking at the same time queue the rest).
pub async fn schedule_tick(db: &Db, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let jobs = Jobs::for_db(db.clone());
    let mut queued = 0;
    for company_id in integrations::connected_companies(db).await? {
        let Some(company) = companies::get(db, company_id).await? else {
            continue;
        };
        let tz: Tz = companies::zone(&company.time_zone);
        let date = local_date(now, tz);
        let already =
            db::jobs::morning_claimed(db, company_id, &date.format("%Y-%m-%d").to_string()).await?;
        let hour = company.sync_hour.clamp(0, 23) as u32;
        if is_due(now, tz, hour, already) && jobs.enqueue_scheduled(company_id, date).await? {
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn due_from_the_sync_hour_on_not_before() {
        let tz = chrono_tz::Europe::Berlin; // UTC+1 in January
        assert!(
            !is_due(utc(2026, 1, 10, 3, 59), tz, 5, false),
            "04:59 local"
        );
        assert!(is_due(utc(2026, 1, 10, 4, 0), tz, 5, false), "05:00 local");
        assert!(is_due(utc(2026, 1, 10, 4, 1), tz, 5, false));
    }

    #[test]
    fn once_a_day_and_catch_up_later_the_same_day() {
        let tz = chrono_tz::Europe::Berlin;
        assert!(
            !is_due(utc(2026, 1, 10, 4, 30), tz, 5, true),
            "already queued today"
        );
        // Every process was down at 05:00: the first tick at 15:00 local still syncs.
        assert!(is_due(utc(2026, 1, 10, 14, 0), tz, 5, false));
        assert!(
            is_due(utc(2026, 1, 10, 22, 59), tz, 5, false),
            "23:59 local"
        );
    }

    #[test]
    fn a_time_zone_ahead_of_utc_has_its_own_date() {
        let tz = chrono_tz::Asia::Tokyo; // UTC+9
        let now = utc(2026, 3, 1, 20, 30); // 05:30 on March 2nd in Tokyo
        assert_eq!(
            local_date(now, tz),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        );
        assert!(is_due(now, tz, 5, false));
        assert!(
            !is_due(utc(2026, 3, 1, 19, 59), tz, 5, false),
            "04:59 in Tokyo"
        );
        // Auckland (UTC+13 in summer) is already past noon when UTC's day starts.
        let akl = chrono_tz::Pacific::Auckland;
        assert_eq!(
            local_date(utc(2026, 1, 10, 0, 0), akl),
            NaiveDate::from_ymd_opt(2026, 1, 10).unwrap()
        );
        assert_eq!(
            local_date(utc(2026, 1, 10, 11, 0), akl),
            NaiveDate::from_ymd_opt(2026, 1, 11).unwrap()
        );
    }

    #[test]
    fn dst_days() {
        let tz = chrono_tz::Europe::Berlin;
        // Spring forward, 2026-03-29: 02:00 local does not exist (01:00 UTC is 03:00 CEST).
        assert!(!is_due(utc(2026, 3, 29, 0, 59), tz, 2, false), "01:59 CET");
        assert!(
            is_due(utc(2026, 3, 29, 1, 0), tz, 2, false),
            "03:00 CEST: the skipped hour still syncs"
        );
        // After the change, 05:00 local is 03:00 UTC.
        assert!(!is_due(utc(2026, 3, 29, 2, 59), tz, 5, false), "04:59 CEST");
        assert!(is_due(utc(2026, 3, 29, 3, 0), tz, 5, false), "05:00 CEST");
        // Fall back, 2026-10-25: 02:00–03:00 happens twice; the date key makes it once.
        assert!(is_due(utc(2026, 10, 25, 0, 30), tz, 2, false), "02:30 CEST");
        assert!(
            !is_due(utc(2026, 10, 25, 1, 30), tz, 2, true),
            "02:30 CET, queued already"
        );
        assert_eq!(
            local_date(utc(2026, 10, 25, 0, 30), tz),
            local_date(utc(2026, 10, 25, 1, 30), tz)
        );
        // New York: 05:00 EST is 10:00 UTC in winter, 05:00 EDT is 09:00 UTC in summer.
        let ny = chrono_tz::America::New_York;
        assert!(!is_due(utc(2026, 1, 10, 9, 59), ny, 5, false));
        assert!(is_due(utc(2026, 7, 10, 9, 0), ny, 5, false));
    }
}
