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

use time::{Date, Month};

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

const FIRST: &[&str] = &[
    "Lena", "Jonas", "Mia", "Paul", "Emma", "Felix", "Hannah", "Lukas", "Sofia", "Noah", "Clara",
    "Elias", "Marie", "Ben", "Lea", "Finn", "Amira", "Mateo", "Yuki", "Olu", "Zoé", "Jürgen",
    "Ana", "Kofi", "Ines", "Tarek", "Greta", "Milan", "Selin", "Arjun",
];
const LAST: &[&str] = &[
    "Hoffmann",
    "Brandt",
    "Schulz",
    "Weber",
    "Becker",
    "Wagner",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Krüger",
    "Hartmann",
    "Lange",
    "Nowak",
    "Yilmaz",
    "Rossi",
    "Dubois",
    "Okafor",
    "Tanaka",
    "Silva",
    "Jensen",
    "Kowalski",
    "Haddad",
    "Meyer",
    "Vogel",
    "Berg",
    "Fischer",
    "Zimmermann",
];
const POSITIONS: &[&str] = &[
    "Backend Engineer",
    "Frontend Engineer",
    "Product Manager",
    "Designer",
    "Account Executive",
    "Support Specialist",
    "Recruiter",
    "Accountant",
    "Data Analyst",
    "Office Manager",
];
const DEPARTMENTS: &[(u64, &str)] = &[
    (5521, "Platform"),
    (5522, "Product"),
    (5523, "Sales"),
    (281, "Customer Support"),
    (5524, "People & Culture"),
    (5525, "Finance"),
];
const OFFICES: &[(u64, &str)] = &[(901, "Berlin"), (902, "Munich"), (903, "Lisbon")];
const TEAMS: &[&str] = &["Core", "Growth", "Payments", "Onboarding", "Mobile"];
const SIZES: &[&str] = &["S", "M", "L", "XL"];
const LANGUAGES: &[&str] = &["German", "English", "French", "Spanish", "Turkish"];

/// SplitMix64: tiny, fast, and its output is fixed forever for a given seed.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform-ish in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

fn date(rng: &mut SplitMix, from_year: i32, years: u64) -> Date {
    let year = from_year + rng.below(years) as i32;
    let month = Month::try_from(1 + rng.below(12) as u8).unwrap_or(Month::January);
    let day = 1 + rng.below(28) as u8;
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

/// Roughly central European time: summer offset from April to October.
fn offset_for(d: Date) -> &'static str {
    if (4..=10).contains(&u8::from(d.month())) {
        "+02:00"
    } else {
        "+01:00"
    }
}

/// `n` people for `seed`, emails at `domain`, ids ascending from 4,187,000 (with gaps).
pub fn generate(n: usize, seed: u64, domain: &str) -> Vec<FakePerson> {
    let mut rng = SplitMix::new(seed);
    let mut ids: Vec<u64> = Vec::with_capacity(n);
    let mut next_id = 4_187_000u64;
    for _ in 0..n {
        next_id += 1 + rng.below(7);
        ids.push(next_id);
    }
    // The tree follows generation order, but ids are handed out shuffled, so a report's id (and so
    // its page) may come before or after its supervisor's.
    for i in (1..ids.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        ids.swap(i, j);
    }
    let managers = (n / 5).max(1);
    let mut used_emails = std::collections::HashSet::new();
    let mut people = Vec::with_capacity(n);
    for (i, &id) in ids.iter().enumerate() {
        let first = rng.pick(FIRST).to_string();
        let last = rng.pick(LAST).to_string();
        let base = format!("{}.{}", ascii_lower(&first), ascii_lower(&last));
        let mut email = format!("{base}@{domain}");
        let mut k = 2;
        while !used_emails.insert(email.clone()) {
            email = format!("{base}{k}@{domain}");
            k += 1;
        }
        let status = match rng.below(100) {
            0..=74 => FakeStatus::Active,
            75..=81 => FakeStatus::Leave,
            82..=88 => FakeStatus::Onboarding,
            _ => FakeStatus::Inactive,
        };
        let gender = match rng.below(10) {
            0..=3 => "female",
            4..=7 => "male",
            8 => "diverse",
            _ => "",
        }
        .to_owned();
        let hire_date = match status {
            FakeStatus::Onboarding => Some(date(&mut rng, 2027, 1)),
            _ if rng.chance(5) => None,
            _ => Some(date(&mut rng, 2012, 14)),
        };
        let hire_offset = hire_date.map(offset_for).unwrap_or("+01:00");
        let termination_date = match status {
            FakeStatus::Inactive => Some(date(&mut rng, 2024, 2)),
            _ => None,
        };
        let department = if rng.chance(10) {
            None
        } else {
            let (id, name) = *rng.pick(DEPARTMENTS);
            Some(FakeDepartment {
                id,
                name: name.to_owned(),
            })
        };
        let teams = match rng.below(4) {
            0 => vec![],
            1 => vec![rng.pick(TEAMS).to_string(), rng.pick(TEAMS).to_string()],
            _ => vec![rng.pick(TEAMS).to_string()],
        };
        let position = if rng.chance(8) {
            String::new()
        } else {
            rng.pick(POSITIONS).to_string()
        };
        let supervisor_id = if i == 0 {
            None
        } else {
            Some(ids[rng.below(i.min(managers) as u64) as usize])
        };
        let weekly_working_hours = if rng.chance(20) { "32.5" } else { "40" }.to_owned();
        let mut custom = vec![FakeCustom {
            key: "dynamic_70112".into(),
            label: "T-shirt size".into(),
            kind: "list",
            value: serde_json::json!(rng.pick(SIZES)),
        }];
        custom.push(FakeCustom {
            key: "dynamic_70113".into(),
            label: "Employee ID".into(),
            kind: "standard",
            value: if rng.chance(30) {
                serde_json::json!("")
            } else {
                serde_json::json!(format!("E-{:04}", i + 1))
            },
        });
        custom.push(FakeCustom {
            key: "dynamic_70114".into(),
            label: "Languages".into(),
            kind: "tags",
            value: serde_json::json!([rng.pick(LANGUAGES), rng.pick(LANGUAGES)]),
        });
        custom.push(FakeCustom {
            key: "dynamic_70115".into(),
            label: "Desk number".into(),
            kind: "integer",
            value: serde_json::json!(100 + rng.below(400)),
        });
        people.push(FakePerson {
            id,
            first_name: first,
            last_name: last,
            email: Some(email),
            gender,
            status,
            position,
            department,
            teams,
            supervisor_id,
            hire_date,
            hire_offset,
            termination_date,
            birth_date: Some(date(&mut rng, 1965, 40)),
            weekly_working_hours,
            custom,
            employment_type: "internal",
            office: None,
        });
    }
    // From a stream of their own, so the attributes above stay what they were for every seed.
    let mut rng = SplitMix::new(seed ^ 0x0FF1_CE00);
    for p in &mut people {
        if rng.chance(10) {
            p.employment_type = "external";
        }
        p.office = (!rng.chance(5)).then(|| {
            let (id, name) = *rng.pick(OFFICES);
            FakeDepartment {
                id,
                name: name.to_owned(),
            }
        });
    }
    people.sort_by_key(|p| p.id);
    people
}

