//! Company custom fields (Settings › Company › Fields): each kind defined, set on the person form,
//! shown on the person page, choice fields filtering the people list, text values (typed, or
//! filled by a sync) found by the search; bad definitions and bad values refused with a specific
//! message and nothing stored; renaming keeps values; deleting says how many people lose a value;
//! managers only.

use roster::db::{custom_fields, field_values, people};

use crate::backends;
use crate::helpers::*;

/// Adds a field through the page and returns its id.
async fn add_field(app: &TestApp, m: &Client, label: &str, kind: &str, choices: &str) -> i64 {
    let res = m
        .post(
            "/settings/fields",
            &[("label", label), ("kind", kind), ("choices", choices)],
        )
        .await;
    assert_eq!(res.status, 303, "{label}: {}", res.text(".alert"));
    custom_fields::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.label == label)
        .expect("the field was stored")
        .id
}

/// Adds a person through the form with `extra` fields; returns the response.
async fn add_person(m: &Client, first: &str, email: &str, extra: &[(&str, &str)]) -> Page {
    let mut f = vec![
        ("first_name", first),
        ("last_name", "Tester"),
        ("email", email),
        ("active", "1"),
    ];
    f.extend_from_slice(extra);
    m.post("/people", &f).await
}

fn id_from(p: &Page) -> i64 {
    let l = p
        .location
        .as_deref()
        .unwrap_or_else(|| panic!("{}", p.text(".alert")));
    l.rsplit('/').next().unwrap().parse().unwrap()
}

/// The values shown on a person's page, as "Label: value" lines.
fn facts(p: &Page) -> String {
    p.text(".facts")
}

