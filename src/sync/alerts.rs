//! Sync alerts: who hears about a sync's end, decided in the transaction of the run's final
//! transition (so the mail exists if and only if the run's end does).
//!
//! - A **morning sync** (the schedule) that ends **failed** after its last retry, **refused**, or
//!   **paused** queues one [`SyncAlert`] per recipient. A failure the worker retries is not an
//!   end: only the last attempt speaks.
//! - A sync **started by a person** (Sync now, the first sync after Connect, Apply anyway,
//!   `roster sync`) alerts no one: that person sees its outcome on the page or in the terminal,
//!   and the next morning's sync alerts if the problem is still there.
//! - **At most one alert a day** per company and problem: the same problem (outcome and kind,
//!   [`Problem::key`]) alerts again only on a later company-local day (a scheduled sync's day is
//!   the morning it was scheduled for). A different problem alerts at once.
//! - Any sync that **succeeds** while a problem is open queues a [`SyncRecovered`] and closes it.
//! - Recipients: the company's alert addresses (Company settings) when it set any; otherwise
//!   every active company manager with a login who did not turn alerts off.

use time::Date;

use crate::{
    db::{
        Tx, companies, sync_alerts,
        sync_runs::{End, Tally},
    },
    hris::Provider,
    mail::{self, Audience, Mail, Problem, SyncAlert, SyncRecovered},
    sync::lifecycle::Trigger,
};

/// A run's final transition, as the alert decision needs it.
#[derive(Debug, Clone)]
pub struct RunEnd {
    pub company_id: i64,
    pub run_id: i64,
    pub provider: Provider,
    pub trigger: Trigger,
    pub end: End,
    /// A retry follows this failure: not the run's last word.
    pub retried: bool,
    /// How many times the job started (retries included).
    pub attempts: i64,
    /// The company-local day a scheduled sync belongs to; `None`: today.
    pub morning: Option<Date>,
    pub tally: Tally,
    /// For a paused run: who it would deactivate, of how many active synced people.
    pub paused: Option<(usize, usize)>,
}

impl RunEnd {
    fn problem(&self) -> Option<Problem> {
        match self.end {
            End::Succeeded => None,
            End::Failed(kind) => Some(Problem::Failed { kind }),
            End::Refused(kind) => Some(Problem::Refused { kind }),
            End::Paused => {
                let (n, of) = self.paused.unwrap_or_default();
                Some(Problem::Paused {
                    would_deactivate: n as i64,
                    active: of as i64,
                })
            }
        }
    }
}

/// What the end of a run calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Nothing,
    Alert(Problem),
    Recovered(Problem),
}

/// The rules of the module doc, pure: `open` is the company's open problem and the day it last
/// alerted, `day` the company-local day of this run.
pub fn decide(run: &RunEnd, open: Option<(Problem, Date)>, day: Date) -> Decision {
    match run.problem() {
        None => match open {
            Some((was, _)) => Decision::Recovered(was),
            None => Decision::Nothing,
        },
        Some(_) if run.retried || run.trigger != Trigger::Schedule => Decision::Nothing,
        Some(p) => match open {
            Some((was, on)) if was.key() == p.key() && on >= day => Decision::Nothing,
            _ => Decision::Alert(p),
        },
    }
}

