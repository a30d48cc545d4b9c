//! The audit log: connect, disconnect and settings changes, with who and when.

use time::OffsetDateTime;

use crate::{
    db::{Db, Tx},
    on_db, on_tx,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEvent {
    pub action: String,
    pub detail: String,
    pub actor: Option<String>,
    pub at: OffsetDateTime,
}

pub async fn record(
    tx: &mut Tx,
    company_id: i64,
    actor: Option<i64>,
    action: &str,
    detail: &str,
) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "insert into audit_events (company_id, actor, action, detail, at) values ($1, $2, $3, $4, $5)")
        .bind(company_id).bind(actor).bind(action).bind(detail).bind(crate::db::now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The company's events at or after `from` and before `to` (either open), newest first, at most
/// `limit`: the ones that fall among a page of the sync history.
pub async fn between(
    db: &Db,
    company_id: i64,
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
    limit: i64,
) -> sqlx::Result<Vec<AuditEvent>> {
    on_db!(db, p => sqlx::query_as(
        "select a.action, a.detail, p.first_name || ' ' || p.last_name as actor, a.at \
         from audit_events a left join people p on p.id = a.actor \
         where a.company_id = $1 and ($2 is null or a.at >= $2) and ($3 is null or a.at < $3) \
         order by a.at desc, a.id desc limit $4")
        .bind(company_id).bind(from).bind(to).bind(limit).fetch_all(p).await)
}

/// Records an event on its own, for an action that is not one transaction with its cause.
pub async fn record_now(
    db: &Db,
    company_id: i64,
    actor: Option<i64>,
    action: &str,
    detail: &str,
) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "insert into audit_events (company_id, actor, action, detail, at) values ($1, $2, $3, $4, $5)")
        .bind(company_id).bind(actor).bind(action).bind(detail).bind(crate::db::now())
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn recent(db: &Db, company_id: i64, limit: i64) -> sqlx::Result<Vec<AuditEvent>> {
    on_db!(db, p => sqlx::query_as(
        "select a.action, a.detail, p.first_name || ' ' || p.last_name as actor, a.at \
         from audit_events a left join people p on p.id = a.actor \
         where a.company_id = $1 order by a.id desc limit $2")
        .bind(company_id).bind(limit).fetch_all(p).await)
}
