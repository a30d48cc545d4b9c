//! The demo company "Acme": a manager and an employee login, ~40 people with managers,
//! departments and groups. Seeding is idempotent: a second run finds Acme and adds nothing.
//! The people are in `staff`; the fake HRIS servers the demo connects to in `fakes`.

mod fakes;
mod staff;

use time::{Date, Month};

use crate::{
    auth,
    db::{Db, companies, groups, people},
    directory::Role,
};

pub use fakes::{DemoFakes, start_fakes};
use staff::{PEOPLE, email};

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
