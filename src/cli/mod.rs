//! The command line: every subcommand is a small function over the library, in a module of its
//! own (`serve`/`web`/`worker`/`demo` in [`server`], companies, logins, HRIS connections, syncs).
//! Every subcommand that touches the database starts from [`App::build`].

mod company;
mod connect;
mod fake;
mod input;
mod mail;
mod runs;
mod server;
mod sync;
mod user;

use clap::{Parser, Subcommand};

use crate::{app::App, config::Config};

pub use company::set_pause;
pub use runs::{apply_run, discard_run, runs_table};
pub use user::create_login;

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
    Company(company::CompanyCommand),
    /// Manage logins.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Read the outbox: mail waiting to be sent or sent (links included).
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// Connect a company to Personio or kiwiHR (the secret or token is read from standard input).
    Connect(connect::ConnectArgs),
    /// Disconnect a company's HRIS (deletes the stored credentials; people stay as they are).
    Disconnect(connect::DisconnectArgs),
    /// Sync a company from its HRIS now, on the same path as the web and the worker.
    Sync(sync::SyncArgs),
    /// List a company's syncs, newest first (id, state, trigger, HRIS, started, counts).
    Runs(runs::RunsArgs),
    /// Apply a paused sync anyway: re-plans, and applies only within the plan it showed.
    Apply(runs::RunArgs),
    /// Discard a paused sync: nothing from it is applied.
    Discard(runs::RunArgs),
    /// Run a fake HRIS server on loopback, for trying Roster without an HRIS account.
    FakeHris(fake::FakeHrisArgs),
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
            let app = App::build(config).await?;
            println!("Migrations applied ({}).", app.db.backend());
            Ok(())
        }
        Command::Demo => server::demo(config).await,
        Command::Serve => server::serve(config, true, true).await,
        Command::Web => server::serve(config, true, false).await,
        Command::Worker => server::serve(config, false, true).await,
        Command::Company(cmd) => company::run(App::build(config).await?, cmd).await,
        Command::User(cmd) => user::run(App::build(config).await?, cmd).await,
        Command::Mail(cmd) => {
            let app = App::build(config).await?;
            mail::run(&app.config, &app.db, cmd).await
        }
        Command::Connect(args) => connect::connect(App::build(config).await?, args).await,
        Command::Disconnect(args) => connect::disconnect(App::build(config).await?, args).await,
        Command::Sync(args) => sync::run(App::build(config).await?, args).await,
        Command::Runs(args) => runs::list(App::build(config).await?, args).await,
        Command::Apply(args) => runs::apply(App::build(config).await?, args).await,
        Command::Discard(args) => runs::discard(App::build(config).await?, args).await,
        Command::FakeHris(args) => fake::run(args).await,
    }
}

/// The company with `slug`, or an error that says where to look.
async fn find_company(
    db: &crate::db::Db,
    slug: &str,
) -> anyhow::Result<crate::db::companies::Company> {
    use anyhow::Context;
    crate::db::companies::find_by_slug(db, slug)
        .await?
        .with_context(|| format!("no company with the slug {slug:?} (see `roster company list`)"))
}
