//! The data folder and its files are readable by Roster's user only: the SQLite database holds
//! live session ids and password hashes. The folder is 0700; the database 0600, and SQLite
//! creates its WAL and SHM files with the database file's mode. Folders and files from an older
//! install are tightened on start.

use std::path::Path;

use anyhow::Context;

/// Creates `dir` (mode 0700) if missing, else tightens it to 0700, unless it is a shared
/// folder with the sticky bit (such as /tmp), which is not ours to change.
pub fn folder(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(dir)
            .with_context(|| format!("could not create the data folder {}", dir.display()))?;
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o1000 == 0 && mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .with_context(|| format!("could not make {} private", dir.display()))?;
        }
    }
    Ok(())
}

/// Creates the SQLite database file (mode 0600) if missing, and tightens an existing database,
/// WAL and SHM file to 0600.
pub fn database_files(db: &Path) -> anyhow::Result<()> {
    if !db.exists() {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        opts.open(db)
            .with_context(|| format!("could not create the database {}", db.display()))?;
    }
    let name = db.as_os_str().to_owned();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = name.clone();
        p.push(suffix);
        file(Path::new(&p))?;
    }
    Ok(())
}

/// Tightens an existing file to 0600 (a missing one is fine). One already 0600 is left alone,
/// so a write-protected database file does not stop the start (`/readyz` says it is read-only).
pub fn file(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o777 == 0o600 {
            return Ok(());
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("could not make {} private", path.display()))?;
    }
    let _ = path;
    Ok(())
}
