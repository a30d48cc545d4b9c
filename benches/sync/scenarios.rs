//! Figures 1–8: fetch floor, first / unchanged / 1 % syncs on both backends, kiwiHR, reconcile
//! alone, peak memory, rate limits (via [`crate::paced`]) and (via [`crate::pages`]) the pages
//! under load.

use std::time::{Duration, Instant};

use roster::{
    db::{companies, groups, people},
    fake::{kiwihr::FakeKiwi, personio::FakePersonio},
    hris::{personio::PersonioLimits, providers::Providers},
    sync::{
        Directory, Rules, reconcile,
        run::{self, Outcome, Phases, Report, Request, SyncContext, Trigger},
    },
};
use url::Url;

use crate::setup::{self, Backend, BenchDb};
use crate::table::{Table, ms, secs};

/// Clients without pacing (the fakes here enforce no limits) and with production timeouts.
pub fn unpaced(personio: &str, kiwihr: Option<&str>) -> anyhow::Result<Providers> {
    Ok(Providers::new(
        Some(Url::parse(personio)?),
        kiwihr.map(Url::parse).transpose()?,
    )
    .with_personio_limits(PersonioLimits::unlimited()))
}

pub fn request(company_id: i64) -> Request {
    Request {
        company_id,
        trigger: Trigger::Cli,
        started_by: None,
        approve: None,
    }
}

pub fn phases(p: &Phases) -> String {
    format!(
        "fetch {} · plan {} · apply {}",
        ms(p.fetch),
        ms(p.plan),
        ms(p.apply)
    )
}

/// The ratio the run would have had if its fetch had run at the floor's speed: what the sync
/// adds to the download, robust to a shared machine slowing one fetch and not another.
pub fn at_floor(p: &Phases, floor: f64) -> String {
    let extra = (p.plan + p.apply).as_secs_f64();
    format!("{:.2}× at floor fetch speed", (floor + extra) / floor)
}

/// One run, timed; an error unless it succeeded.
pub async fn timed_run(ctx: &SyncContext, company_id: i64) -> anyhow::Result<(Duration, Report)> {
    let start = Instant::now();
    let report = run::run(ctx, &request(company_id)).await?;
    let took = start.elapsed();
    anyhow::ensure!(
        report.outcome == Outcome::Succeeded,
        "sync {:?}: {:?}",
        report.outcome,
        report.message
    );
    Ok((took, report))
}

/// Changes the position of every 100th person with an email (the people Roster has).
fn change_one_percent(fake: &FakePersonio, round: u32) -> i64 {
    let ids: Vec<u64> = fake
        .people()
        .iter()
        .filter(|p| p.email.is_some())
        .step_by(100)
        .map(|p| p.id)
        .collect();
    for id in &ids {
        fake.update(*id, |p| p.position = format!("{} (r{round})", p.position));
    }
    ids.len() as i64
}

fn within(ratio: f64, target: f64) -> bool {
    ratio <= target
}

