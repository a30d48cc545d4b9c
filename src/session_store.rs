//! Sessions in our own database (tower-sessions 0.15 store over [`Db`]; STACK.md explains why the
//! published sqlx store does not fit). Each row also carries the logged-in person's id, so ending
//! a person's sessions (deactivation) is one delete.
//!
//! Loading a session also reads its person (and company name) in the same statement and hands
//! it to the request under [`LOADED_PERSON_KEY`], which is never stored: every logged-in page
//! needs both, and on SQLite each statement is a hand-off to the connection's thread and back.
//! `web::extract` falls back to its own read when the key is missing or names someone else
//! (a session that changed hands during the request, such as a login).

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::{
    ExpiredDeletion, SessionStore,
    session::{Id, Record},
    session_store,
};

use crate::{
    db::{
        Db, Tx,
        people::{SESSION_PERSON_COLUMNS, SessionPerson},
    },
    on_db, on_tx,
};

/// The session key that holds the logged-in person's id (see `web::session`).
pub const PERSON_KEY: &str = "person_id";

/// The key under which a loaded session carries its person as read with it
/// ([`crate::db::people::SessionPerson`]); removed before a session is written.
pub const LOADED_PERSON_KEY: &str = "_loaded_person";

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
    let encoded = if record.data.contains_key(LOADED_PERSON_KEY) {
        let mut stored = record.clone();
        stored.data.remove(LOADED_PERSON_KEY);
        serde_json::to_vec(&stored)
    } else {
        serde_json::to_vec(record)
    };
    encoded.map_err(|e| session_store::Error::Encode(e.to_string()))
}

/// A session row with its person's columns (all null when it has none, or that person is gone).
#[derive(sqlx::FromRow)]
struct Loaded {
    data: Vec<u8>,
    expiry_date: OffsetDateTime,
    id: Option<i64>,
    company_id: Option<i64>,
    company_name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    role: Option<String>,
    active: Option<bool>,
}

impl Loaded {
    fn person(self) -> Option<SessionPerson> {
        Some(SessionPerson {
            id: self.id?,
            company_id: self.company_id?,
            company_name: self.company_name?,
            first_name: self.first_name?,
            last_name: self.last_name?,
            email: self.email?,
            role: self.role,
            active: self.active?,
        })
    }
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
        // The expiry is checked here rather than in the statement: compared there with a new
        // time on every load, it made SQLite re-plan the statement each time (its statistics
        // weigh a bound value against the `sessions_expiry` index).
        let sql = sqlx::AssertSqlSafe(format!(
            "select s.data, s.expiry_date, {SESSION_PERSON_COLUMNS} from sessions s \
             left join people p on p.id = s.person_id \
             left join companies c on c.id = p.company_id \
             where s.id = $1"
        ));
        let row: Option<Loaded> = on_db!(&self.db, p => sqlx::query_as(sql)
            .bind(id.to_string()).fetch_optional(p).await)
        .map_err(backend)?;
        let Some(row) = row.filter(|r| r.expiry_date > crate::db::now()) else {
            return Ok(None);
        };
        let mut record: Record = serde_json::from_slice(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        if let Some(person) = row.person() {
            let value = serde_json::to_value(person)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
            record.data.insert(LOADED_PERSON_KEY.into(), value);
        }
        Ok(Some(record))
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
