//! How the directory search matches names and e-mails: by a folded key stored on each person.
//!
//! SQLite's `lower()` folds only ASCII, and PostgreSQL's follows the database's locale, so
//! searching for "élodie" found nobody on SQLite and the result depended on the server's setup.
//! The key is computed here, the same for both backends and for the search term: Unicode
//! compatibility decomposition (NFKD, by the maintained `unicode-normalization` crate), combining
//! marks dropped, then lower case. "Élodie", "ÉLODIE" and "elodie" all find Élodie; "Ärger" and
//! "arger" find Ärger; "ﬁ" matches "fi".

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// `s` as the search compares it.
pub fn fold(s: &str) -> String {
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A person's stored search key: "first last" and the e-mail, each folded, on separate lines
/// (a search never holds a line break, so no match spans the two).
pub fn key(first_name: &str, last_name: &str, email: &str) -> String {
    format!(
        "{}\n{}",
        fold(&format!("{first_name} {last_name}")),
        fold(email)
    )
}

/// [`key`] with the person's text custom field values, each folded on a line of its own (line
/// breaks inside a value become spaces, so no match spans two values).
pub fn key_with(first_name: &str, last_name: &str, email: &str, texts: &[String]) -> String {
    let mut k = key(first_name, last_name, email);
    for t in texts {
        k.push('\n');
        k.push_str(&fold(t).replace(['\n', '\r'], " "));
    }
    k
}

/// The SQL `like` pattern (escape `\`) that finds `term` anywhere in a key.
pub fn like_pattern(term: &str) -> String {
    let mut s = String::from("%");
    for c in fold(term.trim()).chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        if c != '\n' && c != '\r' {
            s.push(c);
        }
    }
    s.push('%');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_accents_fold_beyond_ascii() {
        for (term, name) in [
            ("Élodie", "Élodie"),
            ("élodie", "Élodie"),
            ("ELODIE", "élodie"),
            ("ärger", "Ärger"),
            ("ARGER", "Ärger"),
            ("ǅ", "ǆ"),
            ("ﬁsher", "Fisher"),
        ] {
            let k = key(name, "", "x@y.example");
            let p = like_pattern(term);
            let needle = p.trim_matches('%');
            assert!(k.contains(needle), "{term} in {name}: {k:?} {p:?}");
        }
        assert_eq!(fold("Ünal ÇELİK"), "unal celik");
    }

    #[test]
    fn like_wildcards_are_escaped_and_line_breaks_dropped() {
        assert_eq!(like_pattern(" 50%_a\\b "), "%50\\%\\_a\\\\b%");
        assert_eq!(like_pattern("a\nb"), "%ab%");
        assert_eq!(
            key("Anna", "Weber", "Anna@X.example"),
            "anna weber\nanna@x.example"
        );
        assert_eq!(
            key_with("A", "B", "a@x.example", &["Büro\nNord".into()]),
            "a b\na@x.example\nburo nord"
        );
    }
}
