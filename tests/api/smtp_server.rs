//! A real SMTP server for the mail tests: Python's aiosmtpd (installed by `.ci/run`) on
//! 127.0.0.1, writing every message it accepts into a Maildir the test reads. Also starts the
//! app's mail sender against it, as `roster serve` does.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use roster::mail::MailConfig;

use crate::helpers::TestApp;

/// A free port on 127.0.0.1 (bound and released; the SMTP server takes it right after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// One message as the server received it.
pub struct Delivered {
    pub raw: Vec<u8>,
}

impl Delivered {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("the SMTP server received a parseable message")
    }
    pub fn to(&self) -> String {
        self.parsed()
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_string()
    }
    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_string()
    }
    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }
    pub fn html(&self) -> String {
        self.parsed()
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }
    /// The first link in the plain-text part.
    pub fn link(&self) -> String {
        let text = self.text();
        let start = text.find("http").expect("the mail has a link");
        text[start..].split_whitespace().next().unwrap().to_string()
    }
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        Self::start_on(free_port()).await
    }

    /// Starts aiosmtpd on `port` and waits until it accepts connections.
    pub async fn start_on(port: u16) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd is needed for the mail tests (.ci/run installs it)");
        let server = SmtpServer {
            port,
            dir,
            child: Some(child),
        };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not start on port {port}");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir").join("new")
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Delivered> {
        let Ok(entries) = std::fs::read_dir(self.maildir()) else {
            return vec![];
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).collect();
        files.sort_by_key(|e| e.metadata().and_then(|m| m.modified()).ok());
        files
            .into_iter()
            .map(|e| Delivered {
                raw: std::fs::read(e.path()).unwrap(),
            })
            .collect()
    }

    /// Waits (up to 20 s) until at least `n` messages arrived, and returns all of them.
    pub async fn wait_for(&self, n: usize) -> Vec<Delivered> {
        for _ in 0..200 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "expected {n} messages at the SMTP server, got {}",
            self.messages().len()
        );
    }

    /// Waits for the one message sent to `to` (and fails if there are more).
    pub async fn wait_for_one_to(&self, to: &str) -> Delivered {
        for _ in 0..200 {
            let mut got: Vec<_> = self
                .messages()
                .into_iter()
                .filter(|m| m.to() == to)
                .collect();
            if got.len() == 1 {
                return got.remove(0);
            }
            assert!(got.len() < 2, "{to} got {} messages", got.len());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no message to {to} at the SMTP server");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The mail settings a test app uses: this SMTP URL, links to the app itself, fast retries.
pub fn mail_config(app: &TestApp, smtp_url: &str) -> MailConfig {
    MailConfig {
        smtp_url: Some(smtp_url.parse().unwrap()),
        mail_from: Some("Roster <roster@acme.test>".parse().unwrap()),
        public_url: Some(app.url("/").parse().unwrap()),
        mail_retry_base_secs: 1,
        mail_poll_ms: 100,
    }
}

/// The app's mail sender, running until dropped.
pub struct Sender(tokio::sync::watch::Sender<bool>);

impl Drop for Sender {
    fn drop(&mut self) {
        let _ = self.0.send(true);
    }
}

pub fn start_sender(app: &TestApp, smtp_url: &str) -> Sender {
    let (stop, rx) = tokio::sync::watch::channel(false);
    let config = mail_config(app, smtp_url);
    tokio::spawn(roster::mail::sender::run(
        app.db.clone(),
        config,
        app.addr,
        rx,
    ));
    Sender(stop)
}
