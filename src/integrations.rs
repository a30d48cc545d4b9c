//! Connecting and disconnecting a company's HRIS. The web's Settings › Integrations and the CLI
//! both call these; the credentials are checked against the provider before anything is stored.

use crate::{
    db::{self, audit, integrations},
    hris::{
        FetchError,
        providers::{Credentials, Verified},
    },
    sync::run::SyncContext,
};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The provider said no, or could not be reached: nothing was stored.
    #[error(transparent)]
    Provider(#[from] FetchError),
    #[error(
        "{0} is already connected. Disconnect it first; a company syncs from one HRIS at a time."
    )]
    AlreadyConnected(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ConnectError {
    fn from(e: sqlx::Error) -> ConnectError {
        ConnectError::Internal(e.into())
    }
}

/// Checks the credentials with the provider and that nothing is connected yet; stores nothing
/// (Connect's review of the first sync comes before storing).
pub async fn check(
    ctx: &SyncContext,
    company_id: i64,
    creds: &Credentials,
) -> Result<Verified, ConnectError> {
    if let Some(existing) = integrations::get(&ctx.db, company_id).await? {
        return Err(ConnectError::AlreadyConnected(existing.provider.label()));
    }
    Ok(ctx.providers.verify(creds).await?)
}

/// Checks the credentials with the provider, then stores them encrypted and records who connected;
/// today's morning sync is the first sync after connecting (the caller queues it).
pub async fn connect(
    ctx: &SyncContext,
    company_id: i64,
    creds: &Credentials,
    by: Option<i64>,
) -> Result<Verified, ConnectError> {
    let verified = check(ctx, company_id, creds).await?;
    let provider = creds.provider();
    let sealed = ctx.secrets.seal(
        &creds.to_json(),
        &integrations::context(company_id, provider),
    );
    let company = db::companies::get(&ctx.db, company_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no company {company_id}"))?;
    let mut tx = ctx.db.begin().await?;
    match integrations::insert(&mut tx, company_id, provider, &sealed, &creds.hint(), by).await {
        Err(e) if db::is_unique_violation(&e) => {
            let existing = integrations::get(&ctx.db, company_id).await?;
            return Err(ConnectError::AlreadyConnected(
                existing.map(|i| i.provider.label()).unwrap_or("An HRIS"),
            ));
        }
        other => other?,
    }
    // The first sync after connecting is today's sync: no morning sync follows it today.
    crate::sync::morning::claim_connect_day(&mut tx, &company).await?;
    audit::record(
        &mut tx,
        company_id,
        by,
        "connect",
        &format!("Connected {} ({})", provider.label(), creds.hint()),
    )
    .await?;
    tx.commit().await?;
    Ok(verified)
}

/// Deletes the stored credentials (the row, not a flag) and records who disconnected. People
/// already synced stay as they are. False when nothing was connected.
pub async fn disconnect(db: &db::Db, company_id: i64, by: Option<i64>) -> anyhow::Result<bool> {
    let Some(existing) = integrations::get(db, company_id).await? else {
        return Ok(false);
    };
    let mut tx = db.begin().await?;
    let deleted = integrations::delete(&mut tx, company_id).await?;
    audit::record(
        &mut tx,
        company_id,
        by,
        "disconnect",
        &format!("Disconnected {}", existing.provider.label()),
    )
    .await?;
    tx.commit().await?;
    Ok(deleted)
}
