//! A deliberately small GraphQL front end for the fake kiwiHR server: a lexer, a parser for one
//! query operation (fields, aliases, arguments, variables, nested selections) and a validator
//! against the subset schema in [`super::schema`]. Enough that a misspelled field or argument in
//! our client fails the tests the way the real server would, without a GraphQL crate.
//!
//! Not supported (answered with an error, never a panic): fragments, directives, mutations,
//! subscriptions.

use std::fmt;

use serde_json::{Value, json};

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

    fn variables(&self, out: &mut Vec<String>) {
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

/// The one operation a request runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub name: Option<String>,
    /// Declared variables with their default values.
    pub variables: Vec<(String, Option<Literal>)>,
    pub selection: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Punct(char),
    Spread,
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    End,
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: u32,
    column: u32,
}

impl Lexer<'_> {
    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn tokens(mut self) -> Result<Vec<(Tok, Pos)>, GqlError> {
        let mut out = Vec::new();
        loop {
            let pos = Pos {
                line: self.line,
                column: self.column,
            };
            let Some(&c) = self.chars.peek() else {
                out.push((Tok::End, pos));
                return Ok(out);
            };
            let err = |m: &str| Err(GqlError::new(format!("Syntax Error: {m}"), Some(pos)));
            match c {
                ' ' | '\t' | '\n' | '\r' | ',' | '\u{feff}' => {
                    self.bump();
                }
                '#' => {
                    while self.chars.peek().is_some_and(|c| *c != '\n') {
                        self.bump();
                    }
                }
                '{' | '}' | '(' | ')' | ':' | '$' | '[' | ']' | '!' | '=' | '@' | '|' | '&' => {
                    self.bump();
                    out.push((Tok::Punct(c), pos));
                }
                '.' => {
                    for _ in 0..3 {
                        if self.bump() != Some('.') {
                            return err("Unexpected \".\".");
                        }
                    }
                    out.push((Tok::Spread, pos));
                }
                '"' => {
                    self.bump();
                    let mut s = String::new();
                    loop {
                        match self.bump() {
                            None | Some('\n') => return err("Unterminated string."),
                            Some('"') => break,
                            Some('\\') => match self.bump() {
                                Some('n') => s.push('\n'),
                                Some('t') => s.push('\t'),
                                Some('r') => s.push('\r'),
                                Some(c @ ('"' | '\\' | '/')) => s.push(c),
                                _ => return err("Invalid escape in string."),
                            },
                            Some(c) => s.push(c),
                        }
                    }
                    out.push((Tok::Str(s), pos));
                }
                c if c == '-' || c.is_ascii_digit() => {
                    let mut s = String::new();
                    while let Some(&c) = self.chars.peek() {
                        if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
                            s.push(c);
                            self.bump();
                        } else {
                            break;
                        }
                    }
                    if let Ok(i) = s.parse::<i64>() {
                        out.push((Tok::Int(i), pos));
                    } else if let Ok(f) = s.parse::<f64>() {
                        out.push((Tok::Float(f), pos));
                    } else {
                        return err(&format!("Invalid number \"{s}\"."));
                    }
                }
                c if c == '_' || c.is_ascii_alphabetic() => {
                    let mut s = String::new();
                    while let Some(&c) = self.chars.peek() {
                        if c == '_' || c.is_ascii_alphanumeric() {
                            s.push(c);
                            self.bump();
                        } else {
                            break;
                        }
                    }
                    out.push((Tok::Name(s), pos));
                }
                other => return err(&format!("Unexpected character \"{other}\".")),
            }
        }
    }
}

/// Nesting allowed in selections and values, so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 32;

