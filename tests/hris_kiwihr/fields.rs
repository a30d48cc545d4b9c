//! Fields end to end: the fixtures mapped onto ours, gender and position, numeric ids and dates with
//! a time part, changes between runs, and data problems passed on for the sync to judge.

use roster::fake::kiwihr::{FakeKiwi, Fixtures};
use roster::hris::kiwihr::users_request_body;
use roster::hris::{Field, ManagerRef};
use serde_json::Value;
use time::macros::date;

use crate::helpers::*;

#[tokio::test]
async fn the_fixtures_map_onto_our_fields() {
    let fake = FakeKiwi::builder().start().await.unwrap();
    let fx = fake.fixtures().clone();
    let s = client(&fake, 5).fetch().await.unwrap();
    assert_eq!(s.people.len(), 12);

    let deactivated = person(&s, fx.deactivated);
    assert_eq!(
        (deactivated.active, deactivated.end_date),
        (Some(false), None)
    );
    let ended = person(&s, fx.ended_but_active);
    assert_eq!(
        (ended.active, ended.end_date),
        (Some(true), Some(date!(2024 - 06 - 30)))
    );
    assert_eq!(
        person(&s, fx.future_end).end_date,
        Some(date!(2099 - 12 - 31))
    );
    assert_eq!(person(&s, fx.no_team).groups, Field::Empty);
    let teams = fake.teams();
    assert_eq!(
        person(&s, fx.two_teams).groups,
        Field::Value(vec![teams[0].name.clone(), teams[1].name.clone()])
    );
    assert_eq!(
        person(&s, fx.duplicate_team_name).groups,
        Field::Value(vec![teams[0].name.clone()]),
        "a team whose name repeats another's is still that name"
    );
    assert_eq!(
        person(&s, fx.manager_missing).manager,
        Field::Value(ManagerRef {
            source_id: Fixtures::MISSING_MANAGER.to_string(),
            email: Some("former.manager@example.com".into()),
        })
    );
    let last = s.people.last().unwrap().source_id.clone();
    match &person(&s, fx.manager_on_later_page).manager {
        Field::Value(m) => assert_eq!(m.source_id, last),
        other => panic!("{other:?}"),
    }
    let mixed = person(&s, fx.mixed_case_email).email.clone().unwrap();
    assert!(mixed.contains("@Example.com"), "kept as sent: {mixed}");
    for p in &s.people {
        assert_eq!(p.department, Field::NotShared);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert!(p.first_name.is_shared() && p.birth_date.is_shared());
    }
    assert!(unread(&s).is_empty(), "{:?}", unread(&s));
}

#[tokio::test]
async fn gender_and_position_come_through() {
    let fake = FakeKiwi::builder()
        .people(40)
        .seed(3)
        .start()
        .await
        .unwrap();
    let s = client(&fake, 100).fetch().await.unwrap();
    for (p, u) in s.people.iter().zip(fake.users()) {
        let gender = u.gender.map(|g| g.to_lowercase());
        assert_eq!(p.gender, Field::from_option(gender));
        assert_eq!(p.position, Field::from_option(u.position.map(|x| x.name)));
        assert_eq!(p.birth_date, Field::from_option(u.birth_date));
        assert_eq!(
            p.first_hired_on,
            Field::from_option(u.employment_start_date)
        );
    }
}

#[tokio::test]
async fn numeric_ids_and_dates_with_a_time_part_are_read_the_same() {
    let plain = FakeKiwi::builder().people(5).start().await.unwrap();
    let odd = FakeKiwi::builder()
        .people(5)
        .ids_as_numbers(true)
        .dates_with_time(true)
        .start()
        .await
        .unwrap();
    let a = client(&plain, 2).fetch().await.unwrap();
    let b = client(&odd, 2).fetch().await.unwrap();
    let raw: Value = reqwest::Client::new()
        .post(odd.endpoint_url())
        .header("x-api-key", odd.api_key())
        .json(&users_request_body(0, 1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item = &raw["data"]["users"]["items"][0];
    assert!(item["id"].is_number(), "{item}");
    assert!(
        item["employmentStartDate"]
            .as_str()
            .unwrap_or("T")
            .contains('T'),
        "{item}"
    );
    assert_eq!(a.people, b.people);
}

#[tokio::test]
async fn changes_in_kiwi_between_runs_show_in_the_next_snapshot() {
    let fake = FakeKiwi::builder().people(8).start().await.unwrap();
    let client = client(&fake, 3);
    let before = client.fetch().await.unwrap();
    let ids: Vec<u64> = fake.users().iter().map(|u| u.id).collect();

    assert!(fake.deactivate(ids[0]));
    assert!(fake.set_end_date(ids[2], Some(date!(2025 - 01 - 31))));
    assert!(fake.remove(ids[3]));
    assert!(fake.set_teams(ids[4], &["Brand New Team", "Design"]));
    let hired = fake.hire("Nia", "Okafor", "nia.okafor@example.com");

    let after = client.fetch().await.unwrap();
    assert_eq!(after.people.len(), before.people.len());
    assert_eq!(person(&after, Some(ids[0])).active, Some(false));
    assert_eq!(
        person(&after, Some(ids[2])).end_date,
        Some(date!(2025 - 01 - 31))
    );
    assert!(
        !after
            .people
            .iter()
            .any(|p| p.source_id == ids[3].to_string())
    );
    assert_eq!(
        person(&after, Some(ids[4])).groups,
        Field::Value(vec!["Brand New Team".into(), "Design".into()])
    );
    assert_eq!(
        person(&after, Some(hired)).email.as_deref(),
        Some("nia.okafor@example.com")
    );
}

#[tokio::test]
async fn duplicate_or_missing_emails_and_manager_loops_pass_through_for_the_sync_to_judge() {
    let fake = FakeKiwi::builder().people(6).start().await.unwrap();
    let ids: Vec<u64> = fake.users().iter().map(|u| u.id).collect();
    fake.set_email(ids[0], Some("same@example.com"));
    fake.set_email(ids[1], Some("SAME@example.com"));
    fake.set_email(ids[2], None);
    fake.make_manager_loop(ids[3], ids[4]);

    let s = client(&fake, 2).fetch().await.unwrap();
    assert_eq!(s.people.len(), 6);
    assert_eq!(
        person(&s, Some(ids[1])).email.as_deref(),
        Some("SAME@example.com")
    );
    assert_eq!(person(&s, Some(ids[2])).email, None);
    let manager_of = |id: u64| match &person(&s, Some(id)).manager {
        Field::Value(m) => m.source_id.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(manager_of(ids[3]), ids[4].to_string());
    assert_eq!(manager_of(ids[4]), ids[3].to_string());
}
