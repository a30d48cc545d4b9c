//! The history's small bar chart, drawn on the server as inline SVG (attributes only, no inline
//! style, so it passes the CSP): changes per run, oldest on the left, failures marked in red.

/// One run, as the chart needs it.
pub struct Point {
    pub run_id: i64,
    pub changes: i64,
    pub failed: bool,
    /// The tooltip ("2026-03-01 05:00 CET: 12 changes").
    pub label: String,
}

pub struct Bar {
    pub run_id: i64,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// CSS class: "bar", or "bar failed" (a full-height red marker).
    pub class: &'static str,
    pub label: String,
}

pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub bars: Vec<Bar>,
    pub max: i64,
}

const HEIGHT: u32 = 80;
const SLOT: u32 = 14;
const GAP: u32 = 4;
/// The smallest visible bar, so a run with a single change still shows.
const MIN_BAR: u32 = 2;

/// Lays out `points` (oldest first) as bars scaled to the largest change count.
pub fn chart(points: &[Point]) -> Chart {
    let max = points.iter().map(|p| p.changes).max().unwrap_or(0).max(1);
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let height = if p.failed {
                HEIGHT
            } else if p.changes == 0 {
                0
            } else {
                ((p.changes as u64 * u64::from(HEIGHT)) / max as u64).max(u64::from(MIN_BAR)) as u32
            };
            Bar {
                run_id: p.run_id,
                x: i as u32 * SLOT,
                y: HEIGHT - height,
                width: SLOT - GAP,
                height,
                class: if p.failed { "bar failed" } else { "bar" },
                label: p.label.clone(),
            }
        })
        .collect();
    Chart {
        width: (points.len() as u32 * SLOT).max(SLOT),
        height: HEIGHT,
        bars,
        max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(changes: i64, failed: bool) -> Point {
        Point {
            run_id: 1,
            changes,
            failed,
            label: String::new(),
        }
    }

    #[test]
    fn bars_scale_to_the_largest_run_and_failures_are_marked() {
        let c = chart(&[p(10, false), p(5, false), p(0, true), p(0, false)]);
        assert_eq!(c.bars[0].height, HEIGHT);
        assert_eq!(c.bars[1].height, HEIGHT / 2);
        assert_eq!(c.bars[2].class, "bar failed");
        assert_eq!(c.bars[3].height, 0);
        assert_eq!(
            c.bars[1].y + c.bars[1].height,
            HEIGHT,
            "bars stand on the baseline"
        );
        assert_eq!(c.bars[3].x, 3 * SLOT);
    }

    #[test]
    fn an_empty_history_draws_an_empty_chart() {
        let c = chart(&[]);
        assert!(c.bars.is_empty());
        assert!(c.width > 0);
    }
}
