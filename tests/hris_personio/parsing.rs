//! Parsing quirks end to end: fields as the HRIS holds them, statuses, data problems passed on for
//! the sync, and changes between runs.

use roster::fake::FakeStatus;
use roster::hris::Field;

use crate::helpers::*;

#[tokio::test]
async fn fields_arrive_as_the_hris_holds_them() {
    let fake = fake(60).await;
    let snap = client(&fake).fetch().await.unwrap();
    let people = fake.people();
    assert_eq!(snap.people.len(), people.len());
    for (got, want) in snap.people.iter().zip(&people) {
        assert_eq!(got.source_id, want.id.to_string());
        assert_eq!(got.email, want.email);
        assert_eq!(got.first_name, Field::Value(want.first_name.clone()));
        // Dates are calendar days whatever the offset (+01:00 and +02:00 both occur).
        assert_eq!(got.first_hired_on, Field::from_option(want.hire_date));
        let gender = if want.gender.is_empty() {
            Field::Empty
        } else {
            Field::Value(want.gender.clone())
        };
        assert_eq!(got.gender, gender);
        assert_eq!(
            got.department,
            Field::from_option(want.department.as_ref().map(|d| d.name.clone()))
        );
        assert_eq!(got.active, Some(want.status.is_employed()));
        assert_eq!(
            got.manager.shared().map(|m| m.map(|m| m.source_id.clone())),
            Some(want.supervisor_id.map(|s| s.to_string()))
        );
        let languages = got
            .attributes
            .iter()
            .find(|c| c.label() == "Languages")
            .unwrap();
        assert!(languages.value.contains(", "), "{languages:?}");
        // Every attribute the fake sent is kept, the rule fields included.
        let kept = |key: &str| got.attribute(key).map(|a| a.value.to_owned());
        assert_eq!(
            kept("employment_type").as_deref(),
            Some(want.employment_type)
        );
        assert_eq!(
            kept("office"),
            Some(
                want.office
                    .as_ref()
                    .map(|o| o.name.clone())
                    .unwrap_or_default()
            )
        );
        // Date of birth is a custom attribute too (`universal_id` date_of_birth), read into its field.
        assert_eq!(got.birth_date, Field::from_option(want.birth_date));
        let custom = got
            .attributes
            .iter()
            .filter(|a| a.key().starts_with("dynamic_"));
        assert_eq!(custom.count(), 5);
        assert_eq!(got.attributes.len(), roster::fake::personio::ALL_KEYS.len());
    }
    // The crowd really has the awkward cases this test claims to cover.
    assert!(people.iter().any(|p| p.gender.is_empty()));
    assert!(people.iter().any(|p| p.department.is_none()));
    assert!(
        people
            .iter()
            .any(|p| p.hire_offset == "+02:00" && p.hire_date.is_some())
    );
    assert!(people.iter().any(|p| p.weekly_working_hours == "32.5"));
    let page_of = |id: u64| people.iter().position(|p| p.id == id).unwrap() / 7;
    assert!(
        people
            .iter()
            .enumerate()
            .any(|(i, p)| p.supervisor_id.is_some_and(|s| page_of(s) > i / 7))
    );
}

#[tokio::test]
async fn statuses_map_onto_active() {
    let fake = fake(10).await;
    let ids: Vec<u64> = fake.people().iter().map(|p| p.id).collect();
    for (id, status) in ids.iter().zip([
        FakeStatus::Active,
        FakeStatus::Onboarding,
        FakeStatus::Leave,
        FakeStatus::Inactive,
    ]) {
        fake.set_status(*id, status);
    }
    let snap = client(&fake).fetch().await.unwrap();
    let active: Vec<_> = snap.people[..4].iter().map(|p| p.active).collect();
    assert_eq!(active, [Some(true), Some(true), Some(true), Some(false)]);
}

#[tokio::test]
async fn data_problems_are_passed_on_for_the_sync_to_judge() {
    let fake = fake(25).await;
    let ids: Vec<u64> = fake.people().iter().map(|p| p.id).collect();
    assert!(fake.duplicate_email(ids[1], ids[0]));
    assert!(fake.drop_email(ids[2]));
    assert!(fake.dangling_supervisor(ids[3]));
    assert!(fake.manager_loop(ids[4], ids[5]));
    let snap = client(&fake).fetch().await.unwrap();
    let p = &snap.people;
    assert_eq!(p.len(), 25);
    assert_eq!(p[0].email, p[1].email);
    assert_eq!(p[2].email, None);
    let manager = |i: usize| match &p[i].manager {
        Field::Value(m) => m.source_id.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(manager(3), "999999999");
    assert_eq!(manager(4), ids[5].to_string());
    assert_eq!(manager(5), ids[4].to_string());
}

#[tokio::test]
async fn people_changed_between_runs_show_up_in_the_next_snapshot() {
    let fake = fake(10).await;
    let c = client(&fake);
    let first = c.fetch().await.unwrap();
    let gone = fake.people()[0].id;
    assert!(fake.remove(gone));
    let mut newcomer = fake.people()[0].clone();
    newcomer.id = 9_999_999;
    newcomer.email = Some("new.person@example.org".into());
    fake.add(newcomer);
    let second = c.fetch().await.unwrap();
    assert_eq!(first.people.len(), second.people.len());
    assert!(!ids(&second).contains(&gone.to_string()));
    assert_eq!(ids(&second).last().unwrap(), "9999999");
    assert_eq!(
        fake.requests_to(AUTH).len(),
        1,
        "the token is reused across runs"
    );
}
