//! The platform's storage seam. Handlers see only this trait; SQLite is the embedded
//! default ([`crate::sqlite`]) and a server database can sit behind the same trait.
//! Calls are blocking: handlers run them on the blocking pool.

use tongyou_core::api::{CatalogSnapshot, RegionSummary};
use tongyou_core::catalog::Catalog;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("migrating the database: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("stored catalog is unreadable: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("database lock poisoned by a panic")]
    Poisoned,
    /// The batch this change was committed with could not be written: none of it was kept.
    #[error("the database could not save this change; nothing of it was kept")]
    Lost,
    #[error("the store's writer thread could not start: {0}")]
    Writer(String),
    #[error("the database cannot be opened for writing: {0}")]
    InUse(String),
}

pub trait CatalogStore: Send + Sync {
    /// Replaces a region's catalog (inserting the region if new).
    fn put_catalog(&self, catalog: &Catalog) -> Result<(), StoreError>;
    /// Drops every region whose id is not listed: its data file was withdrawn.
    fn retain_regions(&self, ids: &[&str]) -> Result<Vec<String>, StoreError>;
    fn regions(&self) -> Result<Vec<RegionSummary>, StoreError>;
    fn snapshot(&self, region_id: &str) -> Result<Option<CatalogSnapshot>, StoreError>;
}

/// A sign-in code as stored: its hash, never the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    pub code_hash: String,
    pub issued_at: String,
    pub expires_at: String,
    pub attempts: u32,
}

/// A mobile number as an account keeps it: never in plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedMobile {
    /// Keyed hash, marked with its key's id: how sign-in finds the account.
    pub lookup: String,
    pub masked: String,
    /// Sealed under the data key, to hash again after a rotation.
    pub sealed: Vec<u8>,
}

/// A traveller row; the ID number stays encrypted here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTraveller {
    pub id: i64,
    pub name: String,
    pub id_kind: String,
    pub id_cipher: Vec<u8>,
    pub id_masked: String,
    pub id_lookup: String,
    pub birth_date: String,
}

/// Accounts, sign-in codes, sessions and saved travellers. Times are RFC 3339 UTC
/// strings, which sort in time order.
pub trait AccountStore: Send + Sync {
    fn put_code(&self, mobile: &str, code: &StoredCode) -> Result<(), StoreError>;
    fn code(&self, mobile: &str) -> Result<Option<StoredCode>, StoreError>;
    /// Takes one try at the number's code before it is compared, in one statement so that
    /// parallel guesses cannot all be compared before the count catches up: the code as
    /// it stands after the try, or `None` when there is no live code with tries left at
    /// `now`.
    fn take_attempt(
        &self,
        mobile: &str,
        max_attempts: u32,
        now: &str,
    ) -> Result<Option<StoredCode>, StoreError>;
    /// Uses the code up: `true` for the one caller that removed it.
    fn claim_code(&self, mobile: &str, code_hash: &str) -> Result<bool, StoreError>;
    fn delete_code(&self, mobile: &str) -> Result<(), StoreError>;
    /// The account of a mobile number, created on first sign-in.
    fn account_for(&self, mobile: &SealedMobile, now: &str) -> Result<i64, StoreError>;
    /// Accounts whose number is not sealed under the key of `prefix`: id, the number in
    /// plain (stored before numbers were sealed) or sealed.
    #[allow(clippy::type_complexity)]
    fn mobiles_to_seal(
        &self,
        prefix: &str,
    ) -> Result<Vec<(i64, Option<String>, Option<Vec<u8>>)>, StoreError>;
    fn seal_mobile(&self, account_id: i64, mobile: &SealedMobile) -> Result<(), StoreError>;
    fn put_session(
        &self,
        token_hash: &str,
        account_id: i64,
        expires_at: &str,
    ) -> Result<(), StoreError>;
    /// The account of a session still valid at `now`, and when the session expires.
    fn session_account(
        &self,
        token_hash: &str,
        now: &str,
    ) -> Result<Option<(i64, String)>, StoreError>;
    /// Ends one session; `false` when there was none.
    fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError>;
    /// Ends every session of an account; how many there were.
    fn delete_sessions(&self, account_id: i64) -> Result<usize, StoreError>;
    /// Removes codes and sessions expired at `now` (a code also throttles resending
    /// until then); how many rows went.
    fn prune_expired(&self, now: &str) -> Result<usize, StoreError>;
    /// Travellers whose lookup hash is not of the current kind (`prefix`): id, ID kind
    /// and the sealed number, to hash again.
    fn lookups_to_rehash(&self, prefix: &str) -> Result<Vec<(i64, String, Vec<u8>)>, StoreError>;
    /// The account's masked mobile number and when it was made; `None` for no such
    /// account.
    fn account(&self, account_id: i64) -> Result<Option<(String, String)>, StoreError>;
    /// Sessions open for the account.
    fn session_count(&self, account_id: i64) -> Result<u32, StoreError>;
    /// The notice version agreed to and when.
    fn consent_detail(&self, account_id: i64) -> Result<Option<(String, String)>, StoreError>;
    /// Deletes an account's personal data: saved travellers, sessions, codes, consent and
    /// gate post; the account row stays (orders point at it) with its number gone.
    fn delete_account_data(&self, account_id: i64) -> Result<(), StoreError>;
    /// The privacy notice version the account agreed to, if any.
    fn consent(&self, account_id: i64) -> Result<Option<String>, StoreError>;
    fn record_consent(&self, account_id: i64, version: &str, now: &str) -> Result<(), StoreError>;
    /// Replaces a traveller's sealed ID number and its lookup hash (after a key rotation).
    fn reseal_traveller(
        &self,
        traveller_id: i64,
        sealed: &[u8],
        lookup: &str,
    ) -> Result<(), StoreError>;
    /// Inserts a traveller; `Ok(None)` when the account already has this ID.
    fn add_traveller(
        &self,
        account_id: i64,
        t: &StoredTraveller,
        now: &str,
    ) -> Result<Option<i64>, StoreError>;
    fn travellers(&self, account_id: i64) -> Result<Vec<StoredTraveller>, StoreError>;
    /// `false` when the account has no such traveller.
    fn remove_traveller(&self, account_id: i64, id: i64) -> Result<bool, StoreError>;
}
