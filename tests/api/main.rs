//! One integration-test binary: every test starts the real app on 127.0.0.1:0 against a fresh
//! database and talks HTTP to it. `backends!` runs each scenario on SQLite and on PostgreSQL.

mod helpers;
mod smtp_server;
mod tcp_proxy;

mod access;
mod alerts;
mod auth;
mod browser;
mod browser_fields;
mod browser_history;
mod browser_mail;
mod browser_mapping;
mod browser_pages;
mod browser_person;
mod browser_review;
mod browser_rules;
mod cli;
mod crash;
mod custom_fields;
mod directory;
mod double_sync;
mod error_pages;
mod faults_postgres;
mod faults_sqlite;
mod field_mapping;
mod field_mapping_cli;
mod file_modes;
mod forms;
mod hris_data;
mod http_timeouts;
mod inputs;
mod integrations;
mod mail;
mod run_closing;
mod run_lifecycle;
mod scoping;
mod security;
mod sessions;
mod shared_pacing;
mod sync;
mod sync_kiwihr;
mod sync_rules;
mod throttle;
mod transactions;
mod worker;
