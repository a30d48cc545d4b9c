//! A deliberately small GraphQL front end for the fake kiwiHR server: a lexer, a parser for one
//! query operation (fields, aliases, arguments, variables, nested selections) and a validator
//! against the subset schema in [`super::schema`]. Enough that a misspelled field or argument in
//! our client fails the tests the way the real server would, without a GraphQL crate.
//!
//! Not supported (answered with an error, never a panic): fragments, directives, mutations,
//! subscriptions.

mod lexer;
mod parser;
mod validate;

use std::fmt;

use serde_json::{Value, json};

pub use parser::parse;
pub use validate::{FieldType, Schema, apply_variables, validate};

/// 1-based line and column, as GraphQL error `locations` give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// One GraphQL error, in the `{"message", "locations"}` shape.
#[derive(Debug, Clone, PartialEq)]
pub struct GqlError {
    pub message: String,
    pub locations: Vec<Pos>,
}

impl GqlError {
    pub fn new(message: impl Into<String>, at: Option<Pos>) -> GqlError {
        GqlError {
            message: message.into(),
            locations: at.into_iter().collect(),
        }
    }

    pub fn to_json(&self) -> Value {
        let mut e = json!({ "message": self.message });
        if !self.locations.is_empty() {
            e["locations"] = self
                .locations
                .iter()
                .map(|p| json!({"line": p.line, "column": p.column}))
                .collect();
        }
        e
    }
}

impl fmt::Display for GqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An argument value as written in the query; variables are resolved at execution time.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Var(String),
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Null,
    Enum(String),
    List(Vec<Literal>),
    Object(Vec<(String, Literal)>),
}

impl Literal {
    /// The JSON value, with variables looked up in `vars` (an unset variable is `null`).
    pub fn resolve(&self, vars: &serde_json::Map<String, Value>) -> Value {
        match self {
            Literal::Var(v) => vars.get(v).cloned().unwrap_or(Value::Null),
            Literal::Int(i) => json!(i),
            Literal::Float(f) => json!(f),
            Literal::Str(s) | Literal::Enum(s) => json!(s),
            Literal::Bool(b) => json!(b),
            Literal::Null => Value::Null,
            Literal::List(l) => l.iter().map(|x| x.resolve(vars)).collect(),
            Literal::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), v.resolve(vars)))
                    .collect(),
            ),
        }
    }

    pub(crate) fn variables(&self, out: &mut Vec<String>) {
        match self {
            Literal::Var(v) => out.push(v.clone()),
            Literal::List(l) => l.iter().for_each(|x| x.variables(out)),
            Literal::Object(o) => o.iter().for_each(|(_, x)| x.variables(out)),
            _ => {}
        }
    }
}

/// One selected field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub alias: Option<String>,
    pub name: String,
    pub args: Vec<(String, Literal, Pos)>,
    pub selection: Vec<Field>,
    pub pos: Pos,
}

impl Field {
    /// The key this field has in the response.
    pub fn key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }

    pub fn arg(&self, name: &str) -> Option<&Literal> {
        self.args
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| v)
    }
}

/// A declared variable: `$name: Type! = default`.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDef {
    pub name: String,
    /// The declared type as written (`Int!`, `[SortArgInput!]`), for error messages.
    pub type_name: String,
    /// `!` on the outer type: the variable must be given (or have a default) and not be null.
    pub required: bool,
    pub default: Option<Literal>,
}

/// The one operation a request runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub name: Option<String>,
    pub variables: Vec<VarDef>,
    pub selection: Vec<Field>,
}

#[cfg(test)]
mod tests;
