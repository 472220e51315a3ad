//! What the device keeps secret at rest: the session token and the writes waiting in the
//! outbox (an added traveller's full ID number). Both are sealed with ChaCha20-Poly1305
//! under a device key before SQLite sees them, through two SQL functions, `seal(text)` and
//! `unseal(text)`, registered on the store's connection, so every statement that writes
//! or reads them says so where it stands.
//!
//! The key lives in `device.key` beside the store, created readable by its owner only in
//! the step that creates it, and never replaced: a key file that cannot be read stops the
//! store rather than lock away what it sealed. The operating system's keystore is not used
//! yet (desktop Linux under test has none); the file is the fallback the platforms without
//! one keep. Rows written before sealing read as they are and are sealed when next written.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use crate::StoreError;

const MARK: &str = "sealed1:";

pub(crate) struct DeviceKey([u8; 32]);

impl DeviceKey {
    /// The key in `path`, made there first if there is none.
    pub(crate) fn load_or_create(path: &Path) -> Result<DeviceKey, StoreError> {
        let invalid = |why: String| StoreError::Invalid {
            what: "device key",
            why,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                return hex::decode(text.trim())
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .map(DeviceKey)
                    .ok_or_else(|| invalid(format!("{} holds no key", path.display())));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(invalid(format!("{} cannot be read: {e}", path.display()))),
        }
        let key = DeviceKey::random()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(hex::encode(key.0).as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|e| invalid(format!("writing {}: {e}", path.display())))?;
                Ok(key)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                DeviceKey::load_or_create(path)
            }
            Err(e) => Err(invalid(format!("creating {}: {e}", path.display()))),
        }
    }

    /// A key for a store in memory, gone with it.
    pub(crate) fn random() -> Result<DeviceKey, StoreError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| StoreError::Invalid {
            what: "device key",
            why: format!("no randomness: {e}"),
        })?;
        Ok(DeviceKey(key))
    }

    fn seal(&self, text: &str) -> Result<String, String> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| e.to_string())?;
        let body = ChaCha20Poly1305::new(Key::from_slice(&self.0))
            .encrypt(Nonce::from_slice(&nonce), text.as_bytes())
            .map_err(|e| e.to_string())?;
        Ok(format!("{MARK}{}{}", hex::encode(nonce), hex::encode(body)))
    }

    pub(crate) fn unseal(&self, stored: &str) -> Result<String, String> {
        let Some(sealed) = stored.strip_prefix(MARK) else {
            return Ok(stored.to_owned()); // Written before sealing.
        };
        let bytes = hex::decode(sealed).map_err(|e| e.to_string())?;
        if bytes.len() < 12 {
            return Err("sealed value too short".into());
        }
        let (nonce, body) = bytes.split_at(12);
        let plain = ChaCha20Poly1305::new(Key::from_slice(&self.0))
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| "this device's key does not open it".to_owned())?;
        String::from_utf8(plain).map_err(|e| e.to_string())
    }
}

/// Registers `seal` and `unseal` on `conn`, under `key`.
pub(crate) fn register(conn: &Connection, key: Arc<DeviceKey>) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8;
    let sealing = Arc::clone(&key);
    conn.create_scalar_function("seal", 1, flags, move |ctx| {
        let text: String = ctx.get(0)?;
        sealing
            .seal(&text)
            .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
    })?;
    conn.create_scalar_function(
        "unseal",
        1,
        flags | FunctionFlags::SQLITE_DETERMINISTIC,
        move |ctx| {
            let stored: String = ctx.get(0)?;
            key.unseal(&stored)
                .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
        },
    )
}
