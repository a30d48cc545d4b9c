//! The kept counts of each choice (migration `field_value_counts`): exact after every kind of
//! write (values set, replaced and removed, people deactivated in one statement, a person and a
//! field deleted), and the filtered list's two plans (walk the names, or start from a choice's
//! people) give the same pages.

use roster::{
    db::{Tx, custom_fields, field_values, list_filters, people},
    directory::{FieldKind, FieldValue, fields::Definition},
    on_db,
};

use crate::backends;
use crate::helpers::*;

type Row = (i64, String, i64, i64);

/// The kept counts that are not zero.
async fn kept(app: &TestApp) -> Vec<Row> {
    on_db!(&app.db, p => sqlx::query_as(
        "select field_id, value, total, active from field_value_counts \
         where total <> 0 or active <> 0 order by field_id, value")
        .fetch_all(p).await)
    .unwrap()
}

/// The same counts, counted from the values.
async fn counted(app: &TestApp) -> Vec<Row> {
    on_db!(&app.db, p => sqlx::query_as(
        "select field_id, value, count(*), sum(case when active then 1 else 0 end) from ( \
           select v.field_id, v.text_value as value, p.active from person_field_values v \
           join custom_fields f on f.id = v.field_id and f.kind = 'choice' \
           join people p on p.id = v.person_id where v.text_value is not null \
           union all \
           select c.field_id, c.choice, p.active from person_field_choices c \
           join people p on p.id = c.person_id) x \
         group by field_id, value order by field_id, value")
        .fetch_all(p).await)
    .unwrap()
}

async fn check(app: &TestApp, step: &str) -> Vec<Row> {
    let (k, c) = (kept(app).await, counted(app).await);
    assert_eq!(k, c, "after {step}");
    k
}

async fn field(tx: &mut Tx, company: i64, label: &str, kind: FieldKind, choices: &[&str]) -> i64 {
    let d = Definition {
        label: label.into(),
        kind,
        choices: choices.iter().map(|c| c.to_string()).collect(),
    };
    custom_fields::insert(tx, company, &d).await.unwrap()
}

async fn person(tx: &mut Tx, company: i64, first: &str, last: &str, active: bool) -> i64 {
    let email = format!("{first}.{last}@counts.example").to_lowercase();
    let input = people::PersonInput {
        active,
        ..people::PersonInput::named(&email, first, last)
    };
    people::insert(tx, company, &input).await.unwrap()
}

async fn set(app: &TestApp, person: i64, field: i64, value: Option<FieldValue>) {
    let mut tx = app.db.begin().await.unwrap();
    field_values::set_by_id(&mut tx, person, field, value.as_ref())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn choice(s: &str) -> Option<FieldValue> {
    Some(FieldValue::Choice(s.into()))
}

backends! {
    async fn kept_choice_counts_match_the_values_after_every_kind_of_write(app) {
        let company = app.company_id;
        let mut tx = app.db.begin().await.unwrap();
        let office = field(&mut tx, company, "Office", FieldKind::Choice, &["Berlin", "Paris"]).await;
        let langs = field(&mut tx, company, "Languages", FieldKind::Choices, &["German", "French"]).await;
        let nick = field(&mut tx, company, "Nickname", FieldKind::Text, &[]).await;
        let mut ids = Vec::new();
        for (i, first) in ["Ada", "Bo", "Cy", "Di", "Ed", "Flo"].into_iter().enumerate() {
            ids.push(person(&mut tx, company, first, "Counted", i != 5).await);
        }
        tx.commit().await.unwrap();

        for (i, id) in ids.iter().enumerate() {
            set(&app, *id, office, choice(if i % 2 == 0 { "Berlin" } else { "Paris" })).await;
            set(&app, *id, nick, Some(FieldValue::Text(format!("nick {i}")))).await;
        }
        for id in &ids[..3] {
            set(&app, *id, langs, Some(FieldValue::Choices(vec!["German".into(), "French".into()]))).await;
        }
        let rows = check(&app, "setting values").await;
        assert!(rows.iter().all(|r| r.0 != nick), "text fields are not counted: {rows:?}");
        assert!(rows.contains(&(office, "Paris".into(), 3, 2)), "{rows:?}");

        set(&app, ids[1], office, choice("Berlin")).await;
        set(&app, ids[2], langs, Some(FieldValue::Choices(vec!["French".into()]))).await;
        check(&app, "replacing values").await;

        on_db!(&app.db, p => sqlx::query("update people set active = $1 where id in ($2, $3, $4)")
            .bind(false).bind(ids[0]).bind(ids[1]).bind(ids[2]).execute(p).await.map(|r| r.rows_affected())).unwrap();
        let rows = check(&app, "deactivating three people in one statement").await;
        assert!(rows.contains(&(office, "Berlin".into(), 4, 1)), "{rows:?}");
        on_db!(&app.db, p => sqlx::query("update people set active = $1 where id = $2")
            .bind(true).bind(ids[5]).execute(p).await.map(|r| r.rows_affected())).unwrap();
        check(&app, "activating a person").await;

        set(&app, ids[3], office, None).await;
        set(&app, ids[0], langs, None).await;
        check(&app, "removing values").await;

        on_db!(&app.db, p => sqlx::query("delete from people where id = $1")
            .bind(ids[1]).execute(p).await.map(|r| r.rows_affected())).unwrap();
        check(&app, "deleting a person (their values go by cascade)").await;

        let mut tx = app.db.begin().await.unwrap();
        assert!(custom_fields::delete(&mut tx, company, office).await.unwrap());
        tx.commit().await.unwrap();
        let rows = check(&app, "deleting a field").await;
        assert!(rows.iter().all(|r| r.0 != office), "{rows:?}");

        let filters = list_filters::read(&app.db, company).await.unwrap();
        let mut listed: Vec<Row> = filters.counts.choices.into_iter()
            .filter(|(_, n)| *n != (0, 0))
            .map(|((f, v), (t, a))| (f, v, t, a)).collect();
        listed.sort();
        assert_eq!(listed, rows, "the list reads the kept counts");
    }

    async fn both_plans_of_a_filtered_page_list_the_same_people_in_order(app) {
        let company = app.company_id;
        let mut tx = app.db.begin().await.unwrap();
        let office = field(&mut tx, company, "Office", FieldKind::Choice, &["Big", "Small"]).await;
        let mut people_of: Vec<(i64, String, String, bool, &str)> = Vec::new();
        for i in 0..130 {
            // Repeated last names and mixed case, so the order's later keys matter.
            let (first, last) = (format!("P{:03}", (i * 37) % 130), ["zeta", "Alpha", "mu"][i % 3].to_string());
            let active = i % 7 != 0;
            let id = person(&mut tx, company, &first, &last, active).await;
            people_of.push((id, first, last, active, if i % 6 == 0 { "Small" } else { "Big" }));
        }
        tx.commit().await.unwrap();
        for (id, .., office_of) in &people_of {
            set(&app, *id, office, choice(office_of)).await;
        }
        let counts = list_filters::read(&app.db, company).await.unwrap().counts;
        for (value, status) in [("Big", Some(true)), ("Small", Some(true)), ("Big", None), ("Small", Some(false))] {
            let mut expected: Vec<&(i64, String, String, bool, &str)> = people_of.iter()
                .filter(|p| p.4 == value && status.is_none_or(|s| s == p.3)).collect();
            expected.sort_by_key(|p| (p.2.to_lowercase(), p.1.to_lowercase(), p.0));
            let expected: Vec<i64> = expected.iter().map(|p| p.0).collect();
            let filter = people::Filter {
                active: status,
                fields: vec![people::FieldFilter { field_id: office, choice: value.into(), several: false }],
                ..Default::default()
            };
            for page in 0..3 {
                let want: Vec<i64> = expected.iter().copied().skip(page * 50).take(50).collect();
                for known in [Some(&counts), None] {
                    let (rows, total) = people::list(&app.db, company, &filter, 50, page as i64 * 50, known).await.unwrap();
                    assert_eq!(total, expected.len() as i64, "{value} {status:?} counted");
                    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), want,
                        "{value} {status:?} page {} with counts known: {}", page + 1, known.is_some());
                }
            }
        }
    }
}

