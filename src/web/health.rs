//! Probes for operators: `/healthz` (the process answers: liveness) and `/readyz` (it can do its
//! work: see [`crate::readiness`]); a 503 from `/readyz` carries the reason as its body.

use axum::{extract::State, http::StatusCode};

use crate::web::AppState;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, String) {
    match crate::readiness::check(&state.db, &state.worker_health).await {
        Ok(()) => (StatusCode::OK, "ready".into()),
        Err(reason) => {
            tracing::warn!(%reason, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, reason)
        }
    }
}
