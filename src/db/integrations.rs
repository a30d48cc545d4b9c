//! The company's HRIS connection: encrypted credentials, at most one per company.

use time::OffsetDateTime;

use crate::{
    crypto::Sealed,
    db::{Db, Tx},
    directory::Attribute,
    hris::{Provider, ownership::Connection},
    on_db, on_tx,
};

pub struct Integration {
    pub company_id: i64,
    pub provider: Provider,
    pub sealed: Sealed,
    /// What the panel may show ("Client ID ends with …1234").
    pub hint: String,
    pub connected_by: Option<String>,
    pub connected_at: OffsetDateTime,
    /// Owned attributes the credential did not read in the last applied sync.
    pub unread: Vec<Attribute>,
}

#[derive(sqlx::FromRow)]
struct Row {
    company_id: i64,
    provider: String,
    credentials: Vec<u8>,
    nonce: Vec<u8>,
    key_id: String,
    hint: String,
    connected_by: Option<String>,
    connected_at: OffsetDateTime,
    unread_fields: String,
}

/// The associated data that binds a ciphertext to its company and provider.
pub fn context(company_id: i64, provider: Provider) -> String {
    format!(
        "roster integration company={company_id} provider={}",
        provider.as_str()
    )
}

pub async fn get(db: &Db, company_id: i64) -> sqlx::Result<Option<Integration>> {
    let row: Option<Row> = on_db!(db, p => sqlx::query_as(
        "select i.company_id, i.provider, i.credentials, i.nonce, i.key_id, i.hint, \
         p.first_name || ' ' || p.last_name as connected_by, i.connected_at, i.unread_fields \
         from integrations i left join people p on p.id = i.connected_by where i.company_id = $1")
        .bind(company_id).fetch_optional(p).await)?;
    Ok(row.and_then(|r| {
        Some(Integration {
            company_id: r.company_id,
            provider: Provider::parse(&r.provider)?,
            sealed: Sealed {
                ciphertext: r.credentials,
                nonce: r.nonce,
                key_id: r.key_id,
            },
            hint: r.hint,
            connected_by: r.connected_by,
            connected_at: r.connected_at,
            unread: r
                .unread_fields
                .split(',')
                .filter_map(Attribute::parse)
                .collect(),
        })
    }))
}

/// Stores a connection. A company that is already connected makes this fail with a unique
/// violation (one HRIS per company).
pub async fn insert(
    tx: &mut Tx,
    company_id: i64,
    provider: Provider,
    sealed: &Sealed,
    hint: &str,
    by: Option<i64>,
) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "insert into integrations (company_id, provider, credentials, nonce, key_id, hint, connected_by, connected_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(company_id).bind(provider.as_str()).bind(&sealed.ciphertext).bind(&sealed.nonce)
        .bind(&sealed.key_id).bind(hint).bind(by).bind(crate::db::now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The company's connection, for the lock rule (`None` when no HRIS is connected): its
/// provider, what its credential did not read or its mapping does not sync, and the custom
/// fields its mapping fills.
pub async fn connection(db: &Db, company_id: i64) -> sqlx::Result<Option<Connection>> {
    let Some(i) = get(db, company_id).await? else {
        return Ok(None);
    };
    let mapping = crate::db::field_mappings::mapping(db, company_id, i.provider).await?;
    // A built-in field set to "Don't sync" is not owned, like one the credential cannot read.
    let mut unread = i.unread;
    for a in mapping.not_synced() {
        if !unread.contains(&a) {
            unread.push(a);
        }
    }
    Ok(Some(Connection {
        provider: i.provider,
        unread,
        mapped: mapping.field_ids(),
    }))
}

/// Records which owned attributes the credential did not read, when `provider` is still the
/// connected one (a sync applied after a disconnect changes no integration).
pub async fn set_unread(
    tx: &mut Tx,
    company_id: i64,
    provider: Provider,
    unread: &[Attribute],
) -> sqlx::Result<()> {
    let keys: Vec<&str> = unread.iter().map(|a| a.key()).collect();
    on_tx!(tx, c => sqlx::query(
        "update integrations set unread_fields = $1 where company_id = $2 and provider = $3")
        .bind(keys.join(",")).bind(company_id).bind(provider.as_str())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes the row (the credentials with it). True when there was one.
pub async fn delete(tx: &mut Tx, company_id: i64) -> sqlx::Result<bool> {
    let n = on_tx!(tx, c => sqlx::query("delete from integrations where company_id = $1")
        .bind(company_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Companies with a connected HRIS (for the morning schedule).
pub async fn connected_companies(db: &Db) -> sqlx::Result<Vec<i64>> {
    on_db!(db, p => sqlx::query_scalar("select company_id from integrations order by company_id").fetch_all(p).await)
}
