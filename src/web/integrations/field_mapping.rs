//! Settings › Integrations › <provider> › Fields: the attributes the HRIS offers beyond the
//! built-in table (for Personio those the credential may read, custom attributes included), each
//! mapped onto a custom field of a compatible kind or not synced. "Preview" runs the one dry-run
//! path ([`run::preview_with`]) with the mapping as chosen; "Save" stores it (nothing on any
//! mistake) and records an audit event.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    db::{audit, custom_fields, field_mappings},
    directory::CustomField,
    hris::Provider,
    sync::{
        Counts,
        mapping::{self, Mapping},
        run::{self, StartError},
    },
    web::{AppError, AppState, Manager, form::FormData, layout::Layout},
};

use super::builtin_input::{self, BuiltinRow};
use super::mapping_input::{self, MappingRow};
use super::rules::{connected, offered};

/// The audit event's action, listed in the sync history as "Fields mapping changed".
pub const AUDIT_ACTION: &str = "field_mapping";

/// Most changes the preview lists.
const SAMPLE: usize = 10;

/// What the preview found for the mapping as chosen.
pub struct Outcome {
    pub counts: Counts,
    /// Values the next sync would set or clear.
    pub values: usize,
    /// `(person, field, before, after)`, at most [`SAMPLE`].
    pub sample: Vec<(String, String, String, String)>,
    pub new_choices: Vec<String>,
    pub warnings: Vec<String>,
    pub refusal: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/integrations/fields.html")]
pub struct FieldsPage {
    layout: Layout,
    key: &'static str,
    name: &'static str,
    rows: Vec<MappingRow>,
    fields: Vec<CustomField>,
    /// The built-in table.
    builtin: Vec<BuiltinRow>,
    unavailable: Option<String>,
    errors: Vec<String>,
    preview: Option<Outcome>,
    saved: bool,
}

impl FieldsPage {
    /// The custom fields `row`'s attribute may fill.
    fn targets(&self, row: &MappingRow) -> Vec<&CustomField> {
        self.fields
            .iter()
            .filter(|f| row.kind.is_empty() || mapping::compatible(&row.kind, f.kind))
            .collect()
    }

