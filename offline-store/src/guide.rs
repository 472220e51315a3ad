//! The guide packs on the device: one per region, replaced only by a whole pack that
//! reads and is intact, so a bad download never costs the tourist the pack they had.

use rusqlite::{OptionalExtension, params};
use tongyou_core::guide::GuidePack;

use crate::{OfflineStore, StoreError};

impl OfflineStore {
    /// Keeps `pack` in place of the region's older one. A pack whose content is not what
    /// its version says is refused, and the one held stays.
    pub fn save_guide(&self, pack: &GuidePack, downloaded_at: &str) -> Result<(), StoreError> {
        if !pack.is_intact() {
            return Err(StoreError::Invalid {
                what: "guide pack",
                why: format!(
                    "the pack of {} is not what its version {} says (damaged on the way)",
                    pack.region_id, pack.version
                ),
            });
        }
        let json = serde_json::to_string(pack)?;
        self.conn()?.execute(
            "INSERT INTO guide_pack (region_id, version, pack_json, downloaded_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (region_id) DO UPDATE SET version = excluded.version,
                pack_json = excluded.pack_json, downloaded_at = excluded.downloaded_at",
            params![pack.region_id, pack.version, json, downloaded_at],
        )?;
        Ok(())
    }

    /// The region's pack as kept, if one was downloaded.
    pub fn guide(&self, region_id: &str) -> Result<Option<GuidePack>, StoreError> {
        let json: Option<String> = self
            .conn()?
            .query_row(
                "SELECT pack_json FROM guide_pack WHERE region_id = ?1",
                [region_id],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| Ok(serde_json::from_str(&j)?)).transpose()
    }

    /// The version of the region's pack on the device, and when it was downloaded.
    pub fn guide_version(&self, region_id: &str) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT version, downloaded_at FROM guide_pack WHERE region_id = ?1",
                [region_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}
