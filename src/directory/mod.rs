//! The directory's own domain types: people, groups, roles, validated values.
//!
//! These types know nothing of HTTP or SQL; the web forms, the database rows and the sync plan all
//! speak in them.

pub mod attributes;
mod email;
pub mod field_values;
pub mod fields;
pub mod limits;
mod person;
pub mod search;

pub use attributes::{Attribute, Kind};
pub use email::{Email, EmailError};
pub use field_values::FieldValue;
pub use fields::{CustomField, FieldKind};
pub use person::{Group, Person, Role, Source};
