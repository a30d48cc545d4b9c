//! A run's changes grouped by person, for the run page: which people a filter and a name search
//! keep, a page of them (a person is never split over two pages), and each person's one-line
//! summary ("Job: Engineer → Senior Engineer · Manager: Anna Weber → Ben Ott") over the lines
//! shown when the person is opened.

use crate::db::run_people::{ChangeRecord, PersonKey, PersonSummary, PersonWarning};
use crate::hris::Provider;

use super::labels;

/// People per page of a run.
pub const PEOPLE_PER_PAGE: usize = 50;
/// Changes named in a person's summary line before "+ N more".
const SUMMARY_ITEMS: usize = 3;

/// Which people of a run to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Created,
    Updated,
    Deactivated,
    Reactivated,
    Warnings,
}

impl Filter {
    pub const ALL: [Filter; 6] = [
        Filter::All,
        Filter::Created,
        Filter::Updated,
        Filter::Deactivated,
        Filter::Reactivated,
        Filter::Warnings,
    ];

    /// The filter a query names; anything else shows everyone.
    pub fn parse(s: &str) -> Filter {
        Filter::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .unwrap_or(Filter::All)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Created => "created",
            Filter::Updated => "updated",
            Filter::Deactivated => "deactivated",
            Filter::Reactivated => "reactivated",
            Filter::Warnings => "warnings",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "Everyone",
            Filter::Created => "Created",
            Filter::Updated => "Updated",
            Filter::Deactivated => "Deactivated",
            Filter::Reactivated => "Reactivated",
            Filter::Warnings => "Warnings",
        }
    }

    pub fn keeps(self, s: &PersonSummary) -> bool {
        match self {
            Filter::All => true,
            Filter::Created => s.created,
            Filter::Updated => s.updated,
            Filter::Deactivated => s.deactivated,
            Filter::Reactivated => s.reactivated,
            Filter::Warnings => s.warnings > 0,
        }
    }
}

/// One choice of the filter bar, with how many people it would show.
pub struct FilterChoice {
    pub filter: &'static str,
    pub label: &'static str,
    pub count: usize,
    pub current: bool,
}

/// The people a filter and a search keep, and one page of them.
pub struct Selection {
    pub page: Vec<PersonSummary>,
    /// People kept by the filter and the search.
    pub matching: usize,
    pub page_number: usize,
    pub pages: usize,
    pub choices: Vec<FilterChoice>,
}

/// True when `name` contains `q`, ignoring case in any script ("öz" finds "Özil").
pub fn name_matches(name: &str, q: &str) -> bool {
    let q = q.trim().to_lowercase();
    q.is_empty() || name.to_lowercase().contains(&q)
}

/// Sorts people by name, keeps those `filter` and `q` keep, and cuts page `page` (from 1,
/// clamped) of them. The filter choices count within the search.
pub fn select(mut people: Vec<PersonSummary>, filter: Filter, q: &str, page: usize) -> Selection {
    people.retain(|s| name_matches(&s.name, q));
    people.sort_by_cached_key(|s| (s.name.to_lowercase(), s.key.clone()));
    let choices = Filter::ALL
        .into_iter()
        .map(|f| FilterChoice {
            filter: f.as_str(),
            label: f.label(),
            count: people.iter().filter(|s| f.keeps(s)).count(),
            current: f == filter,
        })
        .collect();
    people.retain(|s| filter.keeps(s));
    let matching = people.len();
    let pages = matching.div_ceil(PEOPLE_PER_PAGE).max(1);
    let page_number = page.clamp(1, pages);
    let page = people
        .into_iter()
        .skip((page_number - 1) * PEOPLE_PER_PAGE)
        .take(PEOPLE_PER_PAGE)
        .collect();
    Selection {
        page,
        matching,
        page_number,
        pages,
        choices,
    }
}

/// One changed field of a person, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub label: String,
    pub before: String,
    pub after: String,
    /// Why the sync made this change (deactivations, reactivations, manager changes).
    pub reason: Option<String>,
}