    /// The attributes beyond the table that may fill the built-in field of `row`.
    fn sources(&self, row: &BuiltinRow) -> Vec<&MappingRow> {
        let kind = mapping::builtin_kind(row.field);
        self.rows
            .iter()
            .filter(|r| !r.not_offered && mapping::compatible(&r.kind, kind))
            .collect()
    }
}

#[derive(serde::Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

fn url(provider: Provider) -> String {
    format!("/settings/integrations/{}/fields", provider.as_str())
}

async fn page(
    state: &AppState,
    user: &crate::web::CurrentUser,
    provider: Provider,
) -> Result<(FieldsPage, Vec<crate::hris::personio::Offered>, Mapping), AppError> {
    let company_id = user.company_id();
    let (offered, unavailable) = offered(state, company_id, provider).await?;
    let stored = field_mappings::mapping(&state.db, company_id, provider).await?;
    let builtin = builtin_input::rows_of(provider, &offered, &stored);
    let page = FieldsPage {
        layout: Layout::new(user, "settings", format!("{} › Fields", provider.label())),
        key: provider.as_str(),
        name: provider.label(),
        rows: mapping_input::rows_of(provider, &offered, &stored),
        fields: custom_fields::all(&state.db, company_id).await?,
        builtin,
        unavailable,
        errors: Vec::new(),
        preview: None,
        saved: false,
    };
    Ok((page, offered, stored))
}

pub async fn fields_form(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(segment): Path<String>,
    Query(q): Query<Saved>,
) -> Result<Response, AppError> {
    let provider = match connected(&state, user.company_id(), &segment).await? {
        Ok(p) => p,
        Err(go) => return Ok(go),
    };
    let (mut p, _, _) = page(&state, &user, provider).await?;
    p.saved = q.saved.is_some();
    Ok(p.into_response())
}

pub async fn fields_save(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(segment): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let company_id = user.company_id();
    let provider = match connected(&state, company_id, &segment).await? {
        Ok(p) => p,
        Err(go) => return Ok(go),
    };
    let (mut p, _, stored) = page(&state, &user, provider).await?;
    p.rows = mapping_input::with_form(p.rows, &form);
    if p.unavailable.is_some() {
        p.errors.push(format!(
            "Nothing was saved: {} could not list its attributes, so the mapping cannot be checked.",
            provider.label()
        ));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    }
    let custom = mapping_input::parse(&p.rows, &p.fields, &stored, provider);
    let builtins = builtin_input::parse(&mut p.builtin, &form, &p.rows, provider);
    let mapping = match (custom, builtins) {
        (Ok(m), Ok(builtins)) => Mapping { builtins, ..m },
        (custom, builtins) => {
            p.errors = custom
                .err()
                .into_iter()
                .chain(builtins.err())
                .flatten()
                .collect();
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
        }
    };
    if form.get("action") == "save" {
        let mut tx = state.db.begin().await?;
        field_mappings::replace(&mut tx, company_id, provider, &mapping).await?;
        let detail = describe(provider, &mapping, &p.fields);
        audit::record(
            &mut tx,
            company_id,
            Some(user.person.id),
            AUDIT_ACTION,
            &detail,
        )
        .await?;
        tx.commit().await?;
        return Ok(Redirect::to(&format!("{}?saved=1", url(provider))).into_response());
    }
    let unsaved = run::Unsaved {
        mapping: Some(mapping.clone()),
        ..Default::default()
    };
    match run::preview_with(&state.sync, company_id, unsaved).await {
        Ok(Ok((planned, refusal))) => {
            let plan = &planned.plan;
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
            // The values the mapping sets: custom fields, and built-in fields filled otherwise.
            let remapped = |a| mapping.of_builtin(a).is_some_and(|b| b.key.is_some());
            let values: Vec<_> = plan
                .field_values
                .iter()
                .map(|f| {
                    (
                        f.name.clone(),
                        f.label.clone(),
                        show(&f.before),
                        show(&f.after),
                    )
                })
                .chain(plan.updates.iter().flat_map(|u| {
                    u.changes.iter().filter(|c| remapped(c.field)).map(|c| {
                        let label = c.field.label_for(provider.source());
                        (u.name.clone(), label, show(&c.before), show(&c.after))
                    })
                }))
                .collect();
            p.preview = Some(Outcome {
                counts: plan.counts,
                values: values.len(),
                sample: values.into_iter().take(SAMPLE).collect(),
                new_choices: plan
                    .choices_to_add
                    .iter()
                    .map(|c| c.choice.clone())
                    .collect(),
                warnings: plan.run_warnings.clone(),
                refusal: refusal.map(|r| r.to_string()),
            });
        }
        Ok(Err(fetch)) => p
            .errors
            .push(super::advice::for_fetch(&fetch, provider, false)),
        Err(StartError::Key(k)) => p.errors.push(run::key_message(k)),
        Err(e) => return Err(AppError::Internal(e.into())),
    }
    Ok(p.into_response())
}

/// The audit event's text: "Fields (Personio): T-shirt size → Shirt; Office → Office".
fn describe(provider: Provider, mapping: &Mapping, fields: &[CustomField]) -> String {
    if mapping.is_empty() {
        return format!("Fields ({}): no custom field synced", provider.label());
    }
    let mut pairs: Vec<String> = mapping
        .fields
        .iter()
        .map(|m| {
            let field = fields
                .iter()
                .find(|f| f.id == m.field_id)
                .map_or("?", |f| f.label.as_str());
            let add = if m.add_choices {
                " (adding new choices)"
            } else {
                ""
            };
            format!("{} → {field}{add}", m.label)
        })
        .collect();
    pairs.extend(builtin_input::describe(&mapping.builtins, provider));
    format!("Fields ({}): {}", provider.label(), pairs.join("; "))
}
