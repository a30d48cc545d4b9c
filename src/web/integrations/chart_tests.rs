use super::*;

fn p(day: &str, mark: Mark, created: i64, updated: i64, deactivated: i64) -> Point {
    Point {
        run_id: 1,
        day: day.into(),
        label: String::new(),
        mark,
        created,
        updated,
        deactivated,
        reactivated: 0,
    }
}

#[test]
fn changes_are_stacked_on_the_baseline_and_scaled_to_a_round_top() {
    let c = chart(&[
        p("1 Dec", Mark::Changes, 60, 0, 0),
        p("2 Dec", Mark::Changes, 0, 3, 2),
    ]);
    assert_eq!(c.ticks.last().unwrap().value, 100, "a round top");
    let first = &c.columns[0];
    assert_eq!(first.segments.len(), 1);
    assert_eq!(first.segments[0].y + first.segments[0].height, c.base);
    assert_eq!(first.segments[0].height, PLOT * 60 / 100);
    let second = &c.columns[1];
    let classes: Vec<&str> = second.segments.iter().map(|s| s.class).collect();
    assert_eq!(classes, ["updated", "deactivated"]);
    assert_eq!(
        second.segments[1].y + second.segments[1].height,
        second.segments[0].y,
        "stacked"
    );
    let ticks: Vec<i64> = c.ticks.iter().map(|t| t.value).collect();
    assert_eq!(ticks, [0, 50, 100]);
    assert_eq!(c.ticks[2].y, c.top);
}

#[test]
fn failures_and_pauses_are_symbols_and_quiet_runs_a_baseline_mark() {
    let c = chart(&[
        p("1 Dec", Mark::Changes, 5, 0, 0),
        p("1 Dec", Mark::Failed, 0, 0, 0),
        p("2 Dec", Mark::Refused, 0, 0, 0),
        p("2 Dec", Mark::Paused, 0, 0, 9),
        p("3 Dec", Mark::Changes, 0, 0, 0),
    ]);
    for i in 1..4 {
        assert!(
            c.columns[i].segments.is_empty(),
            "{} has no bar",
            c.columns[i].mark
        );
        assert!(!c.columns[i].quiet);
    }
    assert_eq!(c.columns[1].mark, "failed");
    assert_eq!(c.columns[3].mark, "paused");
    assert!(c.columns[4].quiet);
    assert_eq!(
        c.ticks.last().unwrap().value,
        5,
        "a paused plan does not set the scale"
    );
    // One label per day, never two overlapping.
    let days: Vec<&str> = c.days.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(days, ["1 Dec", "2 Dec", "3 Dec"]);
}

#[test]
fn an_empty_history_draws_axes_only() {
    let c = chart(&[]);
    assert!(c.columns.is_empty());
    assert!(c.width > c.left);
    assert_eq!(round_up(1), 1);
    assert_eq!(round_up(7), 10);
    assert_eq!(round_up(101), 200);
}
