//! Roster: a self-hostable people directory that stays in line with an HRIS.
//!
//! The shape, from the outside in:
//! - `cli` parses the command line; every subcommand is a small function over the library.
//! - `web` serves the pages (one route table, guards as extractors), `worker` runs background jobs.
//! - [`hris`] turns provider JSON into our own [`hris::Snapshot`]; `fake` serves fake providers.
//! - `sync` is the one sync path: fetch → reconcile (pure) → guard → apply (one transaction).
//! - [`directory`] holds the people/groups domain types, `db` the queries on SQLite or PostgreSQL.

pub mod directory;
pub mod hris;
pub mod sync;
