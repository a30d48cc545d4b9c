//! Sync alerts and "Invite new people automatically", end to end on both backends: the morning
//! schedule driven with chosen dates (`worker::schedule_tick`), the app's worker running the
//! syncs against the fake Personio, and the mail read at a real SMTP server (aiosmtpd). This
//! module holds what the scenarios share; they are in `sync_alerts` and `invites`.

mod invites;
mod sync_alerts;

use std::time::Duration;

use chrono::{TimeZone, Utc};
use roster::db::{audit, outbox, people, sync_runs};
use roster::directory::Role;
use roster::fake::people::FakeStatus;
use roster::fake::{Fault, FaultKind, Target};
use roster::jobs::{Jobs, MAX_ATTEMPTS, SyncJob};
use roster::sync::lifecycle::State;
use roster::sync::run::{Request, Trigger};

use crate::backends_with_fakes;
use crate::helpers::*;
use crate::integrations::connected_and_synced;
use crate::smtp_server::*;

const MO: &str = "mo.manager@acme.test";

/// 08:00 UTC (09:00 in Berlin, past the 05:00 sync hour) on the given November day.
fn morning(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 8, 0, 0).unwrap()
}

/// Queues the company's morning sync of that day, as the scheduler does.
async fn schedule(app: &TestApp, day: u32) {
    let queued = roster::worker::schedule_tick(&app.db, morning(day))
        .await
        .unwrap();
    assert_eq!(queued, 1, "one morning sync for 2026-11-{day}");
}

/// Waits (at most 60 s) until the company has `n` runs and none is running; returns them, oldest first.
async fn runs(app: &TestApp, n: usize) -> Vec<sync_runs::Run> {
    for _ in 0..600 {
        let mut all = sync_runs::list(&app.db, app.company_id, 100, 0)
            .await
            .unwrap();
        if all.len() >= n && all.iter().all(|r| !r.state.is_live()) {
            all.reverse();
            return all;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {n} finished runs within 60 s");
}

/// The company's queued mail of `kind`, oldest first, as (recipient, payload).
async fn queued(app: &TestApp, kind: &str) -> Vec<outbox::OutboxRow> {
    let mut rows: Vec<_> = outbox::list(&app.db, Some(app.company_id), 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == kind)
        .collect();
    rows.reverse();
    rows
}

fn recipients(rows: &[outbox::OutboxRow]) -> Vec<String> {
    let mut to: Vec<String> = rows.iter().map(|r| r.recipient.clone()).collect();
    to.sort();
    to
}

/// Every queued mail reached the SMTP server, and nothing else did.
async fn all_delivered(app: &TestApp, smtp: &SmtpServer) -> Vec<Delivered> {
    let n = outbox::list(&app.db, Some(app.company_id), 1000)
        .await
        .unwrap()
        .len();
    let got = smtp.wait_for(n).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(smtp.messages().len(), n, "each queued mail sent once");
    got
}

fn path_of(app: &TestApp, link: &str) -> String {
    link.strip_prefix(&app.url(""))
        .unwrap_or_else(|| panic!("{link} is not under {}", app.url("")))
        .to_string()
}

async fn second_manager(app: &TestApp) -> i64 {
    add_login(&app.db, "acme", MO, Role::Manager, "Mo", "Manager").await;
    people::find_by_email(&app.db, app.company_id, MO)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Deactivates half of the active synced people in the fake, so the next sync pauses for
/// review; returns (how many would be deactivated, of how many active synced people).
async fn half_leave(app: &TestApp, fakes: &crate::integrations::Fakes) -> (usize, usize) {
    let active: Vec<_> = people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.active && p.source == roster::directory::Source::Personio)
        .collect();
    let leaving = active.len() / 2;
    for p in &active[..leaving] {
        let id = p.source_id.as_deref().unwrap().parse().unwrap();
        assert!(fakes.personio.set_status(id, FakeStatus::Inactive));
    }
    (leaving, active.len())
}
