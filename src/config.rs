//! Run-time configuration: every option comes from a flag or a `ROSTER_*` environment variable.

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

use clap::Args;

/// Options shared by every subcommand that touches the database or serves pages.
#[derive(Args, Clone)]
pub struct Config {
    /// Address the web server listens on.
    #[arg(
        long,
        env = "ROSTER_BIND",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub bind: SocketAddr,

    /// Folder for the SQLite database and the encryption key file (created if missing).
    #[arg(
        long,
        env = "ROSTER_DATA_DIR",
        default_value = "./roster-data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// PostgreSQL URL (postgres://user:pass@host/db) for scale-out; when unset Roster uses SQLite
    /// in the data folder. The password never appears in logs.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Set when Roster is served over HTTPS (directly or behind a TLS proxy): cookies get the
    /// `Secure` flag and responses carry HSTS.
    #[arg(long, env = "ROSTER_TLS", default_value_t = false, global = true)]
    pub tls: bool,

    /// Log out after this many minutes without a request.
    #[arg(
        long,
        env = "ROSTER_SESSION_IDLE_MINUTES",
        default_value_t = 120,
        global = true
    )]
    pub session_idle_minutes: u32,

    /// Log out this many hours after login, however active the session is.
    #[arg(
        long,
        env = "ROSTER_SESSION_MAX_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_max_hours: u32,

    /// Idle timeout in seconds, overriding `--session-idle-minutes` (tests use a few seconds).
    #[arg(long, env = "ROSTER_SESSION_IDLE_SECONDS", global = true, hide = true)]
    pub session_idle_seconds: Option<u32>,

    /// Password checks (argon2) that may run at once; default: one per CPU core.
    #[arg(long, env = "ROSTER_PASSWORD_CHECKS", global = true)]
    pub password_checks: Option<usize>,

    /// How long a login waits for a free password check before "busy, try again" (503).
    #[arg(
        long,
        env = "ROSTER_PASSWORD_WAIT_MS",
        default_value_t = 2000,
        global = true
    )]
    pub password_wait_ms: u64,

    /// Key for stored HRIS credentials: 64 hex characters (e.g. `openssl rand -hex 32`). When
    /// unset, a key file is created in the data folder; several machines sharing PostgreSQL need
    /// the same key.
    #[arg(long, env = "ROSTER_SECRET_KEY", global = true, hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Operator override of the Personio API root (tests, demo, a proxy). Never taken from a form.
    #[arg(long, env = "ROSTER_PERSONIO_BASE_URL", global = true)]
    pub personio_base_url: Option<url::Url>,

    /// Operator override of the kiwiHR GraphQL endpoint (tests, demo). The URL a customer types is
    /// still validated and stored; every kiwiHR call goes here instead.
    #[arg(long, env = "ROSTER_KIWIHR_ENDPOINT", global = true)]
    pub kiwihr_endpoint: Option<url::Url>,

    /// Seconds a client may take to send a request's head (from its first byte, or from opening
    /// the connection); a slower one is disconnected.
    #[arg(
        long,
        env = "ROSTER_HTTP_HEADER_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub http_header_timeout_secs: u64,

    /// Seconds a kept-alive connection may stay without a request before it is closed.
    #[arg(
        long,
        env = "ROSTER_HTTP_IDLE_TIMEOUT_SECS",
        default_value_t = 60,
        global = true
    )]
    pub http_idle_timeout_secs: u64,

    /// Seconds a request may take to be handled (its body included) before it is answered 503.
    #[arg(
        long,
        env = "ROSTER_HTTP_REQUEST_TIMEOUT_SECS",
        default_value_t = 120,
        global = true
    )]
    pub http_request_timeout_secs: u64,

    #[command(flatten)]
    pub mail: crate::mail::MailConfig,
}

