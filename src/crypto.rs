//! Encryption of stored HRIS credentials: AES-256-GCM with a key from `ROSTER_SECRET_KEY` (64 hex
//! characters) or, when that is unset, a key file created on first run in the data folder.
//! Each ciphertext is bound to its company and provider (associated data), so a row copied to
//! another company does not decrypt.

use std::{fmt, io::Write, path::Path};

use aes_gcm::{
    Aes256Gcm, Nonce,
    aead::{Aead, Key, KeyInit, Payload},
};
use anyhow::{Context, bail};

const KEY_FILE: &str = "secret.key";

/// The key that seals and opens stored credentials. Its `Debug` shows only the key id.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
    key_id: String,
}

impl fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBox(key {})", self.key_id)
    }
}

/// A sealed value as stored: ciphertext, nonce, and which key sealed it.
pub struct Sealed {
    pub ciphertext: Vec<u8>,
    pub nonce: Vec<u8>,
    pub key_id: String,
}

fn parse_hex_key(hex_key: &str) -> anyhow::Result<[u8; 32]> {
    let bytes =
        hex::decode(hex_key.trim()).context("the secret key must be 64 hexadecimal characters")?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("the secret key must be 64 hexadecimal characters (32 bytes)"))
}

impl SecretBox {
    pub fn from_bytes(key: [u8; 32]) -> SecretBox {
        // The key id names the key without revealing it: a hash prefix of a derived value.
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(key));
        let probe = cipher
            .encrypt(
                &Nonce::from([0u8; 12]),
                Payload {
                    msg: b"roster key id",
                    aad: b"",
                },
            )
            .expect("AES-GCM encrypts a short message");
        SecretBox {
            cipher,
            key_id: hex::encode(&probe[..4]),
        }
    }

    /// `ROSTER_SECRET_KEY` when given, else `<data_dir>/secret.key`, created (mode 0600) if missing.
    pub fn load(env_key: Option<&str>, data_dir: &Path) -> anyhow::Result<SecretBox> {
        if let Some(k) = env_key.filter(|k| !k.trim().is_empty()) {
            return Ok(SecretBox::from_bytes(parse_hex_key(k)?));
        }
        let path = data_dir.join(KEY_FILE);
        if path.exists() {
            crate::db::private::file(&path)?;
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("could not read {}", path.display()))?;
            return Ok(SecretBox::from_bytes(
                parse_hex_key(&text).with_context(|| format!("{} is damaged", path.display()))?,
            ));
        }
        crate::db::private::folder(data_dir)?;
        let key: [u8; 32] = rand::random();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(&path)
            .with_context(|| format!("could not create the key file {}", path.display()))?;
        f.write_all(hex::encode(key).as_bytes())?;
        f.sync_all()?;
        tracing::info!(path = %path.display(), "created a new key for stored credentials; back it up with the database");
        Ok(SecretBox::from_bytes(key))
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn seal(&self, plaintext: &[u8], context: &str) -> Sealed {
        let nonce_bytes: [u8; 12] = rand::random();
        let ciphertext = self
            .cipher
            .encrypt(
                &Nonce::from(nonce_bytes),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .expect("AES-GCM encryption does not fail for in-memory buffers");
        Sealed {
            ciphertext,
            nonce: nonce_bytes.to_vec(),
            key_id: self.key_id.clone(),
        }
    }

    pub fn open(&self, sealed: &Sealed, context: &str) -> anyhow::Result<Vec<u8>> {
        if sealed.key_id != self.key_id {
            bail!(
                "the stored credentials were encrypted with another key ({}, this server has {}): set the same ROSTER_SECRET_KEY on every process, or reconnect",
                sealed.key_id,
                self.key_id
            );
        }
        let nonce: [u8; 12] = sealed
            .nonce
            .as_slice()
            .try_into()
            .context("damaged nonce")?;
        self.cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: &sealed.ciphertext, aad: context.as_bytes() })
            .map_err(|_| anyhow::anyhow!("the stored credentials could not be decrypted (damaged, or moved from another company): reconnect"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_credentials_open_only_with_their_key_and_context() {
        let b = SecretBox::from_bytes([7; 32]);
        let s = b.seal(b"client secret", "company 1 personio");
        assert!(!s.ciphertext.windows(6).any(|w| w == b"client"));
        assert_eq!(b.open(&s, "company 1 personio").unwrap(), b"client secret");
        assert!(
            b.open(&s, "company 2 personio").is_err(),
            "bound to its company"
        );
        let other = SecretBox::from_bytes([8; 32]);
        assert!(
            other
                .open(&s, "company 1 personio")
                .unwrap_err()
                .to_string()
                .contains("another key")
        );
        assert!(!format!("{b:?}").contains("0707"));
    }

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = SecretBox::load(None, dir.path()).unwrap();
        let b = SecretBox::load(None, dir.path()).unwrap();
        assert_eq!(a.key_id(), b.key_id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let env = SecretBox::load(Some(&"ab".repeat(32)), dir.path()).unwrap();
        assert_ne!(env.key_id(), a.key_id());
        assert!(SecretBox::load(Some("short"), dir.path()).is_err());
    }
}
