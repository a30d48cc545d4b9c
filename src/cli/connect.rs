//! `roster connect` and `roster disconnect`: a company's HRIS credentials, checked against the
//! HRIS before they are stored; the first sync is queued like the web's Connect.

use anyhow::Context;
use clap::Args;

use crate::{
    app::App,
    hris::{kiwihr::KiwiEndpoint, providers::Credentials, secret::Secret},
    sync::run::{Request, Trigger},
};

use super::{find_company, input::read_secret};

#[derive(Args, Debug)]
pub struct ConnectArgs {
    #[arg(long)]
    company: String,
    #[arg(long, value_parser = ["personio", "kiwihr"])]
    provider: String,
    /// Personio client ID.
    #[arg(long)]
    client_id: Option<String>,
    /// kiwiHR URL, e.g. https://yourcompany.kiwihr.com/api/graphql.
    #[arg(long)]
    url: Option<String>,
}

#[derive(Args, Debug)]
pub struct DisconnectArgs {
    #[arg(long)]
    company: String,
}

pub async fn connect(app: App, args: ConnectArgs) -> anyhow::Result<()> {
    let company = find_company(&app.db, &args.company).await?;
    let creds = match args.provider.as_str() {
        "personio" => Credentials::Personio {
            client_id: args
                .client_id
                .context("--client-id is required for Personio")?,
            client_secret: Secret::new(read_secret("Personio client secret")?),
        },
        _ => Credentials::Kiwihr {
            endpoint: KiwiEndpoint::parse(&args.url.context("--url is required for kiwiHR")?)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            api_key: Secret::new(read_secret("kiwiHR API token")?),
        },
    };
    let verified = crate::integrations::connect(&app.sync, company.id, &creds, None).await?;
    for w in verified.warnings {
        println!("warning: {w}");
    }
    // The first sync goes through the queue like the web's Connect: a running
    // `roster serve` or `roster worker` picks it up.
    app.jobs
        .enqueue(Request {
            company_id: company.id,
            trigger: Trigger::Connect,
            started_by: None,
            approve: None,
        })
        .await?;
    println!(
        "Connected {} to {} ({}). The first sync is queued for the worker (`roster serve` or `roster worker`); \
         `roster sync --company {}` runs one here and now.",
        company.name,
        creds.provider().label(),
        creds.hint(),
        company.slug
    );
    Ok(())
}

pub async fn disconnect(app: App, args: DisconnectArgs) -> anyhow::Result<()> {
    let company = find_company(&app.db, &args.company).await?;
    if crate::integrations::disconnect(&app.db, company.id, None).await? {
        println!(
            "Disconnected {}: the stored credentials are deleted; people stay as they are.",
            company.name
        );
    } else {
        println!("{} has no connected HRIS.", company.name);
    }
    Ok(())
}
