//! The subset of the kiwiHR schema the fake serves (kiwihr.md §3–4) and the resolvers that
//! answer a validated [`Operation`] from the fake's data.

use serde_json::{Map, Value, json};
use time::Date;

use super::graphql::{Field, FieldType, GqlError, Operation, Schema};

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

/// The root field a request is about (`users`, `teams`), with its resolved offset and limit, so
/// the server can pick the fault for "page k" before executing.
pub fn page_request(op: &Operation, ctx: &Ctx<'_>) -> Option<(String, u64, u64)> {
    let f = op
        .selection
        .iter()
        .find(|f| f.name == "users" || f.name == "teams")?;
    let (offset, limit) = paging(f, ctx).ok()?;
    Some((f.name.clone(), offset, limit))
}

/// Runs a validated operation: `Ok(data)` or the errors to send with `data: null`.
pub fn execute(op: &Operation, ctx: &Ctx<'_>) -> Result<Value, Vec<GqlError>> {
    let mut data = Map::new();
    for f in &op.selection {
        let v = match f.name.as_str() {
            "__typename" => json!("Query"),
            "users" => {
                let (offset, limit) = paging(f, ctx).map_err(|e| vec![e])?;
                let mut users: Vec<&KiwiUser> = ctx.users.iter().collect();
                if descending(f, ctx) {
                    users.reverse();
                }
                let total = users.len() as u64;
                let items: Vec<Value> = users
                    .iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .map(|u| user(u, &f.selection_of("items"), ctx, 0))
                    .collect();
                list(f, items, offset, limit, total, ctx)
            }
            "teams" => {
                let (offset, limit) = paging(f, ctx).map_err(|e| vec![e])?;
                let mut teams: Vec<&KiwiTeam> = ctx.teams.iter().collect();
                if descending(f, ctx) {
                    teams.reverse();
                }
                let items: Vec<Value> = teams
                    .iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .map(|t| team(t, &f.selection_of("items"), ctx))
                    .collect();
                list(f, items, offset, limit, teams.len() as u64, ctx)
            }
            _ => Value::Null,
        };
        data.insert(f.key().to_string(), v);
    }
    Ok(Value::Object(data))
}

trait SelectionOf {
    fn selection_of(&self, name: &str) -> Vec<Field>;
}

impl SelectionOf for Field {
    /// The merged sub-selections of every `name` field under this one (aliases allowed).
    fn selection_of(&self, name: &str) -> Vec<Field> {
        self.selection
            .iter()
            .filter(|f| f.name == name)
            .flat_map(|f| f.selection.iter().cloned())
            .collect()
    }
}

fn int_arg(f: &Field, name: &str, ctx: &Ctx<'_>) -> Result<Option<i64>, GqlError> {
    match f.arg(name).map(|l| l.resolve(ctx.variables)) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            GqlError::new(
                format!("Argument \"{name}\" has invalid value {v}: Int cannot represent a non-integer value."),
                Some(f.pos),
            )
        }),
    }
}

fn paging(f: &Field, ctx: &Ctx<'_>) -> Result<(u64, u64), GqlError> {
    let offset = int_arg(f, "offset", ctx)?.unwrap_or(0);
    let limit = int_arg(f, "limit", ctx)?.unwrap_or(ctx.default_limit as i64);
    if offset < 0 {
        return Err(GqlError::new("\"offset\" must be 0 or more.", Some(f.pos)));
    }
    if ctx.clamp_limit && limit as u64 > ctx.max_limit {
        return Ok((offset as u64, ctx.max_limit));
    }
    if limit < 1 || limit as u64 > ctx.max_limit {
        return Err(GqlError::new(
            format!(
                "\"limit\" must be between 1 and {} (got {limit}).",
                ctx.max_limit
            ),
            Some(f.pos),
        ));
    }
    Ok((offset as u64, limit as u64))
}

/// Only sorting by `id` is modelled; `desc` reverses it, anything else keeps ascending id order.
fn descending(f: &Field, ctx: &Ctx<'_>) -> bool {
    let Some(Value::Array(sort)) = f.arg("sort").map(|l| l.resolve(ctx.variables)) else {
        return false;
    };
    sort.first().is_some_and(|s| {
        s.get("field").and_then(Value::as_str) == Some("id")
            && s.get("direction")
                .and_then(Value::as_str)
                .is_some_and(|d| d.eq_ignore_ascii_case("desc"))
    })
}

