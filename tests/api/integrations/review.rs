//! Reviewing a paused run: its page shows the whole plan (the same counts as Preview), Apply
//! anyway needs its confirmation and applies only within the plan shown (a moved HRIS pauses
//! again), a closed run says how it closed and offers nothing, the threshold is a company
//! setting, and the CLI answers paused runs on the same transitions.

use roster::db::{audit, companies, people, person_history, sync_runs};
use roster::directory::Source;
use roster::fake::people::{FakePerson, FakeStatus};

use super::*;
use crate::backends_with_fakes;

async fn active_synced(app: &TestApp) -> Vec<roster::directory::Person> {
    people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.source == Source::Personio && p.active)
        .collect()
}

async fn person_with_email(app: &TestApp, email: &str) -> roster::directory::Person {
    people::all(&app.db, app.company_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.email.eq_ignore_ascii_case(email))
        .unwrap_or_else(|| panic!("no {email}"))
}

/// The fake's employed people, by id.
fn employed(fakes: &Fakes) -> Vec<FakePerson> {
    fakes
        .personio
        .people()
        .into_iter()
        .filter(|p| p.status.is_employed() && p.email.is_some())
        .collect()
}

/// Removes 10 people from the HRIS (keeping `keep`) and syncs: the run pauses.
async fn mass_leave(app: &TestApp, fakes: &Fakes, m: &Client, keep: &[u64], runs: i64) -> Run {
    let gone: Vec<u64> = fakes
        .personio
        .people()
        .into_iter()
        .map(|p| p.id)
        .filter(|id| !keep.contains(id))
        .take(10)
        .collect();
    for id in gone {
        fakes.personio.remove(id);
    }
    m.post("/settings/integrations/sync", &[]).await;
    let run = wait_for_runs(app, runs).await;
    assert_eq!(run.state, State::Paused, "{:?}", run.message);
    run
}

fn run_url(id: i64) -> String {
    format!("/settings/integrations/history/{id}")
}

fn filter_count(page: &Page, filter: &str) -> usize {
    page.text(&format!("nav.filters a.filter-{filter} .count"))
        .parse()
        .unwrap_or(0)
}

