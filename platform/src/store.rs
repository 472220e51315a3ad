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
}

pub trait CatalogStore: Send + Sync {
    /// Replaces a region's catalog (inserting the region if new).
    fn put_catalog(&self, catalog: &Catalog) -> Result<(), StoreError>;
    /// Drops every region whose id is not listed: its data file was withdrawn.
    fn retain_regions(&self, ids: &[&str]) -> Result<Vec<String>, StoreError>;
    fn regions(&self) -> Result<Vec<RegionSummary>, StoreError>;
    fn snapshot(&self, region_id: &str) -> Result<Option<CatalogSnapshot>, StoreError>;
}