/// One person of a run as the page shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonGroup {
    pub person_id: Option<i64>,
    pub name: String,
    /// "Created", "Updated", "Deactivated", "Reactivated".
    pub badges: Vec<&'static str>,
    pub summary: String,
    pub lines: Vec<Line>,
    pub warnings: Vec<String>,
}

/// Builds the page's people from their summaries, history rows and warnings (any order).
pub fn groups(
    page: &[PersonSummary],
    changes: &[ChangeRecord],
    warnings: &[PersonWarning],
    provider: Provider,
) -> Vec<PersonGroup> {
    page.iter()
        .map(|s| {
            let rows: Vec<&ChangeRecord> = changes.iter().filter(|c| c.key() == s.key).collect();
            let lines: Vec<Line> = rows.iter().map(|c| line(c, provider)).collect();
            PersonGroup {
                person_id: match s.key {
                    PersonKey::Id(id) => Some(id),
                    PersonKey::Name(_) => None,
                },
                name: s.name.clone(),
                badges: badges(s),
                summary: summary(s, &rows, &lines),
                lines,
                warnings: warnings
                    .iter()
                    .filter(|w| w.key() == s.key)
                    .map(|w| w.message.clone())
                    .collect(),
            }
        })
        .collect()
}

fn badges(s: &PersonSummary) -> Vec<&'static str> {
    [
        (s.created, "Created"),
        (s.updated, "Updated"),
        (s.deactivated, "Deactivated"),
        (s.reactivated, "Reactivated"),
    ]
    .into_iter()
    .filter_map(|(on, b)| on.then_some(b))
    .collect()
}

fn line(c: &ChangeRecord, provider: Provider) -> Line {
    let show = |v: &Option<String>| {
        v.as_deref()
            .map(|v| labels::show(&c.field, v, provider))
            .unwrap_or_default()
    };
    Line {
        label: labels::label(&c.field, provider),
        before: show(&c.before),
        after: show(&c.after),
        reason: c.reason.clone(),
    }
}

/// The one line under a person's name. A created person: the fields people look for first
/// (job, department, manager, and their status when it is not active). Anyone else: each change
/// as "Label: before → after", status changes first, with their reason.
fn summary(s: &PersonSummary, rows: &[&ChangeRecord], lines: &[Line]) -> String {
    let mut items: Vec<String> = Vec::new();
    if s.created {
        items.push("New in Roster".into());
        for (row, l) in rows.iter().zip(lines) {
            let wanted = matches!(row.field.as_str(), "position" | "department" | "manager")
                || (row.field == "active" && row.after.as_deref() == Some("inactive"));
            if wanted && !l.after.is_empty() {
                items.push(format!("{}: {}", l.label, l.after));
            }
        }
    } else {
        let mut ordered: Vec<(&&ChangeRecord, &Line)> = rows.iter().zip(lines).collect();
        ordered.sort_by_key(|(row, _)| row.field != "active");
        let (groups, others): (Vec<_>, Vec<_>) = ordered
            .into_iter()
            .partition(|(row, _)| row.field == "groups");
        for (_, l) in others {
            let mut item = format!("{}: {} → {}", l.label, dash(&l.before), dash(&l.after));
            if let Some(r) = &l.reason {
                item.push_str(&format!(" ({r})"));
            }
            items.push(item);
        }
        if !groups.is_empty() {
            let moves: Vec<String> = groups
                .iter()
                .map(|(_, l)| {
                    if l.after.is_empty() {
                        format!("− {}", l.before)
                    } else {
                        format!("+ {}", l.after)
                    }
                })
                .collect();
            items.push(format!("Groups: {}", moves.join(", ")));
        }
    }
    if items.is_empty() && s.warnings > 0 {
        items.push("No change".into());
    }
    let more = items
        .len()
        .saturating_sub(SUMMARY_ITEMS + usize::from(s.created));
    items.truncate(SUMMARY_ITEMS + usize::from(s.created));
    let mut out = items.join(" · ");
    if more > 0 {
        out.push_str(&format!(" · + {more} more"));
    }
    out
}

fn dash(v: &str) -> &str {
    if v.is_empty() { "—" } else { v }
}

#[cfg(test)]
#[path = "grouping_tests.rs"]
mod tests;
