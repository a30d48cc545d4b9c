//! The directory list: search, department / group / status / custom choice field filters, 50 a
//! page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};

use super::field_filters::{self, FieldSelect};
use crate::{
    db::{list_filters, people},
    directory::Group,
    web::{AppError, AppState, CurrentUser, layout::Layout, query::Query},
};

pub const PAGE_SIZE: i64 = 50;
/// The highest page number read (2,000,000 people); past it a page number is refused (400)
/// instead of computing an offset that overflows.
const MAX_PAGE: i64 = 40_000;

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    department: Option<String>,
    group: Option<String>,
    status: Option<String>,
    page: Option<i64>,
    /// How many people "Invite all" just invited.
    invited: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/list.html")]
pub(crate) struct ListPage {
    layout: Layout,
    people: Vec<people::ListItem>,
    total: i64,
    q: String,
    department: String,
    group: String,
    status: String,
    departments: Vec<String>,
    groups: Vec<Group>,
    /// One select per custom choice field.
    field_selects: Vec<FieldSelect>,
    page: i64,
    pages: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
    can_edit: bool,
    invited: Option<i64>,
}

/// The list's address with the same filters, at `page`.
fn page_link(filters: &[(String, String)], page: i64) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in filters {
        if !v.is_empty() {
            s.append_pair(k, v);
        }
    }
    s.append_pair("page", &page.to_string());
    format!("/people?{}", s.finish())
}

pub(crate) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
    RawQuery(raw): RawQuery,
) -> Result<ListPage, AppError> {
    let company = user.company_id();
    let filters = list_filters::read(&state.db, company).await?;
    let (field_selects, field_filters) =
        field_filters::read(&filters.fields, raw.as_deref().unwrap_or(""));
    let status = q.status.clone().unwrap_or_else(|| "active".into());
    let active = match status.as_str() {
        "all" => None,
        "deactivated" => Some(false),
        _ => Some(true),
    };
    let group = q.group.clone().unwrap_or_default();
    let filter = people::Filter {
        search: q.q.clone(),
        department: q.department.clone().filter(|d| !d.is_empty()),
        group_id: group.parse().ok(),
        active,
        fields: field_filters,
    };
    let page = q.page.unwrap_or(1).max(1);
    if page > MAX_PAGE {
        return Err(AppError::BadRequest(format!(
            "There is no page {page}: the people list has at most {MAX_PAGE} pages. Go back to the first page."
        )));
    }
    let (rows, total) = people::list(
        &state.db,
        company,
        &filter,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
        Some(&filters.counts),
    )
    .await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let (qs, dep) = (q.q.unwrap_or_default(), q.department.unwrap_or_default());
    let mut link_filters: Vec<(String, String)> = [
        ("q", &qs),
        ("department", &dep),
        ("group", &group),
        ("status", &status),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    link_filters.extend(field_filters::pairs(&field_selects));
    Ok(ListPage {
        layout: Layout::new(&user, "people", "People"),
        // Past the end, "previous" is the last page.
        prev_link: (page > 1).then(|| page_link(&link_filters, (page - 1).min(pages))),
        next_link: (page < pages).then(|| page_link(&link_filters, page + 1)),
        people: rows,
        total,
        departments: filters.departments,
        groups: filters.groups,
        field_selects,
        q: qs,
        department: dep,
        group,
        status,
        page,
        pages,
        can_edit: user.is_manager(),
        invited: q.invited,
    })
}
