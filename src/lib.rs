//! Roster: a self-hostable people directory that stays in line with an HRIS.
//!
//! The shape, from the outside in:
//! - [`cli`] parses the command line; every subcommand is a small function over the library.
//! - [`app`] is the composition root: [`app::App::build`] wires a process from its configuration.
//! - [`web`] serves the pages (one route table, guards as extractors), [`worker`] runs background jobs.
//! - [`hris`] turns provider JSON into our own [`hris::Snapshot`].
//! - [`directory`] holds the people/groups domain types, [`db`] the queries on SQLite or PostgreSQL.

pub mod access;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod directory;
pub mod failpoint;
pub mod fake;
pub mod hris;
pub mod integrations;
pub mod jobs;
pub mod mail;
pub mod readiness;
pub mod session_store;
pub mod sync;
pub mod web;
pub mod worker;
