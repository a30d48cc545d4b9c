//! A paused run's two answers: "Apply anyway" (confirmed with a ticked box naming how many
//! people it deactivates) queues a run that re-plans and applies only within the plan shown,
//! and "Discard". Both go through the lifecycle's transitions; a run that is no longer paused
//! is refused with why (applied, discarded, replaced).

use axum::{
    extract::{Path, State},
    response::Redirect,
};

use crate::{
    db::{audit, sync_runs},
    sync::{
        review,
        run::{Request, Trigger},
    },
    web::{AppError, AppState, Manager, form::FormData},
};

fn back(id: i64, notice: &str) -> Redirect {
    Redirect::to(&format!(
        "/settings/integrations/history/{id}?notice={notice}#review"
    ))
}

/// "Apply anyway": a new run that may apply exactly what this paused run showed.
pub async fn apply_anyway(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Redirect, AppError> {
    let company_id = user.company_id();
    let run = sync_runs::get(&state.db, company_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if review::not_open(&run).is_some() {
        return Ok(back(id, "not_paused"));
    }
    if form.get("confirm") != "yes" {
        return Ok(back(id, "confirm"));
    }
    let after = super::panel::newest_run_id(&state.db, company_id).await?;
    let req = Request {
        company_id,
        trigger: Trigger::Approval,
        started_by: Some(user.person.id),
        approve: Some(id),
    };
    // A second click while the first is queued or running queues nothing.
    if !state.jobs.enqueue_unless_waiting(req).await? {
        return Ok(back(id, "already"));
    }
    audit::record_now(
        &state.db,
        company_id,
        Some(user.person.id),
        "apply",
        &format!(
            "Chose Apply anyway on sync {id} (deactivates {} people)",
            run.deactivated
        ),
    )
    .await?;
    Ok(Redirect::to(&super::notice::queued_url("started", after)))
}

/// "Discard": the paused run stays in the history, marked discarded; nothing is applied.
pub async fn discard(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let company_id = user.company_id();
    sync_runs::get(&state.db, company_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let notice = if sync_runs::discard(&state.db, company_id, id, Some(user.person.id)).await? {
        let detail = format!("Discarded paused sync {id}; nothing from it was applied");
        audit::record_now(
            &state.db,
            company_id,
            Some(user.person.id),
            "discard",
            &detail,
        )
        .await?;
        "discarded"
    } else {
        "not_paused"
    };
    Ok(back(id, notice))
}
