//! No page, query or form reaches another company's data.

use roster::db::{groups, people};
use roster::directory::Role;

use crate::backends;
use crate::helpers::*;

backends! {
    async fn a_manager_of_one_company_cannot_see_or_change_another(app) {
        let other = create_company(&app.db, "globex", "Globex").await;
        add_login(&app.db, "globex", "gina@globex.test", Role::Manager, "Gina", "Globex").await;
        let gina = people::find_by_email(&app.db, other, "gina@globex.test").await.unwrap().unwrap();
        let mut tx = app.db.begin().await.unwrap();
        let their_group = groups::create(&mut tx, other, "Globex Team").await.unwrap();
        tx.commit().await.unwrap();
        let before = people::get(&app.db, other, gina.id).await.unwrap();

        let m = app.manager().await;
        for path in [format!("/people/{}", gina.id), format!("/people/{}/edit", gina.id),
                     format!("/groups/{their_group}"), format!("/groups/{their_group}/edit")] {
            assert_eq!(m.get(&path).await.status, 404, "GET {path}");
        }
        let edit = m.post(&format!("/people/{}", gina.id), &[("first_name", "Hacked"), ("last_name", "X"), ("email", "gina@globex.test"), ("active", "1")]).await;
        assert_eq!(edit.status, 404);
        assert_eq!(m.post(&format!("/groups/{their_group}"), &[("name", "Hacked")]).await.status, 404);
        // Lists never show them.
        assert!(!m.get("/people?status=all&q=gina").await.body.contains("Globex"));
        assert!(!m.get("/groups").await.body.contains("Globex Team"));
        // Their people cannot be chosen as a manager, their groups cannot be joined.
        let mine = m.post("/people", &[("first_name", "New"), ("last_name", "Hire"), ("email", "new.hire@acme.test"),
            ("manager_id", &gina.id.to_string()), ("groups", &their_group.to_string()), ("active", "1")]).await;
        assert_eq!(mine.status, 422);
        assert!(mine.text(".alert").contains("Choose a manager from the list"));
        let mine = m.post("/people", &[("first_name", "New"), ("last_name", "Hire"), ("email", "new.hire@acme.test"),
            ("groups", &their_group.to_string()), ("active", "1")]).await;
        assert_eq!(mine.status, 303);
        let hire = people::find_by_email(&app.db, app.company_id, "new.hire@acme.test").await.unwrap().unwrap();
        assert!(hire.group_ids.is_empty(), "joined another company's group: {:?}", hire.group_ids);
        assert_eq!(groups::member_ids(&app.db, other, their_group).await.unwrap(), Vec::<i64>::new());
        // The same email may exist in two companies.
        let dup = m.post("/people", &[("first_name", "Gina"), ("last_name", "Twin"), ("email", "gina@globex.test"), ("active", "1")]).await;
        assert_eq!(dup.status, 303);
        assert_eq!(people::get(&app.db, other, gina.id).await.unwrap(), before, "Globex's person unchanged");
        assert_eq!(groups::get(&app.db, other, their_group).await.unwrap().unwrap().name, "Globex Team");
    }
}