backends! {
    async fn many_values_written_at_once_are_what_one_write_each_leaves(app) {
        let company = app.company_id;
        let mut tx = app.db.begin().await.unwrap();
        let office = field(&mut tx, company, "Office", FieldKind::Choice, &["Berlin", "Paris"]).await;
        let langs = field(&mut tx, company, "Languages", FieldKind::Choices, &["German", "French"]).await;
        let nick = field(&mut tx, company, "Nickname", FieldKind::Text, &[]).await;
        let desk = field(&mut tx, company, "Desk", FieldKind::Number, &[]).await;
        let since = field(&mut tx, company, "Since", FieldKind::Date, &[]).await;
        // Two people per case: the first written at once, the second one value at a time.
        let mut pairs = Vec::new();
        for i in 0..3 {
            let a = person(&mut tx, company, &format!("Bulk{i}"), "Many", i != 2).await;
            let b = person(&mut tx, company, &format!("One{i}"), "Many", i != 2).await;
            pairs.push((a, b));
        }
        tx.commit().await.unwrap();
        let berlin = FieldValue::Choice("Berlin".into());
        let paris = FieldValue::Choice("Paris".into());
        let both = FieldValue::Choices(vec!["German".into(), "French".into()]);
        let french = FieldValue::Choices(vec!["French".into()]);
        let text = FieldValue::Text("Ace".into());
        let number = FieldValue::Number(12.5);
        let date = FieldValue::Date(time::macros::date!(2024 - 02 - 29));
        // What each person had before: the writes replace, clear and add.
        let before: Vec<(i64, Option<&FieldValue>)> = vec![
            (office, Some(&paris)), (langs, Some(&french)), (nick, Some(&text)),
        ];
        let writes: Vec<(usize, i64, Option<&FieldValue>)> = vec![
            (0, office, Some(&berlin)), (0, langs, Some(&both)), (0, nick, None), (0, desk, Some(&number)),
            (1, since, Some(&date)), (1, office, None), (1, office, Some(&paris)),
            (2, langs, None), (2, office, Some(&berlin)),
        ];
        for &(a, b) in &pairs {
            for &(f, v) in &before {
                set(&app, a, f, v.cloned()).await;
                set(&app, b, f, v.cloned()).await;
            }
        }
        let bulk: Vec<(i64, i64, Option<&FieldValue>)> =
            writes.iter().map(|&(i, f, v)| (pairs[i].0, f, v)).collect();
        let mut tx = app.db.begin().await.unwrap();
        field_values::set_many(&mut tx, &bulk).await.unwrap();
        for &(i, f, v) in &writes {
            field_values::set_by_id(&mut tx, pairs[i].1, f, v).await.unwrap();
        }
        tx.commit().await.unwrap();
        let fields = custom_fields::all(&app.db, company).await.unwrap();
        for &(a, b) in &pairs {
            let (va, vb) = (
                field_values::of_person(&app.db, &fields, a).await.unwrap(),
                field_values::of_person(&app.db, &fields, b).await.unwrap(),
            );
            assert_eq!(va, vb, "person {a} (at once) and {b} (one at a time)");
        }
        let rows = check(&app, "writing many values at once").await;
        assert!(rows.contains(&(office, "Berlin".into(), 4, 2)), "{rows:?}");
    }
}
