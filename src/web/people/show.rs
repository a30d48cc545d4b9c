//! A person's page: their facts, manager, reports and groups; one note saying which HRIS they
//! are synced from (or were), with fields it owns marked locked; and, for company managers, the
//! person's own sync history.

use std::collections::HashSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use crate::web::query::Query;

use super::history::{self, RunChanges};
use crate::{
    db::{companies, custom_fields, field_values, groups, integrations, people, person_history},
    directory::{Attribute, Group, Person, Source},
    hris::ownership::Locks,
    web::{AppError, AppState, CurrentUser, integrations::CompanyClock, layout::Layout},
};

#[derive(Template, WebTemplate)]
#[template(path = "people/show.html")]
pub(crate) struct ShowPage {
    layout: Layout,
    person: Person,
    manager: Option<Person>,
    reports: Vec<people::ListItem>,
    groups: Vec<Group>,
    /// The company's custom fields: id, label, and the value as shown ("" for none).
    custom: Vec<(i64, String, String)>,
    can_edit: bool,
    locks: Locks,
    /// "Synced from Personio · Personio ID 42 · last synced …", or the released note.
    sync_note: Option<SyncNote>,
    /// The person's own sync history, newest run first (company managers only).
    history: Option<Vec<RunChanges>>,
    /// Older changes were left out of `history`.
    history_more: bool,
    access: Option<crate::web::access::AccessPanel>,
}

/// The one note on a synced (or formerly synced) person.
pub struct SyncNote {
    /// "Synced from Personio", or "Formerly synced from Personio" once it is disconnected.
    pub headline: String,
    /// "Personio ID", and the id.
    pub id_label: String,
    pub id: String,
    /// When the HRIS last synced the company, in its time zone (connected only).
    pub last_synced: Option<String>,
    /// Whether the person is linked to the connected HRIS (fields locked).
    pub linked: bool,
    pub provider: &'static str,
}

impl ShowPage {
    /// Whether the custom field `id` is locked on this person (the HRIS's mapping fills it).
    fn field_locked(&self, id: &i64) -> bool {
        self.locks.locks_field(*id)
    }
    /// Whether the attribute `key` is locked on this person.
    fn locked(&self, key: &str) -> bool {
        Attribute::parse(key).is_some_and(|a| self.locks.locks(a))
    }
    fn label(&self, key: &str) -> &'static str {
        Attribute::parse(key).map_or("", |a| a.label())
    }
    /// A day as people write it ("2 Dec 2026"), not ISO.
    fn day(&self, d: &time::Date) -> String {
        crate::directory::attributes::show_date(*d)
    }
    fn max_changes(&self) -> i64 {
        history::MAX_CHANGES
    }
    /// "Personio" when fields are locked by it (for the lock icon's text).
    fn synced_from(&self) -> &'static str {
        self.locks.by().map_or("", |p| p.label())
    }
}

pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(notice): Query<crate::web::access::NoticeQuery>,
) -> Result<ShowPage, AppError> {
    let company = user.company_id();
    let person = people::get(&state.db, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let manager = match person.manager_id {
        Some(m) => people::get(&state.db, company, m).await?,
        None => None,
    };
    let member_of: HashSet<i64> = person.group_ids.iter().copied().collect();
    let groups = groups::all(&state.db, company)
        .await?
        .into_iter()
        .filter(|g| member_of.contains(&g.id))
        .collect();
    let fields = custom_fields::all(&state.db, company).await?;
    let values = field_values::of_person(&state.db, &fields, id).await?;
    let custom = fields
        .iter()
        .map(|f| {
            let shown = values.get(&f.id).map(|v| v.show()).unwrap_or_default();
            (f.id, f.label.clone(), shown)
        })
        .collect();
    let connection = integrations::connection(&state.db, company).await?;
    let locks = Locks::of(&person, connection.as_ref());
    let c = companies::get(&state.db, company)
        .await?
        .ok_or(AppError::NotFound)?;
    let clock = CompanyClock::new(&c.time_zone);
    let sync_note = sync_note(&state, &person, &locks, &clock).await?;
    // Before and after values of every field are for those who manage people.
    let (history, history_more) = if user.is_manager() {
        let (runs, more) = history::of(&state, company, id, &clock).await?;
        (Some(runs), more)
    } else {
        (None, false)
    };
    Ok(ShowPage {
        layout: Layout::new(&user, "people", person.full_name()),
        reports: people::reports(&state.db, company, id).await?,
        manager,
        groups,
        custom,
        can_edit: user.is_manager(),
        locks,
        sync_note,
        history,
        history_more,
        access: crate::web::access::panel(&state, &user, &person, &notice).await?,
        person,
    })
}

async fn sync_note(
    state: &AppState,
    person: &Person,
    locks: &Locks,
    clock: &CompanyClock,
) -> Result<Option<SyncNote>, AppError> {
    let Some(id) = person
        .source_id
        .clone()
        .filter(|_| person.source != Source::Manual)
    else {
        return Ok(None);
    };
    let provider = person.source.label();
    let id_label = Attribute::HrisId.label_for(person.source);
    let Some(connected) = locks.by() else {
        return Ok(Some(SyncNote {
            headline: format!("Formerly synced from {provider}"),
            id_label,
            id,
            last_synced: None,
            linked: false,
            provider,
        }));
    };
    let last_synced = person_history::last_synced(&state.db, person.company_id, connected)
        .await?
        .map(|t| clock.show(t));
    Ok(Some(SyncNote {
        headline: format!("Synced from {provider}"),
        id_label,
        id,
        last_synced,
        linked: true,
        provider,
    }))
}