/// Lower-case ASCII letters only (`Zoé` → `zo`, `Jürgen` → `jrgen`): good enough for addresses.
fn ascii_lower(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_people() {
        assert_eq!(
            generate(50, 7, "example.org"),
            generate(50, 7, "example.org")
        );
        assert_ne!(
            generate(50, 7, "example.org"),
            generate(50, 8, "example.org")
        );
    }

    #[test]
    fn emails_are_unique_and_at_the_domain() {
        let people = generate(300, 1, "example.org");
        let mut seen = std::collections::HashSet::new();
        for p in &people {
            let e = p.email.clone().unwrap();
            assert!(e.ends_with("@example.org"), "{e}");
            assert!(seen.insert(e));
        }
    }

    #[test]
    fn the_manager_tree_has_one_root_and_no_dangling_ids() {
        let people = generate(200, 3, "example.org");
        let ids: std::collections::HashSet<u64> = people.iter().map(|p| p.id).collect();
        assert_eq!(
            people.iter().filter(|p| p.supervisor_id.is_none()).count(),
            1
        );
        for p in &people {
            if let Some(s) = p.supervisor_id {
                assert!(ids.contains(&s));
                assert_ne!(s, p.id);
            }
        }
    }

    #[test]
    fn the_crowd_contains_the_awkward_cases() {
        let people = generate(200, 3, "example.org");
        for status in [
            FakeStatus::Active,
            FakeStatus::Onboarding,
            FakeStatus::Leave,
            FakeStatus::Inactive,
        ] {
            assert!(people.iter().any(|p| p.status == status), "{status:?}");
        }
        assert!(people.iter().any(|p| p.gender.is_empty()));
        assert!(people.iter().any(|p| p.department.is_none()));
        assert!(people.iter().any(|p| p.hire_date.is_none()));
        assert!(people.iter().any(|p| p.employment_type == "external"));
        assert!(people.iter().any(|p| p.employment_type == "internal"));
        assert!(people.iter().any(|p| p.office.is_none()));
        assert!(
            people
                .iter()
                .any(|p| p.hire_offset == "+02:00" && p.hire_date.is_some())
        );
        assert!(
            people
                .iter()
                .any(|p| p.hire_offset == "+01:00" && p.hire_date.is_some())
        );
        // Some supervisor sorts after a report of theirs, i.e. comes on a later page.
        let pos = |id: u64| people.iter().position(|p| p.id == id).unwrap();
        assert!(
            people
                .iter()
                .enumerate()
                .any(|(i, p)| p.supervisor_id.is_some_and(|s| pos(s) > i))
        );
    }
}
