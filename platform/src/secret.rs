//! The platform's data keys: they seal ID numbers, mobile numbers and pass-signing seeds
//! (ChaCha20-Poly1305) and key the lookup hashes (HMAC-SHA256).
//!
//! The key file holds one key per line, `ID:HEX`, oldest first; the last is the current
//! one, which seals and hashes. Older keys stay to open what they sealed until
//! [`rotate`] has sealed it again. A file of one bare hex line (the first format) is key 1.
//!
//! The file is created readable by its owner only, in the same step that creates it, and
//! is never replaced behind anyone's back: a file that cannot be read or holds no key
//! stops the platform, since a new key would lock every sealed value. Rotation writes the
//! longer file to a new private file and renames it over the old one.
//!
//! [`rotate`]: crate::rotate_secret

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("no randomness: {0}")]
    Random(String),
    #[error("a sealed value does not open with any data key: {0}")]
    Open(String),
    #[error("sealing failed: {0}")]
    Seal(String),
}

/// The data keys, oldest first; the last one is current.
#[derive(Clone)]
pub struct Secret {
    keys: Vec<(u32, [u8; 32])>,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret(current key {}, …)", self.current_id())
    }
}

impl Secret {
    /// One key, for tests.
    pub fn from_key(key: [u8; 32]) -> Secret {
        Secret {
            keys: vec![(1, key)],
        }
    }

    /// Reads the key file, or creates one with a fresh random key when there is none.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Secret> {
        match std::fs::read_to_string(path) {
            Ok(text) => return Secret::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "the secret key file {} exists but cannot be read; fix its permissions or restore it from its backup (a new key would lock every sealed ID number)",
                        path.display()
                    )
                });
            }
        }
        let secret = Secret {
            keys: vec![(1, random_key()?)],
        };
        match write_private(path, &secret.file_text(), false) {
            Ok(()) => Ok(secret),
            // Another process made it first: use that one.
            Err(e)
                if e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::AlreadyExists) =>
            {
                Secret::load_or_create(path)
            }
            Err(e) => Err(e),
        }
    }

    /// Adds a new current key to the file at `path` (which must exist) and returns the
    /// longer ring. Nothing sealed is touched here: [`crate::rotate_secret`] seals it again.
    pub fn add_key(path: &Path) -> anyhow::Result<Secret> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the secret key file {}", path.display()))?;
        let mut secret = Secret::parse(&text, path)?;
        let next = secret.current_id() + 1;
        secret.keys.push((next, random_key()?));
        write_private(path, &secret.file_text(), true)?;
        Ok(secret)
    }

    fn parse(text: &str, path: &Path) -> anyhow::Result<Secret> {
        let bad = || {
            anyhow::anyhow!(
                "the secret key file {} does not hold its keys (one `ID:HEX` of 32 bytes per line); restore it from its backup (it is never replaced, since a new key would lock every sealed ID number)",
                path.display()
            )
        };
        let mut keys = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (id, hex_key) = match line.split_once(':') {
                Some((id, key)) => (id.parse::<u32>().map_err(|_| bad())?, key),
                None if keys.is_empty() => (1, line),
                None => return Err(bad()),
            };
            let key = hex::decode(hex_key)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(bad)?;
            if keys.last().is_some_and(|(last, _)| *last >= id) {
                return Err(bad());
            }
            keys.push((id, key));
        }
        if keys.is_empty() {
            return Err(bad());
        }
        Ok(Secret { keys })
    }

    fn file_text(&self) -> String {
        self.keys
            .iter()
            .map(|(id, key)| format!("{id}:{}\n", hex::encode(key)))
            .collect()
    }

    pub fn current_id(&self) -> u32 {
        self.keys.last().map_or(0, |(id, _)| *id)
    }

    fn current(&self) -> &[u8; 32] {
        // A ring always holds a key: `parse` and the constructors make sure of it.
        self.keys.last().map_or(&[0; 32], |(_, key)| key)
    }

    /// Marks a lookup hash made by [`Secret::keyed_hash`] under the current key.
    pub fn lookup_prefix(&self) -> String {
        format!("h{}:", self.current_id())
    }

    /// A sub-key for one purpose (such as signing payment callbacks).
    pub fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        self.mac(purpose).finalize().into_bytes().into()
    }

    /// HMAC-SHA256 under the current key, in hex.
    pub fn keyed_hash(&self, text: &str) -> String {
        hex::encode(self.mac(text.as_bytes()).finalize().into_bytes())
    }

    fn mac(&self, message: &[u8]) -> Hmac<Sha256> {
        // HMAC takes a key of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.current())
            .unwrap_or_else(|_| unreachable!());
        mac.update(message);
        mac
    }

    /// Seals under the current key: a random nonce, then the ciphertext.
    pub fn encrypt(&self, plain: &str) -> Result<Vec<u8>, SecretError> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| SecretError::Random(e.to_string()))?;
        let cipher = ChaCha20Poly1305::new(Key::from_slice(self.current()));
        let mut out = nonce.to_vec();
        out.extend(
            cipher
                .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
                .map_err(|e| SecretError::Seal(e.to_string()))?,
        );
        Ok(out)
    }

    /// Opens a sealed value with whichever key sealed it, newest first.
    pub fn decrypt(&self, sealed: &[u8]) -> Result<String, SecretError> {
        if sealed.len() < 12 {
            return Err(SecretError::Open("sealed value too short".into()));
        }
        let (nonce, body) = sealed.split_at(12);
        for (_, key) in self.keys.iter().rev() {
            let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
            if let Ok(plain) = cipher.decrypt(Nonce::from_slice(nonce), body) {
                return String::from_utf8(plain).map_err(|e| SecretError::Open(e.to_string()));
            }
        }
        Err(SecretError::Open("no key opens it".into()))
    }

    /// Whether the current key sealed this value (so rotation can leave it).
    pub fn sealed_by_current(&self, sealed: &[u8]) -> bool {
        sealed.len() >= 12 && {
            let (nonce, body) = sealed.split_at(12);
            ChaCha20Poly1305::new(Key::from_slice(self.current()))
                .decrypt(Nonce::from_slice(nonce), body)
                .is_ok()
        }
    }
}

