//! HRIS text made safe to store and show, at the parser boundary, the same for every provider and
//! both database backends: control characters (NUL included, which PostgreSQL cannot store) and
//! bidirectional overrides/isolates (which make a name read differently from what it is) are
//! removed, line breaks and tabs become spaces, and over-long values are cut to the limits in
//! [`crate::directory::limits`]. Each repair is a problem of the person (a warning in the run);
//! the person is still synced, so one bad record never blocks the company's sync.

use crate::directory::limits;
use crate::hris::{Field, HrisPerson};

/// Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` without control and bidi characters (tabs and line breaks become spaces), trimmed, and
/// how many characters were removed or replaced.
fn strip(s: &str) -> (String, usize) {
    let mut out = String::with_capacity(s.len());
    let mut repaired = 0;
    for c in s.chars() {
        if matches!(c, '\t' | '\n' | '\r') {
            out.push(' ');
            repaired += 1;
        } else if c.is_control() || is_bidi_control(c) {
            repaired += 1;
        } else {
            out.push(c);
        }
    }
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        (out, repaired)
    } else {
        (trimmed.to_owned(), repaired)
    }
}

/// `s` without control and bidi characters, trimmed: for labels the provider sends.
pub fn plain(s: &str) -> String {
    strip(s).0
}

/// Cleans `value` in place and cuts it to `max` characters (`None`: never cut), noting each
/// repair in `problems` under `what`.
fn text(value: &mut String, what: &str, max: Option<usize>, problems: &mut Vec<String>) {
    let clean_already = !value.chars().any(|c| c.is_control() || is_bidi_control(c));
    if !clean_already {
        let (clean, n) = strip(value);
        *value = clean;
        problems.push(format!(
            "{what}: {n} control or text-direction character{} removed",
            if n == 1 { " was" } else { "s were" }
        ));
    }
    if let Some(max) = max
        && !limits::fits(value, max)
    {
        let sent = value.chars().count();
        let cut = limits::truncate(value, max).trim_end().len();
        value.truncate(cut);
        problems.push(format!(
            "{what}: cut to {max} characters (the HRIS sent {sent})"
        ));
    }
}

/// A text field; one that is empty after cleaning is sent empty.
fn field(f: &mut Field<String>, what: &str, max: usize, problems: &mut Vec<String>) {
    if let Field::Value(v) = f {
        text(v, what, Some(max), problems);
        if v.is_empty() {
            *f = Field::Empty;
        }
    }
}