/// Queues the alert or the recovered mail `run` calls for, inside the transaction that ends it.
pub async fn on_end(tx: &mut Tx, run: &RunEnd) -> anyhow::Result<()> {
    let Some(company) = companies::mail_settings_in(tx, run.company_id).await? else {
        return Ok(());
    };
    let tz = companies::zone(&company.time_zone);
    let now = chrono::Utc::now().with_timezone(&tz);
    let day = match run.morning {
        Some(d) => d,
        None => super::run::today_in(&company.time_zone),
    };
    let open = sync_alerts::open_problem(tx, run.company_id)
        .await?
        .and_then(|o| {
            Some((
                serde_json::from_str::<Problem>(&o.problem).ok()?,
                o.alerted_on,
            ))
        });
    let decision = decide(run, open, day);
    if decision == Decision::Nothing {
        return Ok(());
    }
    let when = format!(
        "{} ({})",
        now.format("%A %-d %B %Y at %H:%M"),
        company.time_zone
    );
    let recipients = recipients(tx, run.company_id, &company.alert_addresses).await?;
    for (address, to) in &recipients {
        let mail = match &decision {
            Decision::Alert(problem) => Mail::SyncAlert(SyncAlert {
                company: company.name.clone(),
                provider: run.provider,
                run_id: run.run_id,
                problem: *problem,
                when: when.clone(),
                attempts: run.attempts,
                to: *to,
            }),
            Decision::Recovered(was) => Mail::SyncRecovered(SyncRecovered {
                company: company.name.clone(),
                provider: run.provider,
                run_id: run.run_id,
                was: *was,
                when: when.clone(),
                created: run.tally.created,
                updated: run.tally.updated,
                deactivated: run.tally.deactivated,
                reactivated: run.tally.reactivated,
                to: *to,
            }),
            Decision::Nothing => unreachable!("returned above"),
        };
        mail::queue(tx, Some(run.company_id), address, &mail).await?;
    }
    match decision {
        Decision::Alert(p) => {
            let json = serde_json::to_string(&p)?;
            sync_alerts::set_open(tx, run.company_id, &json, run.run_id, day).await?
        }
        _ => sync_alerts::close(tx, run.company_id).await?,
    }
    tracing::info!(
        company = run.company_id,
        run_id = run.run_id,
        decision = ?decision,
        recipients = recipients.len(),
        "sync alert queued"
    );
    Ok(())
}

/// The alert addresses when the company chose some, else its managers who want alerts.
async fn recipients(
    tx: &mut Tx,
    company_id: i64,
    addresses: &[String],
) -> anyhow::Result<Vec<(String, Audience)>> {
    if !addresses.is_empty() {
        return Ok(addresses
            .iter()
            .map(|a| (a.clone(), Audience::Address))
            .collect());
    }
    Ok(sync_alerts::managers(tx, company_id)
        .await?
        .into_iter()
        .map(|m| (m.email, Audience::Manager { person_id: m.id }))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::lifecycle::FailureKind;

    fn end(trigger: Trigger, end: End, retried: bool) -> RunEnd {
        RunEnd {
            company_id: 1,
            run_id: 2,
            provider: Provider::Personio,
            trigger,
            end,
            retried,
            attempts: 1,
            morning: None,
            tally: Tally::default(),
            paused: Some((5, 10)),
        }
    }

    const DOWN: End = End::Failed(FailureKind::Unreachable);

    #[test]
    fn a_morning_problem_alerts_once_a_day_and_a_retry_waits() {
        let day = time::macros::date!(2026 - 12 - 03);
        let next = time::macros::date!(2026 - 12 - 04);
        let down = Problem::Failed {
            kind: FailureKind::Unreachable,
        };
        let paused = Problem::Paused {
            would_deactivate: 5,
            active: 10,
        };
        assert_eq!(
            decide(&end(Trigger::Schedule, DOWN, true), None, day),
            Decision::Nothing
        );
        assert_eq!(
            decide(&end(Trigger::Schedule, DOWN, false), None, day),
            Decision::Alert(down)
        );
        let open = Some((down, day));
        assert_eq!(
            decide(&end(Trigger::Schedule, DOWN, false), open, day),
            Decision::Nothing
        );
        assert_eq!(
            decide(&end(Trigger::Schedule, DOWN, false), open, next),
            Decision::Alert(down)
        );
        // Another problem is news the same day.
        let pause = end(Trigger::Schedule, End::Paused, false);
        assert_eq!(decide(&pause, open, day), Decision::Alert(paused));
        let rejected = End::Failed(FailureKind::CredentialsRejected);
        assert!(matches!(
            decide(&end(Trigger::Schedule, rejected, false), open, day),
            Decision::Alert(_)
        ));
    }

    #[test]
    fn a_sync_someone_started_alerts_no_one_but_any_success_recovers() {
        let day = time::macros::date!(2026 - 12 - 03);
        let down = Problem::Failed {
            kind: FailureKind::Unreachable,
        };
        for t in [
            Trigger::Manual,
            Trigger::Connect,
            Trigger::Approval,
            Trigger::Cli,
        ] {
            assert_eq!(decide(&end(t, DOWN, false), None, day), Decision::Nothing);
            assert_eq!(
                decide(&end(t, End::Paused, false), None, day),
                Decision::Nothing
            );
            assert_eq!(
                decide(&end(t, End::Succeeded, false), Some((down, day)), day),
                Decision::Recovered(down)
            );
        }
        let ok = end(Trigger::Schedule, End::Succeeded, false);
        assert_eq!(decide(&ok, None, day), Decision::Nothing);
    }
}