struct Parser {
    toks: Vec<(Tok, Pos)>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.at.min(self.toks.len() - 1)].0
    }
    fn pos(&self) -> Pos {
        self.toks[self.at.min(self.toks.len() - 1)].1
    }
    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.at < self.toks.len() - 1 {
            self.at += 1;
        }
        t
    }
    fn unexpected<T>(&self) -> Result<T, GqlError> {
        let what = match self.peek() {
            Tok::End => "<EOF>".to_string(),
            Tok::Punct(c) => format!("\"{c}\""),
            Tok::Spread => "\"...\"".to_string(),
            Tok::Name(n) => format!("Name \"{n}\""),
            Tok::Int(i) => format!("Int \"{i}\""),
            Tok::Float(f) => format!("Float \"{f}\""),
            Tok::Str(s) => format!("String \"{s}\""),
        };
        Err(GqlError::new(
            format!("Syntax Error: Unexpected {what}."),
            Some(self.pos()),
        ))
    }
    fn expect(&mut self, c: char) -> Result<(), GqlError> {
        if *self.peek() == Tok::Punct(c) {
            self.next();
            Ok(())
        } else {
            self.unexpected()
        }
    }
    fn name(&mut self) -> Result<String, GqlError> {
        match self.peek().clone() {
            Tok::Name(n) => {
                self.next();
                Ok(n)
            }
            _ => self.unexpected(),
        }
    }

    fn operation(&mut self) -> Result<Operation, GqlError> {
        let mut op = Operation {
            name: None,
            variables: Vec::new(),
            selection: Vec::new(),
        };
        match self.peek().clone() {
            Tok::Punct('{') => {}
            Tok::Name(kw) if kw == "query" => {
                self.next();
                if let Tok::Name(_) = self.peek() {
                    op.name = Some(self.name()?);
                }
                if *self.peek() == Tok::Punct('(') {
                    self.next();
                    while *self.peek() != Tok::Punct(')') {
                        self.expect('$')?;
                        let var = self.name()?;
                        self.expect(':')?;
                        self.var_type(0)?;
                        let default = if *self.peek() == Tok::Punct('=') {
                            self.next();
                            Some(self.value(0)?)
                        } else {
                            None
                        };
                        op.variables.push((var, default));
                    }
                    self.next();
                }
            }
            Tok::Name(kw) if kw == "mutation" || kw == "subscription" => {
                return Err(GqlError::new(
                    format!("The fake kiwiHR server does not support {kw} operations."),
                    Some(self.pos()),
                ));
            }
            Tok::Name(kw) if kw == "fragment" => {
                return Err(GqlError::new(
                    "The fake kiwiHR server does not support fragments.",
                    Some(self.pos()),
                ));
            }
            _ => return self.unexpected(),
        }
        op.selection = self.selection(0)?;
        Ok(op)
    }

    fn var_type(&mut self, depth: usize) -> Result<(), GqlError> {
        if depth > MAX_DEPTH {
            return self.unexpected();
        }
        if *self.peek() == Tok::Punct('[') {
            self.next();
            self.var_type(depth + 1)?;
            self.expect(']')?;
        } else {
            self.name()?;
        }
        if *self.peek() == Tok::Punct('!') {
            self.next();
        }
        Ok(())
    }

    fn selection(&mut self, depth: usize) -> Result<Vec<Field>, GqlError> {
        if depth > MAX_DEPTH {
            return Err(GqlError::new(
                "Query is nested too deeply.",
                Some(self.pos()),
            ));
        }
        self.expect('{')?;
        let mut fields = Vec::new();
        loop {
            match self.peek() {
                Tok::Punct('}') => {
                    self.next();
                    break;
                }
                Tok::Spread => {
                    return Err(GqlError::new(
                        "The fake kiwiHR server does not support fragments.",
                        Some(self.pos()),
                    ));
                }
                Tok::Punct('@') => {
                    return Err(GqlError::new(
                        "The fake kiwiHR server does not support directives.",
                        Some(self.pos()),
                    ));
                }
                _ => fields.push(self.field(depth)?),
            }
        }
        if fields.is_empty() {
            return self.unexpected();
        }
        Ok(fields)
    }

    fn field(&mut self, depth: usize) -> Result<Field, GqlError> {
        let pos = self.pos();
        let first = self.name()?;
        let (alias, name) = if *self.peek() == Tok::Punct(':') {
            self.next();
            (Some(first), self.name()?)
        } else {
            (None, first)
        };
        let mut args = Vec::new();
        if *self.peek() == Tok::Punct('(') {
            self.next();
            while *self.peek() != Tok::Punct(')') {
                let at = self.pos();
                let n = self.name()?;
                self.expect(':')?;
                args.push((n, self.value(depth)?, at));
            }
            self.next();
        }
        if *self.peek() == Tok::Punct('@') {
            return Err(GqlError::new(
                "The fake kiwiHR server does not support directives.",
                Some(self.pos()),
            ));
        }
        let selection = if *self.peek() == Tok::Punct('{') {
            self.selection(depth + 1)?
        } else {
            Vec::new()
        };
        Ok(Field {
            alias,
            name,
            args,
            selection,
            pos,
        })
    }

    fn value(&mut self, depth: usize) -> Result<Literal, GqlError> {
        if depth > MAX_DEPTH {
            return Err(GqlError::new(
                "Value is nested too deeply.",
                Some(self.pos()),
            ));
        }
        Ok(match self.next() {
            Tok::Punct('$') => Literal::Var(self.name()?),
            Tok::Int(i) => Literal::Int(i),
            Tok::Float(f) => Literal::Float(f),
            Tok::Str(s) => Literal::Str(s),
            Tok::Name(n) => match n.as_str() {
                "true" => Literal::Bool(true),
                "false" => Literal::Bool(false),
                "null" => Literal::Null,
                _ => Literal::Enum(n),
            },
            Tok::Punct('[') => {
                let mut items = Vec::new();
                while *self.peek() != Tok::Punct(']') {
                    items.push(self.value(depth + 1)?);
                }
                self.next();
                Literal::List(items)
            }
            Tok::Punct('{') => {
                let mut fields = Vec::new();
                while *self.peek() != Tok::Punct('}') {
                    let n = self.name()?;
                    self.expect(':')?;
                    fields.push((n, self.value(depth + 1)?));
                }
                self.next();
                Literal::Object(fields)
            }
            _ => {
                self.at = self.at.saturating_sub(1);
                return self.unexpected();
            }
        })
    }
}

