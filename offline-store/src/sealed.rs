//! What the device keeps secret at rest: the session token and the writes waiting in the
//! outbox (an added traveller's full ID number). Both are sealed with ChaCha20-Poly1305
//! under a device key before SQLite sees them, through two SQL functions, `seal(text)` and
//! `unseal(text)`, registered on the store's connection, so every statement that writes
//! or reads them says so where it stands.
//!
//! The key is kept in the operating system's keystore where one answers (the Secret
//! Service on Linux, the Keychain, Windows' Credential Manager; [`os_keystore`]), with a
//! marker file `device.key.in-keystore` beside the store saying so. Where none answers
//! (Android, a desktop with no keyring running) it is `device.key`, created readable by its
//! owner only in the step that creates it. Either is never replaced: a key that cannot be
//! read (the file unreadable, the keystore named by the marker not answering) stops the
//! store rather than lock away what it sealed. Rows written before sealing read as they
//! are and are sealed when next written.

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

/// A place outside the app's files where the system keeps one secret for it.
pub trait Keystore {
    /// The secret, `None` if there is none yet.
    fn get(&self) -> Result<Option<Vec<u8>>, String>;
    fn put(&self, secret: &[u8]) -> Result<(), String>;
}

/// The operating system's keystore for the store at `path`, where this build has one
/// (Android does not: its key stays in the file).
pub(crate) fn os_keystore(path: &Path) -> Option<Box<dyn Keystore>> {
    #[cfg(any(
        target_os = "linux",
        target_os = "macos",
        target_os = "windows",
        target_os = "ios"
    ))]
    return Some(Box::new(os::OsKeystore::for_store(path)));
    #[cfg(not(any(
        target_os = "linux",
        target_os = "macos",
        target_os = "windows",
        target_os = "ios"
    )))]
    {
        let _ = path;
        None
    }
}

#[cfg(any(
    target_os = "linux",
    target_os = "macos",
    target_os = "windows",
    target_os = "ios"
))]
mod os {
    use std::path::Path;

    use super::Keystore;

    /// The operating system's keystore, one entry per data folder.
    pub struct OsKeystore {
        entry: Result<keyring::Entry, String>,
    }

    impl OsKeystore {
        /// The entry of the store at `path` (its folder names it, so two data folders
        /// never share a key).
        pub fn for_store(path: &Path) -> OsKeystore {
            let folder = path
                .parent()
                .and_then(|p| std::fs::canonicalize(p).ok())
                .unwrap_or_default();
            let entry = keyring::Entry::new("tongyou", &format!("device-key {}", folder.display()))
                .map_err(|e| e.to_string());
            OsKeystore { entry }
        }
    }

    impl Keystore for OsKeystore {
        fn get(&self) -> Result<Option<Vec<u8>>, String> {
            match self.entry.as_ref()?.get_secret() {
                Ok(secret) => Ok(Some(secret)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e.to_string()),
            }
        }

        fn put(&self, secret: &[u8]) -> Result<(), String> {
            self.entry
                .as_ref()?
                .set_secret(secret)
                .map_err(|e| e.to_string())
        }
    }
}

fn invalid(why: String) -> StoreError {
    StoreError::Invalid {
        what: "device key",
        why,
    }
}

impl DeviceKey {
    /// The key of the store whose key file is `path`: the file where there is one (made
    /// before the keystore was used, or where it did not answer), else the keystore's
    /// entry where the marker says it is there, else a new key, put in the keystore if it
    /// takes it and gives it back, in the file if not.
    pub(crate) fn load_or_create(
        path: &Path,
        keystore: Option<&dyn Keystore>,
    ) -> Result<DeviceKey, StoreError> {
        if let Some(key) = DeviceKey::from_file(path)? {
            return Ok(key);
        }
        let marker = marker_of(path);
        if marker.exists() {
            let Some(keystore) = keystore else {
                return Err(invalid(format!(
                    "{} says the key is in the system keystore, which this build cannot reach",
                    marker.display()
                )));
            };
            return match keystore.get() {
                Ok(Some(secret)) => DeviceKey::from_bytes(&secret)
                    .ok_or_else(|| invalid("the system keystore holds no key".into())),
                Ok(None) => Err(invalid(
                    "the system keystore has lost the device key".into(),
                )),
                Err(e) => Err(invalid(format!(
                    "the system keystore did not give the device key: {e}"
                ))),
            };
        }
        let key = DeviceKey::random()?;
        if let Some(keystore) = keystore
            && keystore.put(&key.0).is_ok()
            && keystore.get().ok().flatten().as_deref() == Some(&key.0[..])
        {
            create_private(&marker, b"the device key is in the system keystore\n")?;
            return Ok(key);
        }
        if create_private(path, hex::encode(key.0).as_bytes())? {
            Ok(key)
        } else {
            // Made meanwhile by another opening: that one is the key.
            DeviceKey::from_file(path)?
                .ok_or_else(|| invalid(format!("{} vanished", path.display())))
        }
    }

    /// The key in the file, `None` if there is no file.
    fn from_file(path: &Path) -> Result<Option<DeviceKey>, StoreError> {
        match std::fs::read_to_string(path) {
            Ok(text) => hex::decode(text.trim())
                .ok()
                .and_then(|b| DeviceKey::from_bytes(&b))
                .map(Some)
                .ok_or_else(|| invalid(format!("{} holds no key", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(invalid(format!("{} cannot be read: {e}", path.display()))),
        }
    }

    fn from_bytes(bytes: &[u8]) -> Option<DeviceKey> {
        <[u8; 32]>::try_from(bytes).ok().map(DeviceKey)
    }

    /// A key for a store in memory, gone with it.
    pub(crate) fn random() -> Result<DeviceKey, StoreError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| invalid(format!("no randomness: {e}")))?;
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

/// The file beside the key file that says the key is in the keystore.
fn marker_of(path: &Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".in-keystore");
    path.with_file_name(name)
}

/// Writes a new file readable by its owner only, made so in the step that creates it;
/// `false` if it already exists (never replaced).
fn create_private(path: &Path, body: &[u8]) -> Result<bool, StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(body)
                .and_then(|()| file.sync_all())
                .map_err(|e| invalid(format!("writing {}: {e}", path.display())))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(invalid(format!("creating {}: {e}", path.display()))),
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
