//! Attribute whitelisting and verify: what the credential may read, attributes it may not read left
//! unshared, a credential that cannot read the status, and a secret that never shows in Debug.

use roster::hris::personio::{PersonioLimits, Verification};
use roster::hris::{FetchError, Field, TransportConfig};

use crate::helpers::*;

#[tokio::test]
async fn the_attribute_listing_is_what_the_credential_may_read_and_follows_it() {
    let fake = builder(10)
        .readable_attributes(&[
            "email",
            "status",
            "employment_type",
            "office",
            "dynamic_70112",
        ])
        .start()
        .await;
    let c = client(&fake);
    let listed = |l: Vec<roster::hris::personio::Offered>| -> Vec<(String, String, String)> {
        l.into_iter()
            .map(|a| (a.info.key, a.info.label, a.info.kind))
            .collect()
    };
    let got = c.attributes().await.unwrap();
    let types = got
        .iter()
        .find(|a| a.info.key == "employment_type")
        .unwrap();
    assert_eq!(types.options, ["internal", "external"]);
    let s = |x: &str| x.to_owned();
    assert_eq!(
        listed(got),
        [
            (s("id"), s("ID"), s("integer")),
            (s("email"), s("Email"), s("standard")),
            (s("status"), s("Status"), s("standard")),
            (s("office"), s("Office"), s("standard")),
            (s("employment_type"), s("Employment type"), s("standard")),
            (s("dynamic_70112"), s("T-shirt size"), s("list")),
        ]
    );
    // The company takes "office" away from the credential: neither listed nor sent any more.
    fake.set_readable_attributes(&["email", "status", "employment_type"]);
    let keys: Vec<String> = c
        .attributes()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.info.key)
        .collect();
    assert_eq!(keys, ["id", "email", "status", "employment_type"]);
    let snap = c.fetch().await.unwrap();
    assert!(snap.people.iter().all(|p| p.attribute("office").is_none()));
    assert!(
        snap.people
            .iter()
            .all(|p| p.attribute("employment_type").is_some())
    );
}

#[tokio::test]
async fn attributes_the_credential_may_not_read_are_not_shared() {
    let fake = builder(10)
        .readable_attributes(&["email", "status", "first_name", "last_name", "supervisor"])
        .start()
        .await;
    let snap = client(&fake).fetch().await.unwrap();
    use roster::directory::Attribute::*;
    assert_eq!(
        unread(&snap),
        [Position, Department, Gender, BirthDate, FirstHiredOn]
    );
    for p in &snap.people {
        assert_eq!(p.gender, Field::NotShared);
        assert_eq!(p.department, Field::NotShared);
        assert!(p.attribute("gender").is_none() && p.attribute("department").is_none());
    }
    let v = client(&fake).verify().await.unwrap();
    assert_eq!(
        v,
        Verification {
            readable: [
                "id",
                "first_name",
                "last_name",
                "email",
                "status",
                "supervisor"
            ]
            .map(String::from)
            .to_vec(),
            missing_optional: ["position", "department", "gender", "hire_date"]
                .map(String::from)
                .to_vec(),
        }
    );
    assert_eq!(v.warnings().len(), 4);
}

#[tokio::test]
async fn a_credential_that_cannot_read_status_fails_verify_and_fetch() {
    let fake = builder(10)
        .readable_attributes(&["email", "first_name"])
        .start()
        .await;
    let err = client(&fake).verify().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Personio credential may not read status; allow them in Personio's API settings"
    );
    let err = client(&fake).fetch().await.unwrap_err();
    assert!(
        matches!(err, FetchError::MissingAttributes { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn verify_signs_in_afresh_and_reports_everything_readable() {
    let fake = fake(5).await;
    let c = client(&fake);
    c.fetch().await.unwrap();
    let v = c.verify().await.unwrap();
    assert!(v.missing_optional.is_empty());
    assert!(v.readable.contains(&"dynamic_70112".to_string()));
    assert_eq!(fake.requests_to(AUTH).len(), 2);
    assert_eq!(
        fake.requests_to("/v1/company/employees/attributes").len(),
        1
    );

    let wrong = client_for(
        fake.base_url(),
        creds("cid_test", "nope"),
        TransportConfig::fast_for_tests(),
        7,
        PersonioLimits::unlimited(),
    );
    let err = wrong.verify().await.unwrap_err();
    assert!(
        matches!(err, FetchError::CredentialsRejected { .. }),
        "{err:?}"
    );
}

#[test]
fn credentials_never_show_the_secret_in_debug_output() {
    let c = creds("cid_visible", "sec_hidden");
    let shown = format!("{c:?}");
    assert!(shown.contains("cid_visible"));
    assert!(!shown.contains("sec_hidden"), "{shown}");
}
