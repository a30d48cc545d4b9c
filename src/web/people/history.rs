//! A person's own sync history on their page: every change any sync made to them, grouped by the
//! run that made it (when, which HRIS, a link to the run) with the reason reconcile recorded.

use crate::{
    db::person_history::{self, PersonChange},
    directory::Attribute,
    hris::Provider,
    sync::HistoryField,
    web::{AppError, AppState, integrations::CompanyClock},
};

/// Most changes shown; the run pages have the rest.
pub const MAX_CHANGES: i64 = 100;

/// One run's changes to the person.
pub struct RunChanges {
    pub run_id: i64,
    pub when: String,
    pub provider: String,
    pub lines: Vec<Line>,
}

/// One change, in words.
pub struct Line {
    pub label: String,
    /// "Engineer → Senior Engineer", or a created person's initial values.
    pub text: String,
    pub reason: Option<String>,
}

/// The person's sync history, newest run first, and whether older changes were left out.
pub async fn of(
    state: &AppState,
    company_id: i64,
    person_id: i64,
    clock: &CompanyClock,
) -> Result<(Vec<RunChanges>, bool), AppError> {
    let rows = person_history::changes(&state.db, company_id, person_id, MAX_CHANGES + 1).await?;
    let more = rows.len() as i64 > MAX_CHANGES;
    let mut runs: Vec<RunChanges> = Vec::new();
    for row in rows.into_iter().take(MAX_CHANGES as usize) {
        if runs.last().is_none_or(|r| r.run_id != row.run_id) {
            runs.push(RunChanges {
                run_id: row.run_id,
                when: clock.show(row.at),
                provider: Provider::parse(&row.provider)
                    .map_or_else(|| row.provider.clone(), |p| p.label().to_string()),
                lines: Vec::new(),
            });
        }
        runs.last_mut().expect("pushed above").lines.push(line(row));
    }
    Ok((runs, more))
}

fn line(c: PersonChange) -> Line {
    let field = HistoryField::parse(&c.field);
    let text = match field {
        Some(HistoryField::Created) => {
            crate::web::integrations::initial_summary(c.after.as_deref().unwrap_or_default())
        }
        Some(HistoryField::Attribute(a)) => before_after(a, c.before, c.after),
        Some(HistoryField::Custom(_)) => format!(
            "{} → {}",
            c.before.as_deref().unwrap_or("—"),
            c.after.as_deref().unwrap_or("—")
        ),
        None => format!(
            "{} → {}",
            c.before.unwrap_or_default(),
            c.after.unwrap_or_default()
        ),
    };
    Line {
        label: field.map_or_else(|| "Other".to_string(), |f| f.label().to_string()),
        text,
        reason: c.reason,
    }
}

fn before_after(a: Attribute, before: Option<String>, after: Option<String>) -> String {
    let show = |v: Option<String>| v.map_or_else(|| "—".to_string(), |v| a.show(&v));
    match a {
        // A membership row names one group: added (after) or removed (before).
        Attribute::Groups => match (before, after) {
            (_, Some(g)) => format!("added to {g}"),
            (Some(g), None) => format!("removed from {g}"),
            (None, None) => String::new(),
        },
        _ => format!("{} → {}", show(before), show(after)),
    }
}
