//! The knobs that change a running fake's users and teams between runs (deactivate, move teams,
//! remove, hire, make a manager loop), and reading them back.

use time::Date;

use super::{FakeKiwi, KiwiTeam, KiwiUser, ManagerLink, fixtures};

impl FakeKiwi {
    /// The users as they stand, in id order.
    pub fn users(&self) -> Vec<KiwiUser> {
        self.shared.data().users.clone()
    }
    pub fn teams(&self) -> Vec<KiwiTeam> {
        self.shared.data().teams.clone()
    }
    pub fn user(&self, id: u64) -> Option<KiwiUser> {
        self.shared
            .data()
            .users
            .iter()
            .find(|u| u.id == id)
            .cloned()
    }

    /// Changes one user; `false` when there is no such id.
    pub fn update_user(&self, id: u64, change: impl FnOnce(&mut KiwiUser)) -> bool {
        let mut data = self.shared.data();
        match data.users.iter_mut().find(|u| u.id == id) {
            Some(u) => {
                change(u);
                true
            }
            None => false,
        }
    }
    /// `isActive: false`, as kiwiHR's "deactivate employee account".
    pub fn deactivate(&self, id: u64) -> bool {
        self.update_user(id, |u| u.is_active = false)
    }
    pub fn set_end_date(&self, id: u64, end: Option<Date>) -> bool {
        self.update_user(id, |u| u.employment_end_date = end)
    }
    pub fn set_email(&self, id: u64, email: Option<&str>) -> bool {
        self.update_user(id, |u| u.email = email.map(str::to_owned))
    }
    pub fn set_manager(&self, id: u64, manager: Option<u64>) -> bool {
        self.update_user(id, |u| {
            u.manager = manager.map(|m| ManagerLink { id: m, email: None })
        })
    }
    /// Sets a user's teams by name, creating teams that do not exist yet.
    pub fn set_teams(&self, id: u64, names: &[&str]) -> bool {
        let mut data = self.shared.data();
        let mut ids = Vec::new();
        for name in names {
            let tid = match data.teams.iter().find(|t| t.name == *name) {
                Some(t) => t.id,
                None => {
                    let tid = data.teams.iter().map(|t| t.id).max().unwrap_or(700) + 1;
                    data.teams.push(KiwiTeam {
                        id: tid,
                        name: (*name).to_owned(),
                    });
                    tid
                }
            };
            ids.push(tid);
        }
        match data.users.iter_mut().find(|u| u.id == id) {
            Some(u) => {
                u.team_ids = ids;
                true
            }
            None => false,
        }
    }
    /// Removes a user from kiwiHR (as if deleted); `false` when there is no such id.
    pub fn remove(&self, id: u64) -> bool {
        let mut data = self.shared.data();
        let before = data.users.len();
        data.users.retain(|u| u.id != id);
        data.users.len() != before
    }
    /// Adds a user; `user.id == 0` picks the next free id. Returns the id.
    pub fn add(&self, mut user: KiwiUser) -> u64 {
        let mut data = self.shared.data();
        insert_user(&mut data.users, &mut user);
        user.id
    }
    /// Hires a new active person with the given names and email, in no team. Returns the id.
    pub fn hire(&self, first: &str, last: &str, email: &str) -> u64 {
        self.add(fixtures::new_user(0, first, last, Some(email)))
    }
    /// Makes two users each other's manager.
    pub fn make_manager_loop(&self, a: u64, b: u64) {
        self.set_manager(a, Some(b));
        self.set_manager(b, Some(a));
    }
}

/// Inserts `user` in id order, replacing a user with the same id; `id == 0` picks the next free id.
pub(super) fn insert_user(users: &mut Vec<KiwiUser>, user: &mut KiwiUser) {
    if user.id == 0 {
        user.id = users.iter().map(|u| u.id).max().unwrap_or(4_700) + 1;
    }
    users.retain(|u| u.id != user.id);
    let at = users.partition_point(|u| u.id < user.id);
    users.insert(at, user.clone());
}
