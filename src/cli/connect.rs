//! `roster connect` and `roster disconnect`: a company's HRIS credentials, checked against the
//! HRIS before they are stored; the first sync is queued like the web's Connect. `--review`
//! prints what the first sync would do and asks before storing anything (`--yes` skips asking).

use anyhow::Context;
use clap::Args;

use crate::{
    app::App,
    hris::{kiwihr::KiwiEndpoint, providers::Credentials, secret::Secret},
    sync::{
        first_sync::FirstSync,
        run::{Request, Trigger},
    },
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
    /// Print what the first sync would do (adopt by e-mail, create, leave as they are) and ask
    /// before storing anything.
    #[arg(long)]
    review: bool,
    /// With --review: connect without asking.
    #[arg(long, requires = "review")]
    yes: bool,
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
    if args.review {
        crate::integrations::check(&app.sync, company.id, &creds).await?;
        let first = crate::sync::first_sync::preview(&app.sync, company.id, &creds).await??;
        print!("{}", first_sync_text(&first, creds.provider().label()));
        super::runs::confirm(
            &format!("Connect {} and start syncing?", creds.provider().label()),
            args.yes,
        )?;
    }
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

/// The first sync's plan as `roster connect --review` prints it.
pub fn first_sync_text(first: &FirstSync, provider: &str) -> String {
    let mut out = format!(
        "The first sync from {provider} would adopt {} by e-mail, create {}, and leave {} as they are.\n",
        first.adopted.len(),
        first.created.len(),
        first.left.len()
    );
    for (name, email) in &first.adopted {
        out.push_str(&format!("adopt\t{name}\t{email}\n"));
    }
    for name in &first.created {
        out.push_str(&format!("create\t{name}\n"));
    }
    for (name, email) in &first.left {
        out.push_str(&format!("leave\t{name}\t{email}\n"));
    }
    for w in &first.warnings {
        out.push_str(&format!("warning\t{w}\n"));
    }
    out
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
