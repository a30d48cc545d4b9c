//! The test harness: a fresh database per test (a temp SQLite file, or a new PostgreSQL database
//! created from `TEST_DATABASE_URL`), the real router on 127.0.0.1:0, and HTTP clients with their
//! own cookie jars.

use std::sync::{Arc, OnceLock};

use roster::{
    app::App,
    config::Config,
    db::{Db, companies},
    directory::Role,
    hris::providers::Providers,
};
use sqlx::Connection;

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

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Drops databases whose test process is gone, once per process. A database's name carries its
/// process id, so test processes running side by side never drop each other's.
async fn clean_old_test_databases(admin: &str) {
    static DONE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    DONE.get_or_init(|| async {
        let mut conn = sqlx::PgConnection::connect(admin).await.expect(
            "PostgreSQL is needed for the postgres tests: start it or set TEST_DATABASE_URL",
        );
        let names: Vec<String> = sqlx::query_scalar(
            "select datname from pg_database where datname like 'roster_test_%'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for n in names.into_iter().filter(|n| !owner_alive(n)) {
            drop_database(&mut conn, &n).await;
        }
    })
    .await;
}

/// Whether the process named in `roster_test_<pid>_<random>` still runs.
fn owner_alive(name: &str) -> bool {
    name.strip_prefix("roster_test_")
        .and_then(|rest| rest.split('_').next())
        .and_then(|pid| pid.parse::<u32>().ok())
        .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
}

async fn drop_database(conn: &mut sqlx::PgConnection, name: &str) {
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "drop database if exists \"{name}\" with (force)"
    )))
    .execute(conn)
    .await;
}

/// Drops a test's PostgreSQL database when the test's app goes away.
pub struct DropDatabase(pub String);

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let name = std::mem::take(&mut self.0);
        // Its own thread and runtime: Drop cannot await, and the test's runtime is ending.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                    drop_database(&mut conn, &name).await;
                }
            });
        })
        .join();
    }
}

/// A fresh, migrated database on `backend`, and the data folder it lives in.
pub async fn fresh_db(backend: Backend) -> (Db, tempfile::TempDir, Option<String>) {
    let (dir, url) = fresh_database(backend).await;
    let config = Config::for_data_dir(dir.path().to_path_buf(), url.clone());
    let db = Db::connect(&config.database()).await.unwrap();
    db.migrate().await.unwrap();
    (db, dir, url)
}

/// A data folder, and on PostgreSQL the URL of a new empty database (SQLite lives in the folder).
pub async fn fresh_database(backend: Backend) -> (tempfile::TempDir, Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let url = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let admin = postgres_admin_url();
            clean_old_test_databases(&admin).await;
            let name = format!(
                "roster_test_{}_{:012x}",
                std::process::id(),
                rand::random::<u64>() >> 16
            );
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("create database \"{name}\"")))
                .execute(&mut conn)
                .await
                .unwrap();
            let mut u = url::Url::parse(&admin).unwrap();
            u.set_path(&name);
            Some(u.to_string())
        }
    };
    (dir, url)
}

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

pub async fn create_company(db: &Db, slug: &str, name: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = companies::create(&mut tx, slug, name, "Europe/Berlin")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn add_login(db: &Db, slug: &str, email: &str, role: Role, first: &str, last: &str) {
    roster::cli::create_login(
        db,
        slug,
        email,
        role,
        Some(first.into()),
        Some(last.into()),
        PASSWORD,
    )
    .await
    .unwrap();
}

pub struct Client {
    pub http: reqwest::Client,
    base: String,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }
    /// The trimmed text of every element matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(selector).unwrap();
        self.html()
            .select(&sel)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
    pub fn text(&self, selector: &str) -> String {
        self.texts(selector).join(" | ")
    }
}

fn csrf_of(body: &str) -> Option<String> {
    static RE: OnceLock<String> = OnceLock::new();
    let marker = RE.get_or_init(|| "name=\"csrf\" value=\"".to_string());
    let start = body.find(marker.as_str())? + marker.len();
    Some(body[start..].split('"').next()?.to_string())
}

impl Client {
    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .http
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap();
        Self::page(res).await
    }

    async fn page(res: reqwest::Response) -> Page {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let location = headers
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        Page {
            status,
            location,
            headers,
            body: res.text().await.unwrap(),
        }
    }

    /// The session's CSRF token, read from a page as a browser would.
    pub async fn csrf(&self) -> String {
        for path in ["/people", "/login"] {
            let p = self.get(path).await;
            if let Some(t) = csrf_of(&p.body) {
                return t;
            }
        }
        panic!("no CSRF token on any page");
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", &token)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let res = self
            .http
            .post(format!("{}{}", self.base, path))
            .form(fields)
            .send()
            .await
            .unwrap();
        Self::page(res).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Page {
        self.post(
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("next", "/people"),
            ],
        )
        .await
    }
}

/// A sync context pointed at local fakes: no pacing, short timeouts, small pages.
pub fn sync_context(
    app: &TestApp,
    personio: Option<&str>,
    kiwihr: Option<&str>,
    page_size: u32,
) -> roster::sync::run::SyncContext {
    roster::sync::run::SyncContext {
        db: app.db.clone(),
        providers: roster::hris::providers::Providers::for_tests(
            personio.map(|u| url::Url::parse(u).unwrap()),
            kiwihr.map(|u| url::Url::parse(u).unwrap()),
            Some(page_size),
        ),
        secrets: Arc::new(roster::crypto::SecretBox::from_bytes([42; 32])),
    }
}

/// Makes a run's heartbeat five minutes old, as if its process had died that long ago.
pub async fn age_heartbeat(db: &Db, run_id: i64) {
    let stale = roster::db::now() - time::Duration::minutes(5);
    roster::on_db!(db, p => sqlx::query("update sync_runs set heartbeat_at = $1 where id = $2")
        .bind(stale).bind(run_id).execute(p).await.map(|r| r.rows_affected()).unwrap());
}

/// Worker timings for tests: fast polls and retries, no morning scheduler.
pub fn worker_settings_for_tests() -> roster::worker::WorkerSettings {
    roster::worker::WorkerSettings {
        concurrency: 2,
        heartbeat: std::time::Duration::from_secs(1),
        poll: std::time::Duration::from_millis(100),
        retry_poll: std::time::Duration::from_millis(200),
        retry_base: std::time::Duration::from_secs(1),
        busy_retry: std::time::Duration::from_secs(1),
        schedule: false,
        schedule_every: std::time::Duration::from_secs(3600),
        grace: std::time::Duration::from_secs(5),
        give_up_after: std::time::Duration::from_secs(600),
        max_queue_wait: std::time::Duration::from_secs(900),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.worker.take() {
            let _ = stop.send(true);
        }
    }
}
