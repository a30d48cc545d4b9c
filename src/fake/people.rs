//! A deterministic crowd of fake employees, shared by the Personio and kiwiHR fakes.
//!
//! [`generate`] gives the same people for the same `(n, seed, domain)` on every machine and every
//! version (it uses its own SplitMix64, not `rand`'s `StdRng`, whose stream may change). Each fake
//! renders these provider-neutral people in its provider's JSON shape.
//!
//! The crowd deliberately contains what real companies contain: a manager tree (person index 0 is
//! the top; everyone else reports to someone generated before them), people on leave, onboarding
//! (hire date in the future) and inactive (with a termination date), unset gender (`""`), no
//! department, no hire date, no position, and custom attributes of several kinds. The list is
//! ordered by id, while the tree follows generation order, so some supervisors come on a later
//! page than their reports.

use time::Date;

mod generate;
#[cfg(test)]
mod tests;

pub use generate::{SplitMix, generate};

/// Employment status, in Personio's words (kiwiHR maps `Inactive` to `isActive: false`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FakeStatus {
    Active,
    Onboarding,
    Leave,
    Inactive,
}

impl FakeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FakeStatus::Active => "active",
            FakeStatus::Onboarding => "onboarding",
            FakeStatus::Leave => "leave",
            FakeStatus::Inactive => "inactive",
        }
    }
    /// True for everyone still employed (active, leave, onboarding).
    pub fn is_employed(self) -> bool {
        !matches!(self, FakeStatus::Inactive)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeDepartment {
    pub id: u64,
    pub name: String,
}

/// A custom attribute as a provider would send it (Personio `dynamic_<n>`).
#[derive(Debug, Clone, PartialEq)]
pub struct FakeCustom {
    pub key: String,
    pub label: String,
    /// Personio's attribute kind: `standard`, `list`, `tags`, `integer`, `date`, …
    pub kind: &'static str,
    pub value: serde_json::Value,
}

/// One fake employee, provider-neutral.
#[derive(Debug, Clone, PartialEq)]
pub struct FakePerson {
    /// The provider's system id (Personio renders it as an integer, kiwiHR as a string).
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    /// `first.last@domain`, made unique with a digit; `None` for a person without an email.
    pub email: Option<String>,
    /// `male`, `female`, `diverse`, or `""` when unset.
    pub gender: String,
    pub status: FakeStatus,
    /// `""` when unset.
    pub position: String,
    pub department: Option<FakeDepartment>,
    /// Team names (kiwiHR); often empty.
    pub teams: Vec<String>,
    pub supervisor_id: Option<u64>,
    pub hire_date: Option<Date>,
    /// The company's UTC offset on the hire date, as Personio writes it (`+01:00`, `+02:00`).
    pub hire_offset: &'static str,
    pub termination_date: Option<Date>,
    pub birth_date: Option<Date>,
    /// Weekly hours as text, the way Personio sends it (`"40"`, `"32.5"`).
    pub weekly_working_hours: String,
    pub custom: Vec<FakeCustom>,
    /// Personio `employment_type`: `internal`, or `external` for contractors.
    pub employment_type: &'static str,
    /// Personio `office`, kiwiHR `location` (same shape as a department); `None` when unset.
    pub office: Option<FakeDepartment>,
}

impl FakePerson {
    /// The hire date the way Personio v1 sends date attributes: local midnight with an offset.
    pub fn hire_date_personio(&self) -> Option<String> {
        self.hire_date
            .map(|d| format!("{}T00:00:00{}", iso(d), self.hire_offset))
    }
}

/// `YYYY-MM-DD`.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}
