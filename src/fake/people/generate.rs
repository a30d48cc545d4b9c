//! The generator behind [`generate`]: name and value lists, a SplitMix64 whose stream is fixed for
//! a seed, and the rules that put the awkward cases into the crowd.

use time::{Date, Month};

use super::{FakeCustom, FakeDepartment, FakePerson, FakeStatus};

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