backends! {
    async fn each_kind_is_set_on_the_form_and_shown_on_the_person_page(app) {
        let m = app.manager().await;
        let nick = add_field(&app, &m, "Nickname", "text", "").await;
        let desk = add_field(&app, &m, "Desk number", "number", "").await;
        let badge = add_field(&app, &m, "Badge expires", "date", "").await;
        let office = add_field(&app, &m, "Office", "choice", "Berlin\nParis").await;
        let langs = add_field(&app, &m, "Languages", "choices", "German\nFrench\nEnglish").await;
        let fields_page = m.get("/settings/fields").await;
        assert_eq!(fields_page.texts(".field-card h2"), vec!["Gender", "Nickname", "Desk number", "Badge expires", "Office", "Languages"]);
        assert!(fields_page.text(".field-card").contains("Several choices from a list"));

        let form = m.get("/people/new").await;
        for name in [nick, desk, badge, office, langs].map(|id| format!("field_{id}")) {
            assert!(form.html().select(&scraper::Selector::parse(&format!("[name={name}]")).unwrap()).next().is_some(), "{name} on the form");
        }
        let (n, d, b, o, l) = (format!("field_{nick}"), format!("field_{desk}"), format!("field_{badge}"), format!("field_{office}"), format!("field_{langs}"));
        let res = add_person(&m, "Élodie", "elodie@acme.test", &[
            (&n, "Lo"), (&d, "12.50"), (&b, "2027-03-01"), (&o, "Paris"), (&l, "English"), (&l, "German")]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        let id = id_from(&res);

        // An employee reads the values on the person page, in words.
        let page = app.employee().await.get(&format!("/people/{id}")).await;
        let shown = facts(&page);
        for expected in ["Nickname", "Lo", "Desk number", "12.5", "Badge expires", "1 Mar 2027", "Office", "Paris", "Languages", "German, English"] {
            assert!(shown.contains(expected), "{expected:?} missing in {shown}");
        }
        // The edit form holds them; clearing one clears only that one.
        let edit = m.get(&format!("/people/{id}/edit")).await;
        assert_eq!(edit.html().select(&scraper::Selector::parse(&format!("input[name={d}]")).unwrap()).next().unwrap().value().attr("value"), Some("12.5"));
        assert_eq!(edit.texts(&format!("select[name={o}] option[selected]")), vec!["Paris"]);
        assert_eq!(edit.html().select(&scraper::Selector::parse(&format!("input[name={l}][checked]")).unwrap()).count(), 2);
        let res = m.post(&format!("/people/{id}"), &[("first_name", "Élodie"), ("last_name", "Tester"), ("email", "elodie@acme.test"), ("active", "1"),
            (&n, "Lo"), (&d, ""), (&b, "2027-03-01"), (&o, "Berlin"), (&l, "French")]).await;
        assert_eq!(res.status, 303, "{}", res.text(".alert"));
        let fields = custom_fields::all(&app.db, app.company_id).await.unwrap();
        let stored = field_values::of_person(&app.db, &fields, id).await.unwrap();
        assert_eq!(stored.len(), 4, "the number was cleared: {stored:?}");
        assert_eq!(stored[&office].show(), "Berlin");
        assert_eq!(stored[&langs].show(), "French");
    }

    async fn the_list_filters_by_a_choice_field_and_the_search_finds_text_values(app) {
        let m = app.manager().await;
        let office = add_field(&app, &m, "Office", "choice", "Berlin\nParis").await;
        let langs = add_field(&app, &m, "Languages", "choices", "German\nFrench").await;
        let nick = add_field(&app, &m, "Nickname", "text", "").await;
        let (o, l, n) = (format!("field_{office}"), format!("field_{langs}"), format!("field_{nick}"));
        add_person(&m, "Anna", "anna@acme.test", &[(&o, "Berlin"), (&l, "German"), (&l, "French"), (&n, "Straßenkatze")]).await;
        add_person(&m, "Bert", "bert@acme.test", &[(&o, "Berlin"), (&l, "French")]).await;
        add_person(&m, "Cleo", "cleo@acme.test", &[(&o, "Paris"), (&n, "Zoë")]).await;
        let e = app.employee().await;
        let names = |p: &Page| p.texts("table.people tbody td:first-child");
        let berlin = e.get(&format!("/people?{o}=Berlin")).await;
        assert_eq!(names(&berlin), vec!["Anna Tester", "Bert Tester"]);
        assert_eq!(berlin.text(".count"), "2 people");
        assert_eq!(berlin.texts(&format!("select[name={o}] option[selected]")), vec!["Berlin"]);
        assert_eq!(berlin.texts(&format!("select[name={l}] option")), vec!["Any Languages", "German", "French"]);
        assert_eq!(names(&e.get(&format!("/people?{l}=French")).await), vec!["Anna Tester", "Bert Tester"]);
        assert_eq!(e.get(&format!("/people?{l}=French")).await.text(".count"), "2 people", "counted from a several-choices field");
        assert_eq!(names(&e.get(&format!("/people?{l}=French&{o}=Paris")).await), Vec::<String>::new());
        assert_eq!(e.get(&format!("/people?{l}=French&{o}=Paris")).await.text(".count"), "0 people", "both filters count");
        assert_eq!(e.get(&format!("/people?{o}=Berlin&q=bert")).await.text(".count"), "1 person", "with a search");
        assert_eq!(e.get(&format!("/people?{o}=Berlin&department=Nowhere")).await.text(".count"), "0 people", "with a department");
        assert_eq!(e.get(&format!("/people?{o}=Berlin&status=all")).await.text(".count"), "2 people", "with everyone");
        assert_eq!(e.get(&format!("/people?{o}=Berlin&status=deactivated")).await.text(".count"), "0 people", "deactivated only");
        assert_eq!(names(&e.get(&format!("/people?{l}=German&{o}=Berlin")).await), vec!["Anna Tester"]);
        // A text field is no filter; a filter naming no field of the company is ignored.
        assert!(berlin.texts(&format!("select[name={n}]")).is_empty());
        assert_eq!(e.get("/people?field_999999=Berlin").await.text(".count"), "5 people");
        // Text values are found by the search, folded like names: "zoe" finds "Zoë".
        assert_eq!(names(&e.get("/people?q=zoe").await), vec!["Cleo Tester"]);
        assert_eq!(names(&e.get("/people?q=STRASSENKATZE").await), Vec::<String>::new(), "folding keeps ß");
        assert_eq!(names(&e.get("/people?q=straßenk").await), vec!["Anna Tester"]);
        // Choice values are filters, not search terms.
        assert_eq!(names(&e.get("/people?q=paris").await), Vec::<String>::new());
    }

    async fn bad_values_are_refused_with_the_fields_message_and_nothing_is_stored(app) {
        let m = app.manager().await;
        let desk = add_field(&app, &m, "Desk number", "number", "").await;
        let badge = add_field(&app, &m, "Badge expires", "date", "").await;
        let office = add_field(&app, &m, "Office", "choice", "Berlin\nParis").await;
        let langs = add_field(&app, &m, "Languages", "choices", "German\nFrench").await;
        let nick = add_field(&app, &m, "Nickname", "text", "").await;
        let id = id_from(&add_person(&m, "Ada", "ada@acme.test", &[(&format!("field_{office}"), "Paris")]).await);
        let count = people::count(&app.db, app.company_id).await.unwrap();
        let long = "x".repeat(501);
        let cases = [
            (format!("field_{desk}"), "abc", "Desk number must be a number like 12 or 3.5; “abc” is not."),
            (format!("field_{badge}"), "01.03.2024", "Badge expires must be a date like 2024-03-01; “01.03.2024” is not."),
            (format!("field_{office}"), "Rome", "“Rome” is not one of the choices of Office."),
            (format!("field_{langs}"), "Klingon", "“Klingon” is not one of the choices of Languages."),
            (format!("field_{nick}"), long.as_str(), "Nickname can be at most 500 characters; this one has 501."),
        ];
        for (name, value, message) in &cases {
            let add = add_person(&m, "Bea", "bea@acme.test", &[(name, value)]).await;
            assert_eq!(add.status, 422, "{name}");
            assert!(add.text(".field-error").contains(message), "{name}: {}", add.text(".field-error"));
            let edit = m.post(&format!("/people/{id}"), &[("first_name", "Ada"), ("last_name", "Tester"), ("email", "ada@acme.test"), ("active", "1"), (name, value)]).await;
            assert_eq!(edit.status, 422, "{name}");
            assert!(edit.text(".alert").contains(message), "{name}: {}", edit.text(".alert"));
        }
        assert_eq!(people::count(&app.db, app.company_id).await.unwrap(), count, "nobody was added");
        let fields = custom_fields::all(&app.db, app.company_id).await.unwrap();
        let stored = field_values::of_person(&app.db, &fields, id).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[&office].show(), "Paris", "the stored value is unchanged");
    }

    async fn bad_definitions_are_refused_with_a_specific_message(app) {
        let m = app.manager().await;
        add_field(&app, &m, "Office", "choice", "Berlin").await;
        let long = "L".repeat(61);
        let cases: [(&str, &str, &str, &str); 6] = [
            ("", "text", "", "Give the field a label"),
            ("office", "text", "", "There is a field called “office” already"),
            ("Department", "text", "", "“Department” is a built-in field already"),
            ("Level", "choice", " \n ", "Give at least one choice"),
            (&long, "text", "", "A label can be at most 60 characters; this one has 61."),
            ("Level", "colour", "", "Choose the kind of value the field holds."),
        ];
        for (label, kind, choices, message) in cases {
            let res = m.post("/settings/fields", &[("label", label), ("kind", kind), ("choices", choices)]).await;
            assert_eq!(res.status, 422, "{label}");
            assert!(res.text(".field-error").contains(message), "{label}: {}", res.text(".field-error"));
            assert_eq!(res.html().select(&scraper::Selector::parse("#f-label").unwrap()).next().unwrap().value().attr("value"), Some(label), "kept as typed");
        }
        assert_eq!(custom_fields::all(&app.db, app.company_id).await.unwrap().len(), 1);
    }

    async fn renaming_keeps_values_and_a_choice_in_use_stays(app) {
        let m = app.manager().await;
        let office = add_field(&app, &m, "Office", "choice", "Berlin\nParis").await;
        let id = id_from(&add_person(&m, "Ada", "ada@acme.test", &[(&format!("field_{office}"), "Berlin")]).await);
        let refused = m.post(&format!("/settings/fields/{office}"), &[("label", "Site"), ("choices", "Paris\nRome")]).await;
        assert_eq!(refused.status, 422);
        assert!(refused.text(".field-error").contains("1 person has “Berlin”"), "{}", refused.text(".field-error"));
        assert_eq!(custom_fields::get(&app.db, app.company_id, office).await.unwrap().unwrap().label, "Office", "nothing changed");
        let renamed = m.post(&format!("/settings/fields/{office}"), &[("label", "Site"), ("choices", "Berlin\nParis\nRome")]).await;
        assert_eq!(renamed.status, 303, "{}", renamed.text(".alert"));
        let shown = facts(&m.get(&format!("/people/{id}")).await);
        assert!(shown.contains("Site") && shown.contains("Berlin") && !shown.contains("Office"), "{shown}");
        // Both changes are audit events in the history, by who made them.
        let history = m.get("/settings/integrations/history").await.body;
        assert!(history.contains("Fields changed"), "{history}");
        assert!(history.contains("Renamed field “Office” → “Site”"));
        assert!(history.contains("Added field “Office”"));
    }

    async fn deleting_a_field_says_how_many_people_have_a_value_and_asks_first(app) {
        let m = app.manager().await;
        let nick = add_field(&app, &m, "Nickname", "text", "").await;
        let n = format!("field_{nick}");
        add_person(&m, "Ada", "ada@acme.test", &[(&n, "Countess")]).await;
        add_person(&m, "Bea", "bea@acme.test", &[(&n, "Bee")]).await;
        add_person(&m, "Cid", "cid@acme.test", &[]).await;
        let confirm = m.get(&format!("/settings/fields/{nick}/delete")).await;
        assert_eq!(confirm.text(".delete-count"), "2 people have a value for Nickname; their values are deleted with the field.");
        let unticked = m.post(&format!("/settings/fields/{nick}/delete"), &[]).await;
        assert_eq!(unticked.status, 422);
        assert!(custom_fields::get(&app.db, app.company_id, nick).await.unwrap().is_some(), "not deleted without the tick");
        assert_eq!(m.get("/people?q=countess").await.text(".count"), "1 person");
        let deleted = m.post(&format!("/settings/fields/{nick}/delete"), &[("understood", "1")]).await;
        assert_eq!(deleted.status, 303);
        assert!(custom_fields::get(&app.db, app.company_id, nick).await.unwrap().is_none());
        assert_eq!(custom_fields::people_with_value(&app.db, nick).await.unwrap(), 0, "the values went with it");
        assert_eq!(m.get("/people?q=countess").await.text(".count"), "0 people", "and out of the search");
        assert!(m.get("/settings/integrations/history").await.body.contains("Deleted field “Nickname” (2 people had a value)"));
    }

    async fn employees_cannot_define_or_delete_fields(app) {
        let m = app.manager().await;
        let office = add_field(&app, &m, "Office", "choice", "Berlin").await;
        let e = app.employee().await;
        assert_eq!(e.get("/settings/fields").await.status, 403);
        assert_eq!(e.post("/settings/fields", &[("label", "Mine"), ("kind", "text")]).await.status, 403);
        assert_eq!(e.post(&format!("/settings/fields/{office}"), &[("label", "Mine"), ("choices", "X")]).await.status, 403);
        assert_eq!(e.post(&format!("/settings/fields/{office}/delete"), &[("understood", "1")]).await.status, 403);
        assert_eq!(e.post("/settings/fields/gender", &[("choices", "x")]).await.status, 403);
        let fields = custom_fields::all(&app.db, app.company_id).await.unwrap();
        assert_eq!((fields.len(), fields[0].label.as_str(), fields[0].choices.len()), (1, "Office", 1));
        let c = roster::db::companies::get(&app.db, app.company_id).await.unwrap().unwrap();
        assert_eq!(c.gender_choices, vec!["female", "male"]);
    }
}