fn random_key() -> anyhow::Result<[u8; 32]> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(key)
}

/// Writes `text` to a file readable by its owner only, created in that mode. `replace`:
/// through a new file renamed over `path`; else `path` must not exist yet.
fn write_private(path: &Path, text: &str, replace: bool) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let target = if replace {
        path.with_extension("key.new")
    } else {
        path.to_owned()
    };
    if replace {
        let _ = std::fs::remove_file(&target);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&target)?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", target.display()))?;
    if replace {
        std::fs::rename(&target, path)
            .with_context(|| format!("putting the new key file in place at {}", path.display()))?;
    }
    // The file's name is durable only once its folder is: a rotation must not seal data
    // under a key a power cut could take back.
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .with_context(|| format!("syncing {}", dir.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_made_private_and_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("platform.key");
        let made = Secret::load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            Secret::load_or_create(&path).unwrap().keys,
            made.keys,
            "read back, not made again"
        );
        std::fs::write(&path, "not a key").unwrap();
        let error = format!("{:#}", Secret::load_or_create(&path).unwrap_err());
        assert!(error.contains("restore it"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not a key");
    }

    #[test]
    fn the_first_format_reads_as_key_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("platform.key");
        std::fs::write(&path, hex::encode([5u8; 32])).unwrap();
        let secret = Secret::load_or_create(&path).unwrap();
        assert_eq!(secret.keys, vec![(1, [5u8; 32])]);
    }

    #[test]
    fn sealed_values_hide_the_number_and_open_with_their_own_key() {
        let secret = Secret::from_key([3; 32]);
        let sealed = secret.encrypt("11010519491231002X").unwrap();
        assert!(!sealed.windows(8).any(|w| w == b"19491231"));
        assert_eq!(secret.decrypt(&sealed).unwrap(), "11010519491231002X");
        assert!(Secret::from_key([4; 32]).decrypt(&sealed).is_err());
    }

    #[test]
    fn keyed_hashes_are_hmac_sha256() {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&[9; 32]).unwrap();
        mac.update(b"resident_id:11010519491231002X");
        assert_eq!(
            Secret::from_key([9; 32]).keyed_hash("resident_id:11010519491231002X"),
            hex::encode(mac.finalize().into_bytes())
        );
    }

    #[test]
    fn a_new_key_seals_and_the_old_one_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("platform.key");
        let first = Secret::load_or_create(&path).unwrap();
        let old = first.encrypt("E12345678").unwrap();
        let rotated = Secret::add_key(&path).unwrap();
        assert_eq!(rotated.current_id(), 2);
        assert_eq!(Secret::load_or_create(&path).unwrap().keys, rotated.keys);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(rotated.decrypt(&old).unwrap(), "E12345678");
        assert!(!rotated.sealed_by_current(&old));
        let new = rotated.encrypt("E12345678").unwrap();
        assert!(rotated.sealed_by_current(&new));
        assert!(first.decrypt(&new).is_err());
        assert_ne!(rotated.lookup_prefix(), first.lookup_prefix());
    }
}