/// Parses a document holding one query (or several named ones, picked by `operation_name`).
pub fn parse(source: &str, operation_name: Option<&str>) -> Result<Operation, GqlError> {
    let toks = Lexer {
        chars: source.chars().peekable(),
        line: 1,
        column: 1,
    }
    .tokens()?;
    let mut p = Parser { toks, at: 0 };
    let mut ops = Vec::new();
    while *p.peek() != Tok::End {
        ops.push(p.operation()?);
    }
    match (ops.len(), operation_name) {
        (0, _) => Err(GqlError::new("Syntax Error: Unexpected <EOF>.", None)),
        (1, None) => Ok(ops.remove(0)),
        (_, None) => Err(GqlError::new(
            "Must provide operation name if query contains multiple operations.",
            None,
        )),
        (_, Some(name)) => ops
            .into_iter()
            .find(|o| o.name.as_deref() == Some(name))
            .ok_or_else(|| GqlError::new(format!("Unknown operation named \"{name}\"."), None)),
    }
}

/// What a field returns, for validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Scalar(&'static str),
    Object(&'static str),
}

/// The schema the validator checks against: `(type, field) → (result type, allowed arguments)`.
pub trait Schema {
    fn field(&self, parent: &str, name: &str) -> Option<(FieldType, &'static [&'static str])>;
}

/// Checks every field, argument and variable of `op` against `schema`, collecting all errors
/// (like a real server) rather than stopping at the first.
pub fn validate(op: &Operation, schema: &dyn Schema) -> Vec<GqlError> {
    let mut errors = Vec::new();
    let declared: Vec<&str> = op.variables.iter().map(|(n, _)| n.as_str()).collect();
    validate_selection(&op.selection, "Query", schema, &declared, &mut errors);
    errors
}

