//! A run's page grouped by person: one line per person with a readable summary, human labels and
//! values, filters, a name search, the CSV export and the grouped "not in the HRIS" section.

use roster::db::{people, sync_runs};
use roster::directory::{Role, Source};
use roster::fake::people::{FakePerson, FakeStatus};

use super::*;
use crate::backends_with_fakes;

fn full_name(p: &FakePerson) -> String {
    format!("{} {}", p.first_name, p.last_name)
}

/// An employed person with an email, a job and a manager, and the top of the tree.
fn pick(fakes: &Fakes) -> (FakePerson, FakePerson, Vec<FakePerson>) {
    let all = fakes.personio.people();
    let top = all
        .iter()
        .find(|p| p.supervisor_id.is_none() && p.status.is_employed())
        .unwrap()
        .clone();
    let mover = all
        .iter()
        .find(|p| {
            p.status == FakeStatus::Active
                && p.email.is_some()
                && !p.position.is_empty()
                && p.supervisor_id.is_some_and(|s| s != top.id)
        })
        .unwrap()
        .clone();
    (mover, top, all)
}

/// The badges and summary line of `name` on a run page (exactly one line per person).
fn summary_of(page: &Page, name: &str) -> String {
    let html = page.html();
    let li = scraper::Selector::parse("li.person-change").unwrap();
    let part = |e: scraper::ElementRef<'_>, css: &str| {
        let sel = scraper::Selector::parse(css).unwrap();
        e.select(&sel)
            .flat_map(|x| x.text())
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let lines: Vec<String> = html
        .select(&li)
        .filter(|e| part(*e, ".who") == name)
        .map(|e| format!("{} | {}", part(e, ".head"), part(e, "summary")))
        .collect();
    assert_eq!(lines.len(), 1, "{name}: {lines:?}");
    lines[0].clone()
}

/// Second sync: `mover` gets a new job and reports to `top`; `leaver` leaves; one person's
/// supervisor is unknown (a warning).
async fn second_sync(
    app: &TestApp,
    fakes: &Fakes,
) -> (Client, i64, FakePerson, FakePerson, FakePerson) {
    let (m, _) = connected_and_synced(app).await;
    let (mover, top, all) = pick(fakes);
    let leaver = all
        .iter()
        .find(|p| {
            p.status == FakeStatus::Active
                && p.email.is_some()
                && p.id != mover.id
                && p.id != top.id
                && !all.iter().any(|o| o.supervisor_id == Some(p.id))
        })
        .unwrap()
        .clone();
    fakes.personio.update(mover.id, |p| {
        p.position = "Senior Engineer".into();
        p.supervisor_id = Some(top.id);
    });
    fakes.personio.set_status(leaver.id, FakeStatus::Inactive);
    let warned = all
        .iter()
        .find(|p| p.email.is_some() && ![mover.id, top.id, leaver.id].contains(&p.id))
        .unwrap()
        .clone();
    fakes.personio.dangling_supervisor(warned.id);
    m.post("/settings/integrations/sync", &[]).await;
    let run = wait_for_runs(app, 2).await;
    assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
    (m, run.id, mover, leaver, warned)
}

