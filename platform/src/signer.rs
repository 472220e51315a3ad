//! Pass signing. The platform's Ed25519 keys live only here, sealed in the database
//! with the platform secret; gates get the public halves by key id (`/api/v1/keys`), so
//! a new key can be rolled out while passes signed by the old one keep verifying.

use std::sync::Arc;

use ed25519_dalek::{Signer as _, SigningKey};
use rusqlite::{OptionalExtension, params};
use tongyou_core::api::PublicKey;
use tongyou_core::pass::{Pass, PassError};

use crate::secret::{Secret, SecretError};
use crate::sqlite::SqliteStore;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SignerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sealed(#[from] SecretError),
    #[error("a stored signing key is unusable")]
    BadKey,
    #[error(transparent)]
    Pass(#[from] PassError),
}

impl From<rusqlite::Error> for SignerError {
    fn from(e: rusqlite::Error) -> Self {
        SignerError::Store(StoreError::Database(e))
    }
}

pub struct Signer {
    key_id: u16,
    key: SigningKey,
    store: Arc<SqliteStore>,
}

impl Signer {
    /// The newest key still in service, or a new one when there is none.
    pub fn load_or_create(
        store: Arc<SqliteStore>,
        secret: &Secret,
        now: &str,
    ) -> Result<Signer, SignerError> {
        let active: Option<(u16, Vec<u8>)> = store
            .conn()?
            .query_row(
                "SELECT key_id, seed_sealed FROM signing_key
                 WHERE retired_at IS NULL ORDER BY key_id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((key_id, sealed)) = active {
            let seed: [u8; 32] = hex::decode(secret.decrypt(&sealed)?)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or(SignerError::BadKey)?;
            return Ok(Signer {
                key_id,
                key: SigningKey::from_bytes(&seed),
                store,
            });
        }
        Signer::rotate(store, secret, now)
    }

    /// Makes a new key the one that signs; older keys keep verifying until retired.
    pub fn rotate(
        store: Arc<SqliteStore>,
        secret: &Secret,
        now: &str,
    ) -> Result<Signer, SignerError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|_| SignerError::BadKey)?;
        let key = SigningKey::from_bytes(&seed);
        let sealed = secret.encrypt(&hex::encode(seed))?;
        let key_id: u16 = {
            let conn = store.conn()?;
            let next: u16 = conn.query_row(
                "SELECT COALESCE(MAX(key_id), 0) + 1 FROM signing_key",
                [],
                |r| r.get(0),
            )?;
            conn.execute(
                // New keys have no holder salt: passes carry no holder hash any more.
                "INSERT INTO signing_key (key_id, seed_sealed, public_key, holder_salt, created_at)
                 VALUES (?1, ?2, ?3, x'', ?4)",
                params![next, sealed, key.verifying_key().to_bytes().to_vec(), now],
            )?;
            next
        };
        Ok(Signer { key_id, key, store })
    }

    /// Seals every signing seed again under the current data key (after a rotation);
    /// how many were sealed again.
    pub fn reseal(store: &SqliteStore, secret: &Secret) -> Result<usize, SignerError> {
        let conn = store.conn()?;
        let sealed: Vec<(u16, Vec<u8>)> = conn
            .prepare("SELECT key_id, seed_sealed FROM signing_key")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut resealed = 0;
        for (key_id, old) in sealed {
            if secret.sealed_by_current(&old) {
                continue;
            }
            let seed = secret.decrypt(&old)?;
            conn.execute(
                "UPDATE signing_key SET seed_sealed = ?2 WHERE key_id = ?1",
                params![key_id, secret.encrypt(&seed)?],
            )?;
            resealed += 1;
        }
        Ok(resealed)
    }

    /// Signs `pass` with the current key and returns its QR text.
    pub fn sign(&self, mut pass: Pass) -> Result<String, SignerError> {
        pass.key_id = self.key_id;
        let signature = self.key.sign(&pass.signing_bytes()?);
        Ok(pass.to_text(&signature.to_bytes())?)
    }

    pub fn public_keys(&self) -> Result<Vec<PublicKey>, SignerError> {
        let conn = self.store.conn()?;
        let mut stmt =
            conn.prepare("SELECT key_id, public_key, retired_at FROM signing_key ORDER BY key_id")?;
        let keys = stmt
            .query_map([], |r| {
                Ok(PublicKey {
                    key_id: r.get(0)?,
                    public_key: hex::encode(r.get::<_, Vec<u8>>(1)?),
                    // Never published: it let anyone reverse the holder hash of old passes.
                    holder_salt: String::new(),
                    retired_at: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongyou_core::pass::{Keyring, Party};

    fn pass() -> Pass {
        Pass {
            key_id: 0,
            pass_id: [7; 16],
            order_id: 1,
            sub_order: 0,
            product: "entry".into(),
            site: "huangshan".into(),
            gates: vec![],
            valid_from: 1_800_000_000,
            valid_until: 1_800_086_400,
            slot: None,
            party: Party {
                adults: 1,
                children: 0,
                seniors: 0,
            },
            holder_hash: [0; 16],
        }
    }

    fn ring(keys: &[PublicKey]) -> Keyring {
        let mut ring = Keyring::new();
        for k in keys.iter().filter(|k| k.retired_at.is_none()) {
            let bytes: [u8; 32] = hex::decode(&k.public_key).unwrap().try_into().unwrap();
            ring.add(k.key_id, &bytes).unwrap();
        }
        ring
    }

    #[test]
    fn keys_survive_a_restart_and_rotation_keeps_old_passes_valid() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(&dir.path().join("p.db")).unwrap());
        let secret = Secret::load_or_create(&dir.path().join("platform.key")).unwrap();
        let first = Signer::load_or_create(Arc::clone(&store), &secret, "now").unwrap();
        let old = first.sign(pass()).unwrap();
        let again = Signer::load_or_create(Arc::clone(&store), &secret, "now").unwrap();
        assert_eq!(again.key_id, first.key_id);

        let second = Signer::rotate(Arc::clone(&store), &secret, "later").unwrap();
        let new = second.sign(pass()).unwrap();
        let keys = second.public_keys().unwrap();
        assert_eq!(keys.len(), 2);
        let ring = ring(&keys);
        assert_eq!(ring.verify(&old).unwrap().key_id, first.key_id);
        assert_eq!(ring.verify(&new).unwrap().key_id, second.key_id);
        // The seed is never stored in the clear.
        let raw = std::fs::read(dir.path().join("p.db")).unwrap();
        let seed_hex = hex::encode(first.key.to_bytes());
        assert!(
            !raw.windows(seed_hex.len())
                .any(|w| w == seed_hex.as_bytes())
        );
    }
}
