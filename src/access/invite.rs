//! Invitations: a one-time link (7 days) mailed to a person without a login, to choose a
//! password. A new invitation replaces the person's previous link.

use crate::{
    access::{INVITATION_DAYS, Refused, new_token},
    db::{Db, Tx, audit, companies, login_tokens, people},
    directory::{Person, Role},
    mail::{self, Mail},
};

/// Who sends an invitation: a company manager, or the sync ("Invite new people automatically").
#[derive(Debug, Clone)]
pub struct Inviter {
    pub person_id: Option<i64>,
    pub name: Option<String>,
}

/// Writes the link and its mail inside `tx` (the caller's event: a click, a sync's apply).
pub async fn invite_in(
    tx: &mut Tx,
    company_name: &str,
    person: &Person,
    role: Role,
    by: &Inviter,
) -> anyhow::Result<()> {
    let (token, hash) = new_token();
    let expires = crate::db::now() + time::Duration::days(INVITATION_DAYS);
    login_tokens::replace(
        tx,
        person.company_id,
        person.id,
        "invitation",
        Some(role.as_str()),
        &hash,
        expires,
    )
    .await?;
    mail::queue(
        tx,
        Some(person.company_id),
        &person.email,
        &Mail::Invitation {
            company: company_name.to_string(),
            name: person.first_name.clone(),
            invited_by: by.name.clone(),
            token,
            expires_days: INVITATION_DAYS,
        },
    )
    .await?;
    audit::record(
        tx,
        person.company_id,
        by.person_id,
        "invitation",
        &format!(
            "Invited {} <{}> as {}",
            person.full_name(),
            person.email,
            role.as_str()
        ),
    )
    .await?;
    Ok(())
}

/// Invites one person, refusing the deactivated and those who already have a login.
pub async fn invite(
    db: &Db,
    company_id: i64,
    person_id: i64,
    role: Role,
    by: &Inviter,
) -> anyhow::Result<Result<Person, Refused>> {
    let Some(person) = people::get(db, company_id, person_id).await? else {
        anyhow::bail!("no person {person_id} in company {company_id}");
    };
    if !person.active {
        return Ok(Err(Refused::Deactivated(person.full_name())));
    }
    if person.role.is_some() {
        return Ok(Err(Refused::HasLogin(person.full_name())));
    }
    let company = companies::get(db, company_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no company {company_id}"))?;
    let mut tx = db.begin().await?;
    invite_in(&mut tx, &company.name, &person, role, by).await?;
    tx.commit().await?;
    Ok(Ok(person))
}

/// Invites every active person without a login and without a waiting invitation, as
/// employees, in one transaction. Returns how many were invited.
pub async fn invite_all(db: &Db, company_id: i64, by: &Inviter) -> anyhow::Result<usize> {
    let company = companies::get(db, company_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no company {company_id}"))?;
    let mut todo = vec![];
    for p in people::all(db, company_id).await? {
        if p.active
            && p.role.is_none()
            && login_tokens::pending_invitation(db, p.id).await?.is_none()
        {
            todo.push(p);
        }
    }
    let mut tx = db.begin().await?;
    for p in &todo {
        invite_in(&mut tx, &company.name, p, Role::Employee, by).await?;
    }
    tx.commit().await?;
    Ok(todo.len())
}
