//! `roster company create|list|pause`.

use anyhow::bail;
use clap::Subcommand;

use crate::{
    app::App,
    db::{Db, audit, companies},
    sync::GuardSettings,
};

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
    /// Show or set when a company's syncs pause instead of deactivating: more than PERCENT %
    /// of the synced active people and more than MIN_PEOPLE people.
    Pause {
        #[arg(long)]
        slug: String,
        /// A whole percentage from 1 to 100.
        #[arg(long, requires = "min_people")]
        percent: Option<String>,
        /// A whole number of people, 0 or more.
        #[arg(long, requires = "percent")]
        min_people: Option<String>,
    },
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
        CompanyCommand::Pause {
            slug,
            percent,
            min_people,
        } => match (percent, min_people) {
            (Some(percent), Some(min)) => {
                println!("{}", set_pause(db, &slug, &percent, &min).await?)
            }
            _ => {
                let company = super::find_company(db, &slug).await?;
                println!(
                    "{}: a sync pauses when it would deactivate {}.",
                    company.name,
                    company.pause().describe()
                );
            }
        },
    }
    Ok(())
}

/// `roster company pause --percent P --min-people N`: validated like the settings form, and
/// audited when it changes anything.
pub async fn set_pause(db: &Db, slug: &str, percent: &str, min: &str) -> anyhow::Result<String> {
    let company = super::find_company(db, slug).await?;
    let before = company.pause();
    let pause = GuardSettings::parse(percent, min).map_err(|e| {
        let messages: Vec<String> = e.into_iter().map(|(_, m)| m).collect();
        anyhow::anyhow!("{} Nothing was changed.", messages.join(" "))
    })?;
    companies::set_pause(db, company.id, &pause).await?;
    if pause != before {
        let detail = format!(
            "Syncs pause when they would deactivate {} → {} (command line)",
            before.describe(),
            pause.describe()
        );
        audit::record_now(db, company.id, None, "settings", &detail).await?;
    }
    Ok(format!(
        "{}: a sync now pauses when it would deactivate {}.",
        company.name,
        pause.describe()
    ))
}
