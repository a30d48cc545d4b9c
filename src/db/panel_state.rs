//! What the Integrations panel reads on every view, in one statement: the company's clock and
//! sync hour, which HRIS is connected (by whom, since when, the credential hint), which of the
//! days around today have their morning sync claimed, and the two newest runs (the running one
//! and the last finished one).
//!
//! One statement instead of four (company, integration, claim, runs): on SQLite each statement is
//! a hand-off to the connection's thread and back, which was most of the panel's cost. The claim
//! depends on the company's local date, which depends on its time zone, read in the same
//! statement; so the claims of the three days any time zone can be on (the UTC date and the
//! days either side) are read, and [`PanelState::claimed_on`] picks the company's.

use chrono::{Days, NaiveDate};
use time::OffsetDateTime;

use crate::{
    db::{
        Db,
        sync_runs::{self, Run},
    },
    hris::Provider,
    on_db,
    sync::morning::day_key,
};

/// The connection as the panel shows it (no credentials).
pub struct PanelConnection {
    pub provider: Provider,
    /// What the panel may show ("Client ID ends with …1234").
    pub hint: String,
    pub connected_by: Option<String>,
    pub connected_at: OffsetDateTime,
}

pub struct PanelState {
    pub time_zone: String,
    pub sync_hour: i32,
    pub connection: Option<PanelConnection>,
    /// The company's newest runs, newest first (at most [`RECENT_RUNS`]).
    pub recent: Vec<Run>,
    /// The UTC date the claims were read around, and whether the day before, that day and the
    /// day after are claimed.
    utc_day: NaiveDate,
    claims: [bool; 3],
}

impl PanelState {
    /// Whether the morning of `day` (the company's local date when read) is claimed.
    pub fn claimed_on(&self, day: NaiveDate) -> bool {
        let Some(i) = (day - self.utc_day).num_days().checked_add(1) else {
            return false;
        };
        // A local date is within a day of the UTC date; should it not be, no claim is known.
        usize::try_from(i)
            .ok()
            .and_then(|i| self.claims.get(i))
            .copied()
            .unwrap_or(false)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    time_zone: String,
    sync_hour: i32,
    claimed_before: bool,
    claimed_on: bool,
    claimed_after: bool,
    connection_provider: Option<String>,
    hint: Option<String>,
    connected_by: Option<String>,
    connected_at: Option<OffsetDateTime>,
}

/// How many runs the panel reads: a company has at most one running run and only a run that
/// starts gets a row, so a running run is the newest and the last finished one is then second.
pub const RECENT_RUNS: u32 = 2;

/// The panel's state of `company_id` around `utc_day` (today's UTC date); `None` when the
/// company does not exist.
pub async fn read(
    db: &Db,
    company_id: i64,
    utc_day: NaiveDate,
) -> sqlx::Result<Option<PanelState>> {
    let key = |d: Option<NaiveDate>| d.map(day_key).unwrap_or_default();
    let (before, after) = (
        key(utc_day.checked_sub_days(Days::new(1))),
        key(utc_day.checked_add_days(Days::new(1))),
    );
    // One row per recent run (one with no run columns when there is none), the state repeated.
    let sql = sqlx::AssertSqlSafe(format!(
        "select c.time_zone, c.sync_hour, \
         exists (select 1 from scheduled_syncs s where s.company_id = c.id and s.local_date = $2) as claimed_before, \
         exists (select 1 from scheduled_syncs s where s.company_id = c.id and s.local_date = $3) as claimed_on, \
         exists (select 1 from scheduled_syncs s where s.company_id = c.id and s.local_date = $4) as claimed_after, \
         i.provider as connection_provider, i.hint, p.first_name || ' ' || p.last_name as connected_by, \
         i.connected_at, r.* \
         from companies c left join integrations i on i.company_id = c.id \
         left join people p on p.id = i.connected_by \
         left join ({}) r on true \
         where c.id = $1 order by r.id desc",
        sync_runs::newest_runs_sql(RECENT_RUNS)
    ));
    let (row, recent): (Option<Row>, Vec<Run>) = on_db!(db, p => {
        let rows = sqlx::query(sql)
            .bind(company_id).bind(&before).bind(day_key(utc_day)).bind(&after)
            .fetch_all(p).await?;
        let mut recent = Vec::new();
        for r in &rows {
            recent.extend(sync_runs::run_in(r)?);
        }
        let state = rows.first().map(sqlx::FromRow::from_row).transpose()?;
        Ok::<_, sqlx::Error>((state, recent))
    })?;
    Ok(row.map(|r| PanelState {
        time_zone: r.time_zone,
        sync_hour: r.sync_hour,
        connection: match (
            r.connection_provider.as_deref().and_then(Provider::parse),
            r.connected_at,
        ) {
            (Some(provider), Some(connected_at)) => Some(PanelConnection {
                provider,
                hint: r.hint.unwrap_or_default(),
                connected_by: r.connected_by,
                connected_at,
            }),
            _ => None,
        },
        recent,
        utc_day,
        claims: [r.claimed_before, r.claimed_on, r.claimed_after],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_of_the_companys_day_is_picked_from_the_three_read() {
        let utc_day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let state = |claims| PanelState {
            time_zone: "UTC".into(),
            sync_hour: 5,
            connection: None,
            recent: Vec::new(),
            utc_day,
            claims,
        };
        let day = |d: i64| utc_day + chrono::Duration::days(d);
        let s = state([false, true, false]);
        assert!(s.claimed_on(day(0)));
        assert!(!s.claimed_on(day(-1)) && !s.claimed_on(day(1)));
        let s = state([true, false, true]);
        // Honolulu is still on the 30th, Kiritimati already on January 1st.
        assert!(s.claimed_on(day(-1)) && s.claimed_on(day(1)) && !s.claimed_on(day(0)));
        assert!(
            !s.claimed_on(day(2)) && !s.claimed_on(day(-2)),
            "never known"
        );
    }
}
