//! The provider-neutral snapshot a client produces and the sync consumes.

use std::sync::Arc;

use time::Date;

use super::attribute_list::{Attr, AttributeList};

/// Which HRIS a snapshot, integration or synced person belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Personio,
    Kiwihr,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Personio => "personio",
            Provider::Kiwihr => "kiwihr",
        }
    }
    pub fn parse(s: &str) -> Option<Provider> {
        Some(match s {
            "personio" => Provider::Personio,
            "kiwihr" => Provider::Kiwihr,
            _ => return None,
        })
    }
    pub fn label(self) -> &'static str {
        match self {
            Provider::Personio => "Personio",
            Provider::Kiwihr => "kiwiHR",
        }
    }
    pub fn source(self) -> crate::directory::Source {
        match self {
            Provider::Personio => crate::directory::Source::Personio,
            Provider::Kiwihr => crate::directory::Source::Kiwihr,
        }
    }
}

impl std::fmt::Display for Provider {
    /// The provider's name as people write it ("Personio", "kiwiHR"), for messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One attribute of one person as the provider sent it.
///
/// `NotShared` (the provider did not send the key at all, e.g. a Personio credential that may not
/// read it) is not the same as `Empty` (sent as `""`, `null` or `[]`): the sync leaves a not-shared
/// field alone and clears an empty one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Field<T> {
    #[default]
    NotShared,
    Empty,
    Value(T),
}

impl<T> Field<T> {
    pub fn from_option(v: Option<T>) -> Field<T> {
        match v {
            Some(v) => Field::Value(v),
            None => Field::Empty,
        }
    }
    pub fn is_shared(&self) -> bool {
        !matches!(self, Field::NotShared)
    }
    /// `None` when not shared; `Some(None)` when sent empty; `Some(Some(v))` with a value.
    pub fn shared(&self) -> Option<Option<&T>> {
        match self {
            Field::NotShared => None,
            Field::Empty => Some(None),
            Field::Value(v) => Some(Some(v)),
        }
    }
}

/// A link to a person's manager, by the provider's id (email as a fallback where given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerRef {
    pub source_id: String,
    pub email: Option<String>,
}

/// How the provider describes one attribute: its key (what rules and mappings refer to), its
/// label in the company's language, and its kind (Personio `standard`, `date`, `list`, `tags`, …;
/// kiwiHR `text`, `date`, `flag`). The same for every person of a snapshot, so people share it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttributeInfo {
    pub key: String,
    pub label: String,
    pub kind: String,
}

impl AttributeInfo {
    /// The kind as a manager reads it ([`kind_words`]).
    pub fn kind_words(&self) -> String {
        kind_words(&self.kind)
    }
}

/// A provider's kind as a manager reads it: Personio's `standard`, `multiline`, `date`,
/// `integer`, `decimal`, `list`, `tags` and `link` (personio.md), kiwiHR's GraphQL types
/// (`String`, `Date`, `Boolean`, `[Team]`, an object such as `Location`). Anything else is shown
/// as sent, in lower case.
pub fn kind_words(kind: &str) -> String {
    let kind = kind.trim();
    let words = match kind.to_ascii_lowercase().as_str() {
        "standard" | "string" | "text" => "text",
        "multiline" => "long text",
        "date" => "date",
        "integer" | "decimal" | "number" | "int" | "float" => "number",
        "list" => "one choice",
        "tags" => "several choices",
        "link" => "link",
        "boolean" | "flag" => "yes or no",
        _ if kind.starts_with('[') => "several values",
        other => return other.to_string(),
    };
    words.to_string()
}

/// One attribute of one person as the provider sent it, standard or custom (Personio
/// `dynamic_<n>`): the shared description and the value as text (`""` when sent empty; dates as
/// `YYYY-MM-DD`; a department or office by its name; several values joined with ", "). An
/// attribute the provider did not send (not readable by the credential) is not in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HrisAttribute {
    pub info: Arc<AttributeInfo>,
    pub value: String,
}

impl HrisAttribute {
    pub fn key(&self) -> &str {
        &self.info.key
    }
    pub fn label(&self) -> &str {
        &self.info.label
    }
}

/// One person as the HRIS describes them, in our vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HrisPerson {
    /// The provider's own id, as an opaque string (Personio integers become decimal strings).
    pub source_id: String,
    /// Trimmed, as sent; `None` when missing or empty (the sync skips such a person with an error).
    pub email: Option<String>,
    pub first_name: Field<String>,
    pub last_name: Field<String>,
    pub position: Field<String>,
    pub department: Field<String>,
    /// Lower-cased provider value (`male`, `female`, `diverse`, …); mapped onto the company's
    /// gender choices by the sync.
    pub gender: Field<String>,
    pub birth_date: Field<Date>,
    pub employee_number: Field<String>,
    pub first_hired_on: Field<Date>,
    /// `Some(true)` employed, `Some(false)` deactivated/inactive; `None` when the provider did not
    /// say or said something we do not know (never read as inactive: the sync skips the person).
    pub active: Option<bool>,
    /// The raw status text when `active` is `None` because the value was unknown, for the error.
    pub unknown_status: Option<String>,
    /// The provider's status word as sent (Personio `status`: "inactive", "leave", …), for the
    /// reason the history gives; `None` where the provider has only a flag (kiwiHR `isActive`).
    pub status: Option<String>,
    /// Contract end (kiwiHR `employmentEndDate`): a date before today deactivates.
    pub end_date: Option<Date>,
    pub manager: Field<ManagerRef>,
    /// Team names (kiwiHR); `NotShared` for providers without teams, so groups are left alone.
    pub groups: Field<Vec<String>>,
    /// Every attribute the provider sent for this person, in the order it sent them; the typed
    /// fields above are read from the same answer. Rules on who is synced read these.
    pub attributes: AttributeList,
    /// Per-person data problems the client worked around (e.g. an unparseable date, kept as
    /// `Field::NotShared`/`None`): reported in the run, never a reason to abort the sync.
    pub problems: Vec<String>,
}

impl HrisPerson {
    /// The attribute with this key, when the provider sent it for this person.
    pub fn attribute(&self, key: &str) -> Option<Attr<'_>> {
        self.attributes.get(key)
    }
}

/// Everything one provider says about a company's people: complete, or it does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub provider: Provider,
    pub people: Vec<HrisPerson>,
    /// Pages fetched, for the run's record.
    pub pages: u32,
}

#[cfg(test)]
mod tests {
    use super::kind_words;

    #[test]
    fn provider_kinds_read_as_words() {
        let read = |k| kind_words(k);
        assert_eq!(read("standard"), "text");
        assert_eq!(read("multiline"), "long text");
        assert_eq!(read("list"), "one choice");
        assert_eq!(read("tags"), "several choices");
        assert_eq!(read("decimal"), "number");
        assert_eq!(read("Date"), "date");
        assert_eq!(read("Boolean"), "yes or no");
        assert_eq!(read("[Team]"), "several values");
        assert_eq!(
            read("Location"),
            "location",
            "unknown: as sent, in lower case"
        );
    }
}
