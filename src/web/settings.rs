//! Settings (company managers only; the whole `/settings` tree is behind a manager layer).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::{
        audit,
        companies::{self, Company, CompanySettings},
    },
    directory::limits,
    sync::GuardSettings,
    web::{
        AppError, AppState, CurrentUser, Manager, field_errors::Errors, form::FormData,
        layout::Layout, query::Query, settings_mail::MailForm,
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "settings/index.html")]
pub(super) struct IndexPage {
    layout: Layout,
    company: Company,
}

pub(super) async fn index(
    State(state): State<AppState>,
    Manager(user): Manager,
) -> Result<IndexPage, AppError> {
    let company = companies::get(&state.db, user.company_id())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(IndexPage {
        layout: Layout::new(&user, "settings", "Settings"),
        company,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/company.html")]
pub(super) struct CompanyPage {
    layout: Layout,
    name: String,
    time_zone: String,
    sync_hour: String,
    max_percent: String,
    min_people: String,
    errors: Errors,
    saved: bool,
    /// "Sync alerts and invitations", its own form on this page.
    mail: MailForm,
}

impl CompanyPage {
    fn time_zones(&self) -> &'static [&'static str] {
        time_zones()
    }
}

/// The IANA time zone names a company can choose, by region (no legacy aliases such as
/// "US/Eastern" or "Etc/GMT+1"), then UTC.
fn time_zones() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        const REGIONS: [&str; 9] = [
            "Africa/",
            "America/",
            "Antarctica/",
            "Asia/",
            "Atlantic/",
            "Australia/",
            "Europe/",
            "Indian/",
            "Pacific/",
        ];
        let mut names: Vec<&'static str> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter(|n| REGIONS.iter().any(|r| n.starts_with(r)))
            .collect();
        names.sort_unstable();
        names.push("UTC");
        names
    })
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
    mail_saved: Option<String>,
}

pub(super) async fn company_form(
    State(state): State<AppState>,
    Manager(user): Manager,
    Query(q): Query<SavedQuery>,
) -> Result<CompanyPage, AppError> {
    let mail = companies::mail_settings(&state.db, user.company_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let mail = MailForm::of(&mail, q.mail_saved.is_some());
    company_page(&state, &user, mail, q.saved.is_some()).await
}

/// The page with the company's saved settings and `mail` as given (saved, or typed with errors).
pub(super) async fn company_page(
    state: &AppState,
    user: &CurrentUser,
    mail: MailForm,
    saved: bool,
) -> Result<CompanyPage, AppError> {
    let c = companies::get(&state.db, user.company_id())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(CompanyPage {
        layout: Layout::new(user, "settings", "Company settings"),
        name: c.name,
        time_zone: c.time_zone,
        sync_hour: c.sync_hour.to_string(),
        max_percent: c.deactivate_max_percent.to_string(),
        min_people: c.deactivate_min_people.to_string(),
        errors: Errors::default(),
        saved,
        mail,
    })
}

/// The company form as typed.
pub struct CompanyForm<'a> {
    pub name: &'a str,
    pub time_zone: &'a str,
    pub sync_hour: &'a str,
    pub max_percent: &'a str,
    pub min_people: &'a str,
}

pub fn validate_company(f: &CompanyForm) -> Result<CompanySettings, Errors> {
    let CompanyForm {
        name,
        time_zone,
        sync_hour,
        ..
    } = *f;
    let mut errors = Errors::default();
    if name.trim().is_empty() {
        errors.add("name", "The company needs a name.");
    } else if !limits::fits(name.trim(), limits::COMPANY_NAME) {
        errors.add(
            "name",
            format!(
                "The company name can be at most {} characters; this one has {}.",
                limits::COMPANY_NAME,
                name.trim().chars().count()
            ),
        );
    }
    if time_zone.trim().is_empty() {
        errors.add(
            "time_zone",
            "Choose a time zone, like Europe/Paris or America/New_York.",
        );
    } else if time_zone.trim().parse::<chrono_tz::Tz>().is_err() {
        errors.add("time_zone", format!("“{time_zone}” is not a time zone Roster knows; choose one from the list, like Europe/Paris or America/New_York."));
    }
    let hour = sync_hour
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|h| (0..24).contains(h));
    if hour.is_none() {
        errors.add(
            "sync_hour",
            "The sync hour must be a whole hour from 0 to 23.",
        );
    }
    let pause = GuardSettings::parse(f.max_percent, f.min_people).map_err(|e| {
        for (field, msg) in e {
            errors.add(field, msg);
        }
    });
    match pause {
        Ok(pause) if errors.is_empty() => Ok(CompanySettings {
            name: name.trim().to_string(),
            time_zone: time_zone.trim().to_string(),
            sync_hour: hour.unwrap_or(5),
            pause,
        }),
        _ => Err(errors),
    }
}

pub(super) async fn company_save(
    State(state): State<AppState>,
    Manager(user): Manager,
    form: FormData,
) -> Result<Response, AppError> {
    let typed = CompanyForm {
        name: form.get("name"),
        time_zone: form.get("time_zone"),
        sync_hour: form.get("sync_hour"),
        max_percent: form.get("max_percent"),
        min_people: form.get("min_people"),
    };
    match validate_company(&typed) {
        Ok(s) => {
            let before = companies::get(&state.db, user.company_id())
                .await?
                .ok_or(AppError::NotFound)?;
            companies::update_settings(&state.db, user.company_id(), &s).await?;
            if let Some(detail) = changed(&before, &s) {
                let by = Some(user.person.id);
                audit::record_now(&state.db, user.company_id(), by, "settings", &detail).await?;
            }
            Ok(Redirect::to("/settings/company?saved=1").into_response())
        }
        Err(errors) => {
            let mail = companies::mail_settings(&state.db, user.company_id())
                .await?
                .ok_or(AppError::NotFound)?;
            let page = CompanyPage {
                layout: Layout::new(&user, "settings", "Company settings"),
                name: typed.name.into(),
                time_zone: typed.time_zone.into(),
                sync_hour: typed.sync_hour.into(),
                max_percent: typed.max_percent.into(),
                min_people: typed.min_people.into(),
                errors,
                saved: false,
                mail: MailForm::of(&mail, false),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// What a save changed, for the audit log ("Time zone Europe/Berlin → Europe/Paris; …").
fn changed(before: &Company, after: &CompanySettings) -> Option<String> {
    let mut out = Vec::new();
    let mut diff = |what: &str, old: String, new: String| {
        if old != new {
            out.push(format!("{what} {old} → {new}"));
        }
    };
    diff("Name", before.name.clone(), after.name.clone());
    diff(
        "Time zone",
        before.time_zone.clone(),
        after.time_zone.clone(),
    );
    diff(
        "Sync hour",
        format!("{}:00", before.sync_hour),
        format!("{}:00", after.sync_hour),
    );
    diff(
        "Syncs pause when they would deactivate",
        before.pause().describe(),
        after.pause.describe(),
    );
    (!out.is_empty()).then(|| out.join("; "))
}
