//! Settings › Company › Fields (company managers only, like all of `/settings`): the company's
//! custom fields and the built-in gender field's choices.
//!
//! One file per job: [`list`] the page with every field and the form that adds one, [`edit`]
//! renaming a field or changing its choices (and the gender choices), [`delete`] the
//! confirmation that says how many people have a value, then the deletion. Every change is an
//! audit event (`fields`), shown in the sync history among the runs.

mod delete;
mod edit;
mod list;

pub(super) use delete::{confirm_delete, delete};
pub(super) use edit::{edit_form, edit_gender, gender_form, update};
pub(super) use list::{create, page};

/// The audit log's action for a change of a field definition.
pub const AUDIT_ACTION: &str = "fields";

/// "Berlin, Paris" for a list of choices, cut after a few so a long list stays one line.
fn summary(choices: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut s = choices
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if choices.len() > SHOWN {
        s.push_str(&format!(" and {} more", choices.len() - SHOWN));
    }
    s
}
