//! Times as the company reads them: in its own time zone, and the next morning sync.

use chrono::{DateTime, Utc};
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

    /// The next morning sync ([`crate::sync::morning::next_for`]) as the panel says it: its
    /// time, or that it is due now (the hour has come and its sync is not queued yet).
    pub fn next_sync(&self, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
        if at <= now {
            "due now (today's sync has not run yet)".to_string()
        } else {
            self.show_chrono(at)
        }
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
    fn the_next_sync_is_its_local_time_or_due_now() {
        let clock = CompanyClock::new("Europe/Berlin");
        let now = utc("2026-01-10T13:00:00Z");
        assert_eq!(
            clock.next_sync(utc("2026-01-11T04:00:00Z"), now),
            "2026-01-11 05:00 CET"
        );
        assert_eq!(
            clock.next_sync(utc("2026-01-10T04:00:00Z"), now),
            "due now (today's sync has not run yet)"
        );
    }
}
