//! The Personio client against the fake Personio, over real HTTP on 127.0.0.1.

mod auth;
mod helpers;
mod pagination;
mod parsing;
mod transport;
mod verify;
