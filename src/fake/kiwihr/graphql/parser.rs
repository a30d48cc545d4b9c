//! Recursive descent over the tokens: one query operation, its variable definitions and its
//! selection set. Nesting is bounded, so hostile input cannot overflow the stack.

use super::lexer::{Lexer, Tok};
use super::{Field, GqlError, Literal, Operation, Pos, VarDef};

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
                        let type_name = self.var_type(0)?;
                        let default = if *self.peek() == Tok::Punct('=') {
                            self.next();
                            Some(self.value(0)?)
                        } else {
                            None
                        };
                        op.variables.push(VarDef {
                            name: var,
                            required: type_name.ends_with('!'),
                            type_name,
                            default,
                        });
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

    /// A variable's type, returned as written (`[SortArgInput!]`, `Int!`).
    fn var_type(&mut self, depth: usize) -> Result<String, GqlError> {
        if depth > MAX_DEPTH {
            return self.unexpected();
        }
        let mut t = if *self.peek() == Tok::Punct('[') {
            self.next();
            let inner = self.var_type(depth + 1)?;
            self.expect(']')?;
            format!("[{inner}]")
        } else {
            self.name()?
        };
        if *self.peek() == Tok::Punct('!') {
            self.next();
            t.push('!');
        }
        Ok(t)
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