mod synced_text {
    use super::*;
    use crate::field_mapping::{connect, crowd, map, shirt_field, shirt_to, sync, synced};

    backends! {
        async fn a_mapped_text_field_is_searchable_after_the_sync(app) {
            let fake = roster::fake::personio::FakePersonio::builder().roster(crowd()).start().await;
            let ctx = connect(&app, &fake).await;
            let def = roster::directory::fields::Definition { label: "Shirt note".into(), kind: roster::directory::FieldKind::Text, choices: vec![] };
            let mut tx = app.db.begin().await.unwrap();
            let field_id = custom_fields::insert(&mut tx, app.company_id, &def).await.unwrap();
            tx.commit().await.unwrap();
            map(&app, vec![roster::sync::mapping::MappedField { field_id, ..shirt_to(&shirt_field(&app, &[]).await, false) }]).await;
            sync(&app, &ctx).await;
            let filter = people::Filter { search: Some("xl".into()), ..Default::default() };
            let (rows, total) = people::list(&app.db, app.company_id, &filter, 50, 0, None).await.unwrap();
            let ids = (total, rows.iter().map(|r| r.id).collect::<Vec<_>>());
            assert_eq!(ids, (1, vec![synced(&app).await[3].id]), "found by the synced text value");
        }
    }
}
