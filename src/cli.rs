//! The command line: every subcommand is a small function over the library.

mod mail;

use std::{
    io::{BufRead, IsTerminal},
    sync::Arc,
};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::{
    auth,
    config::Config,
    crypto::SecretBox,
    db::{Db, companies, people},
    directory::{Email, Role},
    hris::{
        kiwihr::KiwiEndpoint,
        providers::{Credentials, Providers},
        secret::Secret,
    },
    sync::run::{Outcome, Request, SyncContext, Trigger},
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
    /// Read the outbox: mail waiting to be sent or sent (links included).
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// Connect a company to Personio or kiwiHR (the secret or token is read from standard input).
    Connect {
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
    },
    /// Disconnect a company's HRIS (deletes the stored credentials; people stay as they are).
    Disconnect {
        #[arg(long)]
        company: String,
    },
    /// Sync a company from its HRIS now, on the same path as the web and the worker.
    Sync {
        #[arg(long)]
        company: String,
        /// Show what the sync would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Run a fake HRIS server on loopback, for trying Roster without an HRIS account.
    FakeHris {
        #[arg(long, value_parser = ["personio", "kiwihr"])]
        provider: String,
        #[arg(long, default_value_t = 500)]
        people: usize,
        #[arg(long, default_value_t = 4010)]
        port: u16,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
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
            let mut demo = crate::demo::seed(&db).await?;
            let mut config = config;
            let fakes = crate::demo::start_fakes(&mut config, &mut demo).await?;
            let result = serve(config, db, true, true, Some(demo)).await;
            drop(fakes);
            result
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
        Command::Mail(command) => {
            let db = open(&config).await?;
            mail::run(&config, &db, command).await
        }
        Command::Company(CompanyCommand::List) => {
            let db = open(&config).await?;
            for c in companies::list(&db).await? {
                println!("{}\t{}\t{}", c.slug, c.name, c.time_zone);
            }
            Ok(())
        }
        Command::Connect {
            company,
            provider,
            client_id,
            url,
        } => {
            let db = open(&config).await?;
            let company = find_company(&db, &company).await?;
            let ctx = sync_context(&config, &db)?;
            let creds = match provider.as_str() {
                "personio" => Credentials::Personio {
                    client_id: client_id.context("--client-id is required for Personio")?,
                    client_secret: Secret::new(read_secret("Personio client secret")?),
                },
                _ => Credentials::Kiwihr {
                    endpoint: KiwiEndpoint::parse(&url.context("--url is required for kiwiHR")?)
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                    api_key: Secret::new(read_secret("kiwiHR API token")?),
                },
            };
            let verified = crate::integrations::connect(&ctx, company.id, &creds, None).await?;
            for w in verified.warnings {
                println!("warning: {w}");
            }
            // The first sync goes through the queue like the web's Connect: a running
            // `roster serve` or `roster worker` picks it up.
            crate::jobs::Jobs::for_db(db.clone())
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
        Command::Disconnect { company } => {
            let db = open(&config).await?;
            let company = find_company(&db, &company).await?;
            if crate::integrations::disconnect(&db, company.id, None).await? {
                println!(
                    "Disconnected {}: the stored credentials are deleted; people stay as they are.",
                    company.name
                );
            } else {
                println!("{} has no connected HRIS.", company.name);
            }
            Ok(())
        }
        Command::Sync { company, dry_run } => {
            let db = open(&config).await?;
            let company = find_company(&db, &company).await?;
            let ctx = sync_context(&config, &db)?;
            if dry_run {
                dry_run_sync(&ctx, company.id).await
            } else {
                run_sync(&ctx, company.id).await
            }
        }
        Command::FakeHris {
            provider,
            people,
            port,
            seed,
        } => match provider.as_str() {
            "personio" => crate::fake::personio::run_personio(port, people, seed).await,
            _ => crate::fake::kiwihr::run_kiwihr(port, people, seed).await,
        },
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

async fn find_company(db: &Db, slug: &str) -> anyhow::Result<companies::Company> {
    companies::find_by_slug(db, slug)
        .await?
        .with_context(|| format!("no company with the slug {slug:?} (see `roster company list`)"))
}

/// The sync path's context from the configuration: providers (with the operator's overrides)
/// and the credential key.
pub fn sync_context(config: &Config, db: &Db) -> anyhow::Result<SyncContext> {
    Ok(SyncContext {
        db: db.clone(),
        providers: Providers::new(
            config.personio_base_url.clone(),
            config.kiwihr_endpoint.clone(),
        ),
        secrets: Arc::new(SecretBox::load(
            config.secret_key.as_deref(),
            &config.data_dir,
        )?),
    })
}

async fn run_sync(ctx: &SyncContext, company_id: i64) -> anyhow::Result<()> {
    let req = Request {
        company_id,
        trigger: Trigger::Cli,
        started_by: None,
        approve: None,
    };
    let spinner = progress(ctx.db.clone(), company_id);
    let report = crate::sync::run::run(ctx, &req).await;
    if let Some(s) = spinner {
        s.abort();
        let _ = s.await; // the spinner line is cleared before the summary prints
    }
    let report = report?;
    let t = report.tally;
    println!(
        "Sync {} ({}): {} created, {} updated, {} deactivated, {} reactivated, {} unchanged, {} skipped; {} pages.",
        report.run_id,
        report.outcome.as_str(),
        t.created,
        t.updated,
        t.deactivated,
        t.reactivated,
        t.unchanged,
        t.skipped,
        t.pages
    );
    if let Some(m) = report.message {
        println!("{m}");
    }
    match report.outcome {
        Outcome::Succeeded => Ok(()),
        _ => bail!("the sync did not apply its changes"),
    }
}

/// On a terminal, a spinner that follows the run's stage (fetching, planning, applying) as the
/// sync records it; nothing when output is redirected.
fn progress(db: Db, company_id: i64) -> Option<tokio::task::JoinHandle<()>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    Some(tokio::spawn(async move {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let _clear = clear_on_drop(bar.clone());
        loop {
            if let Ok(Some(run)) = crate::db::sync_runs::running(&db, company_id).await {
                bar.set_message(format!("sync {}: {}", run.id, run.stage));
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }))
}

/// Clears the spinner line when the progress task ends (aborted or not).
fn clear_on_drop(bar: indicatif::ProgressBar) -> impl Drop {
    struct Clear(indicatif::ProgressBar);
    impl Drop for Clear {
        fn drop(&mut self) {
            self.0.finish_and_clear();
        }
    }
    Clear(bar)
}

async fn dry_run_sync(ctx: &SyncContext, company_id: i64) -> anyhow::Result<()> {
    eprintln!("Fetching from the HRIS (dry run: nothing will be written)…");
    let (planned, refusal) = crate::sync::run::preview(ctx, company_id).await??;
    let plan = &planned.plan;
    let c = plan.counts;
    println!(
        "Would create {}, update {}, deactivate {}, reactivate {}; {} unchanged, {} skipped.",
        c.created, c.updated, c.deactivated, c.reactivated, c.unchanged, c.skipped
    );
    if let Some(r) = refusal {
        println!("{r}");
    }
    for w in &plan.run_warnings {
        println!("warning: {w}");
    }
    for e in &plan.errors {
        println!("skipped {}: {}", e.name, e.message);
    }
    for row in plan.history() {
        println!(
            "{}\t{}\t{} → {}",
            row.person_name,
            row.field.label(),
            row.before.as_deref().unwrap_or("—"),
            row.after.as_deref().unwrap_or("—")
        );
    }
    Ok(())
}

/// Connects and migrates: every command sees an up-to-date schema.
pub async fn open(config: &Config) -> anyhow::Result<Db> {
    let url = config.database();
    tracing::info!(database = %url, "opening database");
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    Ok(db)
}

fn read_secret(what: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("{what} (input is shown; pipe it in to keep it off the screen):");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .with_context(|| format!("could not read the {what} from standard input"))?;
    let secret = line.trim().to_string();
    if secret.is_empty() {
        bail!("the {what} is empty");
    }
    Ok(secret)
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
    config.mail.check()?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mailer = with_worker.then(|| {
        tokio::spawn(crate::mail::sender::run(
            db.clone(),
            config.mail.clone(),
            config.bind,
            stop_rx.clone(),
        ))
    });
    let worker = if with_worker {
        let ctx = sync_context(&config, &db)?;
        let settings = worker::WorkerSettings::from_env();
        Some(tokio::spawn(worker::run(ctx, settings, stop_rx.clone())))
    } else {
        if matches!(db, Db::Sqlite(_)) {
            tracing::warn!(
                "web only on SQLite: queued syncs wait until `roster worker` runs on this database (`roster serve` runs both)"
            );
        }
        None
    };
    if with_web {
        let config_has_smtp = config.mail.smtp_url.is_some();
        let ctx = sync_context(&config, &db)?;
        let server = web::Server::bind(AppState::new(db.clone(), config, ctx)).await?;
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
            for line in &d.hris {
                println!("  {line}");
            }
            if config_has_smtp {
                println!("  Mail is sent through ROSTER_SMTP_URL.\n");
            } else {
                println!(
                    "  No ROSTER_SMTP_URL: mail (invitations, password resets, sync alerts) stays in the outbox;\n  read it and open its links with `roster mail list` and `roster mail show ID`.\n"
                );
            }
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
    if let Some(m) = mailer {
        m.await??;
    }
    db.close().await;
    Ok(())
}
