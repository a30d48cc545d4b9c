//! A company manager changes a person's role or removes their login. The last active company
//! manager can be neither demoted, deactivated nor stripped of their login: a company always
//! keeps someone who can reach Settings.

use crate::{
    access::Refused,
    db::{Db, Tx, audit, login_tokens, people},
    directory::{Person, Role},
    on_tx, session_store,
};

/// True when `person` is an active company manager and no other active one exists. Runs in the
/// transaction that would change them, after a lock on the company's managers (PostgreSQL: `for
/// update`; SQLite's write lock is already held), so two managers demoting each other at once
/// cannot both succeed.
pub async fn is_last_active_manager(tx: &mut Tx, person: &Person) -> sqlx::Result<bool> {
    if !(person.active && person.role == Some(Role::Manager)) {
        return Ok(false);
    }
    let others: Vec<i64> = match tx {
        Tx::Postgres(t) => sqlx::query_scalar(
            "select id from people where company_id = $1 and role = 'manager' and active \
             and id <> $2 for update",
        )
        .bind(person.company_id)
        .bind(person.id)
        .fetch_all(&mut **t)
        .await?,
        Tx::Sqlite(t) => sqlx::query_scalar(
            "select id from people where company_id = $1 and role = 'manager' and active and id <> $2",
        )
        .bind(person.company_id)
        .bind(person.id)
        .fetch_all(&mut **t)
        .await?,
    };
    Ok(others.is_empty())
}

async fn load(db: &Db, company_id: i64, person_id: i64) -> anyhow::Result<Person> {
    people::get(db, company_id, person_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no person {person_id} in company {company_id}"))
}

/// Makes a person with a login a company manager or an employee.
pub async fn set_role(
    db: &Db,
    company_id: i64,
    person_id: i64,
    role: Role,
    actor: i64,
) -> anyhow::Result<Result<(), Refused>> {
    let person = load(db, company_id, person_id).await?;
    let Some(current) = person.role else {
        return Ok(Err(Refused::NoLogin(person.full_name())));
    };
    if current == role {
        return Ok(Ok(()));
    }
    let mut tx = db.begin().await?;
    if role != Role::Manager && is_last_active_manager(&mut tx, &person).await? {
        return Ok(Err(Refused::LastManager(person.full_name())));
    }
    on_tx!(&mut tx, c => sqlx::query(
        "update people set role = $3, updated_at = $4 where company_id = $1 and id = $2")
        .bind(company_id).bind(person_id).bind(role.as_str()).bind(crate::db::now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    audit::record(
        &mut tx,
        company_id,
        Some(actor),
        "role_changed",
        &format!(
            "{} <{}>: {} → {}",
            person.full_name(),
            person.email,
            current.as_str(),
            role.as_str()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Removes a person's login (and waiting links) and ends their sessions; the person stays in
/// the directory.
pub async fn remove_login(
    db: &Db,
    company_id: i64,
    person_id: i64,
    actor: i64,
) -> anyhow::Result<Result<(), Refused>> {
    let person = load(db, company_id, person_id).await?;
    let mut tx = db.begin().await?;
    if is_last_active_manager(&mut tx, &person).await? {
        return Ok(Err(Refused::LastManager(person.full_name())));
    }
    let had_login = person.role.is_some();
    people::set_login(&mut tx, company_id, person_id, None).await?;
    login_tokens::cancel_all(&mut tx, person_id).await?;
    session_store::end_sessions_of(&mut tx, person_id).await?;
    audit::record(
        &mut tx,
        company_id,
        Some(actor),
        "login_removed",
        &format!(
            "{} <{}>: {}",
            person.full_name(),
            person.email,
            if had_login {
                "login removed"
            } else {
                "invitation cancelled"
            }
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}
