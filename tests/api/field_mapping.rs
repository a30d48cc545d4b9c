//! The attribute mapping through the one sync path, on both backends: a Personio custom attribute
//! (the fake's `dynamic_70112`, "T-shirt size") mapped onto a custom choice field arrives on the
//! next sync and is locked on the person; unmapping releases it; a credential that stops sharing
//! it leaves the values unchanged with a warning; a value that is none of the field's choices
//! leaves the field empty with one warning, or becomes a choice when the mapping says so.

use roster::db::{custom_fields, field_mappings, field_values, integrations, people, sync_runs};
use roster::directory::fields::Definition;
use roster::directory::{CustomField, FieldKind, FieldValue, Person, Source};
use roster::fake::kiwihr::FakeKiwi;
use roster::fake::people::{FakePerson, FakeStatus, generate};
use roster::fake::personio::{ALL_KEYS, FakePersonio};
use roster::hris::Provider;
use roster::hris::kiwihr::KiwiEndpoint;
use roster::hris::ownership::Locks;
use roster::hris::providers::Credentials;
use roster::hris::secret::Secret;
use roster::sync::mapping::{MappedField, Mapping};
use roster::sync::run::{self, Outcome, Report, Request, SyncContext, Trigger};

use crate::backends;
use crate::helpers::*;

const SHIRT: &str = "dynamic_70112";
const SIZES: [&str; 6] = ["S", "M", "L", "XL", "m", "S"];

/// Six employed people with known T-shirt sizes (one "m", matched to "M").
pub fn crowd() -> Vec<FakePerson> {
    let mut people = generate(6, 3, "example.org");
    for (p, size) in people.iter_mut().zip(SIZES) {
        p.status = FakeStatus::Active;
        let shirt = p.custom.iter_mut().find(|c| c.key == SHIRT).unwrap();
        shirt.value = serde_json::json!(size);
    }
    people
}

pub(crate) async fn connect(app: &TestApp, fake: &FakePersonio) -> SyncContext {
    let ctx = sync_context(app, Some(fake.base_url()), None, 100);
    let creds = Credentials::Personio {
        client_id: fake.client_id().into(),
        client_secret: Secret::new(fake.client_secret()),
    };
    roster::integrations::connect(&ctx, app.company_id, &creds, None)
        .await
        .unwrap();
    ctx
}

pub(crate) async fn sync(app: &TestApp, ctx: &SyncContext) -> Report {
    let req = Request {
        company_id: app.company_id,
        trigger: Trigger::Cli,
        started_by: None,
        approve: None,
    };
    let report = run::run(ctx, &req).await.unwrap();
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.message);
    report
}

/// A custom "T-shirt size" choice field with `choices`.
pub(crate) async fn shirt_field(app: &TestApp, choices: &[&str]) -> CustomField {
    choice_field(app, "T-shirt size", choices).await
}

async fn choice_field(app: &TestApp, label: &str, choices: &[&str]) -> CustomField {
    let def = Definition {
        label: label.into(),
        kind: FieldKind::Choice,
        choices: choices.iter().map(|c| c.to_string()).collect(),
    };
    let mut tx = app.db.begin().await.unwrap();
    let id = custom_fields::insert(&mut tx, app.company_id, &def)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    custom_fields::get(&app.db, app.company_id, id)
        .await
        .unwrap()
        .unwrap()
}

pub(crate) async fn map(app: &TestApp, fields: Vec<MappedField>) {
    map_for(app, Provider::Personio, fields).await
}

