//! Password verification that reuses its argon2 memory.
//!
//! `PasswordVerifier::verify_password` allocates the hash's whole memory (19 MiB at our
//! parameters) for every check and frees it after. glibc's malloc then raises its mmap threshold
//! and keeps those blocks inside the thread's arena, where interleaved small allocations stop them
//! from being returned: 200 concurrent logins left the process ~370 MB larger for good, even with
//! only two checks running at a time (`cargo bench --bench sync -- --logins`, figure 10). Here
//! each thread keeps one block buffer, grown to the largest hash it has verified, and hashes into
//! it with `Argon2::hash_password_into_with_memory`; the comparison is constant-time (`subtle`).
//! Only the memory handling is ours: parsing, parameters and hashing are the argon2 crate's.

use std::cell::RefCell;

use argon2::{Algorithm, Argon2, Block, Params, Version, password_hash::phc::PasswordHash};
use subtle::ConstantTimeEq;

thread_local! {
    /// This thread's argon2 memory, reused by every check it runs.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Whether `password` matches the PHC string `phc` (any argon2 variant, version and parameters
/// written in it). A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm.as_str()) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let needed = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.as_bytes().len()];
    let hashed = BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        argon2.hash_password_into_with_memory(
            password.as_bytes(),
            salt.as_ref(),
            &mut out,
            &mut blocks[..needed],
        )
    });
    hashed.is_ok() && bool::from(out.ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use argon2::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[test]
    fn agrees_with_the_crates_own_verifier_for_every_variant() {
        for (alg, m, t) in [
            (Algorithm::Argon2id, 19_456, 2),
            (Algorithm::Argon2id, 8_192, 3),
            (Algorithm::Argon2i, 4_096, 3),
            (Algorithm::Argon2d, 1_024, 1),
        ] {
            let a = Argon2::new(alg, Version::V0x13, Params::new(m, t, 1, None).unwrap());
            let phc = a
                .hash_password(b"correct horse battery")
                .unwrap()
                .to_string();
            let parsed = PasswordHash::new(&phc).unwrap();
            for (guess, right) in [
                ("correct horse battery", true),
                ("correct horse batterY", false),
                ("", false),
            ] {
                assert_eq!(verify(guess, &phc), right, "{alg:?} m={m} {guess:?}");
                assert_eq!(a.verify_password(guess.as_bytes(), &parsed).is_ok(), right);
            }
        }
        // The buffer grew to the largest and stays usable for smaller hashes.
        assert!(BLOCKS.with_borrow(|b| b.len()) >= 19_456);
        assert!(!verify("x", "not a phc string"));
        assert!(!verify("x", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ"));
    }
}
