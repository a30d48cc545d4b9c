//! The people directory: list, search, filters, pages, a person's page, editing by hand.

use roster::db::{groups, people};

use crate::backends;
use crate::helpers::*;

async fn add(c: &Client, first: &str, last: &str, email: &str, extra: &[(&str, &str)]) -> Page {
    let mut f = vec![
        ("first_name", first),
        ("last_name", last),
        ("email", email),
        ("active", "1"),
    ];
    f.extend_from_slice(extra);
    c.post("/people", &f).await
}

fn id_from(location: &Option<String>) -> i64 {
    location
        .as_deref()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

backends! {
    async fn a_manager_adds_a_person_who_then_appears_with_manager_reports_and_groups(app) {
        let m = app.manager().await;
        let g = m.post("/groups", &[("name", "Platform")]).await;
        assert_eq!(g.status, 303);
        let group_id = id_from(&g.location);
        let boss = add(&m, "Jonas", "Brandt", "jonas.brandt@acme.test", &[("position", "VP Engineering"), ("department", "Engineering")]).await;
        let boss_id = id_from(&boss.location);
        let lena = add(&m, "Lena", "Hoffmann", "Lena.Hoffmann@acme.test", &[
            ("position", "Backend Engineer"), ("department", "Engineering"), ("manager_id", &boss_id.to_string()),
            ("groups", &group_id.to_string()), ("first_hired_on", "2021-03-01"), ("gender", "female")]).await;
        assert_eq!(lena.status, 303, "{}", lena.body);
        let page = app.employee().await.get(lena.location.as_deref().unwrap()).await;
        assert_eq!(page.text("h1"), "Lena Hoffmann");
        let facts = page.text(".facts");
        for expected in ["Lena.Hoffmann@acme.test", "Backend Engineer", "Engineering", "Jonas Brandt", "Platform", "1 Mar 2021", "female", "Active", "Added in Roster"] {
            assert!(facts.contains(expected), "{expected:?} missing in {facts}");
        }
        let boss_page = m.get(&format!("/people/{boss_id}")).await;
        assert!(boss_page.text(".reports").contains("Lena Hoffmann"));
        assert!(m.get(&format!("/groups/{group_id}")).await.text(".reports").contains("Lena Hoffmann"));
    }

    async fn the_person_form_says_what_is_wrong_and_changes_nothing(app) {
        let m = app.manager().await;
        add(&m, "Ada", "Lovelace", "ada@acme.test", &[]).await;
        let count = people::count(&app.db, app.company_id).await.unwrap();
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
        let cases: &[Case] = &[
            (&[("first_name", ""), ("last_name", ""), ("email", "x@acme.test")], "first_name", "First name is required"),
            (&[("first_name", "A"), ("last_name", "B"), ("email", "not-an-email")], "email", "not a valid email"),
            (&[("first_name", "A"), ("last_name", "B"), ("email", "ADA@acme.TEST")], "email", "already has the email"),
            (&[("first_name", "A"), ("last_name", "B"), ("email", "b@acme.test"), ("first_hired_on", "01/02/2020")], "first_hired_on", "must be a date"),
            (&[("first_name", "A"), ("last_name", "B"), ("email", "b@acme.test"), ("gender", "martian")], "gender", "not one of the company's gender choices"),
        ];
        for (fields, field, message) in cases {
            let res = m.post("/people", fields).await;
            assert_eq!(res.status, 422, "{field}");
            assert!(res.text(".alert").contains(message), "{field}: {}", res.text(".alert"));
            assert!(res.text(".field-error").contains(message), "the field shows its error");
        }
        assert_eq!(people::count(&app.db, app.company_id).await.unwrap(), count);
    }

    async fn a_person_cannot_manage_themselves_or_close_a_loop(app) {
        let m = app.manager().await;
        let a = id_from(&add(&m, "Anna", "Top", "anna@acme.test", &[]).await.location);
        let b = id_from(&add(&m, "Bert", "Middle", "bert@acme.test", &[("manager_id", &a.to_string())]).await.location);
        let c = id_from(&add(&m, "Cleo", "Bottom", "cleo@acme.test", &[("manager_id", &b.to_string())]).await.location);
        let own = m.post(&format!("/people/{a}"), &[("first_name", "Anna"), ("last_name", "Top"), ("email", "anna@acme.test"), ("manager_id", &a.to_string()), ("active", "1")]).await;
        assert_eq!(own.status, 422);
        assert!(own.text(".alert").contains("cannot be their own manager"));
        let looped = m.post(&format!("/people/{a}"), &[("first_name", "Anna"), ("last_name", "Top"), ("email", "anna@acme.test"), ("manager_id", &c.to_string()), ("active", "1")]).await;
        assert_eq!(looped.status, 422);
        assert!(looped.text(".alert").contains("loop"), "{}", looped.text(".alert"));
        assert_eq!(people::get(&app.db, app.company_id, a).await.unwrap().unwrap().manager_id, None);
    }

    async fn search_filters_and_pages_narrow_the_list(app) {
        let m = app.manager().await;
        let g = id_from(&m.post("/groups", &[("name", "Night Shift")]).await.location);
        for name in ["beta", "Alpha"] {
            m.post("/groups", &[("name", name)]).await;
        }
        let mut tx = app.db.begin().await.unwrap();
        for i in 0..60 {
            let input = people::PersonInput {
                department: Some(if i % 2 == 0 { "Sales".into() } else { "Support".into() }),
                active: i != 7,
                ..people::PersonInput::named(&format!("person{i:02}@acme.test"), &format!("Person{i:02}"), "Zed")
            };
            let id = people::insert(&mut tx, app.company_id, &input).await.unwrap();
            if i < 3 { groups::add_member(&mut tx, app.company_id, g, id).await.unwrap(); }
        }
        tx.commit().await.unwrap();
        let e = app.employee().await;
        let names = |p: &Page| p.texts("table.people tbody td:first-child");
        // Active by default: 60 + 2 logins - 1 deactivated, 50 a page.
        let first = e.get("/people").await;
        assert_eq!(first.text(".count"), "61 people");
        assert_eq!(names(&first).len(), 50);
        assert!(first.text(".pager").contains("Page 1 of 2"));
        let second = e.get("/people?page=2").await;
        assert_eq!(names(&second).len(), 11);
        // Search by name, by email, case-insensitively, and by "first last".
        assert_eq!(names(&e.get("/people?q=person0").await).len(), 9, "Person00..09 without the deactivated 07");
        assert_eq!(names(&e.get("/people?q=PERSON42%40ACME").await), vec!["Person42 Zed"]);
        assert_eq!(names(&e.get("/people?q=person13+zed").await), vec!["Person13 Zed"]);
        assert_eq!(names(&e.get("/people?q=100%25").await).len(), 0, "% is a literal, not a wildcard");
        // Filters.
        assert_eq!(e.get("/people?department=Sales").await.text(".count"), "30 people");
        assert_eq!(first.texts("select[name=department] option"), vec!["All departments", "Sales", "Support"]);
        assert_eq!(first.texts("select[name=group] option"), vec!["All groups", "Alpha", "beta", "Night Shift"]);
        assert_eq!(names(&e.get(&format!("/people?group={g}")).await).len(), 3);
        assert_eq!(names(&e.get("/people?status=deactivated").await), vec!["Person07 Zed"]);
        assert_eq!(e.get("/people?status=all").await.text(".count"), "62 people");
    }

    async fn the_counts_follow_syncs_and_edits(app) {
        // The unfiltered counts come from a kept per-company row: after every kind of write
        // they equal a fresh count of the rows.
        let m = app.manager().await;
        let check = |when: &'static str| {
            let (app, m) = (&app, &m);
            async move {
                for (status, cond) in [("active", "and active"), ("deactivated", "and not active"), ("all", "")] {
                    let sql = format!("select count(*) from people where company_id = $1 {cond}");
                    let n: i64 = roster::on_db!(&app.db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .bind(app.company_id).fetch_one(p).await).unwrap();
                    let shown = m.get(&format!("/people?status={status}")).await.text(".count");
                    let want = if n == 1 { "1 person".to_string() } else { format!("{n} people") };
                    assert_eq!(shown, want, "{when}, status={status}");
                }
            }
        };
        check("before any write").await;
        let fake = roster::fake::personio::FakePersonio::builder().people(25).seed(7).start().await;
        let ctx = sync_context(&app, Some(fake.base_url()), None, 10);
        let creds = roster::hris::providers::Credentials::Personio {
            client_id: fake.client_id().into(),
            client_secret: roster::hris::secret::Secret::new(fake.client_secret()),
        };
        roster::integrations::connect(&ctx, app.company_id, &creds, None).await.unwrap();
        let request = roster::sync::run::Request {
            company_id: app.company_id, trigger: roster::sync::run::Trigger::Cli, started_by: None, approve: None,
        };
        roster::sync::run::run(&ctx, &request).await.unwrap();
        check("after the first sync").await;
        let someone = fake.people()[0].id;
        fake.set_status(someone, roster::fake::people::FakeStatus::Inactive);
        roster::sync::run::run(&ctx, &request).await.unwrap();
        check("after a sync deactivated someone").await;
        let id = id_from(&add(&m, "Dora", "Hand", "dora@acme.test", &[]).await.location);
        check("after adding by hand").await;
        let res = m.post(&format!("/people/{id}"), &[("first_name", "Dora"), ("last_name", "Hand"), ("email", "dora@acme.test")]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        check("after deactivating by hand").await;
        assert!(m.get("/people?status=deactivated").await.text(".count").starts_with('2'));
    }

    async fn search_ignores_case_and_accents_beyond_ascii(app) {
        let m = app.manager().await;
        let res = add(&m, "Élodie", "Ärger", "e.arger@acme.test", &[]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        let id = id_from(&res.location);
        let names = |p: &Page| p.texts("table.people tbody td:first-child");
        for q in ["Élodie", "élodie", "ÉLODIE", "elodie", "Ärger", "ärger", "arger", "lodie ärg"] {
            let query = serde_urlencoded::to_string([("q", q)]).unwrap();
            let found = names(&m.get(&format!("/people?{query}")).await);
            assert_eq!(found, vec!["Élodie Ärger"], "searching {q}");
        }
        // A rename by hand refolds the key: the old name no longer finds her.
        let res = m.post(&format!("/people/{id}"), &[
            ("first_name", "Ödön"), ("last_name", "Ärger"), ("email", "e.arger@acme.test"), ("active", "1"),
        ]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        assert!(names(&m.get("/people?q=%C3%A9lodie").await).is_empty());
        assert_eq!(names(&m.get("/people?q=%C3%B6d%C3%B6n").await), vec!["Ödön Ärger"]);
        // Rows from before the key existed are folded when Roster starts (after migrating).
        roster::on_db!(&app.db, p => sqlx::query("update people set search_key = null").execute(p).await.map(|r| r.rows_affected())).unwrap();
        assert!(names(&m.get("/people?q=odon").await).is_empty());
        assert!(roster::db::search_keys::fold_missing(&app.db).await.unwrap() >= 3);
        assert_eq!(names(&m.get("/people?q=odon").await), vec!["Ödön Ärger"]);
        assert_eq!(roster::db::search_keys::fold_missing(&app.db).await.unwrap(), 0, "nothing left to fold");
    }

    async fn employees_read_but_cannot_edit(app) {
        let e = app.employee().await;
        assert_eq!(e.get("/people/new").await.status, 403);
        assert_eq!(e.post("/people", &[("first_name", "X"), ("last_name", "Y"), ("email", "x@acme.test")]).await.status, 403);
        assert_eq!(e.post("/groups", &[("name", "Mine")]).await.status, 403);
        let list = e.get("/people").await;
        assert!(!list.body.contains("Add a person"));
        assert!(people::find_by_email(&app.db, app.company_id, "x@acme.test").await.unwrap().is_none());
    }

    async fn group_names_are_required_and_unique(app) {
        let m = app.manager().await;
        assert_eq!(m.post("/groups", &[("name", "Design")]).await.status, 303);
        let dup = m.post("/groups", &[("name", "design")]).await;
        assert_eq!(dup.status, 422);
        assert!(dup.text(".alert").contains("already a group named"));
        assert_eq!(m.post("/groups", &[("name", "  ")]).await.status, 422);
        assert_eq!(groups::all(&app.db, app.company_id).await.unwrap().len(), 1);
    }

    async fn unknown_pages_and_people_are_404(app) {
        let m = app.manager().await;
        assert_eq!(m.get("/people/999999").await.status, 404);
        assert_eq!(m.get("/no/such/page").await.status, 404);
        assert_eq!(m.get("/people/not-a-number").await.status, 400);
    }
}
