//! One-time tokens: 256 random bits in the link, only their SHA-256 in the database, so a
//! copy of the database does not let anyone in.

use sha2::{Digest, Sha256};

use crate::mail::Token;

/// A fresh token and the hash to store.
pub fn new_token() -> (Token, String) {
    let raw = hex::encode(rand::random::<[u8; 32]>());
    let hash = hash_token(&raw);
    (Token(raw), hash)
}

pub fn hash_token(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_only_their_hash_is_kept() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.0.len(), 64);
        assert_eq!(hash_token(&a.0), ha);
        assert_ne!(ha, a.0);
    }
}
