//! What the browser tests check on every page state: at a phone width (390 px) and a laptop
//! width (1366 px) the page does not scroll sideways, the name and Log out stay on screen, and
//! axe-core finds no serious or critical violation; with `ROSTER_SCREENSHOTS=<dir>` each state is
//! saved as a full-page screenshot.
//!
//! axe-core is the npm package's `axe.min.js` (`.ci/run` installs it): `AXE_CORE_JS` names the
//! file, else `~/.cache/roster/npm/node_modules/axe-core/axe.min.js`. Missing, the test fails.

use fantoccini::Client;

use super::{Driver, browser, log_in_at};
use crate::helpers::TestApp;

pub const WIDTHS: [(u32, u32); 2] = [(390, 844), (1366, 900)];

pub fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
        format!("{home}/.cache/roster/npm/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is needed at {path} ({e}): run .ci/run, or \
             `npm install --prefix ~/.cache/roster/npm axe-core@4`"
        )
    })
}

/// What went wrong on one visit, in words for the failure message.
pub async fn check(b: &Client, axe: &str, label: &str, width: u32) -> Vec<String> {
    let mut problems = vec![];
    let sizes = b
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
    assert_eq!(inner, u64::from(width), "the viewport is {width} px wide");
    if scroll > inner {
        problems.push(format!(
            "{label} @{width}: the page is {scroll} px wide in a {inner} px window"
        ));
    }
    // The name and Log out, when shown, are fully on screen.
    let cut = b
        .execute(
            "var out = [];
             document.querySelectorAll('.me .who, .me button').forEach(function (e) {
               var r = e.getBoundingClientRect();
               if (r.left < 0 || r.right > window.innerWidth) out.push(e.textContent.trim());
             });
             return out;",
            vec![],
        )
        .await
        .unwrap();
    if cut.as_array().is_some_and(|a| !a.is_empty()) {
        problems.push(format!("{label} @{width}: cut off: {cut}"));
    }
    b.execute(axe, vec![]).await.unwrap();
    let found = b
        .execute_async(
            "var done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(function (r) {
               done(r.violations.filter(function (v) {
                 return v.impact === 'serious' || v.impact === 'critical';
               }).map(function (v) {
                 return v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
                   v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', ');
               }));
             }, function (e) { done(['axe failed: ' + e]); });",
            vec![],
        )
        .await
        .unwrap();
    for v in found.as_array().into_iter().flatten() {
        problems.push(format!("{label} @{width}: {}", v.as_str().unwrap_or("?")));
    }
    problems
}

/// A full-page screenshot when `ROSTER_SCREENSHOTS` names a folder.
pub async fn screenshot(b: &Client, name: &str, (w, h): (u32, u32)) {
    let Ok(dir) = std::env::var("ROSTER_SCREENSHOTS") else {
        return;
    };
    let height = b
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(u64::from(h)) as u32;
    b.set_window_size(w, height.clamp(h, 4000)).await.unwrap();
    let png = b.screenshot().await.unwrap();
    std::fs::write(format!("{dir}/{name}-{w}.png"), png).unwrap();
    b.set_window_size(w, h).await.unwrap();
}

/// What [`Looks::look`] found so far in one test's pages.
pub struct Looks {
    axe: String,
    /// Put before each screenshot's name ("mapping-").
    prefix: &'static str,
    problems: Vec<String>,
}

/// Headless Chromium logged in as the company manager on `path`, and the [`Looks`] that checks
/// its pages, saving screenshots as `<prefix><name>-<width>.png`.
pub async fn checked_manager(
    app: &TestApp,
    path: &str,
    prefix: &'static str,
) -> (Client, Driver, Looks) {
    let axe = axe_source();
    let (b, driver) = browser().await;
    log_in_at(&b, app, path).await;
    let looks = Looks {
        axe,
        prefix,
        problems: vec![],
    };
    (b, driver, looks)
}

impl Looks {
    /// Checks the page as it is at both widths (and saves screenshots), noting what axe or the
    /// layout found as `name`; then puts the window back to 1280 px.
    pub async fn look(&mut self, b: &Client, name: &str) {
        for &(w, h) in &WIDTHS {
            b.set_window_size(w, h).await.unwrap();
            self.problems.extend(check(b, &self.axe, name, w).await);
            screenshot(b, &format!("{}{name}", self.prefix), (w, h)).await;
        }
        b.set_window_size(1280, 900).await.unwrap();
    }

    /// Fails the test with every problem found, if any.
    pub fn assert_none(&self) {
        assert!(
            self.problems.is_empty(),
            "{} problems:\n{}",
            self.problems.len(),
            self.problems.join("\n")
        );
    }
}
