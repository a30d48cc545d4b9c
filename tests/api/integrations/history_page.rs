//! The history page: the HRIS column, times to the second in the company's zone, durations in
//! ms under a second, a chart that reads (axes, stacked kinds, failures as symbols, quiet runs,
//! a table alternative), and what people did (connect, disconnect, apply, discard, settings)
//! between the runs, with who did it.

use roster::db::{Db, companies, sync_runs};

use super::*;
use crate::backends_with_fakes;

/// Records a finished run directly (fast), as the worker would.
async fn finished_run(
    app: &TestApp,
    provider: &str,
    outcome: &str,
    tally: sync_runs::Tally,
    duration_ms: i64,
) -> i64 {
    let provider = roster::hris::Provider::parse(provider).unwrap();
    let end = match outcome {
        "succeeded" => sync_runs::End::Succeeded,
        "paused" => sync_runs::End::Paused,
        "failed" => sync_runs::End::Failed(roster::sync::lifecycle::FailureKind::Unreachable),
        "refused" => sync_runs::End::Refused(roster::sync::lifecycle::FailureKind::UntrustedData),
        other => panic!("no outcome {other}"),
    };
    let id = sync_runs::start(
        &app.db,
        app.company_id,
        provider,
        Trigger::Schedule,
        None,
        None,
    )
    .await
    .unwrap()
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    sync_runs::finish(&mut tx, id, end, &tally, None, None, duration_ms)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn set_started_at(db: &Db, run_id: i64, at: time::OffsetDateTime) {
    roster::on_db!(db, p => sqlx::query("update sync_runs set started_at = $1 where id = $2")
        .bind(at).bind(run_id).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
}

/// Each row of the history table: `run:<id>` or `event:<action>`.
fn rows(page: &Page) -> Vec<String> {
    let html = page.html();
    let tr = scraper::Selector::parse("table.runs tbody tr").unwrap();
    let a = scraper::Selector::parse("td.when a").unwrap();
    let action = scraper::Selector::parse(".action").unwrap();
    html.select(&tr)
        .map(|row| match row.select(&a).next() {
            Some(link) => format!(
                "run:{}",
                link.value()
                    .attr("href")
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
            ),
            None => format!(
                "event:{}",
                row.select(&action)
                    .next()
                    .unwrap()
                    .text()
                    .collect::<String>()
            ),
        })
        .collect()
}

fn position(rows: &[String], what: &str) -> usize {
    rows.iter()
        .position(|r| r == what)
        .unwrap_or_else(|| panic!("no {what} in {rows:?}"))
}

backends_with_fakes! {
    async fn runs_show_their_hris_the_time_to_the_second_and_short_durations_in_ms(app, _fakes) {
        let s = companies::CompanySettings { name: "Acme".into(), time_zone: "America/New_York".into(), sync_hour: 5, pause: Default::default() };
        companies::update_settings(&app.db, app.company_id, &s).await.unwrap();
        let a = finished_run(&app, "personio", "succeeded", sync_runs::Tally::default(), 340).await;
        let b = finished_run(&app, "kiwihr", "succeeded", sync_runs::Tally::default(), 1500).await;
        set_started_at(&app.db, a, time::macros::datetime!(2026-07-01 12:05:09 UTC)).await;
        set_started_at(&app.db, b, time::macros::datetime!(2026-07-01 12:05:41 UTC)).await;
        let page = app.manager().await.get("/settings/integrations/history").await;
        assert_eq!(page.status, 200);
        let heads = page.texts("table.runs thead th");
        assert_eq!(heads[..2], ["When".to_string(), "HRIS".to_string()]);
        assert_eq!(page.texts("table.runs tr.run td.hris"), ["kiwiHR", "Personio"]);
        assert_eq!(page.texts("table.runs tr.run td.when"), ["2026-07-01 08:05:41 EDT", "2026-07-01 08:05:09 EDT"]);
        assert_eq!(page.texts("table.runs tr.run td.duration"), ["1.5 s", "340 ms"]);
        // The run's own page too.
        let run = app.manager().await.get(&format!("/settings/integrations/history/{a}")).await;
        assert!(run.text(".facts").contains("2026-07-01 08:05:09 EDT") && run.text(".facts").contains("340 ms"), "{}", run.text(".facts"));
    }

    async fn the_chart_has_axes_stacks_changes_and_marks_failures_apart_from_quiet_runs(app, _fakes) {
        let t = |created, updated, deactivated| sync_runs::Tally { created, updated, deactivated, ..Default::default() };
        let big = finished_run(&app, "personio", "succeeded", t(60, 0, 0), 900).await;
        let mixed = finished_run(&app, "personio", "succeeded", t(0, 3, 2), 900).await;
        let quiet = finished_run(&app, "personio", "succeeded", t(0, 0, 0), 900).await;
        let failed = finished_run(&app, "personio", "failed", t(0, 0, 0), 900).await;
        let refused = finished_run(&app, "personio", "refused", t(0, 0, 0), 900).await;
        let paused = finished_run(&app, "personio", "paused", t(0, 0, 300), 900).await;
        let page = app.manager().await.get("/settings/integrations/history").await;
        let html = page.html();
        let count = |css: &str| html.select(&scraper::Selector::parse(css).unwrap()).count();
        let link = |id: i64, css: &str| count(&format!("svg a[href=\"/settings/integrations/history/{id}\"] {css}"));
        assert_eq!(link(big, "rect.seg.created"), 1);
        assert_eq!(link(mixed, "rect.seg.updated") + link(mixed, "rect.seg.deactivated"), 2, "stacked kinds");
        assert_eq!(link(quiet, "rect.quiet"), 1, "a quiet run is a baseline mark");
        for id in [failed, refused, paused] {
            assert_eq!(link(id, "rect.seg"), 0, "run {id} is no bar");
            assert_eq!(link(id, "circle.symbol"), 1, "run {id} has its symbol");
        }
        assert_eq!(count("svg a.mark-failed"), 1);
        assert_eq!(count("svg a.mark-refused"), 1);
        assert_eq!(count("svg a.mark-paused"), 1);
        // The y axis is scaled to the applied changes (a paused plan of 300 is not drawn).
        assert_eq!(page.texts("svg text.tick"), ["0", "50", "100"]);
        assert_eq!(page.text("svg text.axis-label"), "People changed");
        assert!(!page.texts("svg text.day").is_empty(), "dates on the x axis");
        assert!(page.text("svg title#chart-title").contains("the last 6 syncs"));
        let desc = page.text("svg desc");
        assert!(desc.contains("at most 60 changes") && desc.contains("2 failed or refused, 1 paused"), "{desc}");
        assert_eq!(page.texts("details.chart-table tbody tr").len(), 6, "a table alternative");
        assert!(page.text("details.chart-table tbody tr:first-child").contains("Paused"));
        assert!(!page.body.contains("style="), "no inline style");
    }

    async fn connect_disconnect_apply_discard_and_settings_appear_between_the_runs(app, _fakes) {
        let (m, first) = connected_and_synced(&app).await;
        // Two paused runs, reviewed a little later: one discarded, one applied.
        let earlier = time::OffsetDateTime::now_utc() - time::Duration::seconds(20);
        let dropped = finished_run(&app, "personio", "paused", sync_runs::Tally::default(), 800).await;
        set_started_at(&app.db, dropped, earlier).await;
        assert_eq!(m.post(&format!("/settings/integrations/history/{dropped}/discard"), &[]).await.status, 303);
        let kept = finished_run(&app, "personio", "paused", sync_runs::Tally::default(), 800).await;
        set_started_at(&app.db, kept, earlier).await;
        assert_eq!(m.post(&format!("/settings/integrations/history/{kept}/apply"), &[("confirm", "yes")]).await.status, 303);
        let saved = m.post("/settings/company", &[("name", "Acme"), ("time_zone", "Europe/Paris"), ("sync_hour", "6"), ("max_percent", "20"), ("min_people", "2")]).await;
        assert_eq!(saved.status, 303, "{}", saved.text(".alert, .field-error"));
        let res = m.post("/settings/integrations/disconnect", &[("understood", "1")]).await;
        assert_eq!(res.status, 303);

        let page = m.get("/settings/integrations/history").await;
        let rows = rows(&page);
        assert_eq!(rows[0], "event:Disconnected", "{rows:?}");
        assert!(position(&rows, "event:Settings changed") < position(&rows, &format!("run:{}", first.id)), "{rows:?}");
        assert!(position(&rows, "event:Apply anyway") < position(&rows, &format!("run:{kept}")), "{rows:?}");
        assert!(position(&rows, "event:Discarded") < position(&rows, &format!("run:{dropped}")), "{rows:?}");
        assert!(position(&rows, &format!("run:{}", first.id)) < position(&rows, "event:Connected"), "{rows:?}");
        let events = page.texts("table.runs tr.event");
        for e in &events {
            assert!(e.ends_with("by Maria Manager"), "{e}");
        }
        let text = events.join("\n");
        assert!(text.contains("Connected Personio"), "{text}");
        assert!(text.contains("Disconnected Personio"), "{text}");
        assert!(text.contains(&format!("Discarded paused sync {dropped}")), "{text}");
        assert!(text.contains(&format!("Apply anyway on sync {kept}")), "{text}");
        assert!(text.contains("Time zone Europe/Berlin → Europe/Paris; Sync hour 5:00 → 6:00"), "{text}");
        // Times in the company's (new) zone, to the second.
        let when = page.texts("table.runs tr.event td.when");
        assert!(when.iter().all(|w| w.len() == "2026-12-03 14:00:00 CET".len() && (w.ends_with("CET") || w.ends_with("CEST"))), "{when:?}");
    }
}