async fn map_for(app: &TestApp, provider: Provider, fields: Vec<MappedField>) {
    let mut tx = app.db.begin().await.unwrap();
    field_mappings::replace(
        &mut tx,
        app.company_id,
        provider,
        &Mapping {
            fields,
            builtins: vec![],
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

pub(crate) fn shirt_to(field: &CustomField, add_choices: bool) -> MappedField {
    MappedField {
        key: SHIRT.into(),
        label: "T-shirt size".into(),
        field_id: field.id,
        add_choices,
    }
}

pub(crate) async fn synced(app: &TestApp) -> Vec<Person> {
    people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.source == Source::Personio)
        .collect()
}

/// Each synced person's shown value of `field`, in id order ("" for none).
async fn shirts(app: &TestApp, field: &CustomField) -> Vec<String> {
    let fields = custom_fields::all(&app.db, app.company_id).await.unwrap();
    let mut out = Vec::new();
    for p in synced(app).await {
        let values = field_values::of_person(&app.db, &fields, p.id)
            .await
            .unwrap();
        out.push(
            values
                .get(&field.id)
                .map(FieldValue::show)
                .unwrap_or_default(),
        );
    }
    out
}

async fn locks(app: &TestApp, p: &Person) -> Locks {
    let connection = integrations::connection(&app.db, app.company_id)
        .await
        .unwrap();
    Locks::of(p, connection.as_ref())
}

async fn run_warnings(app: &TestApp, run_id: i64) -> Vec<String> {
    sync_runs::notes(&app.db, run_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == "run_warning")
        .map(|n| n.message)
        .collect()
}

backends! {
    async fn a_mapped_custom_attribute_arrives_on_the_next_sync_and_is_locked(app) {
        let fake = FakePersonio::builder().roster(crowd()).start().await;
        let ctx = connect(&app, &fake).await;
        sync(&app, &ctx).await;
        let field = shirt_field(&app, &["S", "M", "L", "XL"]).await;
        assert_eq!(shirts(&app, &field).await, ["", "", "", "", "", ""], "not mapped yet");

        map(&app, vec![shirt_to(&field, false)]).await;
        let report = sync(&app, &ctx).await;
        assert_eq!(report.tally.updated, 6);
        assert_eq!(shirts(&app, &field).await, ["S", "M", "L", "XL", "M", "S"]);
        let changes = roster::db::run_people::changes_after(&app.db, report.run_id, 0, 100).await.unwrap();
        let rows: Vec<(&str, Option<&str>)> = changes.iter().map(|c| (c.field.as_str(), c.after.as_deref())).collect();
        assert_eq!(rows.len(), 6, "{rows:?}");
        assert!(rows.contains(&("field:T-shirt size", Some("XL"))), "{rows:?}");

        // Locked: derived from the mapping, on the page and the form, and a submitted value is not taken.
        let person = synced(&app).await.remove(0);
        assert!(locks(&app, &person).await.locks_field(field.id));
        let manager = app.manager().await;
        let form = manager.get(&format!("/people/{}/edit", person.id)).await;
        let select = form.html().select(&scraper::Selector::parse(&format!("select[name=field_{}]", field.id)).unwrap()).next().unwrap().value().attr("disabled").is_some();
        assert!(select, "the field is disabled on the form");
        let page = manager.get(&format!("/people/{}", person.id)).await;
        assert!(page.body.contains("Locked: synced from Personio"), "lock shown on the person page");
        let name = format!("field_{}", field.id);
        let saved = manager.post(&format!("/people/{}", person.id), &[
            ("first_name", &person.first_name), ("last_name", &person.last_name), ("email", &person.email),
            ("active", "1"), (&name, "XL"),
        ]).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(shirts(&app, &field).await[0], "S", "the HRIS value stays");

        // A second sync has nothing more to do.
        let again = sync(&app, &ctx).await;
        assert_eq!((again.tally.updated, again.tally.unchanged), (0, 6));
    }

    async fn unmapping_releases_the_field_and_keeps_its_values(app) {
        let fake = FakePersonio::builder().roster(crowd()).start().await;
        let ctx = connect(&app, &fake).await;
        let field = shirt_field(&app, &["S", "M", "L", "XL"]).await;
        map(&app, vec![shirt_to(&field, false)]).await;
        sync(&app, &ctx).await;
        map(&app, Vec::new()).await;
        let person = synced(&app).await.remove(0);
        assert!(!locks(&app, &person).await.locks_field(field.id), "released");
        fake.update(fake.people()[0].id, |p| p.custom[0].value = serde_json::json!("XL"));
        let report = sync(&app, &ctx).await;
        assert_eq!(report.tally.updated, 0);
        assert_eq!(shirts(&app, &field).await, ["S", "M", "L", "XL", "M", "S"], "values kept, not synced");

        // Editable by hand again.
        let name = format!("field_{}", field.id);
        let saved = app.manager().await.post(&format!("/people/{}", person.id), &[
            ("first_name", &person.first_name), ("last_name", &person.last_name), ("email", &person.email),
            ("active", "1"), (&name, "L"),
        ]).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(shirts(&app, &field).await[0], "L");
    }

    async fn an_attribute_the_credential_stops_sharing_is_left_unchanged_with_a_warning(app) {
        let fake = FakePersonio::builder().roster(crowd()).start().await;
        let ctx = connect(&app, &fake).await;
        let field = shirt_field(&app, &["S", "M", "L", "XL"]).await;
        map(&app, vec![shirt_to(&field, false)]).await;
        sync(&app, &ctx).await;
        let others: Vec<&str> = ALL_KEYS.iter().copied().filter(|k| *k != SHIRT).collect();
        fake.set_readable_attributes(&others);
        let report = sync(&app, &ctx).await;
        assert_eq!(report.tally.updated, 0);
        assert_eq!(shirts(&app, &field).await, ["S", "M", "L", "XL", "M", "S"], "not emptied");
        let warnings = run_warnings(&app, report.run_id).await;
        let shirt: Vec<&String> = warnings.iter().filter(|w| w.contains("T-shirt")).collect();
        assert_eq!(shirt, ["Personio does not share T-shirt size: T-shirt size left unchanged."]);
    }

    async fn a_value_that_is_no_choice_leaves_the_field_empty_with_one_warning(app) {
        let fake = FakePersonio::builder().roster(crowd()).start().await;
        let ctx = connect(&app, &fake).await;
        let field = shirt_field(&app, &["S", "M", "L"]).await;
        map(&app, vec![shirt_to(&field, false)]).await;
        let report = sync(&app, &ctx).await;
        assert_eq!(shirts(&app, &field).await, ["S", "M", "L", "", "M", "S"]);
        let warnings = run_warnings(&app, report.run_id).await;
        let xl: Vec<&String> = warnings.iter().filter(|w| w.contains("“XL”")).collect();
        assert_eq!(xl.len(), 1, "{warnings:?}");
        assert!(xl[0].contains("is none of the choices of T-shirt size: left empty"), "{}", xl[0]);
    }

    async fn a_value_that_is_no_choice_is_added_when_the_mapping_says_so(app) {
        let fake = FakePersonio::builder().roster(crowd()).start().await;
        let ctx = connect(&app, &fake).await;
        let field = shirt_field(&app, &["S", "M", "L"]).await;
        map(&app, vec![shirt_to(&field, true)]).await;
        let report = sync(&app, &ctx).await;
        assert_eq!(shirts(&app, &field).await, ["S", "M", "L", "XL", "M", "S"]);
        let field = custom_fields::get(&app.db, app.company_id, field.id).await.unwrap().unwrap();
        assert_eq!(field.choices, ["S", "M", "L", "XL"]);
        assert!(run_warnings(&app, report.run_id).await.iter().all(|w| !w.contains("T-shirt")));
    }

    async fn a_kiwihr_location_fills_a_choice_field_adding_its_offices(app) {
        let fake = FakeKiwi::builder().people(15).seed(3).teams(2).start().await.unwrap();
        let ctx = sync_context(&app, None, Some(&fake.endpoint_url()), 7);
        let creds = Credentials::Kiwihr {
            api_key: Secret::new(fake.api_key()),
            endpoint: KiwiEndpoint::parse("https://acme.kiwihr.com").unwrap(),
        };
        roster::integrations::connect(&ctx, app.company_id, &creds, None).await.unwrap();
        let field = choice_field(&app, "Office", &[]).await;
        let location = MappedField { key: "location".into(), label: "Location".into(), field_id: field.id, add_choices: true };
        map_for(&app, Provider::Kiwihr, vec![location]).await;
        let report = sync(&app, &ctx).await;
        let fields = custom_fields::all(&app.db, app.company_id).await.unwrap();
        let mut checked = 0;
        for p in people::all(&app.db, app.company_id).await.unwrap().into_iter().filter(|p| p.source == Source::Kiwihr) {
            let user = fake.users().into_iter().find(|u| Some(u.id.to_string()) == p.source_id).unwrap();
            let values = field_values::of_person(&app.db, &fields, p.id).await.unwrap();
            let want = user.location.map(|l| l.name);
            assert_eq!(values.get(&field.id).map(FieldValue::show), want, "{}", p.full_name());
            checked += usize::from(want.is_some());
        }
        assert!(checked > 0, "some users have an office");
        // Created people: their office is among their initial values in the history.
        let changes = roster::db::run_people::changes_after(&app.db, report.run_id, 0, 1000).await.unwrap();
        assert_eq!(changes.iter().filter(|c| c.field == "field:Office").count(), checked);
        let field = custom_fields::get(&app.db, app.company_id, field.id).await.unwrap().unwrap();
        assert!(!field.choices.is_empty(), "the offices became choices");
    }
}
