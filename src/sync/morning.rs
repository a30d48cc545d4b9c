//! One morning sync a day: when a company's next scheduled sync is due. The scheduler queues it
//! ([`crate::worker::schedule_tick`]) and the Integrations panel shows it, both from
//! [`next_morning`], so they cannot disagree.
//!
//! A local day has at most one morning sync. The scheduler claims the day when it queues that
//! sync, and connecting claims the day of connection: the first sync after connecting is that
//! day's sync. A day not claimed yet is due from `sync_hour:00` local time on, and stays due for
//! the rest of that day, so a morning that no process was running for is caught up. On a day the
//! clocks skip that hour it is due at the first instant after the gap; on a day the hour happens
//! twice, at the first.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::db::{self, Db, Tx, companies::Company};

/// The company's calendar date at `now` in `tz`.
pub fn local_date(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// How a day is stored in the claims (`scheduled_syncs.local_date`).
pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// `sync_hour:00` on `day` in `tz`, or the first instant after a gap that swallows it.
fn morning_of(day: NaiveDate, tz: Tz, sync_hour: i32) -> DateTime<Utc> {
    let hour = sync_hour.clamp(0, 23) as u32;
    let mut local = day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("hour 0-23"));
    // Gaps are at most a few hours; past one, the earliest local time exists.
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        local += Duration::hours(1);
    }
    tz.from_utc_datetime(&local).with_timezone(&Utc)
}

/// When the company's next morning sync is due, seen at `now`: today's morning unless today is
/// claimed (queued already, or the day of connection), else tomorrow's. At or before `now` means
/// due now (the hour has come, or it passed while no process ran).
pub fn next_morning(
    now: DateTime<Utc>,
    tz: Tz,
    sync_hour: i32,
    today_claimed: bool,
) -> DateTime<Utc> {
    let today = local_date(now, tz);
    if today_claimed {
        morning_of(today.succ_opt().expect("a day after today"), tz, sync_hour)
    } else {
        morning_of(today, tz, sync_hour)
    }
}

/// The company's next morning sync, and the local day it belongs to.
pub async fn next_for(
    db: &Db,
    company: &Company,
    now: DateTime<Utc>,
) -> sqlx::Result<(NaiveDate, DateTime<Utc>)> {
    let tz = db::companies::zone(&company.time_zone);
    let today = local_date(now, tz);
    let claimed = db::jobs::morning_claimed(db, company.id, &day_key(today)).await?;
    let at = next_morning(now, tz, company.sync_hour, claimed);
    Ok((local_date(at, tz), at))
}

