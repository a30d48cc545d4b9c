//! Tokens of a GraphQL document, with the line and column each starts at.

use super::{GqlError, Pos};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Punct(char),
    Spread,
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    End,
}

pub(super) struct Lexer<'a> {
    pub(super) chars: std::iter::Peekable<std::str::Chars<'a>>,
    pub(super) line: u32,
    pub(super) column: u32,
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

    pub(super) fn tokens(mut self) -> Result<Vec<(Tok, Pos)>, GqlError> {
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
