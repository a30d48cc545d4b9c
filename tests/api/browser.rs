//! A person at a real browser: headless Chromium (Debian's `chromium` + `chromium-driver`) logs
//! in as a company manager, opens the directory, searches for a person and opens their page.

use std::{process::Stdio, time::Duration};

use fantoccini::{ClientBuilder, Locator};

use crate::helpers::*;

/// A chromedriver child process on a free port, killed on drop.
pub struct Driver {
    child: std::process::Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let child = std::process::Command::new(&bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("could not start {bin} (apt-get install chromium chromium-driver): {e}")
        });
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Driver {
        child,
        url,
        _profile: tempfile::tempdir().unwrap(),
    }
}

pub async fn browser() -> (fantoccini::Client, Driver) {
    let driver = start_driver().await;
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--disable-quic", "--window-size=1280,900",
                     format!("--user-data-dir={}", driver._profile.path().display())]
        }),
    );
    let client = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("chromedriver session");
    (client, driver)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_logs_in_searches_and_opens_a_person() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let m = app.manager().await;
    m.post(
        "/people",
        &[
            ("first_name", "Lena"),
            ("last_name", "Hoffmann"),
            ("email", "lena@acme.test"),
            ("position", "Backend Engineer"),
            ("active", "1"),
        ],
    )
    .await;
    m.post(
        "/people",
        &[
            ("first_name", "Tomas"),
            ("last_name", "Weber"),
            ("email", "tomas@acme.test"),
            ("active", "1"),
        ],
    )
    .await;

    let (b, _driver) = browser().await;
    b.goto(&app.url("/people")).await.unwrap();
    // Sent to the login page first.
    assert!(b.current_url().await.unwrap().path().starts_with("/login"));
    b.find(Locator::Css("input[name=email]"))
        .await
        .unwrap()
        .send_keys(&app.manager_email)
        .await
        .unwrap();
    b.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    b.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("table.people"))
        .await
        .unwrap();
    assert_eq!(b.current_url().await.unwrap().path(), "/people");

    b.find(Locator::Css("input[name=q]"))
        .await
        .unwrap()
        .send_keys("hoff")
        .await
        .unwrap();
    b.find(Locator::Css("form.filters button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("p.count")).await.unwrap();
    let count = b
        .find(Locator::Css("p.count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count, "1 person");

    b.find(Locator::LinkText("Lena Hoffmann"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("dl.facts"))
        .await
        .unwrap();
    let h1 = b
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Lena Hoffmann");
    let facts = b
        .find(Locator::Css("dl.facts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(facts.contains("Backend Engineer"), "{facts}");

    if let Ok(dir) = std::env::var("ROSTER_SCREENSHOTS") {
        let png = b.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/person.png"), png).unwrap();
    }
    b.close().await.unwrap();
}
