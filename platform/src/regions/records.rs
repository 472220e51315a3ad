//! The catalogs as the platform stores them: one row per region, replaced whole.

use rusqlite::{OptionalExtension, params};
use tongyou_core::api::{CatalogSnapshot, RegionSummary};
use tongyou_core::catalog::Catalog;
use tongyou_core::text::Text;

use crate::sqlite::{Savepoint, SqliteStore};
use crate::store::StoreError;

impl SqliteStore {
    pub fn put_catalog(&self, catalog: &Catalog) -> Result<(), StoreError> {
        let json = serde_json::to_string(catalog)?;
        let r = &catalog.region;
        let conn = self.conn()?;
        let tx = Savepoint::begin(&conn)?;
        tx.execute("DELETE FROM region WHERE id = ?1", [&r.id])?;
        tx.execute(
            "INSERT INTO region (id, name_zh, name_en, demo, catalog_version, catalog_json, loaded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![r.id, r.name.zh, r.name.en, r.demo, catalog.version(), json, chrono::Utc::now().to_rfc3339()],
        )?;
        {
            let mut item = tx.prepare(
                "INSERT INTO catalog_item (region_id, kind, id, name_zh, name_en) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut add = |kind: &str, id: &str, name: &Text| {
                item.execute(params![r.id, kind, id, name.zh, name.en])
            };
            for s in &catalog.sights {
                add("sight", &s.id, &s.name)?;
            }
            for c in &catalog.cable_cars {
                add("lift", &c.id, &c.name)?;
            }
            for h in &catalog.hotels {
                add("hotel", &h.id, &h.name)?;
            }
            for s in &catalog.shuttles {
                add("shuttle", &s.id, &s.name)?;
            }
            for t in &catalog.tickets {
                add("ticket", &t.id, &t.name)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn retain_regions(&self, ids: &[&str]) -> Result<Vec<String>, StoreError> {
        let conn = self.conn()?;
        let tx = Savepoint::begin(&conn)?;
        let stored: Vec<String> = {
            let mut stmt = tx.prepare("SELECT id FROM region")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        let gone: Vec<String> = stored
            .into_iter()
            .filter(|id| !ids.contains(&id.as_str()))
            .collect();
        for id in &gone {
            tx.execute("DELETE FROM region WHERE id = ?1", [id])?;
        }
        tx.commit()?;
        Ok(gone)
    }

    pub fn regions(&self) -> Result<Vec<RegionSummary>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, name_zh, name_en, demo, catalog_version FROM region ORDER BY id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(RegionSummary {
                id: row.get(0)?,
                name: Text::new(row.get::<_, String>(1)?, row.get::<_, String>(2)?),
                demo: row.get(3)?,
                catalog_version: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn snapshot(&self, region_id: &str) -> Result<Option<CatalogSnapshot>, StoreError> {
        let conn = self.conn()?;
        let row: Option<(String, String)> = conn
            .query_row(
                "SELECT catalog_version, catalog_json FROM region WHERE id = ?1",
                [region_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        match row {
            None => Ok(None),
            Some((version, json)) => Ok(Some(CatalogSnapshot {
                version,
                catalog: serde_json::from_str(&json)?,
            })),
        }
    }
}
