//! The Fields mapping in headless Chromium, as a company manager: a custom choice field is added on
//! Settings › Company › Fields, Personio's custom attribute "T-shirt size" is mapped onto it from
//! the provider's panel (Preview, then Save), a sync fills it, the value shows locked on a synced
//! person's page, and the people list filters by it. Every state at 390 and 1366 px passes axe-core
//! (serious and critical) without sideways scrolling; with `ROSTER_SCREENSHOTS` they are saved.

use fantoccini::Locator;
use roster::db::{custom_fields, field_values, people};
use roster::directory::Source;

use crate::browser::{checked_manager, click, text_of, texts};
use crate::{helpers::*, integrations::*};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_maps_a_personio_custom_attribute_onto_a_choice_field_and_filters_by_it() {
    let fakes = start_fakes(20).await;
    let app = spawn_with_fakes(Backend::Sqlite, &fakes).await;
    connected_and_synced(&app).await;

    let (b, _driver, mut looks) = checked_manager(&app, "/settings/fields", "mapping-").await;
    b.find(Locator::Css("#f-label"))
        .await
        .unwrap()
        .send_keys("Shirt size")
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
        .send_keys("S\nM\nL\nXL")
        .await
        .unwrap();
    click(&b, "form.form button[type=submit]").await;
    b.wait().for_element(Locator::Css(".notice")).await.unwrap();
    let fields = custom_fields::all(&app.db, app.company_id).await.unwrap();
    let field = fields
        .iter()
        .find(|f| f.label == "Shirt size")
        .unwrap()
        .clone();

    b.goto(&app.url("/settings/integrations")).await.unwrap();
    click(&b, "a.fields-link").await;
    b.wait()
        .for_element(Locator::Css("form.mapping"))
        .await
        .unwrap();
    looks.look(&b, "form").await;

    let select = "tr:has(input[name=key][value=dynamic_70112]) select[name=target]";
    b.find(Locator::Css(select))
        .await
        .unwrap()
        .select_by_value(&field.id.to_string())
        .await
        .unwrap();
    click(&b, "button[value=preview]").await;
    b.wait()
        .for_element(Locator::Css(".mapping-preview"))
        .await
        .unwrap();
    let counted = text_of(&b, ".mapping-preview .values").await;
    assert!(
        counted.ends_with("field values set or cleared") && !counted.starts_with('0'),
        "{counted}"
    );
    looks.look(&b, "preview").await;

    click(&b, "button[value=save]").await;
    b.wait()
        .for_element(Locator::Css(".notice.success"))
        .await
        .unwrap();
    looks.look(&b, "saved").await;

    // Sync now from the panel; the worker runs it.
    b.goto(&app.url("/settings/integrations")).await.unwrap();
    click(&b, "button.sync-now").await;
    let run = wait_for_runs(&app, 2).await;
    assert!(run.updated > 0, "{run:?}");

    // A synced person with a size: their page shows it, locked.
    let mut chosen = None;
    for p in people::all(&app.db, app.company_id).await.unwrap() {
        if p.source != Source::Personio || !p.active {
            continue;
        }
        let values = field_values::of_person(&app.db, &fields, p.id)
            .await
            .unwrap();
        if let Some(v) = values.get(&field.id) {
            chosen = Some((p, v.show()));
            break;
        }
    }
    let (person, size) = chosen.expect("a synced person with a size");
    b.goto(&app.url(&format!("/people/{}", person.id)))
        .await
        .unwrap();
    let facts = text_of(&b, "dl.facts").await;
    assert!(
        facts.contains("Shirt size") && facts.contains(&size),
        "{facts}"
    );
    let locked = b
        .execute(
            "return Array.from(document.querySelectorAll('dl.facts dt')).filter(function (d) {
               return d.textContent.trim().indexOf('Shirt size') === 0 && d.querySelector('svg.lock');
             }).length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        locked.as_u64(),
        Some(1),
        "the field is locked on the person page"
    );
    looks.look(&b, "person").await;

    // Filter the people list by it.
    b.goto(&app.url("/people")).await.unwrap();
    let name = field.form_name();
    b.find(Locator::Css(&format!("select[name={name}]")))
        .await
        .unwrap()
        .select_by_value(&size)
        .await
        .unwrap();
    click(&b, "form.filters button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css(&format!(
            "select[name={name}] option[value='{size}'][selected]"
        )))
        .await
        .unwrap();
    let listed = texts(&b, "table.people tbody td:first-child").await;
    assert!(listed.contains(&person.full_name()), "{listed:?}");
    looks.look(&b, "filtered").await;
    b.close().await.unwrap();
    looks.assert_none();
}
