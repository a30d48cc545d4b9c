//! The demo company "Acme": a manager and an employee login, ~40 people with managers,
//! departments and groups. Seeding is idempotent: a second run finds Acme and adds nothing.

use time::{Date, Month};

use crate::{
    auth,
    db::{Db, companies, groups, people},
    directory::Role,
};

pub const SLUG: &str = "acme";
pub const MANAGER_EMAIL: &str = "alex.morgan@acme.example";
pub const EMPLOYEE_EMAIL: &str = "sam.lee@acme.example";
/// A demo password, printed at start: this company exists to be tried out.
pub const PASSWORD: &str = "roster-demo";

pub struct DemoInfo {
    pub manager_email: &'static str,
    pub employee_email: &'static str,
    pub password: &'static str,
}

/// The fake HRIS servers the demo runs on loopback; they stop when dropped.
pub struct DemoFakes {
    _personio: crate::fake::personio::FakePersonio,
    _kiwihr: crate::fake::kiwihr::FakeKiwi,
}

/// Starts fake Personio and kiwiHR on loopback and points the configuration at them, so the
/// whole Connect → sync flow works with no HRIS account and no internet. Also returns what to
/// type into Connect for each fake.
pub async fn start_fakes(
    config: &mut crate::config::Config,
) -> anyhow::Result<(DemoFakes, Vec<String>)> {
    let personio = crate::fake::personio::FakePersonio::builder()
        .people(60)
        .seed(1)
        .domain("acme.example")
        .start()
        .await;
    let kiwihr = crate::fake::kiwihr::FakeKiwi::builder()
        .people(60)
        .seed(2)
        .teams(6)
        .start()
        .await?;
    config.personio_base_url = Some(url::Url::parse(personio.base_url())?);
    config.kiwihr_endpoint = Some(url::Url::parse(&kiwihr.endpoint_url())?);
    let hris = vec![
        format!(
            "Fake Personio: client ID {}  client secret {}",
            personio.client_id(),
            personio.client_secret()
        ),
        format!(
            "Fake kiwiHR:   API token {}  URL https://acme.kiwihr.com/api/graphql",
            kiwihr.api_key()
        ),
        "(Settings › Integrations › Connect; the fakes run on loopback and stop with Roster.)"
            .to_string(),
    ];
    Ok((
        DemoFakes {
            _personio: personio,
            _kiwihr: kiwihr,
        },
        hris,
    ))
}

/// (first, last, job, department, manager index, groups, gender)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<usize>,
    &'static [&'static str],
    &'static str,
);

