//! The form checks that need the directory: the email is free in the company, the manager is in
//! it, and the new manager link closes no loop.

use std::collections::{HashMap, HashSet};

use crate::{
    db::people,
    web::{AppError, AppState},
};

use crate::web::field_errors::Errors;

/// Would making `manager` the manager of `person` (None for a new person) close a loop?
/// Follows the chain up from `manager`; reaching `person` means a loop.
pub fn closes_loop(links: &HashMap<i64, Option<i64>>, person: Option<i64>, manager: i64) -> bool {
    let Some(person) = person else { return false };
    let mut seen = HashSet::new();
    let mut at = Some(manager);
    while let Some(id) = at {
        if id == person {
            return true;
        }
        if !seen.insert(id) {
            return false; // an existing loop above, not through this person
        }
        at = links.get(&id).copied().flatten();
    }
    false
}

/// The checks that need the database: email unique in the company, manager in the company,
/// no manager loop.
pub(super) async fn check_against_directory(
    state: &AppState,
    company: i64,
    id: Option<i64>,
    input: &people::PersonInput,
    errors: &mut Errors,
) -> Result<(), AppError> {
    if let Some(other) = people::find_by_email(&state.db, company, &input.email).await?
        && Some(other.id) != id
    {
        errors.add(
            "email",
            format!(
                "{} already has the email {}.",
                other.full_name(),
                other.email
            ),
        );
    }
    if let Some(m) = input.manager_id {
        let links: HashMap<i64, Option<i64>> = people::manager_links(&state.db, company)
            .await?
            .into_iter()
            .collect();
        if !links.contains_key(&m) {
            errors.add("manager_id", "Choose a manager from the list.");
        } else if Some(m) == id {
            errors.add("manager_id", "A person cannot be their own manager.");
        } else if closes_loop(&links, id, m) {
            errors.add("manager_id", "This manager reports (directly or through others) to this person, which would make a loop.");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manager_below_the_person_closes_a_loop() {
        // 1 ← 2 ← 3 (3 reports to 2, 2 reports to 1)
        let links: HashMap<i64, Option<i64>> = [(1, None), (2, Some(1)), (3, Some(2))].into();
        assert!(
            closes_loop(&links, Some(1), 3),
            "1 reporting to 3 closes 1→3→2→1"
        );
        assert!(closes_loop(&links, Some(2), 3));
        assert!(!closes_loop(&links, Some(3), 1));
        assert!(
            !closes_loop(&links, None, 3),
            "a new person cannot close a loop"
        );
    }
}
