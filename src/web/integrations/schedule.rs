//! Times as the company reads them: in its own time zone, and the next morning sync.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use time::OffsetDateTime;

/// The company's time zone, for showing times (an unknown name falls back to UTC).
#[derive(Clone, Copy)]
pub struct CompanyClock {
    tz: Tz,
}

impl CompanyClock {
    pub fn new(time_zone: &str) -> CompanyClock {
        CompanyClock {
            tz: crate::db::companies::zone(time_zone),
        }
    }

    /// "2026-03-01 05:00 CET".
    pub fn show(&self, t: OffsetDateTime) -> String {
        let utc = DateTime::<Utc>::from_timestamp(t.unix_timestamp(), 0).unwrap_or_default();
        self.show_chrono(utc)
    }

    /// "2026-03-01 05:00:12 CET": the history's times, to the second, so runs a few seconds
    /// apart do not look alike.
    pub fn show_seconds(&self, t: OffsetDateTime) -> String {
        self.local(t).format("%Y-%m-%d %H:%M:%S %Z").to_string()
    }

    /// "3 Dec": a day on the history chart's axis.
    pub fn day(&self, t: OffsetDateTime) -> String {
        self.local(t).format("%-d %b").to_string()
    }

    fn local(&self, t: OffsetDateTime) -> DateTime<Tz> {
        DateTime::<Utc>::from_timestamp(t.unix_timestamp(), 0)
            .unwrap_or_default()
            .with_timezone(&self.tz)
    }

    fn show_chrono(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.tz)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    }

    /// The next scheduled sync after now, shown in the company's time zone.
    pub fn next_sync(&self, sync_hour: i32) -> String {
        self.show_chrono(next_sync_after(Utc::now(), self.tz, sync_hour))
    }
}

/// The first `sync_hour:00` local time strictly after `now`. On a day when that hour does not
/// exist (the clocks jump forward over it), the sync runs at the first instant after the gap.
pub fn next_sync_after(now: DateTime<Utc>, tz: Tz, sync_hour: i32) -> DateTime<Utc> {
    let hour = sync_hour.clamp(0, 23) as u32;
    let at = NaiveTime::from_hms_opt(hour, 0, 0).expect("hour 0-23");
    let mut day = now.with_timezone(&tz).date_naive();
    loop {
        let local = day.and_time(at);
        let instant = tz.from_local_datetime(&local).earliest().or_else(|| {
            tz.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        });
        if let Some(t) = instant.map(|t| t.with_timezone(&Utc))
            && t > now
        {
            return t;
        }
        day = day.succ_opt().expect("a date after today");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn history_times_have_seconds_in_the_company_zone() {
        let clock = CompanyClock::new("America/New_York");
        let t = time::macros::datetime!(2026-07-01 12:05:09 UTC);
        assert_eq!(clock.show_seconds(t), "2026-07-01 08:05:09 EDT");
        assert_eq!(clock.day(t), "1 Jul");
    }

    #[test]
    fn before_the_hour_it_is_today_after_it_tomorrow() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        // 03:00 in Berlin (winter, UTC+1): today at 05:00 local = 04:00 UTC.
        assert_eq!(
            next_sync_after(utc("2026-01-10T02:00:00Z"), tz, 5),
            utc("2026-01-10T04:00:00Z")
        );
        // 06:00 in Berlin: tomorrow.
        assert_eq!(
            next_sync_after(utc("2026-01-10T05:00:00Z"), tz, 5),
            utc("2026-01-11T04:00:00Z")
        );
    }

    #[test]
    fn the_local_hour_follows_daylight_saving_time() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        // Summer (UTC+2): 05:00 local is 03:00 UTC.
        assert_eq!(
            next_sync_after(utc("2026-07-01T12:00:00Z"), tz, 5),
            utc("2026-07-02T03:00:00Z")
        );
    }

    #[test]
    fn an_hour_skipped_by_the_clock_change_runs_just_after_the_gap() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        // 2026-03-29: 02:00 → 03:00 local. A 02:00 sync runs at 03:00 CEST = 01:00 UTC.
        assert_eq!(
            next_sync_after(utc("2026-03-28T12:00:00Z"), tz, 2),
            utc("2026-03-29T01:00:00Z")
        );
    }
}
