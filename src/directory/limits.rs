//! How long a stored text value may be, in characters. One table for the web forms (which refuse a
//! longer value with a form error) and the HRIS parsers (which cut it and warn), so a value that
//! passes one check passes the other and no page has to render a 100 KB name.

/// First name, last name.
pub const NAME: usize = 100;
/// E-mail addresses (RFC 5321's path limit; `Email::parse` enforces it).
pub const EMAIL: usize = 254;
/// Position (job title) and department.
pub const POSITION: usize = 200;
pub const DEPARTMENT: usize = 200;
/// Gender choice labels.
pub const GENDER: usize = 50;
/// Employee number and an HRIS's id for a person.
pub const EMPLOYEE_NUMBER: usize = 64;
pub const SOURCE_ID: usize = 128;
/// An HRIS's status word for a person, as a run quotes it.
pub const STATUS: usize = 50;
/// Group and company names.
pub const GROUP_NAME: usize = 100;
pub const COMPANY_NAME: usize = 100;
/// A custom field's label, one of its choices, how many choices it may have, a text value, and
/// how many custom fields a company may have.
pub const FIELD_LABEL: usize = 60;
pub const FIELD_CHOICE: usize = 100;
pub const FIELD_CHOICES: usize = 200;
pub const FIELD_TEXT: usize = 500;
pub const FIELDS: usize = 100;
/// A number as typed ("-1234.5"), before it is parsed.
pub const FIELD_NUMBER: usize = 30;

/// `value` cut to at most `max` characters (never inside a character).
pub fn truncate(value: &str, max: usize) -> &str {
    match value.char_indices().nth(max) {
        Some((at, _)) => &value[..at],
        None => value,
    }
}

/// Whether `value` fits in `max` characters.
pub fn fits(value: &str, max: usize) -> bool {
    value.chars().nth(max).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_counts_characters_not_bytes() {
        assert_eq!(truncate("Élodie", 2), "Él");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abc", 10), "abc");
        assert!(fits("Élodie", 6));
        assert!(!fits("Élodie", 5));
    }
}
