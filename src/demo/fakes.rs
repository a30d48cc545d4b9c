//! The fake HRIS servers the demo runs on: fake Personio and kiwiHR on loopback, so the whole
//! Connect → sync flow works with no HRIS account and no internet.

/// The fake HRIS servers the demo runs on loopback; they stop when dropped.
pub struct DemoFakes {
    _personio: crate::fake::personio::FakePersonio,
    _kiwihr: crate::fake::kiwihr::FakeKiwi,
}

/// Starts fake Personio and kiwiHR on loopback and points the configuration at them, so the
/// whole Connect → sync flow works with no HRIS account and no internet. Also returns what to
/// type into Connect for each fake.
pub async fn start_fakes(
    config: &mut crate::config::Config,
) -> anyhow::Result<(DemoFakes, Vec<String>)> {
    let personio = crate::fake::personio::FakePersonio::builder()
        .people(60)
        .seed(1)
        .domain("acme.example")
        .start()
        .await;
    let kiwihr = crate::fake::kiwihr::FakeKiwi::builder()
        .people(60)
        .seed(2)
        .teams(6)
        .start()
        .await?;
    config.personio_base_url = Some(url::Url::parse(personio.base_url())?);
    config.kiwihr_endpoint = Some(url::Url::parse(&kiwihr.endpoint_url())?);
    let hris = vec![
        format!(
            "Fake Personio: client ID {}  client secret {}",
            personio.client_id(),
            personio.client_secret()
        ),
        format!(
            "Fake kiwiHR:   API token {}  URL https://acme.kiwihr.com/api/graphql",
            kiwihr.api_key()
        ),
        "(Settings › Integrations › Connect; the fakes run on loopback and stop with Roster.)"
            .to_string(),
    ];
    Ok((
        DemoFakes {
            _personio: personio,
            _kiwihr: kiwihr,
        },
        hris,
    ))
}