pub async fn run(t: &mut Table, n: usize, with_pages: bool) -> anyhow::Result<()> {
    let fake = FakePersonio::builder().people(n).seed(11).start().await;
    let providers = unpaced(fake.base_url(), None)?;
    let creds = setup::personio_creds(&fake);

    // 1. Fetch floor.
    let f = crate::first::fetch_floor(t, &fake, &providers, &creds, n).await?;

    let mut round = 0;
    let mut kept: Option<BenchDb> = None;
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let label = backend.label();
        let bdb = BenchDb::new(backend).await?;
        let ctx = setup::context(&bdb.db, providers.clone());

        // 2. First sync.
        let company = crate::first::first_sync(t, backend, &bdb, &providers, &creds, f).await?;

        // 3. Unchanged re-sync.
        let before = setup::max_updated(&bdb.db, company).await?;
        setup::next_second().await;
        let (took, r) = timed_run(&ctx, company).await?;
        let written = setup::rows_written_since(&bdb.db, company, &before).await?;
        let ratio = took.as_secs_f64() / f;
        t.add(
            format!("3. unchanged re-sync, {label}"),
            secs(took),
            Some(ratio),
            "≤ 1.2×, 0 rows",
            Some(within(ratio, 1.2) && written == 0),
            format!(
                "{written} person rows written; {}; {}",
                phases(&r.phases),
                at_floor(&r.phases, f)
            ),
        );

        // 4. 1 % changed (and 5. reconcile alone, once).
        round += 1;
        let changed = change_one_percent(&fake, round);
        if backend == Backend::Sqlite {
            reconcile_alone(t, &ctx, company, changed).await?;
        }
        let before = setup::max_updated(&bdb.db, company).await?;
        setup::next_second().await;
        let (took, r) = timed_run(&ctx, company).await?;
        let written = setup::rows_written_since(&bdb.db, company, &before).await?;
        let ratio = took.as_secs_f64() / f;
        t.add(
            format!("4. 1 % changed re-sync, {label}"),
            secs(took),
            Some(ratio),
            "≤ 1.3×, changed rows only",
            Some(within(ratio, 1.3) && written == changed && r.tally.updated == changed),
            format!(
                "{changed} changed in the HRIS, {} updated, {written} person rows written; {}; {}",
                r.tally.updated,
                phases(&r.phases),
                at_floor(&r.phases, f)
            ),
        );
        if backend == Backend::Sqlite && with_pages {
            kept = Some(bdb);
        } else {
            bdb.drop_now().await;
        }
    }

    kiwihr(t, n, f).await?;

    // 6. Peak memory of a process that does only the first sync.
    crate::memory::measure(t, &fake, f).await?;

    // 7. Rate limits.
    crate::paced::rate_limits(t, n).await?;

    // 8. Pages under load, on the SQLite directory synced above.
    if let Some(bdb) = kept {
        crate::pages::run(t, &bdb, "bench").await?;
        bdb.drop_now().await;
    }
    Ok(())
}

async fn reconcile_alone(
    t: &mut Table,
    ctx: &SyncContext,
    company_id: i64,
    changed: i64,
) -> anyhow::Result<()> {
    let creds = run::credentials(ctx, company_id).await?;
    let snapshot = ctx.providers.fetch(&creds).await?;
    let company = companies::get(&ctx.db, company_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no company"))?;
    let directory = Directory {
        company_id,
        people: people::all(&ctx.db, company_id).await?,
        groups: groups::all(&ctx.db, company_id).await?,
        field_values: Default::default(),
    };
    let rules = Rules {
        today: run::today_in(&company.time_zone),
        gender_choices: company.gender_choices.clone(),
        provider: snapshot.provider,
        selection: Default::default(),
        mapping: Default::default(),
        fields: Vec::new(),
    };
    let mut runs = Vec::new();
    let mut updated = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let plan = reconcile(&directory, &snapshot, &rules);
        runs.push(start.elapsed());
        updated = plan.counts.updated;
    }
    let took = crate::first::median(runs);
    t.add(
        format!(
            "5. reconcile alone, {} vs {} people, 1 % changed",
            directory.people.len(),
            snapshot.people.len()
        ),
        ms(took),
        None,
        "< 200 ms",
        Some(took < Duration::from_millis(200) && updated as i64 == changed),
        format!("median of 5; {updated} updates planned"),
    );
    Ok(())
}

async fn kiwihr(t: &mut Table, n: usize, floor: f64) -> anyhow::Result<()> {
    let kiwi = FakeKiwi::builder().people(n).teams(200).start().await?;
    // The Personio URL is unused here.
    let providers = unpaced("http://127.0.0.1:9", Some(&kiwi.endpoint_url()))?;
    let creds = setup::kiwi_creds(&kiwi);
    let start = Instant::now();
    let snap = providers.fetch(&creds).await?;
    let fetch = start.elapsed();
    t.add(
        format!(
            "   kiwiHR fetch: {n} users in 200 teams, {} pages",
            snap.pages
        ),
        secs(fetch),
        Some(fetch.as_secs_f64() / floor),
        "(information)",
        None,
        "",
    );
    drop(snap);
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let bdb = BenchDb::new(backend).await?;
        let ctx = setup::context(&bdb.db, providers.clone());
        let company = setup::connected_company(&ctx, "kiwi", &creds).await?;
        let (took, r) = timed_run(&ctx, company).await?;
        let ratio = took.as_secs_f64() / floor;
        t.add(
            format!("2. first sync, kiwiHR → {}", backend.label()),
            secs(took),
            Some(ratio),
            "≤ 2.0×",
            Some(within(ratio, 2.0)),
            format!(
                "{} created; {}; {}",
                r.tally.created,
                phases(&r.phases),
                at_floor(&r.phases, floor)
            ),
        );
        bdb.drop_now().await;
    }
    Ok(())
}
