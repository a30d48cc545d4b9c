//! A person in a company's directory, as the database holds them and the sync reads them.

use time::Date;

/// Where a person's data comes from: typed in by hand, or owned by an HRIS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Manual,
    Personio,
    Kiwihr,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Manual => "manual",
            Source::Personio => "personio",
            Source::Kiwihr => "kiwihr",
        }
    }
    pub fn parse(s: &str) -> Option<Source> {
        Some(match s {
            "manual" => Source::Manual,
            "personio" => Source::Personio,
            "kiwihr" => Source::Kiwihr,
            _ => return None,
        })
    }
    /// The source a [`Source::label`] names ("Personio" → Personio).
    pub fn from_label(label: &str) -> Option<Source> {
        [Source::Manual, Source::Personio, Source::Kiwihr]
            .into_iter()
            .find(|s| s.label() == label)
    }
    /// The name a user reads ("Synced from Personio").
    pub fn label(self) -> &'static str {
        match self {
            Source::Manual => "Roster",
            Source::Personio => "Personio",
            Source::Kiwihr => "kiwiHR",
        }
    }
}

/// What a person with a login may do. A person without a login has no role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Settings, integrations, sync history, and editing people and groups.
    Manager,
    /// Can log in and read the directory.
    Employee,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Employee => "employee",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "manager" => Role::Manager,
            "employee" => Role::Employee,
            _ => return None,
        })
    }
}

/// One row of `people`, with the ids of the groups the person belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub company_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub position: Option<String>,
    pub department: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<Date>,
    pub employee_number: Option<String>,
    pub first_hired_on: Option<Date>,
    pub manager_id: Option<i64>,
    pub active: bool,
    pub source: Source,
    pub source_id: Option<String>,
    pub role: Option<Role>,
    pub group_ids: Vec<i64>,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A group of people (kiwiHR teams become groups).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub company_id: i64,
    pub name: String,
}
