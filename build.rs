//! Rebuilds when a migration changes: `sqlx::migrate!` embeds the `migrations` folder at compile
//! time, and without this line cargo would keep a binary with the old migrations (sqlx's own
//! advice, `sqlx migrate build-script`).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
