//! An HTTP client with its own cookie jar, speaking to the test app as a browser would: GET,
//! POST with the page's CSRF token, logging in; and the [`Page`] it gets back, read with CSS
//! selectors.

use std::sync::OnceLock;

pub struct Client {
    pub http: reqwest::Client,
    pub(super) base: String,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }
    /// The trimmed text of every element matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(selector).unwrap();
        self.html()
            .select(&sel)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
    pub fn text(&self, selector: &str) -> String {
        self.texts(selector).join(" | ")
    }
}

fn csrf_of(body: &str) -> Option<String> {
    static RE: OnceLock<String> = OnceLock::new();
    let marker = RE.get_or_init(|| "name=\"csrf\" value=\"".to_string());
    let start = body.find(marker.as_str())? + marker.len();
    Some(body[start..].split('"').next()?.to_string())
}

impl Client {
    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .http
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap();
        Self::page(res).await
    }

    async fn page(res: reqwest::Response) -> Page {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let location = headers
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        Page {
            status,
            location,
            headers,
            body: res.text().await.unwrap(),
        }
    }

    /// The session's CSRF token, read from a page as a browser would.
    pub async fn csrf(&self) -> String {
        for path in ["/people", "/login"] {
            let p = self.get(path).await;
            if let Some(t) = csrf_of(&p.body) {
                return t;
            }
        }
        panic!("no CSRF token on any page");
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", &token)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let res = self
            .http
            .post(format!("{}{}", self.base, path))
            .form(fields)
            .send()
            .await
            .unwrap();
        Self::page(res).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Page {
        self.post(
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("next", "/people"),
            ],
        )
        .await
    }
}
