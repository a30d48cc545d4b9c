//! A company custom field in headless Chromium, as a company manager: added on Settings › Company ›
//! Fields, set on a person through the edit form, shown on their page, and used as a filter on the
//! people list. At 390 and 1366 px each of these pages passes axe-core (serious and critical)
//! without sideways scrolling; with `ROSTER_SCREENSHOTS=<dir>` they are saved.

use fantoccini::Locator;
use roster::db::custom_fields;

use crate::{
    browser::{checked_manager, click, text_of, texts},
    helpers::*,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_adds_a_choice_field_sets_it_on_a_person_and_filters_the_list_by_it() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let m = app.manager().await;
    for (first, email) in [("Lena", "lena@acme.test"), ("Omar", "omar@acme.test")] {
        let res = m
            .post(
                "/people",
                &[
                    ("first_name", first),
                    ("last_name", "Hoffmann-Castellanos"),
                    ("email", email),
                    ("position", "Backend Engineer"),
                    ("active", "1"),
                ],
            )
            .await;
        assert_eq!(res.status, 303);
    }
    let lena = roster::db::people::find_by_email(&app.db, app.company_id, "lena@acme.test")
        .await
        .unwrap()
        .unwrap();
    // A text field too, so the form shows both kinds.
    let nick = m
        .post(
            "/settings/fields",
            &[("label", "Nickname"), ("kind", "text"), ("choices", "")],
        )
        .await;
    assert_eq!(nick.status, 303);

    let (b, _driver, mut looks) = checked_manager(&app, "/settings/fields", "").await;
    b.find(Locator::Css("#f-label"))
        .await
        .unwrap()
        .send_keys("Office location")
        .await
        .unwrap();
    b.find(Locator::Css("#f-kind"))
        .await
        .unwrap()
        .select_by_value("choice")
        .await
        .unwrap();
    b.find(Locator::Css("#f-choices"))
        .await
        .unwrap()
        .send_keys("Berlin\nParis\nSão Paulo")
        .await
        .unwrap();
    click(&b, "form.form button[type=submit]").await;
    b.wait().for_element(Locator::Css(".notice")).await.unwrap();
    assert_eq!(
        texts(&b, ".field-card h2").await,
        vec!["Gender", "Nickname", "Office location"]
    );
    looks.look(&b, "fields").await;
    let fields = custom_fields::all(&app.db, app.company_id).await.unwrap();
    let id_of = |label: &str| fields.iter().find(|f| f.label == label).expect("stored").id;
    let (name, nick) = (
        format!("field_{}", id_of("Office location")),
        format!("field_{}", id_of("Nickname")),
    );

    // Set it on Lena through her edit form.
    b.goto(&app.url(&format!("/people/{}/edit", lena.id)))
        .await
        .unwrap();
    b.find(Locator::Css(&format!("select[name={name}]")))
        .await
        .unwrap()
        .select_by_value("São Paulo")
        .await
        .unwrap();
    b.find(Locator::Css(&format!("input[name={nick}]")))
        .await
        .unwrap()
        .send_keys("Lenny")
        .await
        .unwrap();
    looks.look(&b, "person-form-fields").await;
    click(&b, "form.form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("dl.facts"))
        .await
        .unwrap();
    let facts = text_of(&b, "dl.facts").await;
    assert!(
        facts.contains("Office location") && facts.contains("São Paulo") && facts.contains("Lenny"),
        "{facts}"
    );
    looks.look(&b, "person-fields").await;

    // Filter the list by it: only Lena.
    b.goto(&app.url("/people")).await.unwrap();
    b.find(Locator::Css(&format!("select[name={name}]")))
        .await
        .unwrap()
        .select_by_value("São Paulo")
        .await
        .unwrap();
    click(&b, "form.filters button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css(&format!(
            "select[name={name}] option[value='São Paulo'][selected]"
        )))
        .await
        .unwrap();
    assert_eq!(
        texts(&b, "table.people tbody td:first-child").await,
        vec!["Lena Hoffmann-Castellanos"]
    );
    looks.look(&b, "people-filtered").await;
    b.close().await.unwrap();
    looks.assert_none();
}
