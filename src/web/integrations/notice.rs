//! The one-time notices of the Integrations panel (`?notice=…` after Connect, Sync now,
//! Disconnect): their words and colour, and whether they are about a sync under way.

/// A one-time message on the panel, coloured by what it reports.
#[derive(Clone, Copy)]
pub struct Notice {
    pub text: &'static str,
    /// The CSS class: "success" (green), "info" (blue: work under way), "warning" (amber).
    pub kind: &'static str,
    /// About the sync just asked for: shown with the live status while that sync is queued or
    /// running, and gone (replaced by its outcome) when it ends.
    pub about_sync: bool,
}

/// The notice a panel address names (`?notice=started`), if it names one.
pub fn notice(key: &str) -> Option<Notice> {
    let (text, kind, about_sync) = match key {
        "connected" => ("Connected. The first sync has started.", "success", true),
        "started" => ("Sync started.", "info", true),
        "already" => (
            "A sync is already running or waiting to start, so Roster did not start another. Its progress is below.",
            "info",
            true,
        ),
        "disconnected" => (
            "Disconnected. The stored credentials were deleted; people stay as they are.",
            "success",
            false,
        ),
        "connect_cancelled" => (
            "Not connected: nothing was stored, and nobody changed.",
            "success",
            false,
        ),
        "not_connected" => (
            "Nothing is connected, so there is nothing to sync.",
            "warning",
            false,
        ),
        _ => return None,
    };
    Some(Notice {
        text,
        kind,
        about_sync,
    })
}

/// Where to go after enqueueing a sync: the panel, waiting for a run newer than `after`.
pub fn queued_url(notice: &str, after: i64) -> String {
    let at = crate::db::now().unix_timestamp();
    format!("/settings/integrations?notice={notice}&after={after}&at={at}")
}
