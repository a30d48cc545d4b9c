//! The test harness: a fresh database per test (a temp SQLite file, or a new PostgreSQL database
//! created from `TEST_DATABASE_URL`), the real router on 127.0.0.1:0, and HTTP clients with their
//! own cookie jars.
//!
//! This module runs the app ([`TestApp`]); `database` makes the databases, `client` speaks
//! HTTP to the app, `fixtures` sets up data and settings besides it.

mod client;
mod database;
mod fixtures;

use roster::{app::App, config::Config, db::Db, directory::Role, hris::providers::Providers};

/// Runs each listed async test body once per backend, as `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn scenario($app: $crate::helpers::TestApp) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { scenario($crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { scenario($crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await).await }
        }
    )*};
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const PASSWORD: &str = "correct horse battery";

pub use client::{Client, Page};
pub use database::{DropDatabase, fresh_database, fresh_db, postgres_admin_url};
pub use fixtures::{
    add_login, age_heartbeat, create_company, sync_context, worker_settings_for_tests,
};

pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub db: Db,
    pub backend: Backend,
    /// The company most tests use ("acme"), with a manager and an employee login.
    pub company_id: i64,
    pub manager_email: String,
    pub employee_email: String,
    /// The sync context the app's handlers use (providers, credential key): `app.sync`.
    pub ctx: roster::sync::run::SyncContext,
    /// The composition root the server runs on (as `roster serve` builds it).
    pub app: App,
    /// A worker running this app's queued syncs, when started (as `roster serve` does).
    worker: Option<tokio::sync::watch::Sender<bool>>,
    _dir: tempfile::TempDir,
    /// Last, so the database is dropped after everything else of the test.
    _pg: Option<DropDatabase>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
        Self::spawn_with_providers(backend, configure, |p| p).await
    }

    /// [`TestApp::spawn_with`], and `providers` changes the providers made from the config.
    pub async fn spawn_with_providers(
        backend: Backend,
        configure: impl FnOnce(&mut Config),
        providers: impl FnOnce(Providers) -> Providers,
    ) -> TestApp {
        let (dir, url) = fresh_database(backend).await;
        let pg = url.as_deref().map(|u| {
            DropDatabase(
                url::Url::parse(u)
                    .unwrap()
                    .path()
                    .trim_start_matches('/')
                    .to_string(),
            )
        });
        let mut config = Config::for_data_dir(dir.path().to_path_buf(), url);
        configure(&mut config);
        let providers = providers(Providers::for_tests(
            config.personio_base_url.clone(),
            config.kiwihr_endpoint.clone(),
            None,
        ));
        let app = App::build(config)
            .await
            .unwrap()
            .with_providers(providers)
            .with_secrets(roster::crypto::SecretBox::from_bytes([42; 32]));
        let db = app.db.clone();
        let company_id = create_company(&db, "acme", "Acme").await;
        let manager_email = "maria.manager@acme.test".to_string();
        let employee_email = "eddie.employee@acme.test".to_string();
        add_login(
            &db,
            "acme",
            &manager_email,
            Role::Manager,
            "Maria",
            "Manager",
        )
        .await;
        add_login(
            &db,
            "acme",
            &employee_email,
            Role::Employee,
            "Eddie",
            "Employee",
        )
        .await;
        let server = app.bind().await.unwrap();
        let addr = server.local_addr();
        tokio::spawn(server.run(std::future::pending()));
        TestApp {
            addr,
            ctx: app.sync.clone(),
            app,
            worker: None,
            db,
            backend,
            company_id,
            manager_email,
            employee_email,
            _dir: dir,
            _pg: pg,
        }
    }

    /// Runs a worker for this app's queue, like `roster serve`. Only for apps whose providers
    /// point at fakes: a worker must never reach a real HRIS from a test.
    pub fn start_worker(&mut self) {
        let (stop, rx) = tokio::sync::watch::channel(false);
        self.app.spawn_worker(worker_settings_for_tests(), rx);
        self.worker = Some(stop);
    }

    /// The same database served by a new process started with another credential key (as after
    /// `ROSTER_SECRET_KEY` changed): a new server and, if one ran, a new worker; logins are made
    /// again against the new address.
    pub async fn restart_with_key(&mut self, key: [u8; 32]) {
        let had_worker = self.worker.take().map(|stop| stop.send(true)).is_some();
        self.app = self
            .app
            .clone()
            .with_secrets(roster::crypto::SecretBox::from_bytes(key));
        self.ctx = self.app.sync.clone();
        let server = self.app.bind().await.unwrap();
        self.addr = server.local_addr();
        tokio::spawn(server.run(std::future::pending()));
        if had_worker {
            self.start_worker();
        }
    }

    /// A new process on the same data folder and database, as after a restart: the old pool is
    /// closed, the app is built again from its configuration (providers and key as in
    /// [`TestApp::spawn_with`]), with a new server and, if one ran, a new worker.
    pub async fn restart(&mut self) {
        let had_worker = self.worker.take().map(|stop| stop.send(true)).is_some();
        self.db.close().await;
        let config = (*self.app.config).clone();
        let providers = roster::hris::providers::Providers::for_tests(
            config.personio_base_url.clone(),
            config.kiwihr_endpoint.clone(),
            None,
        );
        self.app = App::build(config)
            .await
            .unwrap()
            .with_providers(providers)
            .with_secrets(self.app.sync.secrets.as_ref().clone());
        self.db = self.app.db.clone();
        self.ctx = self.app.sync.clone();
        let server = self.app.bind().await.unwrap();
        self.addr = server.local_addr();
        tokio::spawn(server.run(std::future::pending()));
        if had_worker {
            self.start_worker();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A client with its own cookie jar, not logged in.
    pub fn client(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: self.url(""),
        }
    }

    pub async fn login(&self, email: &str) -> Client {
        let c = self.client();
        let res = c.login(email, PASSWORD).await;
        assert_eq!(res.status, 303, "login of {email} failed");
        c
    }

    pub async fn manager(&self) -> Client {
        self.login(&self.manager_email.clone()).await
    }

    pub async fn employee(&self) -> Client {
        self.login(&self.employee_email.clone()).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.worker.take() {
            let _ = stop.send(true);
        }
    }
}
