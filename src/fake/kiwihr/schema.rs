//! The subset of the kiwiHR schema the fake serves (kiwihr.md §3–4): the data it stores, the
//! fields and arguments it declares, and (in submodules) the resolvers that answer a validated
//! [`Operation`](super::graphql::Operation) from that data.

use serde_json::{Map, Value};
use time::Date;

use super::graphql::{FieldType, Schema};

mod execute;
mod render;

pub use execute::{execute, page_request};

/// A kiwiHR user as the fake stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct KiwiUser {
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub birth_date: Option<Date>,
    pub employee_number: Option<String>,
    pub position: Option<KiwiRef>,
    /// The office (`location { id name }`); `None` renders `null`.
    pub location: Option<KiwiRef>,
    pub employment_start_date: Option<Date>,
    pub employment_end_date: Option<Date>,
    pub is_active: bool,
    /// `MALE`, `FEMALE`, `DIVERSE` (or anything else a test sets); `None` renders `null`.
    pub gender: Option<String>,
    pub manager: Option<ManagerLink>,
    /// Team ids, in the order kiwiHR lists them; the first is also rendered as `team`.
    pub team_ids: Vec<u64>,
}

/// `{ id name }` of a position or location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KiwiRef {
    pub id: u64,
    pub name: String,
}

/// A manager link: usually the id of another user; `email` is only used when nobody has that id
/// (a manager who is not in the list), to render what kiwiHR would still say about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerLink {
    pub id: u64,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KiwiTeam {
    pub id: u64,
    pub name: String,
}

/// How values are rendered, for the tests' quirk switches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Render {
    /// Render ids as JSON numbers instead of strings.
    pub ids_as_numbers: bool,
    /// Render dates as `YYYY-MM-DDT00:00:00.000Z` instead of `YYYY-MM-DD`.
    pub dates_with_time: bool,
    /// Add this to every reported `pageInfo.count` (the total changing between pages).
    pub count_skew: i64,
}

/// Everything the resolvers read.
pub struct Ctx<'a> {
    pub users: &'a [KiwiUser],
    pub teams: &'a [KiwiTeam],
    pub max_limit: u64,
    /// Above `max_limit`, answer with `max_limit` items instead of an error.
    pub clamp_limit: bool,
    pub default_limit: u64,
    pub render: Render,
    pub variables: &'a Map<String, Value>,
}

pub struct KiwiSchema;

const SCALARS: &[(&str, &str, &str)] = &[
    ("User", "id", "ID"),
    ("User", "firstName", "String"),
    ("User", "lastName", "String"),
    ("User", "email", "String"),
    ("User", "birthDate", "Date"),
    ("User", "employeeNumber", "String"),
    ("User", "employmentStartDate", "Date"),
    ("User", "employmentEndDate", "Date"),
    ("User", "isActive", "Boolean"),
    ("User", "gender", "Gender"),
    ("User", "nationality", "String"),
    ("User", "pronouns", "String"),
    ("User", "personalEmail", "String"),
    ("User", "invitationStatus", "String"),
    ("User", "language", "String"),
    ("Team", "id", "ID"),
    ("Team", "name", "String"),
    ("Position", "id", "ID"),
    ("Position", "name", "String"),
    ("Location", "id", "ID"),
    ("Location", "name", "String"),
    ("PageInfo", "limit", "Int"),
    ("PageInfo", "offset", "Int"),
    ("PageInfo", "count", "Int"),
    ("PageInfo", "current", "Int"),
    ("PageInfo", "next", "Int"),
    ("PageInfo", "previous", "Int"),
    ("PageInfo", "first", "Int"),
    ("PageInfo", "last", "Int"),
    ("SortArg", "field", "String"),
    ("SortArg", "direction", "String"),
];

const OBJECTS: &[(&str, &str, &str, &[&str])] = &[
    (
        "Query",
        "users",
        "UserList",
        &["offset", "limit", "sort", "filter"],
    ),
    ("Query", "teams", "TeamList", &["offset", "limit", "sort"]),
    ("UserList", "items", "User", &[]),
    ("UserList", "pageInfo", "PageInfo", &[]),
    ("TeamList", "items", "Team", &[]),
    ("TeamList", "pageInfo", "PageInfo", &[]),
    ("PageInfo", "sort", "SortArg", &[]),
    ("User", "position", "Position", &[]),
    ("User", "location", "Location", &[]),
    ("User", "manager", "User", &[]),
    ("User", "team", "Team", &[]),
    ("User", "teams", "Team", &[]),
];

impl Schema for KiwiSchema {
    fn field(&self, parent: &str, name: &str) -> Option<(FieldType, &'static [&'static str])> {
        if let Some((_, _, ty)) = SCALARS.iter().find(|(p, n, _)| *p == parent && *n == name) {
            return Some((FieldType::Scalar(ty), &[]));
        }
        OBJECTS
            .iter()
            .find(|(p, n, _, _)| *p == parent && *n == name)
            .map(|(_, _, ty, args)| (FieldType::Object(ty), *args))
    }
}
