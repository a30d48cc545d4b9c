//! `roster sync --dry-run` shows the custom fields the attribute mapping would fill, as the one
//! dry-run path plans them, and writes nothing.

use std::process::Command;

use roster::db::{companies, custom_fields, field_mappings, field_values, people};
use roster::directory::FieldKind;
use roster::directory::fields::Definition;
use roster::fake::personio::FakePersonio;
use roster::hris::Provider;
use roster::hris::providers::{Credentials, Providers};
use roster::hris::secret::Secret;
use roster::sync::mapping::{MappedField, Mapping};
use roster::sync::run::{self, Outcome, Request, SyncContext, Trigger};

use crate::backends;
use crate::field_mapping::crowd;
use crate::helpers::*;

backends! {
    async fn a_dry_run_lists_the_mapped_custom_field_values_and_writes_nothing(app) {
        let (db, dir, url) = fresh_db(app.backend).await;
        let mut tx = db.begin().await.unwrap();
        let company = companies::create(&mut tx, "acme", "Acme", "Europe/Berlin").await.unwrap();
        tx.commit().await.unwrap();
        let fake = FakePersonio::builder().roster(crowd()).start().await;
        let ctx = SyncContext {
            db: db.clone(),
            providers: Providers::for_tests(Some(url::Url::parse(fake.base_url()).unwrap()), None, Some(100)),
            // The key file in the data folder, which the command loads too.
            secrets: std::sync::Arc::new(roster::crypto::SecretBox::load(None, dir.path()).unwrap()),
        };
        let creds = Credentials::Personio { client_id: fake.client_id().into(), client_secret: Secret::new(fake.client_secret()) };
        roster::integrations::connect(&ctx, company, &creds, None).await.unwrap();
        let req = Request { company_id: company, trigger: Trigger::Cli, started_by: None, approve: None };
        assert_eq!(run::run(&ctx, &req).await.unwrap().outcome, Outcome::Succeeded);

        let def = Definition { label: "Shirt".into(), kind: FieldKind::Choice, choices: vec!["S".into(), "M".into(), "L".into(), "XL".into()] };
        let mut tx = db.begin().await.unwrap();
        let field = custom_fields::insert(&mut tx, company, &def).await.unwrap();
        let mapping = Mapping { fields: vec![MappedField { key: "dynamic_70112".into(), label: "T-shirt size".into(), field_id: field, add_choices: false }], builtins: vec![] };
        field_mappings::replace(&mut tx, company, Provider::Personio, &mapping).await.unwrap();
        tx.commit().await.unwrap();

        let mut cmd = Command::new(env!("CARGO_BIN_EXE_roster"));
        cmd.args(["sync", "--company", "acme", "--dry-run"])
            .env("ROSTER_DATA_DIR", dir.path())
            .env("ROSTER_PERSONIO_BASE_URL", fake.base_url())
            .env("ROSTER_LOG", "warn")
            .env_remove("DATABASE_URL");
        if let Some(u) = &url {
            cmd.env("DATABASE_URL", u);
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("Would create 0, update 6"), "{stdout}");
        let shirts: Vec<&str> = stdout.lines().filter(|l| l.contains("\tShirt\t")).collect();
        assert_eq!(shirts.len(), 6, "{stdout}");
        assert!(shirts.iter().any(|l| l.ends_with("\tShirt\t— → XL")), "{shirts:?}");

        let fields = custom_fields::all(&db, company).await.unwrap();
        for p in people::all(&db, company).await.unwrap() {
            assert!(field_values::of_person(&db, &fields, p.id).await.unwrap().is_empty(), "a dry run writes nothing");
        }
    }
}
