//! Applying a plan to an in-memory directory: the meaning of a plan, as the database apply must
//! reproduce it. Used by the property tests, and by database tests to compare against.

use foldhash::HashMap;

use crate::directory::{Group, Person};

use super::Directory;
use super::plan::{GroupRef, NewValue, PersonRef, Plan};

/// The directory after `plan`, with new rows numbered after the highest existing id, in plan
/// order (as an auto-increment would).
pub fn apply_in_memory(dir: &Directory, plan: &Plan) -> Directory {
    assert_eq!(
        dir.company_id, plan.company_id,
        "a plan for another company"
    );
    let mut out = dir.clone();
    let first_group = out.groups.iter().map(|g| g.id).max().unwrap_or(0) + 1;
    let new_groups: Vec<i64> = (first_group..).take(plan.groups_to_create.len()).collect();
    for (g, &id) in plan.groups_to_create.iter().zip(&new_groups) {
        out.groups.push(Group {
            id,
            company_id: plan.company_id,
            name: g.name.clone(),
        });
    }
    let index: HashMap<i64, usize> = out
        .people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.company_id == plan.company_id)
        .map(|(i, p)| (p.id, i))
        .collect();
    for u in &plan.updates {
        let p = &mut out.people[index[&u.person_id]];
        for c in &u.changes {
            match c.value.clone() {
                NewValue::Email(v) => p.email = v,
                NewValue::FirstName(v) => p.first_name = v,
                NewValue::LastName(v) => p.last_name = v,
                NewValue::Position(v) => p.position = v,
                NewValue::Department(v) => p.department = v,
                NewValue::Gender(v) => p.gender = v,
                NewValue::BirthDate(v) => p.birth_date = v,
                NewValue::EmployeeNumber(v) => p.employee_number = v,
                NewValue::FirstHiredOn(v) => p.first_hired_on = v,
                NewValue::Active(v) => p.active = v,
                NewValue::Link { source, source_id } => {
                    p.source = source;
                    p.source_id = Some(source_id);
                }
            }
        }
    }
    let first_person = out.people.iter().map(|p| p.id).max().unwrap_or(0) + 1;
    let new_people: Vec<i64> = (first_person..).take(plan.creates.len()).collect();
    let mut index = index;
    for (c, &id) in plan.creates.iter().zip(&new_people) {
        index.insert(id, out.people.len());
        out.people.push(Person {
            id,
            company_id: plan.company_id,
            email: c.email.clone(),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            position: c.position.clone(),
            department: c.department.clone(),
            gender: c.gender.clone(),
            birth_date: c.birth_date,
            employee_number: c.employee_number.clone(),
            first_hired_on: c.first_hired_on,
            manager_id: None,
            active: c.active,
            source: c.source,
            source_id: Some(c.source_id.clone()),
            role: None,
            group_ids: Vec::new(),
        });
    }
    let person_id = |r: PersonRef| match r {
        PersonRef::Existing(id) => id,
        PersonRef::New(k) => new_people[k],
    };
    let group_id = |r: GroupRef| match r {
        GroupRef::Existing(id) => id,
        GroupRef::New(k) => new_groups[k],
    };
    for m in &plan.managers {
        out.people[index[&person_id(m.person)]].manager_id = m.manager.map(person_id);
    }
    for m in &plan.membership_removes {
        let gid = group_id(m.group);
        out.people[index[&person_id(m.person)]]
            .group_ids
            .retain(|&g| g != gid);
    }
    for m in &plan.membership_adds {
        let gid = group_id(m.group);
        let p = &mut out.people[index[&person_id(m.person)]];
        if !p.group_ids.contains(&gid) {
            p.group_ids.push(gid);
        }
    }
    for f in &plan.field_values {
        let key = (person_id(f.person), f.field_id);
        match &f.value {
            Some(v) => out.field_values.insert(key, v.clone()),
            None => out.field_values.remove(&key),
        };
    }
    out
}
