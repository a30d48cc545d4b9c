//! Company settings › "Sync alerts and invitations": where sync alerts go (the company managers,
//! or addresses the company chooses) and "Invite new people automatically". Its own form on the
//! Company settings page; a save that changes something is an audit event.

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::{audit, companies},
    directory::Email,
    web::{AppError, AppState, Manager, field_errors::Errors, form::FormData},
};

/// Most alert addresses a company may set.
pub const MAX_ALERT_ADDRESSES: usize = 20;

/// The form as shown: saved values, or what was typed with its errors.
#[derive(Default)]
pub struct MailForm {
    pub alert_addresses: String,
    pub invite_new_people: bool,
    pub errors: Errors,
    pub saved: bool,
}

impl MailForm {
    pub fn of(s: &companies::MailSettings, saved: bool) -> MailForm {
        MailForm {
            alert_addresses: s.alert_addresses.join(", "),
            invite_new_people: s.invite_new_people,
            errors: Errors::default(),
            saved,
        }
    }
}

/// The addresses typed (separated by commas, semicolons, spaces or lines), each checked, repeats
/// dropped (case-insensitively). Empty means "the company managers".
pub fn parse_addresses(raw: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = vec![];
    for a in raw
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|a| !a.is_empty())
    {
        let a = Email::check(a).map_err(|e| e.to_string())?;
        if !out.iter().any(|o| o.eq_ignore_ascii_case(a)) {
            out.push(a.to_string());
        }
    }
    if out.len() > MAX_ALERT_ADDRESSES {
        return Err(format!(
            "At most {MAX_ALERT_ADDRESSES} addresses; this has {}. A mailing list address can stand for more people.",
            out.len()
        ));
    }
    Ok(out)
}

pub(super) async fn save(
    State(state): State<AppState>,
    Manager(user): Manager,
    form: FormData,
) -> Result<Response, AppError> {
    let company_id = user.company_id();
    let typed = form.get("alert_addresses");
    let invite = form.has("invite_new_people");
    let addresses = match parse_addresses(typed) {
        Ok(a) => a,
        Err(message) => {
            let mut errors = Errors::default();
            errors.add("alert_addresses", message);
            let mail = MailForm {
                alert_addresses: typed.to_string(),
                invite_new_people: invite,
                errors,
                saved: false,
            };
            let page = super::settings::company_page(&state, &user, mail, false).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let before = companies::mail_settings(&state.db, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    companies::update_mail_settings(&mut tx, company_id, &addresses, invite).await?;
    if let Some(detail) = changed(&before, &addresses, invite) {
        audit::record(
            &mut tx,
            company_id,
            Some(user.person.id),
            "settings",
            &detail,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/settings/company?mail_saved=1#mail-heading").into_response())
}

/// What a save changed, for the audit log.
fn changed(before: &companies::MailSettings, addresses: &[String], invite: bool) -> Option<String> {
    let who = |a: &[String]| {
        if a.is_empty() {
            "the company managers".to_string()
        } else {
            a.join(", ")
        }
    };
    let on = |b: bool| if b { "on" } else { "off" };
    let mut out = vec![];
    if before.alert_addresses != addresses {
        out.push(format!(
            "Sync alerts to {} → {}",
            who(&before.alert_addresses),
            who(addresses)
        ));
    }
    if before.invite_new_people != invite {
        out.push(format!(
            "Invite new people automatically {} → {}",
            on(before.invite_new_people),
            on(invite)
        ));
    }
    (!out.is_empty()).then(|| out.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_split_checked_and_deduplicated() {
        assert_eq!(parse_addresses("  ").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_addresses("hr@acme.example, it@acme.example;\nHR@acme.example").unwrap(),
            vec!["hr@acme.example", "it@acme.example"]
        );
        let err = parse_addresses("hr@acme.example, not-an-address").unwrap_err();
        assert!(
            err.contains("“not-an-address” is not a valid email address"),
            "{err}"
        );
        let many: Vec<String> = (0..21).map(|i| format!("a{i}@acme.example")).collect();
        let err = parse_addresses(&many.join(",")).unwrap_err();
        assert!(err.contains("At most 20 addresses; this has 21"), "{err}");
    }
}
