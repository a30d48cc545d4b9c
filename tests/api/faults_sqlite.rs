//! Fault matrix, SQLite: a full disk and a write-protected database file (on a small tmpfs the
//! test mounts, filled, or the file made immutable: root writes a chmod-protected file; CI runs
//! as root, and when mounting is not permitted the test says so and is skipped), then the cause
//! removed: the next writes and the next sync succeed
//! without a restart, and the sync that hit the fault is a failed run that changed nobody.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use roster::{
    db::{people, sync_runs},
    fake::personio::FakePersonio,
    hris::{providers::Credentials, secret::Secret},
    sync::run::{Outcome, Request, Trigger},
};

use crate::helpers::*;

/// A tmpfs of `size` mounted on a fresh folder, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("mount could not run: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Writes zeros to `path` until the disk is full.
fn fill(path: &Path) -> u64 {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    let mut written = 0;
    while f.write_all(&chunk).is_ok() {
        written += chunk.len() as u64;
    }
    // The last partial chunk: byte by byte until nothing more fits.
    while f.write_all(&[0]).is_ok() {
        written += 1;
    }
    let _ = f.sync_all();
    written
}

fn manual(company_id: i64) -> Request {
    Request {
        company_id,
        trigger: Trigger::Manual,
        started_by: None,
        approve: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_fails_the_sync_cleanly_and_everything_works_again_once_space_is_freed() {
    let disk = match Tmpfs::mount("6m") {
        Ok(d) => d,
        Err(e) => {
            println!(
                "SKIPPED a_full_disk_…: cannot mount a tmpfs here ({e}); run as root to test a full disk"
            );
            return;
        }
    };
    let data: PathBuf = disk.path().join("data");
    let fake = FakePersonio::builder().people(40).seed(6).start().await;
    let mut app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.data_dir = data.clone();
        c.personio_base_url = Some(url::Url::parse(fake.base_url()).unwrap());
    })
    .await;
    let creds = Credentials::Personio {
        client_id: fake.client_id().into(),
        client_secret: Secret::new(fake.client_secret()),
    };
    roster::integrations::connect(&app.ctx, app.company_id, &creds, None)
        .await
        .unwrap();
    app.start_worker();
    let client = app.client();
    let before = people::count(&app.db, app.company_id).await.unwrap();

    let filler = disk.path().join("filler");
    let filled = fill(&filler);
    println!("filled the disk with {filled} bytes");
    let report = roster::sync::run::run(&app.ctx, &manual(app.company_id)).await;
    match &report {
        Ok(r) => {
            assert_eq!(r.outcome, Outcome::Failed, "{r:?}");
            let m = r.message.clone().unwrap_or_default();
            assert!(m.contains("the database disk is full"), "{m}");
        }
        // The disk is too full even to record the failure: the run ends stale, nothing applied.
        Err(e) => println!("the sync could not even record its failure: {e}"),
    }
    assert_eq!(
        people::count(&app.db, app.company_id).await.unwrap(),
        before,
        "nothing applied"
    );
    let ready = client.get("/readyz").await;
    println!("readyz on a full disk: {} {}", ready.status, ready.body);
    for _ in 0..10 {
        // Logins write (attempts, sessions): they fail while the disk is full.
        let _ = client.login(&app.manager_email, PASSWORD).await;
    }

    std::fs::remove_file(&filler).unwrap();
    let freed = Instant::now();
    // Every pooled connection is used again: none may be left half-open.
    for i in 0..20 {
        let c = app.client();
        let res = c.login(&app.manager_email, PASSWORD).await;
        assert_eq!(
            res.status, 303,
            "login {i} after space was freed: {}",
            res.body
        );
    }
    let report = roster::sync::run::run(&app.ctx, &manual(app.company_id)).await;
    let report = match report {
        Ok(r) => r,
        Err(e) => panic!("the sync after space was freed did not start: {e}"),
    };
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(report.tally.created, 40);
    assert_eq!(
        people::count(&app.db, app.company_id).await.unwrap(),
        before + 40
    );
    assert_eq!(client.get("/readyz").await.status, 200);
    println!("recovered {:?} after space was freed", freed.elapsed());
    let runs = sync_runs::list(&app.db, app.company_id, 10, 0)
        .await
        .unwrap();
    assert!(
        runs.iter()
            .any(|r| r.state == roster::sync::lifecycle::State::Succeeded)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_fails_cleanly_and_everything_works_again_once_writable() {
    let disk = match Tmpfs::mount("32m") {
        Ok(d) => d,
        Err(e) => {
            println!(
                "SKIPPED a_read_only_…: cannot mount a tmpfs here ({e}); run as root to test a read-only database"
            );
            return;
        }
    };
    let data: PathBuf = disk.path().join("data");
    let fake = FakePersonio::builder().people(30).seed(8).start().await;
    let mut app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.data_dir = data.clone();
        c.personio_base_url = Some(url::Url::parse(fake.base_url()).unwrap());
    })
    .await;
    let creds = Credentials::Personio {
        client_id: fake.client_id().into(),
        client_secret: Secret::new(fake.client_secret()),
    };
    roster::integrations::connect(&app.ctx, app.company_id, &creds, None)
        .await
        .unwrap();
    let before = people::count(&app.db, app.company_id).await.unwrap();

    // Roster starts on a write-protected database file.
    let file = data.join("roster.sqlite");
    let protect = |on: bool| {
        let status = Command::new("chattr")
            .arg(if on { "+i" } else { "-i" })
            .arg(&file)
            .status()
            .unwrap();
        assert!(status.success(), "chattr on {}", file.display());
    };
    protect(true);
    app.restart().await;
    app.start_worker();
    let client = app.client();
    let report = roster::sync::run::run(&app.ctx, &manual(app.company_id)).await;
    // It cannot even record a run; either way nothing is applied.
    println!(
        "sync on a read-only database: {:?}",
        report
            .as_ref()
            .map(|r| r.outcome)
            .map_err(|e| e.to_string())
    );
    assert!(
        !matches!(&report, Ok(r) if r.outcome == Outcome::Succeeded),
        "a sync cannot succeed on a read-only database"
    );
    assert_eq!(
        people::count(&app.db, app.company_id).await.unwrap(),
        before,
        "nothing applied"
    );
    let ready = client.get("/readyz").await;
    assert_eq!(ready.status, 503, "{}", ready.body);
    println!("readyz on a read-only database: {}", ready.body.trim());
    for _ in 0..5 {
        let res = client.login(&app.manager_email, PASSWORD).await;
        assert_ne!(
            res.status, 303,
            "a login writes; it cannot succeed read-only"
        );
    }

    protect(false);
    let writable = Instant::now();
    for i in 0..20 {
        let res = app.client().login(&app.manager_email, PASSWORD).await;
        assert_eq!(res.status, 303, "login {i} once writable: {}", res.body);
    }
    let report = roster::sync::run::run(&app.ctx, &manual(app.company_id))
        .await
        .unwrap_or_else(|e| panic!("the sync once writable did not start: {e}"));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(report.tally.created, 30);
    assert_eq!(
        people::count(&app.db, app.company_id).await.unwrap(),
        before + 30
    );
    assert_eq!(client.get("/readyz").await.status, 200);
    println!(
        "recovered {:?} after the database was writable again",
        writable.elapsed()
    );
}
