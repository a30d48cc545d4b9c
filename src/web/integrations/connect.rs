//! Connect: the credentials form of one HRIS. Apply checks them with the provider first; a
//! refusal comes back as a form error and stores nothing. The secret is never sent back.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use super::{connect_review, kept_secret, pending};
use crate::{
    db::integrations,
    hris::{FetchError, Provider, kiwihr::KiwiEndpoint, providers::Credentials, secret::Secret},
    integrations::{self as connecting, ConnectError},
    sync::{
        first_sync,
        run::{Request, Trigger},
    },
    web::{
        AppError, AppState, CurrentUser, Manager, field_errors::Errors, form::FormData,
        layout::Layout,
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/connect.html")]
pub struct ConnectPage {
    layout: Layout,
    key: &'static str,
    name: &'static str,
    /// Why Connect is unavailable (another HRIS is connected): no form then.
    unavailable: Option<String>,
    errors: Errors,
    /// A secret from the last try is kept (encrypted, in the session): the field may stay empty.
    kept_secret: bool,
    /// Personio's client ID, as typed (not a secret).
    client_id: String,
    /// kiwiHR's URL, as typed.
    url: String,
}

fn page(user: &CurrentUser, provider: Provider) -> ConnectPage {
    ConnectPage {
        layout: Layout::new(user, "settings", format!("Connect {}", provider.label())),
        key: provider.as_str(),
        name: provider.label(),
        unavailable: None,
        errors: Errors::default(),
        kept_secret: false,
        client_id: String::new(),
        url: String::new(),
    }
}

fn already(existing: impl std::fmt::Display) -> String {
    format!(
        "{existing} is already connected. Disconnect it first; a company syncs from one HRIS at a time."
    )
}

pub async fn connect_form(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(segment): Path<String>,
) -> Result<Response, AppError> {
    let provider = super::provider_of(&segment)?;
    let mut p = page(&user, provider);
    if let Some(existing) = integrations::get(&state.db, user.company_id()).await? {
        p.unavailable = Some(already(existing.provider));
        return Ok((StatusCode::CONFLICT, p).into_response());
    }
    p.kept_secret = kept_secret::is_kept(&user.session, provider).await?;
    Ok(p.into_response())
}

/// The secret field of each provider's form.
fn secret_field(provider: Provider) -> &'static str {
    match provider {
        Provider::Personio => "client_secret",
        Provider::Kiwihr => "api_token",
    }
}

/// The credentials as typed (the secret: typed, else the one kept from the last try), or what
/// is wrong with them, per field.
fn read(
    provider: Provider,
    form: &FormData,
    secret: Option<Secret>,
    errors: &mut Errors,
) -> Option<Credentials> {
    match provider {
        Provider::Personio => {
            let id = form.get("client_id");
            if id.is_empty() {
                errors.add(
                    "client_id",
                    "Enter the Client ID from Personio's API credentials.",
                );
            }
            if secret.is_none() {
                errors.add(
                    "client_secret",
                    "Enter the Client secret from Personio's API credentials.",
                );
            }
            match secret {
                Some(client_secret) if !id.is_empty() => Some(Credentials::Personio {
                    client_id: id.to_string(),
                    client_secret,
                }),
                _ => None,
            }
        }
        Provider::Kiwihr => {
            if secret.is_none() {
                errors.add(
                    "api_token",
                    "Enter the API token from kiwiHR (Settings › API keys).",
                );
            }
            let endpoint = KiwiEndpoint::parse(form.get("url"))
                .map_err(|e| errors.add("url", e.to_string()))
                .ok();
            match (endpoint, secret) {
                (Some(endpoint), Some(api_key)) => Some(Credentials::Kiwihr { api_key, endpoint }),
                _ => None,
            }
        }
    }
}

pub async fn connect_save(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(segment): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let provider = super::provider_of(&segment)?;
    let company_id = user.company_id();
    let mut p = page(&user, provider);
    p.client_id = form.get("client_id").to_string();
    p.url = form.get("url").to_string();
    let secrets = &state.sync.secrets;
    let typed = Some(form.get(secret_field(provider)))
        .filter(|s| !s.is_empty())
        .map(Secret::new);
    let secret = match typed {
        Some(s) => Some(s),
        None => kept_secret::take(&user.session, secrets, &user, provider).await?,
    };
    let Some(creds) = read(provider, &form, secret.clone(), &mut p.errors) else {
        // Only other fields were wrong: keep the secret for the next try.
        if let Some(s) = &secret {
            kept_secret::keep(&user.session, secrets, &user, provider, s).await?;
            p.kept_secret = true;
        }
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    if let Credentials::Kiwihr { endpoint, .. } = &creds {
        // What was checked: "acme.kiwihr.com" shows as the completed address.
        p.url = endpoint.to_string();
    }
    let after = super::panel::newest_run_id(&state.db, company_id).await?;
    // A directory with people in it: check, then show the first sync before storing anything.
    let checked = if first_sync::needs_review(&state.db, company_id).await? {
        match connecting::check(&state.sync, company_id, &creds).await {
            Ok(v) => match first_sync::preview(&state.sync, company_id, &creds).await? {
                Ok(first) => Ok((v, Some(first))),
                Err(e) => Err(ConnectError::Provider(e)),
            },
            Err(e) => Err(e),
        }
    } else {
        connecting::connect(&state.sync, company_id, &creds, Some(user.person.id))
            .await
            .map(|v| (v, None))
    };
    match checked {
        Ok((verified, Some(first))) => {
            kept_secret::forget(&user.session).await?;
            pending::keep(&user.session, secrets, &user, &creds).await?;
            return Ok(
                connect_review::page(&user, provider, first, verified.warnings).into_response(),
            );
        }
        Ok((verified, None)) => {
            kept_secret::forget(&user.session).await?;
            // Shown once on the panel (attributes the provider will not share, …).
            if !verified.warnings.is_empty() {
                user.session
                    .insert(super::panel::CONNECT_WARNINGS, &verified.warnings)
                    .await?;
            }
        }
        Err(ConnectError::Provider(e)) => {
            let rejected = matches!(e, FetchError::CredentialsRejected { .. });
            if rejected {
                kept_secret::forget(&user.session).await?;
            } else if let Some(s) = &secret {
                // The secret was not the problem (the HRIS could not be reached, …).
                kept_secret::keep(&user.session, secrets, &user, provider, s).await?;
                p.kept_secret = true;
            }
            // kiwiHR's token is the whole credential; Personio's is an ID and a secret. A
            // kiwiHR address refused after resolution is the URL's fault.
            let misconfigured = matches!(e, FetchError::Config { .. });
            let field = match provider {
                Provider::Kiwihr if rejected => "api_token",
                Provider::Kiwihr if misconfigured => "url",
                _ => "",
            };
            p.errors
                .add(field, super::advice::for_fetch(&e, provider, true));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
        }
        Err(ConnectError::AlreadyConnected(existing)) => {
            p.unavailable = Some(already(existing));
            return Ok((StatusCode::CONFLICT, p).into_response());
        }
        Err(ConnectError::Internal(e)) => return Err(AppError::Internal(e)),
    }
    state
        .jobs
        .enqueue(Request {
            company_id,
            trigger: Trigger::Connect,
            started_by: Some(user.person.id),
            approve: None,
        })
        .await?;
    Ok(Redirect::to(&super::notice::queued_url("connected", after)).into_response())
}
