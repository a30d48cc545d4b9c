//! `roster user create`: gives a person a login, creating the person when needed.

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::{
    app::App,
    auth,
    db::{Db, companies, people},
    directory::{Email, Role},
};

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Give a person a login (creating the person if needed). The password is read from
    /// standard input, never from the command line.
    Create {
        /// The company's slug.
        #[arg(long)]
        company: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["manager", "employee"])]
        role: String,
        /// First name, for a person not yet in the directory.
        #[arg(long)]
        first_name: Option<String>,
        /// Last name, for a person not yet in the directory.
        #[arg(long)]
        last_name: Option<String>,
    },
}

pub async fn run(app: App, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create {
            company,
            email,
            role,
            first_name,
            last_name,
        } => {
            let password = super::input::read_password()?;
            let role = Role::parse(&role).context("role must be manager or employee")?;
            let outcome = create_login(
                &app.db, &company, &email, role, first_name, last_name, &password,
            )
            .await?;
            println!("{outcome}");
            Ok(())
        }
    }
}

/// Gives `email` in company `slug` a login with `role`, creating the person when needed.
pub async fn create_login(
    db: &Db,
    slug: &str,
    email: &str,
    role: Role,
    first_name: Option<String>,
    last_name: Option<String>,
    password: &str,
) -> anyhow::Result<String> {
    let company = companies::find_by_slug(db, slug).await?.with_context(|| {
        format!("no company with the slug {slug:?} (see `roster company list`)")
    })?;
    let email = Email::parse(email)?;
    let hash = auth::hash_password(password)?;
    let mut tx = db.begin().await?;
    let (id, created) = match people::find_by_email(db, company.id, email.as_str()).await? {
        Some(p) => (p.id, false),
        None => {
            let local = email
                .as_str()
                .split('@')
                .next()
                .unwrap_or("user")
                .to_string();
            let input = people::PersonInput::named(
                email.as_str(),
                &first_name.unwrap_or(local),
                &last_name.unwrap_or_default(),
            );
            if input.last_name.is_empty() {
                bail!(
                    "{email} is not in the directory yet: give --first-name and --last-name to add them"
                );
            }
            (people::insert(&mut tx, company.id, &input).await?, true)
        }
    };
    people::set_login(&mut tx, company.id, id, Some((&hash, role))).await?;
    tx.commit().await?;
    Ok(format!(
        "{} {email} can now log in to {} as {}.",
        if created { "Added" } else { "Updated" },
        company.name,
        role.as_str()
    ))
}
