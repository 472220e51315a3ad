//! What the stores share: their error, and the rows accounts keep (a code, a sealed
//! mobile number, a traveller). The SQL is with each module, on [`crate::sqlite`]'s
//! engine; calls are blocking, so handlers run them on the blocking pool.

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
