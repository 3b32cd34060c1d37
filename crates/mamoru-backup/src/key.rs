//! The key file of a new repository, derived at restic's cost instead of rustic's.
//!
//! rustic writes every key with scrypt N=2^17, r=8, p=1: 128 MiB for each derivation, which
//! every command pays when it opens the repository and which alone put Mamoru's peak memory
//! above restic's on every operation (and took about 0.6 s of each run). restic 0.14
//! calibrates its keys to at most 60 MiB and half a second; on a 2-core server it chooses
//! N=2^15, r=8, p=5. The key written here uses those parameters, in restic's key-file format,
//! so restic and rustic open it as any other key; an attacker's time per guess stays about the
//! same. Repositories made before keep their keys.

use aes256ctr_poly1305aes::aead::AeadInPlace;
use aes256ctr_poly1305aes::{Aes256CtrPoly1305Aes, Key, Nonce};
use rand::RngCore;
use rustic_core::repofile::{FileType, KeyFile};
use rustic_core::{Credentials, Id, OpenStatus, Repository, WriteBackend};
use sha2::{Digest, Sha256};

/// log₂ N, r and p: restic's calibrated scrypt on the benchmark machine (2 cores).
const LOG_N: u8 = 15;
const R: u32 = 8;
const P: u32 = 5;

/// Replaces the key rustic wrote at init with one of restic's cost for the same master key and
/// password. Returns the new key file's id.
pub(crate) fn use_restic_cost(
    backend: &dyn WriteBackend,
    repo: &Repository<OpenStatus>,
    credentials: &Credentials,
) -> Result<Id, String> {
    let Credentials::Password(password) = credentials else {
        return Err("a key file needs a password".into());
    };
    let file = key_file(password, &serde_json::to_vec(&repo.key()).map_err(|e| e.to_string())?)?;
    let bytes = serde_json::to_vec(&file).map_err(|e| e.to_string())?;
    let id: Id =
        format!("{:x}", Sha256::digest(&bytes)).parse().map_err(|e: Box<rustic_core::RusticError>| e.to_string())?;
    backend.write_bytes(FileType::Key, &id, false, bytes.into()).map_err(|e| e.to_string())?;
    if let Some(old) = repo.key_id() {
        backend.remove(FileType::Key, old, false).map_err(|e| e.to_string())?;
    }
    Ok(id)
}

/// A key file holding `master` (the master key as JSON) encrypted with a key derived from
/// `password`: restic's format, 64 random bytes of salt, AES-256-CTR with Poly1305-AES.
fn key_file(password: &str, master: &[u8]) -> Result<KeyFile, String> {
    let mut rng = rand::thread_rng();
    let mut salt = vec![0u8; 64];
    rng.fill_bytes(&mut salt);
    let params = scrypt::Params::new(LOG_N, R, P).map_err(|e| e.to_string())?;
    let mut derived = [0u8; 64];
    scrypt::scrypt(password.as_bytes(), &salt, &params, &mut derived).map_err(|e| e.to_string())?;
    let mut nonce = Nonce::default();
    rng.fill_bytes(&mut nonce);
    let mut data = nonce.to_vec();
    data.extend_from_slice(master);
    let tag = Aes256CtrPoly1305Aes::new(Key::from_slice(&derived))
        .encrypt_in_place_detached(&nonce, &[], &mut data[16..])
        .map_err(|e| e.to_string())?;
    data.extend_from_slice(&tag);
    Ok(KeyFile {
        hostname: None,
        username: Some("mamoru".to_owned()),
        created: Some(rustic_core::jiff::Zoned::now()),
        kdf: "scrypt".to_owned(),
        n: 1 << LOG_N,
        r: R,
        p: P,
        data,
        salt,
    })
}
