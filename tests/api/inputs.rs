//! Bounded inputs: too-long values are form errors that change nothing, a huge page number is a
//! 400 (never a 500), and a repeated multi-select value counts once.

use crate::backends;
use crate::helpers::*;

async fn people_count(app: &TestApp) -> i64 {
    roster::db::people::count(&app.db, app.company_id)
        .await
        .unwrap()
}

backends! {
    async fn too_long_person_fields_are_form_errors_and_change_nothing(app) {
        let m = app.manager().await;
        let before = people_count(&app).await;
        let long_name = "N".repeat(101);
        let huge = "x".repeat(100_000);
        let long_dep = "D".repeat(201);
        for (field, value, says) in [
            ("first_name", long_name.as_str(), "First name can be at most 100 characters"),
            ("last_name", huge.as_str(), "Last name can be at most 100 characters"),
            ("department", long_dep.as_str(), "Department can be at most 200 characters"),
            ("position", huge.as_str(), "Job can be at most 200 characters"),
        ] {
            let mut fields = vec![("first_name", "Ann"), ("last_name", "Lee"), ("email", "ann.lee@acme.test"), ("active", "1")];
            fields.retain(|(k, _)| *k != field);
            fields.push((field, value));
            let res = m.post("/people", &fields).await;
            assert_eq!(res.status, 422, "{field}");
            assert!(res.body.contains(says), "{field}: {}", res.text(".errors, .field-error, .error"));
            assert!(res.body.len() < 200_000 + value.len(), "the page is not blown up");
        }
        assert_eq!(people_count(&app).await, before);
        // At the limit it is accepted.
        let at_limit = "N".repeat(100);
        let ok = m.post("/people", &[("first_name", at_limit.as_str()), ("last_name", "Lee"), ("email", "ann.lee@acme.test"), ("active", "1")]).await;
        assert_eq!(ok.status, 303, "{}", ok.text(".errors"));
    }

    async fn too_long_group_and_company_names_are_form_errors(app) {
        let m = app.manager().await;
        let res = m.post("/groups", &[("name", &"G".repeat(101))]).await;
        assert_eq!(res.status, 422);
        assert!(res.body.contains("at most 100 characters"), "{}", res.body);
        assert!(roster::db::groups::all(&app.db, app.company_id).await.unwrap().is_empty());
        let res = m.post("/settings/company", &[("name", &"C".repeat(100_000)), ("time_zone", "Europe/Berlin"), ("sync_hour", "5")]).await;
        assert_eq!(res.status, 422);
        assert!(res.body.contains("company name can be at most 100 characters"), "{}", res.text(".alert, .errors"));
        let c = roster::db::companies::get(&app.db, app.company_id).await.unwrap().unwrap();
        assert_eq!(c.name, "Acme");
    }

    async fn a_repeated_group_in_the_form_counts_once(app) {
        let m = app.manager().await;
        let g = m.post("/groups", &[("name", "Platform")]).await;
        let gid = g.location.unwrap().trim_start_matches("/groups/").to_string();
        let res = m.post("/people", &[("first_name", "Ann"), ("last_name", "Lee"), ("email", "ann.lee@acme.test"), ("active", "1"), ("groups", &gid), ("groups", &gid), ("groups", &gid)]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        let id: i64 = res.location.unwrap().trim_start_matches("/people/").parse().unwrap();
        let p = roster::db::people::get(&app.db, app.company_id, id).await.unwrap().unwrap();
        assert_eq!(p.group_ids, vec![gid.parse::<i64>().unwrap()]);
        let res = m.post(&format!("/people/{id}"), &[("first_name", "Ann"), ("last_name", "Lee"), ("email", "ann.lee@acme.test"), ("active", "1"), ("groups", &gid), ("groups", &gid)]).await;
        assert_eq!(res.status, 303, "editing with a repeated group too");
    }

    async fn a_huge_page_number_is_a_400_not_a_500(app) {
        let m = app.manager().await;
        for page in ["9223372036854775807", "99999999999999999999", "40001", "-9223372036854775808"] {
            let res = m.get(&format!("/people?page={page}")).await;
            assert!(res.status == 400 || res.status == 200, "page {page}: {}", res.status);
            if page != "-9223372036854775808" {
                assert_eq!(res.status, 400, "page {page}");
            }
        }
        assert_eq!(m.get("/people?page=40000").await.status, 200);
        assert_eq!(m.get("/people?page=40000&q=zz").await.status, 200);
    }
}
