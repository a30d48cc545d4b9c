//! The command line: every subcommand is a small function over the library.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::{
    auth,
    config::Config,
    db::{Db, companies, people},
    directory::{Email, Role},
    web::{self, AppState},
    worker,
};

#[derive(Parser, Debug)]
#[command(
    name = "roster",
    version,
    about = "Roster: a people directory that stays in line with your HRIS."
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Try Roster: creates the demo company "Acme" (once), then serves it like `serve`.
    Demo,
    /// Web server and background worker in one process (the embedded default, on SQLite).
    Serve,
    /// Only the web server (scale-out: run workers separately on PostgreSQL).
    Web,
    /// Only the background worker (scale-out).
    Worker,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage companies.
    #[command(subcommand)]
    Company(CompanyCommand),
    /// Manage logins.
    #[command(subcommand)]
    User(UserCommand),
}

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

pub async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ROSTER_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_sessions=warn")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command {
        Command::Migrate => {
            let db = open(&config).await?;
            println!("Migrations applied ({}).", db.backend());
            Ok(())
        }
        Command::Demo => {
            let db = open(&config).await?;
            let demo = crate::demo::seed(&db).await?;
            serve(config, db, true, true, Some(demo)).await
        }
        Command::Serve => {
            let db = open(&config).await?;
            serve(config, db, true, true, None).await
        }
        Command::Web => {
            let db = open(&config).await?;
            serve(config, db, true, false, None).await
        }
        Command::Worker => {
            let db = open(&config).await?;
            serve(config, db, false, true, None).await
        }
        Command::Company(CompanyCommand::Create {
            slug,
            name,
            time_zone,
        }) => {
            let db = open(&config).await?;
            if time_zone.parse::<chrono_tz::Tz>().is_err() {
                bail!("unknown time zone {time_zone:?}: use an IANA name such as Europe/Paris");
            }
            if companies::find_by_slug(&db, &slug).await?.is_some() {
                bail!("a company with the slug {slug:?} already exists");
            }
            let mut tx = db.begin().await?;
            let id = companies::create(&mut tx, &slug, &name, &time_zone).await?;
            tx.commit().await?;
            println!("Created company {name} ({slug}), id {id}.");
            Ok(())
        }
        Command::Company(CompanyCommand::List) => {
            let db = open(&config).await?;
            for c in companies::list(&db).await? {
                println!("{}\t{}\t{}", c.slug, c.name, c.time_zone);
            }
            Ok(())
        }
        Command::User(UserCommand::Create {
            company,
            email,
            role,
            first_name,
            last_name,
        }) => {
            let db = open(&config).await?;
            let password = read_password()?;
            let role = Role::parse(&role).context("role must be manager or employee")?;
            let outcome = create_login(
                &db, &company, &email, role, first_name, last_name, &password,
            )
            .await?;
            println!("{outcome}");
            Ok(())
        }
    }
}

/// Connects and migrates: every command sees an up-to-date schema.
pub async fn open(config: &Config) -> anyhow::Result<Db> {
    let url = config.database();
    tracing::info!(database = %url, "opening database");
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    Ok(db)
}

fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("Password (input is shown; pipe it in to keep it off the screen):");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("could not read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.chars().count() < auth::MIN_PASSWORD_LEN {
        bail!(
            "the password must have at least {} characters",
            auth::MIN_PASSWORD_LEN
        );
    }
    Ok(password)
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
            let input = people::PersonInput {
                email: email.as_str().to_string(),
                first_name: first_name.unwrap_or(local),
                last_name: last_name.unwrap_or_default(),
                position: None,
                department: None,
                gender: None,
                birth_date: None,
                employee_number: None,
                first_hired_on: None,
                manager_id: None,
                active: true,
            };
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

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

async fn serve(
    config: Config,
    db: Db,
    with_web: bool,
    with_worker: bool,
    demo: Option<crate::demo::DemoInfo>,
) -> anyhow::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = with_worker.then(|| tokio::spawn(worker::run(db.clone(), stop_rx.clone())));
    if with_web {
        let server = web::Server::bind(AppState {
            db: db.clone(),
            config: std::sync::Arc::new(config),
        })
        .await?;
        let url = format!("http://{}", server.local_addr());
        tracing::info!(%url, worker = with_worker, "Roster is listening");
        if let Some(d) = demo {
            println!("\nRoster demo is running at {url}\n");
            println!(
                "  Company manager: {}  password: {}",
                d.manager_email, d.password
            );
            println!(
                "  Employee:        {}  password: {}\n",
                d.employee_email, d.password
            );
            println!(
                "Stop it with Ctrl-C. Data lives in the data folder; running `demo` again reuses it.\n"
            );
        } else {
            println!("Roster is running at {url}");
        }
        server.run(shutdown_signal()).await?;
    } else {
        tracing::info!("worker running; stop with Ctrl-C or SIGTERM");
        shutdown_signal().await;
    }
    let _ = stop_tx.send(true);
    if let Some(w) = worker {
        w.await??;
    }
    db.close().await;
    Ok(())
}
