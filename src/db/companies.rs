//! Companies: the tenant boundary. Every other table carries `company_id`.

use sqlx::types::Json;

use crate::{
    db::{Db, Tx},
    on_db, on_tx,
    sync::GuardSettings,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub sync_hour: i32,
    pub gender_choices: Vec<String>,
    pub deactivate_max_percent: i32,
    pub deactivate_min_people: i32,
}

/// A company's time zone by its IANA name. Settings only store names that parse; a name that
/// no longer does (an older tz database) reads as UTC rather than failing the page or the sync.
pub fn zone(name: &str) -> chrono_tz::Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    slug: String,
    name: String,
    time_zone: String,
    sync_hour: i32,
    gender_choices: Json<Vec<String>>,
    deactivate_max_percent: i32,
    deactivate_min_people: i32,
}

impl From<Row> for Company {
    fn from(r: Row) -> Company {
        Company {
            id: r.id,
            slug: r.slug,
            name: r.name,
            time_zone: r.time_zone,
            sync_hour: r.sync_hour,
            gender_choices: r.gender_choices.0,
            deactivate_max_percent: r.deactivate_max_percent,
            deactivate_min_people: r.deactivate_min_people,
        }
    }
}

const COLUMNS: &str = "id, slug, name, time_zone, sync_hour, gender_choices, deactivate_max_percent, deactivate_min_people";

/// Creates a company with default settings and returns its id.
pub async fn create(tx: &mut Tx, slug: &str, name: &str, time_zone: &str) -> sqlx::Result<i64> {
    let now = crate::db::now();
    on_tx!(tx, c => sqlx::query_scalar(
        "insert into companies (slug, name, time_zone, created_at) values ($1, $2, $3, $4) returning id")
        .bind(slug).bind(name).bind(time_zone).bind(now).fetch_one(c).await)
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<Company>> {
    let sql = sqlx::AssertSqlSafe(format!("select {COLUMNS} from companies where id = $1"));
    let row: Option<Row> = on_db!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?;
    Ok(row.map(Company::from))
}

pub async fn find_by_slug(db: &Db, slug: &str) -> sqlx::Result<Option<Company>> {
    let sql = sqlx::AssertSqlSafe(format!("select {COLUMNS} from companies where slug = $1"));
    let row: Option<Row> = on_db!(db, p => sqlx::query_as(sql).bind(slug).fetch_optional(p).await)?;
    Ok(row.map(Company::from))
}

pub async fn list(db: &Db) -> sqlx::Result<Vec<Company>> {
    let sql = sqlx::AssertSqlSafe(format!("select {COLUMNS} from companies order by id"));
    let rows: Vec<Row> = on_db!(db, p => sqlx::query_as(sql).fetch_all(p).await)?;
    Ok(rows.into_iter().map(Company::from).collect())
}

/// A company's editable settings, validated by the settings form.
pub struct CompanySettings {
    pub name: String,
    pub time_zone: String,
    pub sync_hour: i32,
    /// When a sync pauses instead of deactivating (see [`crate::sync::GuardSettings`]).
    pub pause: GuardSettings,
}

pub async fn update_settings(db: &Db, id: i64, s: &CompanySettings) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "update companies set name = $2, time_zone = $3, sync_hour = $4, \
         deactivate_max_percent = $5, deactivate_min_people = $6 where id = $1")
        .bind(id).bind(&s.name).bind(&s.time_zone).bind(s.sync_hour)
        .bind(s.pause.max_percent as i32).bind(s.pause.min_people as i32)
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Sets the company's gender choices (Settings › Company › Fields).
pub async fn set_gender_choices(tx: &mut Tx, id: i64, choices: &[String]) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query("update companies set gender_choices = $2 where id = $1")
        .bind(id).bind(Json(choices)).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A company's mail settings: who gets sync alerts, and whether a sync invites the people it
/// creates. With its name and time zone, which every mail about the company needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub name: String,
    pub time_zone: String,
    /// Sync alerts go to these addresses instead of the company managers (empty: the managers).
    pub alert_addresses: Vec<String>,
    pub invite_new_people: bool,
}

#[derive(sqlx::FromRow)]
struct MailRow {
    name: String,
    time_zone: String,
    alert_addresses: Json<Vec<String>>,
    invite_new_people: bool,
}

impl From<MailRow> for MailSettings {
    fn from(r: MailRow) -> MailSettings {
        MailSettings {
            name: r.name,
            time_zone: r.time_zone,
            alert_addresses: r.alert_addresses.0,
            invite_new_people: r.invite_new_people,
        }
    }
}

const MAIL: &str =
    "select name, time_zone, alert_addresses, invite_new_people from companies where id = $1";

pub async fn mail_settings(db: &Db, id: i64) -> sqlx::Result<Option<MailSettings>> {
    let row: Option<MailRow> =
        on_db!(db, p => sqlx::query_as(MAIL).bind(id).fetch_optional(p).await)?;
    Ok(row.map(MailSettings::from))
}

/// [`mail_settings`] inside a transaction (a sync's apply or its final transition).
pub async fn mail_settings_in(tx: &mut Tx, id: i64) -> sqlx::Result<Option<MailSettings>> {
    let row: Option<MailRow> =
        on_tx!(tx, c => sqlx::query_as(MAIL).bind(id).fetch_optional(c).await)?;
    Ok(row.map(MailSettings::from))
}

pub async fn update_mail_settings(
    tx: &mut Tx,
    id: i64,
    alert_addresses: &[String],
    invite_new_people: bool,
) -> sqlx::Result<()> {
    on_tx!(tx, c => sqlx::query(
        "update companies set alert_addresses = $2, invite_new_people = $3 where id = $1")
        .bind(id).bind(Json(alert_addresses)).bind(invite_new_people)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Sets when a company's syncs pause (the CLI; the settings form saves it with the rest).
pub async fn set_pause(db: &Db, id: i64, pause: &GuardSettings) -> sqlx::Result<()> {
    on_db!(db, p => sqlx::query(
        "update companies set deactivate_max_percent = $2, deactivate_min_people = $3 where id = $1")
        .bind(id).bind(pause.max_percent as i32).bind(pause.min_people as i32)
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

impl Company {
    /// When this company's syncs pause instead of deactivating.
    pub fn pause(&self) -> GuardSettings {
        GuardSettings {
            max_percent: self.deactivate_max_percent.max(0) as u32,
            min_people: self.deactivate_min_people.max(0) as usize,
        }
    }
}
