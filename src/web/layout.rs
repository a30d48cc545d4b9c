//! What `base.html` needs on every page: who is logged in, the CSRF token for the logout form,
//! and which section of the navigation is current.

use crate::web::CurrentUser;

pub struct NavUser {
    /// Their own page (the name in the header links to it).
    pub id: i64,
    pub name: String,
    pub company: String,
    pub is_manager: bool,
}

pub struct Layout {
    pub user: Option<NavUser>,
    pub csrf: String,
    pub section: &'static str,
    pub title: String,
}

impl Layout {
    pub fn new(user: &CurrentUser, section: &'static str, title: impl Into<String>) -> Layout {
        Layout {
            user: Some(NavUser {
                id: user.person.id,
                name: format!("{} {}", user.person.first_name, user.person.last_name),
                company: user.person.company_name.clone(),
                is_manager: user.is_manager(),
            }),
            csrf: user.csrf.clone(),
            section,
            title: title.into(),
        }
    }

    pub fn anonymous(csrf: String, title: impl Into<String>) -> Layout {
        Layout {
            user: None,
            csrf,
            section: "",
            title: title.into(),
        }
    }
}
