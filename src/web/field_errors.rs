//! Errors of a submitted form, per field: each is shown next to its field (which gets
//! `aria-invalid` and `aria-describedby`), and the form's top says how many need fixing.

use std::borrow::Cow;

/// The messages of one form, keyed by field name ("" for the form as a whole). A name is usually
/// a constant; a custom field's input is named by its id (`field_12`).
#[derive(Default, Debug)]
pub struct Errors(Vec<(Cow<'static, str>, String)>);

impl Errors {
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, msg: impl Into<String>) {
        self.0.push((field.into(), msg.into()));
    }
    /// The message of `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn messages(&self) -> Vec<&str> {
        self.0.iter().map(|(_, m)| m.as_str()).collect()
    }
    /// Messages about the form as a whole (not one field).
    pub fn general(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(f, _)| f.is_empty())
            .map(|(_, m)| m.as_str())
            .collect()
    }
    /// How many fields have a message.
    pub fn fields(&self) -> usize {
        self.0.iter().filter(|(f, _)| !f.is_empty()).count()
    }
}