backends_with_fakes! {
    async fn a_paused_run_shows_its_whole_plan_and_applies_it_once_confirmed(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let staff = employed(&fakes);
        let (back, promoted, renamed) = (staff[0].clone(), staff[1].clone(), staff[2].clone());
        // Someone leaves and is deactivated (one person: under the threshold) …
        fakes.personio.set_status(back.id, FakeStatus::Inactive);
        m.post("/settings/integrations/sync", &[]).await;
        assert_eq!(wait_for_runs(&app, 2).await.state, State::Succeeded);
        // … then comes back, while two people change and one joins, and ten leave at once.
        fakes.personio.set_status(back.id, FakeStatus::Active);
        fakes.personio.update(promoted.id, |p| p.position = "Chief Reviewer".into());
        fakes.personio.update(renamed.id, |p| p.last_name = "Umbenannt".into());
        let mut newcomer = staff[3].clone();
        newcomer.id = 990_001;
        newcomer.first_name = "Nora".into();
        newcomer.last_name = "Neuling".into();
        newcomer.email = Some("nora.neuling@example.com".into());
        newcomer.supervisor_id = None;
        fakes.personio.add(newcomer);
        let keep = [back.id, promoted.id, renamed.id, 990_001, staff[3].id];
        let paused = mass_leave(&app, &fakes, &m, &keep, 3).await;
        assert!(paused.deactivated >= 3 && paused.reactivated == 1 && paused.created == 1 && paused.updated >= 2, "{paused:?}");

        // The same counts as Preview, and every kind of change listed by person.
        let preview = m.get("/settings/integrations/preview").await;
        let page = m.get(&run_url(paused.id)).await;
        assert_eq!(page.text(".counts"), format!("Would change: {}", preview.text("p.counts")));
        assert!(page.text(".review .message").contains("more than 20 % and more than 2 people"), "{}", page.text(".review"));
        assert_eq!(filter_count(&page, "created"), 1);
        assert_eq!(filter_count(&page, "reactivated"), 1);
        assert!(filter_count(&page, "updated") >= 2);
        assert_eq!(filter_count(&page, "deactivated"), paused.deactivated as usize);
        let updated = m.get(&format!("{}?filter=updated", run_url(paused.id))).await;
        let text = updated.text(".people-changes");
        assert!(text.contains("Chief Reviewer") && text.contains("Umbenannt"), "{text}");
        let reactivated = m.get(&format!("{}?filter=reactivated", run_url(paused.id))).await;
        assert!(reactivated.text(".people-changes").contains(&back.last_name));
        let created = m.get(&format!("{}?filter=created", run_url(paused.id))).await;
        assert!(created.text(".people-changes").contains("Nora Neuling"));
        // Whom it would deactivate: with job, department and why.
        let rows = page.texts(".would-deactivate tbody tr");
        assert_eq!(rows.len(), paused.deactivated as usize);
        let leaving: Vec<_> = active_synced(&app).await.into_iter()
            .filter(|p| !keep.iter().any(|k| p.source_id == Some(k.to_string()))).collect();
        let someone = leaving.iter().find(|p| p.position.is_some()).expect("someone with a job");
        let row = rows.iter().find(|r| r.starts_with(&someone.full_name())).expect("listed");
        assert!(row.contains(someone.position.as_deref().unwrap()), "{row}");
        assert!(row.contains("Personio"), "a reason: {row}");
        // Nothing is applied yet: a person's own history does not show the plan.
        let p = person_with_email(&app, promoted.email.as_deref().unwrap()).await;
        assert!(person_history::changes(&app.db, app.company_id, p.id, 100).await.unwrap().iter().all(|c| c.run_id != paused.id));
        assert_ne!(p.position.as_deref(), Some("Chief Reviewer"));

        // Apply anyway is a danger button behind a ticked confirmation naming the count.
        assert_eq!(page.texts("button.danger.apply-anyway").len(), 1);
        assert!(page.text(".confirm-apply label").contains(&format!("Yes, deactivate {} people", paused.deactivated)));
        let res = m.post(&format!("{}/apply", run_url(paused.id)), &[]).await;
        assert!(res.location.as_deref().unwrap().contains("notice=confirm"));
        assert!(m.get(res.location.as_deref().unwrap()).await.text(".notice").contains("tick"));
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 3, "nothing queued");
        let res = m.post(&format!("{}/apply", run_url(paused.id)), &[("confirm", "yes")]).await;
        assert_eq!(res.status, 303);
        let applying = wait_for_runs(&app, 4).await;
        assert_eq!((applying.trigger, applying.state, applying.approved_from), (Trigger::Approval, State::Succeeded, Some(paused.id)), "{:?}", applying.message);
        assert_eq!(
            (applying.created, applying.updated, applying.deactivated, applying.reactivated),
            (paused.created, paused.updated, paused.deactivated, paused.reactivated),
            "exactly the plan shown"
        );
        assert_eq!(person_with_email(&app, promoted.email.as_deref().unwrap()).await.position.as_deref(), Some("Chief Reviewer"));

        // The closed run says how it closed, links to the applying run, and offers nothing.
        let page = m.get(&run_url(paused.id)).await;
        assert!(page.text("h1").contains("Applied"));
        assert!(page.text(".closed-sentence").contains("by Maria Manager"), "{}", page.text(".closed-sentence"));
        assert!(page.body.contains(&format!("class=\"closed-by-run\" href=\"/settings/integrations/history/{}\"", applying.id)));
        assert!(page.texts("button").iter().all(|b| b != "Apply anyway" && b != "Discard"), "{:?}", page.texts("button"));
        // Apply twice, or discard an applied run: refused, with why.
        let again = m.post(&format!("{}/apply", run_url(paused.id)), &[("confirm", "yes")]).await;
        let notice = m.get(again.location.as_deref().unwrap()).await.text(".notice");
        assert!(notice.contains("already applied by Maria Manager"), "{notice}");
        let discard = m.post(&format!("{}/discard", run_url(paused.id)), &[]).await;
        let notice = m.get(discard.location.as_deref().unwrap()).await.text(".notice");
        assert!(notice.contains("already applied"), "{notice}");
        assert_eq!(sync_runs::get(&app.db, app.company_id, paused.id).await.unwrap().unwrap().state, State::Applied);
        assert_eq!(sync_runs::count(&app.db, app.company_id).await.unwrap(), 4);
    }

    async fn apply_anyway_pauses_again_when_the_hris_moved_beyond_the_plan(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let staff = employed(&fakes);
        let paused = mass_leave(&app, &fakes, &m, &[staff[0].id], 2).await;
        let before = active_synced(&app).await.len();
        fakes.personio.update(staff[0].id, |p| p.position = "Moved Meanwhile".into());
        m.post(&format!("{}/apply", run_url(paused.id)), &[("confirm", "yes")]).await;
        let again = wait_for_runs(&app, 3).await;
        assert_eq!((again.state, again.trigger, again.approved_from), (State::Paused, Trigger::Approval, Some(paused.id)));
        assert!(again.message.as_deref().unwrap().starts_with("Paused again: the HRIS changed since the plan you approved (1 change was not in it)"), "{:?}", again.message);
        assert_eq!(active_synced(&app).await.len(), before, "nothing applied");
        let old = sync_runs::get(&app.db, app.company_id, paused.id).await.unwrap().unwrap();
        assert_eq!((old.state, old.closed_by_run), (State::Superseded, Some(again.id)), "a newer run supersedes");
        let page = m.get(&format!("{}?filter=updated", run_url(again.id))).await;
        assert!(page.text(".people-changes").contains("Moved Meanwhile"));
        // The superseded run can no longer be applied; the new plan can.
        let stale = m.post(&format!("{}/apply", run_url(paused.id)), &[("confirm", "yes")]).await;
        assert!(m.get(stale.location.as_deref().unwrap()).await.text(".notice").contains(&format!("replaced by a newer plan (sync {})", again.id)));
        m.post(&format!("{}/apply", run_url(again.id)), &[("confirm", "yes")]).await;
        let applied = wait_for_runs(&app, 4).await;
        assert_eq!(applied.state, State::Succeeded, "{:?}", applied.message);
        assert_eq!(active_synced(&app).await.len(), before - again.deactivated as usize);
    }

    async fn the_company_threshold_decides_when_a_run_pauses(app, fakes) {
        let (m, _) = connected_and_synced(&app).await;
        let form = |percent: &'static str, min: &'static str| [
            ("name", "Acme"), ("time_zone", "Europe/Berlin"), ("sync_hour", "5"),
            ("max_percent", percent), ("min_people", min),
        ];
        for (percent, min, field) in [("0", "2", "max_percent"), ("101", "2", "max_percent"), ("ten", "2", "max_percent"), ("20", "-1", "min_people"), ("20", "2.5", "min_people")] {
            let bad = m.post("/settings/company", &form(percent, min)).await;
            assert_eq!(bad.status, 422, "{percent} {min}");
            let html = bad.html();
            let input = html.select(&scraper::Selector::parse(&format!("[name={field}]")).unwrap()).next().unwrap();
            assert_eq!(input.value().attr("aria-invalid"), Some("true"), "{percent} {min}");
            assert!(bad.text(".field-error").contains("whole number"), "{}", bad.text(".field-error"));
        }
        let c = companies::get(&app.db, app.company_id).await.unwrap().unwrap();
        assert_eq!((c.deactivate_max_percent, c.deactivate_min_people), (20, 2), "nothing saved");
        let ok = m.post("/settings/company", &form("60", "2")).await;
        assert_eq!(ok.status, 303, "{}", ok.text(".field-error"));
        assert!(m.get("/settings/company").await.body.contains("value=\"60\""));
        let events = audit::between(&app.db, app.company_id, None, None, 50).await.unwrap();
        assert!(events.iter().any(|e| e.action == "settings" && e.detail.contains("more than 20 % and more than 2 people → more than 60 % and more than 2 people")), "{events:?}");
        // Ten of twenty leave: under 60 % the run applies.
        let staff = employed(&fakes);
        let before = active_synced(&app).await.len();
        for p in staff.iter().take(8) {
            fakes.personio.remove(p.id);
        }
        m.post("/settings/integrations/sync", &[]).await;
        let run = wait_for_runs(&app, 2).await;
        assert_eq!(run.state, State::Succeeded, "{:?}", run.message);
        assert_eq!(active_synced(&app).await.len(), before - 8);
        // The CLI sets it back; the same departures would now pause.
        let out = roster::cli::set_pause(&app.db, "acme", "5", "0").await.unwrap();
        assert!(out.contains("more than 5 % and more than 0 people"), "{out}");
        assert!(roster::cli::set_pause(&app.db, "acme", "500", "0").await.unwrap_err().to_string().contains("from 1 to 100"));
        fakes.personio.remove(staff[8].id);
        m.post("/settings/integrations/sync", &[]).await;
        let run = wait_for_runs(&app, 3).await;
        assert_eq!(run.state, State::Paused, "{:?}", run.message);
        assert!(run.message.unwrap().contains("more than 5 % and more than 0 people"));
    }

    async fn the_cli_lists_runs_and_answers_paused_ones_on_the_same_transitions(app, fakes) {
        let (m, first) = connected_and_synced(&app).await;
        let paused = mass_leave(&app, &fakes, &m, &[], 2).await;
        let table = roster::cli::runs_table(&app.db, "acme", 10).await.unwrap();
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("id\tstate\ttrigger\tHRIS\tstarted"), "{table}");
        assert!(lines[1].starts_with(&format!("{}\tpaused\tmanual\tPersonio\t", paused.id)), "{table}");
        assert!(lines[2].starts_with(&format!("{}\tsucceeded\tconnect\tPersonio\t", first.id)), "{table}");
        let said = roster::cli::discard_run(&app.db, "acme", paused.id, true).await.unwrap();
        assert!(said.contains("Discarded"));
        let err = roster::cli::discard_run(&app.db, "acme", paused.id, true).await.unwrap_err().to_string();
        assert!(err.contains("was discarded"), "{err}");
        let err = roster::cli::apply_run(&app.app, "acme", paused.id, true).await.unwrap_err().to_string();
        assert!(err.contains("was discarded"), "{err}");
        // The same plan again, applied from the command line.
        m.post("/settings/integrations/sync", &[]).await;
        let again = wait_for_runs(&app, 3).await;
        assert_eq!(again.state, State::Paused);
        let said = roster::cli::apply_run(&app.app, "acme", again.id, true).await.unwrap();
        assert!(said.starts_with(&format!("Applied sync {} in sync {}", again.id, again.id + 1)), "{said}");
        let err = roster::cli::apply_run(&app.app, "acme", again.id, true).await.unwrap_err().to_string();
        assert!(err.contains("already applied"), "{err}");
        let err = roster::cli::discard_run(&app.db, "acme", again.id, true).await.unwrap_err().to_string();
        assert!(err.contains("already applied"), "{err}");
        assert!(roster::cli::apply_run(&app.app, "acme", 999_999, true).await.is_err());
    }
}
