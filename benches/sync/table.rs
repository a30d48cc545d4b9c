//! The one table the benchmark prints: each figure, its ratio to the fetch floor, the target
//! and whether it was met.

use std::time::Duration;

pub struct Row {
    pub name: String,
    pub value: String,
    /// Against the fetch floor measured in the same run.
    pub ratio: Option<f64>,
    pub target: String,
    pub met: Option<bool>,
    pub note: String,
}

#[derive(Default)]
pub struct Table {
    pub rows: Vec<Row>,
}

pub fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

impl Table {
    pub fn add(
        &mut self,
        name: impl Into<String>,
        value: impl Into<String>,
        ratio: Option<f64>,
        target: impl Into<String>,
        met: Option<bool>,
        note: impl Into<String>,
    ) {
        let row = Row {
            name: name.into(),
            value: value.into(),
            ratio,
            target: target.into(),
            met,
            note: note.into(),
        };
        eprintln!(
            "  {}: {} {}",
            row.name,
            row.value,
            row.ratio.map(|r| format!("({r:.2}x)")).unwrap_or_default()
        );
        self.rows.push(row);
    }

    /// A Markdown table, so BENCHMARKS.md can take it as printed.
    pub fn print(&self) {
        println!("| figure | value | × fetch floor | target | met | notes |");
        println!("|---|---|---|---|---|---|");
        for r in &self.rows {
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                r.name,
                r.value,
                r.ratio.map(|x| format!("{x:.2}")).unwrap_or_default(),
                r.target,
                match r.met {
                    Some(true) => "yes",
                    Some(false) => "**no**",
                    None => "",
                },
                r.note
            );
        }
    }
}
