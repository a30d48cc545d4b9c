//! Stored users and teams → the JSON of the fields a query selected, with ids and dates rendered
//! as the [`Render`](super::Render) switches say.

use serde_json::{Map, Value, json};
use time::Date;

use super::{Ctx, KiwiTeam, KiwiUser, ManagerLink};
use crate::fake::kiwihr::graphql::Field;

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

pub(super) fn user(u: &KiwiUser, sel: &[Field], ctx: &Ctx<'_>, depth: usize) -> Value {
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

pub(super) fn team(t: &KiwiTeam, sel: &[Field], ctx: &Ctx<'_>) -> Value {
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