const PEOPLE: &[Row] = &[
    (
        "Alex",
        "Morgan",
        "Chief Executive Officer",
        "Management",
        None,
        &["Leadership", "Berlin Office"],
        "female",
    ),
    (
        "Jonas",
        "Brandt",
        "VP Engineering",
        "Engineering",
        Some(0),
        &["Leadership", "Berlin Office"],
        "male",
    ),
    (
        "Chloé",
        "Martin",
        "VP Sales",
        "Sales",
        Some(0),
        &["Leadership", "Paris Office"],
        "female",
    ),
    (
        "Priya",
        "Nair",
        "Head of People",
        "People",
        Some(0),
        &["Leadership", "Remote"],
        "female",
    ),
    (
        "Tomás",
        "Weber",
        "Head of Finance",
        "Finance",
        Some(0),
        &["Leadership", "Berlin Office"],
        "male",
    ),
    (
        "Sam",
        "Lee",
        "Backend Engineer",
        "Engineering",
        Some(1),
        &["Berlin Office", "Mentors"],
        "male",
    ),
    (
        "Lena",
        "Hoffmann",
        "Backend Engineer",
        "Engineering",
        Some(1),
        &["Berlin Office"],
        "female",
    ),
    (
        "Marco",
        "Rossi",
        "Frontend Engineer",
        "Engineering",
        Some(1),
        &["Remote"],
        "male",
    ),
    (
        "Aiko",
        "Tanaka",
        "Site Reliability Engineer",
        "Engineering",
        Some(1),
        &["Remote", "Mentors"],
        "female",
    ),
    (
        "Noah",
        "Fischer",
        "Engineering Manager",
        "Engineering",
        Some(1),
        &["Berlin Office"],
        "male",
    ),
    (
        "Emma",
        "Schulz",
        "Backend Engineer",
        "Engineering",
        Some(9),
        &["Berlin Office"],
        "female",
    ),
    (
        "Lucas",
        "Dubois",
        "Mobile Engineer",
        "Engineering",
        Some(9),
        &["Paris Office"],
        "male",
    ),
    (
        "Sofia",
        "García",
        "QA Engineer",
        "Engineering",
        Some(9),
        &["Remote"],
        "female",
    ),
    (
        "Yusuf",
        "Demir",
        "Data Engineer",
        "Engineering",
        Some(9),
        &["Berlin Office"],
        "male",
    ),
    (
        "Hannah",
        "Becker",
        "Product Designer",
        "Engineering",
        Some(1),
        &["Berlin Office", "Mentors"],
        "female",
    ),
    (
        "Olivia",
        "Bernard",
        "Account Executive",
        "Sales",
        Some(2),
        &["Paris Office"],
        "female",
    ),
    (
        "Hugo",
        "Laurent",
        "Account Executive",
        "Sales",
        Some(2),
        &["Paris Office"],
        "male",
    ),
    (
        "Mia",
        "Wagner",
        "Sales Development Rep",
        "Sales",
        Some(2),
        &["Berlin Office"],
        "female",
    ),
    (
        "Louis",
        "Petit",
        "Sales Development Rep",
        "Sales",
        Some(2),
        &["Paris Office"],
        "male",
    ),
    (
        "Ines",
        "Moreau",
        "Sales Manager",
        "Sales",
        Some(2),
        &["Paris Office", "Mentors"],
        "female",
    ),
    (
        "Gabriel",
        "Roux",
        "Account Executive",
        "Sales",
        Some(19),
        &["Paris Office"],
        "male",
    ),
    (
        "Zoe",
        "Fournier",
        "Customer Success Manager",
        "Customer Support",
        Some(2),
        &["Remote"],
        "female",
    ),
    (
        "Ethan",
        "Klein",
        "Support Engineer",
        "Customer Support",
        Some(21),
        &["Remote"],
        "male",
    ),
    (
        "Clara",
        "Wolf",
        "Support Engineer",
        "Customer Support",
        Some(21),
        &["Berlin Office"],
        "female",
    ),
    (
        "Felix",
        "Neumann",
        "Support Engineer",
        "Customer Support",
        Some(21),
        &["Berlin Office"],
        "male",
    ),
    (
        "Amara",
        "Okafor",
        "Recruiter",
        "People",
        Some(3),
        &["Remote"],
        "female",
    ),
    (
        "Daniel",
        "Costa",
        "People Partner",
        "People",
        Some(3),
        &["Remote", "Mentors"],
        "male",
    ),
    (
        "Julia",
        "Schröder",
        "Office Manager",
        "People",
        Some(3),
        &["Berlin Office"],
        "female",
    ),
    (
        "Ben",
        "Carter",
        "Accountant",
        "Finance",
        Some(4),
        &["Berlin Office"],
        "male",
    ),
    (
        "Nora",
        "Lindqvist",
        "Financial Analyst",
        "Finance",
        Some(4),
        &["Remote"],
        "female",
    ),
    (
        "Paul",
        "Richter",
        "Payroll Specialist",
        "Finance",
        Some(4),
        &["Berlin Office"],
        "male",
    ),
    (
        "Elena",
        "Popescu",
        "Marketing Manager",
        "Marketing",
        Some(0),
        &["Remote"],
        "female",
    ),
    (
        "Theo",
        "Girard",
        "Content Writer",
        "Marketing",
        Some(31),
        &["Paris Office"],
        "male",
    ),
    (
        "Lea",
        "Krause",
        "Growth Marketer",
        "Marketing",
        Some(31),
        &["Berlin Office"],
        "female",
    ),
    (
        "Omar",
        "Haddad",
        "Brand Designer",
        "Marketing",
        Some(31),
        &["Remote"],
        "male",
    ),
    (
        "Ava",
        "Nowak",
        "Backend Engineer",
        "Engineering",
        Some(9),
        &["Remote"],
        "female",
    ),
    (
        "Leon",
        "Zimmermann",
        "Security Engineer",
        "Engineering",
        Some(1),
        &["Berlin Office"],
        "male",
    ),
    (
        "Maya",
        "Cohen",
        "Data Analyst",
        "Finance",
        Some(4),
        &["Remote"],
        "female",
    ),
    (
        "Victor",
        "Lambert",
        "Solutions Engineer",
        "Sales",
        Some(2),
        &["Paris Office"],
        "male",
    ),
    (
        "Isla",
        "Murphy",
        "Support Engineer",
        "Customer Support",
        Some(21),
        &["Remote"],
        "female",
    ),
    (
        "Kenji",
        "Sato",
        "Former Engineer",
        "Engineering",
        Some(1),
        &[],
        "male",
    ),
];

