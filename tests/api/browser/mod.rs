//! Headless Chromium for the browser tests: a chromedriver session (`driver`), logging in
//! through the form, finding, reading and clicking elements, and screenshots; `checks` holds
//! what every page state must pass (layout and axe-core), `journeys` the directory and
//! integrations journeys themselves.

mod checks;
mod driver;
mod journeys;

use fantoccini::Locator;

use crate::helpers::*;

pub use checks::{WIDTHS, axe_source, check, checked_manager, screenshot};
pub use driver::{Driver, browser};

/// Logs in through the login form as the company manager, landing on `path`.
pub async fn log_in_at(b: &fantoccini::Client, app: &TestApp, path: &str) {
    log_in_as(b, app, &app.manager_email, path).await;
}

/// Logs in through the login form as `email` (password [`PASSWORD`]), landing on `path`; waits
/// for the signed-in header.
pub async fn log_in_as(b: &fantoccini::Client, app: &TestApp, email: &str, path: &str) {
    b.goto(&app.url(path)).await.unwrap();
    for (css, value) in [
        ("input[name=email]", email),
        ("input[name=password]", PASSWORD),
    ] {
        b.find(Locator::Css(css))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    click(b, "form button[type=submit]").await;
    b.wait().for_element(Locator::Css(".me")).await.unwrap();
}

/// The text of every element `css` matches, in page order.
pub async fn texts(b: &fantoccini::Client, css: &str) -> Vec<String> {
    let mut out = vec![];
    for e in b.find_all(Locator::Css(css)).await.unwrap() {
        out.push(e.text().await.unwrap());
    }
    out
}

/// With `ROSTER_SCREENSHOTS=<dir>`, saves the whole page at 390 and 1366 px as
/// `<dir>/<name>-<width>.png`, then puts the window back to 1280 px.
pub async fn screenshots(b: &fantoccini::Client, name: &str) {
    let Ok(dir) = std::env::var("ROSTER_SCREENSHOTS") else {
        return;
    };
    for w in [390, 1366] {
        b.set_window_size(w, 900).await.unwrap();
        let height = b
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(900) as u32;
        b.set_window_size(w, height.clamp(900, 4000)).await.unwrap();
        let png = b.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/{name}-{w}.png"), png).unwrap();
    }
    b.set_window_size(1280, 900).await.unwrap();
}

pub async fn text_of(b: &fantoccini::Client, css: &str) -> String {
    match b.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

pub async fn click(b: &fantoccini::Client, css: &str) {
    b.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits until the browser is at an address whose query contains `part`: after a click that
/// submits a form, the old page (whose elements a later wait could find) is gone only then.
pub async fn wait_for_query(b: &fantoccini::Client, part: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let url = b.current_url().await.unwrap();
        if url.query().unwrap_or_default().contains(part) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never got to ?{part}: at {url}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
