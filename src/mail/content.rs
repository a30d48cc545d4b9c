//! A mail's words ([`Content`]) and its two parts, plain text and HTML, rendered by askama
//! templates (`templates/mail/body.txt`, `templates/mail/body.html`); [`Links`] builds every URL
//! from `ROSTER_PUBLIC_URL`.

use askama::Template;

use crate::mail::Token;

/// What a mail says; [`Mail::render`](crate::mail::Mail::render) fills it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// The one thing to do: a button in HTML, a bare link in plain text.
    pub action: Option<(String, String)>,
    /// Small print after the action.
    pub after: Vec<String>,
}

#[derive(Template)]
#[template(path = "mail/body.txt")]
struct Text<'a> {
    c: &'a Content,
}

#[derive(Template)]
#[template(path = "mail/body.html")]
struct Html<'a> {
    c: &'a Content,
}

impl Content {
    pub fn text(&self) -> String {
        Text { c: self }
            .render()
            .expect("the mail text template renders")
    }
    pub fn html(&self) -> String {
        Html { c: self }
            .render()
            .expect("the mail HTML template renders")
    }
}

/// Absolute links into Roster, from the public base URL.
#[derive(Debug, Clone)]
pub struct Links {
    base: url::Url,
}

impl Links {
    pub fn new(base: url::Url) -> Links {
        Links { base }
    }

    fn at(&self, path: &str) -> String {
        self.base
            .join(path.trim_start_matches('/'))
            .map(|u| u.to_string())
            .unwrap_or_else(|_| format!("{}{}", self.base, path.trim_start_matches('/')))
    }

    /// The set-password page of an invitation or a reset.
    pub fn set_password(&self, token: &Token) -> String {
        self.at(&format!("/password/{}", token.0))
    }

    pub fn run(&self, run_id: i64) -> String {
        self.at(&format!("/settings/integrations/history/{run_id}"))
    }

    pub fn path(&self, path: &str) -> String {
        self.at(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_a_base_path_and_html_escapes_the_words() {
        let l = Links::new("https://acme.example/roster/".parse().unwrap());
        assert_eq!(
            l.set_password(&Token("abc".into())),
            "https://acme.example/roster/password/abc"
        );
        let c = Content {
            subject: "s".into(),
            greeting: "Hello <b>Ann</b>,".into(),
            paragraphs: vec!["p & q".into()],
            action: Some(("Go".into(), l.run(7))),
            after: vec![],
        };
        let html = c.html();
        assert!(html.contains("Hello &#60;b&#62;Ann&#60;/b&#62;,"), "{html}");
        assert!(
            html.contains("href=\"https://acme.example/roster/settings/integrations/history/7\"")
        );
        let text = c.text();
        assert!(text.contains("Hello <b>Ann</b>,"), "{text}");
        assert!(text.contains("Go: https://acme.example/roster/settings/integrations/history/7"));
    }
}
