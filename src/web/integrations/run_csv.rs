//! A run's changes as a CSV file (for a spreadsheet or an auditor): one line per changed field,
//! with the same labels and values as the run page. Streamed 5,000 rows at a time, so a first
//! sync of 50,000 people does not sit in memory.

use axum::{
    body::{Body, Bytes},
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};

use crate::{
    db::{Db, run_people, sync_runs},
    hris::Provider,
    web::{AppError, AppState, Manager},
};

use super::labels;

const ROWS_PER_CHUNK: i64 = 5_000;
const HEADER: [&str; 6] = ["Person", "Roster ID", "Field", "Before", "After", "Reason"];

pub async fn run_csv(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let run = sync_runs::get(&state.db, user.company_id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let provider = run.provider;
    let mut first = header_bytes();
    let body = futures::stream::try_unfold(
        (state.db.clone(), 0_i64, false),
        move |(db, after, done)| {
            let head = std::mem::take(&mut first);
            async move {
                if done {
                    return Ok::<_, sqlx::Error>(None);
                }
                let (bytes, last) = chunk(&db, id, after, provider).await?;
                let mut out = head;
                out.extend_from_slice(&bytes);
                Ok(Some((
                    Bytes::from(out),
                    (db, last.unwrap_or(after), last.is_none()),
                )))
            }
        },
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"roster-sync-{id}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// A byte-order mark (so spreadsheet programs read the file as UTF-8) and the header line.
fn header_bytes() -> Vec<u8> {
    let mut w = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(HEADER).expect("writing to memory");
    w.into_inner().expect("writing to memory")
}

/// The CSV lines of the rows after `after`, and the last row's id (`None`: nothing was left).
async fn chunk(
    db: &Db,
    run_id: i64,
    after: i64,
    provider: Provider,
) -> sqlx::Result<(Vec<u8>, Option<i64>)> {
    let rows = run_people::changes_after(db, run_id, after, ROWS_PER_CHUNK).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for c in &rows {
        let show = |v: &Option<String>| {
            v.as_deref()
                .map(|v| labels::show(&c.field, v, provider))
                .unwrap_or_default()
        };
        let record = [
            c.person_name.clone(),
            c.person_id.map(|id| id.to_string()).unwrap_or_default(),
            labels::label(&c.field, provider),
            show(&c.before),
            show(&c.after),
            c.reason.clone().unwrap_or_default(),
        ];
        w.write_record(record.iter().map(|v| cell(v).into_owned()))
            .expect("writing to memory");
    }
    Ok((
        w.into_inner().expect("writing to memory"),
        rows.last().map(|c| c.id),
    ))
}

/// A value a spreadsheet shows as text: one starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return would be read as a formula, so it gets a leading apostrophe (what spreadsheets
/// themselves use to mark text). Quoting of commas, quotes and line breaks is the writer's.
fn cell(v: &str) -> std::borrow::Cow<'_, str> {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}").into()
    } else {
        v.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_plain_values_stay() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("Anna Weber"), "Anna Weber");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn the_file_starts_with_a_byte_order_mark_and_the_header() {
        let h = String::from_utf8(header_bytes()).unwrap();
        assert_eq!(h, "\u{feff}Person,Roster ID,Field,Before,After,Reason\n");
    }
}
