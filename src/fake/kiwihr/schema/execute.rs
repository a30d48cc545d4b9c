//! The resolvers: [`execute`] answers a validated [`Operation`] for `users` and `teams` with
//! paging, sorting by id and `pageInfo`; [`page_request`] tells the server which page is asked for.

use serde_json::{Map, Value, json};

use super::render::{team, user};
use super::{Ctx, KiwiTeam, KiwiUser};
use crate::fake::kiwihr::graphql::{Field, GqlError, Operation};

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