fn list(f: &Field, items: Vec<Value>, offset: u64, limit: u64, total: u64, ctx: &Ctx<'_>) -> Value {
    let count = (total as i64 + ctx.render.count_skew).max(0) as u64;
    let current = offset / limit + 1;
    let last = count.div_ceil(limit).max(1);
    let mut out = Map::new();
    for sub in &f.selection {
        let v = match sub.name.as_str() {
            "__typename" => json!(if f.name == "users" {
                "UserList"
            } else {
                "TeamList"
            }),
            "items" => Value::Array(items.clone()),
            "pageInfo" => {
                let mut pi = Map::new();
                for p in &sub.selection {
                    let v = match p.name.as_str() {
                        "__typename" => json!("PageInfo"),
                        "limit" => json!(limit),
                        "offset" => json!(offset),
                        "count" => json!(count),
                        "current" => json!(current),
                        "next" => {
                            if offset + limit < count {
                                json!(current + 1)
                            } else {
                                Value::Null
                            }
                        }
                        "previous" => {
                            if current > 1 {
                                json!(current - 1)
                            } else {
                                Value::Null
                            }
                        }
                        "first" => json!(1),
                        "last" => json!(last),
                        "sort" => {
                            let dir = if descending(f, ctx) { "desc" } else { "asc" };
                            let mut s = Map::new();
                            for x in &p.selection {
                                let v = match x.name.as_str() {
                                    "field" => json!("id"),
                                    "direction" => json!(dir),
                                    "__typename" => json!("SortArg"),
                                    _ => Value::Null,
                                };
                                s.insert(x.key().to_string(), v);
                            }
                            json!([Value::Object(s)])
                        }
                        _ => Value::Null,
                    };
                    pi.insert(p.key().to_string(), v);
                }
                Value::Object(pi)
            }
            _ => Value::Null,
        };
        out.insert(sub.key().to_string(), v);
    }
    Value::Object(out)
}

fn id(v: u64, ctx: &Ctx<'_>) -> Value {
    if ctx.render.ids_as_numbers {
        json!(v)
    } else {
        json!(v.to_string())
    }
}

fn date(d: Option<Date>, ctx: &Ctx<'_>) -> Value {
    match d {
        None => Value::Null,
        Some(d) => {
            let s = crate::fake::people::iso(d);
            if ctx.render.dates_with_time {
                json!(format!("{s}T00:00:00.000Z"))
            } else {
                json!(s)
            }
        }
    }
}

fn opt(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |s| json!(s))
}

/// Nested `manager { manager { … } }` is cut off here, as a real server's depth limit would.
const MAX_USER_DEPTH: usize = 8;

fn user(u: &KiwiUser, sel: &[Field], ctx: &Ctx<'_>, depth: usize) -> Value {
    let mut out = Map::new();
    for f in sel {
        let v = match f.name.as_str() {
            "__typename" => json!("User"),
            "id" => id(u.id, ctx),
            "firstName" => json!(u.first_name),
            "lastName" => json!(u.last_name),
            "email" => opt(&u.email),
            "birthDate" => date(u.birth_date, ctx),
            "employeeNumber" => opt(&u.employee_number),
            "employmentStartDate" => date(u.employment_start_date, ctx),
            "employmentEndDate" => date(u.employment_end_date, ctx),
            "isActive" => json!(u.is_active),
            "gender" => opt(&u.gender),
            "position" => match &u.position {
                Some(p) => named(p.id, &p.name, "Position", &f.selection, ctx),
                None => Value::Null,
            },
            "location" => match &u.location {
                Some(l) => named(l.id, &l.name, "Location", &f.selection, ctx),
                None => Value::Null,
            },
            "manager" if depth < MAX_USER_DEPTH => match &u.manager {
                None => Value::Null,
                Some(link) => match ctx.users.iter().find(|m| m.id == link.id) {
                    Some(m) => user(m, &f.selection, ctx, depth + 1),
                    None => user(&ghost(link), &f.selection, ctx, MAX_USER_DEPTH),
                },
            },
            "team" => u
                .team_ids
                .first()
                .and_then(|t| ctx.teams.iter().find(|x| x.id == *t))
                .map_or(Value::Null, |t| team(t, &f.selection, ctx)),
            "teams" => u
                .team_ids
                .iter()
                .filter_map(|t| ctx.teams.iter().find(|x| x.id == *t))
                .map(|t| team(t, &f.selection, ctx))
                .collect(),
            _ => Value::Null,
        };
        out.insert(f.key().to_string(), v);
    }
    Value::Object(out)
}

/// What kiwiHR might still say about a manager who is not in the user list.
fn ghost(link: &ManagerLink) -> KiwiUser {
    KiwiUser {
        id: link.id,
        first_name: "Former".into(),
        last_name: "Manager".into(),
        email: link.email.clone(),
        birth_date: None,
        employee_number: None,
        position: None,
        location: None,
        employment_start_date: None,
        employment_end_date: None,
        is_active: false,
        gender: None,
        manager: None,
        team_ids: Vec::new(),
    }
}

fn team(t: &KiwiTeam, sel: &[Field], ctx: &Ctx<'_>) -> Value {
    named(t.id, &t.name, "Team", sel, ctx)
}

fn named(the_id: u64, name: &str, ty: &str, sel: &[Field], ctx: &Ctx<'_>) -> Value {
    let mut out = Map::new();
    for f in sel {
        let v = match f.name.as_str() {
            "__typename" => json!(ty),
            "id" => id(the_id, ctx),
            "name" => json!(name),
            _ => Value::Null,
        };
        out.insert(f.key().to_string(), v);
    }
    Value::Object(out)
}
