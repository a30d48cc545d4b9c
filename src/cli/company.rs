//! `roster company create|list`.

use anyhow::bail;
use clap::Subcommand;

use crate::{app::App, db::companies};

#[derive(Subcommand, Debug)]
pub enum CompanyCommand {
    /// Create a company.
    Create {
        /// Short name used on the command line, e.g. `acme`.
        #[arg(long)]
        slug: String,
        /// Display name, e.g. "Acme GmbH".
        #[arg(long)]
        name: String,
        /// IANA time zone for the morning sync, e.g. Europe/Paris.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
    },
    /// List companies.
    List,
}

pub async fn run(app: App, cmd: CompanyCommand) -> anyhow::Result<()> {
    let db = &app.db;
    match cmd {
        CompanyCommand::Create {
            slug,
            name,
            time_zone,
        } => {
            if time_zone.parse::<chrono_tz::Tz>().is_err() {
                bail!("unknown time zone {time_zone:?}: use an IANA name such as Europe/Paris");
            }
            if companies::find_by_slug(db, &slug).await?.is_some() {
                bail!("a company with the slug {slug:?} already exists");
            }
            let mut tx = db.begin().await?;
            let id = companies::create(&mut tx, &slug, &name, &time_zone).await?;
            tx.commit().await?;
            println!("Created company {name} ({slug}), id {id}.");
        }
        CompanyCommand::List => {
            for c in companies::list(db).await? {
                println!("{}\t{}\t{}", c.slug, c.name, c.time_zone);
            }
        }
    }
    Ok(())
}
