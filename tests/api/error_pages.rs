//! Error pages keep the layout: a logged-in person sees the navigation, their name and Log out
//! on a 400, 403 and 404; a bad query parameter is a 400 page that names it, never plain text.

use crate::backends;
use crate::helpers::*;

/// The page is our HTML error page with the main navigation and Log out.
fn has_layout(p: &Page, who: &str) {
    assert!(
        p.headers
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("text/html")),
        "HTML, not plain text: {}",
        p.body
    );
    assert!(
        p.text("nav[aria-label=Main]").contains("People"),
        "{}",
        p.body
    );
    assert!(p.text(".me .who").contains(who), "{}", p.body);
    assert_eq!(p.text(".me button"), "Log out");
    assert_eq!(p.texts("a.skip").len(), 1, "skip link");
}

backends! {
    async fn error_pages_keep_the_navigation_and_log_out(app) {
        let m = app.manager().await;
        let p = m.get("/people?page=abc").await;
        assert_eq!(p.status, 400);
        has_layout(&p, "Maria Manager");
        let msg = p.text(".error-message");
        assert!(msg.contains("page = “abc”"), "names the parameter: {msg}");
        assert!(!p.body.contains("Failed to deserialize"), "{}", p.body);

        let p = m.get("/no-such-page").await;
        assert_eq!(p.status, 404);
        has_layout(&p, "Maria Manager");
        let p = m.get("/people/999999").await;
        assert_eq!(p.status, 404);
        has_layout(&p, "Maria Manager");
        // axum's own rejection of a path segment becomes our page too.
        let p = m.get("/people/not-a-number").await;
        assert!(p.status == 400 || p.status == 404, "{}", p.status);
        has_layout(&p, "Maria Manager");
        assert!(!p.body.contains("Cannot parse"), "{}", p.body);

        let e = app.employee().await;
        let p = e.get("/settings/company").await;
        assert_eq!(p.status, 403);
        has_layout(&p, "Eddie Employee");
        assert!(!p.text("nav[aria-label=Main]").contains("Settings"), "no Settings link for an employee");

        // Logged out: the same page, without a name.
        let p = app.client().get("/no-such-page").await;
        assert_eq!(p.status, 404);
        assert!(p.texts(".me").is_empty());
        assert!(p.text("h1").contains("Not found"));
    }

    async fn a_page_past_the_end_says_so(app) {
        let m = app.manager().await;
        let p = m.get("/people?page=2").await;
        assert_eq!(p.status, 200);
        assert!(!p.body.contains("Page 2 of 1"), "{}", p.text(".pager"));
        assert!(p.text(".empty").contains("no page 2"), "{}", p.text(".empty"));
        assert!(!p.text(".empty").contains("Nobody matches"));
        assert!(p.text(".pager a[rel=prev]").contains("Last page"));
    }
}