/// Cleans every text of one parsed person; what was repaired is added to `p.problems`.
pub fn person(p: &mut HrisPerson) {
    let mut problems = Vec::new();
    text(
        &mut p.source_id,
        "HRIS ID",
        Some(limits::SOURCE_ID),
        &mut problems,
    );
    // An address is never cut (a shorter one is another address): an over-long one is refused
    // by the email check, and the person is skipped with that error.
    if let Some(e) = &mut p.email {
        text(e, "Email", None, &mut problems);
    }
    field(&mut p.first_name, "First name", limits::NAME, &mut problems);
    field(&mut p.last_name, "Last name", limits::NAME, &mut problems);
    field(&mut p.position, "Job", limits::POSITION, &mut problems);
    field(
        &mut p.department,
        "Department",
        limits::DEPARTMENT,
        &mut problems,
    );
    field(&mut p.gender, "Gender", limits::GENDER, &mut problems);
    field(
        &mut p.employee_number,
        "Employee number",
        limits::EMPLOYEE_NUMBER,
        &mut problems,
    );
    for s in [&mut p.status, &mut p.unknown_status].into_iter().flatten() {
        text(s, "Status", Some(limits::STATUS), &mut problems);
    }
    if let Field::Value(m) = &mut p.manager {
        text(
            &mut m.source_id,
            "Manager's HRIS ID",
            Some(limits::SOURCE_ID),
            &mut problems,
        );
        if let Some(e) = &mut m.email {
            text(e, "Manager's email", None, &mut problems);
        }
    }
    if let Field::Value(groups) = &mut p.groups {
        for g in groups.iter_mut() {
            text(g, "Group", Some(limits::GROUP_NAME), &mut problems);
        }
        let mut seen = std::collections::HashSet::new();
        groups.retain(|g| !g.is_empty() && seen.insert(g.clone()));
    }
    // Attribute values are shown on pages and compared by rules; their labels are cleaned once
    // per page, where the parser makes the shared description ([`plain`]).
    p.attributes.rewrite_values(|v| {
        v.chars()
            .any(|c| c.is_control() || is_bidi_control(c))
            .then(|| strip(v).0)
    });
    // The parsers' own notes may quote what was sent.
    for note in &mut p.problems {
        *note = strip(note).0;
    }
    p.problems.extend(problems);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hris::ManagerRef;

    fn someone() -> HrisPerson {
        HrisPerson {
            source_id: "17".into(),
            email: Some("anna@acme.test".into()),
            first_name: Field::Value("Anna".into()),
            last_name: Field::Value("Berg".into()),
            active: Some(true),
            ..HrisPerson::default()
        }
    }

    #[test]
    fn clean_values_are_left_alone_without_a_warning() {
        let mut p = someone();
        p.first_name = Field::Value("Zoë \u{200F}".into());
        let before = p.clone();
        person(&mut p);
        assert_eq!(p, before);
    }

    #[test]
    fn nul_control_and_bidi_characters_are_removed_with_a_warning_each() {
        let mut p = someone();
        p.first_name = Field::Value("An\0na".into());
        p.last_name = Field::Value("\u{202E}greB\u{202C}".into());
        p.position = Field::Value("Head of\nSales\u{7}".into());
        p.manager = Field::Value(ManagerRef {
            source_id: "4\u{0}2".into(),
            email: None,
        });
        person(&mut p);
        assert_eq!(p.first_name, Field::Value("Anna".into()));
        assert_eq!(p.last_name, Field::Value("greB".into()));
        assert_eq!(p.position, Field::Value("Head of Sales".into()));
        assert!(matches!(&p.manager, Field::Value(m) if m.source_id == "42"));
        assert_eq!(
            p.problems,
            vec![
                "First name: 1 control or text-direction character was removed",
                "Last name: 2 control or text-direction characters were removed",
                "Job: 2 control or text-direction characters were removed",
                "Manager's HRIS ID: 1 control or text-direction character was removed",
            ]
        );
    }

    #[test]
    fn over_long_values_are_cut_to_their_limit_but_an_email_never() {
        let mut p = someone();
        p.first_name = Field::Value("é".repeat(100_000));
        let long_email = format!("{}@acme.test", "a".repeat(300));
        p.email = Some(long_email.clone());
        p.groups = Field::Value(vec!["x".repeat(150), "x".repeat(120)]);
        person(&mut p);
        assert_eq!(p.first_name, Field::Value("é".repeat(limits::NAME)));
        assert_eq!(p.email, Some(long_email), "refused later, never cut");
        assert_eq!(
            p.groups,
            Field::Value(vec!["x".repeat(limits::GROUP_NAME)]),
            "two names cut to the same one are one group"
        );
        assert_eq!(
            p.problems[0],
            "First name: cut to 100 characters (the HRIS sent 100000)"
        );
    }

    #[test]
    fn a_value_of_nothing_but_control_characters_is_empty() {
        let mut p = someone();
        p.department = Field::Value("\0\0".into());
        person(&mut p);
        assert_eq!(p.department, Field::Empty);
        assert_eq!(p.problems.len(), 1);
    }

    #[test]
    fn the_parsers_notes_are_cleaned_too() {
        let mut p = someone();
        p.problems = vec!["hire_date is not a date: \"\u{202E}\0\"".into()];
        person(&mut p);
        assert_eq!(p.problems, vec!["hire_date is not a date: \"\""]);
    }
}