fn email(first: &str, last: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'é' | 'è' => 'e',
                'í' => 'i',
                'á' => 'a',
                'ö' => 'o',
                c => c,
            })
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    format!("{}.{}@acme.example", clean(first), clean(last))
}

/// Creates Acme once; later runs only return the logins.
pub async fn seed(db: &Db) -> anyhow::Result<DemoInfo> {
    let info = DemoInfo {
        manager_email: MANAGER_EMAIL,
        employee_email: EMPLOYEE_EMAIL,
        password: PASSWORD,
    };
    if companies::find_by_slug(db, SLUG).await?.is_some() {
        return Ok(info);
    }
    let hash = auth::hash_password(PASSWORD)?;
    // One transaction: a seed that fails half-way leaves no half-made Acme behind.
    let mut tx = db.begin().await?;
    let company_id = companies::create(&mut tx, SLUG, "Acme", "Europe/Berlin").await?;
    let mut group_ids = std::collections::HashMap::new();
    for name in [
        "Leadership",
        "Berlin Office",
        "Paris Office",
        "Remote",
        "Mentors",
    ] {
        group_ids.insert(name, groups::create(&mut tx, company_id, name).await?);
    }
    let mut ids: Vec<i64> = Vec::with_capacity(PEOPLE.len());
    for (i, (first, last, job, dept, manager, groups, gender)) in PEOPLE.iter().enumerate() {
        let n = i as u32;
        let hired = Date::from_calendar_date(
            2016 + (n % 9) as i32,
            Month::try_from(1 + (n * 5 % 12) as u8)?,
            1 + (n * 7 % 28) as u8,
        )?;
        let input = people::PersonInput {
            email: email(first, last),
            first_name: first.to_string(),
            last_name: last.to_string(),
            position: Some(job.to_string()),
            department: Some(dept.to_string()),
            gender: Some(gender.to_string()),
            birth_date: None,
            employee_number: Some(format!("ACME-{:03}", i + 1)),
            first_hired_on: Some(hired),
            manager_id: manager.map(|m| ids[m]),
            active: *last != "Sato",
        };
        let id = people::insert(&mut tx, company_id, &input).await?;
        let gids: Vec<i64> = groups.iter().map(|g| group_ids[g]).collect();
        people::set_groups(&mut tx, company_id, id, &gids).await?;
        if input.email == MANAGER_EMAIL {
            people::set_login(&mut tx, company_id, id, Some((&hash, Role::Manager))).await?;
        }
        if input.email == EMPLOYEE_EMAIL {
            people::set_login(&mut tx, company_id, id, Some((&hash, Role::Employee))).await?;
        }
        ids.push(id);
    }
    tx.commit().await?;
    Ok(info)
}
