//! Where to go after login: only a path on this site. `next` comes from a query string or a form,
//! so it is attacker-controlled; a browser resolves `Location` with the WHATWG URL rules, which
//! drop tabs and newlines and read `\` as `/` (so `/\t/evil.example` and `/\evil.example` are
//! `//evil.example`, another site). Anything but a plain same-site path becomes `/people`.

use url::{Position, Url};

/// Where a login goes when `next` is missing or refused.
pub const DEFAULT: &str = "/people";

/// Characters a browser strips or reinterprets before it resolves a URL.
fn suspicious(s: &str) -> bool {
    !s.starts_with('/')
        || s.starts_with("//")
        || s.chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

/// `next` as a safe `Location`: a path (with query) on this site, percent-encoded ASCII, or
/// [`DEFAULT`]. The raw value and its percent-decoded form must both be a plain path, and the
/// browser's parse of it against this site must stay on this site and not begin with `//`.
pub fn safe_next(next: &str) -> String {
    let decoded = percent_decode(next);
    if suspicious(next) || suspicious(&decoded) {
        return DEFAULT.to_string();
    }
    let base = Url::parse("http://roster.invalid/").expect("literal URL");
    let Ok(parsed) = base.join(next) else {
        return DEFAULT.to_string();
    };
    if parsed.origin() != base.origin() {
        return DEFAULT.to_string();
    }
    let path = &parsed[Position::BeforePath..];
    if suspicious(path) {
        return DEFAULT.to_string();
    }
    path.to_string()
}

/// `s` with `%XX` escapes decoded (invalid UTF-8 becomes U+FFFD, which is harmless here).
fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(
        format!("x={}", s.replace('+', "%2B").replace('&', "%26")).as_bytes(),
    )
    .next()
    .map(|(_, v)| v.into_owned())
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_kept() {
        for ok in [
            "/people",
            "/people/12",
            "/people?q=ann&page=2",
            "/settings/integrations/history/3",
            "/",
        ] {
            assert_eq!(safe_next(ok), ok);
        }
        assert_eq!(safe_next("/people?q=Élodie"), "/people?q=%C3%89lodie");
        assert_eq!(safe_next("/a/../people"), "/people");
    }

    #[test]
    fn anything_that_could_leave_the_site_goes_to_people() {
        for bad in [
            "",
            "people",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example/x",
            "/%09/evil.example/x",
            "/%0a/evil.example",
            "/%0d%0aSet-Cookie:%20x=1",
            "/\r\nSet-Cookie: x=1",
            "/\n/evil.example",
            "/%2f/evil.example",
            "/%2F%2Fevil.example",
            "/%5cevil.example",
            "/people?a&%0d%0aSet-Cookie:%20x=1",
            "/%5Cevil.example",
            "/ /evil.example",
            "/%20/evil.example",
            "/\u{a0}/evil.example",
            "/\u{2028}x",
            "https://evil.example/",
            "javascript:alert(1)",
            " /people",
            "/./\t/evil.example",
        ] {
            assert_eq!(safe_next(bad), DEFAULT, "{bad:?}");
        }
    }

    #[test]
    fn the_result_never_starts_with_two_slashes() {
        // "/.//evil" resolves to the path "//evil", which as a Location is another host.
        assert_eq!(safe_next("/.//evil.example"), DEFAULT);
        assert_eq!(safe_next("/x/..//evil.example"), DEFAULT);
    }
}
