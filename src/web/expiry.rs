//! When a logged-in session ends: `idle` after its last activity, and never later than `max`
//! after login. Activity slides the end forward, but the stored session is written at most once
//! per [`touch_every`] (a minute by default) so that reading pages stays cheap.

use std::time::Duration;

use time::OffsetDateTime;
use tower_sessions::{Expiry, Session};

use crate::config::Config;

/// The session keys holding the login time and the last recorded activity (unix seconds).
pub const LOGIN_AT_KEY: &str = "login_at";
const SEEN_AT_KEY: &str = "seen_at";

/// How stale the recorded activity may get before a request writes it again: a minute, or a
/// quarter of a short idle window (tests), so a session cannot lapse between two touches.
pub fn touch_every(idle: Duration) -> u64 {
    (idle.as_secs() / 4).clamp(1, 60)
}

/// The end of a session active at `now` (unix seconds) that started at `login_at`.
pub fn ends_at(now: i64, login_at: i64, config: &Config) -> OffsetDateTime {
    let idle = config.session_idle().as_secs() as i64;
    let max = config.session_max().as_secs() as i64;
    let end = (now + idle).min(login_at + max);
    OffsetDateTime::from_unix_timestamp(end).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Records the login time and sets the first end.
pub async fn start(
    session: &Session,
    config: &Config,
) -> Result<(), tower_sessions::session::Error> {
    let now = now();
    session.insert(LOGIN_AT_KEY, now).await?;
    session.insert(SEEN_AT_KEY, now).await?;
    session.set_expiry(Some(Expiry::AtDateTime(ends_at(now, now, config))));
    Ok(())
}

/// A request of the logged-in person: slides the end when the recorded activity is stale
/// (inserting marks the session modified, so the session layer saves it with the new end and
/// refreshes the cookie).
pub async fn touch(
    session: &Session,
    login_at: i64,
    config: &Config,
) -> Result<(), tower_sessions::session::Error> {
    let now = now();
    let seen = session.get::<i64>(SEEN_AT_KEY).await?.unwrap_or(login_at);
    if now - seen >= touch_every(config.session_idle()) as i64 {
        session.insert(SEEN_AT_KEY, now).await?;
        session.set_expiry(Some(Expiry::AtDateTime(ends_at(now, login_at, config))));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_slides_the_end_up_to_the_absolute_limit() {
        let mut c = Config::for_data_dir("/tmp/x".into(), None);
        c.session_idle_minutes = 120;
        c.session_max_hours = 12;
        let login = 1_000_000;
        assert_eq!(ends_at(login, login, &c).unix_timestamp(), login + 7_200);
        assert_eq!(
            ends_at(login + 3_600, login, &c).unix_timestamp(),
            login + 10_800
        );
        let late = login + 11 * 3_600;
        assert_eq!(
            ends_at(late, login, &c).unix_timestamp(),
            login + 12 * 3_600
        );
    }

    #[test]
    fn the_session_is_written_at_most_once_a_minute() {
        assert_eq!(touch_every(Duration::from_secs(7_200)), 60);
        assert_eq!(touch_every(Duration::from_secs(4)), 1);
        assert_eq!(touch_every(Duration::from_secs(1)), 1);
    }
}
