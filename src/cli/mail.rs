//! `roster mail list` / `roster mail show ID`: read the outbox from a shell. Without SMTP this is
//! how mail reaches people (the demo, an offline install): the links are printed in full.

use anyhow::Context;
use clap::Subcommand;

use crate::{
    config::Config,
    db::{Db, companies, outbox},
    mail::{Mail, sender::Composer},
};

#[derive(Subcommand, Debug)]
pub enum MailCommand {
    /// The newest mail first: id, state, recipient, subject and the link it carries.
    List {
        /// Only this company's mail (its slug).
        #[arg(long)]
        company: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// One mail in full: headers and the plain-text part.
    Show { id: i64 },
}

fn state(row: &outbox::OutboxRow) -> String {
    match (row.sent_at, row.failed_at) {
        (Some(at), _) => format!("sent {}", at.date()),
        (None, Some(_)) => "failed".into(),
        (None, None) if row.attempts > 0 => format!("retrying ({} tries)", row.attempts),
        (None, None) => "waiting".into(),
    }
}

pub async fn run(config: &Config, db: &Db, command: MailCommand) -> anyhow::Result<()> {
    let composer = Composer::new(&config.mail, config.bind);
    match command {
        MailCommand::List { company, limit } => {
            let company_id = match company {
                Some(slug) => Some(
                    companies::find_by_slug(db, &slug)
                        .await?
                        .with_context(|| format!("no company with the slug {slug:?}"))?
                        .id,
                ),
                None => None,
            };
            let rows = outbox::list(db, company_id, limit.clamp(1, 1000)).await?;
            if rows.is_empty() {
                println!("The outbox is empty.");
            }
            for row in rows {
                let (subject, link) = match serde_json::from_str::<Mail>(&row.payload) {
                    Ok(m) => {
                        let c = m.render(&composer.links);
                        (c.subject, c.action.map(|(_, url)| url))
                    }
                    Err(_) => ("(unreadable mail)".to_string(), None),
                };
                println!(
                    "{}\t{}\t{}\t{}",
                    row.id,
                    state(&row),
                    row.recipient,
                    subject
                );
                if let Some(link) = link {
                    println!("\t{link}");
                }
            }
            Ok(())
        }
        MailCommand::Show { id } => {
            let row = outbox::get(db, id)
                .await?
                .with_context(|| format!("no mail with id {id} (see `roster mail list`)"))?;
            let mail: Mail = serde_json::from_str(&row.payload)
                .with_context(|| format!("mail {id} cannot be read"))?;
            let c = mail.render(&composer.links);
            println!("From: {}", composer.from);
            println!("To: {}", row.recipient);
            println!("Subject: {}", c.subject);
            println!("Queued: {}", row.created_at);
            println!("State: {}", state(&row));
            if let Some(e) = &row.last_error {
                println!("Last error: {e}");
            }
            println!("\n{}", c.text());
            Ok(())
        }
    }
}
