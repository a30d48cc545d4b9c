//! The composition root: [`App::build`] turns a [`Config`] into everything a Roster process runs
//! on (the database, the sync path's context, the queue), and [`App::run`] serves the web, the
//! worker or both. `serve`, `web`, `worker`, `demo`, the other CLI subcommands and the test
//! harness all start here, so nothing is wired by hand twice.

use std::{future::Future, sync::Arc};

use anyhow::Context;

use crate::{
    auth::PasswordChecks,
    config::Config,
    crypto::SecretBox,
    db::{Db, pacing::DbBudget},
    hris::providers::Providers,
    jobs::Jobs,
    sync::run::SyncContext,
    web::{self, AppState},
    worker::{self, WorkerHealth, WorkerSettings},
};

/// One process's parts. Cheap to clone: every field is a handle.
#[derive(Clone, Debug)]
pub struct App {
    pub config: Arc<Config>,
    pub db: Db,
    /// The sync path's context (providers, credential key), shared by the web and the worker.
    pub sync: SyncContext,
    /// Where every sync is queued; queueing wakes this process's worker.
    pub jobs: Jobs,
    /// The bound on concurrent password checks (argon2), one per process.
    pub password_checks: PasswordChecks,
    /// What this process's worker says about itself (read by `/readyz`).
    pub worker_health: Arc<WorkerHealth>,
}

impl App {
    /// Opens and migrates the database, and builds the providers (with the operator's URL
    /// overrides, and Personio's per-IP budget shared through the database by every process of the
    /// deployment) and the credential key from `config`.
    pub async fn build(config: Config) -> anyhow::Result<App> {
        let db = open(&config).await?;
        let providers = Providers::new(
            config.personio_base_url.clone(),
            config.kiwihr_endpoint.clone(),
        )
        .with_personio_budget(Arc::new(DbBudget::new(db.clone())));
        let secrets = SecretBox::load(config.secret_key.as_deref(), &config.data_dir)?;
        let sync = SyncContext {
            db,
            providers,
            secrets: Arc::new(secrets),
        };
        Ok(App::assemble(config, sync))
    }

    /// An app around a sync context already made (tests and benchmarks: an open database,
    /// providers pointed at fakes, a fixed key).
    pub fn assemble(config: Config, sync: SyncContext) -> App {
        App {
            password_checks: config.password_checks(),
            config: Arc::new(config),
            jobs: Jobs::for_db(sync.db.clone()),
            worker_health: Arc::default(),
            db: sync.db.clone(),
            sync,
        }
    }

    /// The same app with other providers (tests point them at fakes, unpaced).
    pub fn with_providers(mut self, providers: Providers) -> App {
        self.sync.providers = providers;
        self
    }

    /// The same app with another credential key.
    pub fn with_secrets(mut self, secrets: SecretBox) -> App {
        self.sync.secrets = Arc::new(secrets);
        self
    }

    /// What the web handlers reach.
    pub fn state(&self) -> AppState {
        AppState {
            db: self.db.clone(),
            config: self.config.clone(),
            sync: self.sync.clone(),
            jobs: self.jobs.clone(),
            password_checks: self.password_checks.clone(),
            worker_health: self.worker_health.clone(),
        }
    }

    /// Binds the web server on `config.bind`.
    pub async fn bind(&self) -> anyhow::Result<web::Server> {
        web::Server::bind(self.state()).await
    }

    /// Starts the worker as a task of this process; it stops when `stop` turns true.
    pub fn spawn_worker(
        &self,
        settings: WorkerSettings,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<anyhow::Result<()>> {
        tokio::spawn(worker::run(self.clone(), settings, stop))
    }

    /// Runs the web server on an already bound `server` (so the caller can print its address
    /// first) and/or the worker, until `shutdown` resolves or the worker gives up (its database
    /// stayed unusable for `give_up_after`: the error is returned, so the process exits
    /// non-zero). On shutdown the worker gets its grace time to finish a running sync, then the
    /// pool is closed.
    pub async fn run(
        self,
        server: Option<web::Server>,
        worker: Option<WorkerSettings>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        // The mail sender runs wherever the worker runs.
        let mailer = worker.is_some().then(|| {
            tokio::spawn(crate::mail::sender::run(
                self.db.clone(),
                self.config.mail.clone(),
                self.config.bind,
                stop_rx.clone(),
            ))
        });
        let (gave_up, gave_up_rx) = tokio::sync::oneshot::channel::<()>();
        let worker = worker.map(|settings| {
            let app = self.clone();
            tokio::spawn(async move {
                let result = worker::run(app, settings, stop_rx).await;
                if result.is_err() {
                    let _ = gave_up.send(());
                }
                result
            })
        });
        if worker.is_none() && matches!(self.db, Db::Sqlite(_)) {
            tracing::warn!(
                "web only on SQLite: queued syncs wait until `roster worker` runs on this database (`roster serve` runs both)"
            );
        }
        let shutdown = async move {
            tokio::select! {
                _ = shutdown => {}
                Ok(()) = gave_up_rx => {}
            }
        };
        match server {
            Some(server) => server.run(shutdown).await?,
            None => {
                tracing::info!("worker running; stop with Ctrl-C or SIGTERM");
                shutdown.await;
            }
        }
        let _ = stop_tx.send(true);
        if let Some(w) = worker {
            w.await.context("the worker task panicked")??;
        }
        if let Some(m) = mailer {
            m.await.context("the mail sender panicked")??;
        }
        self.db.close().await;
        Ok(())
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
