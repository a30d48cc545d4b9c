//! One morning sync a day: connecting after the company's sync hour makes exactly one run that
//! day (the first sync), the panel says the next is tomorrow's, and tomorrow's comes once.

use chrono::{Duration as Days, TimeZone, Utc};
use roster::sync::morning;

use super::*;
use crate::backends_with_fakes;

backends_with_fakes! {
    async fn connecting_after_the_sync_hour_makes_exactly_one_run_that_day(app, _fakes) {
        // The hour is 00:00 in Berlin: whenever this runs, today's hour has passed.
        roster::on_db!(&app.db, p => sqlx::query("update companies set sync_hour = 0 where id = $1")
            .bind(app.company_id).execute(p).await.map(|r| r.rows_affected()).unwrap());
        let (m, first) = connected_and_synced(&app).await;
        assert_eq!(first.trigger, Trigger::Connect);

        // Every process's scheduler ticks, now and later today: nothing more is queued.
        let now = Utc::now();
        assert_eq!(roster::worker::schedule_tick(&app.db, now).await.unwrap(), 0);
        assert_eq!(roster::worker::schedule_tick(&app.db, now + Days::seconds(90)).await.unwrap(), 0);
        let queued = roster::jobs::queued(&app.db).await.unwrap();
        assert!(queued.iter().all(|q| q.job.trigger == Trigger::Connect), "{queued:?}");
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 1);

        // The panel says tomorrow at 00:00, the same rule as the scheduler's.
        let tz = chrono_tz::Europe::Berlin;
        let tomorrow = morning::local_date(now, tz).succ_opt().unwrap();
        let midnight = tz.from_local_datetime(&tomorrow.and_hms_opt(0, 0, 0).unwrap()).earliest().unwrap();
        let panel = m.get("/settings/integrations").await;
        let next = panel.text(".next-sync");
        assert!(next.contains(&format!("{} 00:00", tomorrow.format("%Y-%m-%d"))), "{next}");

        // Tomorrow's morning is queued once, at its hour.
        let at = midnight.with_timezone(&Utc);
        assert_eq!(roster::worker::schedule_tick(&app.db, at - Days::seconds(1)).await.unwrap(), 0);
        assert_eq!(roster::worker::schedule_tick(&app.db, at).await.unwrap(), 1);
        assert_eq!(roster::worker::schedule_tick(&app.db, at + Days::hours(3)).await.unwrap(), 0);
    }
}
