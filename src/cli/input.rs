//! Secrets and passwords read from standard input, never from the command line (where `ps`
//! and the shell history would show them).

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};

/// One line of standard input, trimmed; an empty one is an error naming `what`.
pub fn read_secret(what: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("{what} (input is shown; pipe it in to keep it off the screen):");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .with_context(|| format!("could not read the {what} from standard input"))?;
    let secret = line.trim().to_string();
    if secret.is_empty() {
        bail!("the {what} is empty");
    }
    Ok(secret)
}

/// A password from standard input: only the line ending is removed (spaces are part of it).
pub fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("Password (input is shown; pipe it in to keep it off the screen):");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("could not read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.chars().count() < crate::auth::MIN_PASSWORD_LEN {
        bail!(
            "the password must have at least {} characters",
            crate::auth::MIN_PASSWORD_LEN
        );
    }
    Ok(password)
}
