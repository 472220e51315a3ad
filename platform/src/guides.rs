//! The regions' guide packs, built from their data files at start and served as they are:
//! each is serialized once, and a client that holds the same version gets `304`.

use std::collections::HashMap;

use axum::body::Bytes;
use tongyou_core::guide::{GuideAbout, GuidePack};

/// One region's pack, ready to send.
#[derive(Debug, Clone)]
pub struct Served {
    pub version: String,
    pub json: Bytes,
}

#[derive(Debug, Default)]
pub struct Guides {
    packs: HashMap<String, Served>,
}

impl Guides {
    pub fn new(packs: &[GuidePack]) -> anyhow::Result<Guides> {
        let mut served = HashMap::new();
        for pack in packs {
            let json = serde_json::to_vec(pack)?;
            tracing::info!(region = %pack.region_id, version = %pack.version,
                bytes = json.len(), "guide pack loaded");
            served.insert(
                pack.region_id.clone(),
                Served {
                    version: pack.version.clone(),
                    json: Bytes::from(json),
                },
            );
        }
        Ok(Guides { packs: served })
    }

    /// The pack of `region`, if it has one.
    pub fn pack(&self, region: &str) -> Option<&Served> {
        self.packs.get(region)
    }

    /// What downloading `region`'s pack would fetch.
    pub fn about(&self, region: &str) -> Option<GuideAbout> {
        self.packs.get(region).map(|p| GuideAbout {
            region_id: region.to_owned(),
            version: p.version.clone(),
            bytes: p.json.len() as u64,
        })
    }
}
