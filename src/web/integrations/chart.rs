//! The history's chart, drawn on the server as inline SVG (attributes only, no inline style, so
//! it passes the CSP): one column per run, oldest on the left, dates under the x axis, a
//! labelled y axis of changes. Created, updated, deactivated and reactivated people are stacked;
//! a run that changed nobody is a thin baseline mark; a failed, refused or paused run changed
//! nobody either and gets a symbol of its own above the axis, never a bar.

/// What a run's column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Applied changes: stacked segments (a thin baseline mark when there were none).
    Changes,
    Failed,
    Refused,
    /// Paused for review (or a paused run since applied, discarded or superseded).
    Paused,
    /// Still queued or running.
    Running,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Changes => "changes",
            Mark::Failed => "failed",
            Mark::Refused => "refused",
            Mark::Paused => "paused",
            Mark::Running => "running",
        }
    }
}

/// One run, as the chart needs it.
pub struct Point {
    pub run_id: i64,
    /// The run's day as the x axis writes it ("3 Dec").
    pub day: String,
    /// What a pointer or a screen reader gets ("3 Dec 2026 05:00:12 CET: 12 created, …").
    pub label: String,
    pub mark: Mark,
    pub created: i64,
    pub updated: i64,
    pub deactivated: i64,
    pub reactivated: i64,
}

impl Point {
    fn total(&self) -> i64 {
        self.created + self.updated + self.deactivated + self.reactivated
    }
}

pub struct Segment {
    pub class: &'static str,
    pub y: u32,
    pub height: u32,
}

/// One run's column: its link, its stacked segments or its symbol.
pub struct Column {
    pub run_id: i64,
    pub x: u32,
    /// The column's middle, where a symbol or a day label is centred.
    pub mid: u32,
    pub width: u32,
    pub mark: &'static str,
    pub quiet: bool,
    pub segments: Vec<Segment>,
    pub label: String,
}

pub struct Tick {
    pub y: u32,
    pub value: i64,
}

pub struct DayLabel {
    pub x: u32,
    pub text: String,
}

pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub left: u32,
    pub right: u32,
    /// The y of the x axis (the baseline).
    pub base: u32,
    pub top: u32,
    pub columns: Vec<Column>,
    pub ticks: Vec<Tick>,
    pub days: Vec<DayLabel>,
}

const LEFT: u32 = 44;
const RIGHT: u32 = 8;
const TOP: u32 = 12;
const PLOT: u32 = 140;
const BOTTOM: u32 = 34;
const SLOT: u32 = 24;
const GAP: u32 = 6;
/// The smallest visible segment, so a run with one change among thousands still shows.
const MIN_SEGMENT: u32 = 2;

/// 1, 2, 5, 10, 20, 50, …: the smallest at least `n`.
fn round_up(n: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if step * m >= n {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// 0, the middle (when it is a whole number) and the top of the y axis.
fn ticks(max: i64) -> Vec<i64> {
    let mut v = vec![0, max / 2, max];
    v.dedup();
    if max % 2 == 1 {
        v.retain(|t| *t != max / 2 || *t == 0);
    }
    v
}

/// Lays out `points` (oldest first).
pub fn chart(points: &[Point]) -> Chart {
    let most = points
        .iter()
        .filter(|p| p.mark == Mark::Changes)
        .map(Point::total)
        .max()
        .unwrap_or(0);
    let max = round_up(most.max(1));
    let base = TOP + PLOT;
    let scale = |n: i64| -> u32 {
        if n <= 0 {
            0
        } else {
            ((n as u64 * u64::from(PLOT)) / max as u64).max(u64::from(MIN_SEGMENT)) as u32
        }
    };
    let mut days: Vec<DayLabel> = Vec::new();
    let columns = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = LEFT + i as u32 * SLOT + GAP / 2;
            let mid = x + (SLOT - GAP) / 2;
            if days.last().is_none_or(|d| d.text != p.day) {
                days.push(DayLabel {
                    x: mid,
                    text: p.day.clone(),
                });
            }
            let mut y = base;
            let mut segments = Vec::new();
            if p.mark == Mark::Changes {
                for (class, n) in [
                    ("created", p.created),
                    ("updated", p.updated),
                    ("deactivated", p.deactivated),
                    ("reactivated", p.reactivated),
                ] {
                    let height = scale(n);
                    if height > 0 {
                        y -= height;
                        segments.push(Segment { class, y, height });
                    }
                }
            }
            Column {
                run_id: p.run_id,
                x,
                mid,
                width: SLOT - GAP,
                mark: p.mark.as_str(),
                quiet: p.mark == Mark::Changes && segments.is_empty(),
                segments,
                label: p.label.clone(),
            }
        })
        .collect();
    // Days closer than two columns would overlap: keep the first of them.
    let mut kept: Vec<DayLabel> = Vec::new();
    for d in days {
        if kept.last().is_none_or(|k| d.x >= k.x + 2 * SLOT) {
            kept.push(d);
        }
    }
    Chart {
        width: LEFT + (points.len() as u32).max(1) * SLOT + RIGHT,
        height: base + BOTTOM,
        left: LEFT,
        right: LEFT + (points.len() as u32).max(1) * SLOT,
        base,
        top: TOP,
        columns,
        ticks: ticks(max)
            .into_iter()
            .map(|value| Tick {
                y: base - scale(value),
                value,
            })
            .collect(),
        days: kept,
    }
}

#[cfg(test)]
#[path = "chart_tests.rs"]
mod tests;
