//! Invitations: a one-time link (7 days) mailed to a person without a login, to choose a
//! password. A new invitation replaces the person's previous link. A company with "Invite new
//! people automatically" has the active people a sync creates invited in the sync's transaction.

use crate::{
    access::{INVITATION_DAYS, Refused, new_token},
    db::{Db, Tx, audit, companies, login_tokens, people},
    directory::{Email, Person, Role},
    mail::{self, Mail},
};

/// Who gets an invitation: a directory row, or a person a sync has just created.
#[derive(Debug, Clone)]
pub struct Invitee {
    pub id: i64,
    pub company_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

impl From<&Person> for Invitee {
    fn from(p: &Person) -> Invitee {
        Invitee {
            id: p.id,
            company_id: p.company_id,
            email: p.email.clone(),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
        }
    }
}

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
    person: &Invitee,
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
            "Invited {} {} <{}> as {}{}",
            person.first_name,
            person.last_name,
            person.email,
            role.as_str(),
            if by.person_id.is_none() {
                " (Invite new people automatically)"
            } else {
                ""
            }
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
    invite_in(&mut tx, &company.name, &Invitee::from(&person), role, by).await?;
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
        invite_in(
            &mut tx,
            &company.name,
            &Invitee::from(p),
            Role::Employee,
            by,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(todo.len())
}

/// "Invite new people automatically": when the company turned it on, invites (as employees)
/// the `created` people that have a usable e-mail address, inside the sync's transaction.
/// Returns how many were invited.
pub async fn invite_created(
    tx: &mut Tx,
    company_id: i64,
    created: &[Invitee],
) -> anyhow::Result<usize> {
    if created.is_empty() {
        return Ok(0);
    }
    let Some(company) = companies::mail_settings_in(tx, company_id).await? else {
        return Ok(0);
    };
    if !company.invite_new_people {
        return Ok(0);
    }
    let by = Inviter {
        person_id: None,
        name: None,
    };
    let mut n = 0;
    for p in created.iter().filter(|p| Email::check(&p.email).is_ok()) {
        invite_in(tx, &company.name, p, Role::Employee, &by).await?;
        n += 1;
    }
    Ok(n)
}