/// Claims today's morning for a company that connects now: its first sync is today's.
pub async fn claim_connect_day(tx: &mut Tx, company: &Company) -> sqlx::Result<()> {
    let today = local_date(Utc::now(), db::companies::zone(&company.time_zone));
    db::jobs::claim_morning(tx, company.id, &day_key(today)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    /// Whether the scheduler queues the morning sync at `now`.
    fn due(now: DateTime<Utc>, tz: Tz, hour: i32, claimed: bool) -> bool {
        next_morning(now, tz, hour, claimed) <= now
    }

    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    #[test]
    fn due_from_the_sync_hour_on_not_before() {
        // Berlin is UTC+1 in January: 05:00 local is 04:00 UTC.
        assert_eq!(
            next_morning(utc(2026, 1, 10, 2, 0), BERLIN, 5, false),
            utc(2026, 1, 10, 4, 0)
        );
        assert!(
            !due(utc(2026, 1, 10, 3, 59), BERLIN, 5, false),
            "04:59 local"
        );
        assert!(due(utc(2026, 1, 10, 4, 0), BERLIN, 5, false), "05:00 local");
        // Once queued, the next one is tomorrow's.
        assert_eq!(
            next_morning(utc(2026, 1, 10, 5, 0), BERLIN, 5, true),
            utc(2026, 1, 11, 4, 0)
        );
        assert!(!due(utc(2026, 1, 10, 4, 30), BERLIN, 5, true));
    }

    #[test]
    fn the_day_of_connection_has_no_morning_sync_after_the_first_one() {
        // Connected at 14:00 local, after the hour: today is claimed, the next is tomorrow 05:00.
        let connected = utc(2026, 1, 10, 13, 0);
        assert!(!due(connected, BERLIN, 5, true));
        assert_eq!(
            next_morning(connected, BERLIN, 5, true),
            utc(2026, 1, 11, 4, 0)
        );
        // Connected at 03:00 local, before the hour: no second sync at 05:00 either.
        let early = utc(2026, 1, 10, 2, 0);
        assert_eq!(next_morning(early, BERLIN, 5, true), utc(2026, 1, 11, 4, 0));
        assert!(!due(utc(2026, 1, 10, 4, 0), BERLIN, 5, true));
    }

    #[test]
    fn a_missed_morning_is_due_until_the_day_ends() {
        // Every process was down at 05:00: at 15:00 and at 23:59 local it is still due, and the
        // panel shows it as due (today's 05:00, in the past).
        assert!(due(utc(2026, 1, 10, 14, 0), BERLIN, 5, false));
        assert!(
            due(utc(2026, 1, 10, 22, 59), BERLIN, 5, false),
            "23:59 local"
        );
        assert_eq!(
            next_morning(utc(2026, 1, 10, 14, 0), BERLIN, 5, false),
            utc(2026, 1, 10, 4, 0)
        );
        // The next local day is a new day: its own morning, not yesterday's.
        assert!(
            !due(utc(2026, 1, 10, 23, 0), BERLIN, 5, false),
            "00:00 local on the 11th"
        );
    }

    #[test]
    fn spring_forward_the_skipped_hour_runs_just_after_the_gap() {
        // 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
        assert_eq!(
            next_morning(utc(2026, 3, 28, 12, 0), BERLIN, 2, true),
            utc(2026, 3, 29, 1, 0)
        );
        assert!(!due(utc(2026, 3, 29, 0, 59), BERLIN, 2, false), "01:59 CET");
        assert!(due(utc(2026, 3, 29, 1, 0), BERLIN, 2, false), "03:00 CEST");
        // After the change, 05:00 local is 03:00 UTC.
        assert!(
            !due(utc(2026, 3, 29, 2, 59), BERLIN, 5, false),
            "04:59 CEST"
        );
        assert_eq!(
            next_morning(utc(2026, 3, 29, 0, 0), BERLIN, 5, false),
            utc(2026, 3, 29, 3, 0)
        );
    }

    #[test]
    fn fall_back_the_repeated_hour_runs_once_at_its_first() {
        // 2026-10-25 in Berlin: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
        assert_eq!(
            next_morning(utc(2026, 10, 24, 12, 0), BERLIN, 2, true),
            utc(2026, 10, 25, 0, 0)
        );
        assert!(
            due(utc(2026, 10, 25, 0, 30), BERLIN, 2, false),
            "02:30 CEST"
        );
        // The second 02:30 (CET) is the same local day, claimed at the first.
        assert_eq!(
            local_date(utc(2026, 10, 25, 0, 30), BERLIN),
            local_date(utc(2026, 10, 25, 1, 30), BERLIN)
        );
        assert!(!due(utc(2026, 10, 25, 1, 30), BERLIN, 2, true));
        // 05:00 CET is 04:00 UTC after the change.
        assert_eq!(
            next_morning(utc(2026, 10, 25, 1, 30), BERLIN, 5, false),
            utc(2026, 10, 25, 4, 0)
        );
    }

    #[test]
    fn a_time_zone_ahead_of_utc_has_its_own_date() {
        let tokyo = chrono_tz::Asia::Tokyo; // UTC+9
        let now = utc(2026, 3, 1, 20, 30); // 05:30 on March 2nd in Tokyo
        assert_eq!(
            local_date(now, tokyo),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        );
        assert!(due(now, tokyo, 5, false));
        assert!(
            !due(utc(2026, 3, 1, 19, 59), tokyo, 5, false),
            "04:59 in Tokyo"
        );
        // New York: 05:00 EST is 10:00 UTC in winter, 05:00 EDT is 09:00 UTC in summer.
        let ny = chrono_tz::America::New_York;
        assert!(!due(utc(2026, 1, 10, 9, 59), ny, 5, false));
        assert!(due(utc(2026, 7, 10, 9, 0), ny, 5, false));
    }
}
