//! Sessions in our own database (tower-sessions 0.15 store over [`Db`]; STACK.md explains why the
//! published sqlx store does not fit). Each row also carries the logged-in person's id, so ending
//! a person's sessions (deactivation) is one delete.

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::{
    ExpiredDeletion, SessionStore,
    session::{Id, Record},
    session_store,
};

use crate::{
    db::{Db, Tx},
    on_db, on_tx,
};

/// The session key that holds the logged-in person's id (see `web::session`).
pub const PERSON_KEY: &str = "person_id";

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> DbSessionStore {
        DbSessionStore { db }
    }
}

fn backend(e: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn person_of(record: &Record) -> Option<i64> {
    record.data.get(PERSON_KEY).and_then(|v| v.as_i64())
}

fn encode(record: &Record) -> session_store::Result<Vec<u8>> {
    serde_json::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let data = encode(record)?;
            let inserted = on_db!(&self.db, p => sqlx::query(
                "insert into sessions (id, data, expiry_date, person_id) values ($1, $2, $3, $4) \
                 on conflict (id) do nothing")
                .bind(record.id.to_string()).bind(data).bind(record.expiry_date)
                .bind(person_of(record)).execute(p).await.map(|r| r.rows_affected()))
            .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = encode(record)?;
        on_db!(&self.db, p => sqlx::query(
            "insert into sessions (id, data, expiry_date, person_id) values ($1, $2, $3, $4) \
             on conflict (id) do update set data = excluded.data, expiry_date = excluded.expiry_date, \
             person_id = excluded.person_id")
            .bind(record.id.to_string()).bind(data).bind(record.expiry_date)
            .bind(person_of(record)).execute(p).await.map(|r| r.rows_affected())).map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let data: Option<Vec<u8>> = on_db!(&self.db, p => sqlx::query_scalar(
            "select data from sessions where id = $1 and expiry_date > $2")
            .bind(id.to_string()).bind(crate::db::now()).fetch_optional(p).await)
        .map_err(backend)?;
        data.map(|d| {
            serde_json::from_slice(&d).map_err(|e| session_store::Error::Decode(e.to_string()))
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        on_db!(&self.db, p => sqlx::query("delete from sessions where id = $1")
            .bind(id.to_string()).execute(p).await.map(|r| r.rows_affected()))
        .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let now: OffsetDateTime = crate::db::now();
        on_db!(&self.db, p => sqlx::query("delete from sessions where expiry_date <= $1")
            .bind(now).execute(p).await.map(|r| r.rows_affected()))
        .map_err(backend)?;
        Ok(())
    }
}

/// Ends every session of a person (deactivated, or login removed), inside the caller's transaction.
pub async fn end_sessions_of(tx: &mut Tx, person_id: i64) -> sqlx::Result<u64> {
    let done = on_tx!(tx, c => sqlx::query("delete from sessions where person_id = $1")
        .bind(person_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done)
}

/// How many live sessions a person has (for tests and the admin view).
pub async fn count_for(db: &Db, person_id: i64) -> sqlx::Result<i64> {
    on_db!(db, p => sqlx::query_scalar("select count(*) from sessions where person_id = $1 and expiry_date > $2")
        .bind(person_id).bind(crate::db::now()).fetch_one(p).await)
}