impl Config {
    /// The database to use: `DATABASE_URL` when set, else `<data-dir>/roster.sqlite`.
    pub fn database(&self) -> DatabaseUrl {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => DatabaseUrl(url.trim().to_string()),
            _ => DatabaseUrl(format!(
                "sqlite://{}",
                self.data_dir.join("roster.sqlite").display()
            )),
        }
    }
    pub fn session_idle(&self) -> Duration {
        match self.session_idle_seconds {
            Some(s) => Duration::from_secs(u64::from(s)),
            None => Duration::from_secs(u64::from(self.session_idle_minutes) * 60),
        }
    }
    pub fn session_max(&self) -> Duration {
        Duration::from_secs(u64::from(self.session_max_hours) * 3600)
    }
    /// The bound on concurrent password checks this configuration asks for.
    pub fn password_checks(&self) -> crate::auth::PasswordChecks {
        let wait = Duration::from_millis(self.password_wait_ms);
        match self.password_checks {
            Some(n) => crate::auth::PasswordChecks::new(n, wait),
            None => crate::auth::PasswordChecks::for_this_machine(wait),
        }
    }
    /// The web server's timeouts (each at least one second).
    pub fn http_timeouts(&self) -> crate::web::serve::Timeouts {
        let secs = |s: u64| Duration::from_secs(s.max(1));
        crate::web::serve::Timeouts {
            header: secs(self.http_header_timeout_secs),
            idle: secs(self.http_idle_timeout_secs),
            request: secs(self.http_request_timeout_secs),
        }
    }
    /// A configuration for tests and tools: given data folder, defaults elsewhere.
    pub fn for_data_dir(data_dir: PathBuf, database_url: Option<String>) -> Config {
        Config {
            bind: "127.0.0.1:0".parse().expect("literal address"),
            data_dir,
            database_url,
            tls: false,
            session_idle_minutes: 120,
            session_max_hours: 12,
            session_idle_seconds: None,
            password_checks: None,
            password_wait_ms: 2000,
            secret_key: None,
            personio_base_url: None,
            kiwihr_endpoint: None,
            http_header_timeout_secs: 10,
            http_idle_timeout_secs: 60,
            http_request_timeout_secs: 120,
            mail: crate::mail::MailConfig::default(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database())
            .field("tls", &self.tls)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("session_max_hours", &self.session_max_hours)
            .field("session_idle_seconds", &self.session_idle_seconds)
            .field("password_checks", &self.password_checks)
            .field("password_wait_ms", &self.password_wait_ms)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field(
                "personio_base_url",
                &self.personio_base_url.as_ref().map(|u| u.as_str()),
            )
            .field(
                "kiwihr_endpoint",
                &self.kiwihr_endpoint.as_ref().map(|u| u.as_str()),
            )
            .field("http_timeouts", &self.http_timeouts())
            .field("mail", &self.mail)
            .finish()
    }
}

/// A database URL whose `Debug` and `Display` hide the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> DatabaseUrl {
        DatabaseUrl(url.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")
    }
    /// The URL with any password replaced by `***`, safe to log.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("***"));
                u.to_string()
            }
            Ok(_) => self.0.clone(),
            Err(_) => "<unparseable database URL>".to_string(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_password_never_shows_in_debug() {
        let mut c = Config::for_data_dir(
            "/tmp/x".into(),
            Some("postgres://roster:hunter2@db:5432/roster".into()),
        );
        c.secret_key = Some("deadbeef".repeat(8));
        let shown = format!("{c:?} {}", c.database());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("deadbeef"), "{shown}");
        assert!(
            shown.contains("postgres://roster:***@db:5432/roster"),
            "{shown}"
        );
    }

    #[test]
    fn sqlite_lives_in_the_data_folder_by_default() {
        let c = Config::for_data_dir("/srv/roster".into(), None);
        assert_eq!(c.database().expose(), "sqlite:///srv/roster/roster.sqlite");
        assert!(!c.database().is_postgres());
    }
}
