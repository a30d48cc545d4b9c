//! The people directory: list with search and filters, a person's page, and (for company
//! managers) adding and editing people by hand.
//!
//! One file per job: [`list`] the directory, [`show`] a person's page with its synced note and
//! [`history`] its own sync history, [`form`] adding and editing, [`values`] what a form holds
//! and how it is checked, [`checks`] the checks that need the rest of the directory.

mod checks;
mod custom;
mod field_filters;
mod form;
mod history;
mod list;
mod show;
mod values;

pub(super) use form::{create, edit_form, new_form, update};
pub(super) use list::list;
pub(super) use show::show;
