//! The data folder is 0700 and the database, its WAL and SHM and the key file are 0600, for a
//! new install and for an older one whose files were readable by everyone.

use std::{os::unix::fs::PermissionsExt, path::Path};

use roster::{config::Config, crypto::SecretBox, db::Db};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn chmod(p: &Path, m: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

async fn open_and_write(data: &Path) -> Db {
    let config = Config::for_data_dir(data.to_path_buf(), None);
    let db = Db::connect(&config.database()).await.unwrap();
    db.migrate().await.unwrap();
    let _ = SecretBox::load(None, data).unwrap();
    db
}

fn assert_private(data: &Path) {
    assert_eq!(mode(data), 0o700, "data folder");
    for f in [
        "roster.sqlite",
        "roster.sqlite-wal",
        "roster.sqlite-shm",
        "secret.key",
    ] {
        assert_eq!(mode(&data.join(f)), 0o600, "{f}");
    }
}

#[tokio::test]
async fn a_new_data_folder_and_its_files_are_private() {
    let tmp = tempfile::tempdir().unwrap();
    chmod(tmp.path(), 0o755);
    let data = tmp.path().join("roster-data");
    let db = open_and_write(&data).await;
    assert_private(&data);
    db.close().await;
}

#[tokio::test]
async fn an_older_install_readable_by_everyone_is_tightened_on_start() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("roster-data");
    let db = open_and_write(&data).await;
    chmod(&data, 0o755);
    for f in [
        "roster.sqlite",
        "roster.sqlite-wal",
        "roster.sqlite-shm",
        "secret.key",
    ] {
        chmod(&data.join(f), 0o644);
    }
    let again = open_and_write(&data).await;
    assert_private(&data);
    db.close().await;
    again.close().await;
}

#[tokio::test]
async fn a_shared_sticky_folder_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let shared = tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    chmod(&shared, 0o1777);
    let db = open_and_write(&shared).await;
    assert_eq!(mode(&shared) | 0o1000, 0o1777, "not ours to change");
    assert_eq!(mode(&shared.join("roster.sqlite")), 0o600);
    db.close().await;
}
