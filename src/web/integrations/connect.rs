//! Connect: the credentials form of one HRIS. Apply checks them with the provider first; a
//! refusal comes back as a form error and stores nothing. The secret is never sent back.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::integrations,
    hris::{
        Provider,
        kiwihr::{EXPECTED_SHAPE, KiwiEndpoint},
        providers::Credentials,
        secret::Secret,
    },
    integrations::{self as connecting, ConnectError},
    sync::run::{Request, Trigger},
    web::{AppError, AppState, CurrentUser, Manager, form::FormData, layout::Layout},
};

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/connect.html")]
pub struct ConnectPage {
    layout: Layout,
    key: &'static str,
    name: &'static str,
    /// Why Connect is unavailable (another HRIS is connected): no form then.
    unavailable: Option<String>,
    errors: Vec<String>,
    /// Personio's client ID, as typed (not a secret).
    client_id: String,
    /// kiwiHR's URL, as typed.
    url: String,
    url_shape: &'static str,
}

fn page(user: &CurrentUser, provider: Provider) -> ConnectPage {
    ConnectPage {
        layout: Layout::new(user, "settings", format!("Connect {}", provider.label())),
        key: provider.as_str(),
        name: provider.label(),
        unavailable: None,
        errors: vec![],
        client_id: String::new(),
        url: String::new(),
        url_shape: EXPECTED_SHAPE,
    }
}

/// The provider's error as a sentence ("could not reach …" → "Could not reach …"), leaving a
/// brand spelled in lower case ("kiwiHR rejected …") as it is.
fn capitalized(s: &str) -> String {
    if s.starts_with("kiwiHR") {
        return s.to_string();
    }
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
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
    Ok(p.into_response())
}

/// The credentials as typed, or what is wrong with them.
fn read(provider: Provider, form: &FormData, errors: &mut Vec<String>) -> Option<Credentials> {
    match provider {
        Provider::Personio => {
            let (id, secret) = (form.get("client_id"), form.get("client_secret"));
            if id.is_empty() {
                errors.push("Enter the Client ID from Personio's API credentials.".into());
            }
            if secret.is_empty() {
                errors.push("Enter the Client secret from Personio's API credentials.".into());
            }
            (!id.is_empty() && !secret.is_empty()).then(|| Credentials::Personio {
                client_id: id.to_string(),
                client_secret: Secret::new(secret),
            })
        }
        Provider::Kiwihr => {
            let token = form.get("api_token");
            if token.is_empty() {
                errors.push("Enter the API token from kiwiHR (Settings › API keys).".into());
            }
            let endpoint = KiwiEndpoint::parse(form.get("url"))
                .map_err(|e| errors.push(e.to_string()))
                .ok();
            match endpoint {
                Some(endpoint) if !token.is_empty() => Some(Credentials::Kiwihr {
                    api_key: Secret::new(token),
                    endpoint,
                }),
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
    let Some(creds) = read(provider, &form, &mut p.errors) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    let after = super::panel::newest_run_id(&state.db, company_id).await?;
    match connecting::connect(&state.sync, company_id, &creds, Some(user.person.id)).await {
        Ok(verified) => {
            // Shown once on the panel (attributes the provider will not share, …).
            if !verified.warnings.is_empty() {
                user.session
                    .insert(super::panel::CONNECT_WARNINGS, &verified.warnings)
                    .await?;
            }
        }
        Err(ConnectError::Provider(e)) => {
            p.errors.push(format!(
                "{}. Check the credentials in {} and try again. Nothing was stored.",
                capitalized(&e.to_string()),
                provider.label()
            ));
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
    Ok(Redirect::to(&super::panel::queued_url("connected", after)).into_response())
}