backends_with_fakes! {
    async fn each_person_is_one_line_with_a_readable_summary_and_human_labels(app, fakes) {
        let (mover, top, all) = pick(&fakes);
        let old_boss = all.iter().find(|p| Some(p.id) == mover.supervisor_id).unwrap().clone();
        let (m, run_id, _, leaver, _) = second_sync(&app, &fakes).await;
        let page = m.get(&format!("/settings/integrations/history/{run_id}")).await;
        assert_eq!(page.status, 200);
        let line = summary_of(&page, &full_name(&mover));
        let expected = format!("Job: {} → Senior Engineer · Manager: {} → {}", mover.position, full_name(&old_boss), full_name(&top));
        assert!(line.contains(&expected), "{line}\nwanted: {expected}");
        assert!(line.contains("Updated"), "{line}");
        let gone = summary_of(&page, &full_name(&leaver));
        assert!(gone.contains("Deactivated") && gone.contains("Status: Active → Deactivated"), "{gone}");
        // The details use the same words; the internal names are nowhere.
        let labels = page.texts("li.person-change table.changes tbody th");
        assert!(labels.iter().any(|l| l == "Job") && labels.iter().any(|l| l == "Status"), "{labels:?}");
        for raw in ["position", "inactive", "first hired on", "source"] {
            assert!(!page.text(".people-changes").contains(raw), "{raw} shown");
        }
        // Each person links to their page.
        let someone = people::find_by_email(&app.db, app.company_id, mover.email.as_deref().unwrap()).await.unwrap().unwrap();
        assert!(page.body.contains(&format!("href=\"/people/{}\">{}</a>", someone.id, full_name(&mover))));

        // The first sync: one line per created person, dates readable, the HRIS id under its name.
        let runs = sync_runs::list(&app.db, app.company_id, 10, 0).await.unwrap();
        let first_id = runs.last().unwrap().id;
        let page = m.get(&format!("/settings/integrations/history/{first_id}")).await;
        let lines = page.texts("li.person-change");
        assert_eq!(lines.len(), 20, "one line per created person");
        assert_eq!(page.texts("li.person-change .head .badge-created").len(), 20);
        assert!(page.texts("li.person-change summary").iter().all(|s| s.starts_with("New in Roster")));
        let labels = page.texts("li.person-change table.changes tbody th");
        assert!(labels.iter().any(|l| l == "Personio ID"), "{labels:?}");
        assert!(labels.iter().any(|l| l == "Hire date"), "{labels:?}");
        let details = page.text(".people-changes");
        let iso = details.split_whitespace().any(|w| w.len() == 10 && w.as_bytes()[4] == b'-' && w.as_bytes()[7] == b'-');
        assert!(!iso, "dates as YYYY-MM-DD: {details}");
        let hired = all.iter().find_map(|p| p.hire_date).unwrap();
        let readable = format!("{} {} {}", hired.day(), &hired.month().to_string()[..3], hired.year());
        assert!(details.contains(&readable), "no {readable}");
    }

    async fn filters_keep_only_the_people_of_one_kind(app, fakes) {
        let (m, run_id, mover, leaver, warned) = second_sync(&app, &fakes).await;
        let base = format!("/settings/integrations/history/{run_id}");
        let names = |p: &Page| p.texts("li.person-change .who");
        let all = m.get(&base).await;
        let counts = all.texts("nav.filters a");
        assert!(counts.iter().any(|c| c == "Deactivated 1"), "{counts:?}");
        assert!(counts.iter().any(|c| c == "Created 0"), "{counts:?}");

        let deact = m.get(&format!("{base}?filter=deactivated")).await;
        assert_eq!(names(&deact), [full_name(&leaver)]);
        assert_eq!(deact.text("nav.filters a[aria-current=page]"), "Deactivated 1");
        let upd = names(&m.get(&format!("{base}?filter=updated")).await);
        assert!(upd.contains(&full_name(&mover)), "{upd:?}");
        assert!(!upd.contains(&full_name(&leaver)), "only their status changed: {upd:?}");
        let warn = m.get(&format!("{base}?filter=warnings")).await;
        assert!(names(&warn).contains(&full_name(&warned)), "{:?}", names(&warn));
        assert!(warn.text(".people-changes").contains("left unset"), "{}", warn.text(".people-changes"));
        let created = m.get(&format!("{base}?filter=created")).await;
        assert!(names(&created).is_empty());
        assert!(created.text(".run-people .empty").contains("No one"));

        // Back in the HRIS: reactivated.
        fakes.personio.set_status(leaver.id, FakeStatus::Active);
        m.post("/settings/integrations/sync", &[]).await;
        let third = wait_for_runs(&app, 3).await;
        let back = m.get(&format!("/settings/integrations/history/{}?filter=reactivated", third.id)).await;
        assert_eq!(names(&back), [full_name(&leaver)]);
        assert!(summary_of(&back, &full_name(&leaver)).contains("Status: Deactivated → Active"));
    }

    async fn the_search_finds_people_by_any_part_of_their_name_and_pages_never_split_a_person(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let run = sync_runs::list(&app.db, app.company_id, 1, 0).await.unwrap().remove(0);
        let base = format!("/settings/integrations/history/{}", run.id);
        let someone = fakes.personio.people().into_iter().find(|p| p.email.is_some()).unwrap();
        let part = someone.last_name.to_uppercase();
        let found = m.get(&format!("{base}?q={}", url::form_urlencoded::byte_serialize(part.as_bytes()).collect::<String>())).await;
        let names = found.texts("li.person-change .who");
        assert!(names.contains(&full_name(&someone)), "{part}: {names:?}");
        assert!(names.iter().all(|n| n.to_uppercase().contains(&part)), "{names:?}");
        assert_eq!(found.html().select(&scraper::Selector::parse("input[name=q]").unwrap()).next().unwrap().value().attr("value"), Some(part.as_str()));
        let none = m.get(&format!("{base}?q=zzzzqx")).await;
        assert!(none.texts("li.person-change").is_empty());
        assert!(none.text(".run-people .empty").contains("zzzzqx"));

        // 60 people: two pages of whole people (50 + 10), each person's every row on their page.
        let many = start_fakes(60).await;
        let app = spawn_with_fakes(app.backend, &many).await;
        let (m, run) = connected_and_synced(&app).await;
        let base = format!("/settings/integrations/history/{}", run.id);
        let one = m.get(&base).await;
        let two = m.get(&format!("{base}?page=2")).await;
        assert_eq!(one.texts("li.person-change").len(), 50);
        assert_eq!(two.texts("li.person-change").len(), 10);
        assert!(one.text(".pager").contains("Page 1 of 2"));
        let mut seen: Vec<String> = one.texts("li.person-change .who");
        seen.extend(two.texts("li.person-change .who"));
        let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), 60, "no one twice, no one missing");
        let shown = one.texts("li.person-change table.changes tbody tr").len() + two.texts("li.person-change table.changes tbody tr").len();
        // A created person's one row is shown as one line per initial value.
        let lines = roster::db::run_people::changes_after(&app.db, run.id, 0, 100_000).await.unwrap().len();
        assert_eq!(shown, lines, "every row, on its person's page");
    }

    async fn the_csv_export_has_every_change_in_words_and_escapes_what_needs_it(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let all = fakes.personio.people();
        let active: Vec<&FakePerson> = all.iter().filter(|p| p.status == FakeStatus::Active && p.email.is_some()).collect();
        fakes.personio.update(active[0].id, |p| p.position = "Lead, \"Platform\"".into());
        fakes.personio.update(active[1].id, |p| p.position = "=HYPERLINK(\"http://evil.test\",\"x\")".into());
        m.post("/settings/integrations/sync", &[]).await;
        let run = wait_for_runs(&app, 2).await;
        let res = m.get(&format!("/settings/integrations/history/{}/changes.csv", run.id)).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.headers["content-type"], "text/csv; charset=utf-8");
        let disposition = res.headers["content-disposition"].to_str().unwrap();
        assert_eq!(disposition, format!("attachment; filename=\"roster-sync-{}.csv\"", run.id));
        // (reqwest's text() drops a byte-order mark: read the bytes.)
        let raw = m.http.get(app.url(&format!("/settings/integrations/history/{}/changes.csv", run.id))).send().await.unwrap().bytes().await.unwrap();
        assert!(raw.starts_with("\u{feff}Person,".as_bytes()), "a byte-order mark for spreadsheets");
        assert!(res.body.contains("\"Lead, \"\"Platform\"\"\""), "{}", res.body);
        let mut reader = csv::Reader::from_reader(res.body.trim_start_matches('\u{feff}').as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["Person", "Roster ID", "Field", "Before", "After", "Reason"]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len() as i64, sync_runs::change_count(&app.db, run.id).await.unwrap());
        let lead = rows.iter().find(|r| r[0] == full_name(active[0])).unwrap();
        assert_eq!((&lead[2], &lead[4]), ("Job", "Lead, \"Platform\""));
        let evil = rows.iter().find(|r| r[0] == full_name(active[1])).unwrap();
        assert_eq!(&evil[4], "'=HYPERLINK(\"http://evil.test\",\"x\")", "a formula is text");

        // The first sync in words: "Personio ID", "Active", readable dates.
        let first = sync_runs::list(&app.db, app.company_id, 10, 0).await.unwrap().pop().unwrap();
        let body = m.get(&format!("/settings/integrations/history/{}/changes.csv", first.id)).await.body;
        assert!(body.contains(",Personio ID,,") && body.contains(",Status,,Active,"), "{}", &body[..400.min(body.len())]);
        assert!(!body.contains(",active,") && !body.contains("first_hired_on"));

        // Managers only, and only their own company's runs.
        let e = app.employee().await;
        assert_ne!(e.get(&format!("/settings/integrations/history/{}/changes.csv", run.id)).await.status, 200);
        create_company(&app.db, "globex", "Globex").await;
        add_login(&app.db, "globex", "gina@globex.test", Role::Manager, "Gina", "Globex").await;
        let gina = app.login("gina@globex.test").await;
        assert_eq!(gina.get(&format!("/settings/integrations/history/{}/changes.csv", run.id)).await.status, 404);
    }

    async fn people_the_hris_does_not_know_are_one_section_that_says_how_to_link_them(app, _fakes) {
        let (m, run) = connected_and_synced(&app).await;
        let page = m.get(&format!("/settings/integrations/history/{}", run.id)).await;
        let section = page.text("section.not-in-hris");
        assert!(section.contains("In Roster but not in Personio (2)"), "{section}");
        assert!(section.contains("kept as they are"), "{section}");
        assert!(section.contains("same e-mail address in Roster as in Personio"), "{section}");
        let listed = page.texts("section.not-in-hris li");
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert!(listed.iter().any(|l| l.contains("Maria Manager") && l.contains("maria.manager@acme.test")), "{listed:?}");
        assert_eq!(section.matches("is in Roster but not in").count(), 0, "no sentence per person");
        // Nobody the HRIS knows is in it.
        let synced = people::all(&app.db, app.company_id).await.unwrap().into_iter().find(|p| p.source == Source::Personio).unwrap();
        assert!(!section.contains(&synced.full_name()));
    }
}
