//! Figure 7: a paced sync against a fake that enforces Personio's limits (scaled up), first and
//! unchanged, measured against the limits' floor and the 429s it got.

use std::time::Duration;

use roster::{
    fake::{Target, personio::FakePersonio},
    hris::{
        pacing::Pacer,
        personio::PersonioLimits,
        providers::{Credentials, Providers},
    },
};
use url::Url;

use crate::{
    scenarios::{phases, timed_run},
    setup::{self, Backend, BenchDb},
    table::{Table, secs},
};

/// Personio's limits scaled up (3,000 pages a minute, 15 a second, auth 60 a minute) enforced
/// by the fake; the client paced with the same numbers.
pub async fn rate_limits(t: &mut Table, n: usize) -> anyhow::Result<()> {
    const PER_MINUTE: u32 = 3_000;
    const PER_SECOND: u32 = 15;
    let fake = FakePersonio::builder()
        .people(n)
        .seed(11)
        .rate_limit(
            Target::AnyPage,
            PER_MINUTE as usize,
            Duration::from_secs(60),
            None,
        )
        .rate_limit(
            Target::AnyPage,
            PER_SECOND as usize,
            Duration::from_secs(1),
            None,
        )
        .rate_limit(Target::Auth, 60, Duration::from_secs(60), Some(60))
        .start()
        .await;
    let limits = PersonioLimits::scaled(
        std::sync::Arc::new(Pacer::unlimited()),
        PER_MINUTE,
        PER_SECOND,
    );
    let providers =
        Providers::new(Some(Url::parse(fake.base_url())?), None).with_personio_limits(limits);
    let creds: Credentials = setup::personio_creds(&fake);
    let bdb = BenchDb::new(Backend::Sqlite).await?;
    let ctx = setup::context(&bdb.db, providers);
    let company = setup::connected_company(&ctx, "limited", &creds).await?;
    // The limits' floor: 15 pages in any second, 3,000 in any minute; the first burst is free.
    let pages = n.div_ceil(100) as f64;
    let floor = ((pages / f64::from(PER_SECOND)).ceil() - 1.0)
        .max(((pages / f64::from(PER_MINUTE)).ceil() - 1.0) * 60.0)
        .max(0.001);
    let (first, r1) = timed_run(&ctx, company).await?;
    let after_first = fake.throttled();
    let (again, r2) = timed_run(&ctx, company).await?;
    let throttled = fake.throttled();
    for (name, took, r, n429) in [
        ("first sync", first, &r1, after_first),
        ("unchanged re-sync", again, &r2, throttled - after_first),
    ] {
        let ratio = took.as_secs_f64() / floor;
        t.add(
            format!("7. rate limits ({PER_MINUTE}/min, {PER_SECOND}/s), {name}"),
            secs(took),
            None,
            "≤ 1.1× limits' floor, 0 × 429",
            Some(ratio <= 1.1 && n429 == 0),
            format!(
                "{:.2}× the limits' floor of {floor:.0} s for {pages} pages; {n429} × 429; {}",
                ratio,
                phases(&r.phases)
            ),
        );
    }
    bdb.drop_now().await;
    Ok(())
}