fn validate_selection(
    fields: &[Field],
    parent: &str,
    schema: &dyn Schema,
    declared: &[&str],
    errors: &mut Vec<GqlError>,
) {
    for f in fields {
        let mut used = Vec::new();
        for (_, v, _) in &f.args {
            v.variables(&mut used);
        }
        for v in used {
            if !declared.contains(&v.as_str()) {
                errors.push(GqlError::new(
                    format!("Variable \"${v}\" is not defined."),
                    Some(f.pos),
                ));
            }
        }
        if f.name == "__typename" {
            if !f.selection.is_empty() || !f.args.is_empty() {
                errors.push(GqlError::new(
                    "Field \"__typename\" takes no arguments or selection.",
                    Some(f.pos),
                ));
            }
            continue;
        }
        let Some((ty, allowed)) = schema.field(parent, &f.name) else {
            errors.push(GqlError::new(
                format!("Cannot query field \"{}\" on type \"{parent}\".", f.name),
                Some(f.pos),
            ));
            continue;
        };
        for (arg, _, at) in &f.args {
            if !allowed.contains(&arg.as_str()) {
                errors.push(GqlError::new(
                    format!(
                        "Unknown argument \"{arg}\" on field \"{parent}.{}\".",
                        f.name
                    ),
                    Some(*at),
                ));
            }
        }
        match ty {
            FieldType::Scalar(scalar) if !f.selection.is_empty() => errors.push(GqlError::new(
                format!(
                    "Field \"{}\" must not have a selection since type \"{scalar}\" has no subfields.",
                    f.name
                ),
                Some(f.pos),
            )),
            FieldType::Object(obj) if f.selection.is_empty() => errors.push(GqlError::new(
                format!(
                    "Field \"{}\" of type \"{obj}\" must have a selection of subfields. Did you mean \"{} {{ ... }}\"?",
                    f.name, f.name
                ),
                Some(f.pos),
            )),
            FieldType::Object(obj) => validate_selection(&f.selection, obj, schema, declared, errors),
            FieldType::Scalar(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tiny;
    impl Schema for Tiny {
        fn field(&self, parent: &str, name: &str) -> Option<(FieldType, &'static [&'static str])> {
            match (parent, name) {
                ("Query", "users") => Some((FieldType::Object("User"), &["limit"])),
                ("User", "id") => Some((FieldType::Scalar("ID"), &[])),
                ("User", "manager") => Some((FieldType::Object("User"), &[])),
                _ => None,
            }
        }
    }

    #[test]
    fn parses_a_named_query_with_variables_aliases_and_comments() {
        let op = parse(
            "# list\nquery Q($limit: Int! = 5, $s: [SortArgInput!]) {\n  people: users(limit: $limit) { id manager { id } }\n}",
            None,
        )
        .unwrap();
        assert_eq!(op.name.as_deref(), Some("Q"));
        assert_eq!(
            op.variables[0],
            ("limit".to_string(), Some(Literal::Int(5)))
        );
        let users = &op.selection[0];
        assert_eq!((users.key(), users.name.as_str()), ("people", "users"));
        assert_eq!(users.pos, Pos { line: 3, column: 3 });
        assert_eq!(users.arg("limit"), Some(&Literal::Var("limit".into())));
        assert!(validate(&op, &Tiny).is_empty());
    }

    #[test]
    fn an_unknown_field_is_reported_with_its_location() {
        let op = parse("{\n  users {\n    id\n    jobTitle\n  }\n}", None).unwrap();
        let errs = validate(&op, &Tiny);
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].message,
            "Cannot query field \"jobTitle\" on type \"User\"."
        );
        assert_eq!(errs[0].locations, vec![Pos { line: 4, column: 5 }]);
    }

    #[test]
    fn unknown_arguments_undefined_variables_and_missing_selections_are_errors() {
        let op = parse("{ users(offset: $o) }", None).unwrap();
        let msgs: Vec<String> = validate(&op, &Tiny)
            .into_iter()
            .map(|e| e.message)
            .collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("Variable \"$o\" is not defined")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("Unknown argument \"offset\"")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("must have a selection")),
            "{msgs:?}"
        );
    }

    #[test]
    fn garbage_and_unsupported_syntax_are_errors_not_panics() {
        for src in [
            "",
            "{",
            "}",
            "query",
            "{ users { ...F } }",
            "mutation { x }",
            "{ a(b: [1, {c: \"",
            "{ a @skip }",
            "...",
            ". .",
            "{ a(b: -) }",
            &"{a".repeat(100),
        ] {
            assert!(parse(src, None).is_err(), "{src}");
        }
    }
}
