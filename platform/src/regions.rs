//! Reads region data files. A malformed file stops the platform from starting: serving a
//! half-loaded catalog would sell things that do not exist.

mod records;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use tongyou_core::catalog::Catalog;
use tongyou_core::guide::{GuidePack, pack_for_catalog};

/// Loads every `*.toml` in `dir`, in name order. Fails on the first bad file, naming it.
pub fn load_dir(dir: &Path) -> anyhow::Result<Vec<Catalog>> {
    Ok(load(dir)?.0)
}

/// Every region's catalog, and the guide pack of each file with a `[guide]` section, from
/// one read of each file. A bad file, guide included, stops the platform, naming the file
/// and the field.
pub fn load(dir: &Path) -> anyhow::Result<(Vec<Catalog>, Vec<GuidePack>)> {
    let mut catalogs: Vec<Catalog> = Vec::new();
    let mut guides = Vec::new();
    for (path, text) in files(dir)? {
        let file = path.display().to_string();
        let catalog = Catalog::from_toml(&file, &text)?;
        if let Some(other) = catalogs.iter().find(|c| c.region.id == catalog.region.id) {
            bail!(
                "{file}: region.id: `{}` is also the id of {}",
                other.region.id,
                other.region.name.en
            );
        }
        guides.extend(pack_for_catalog(&file, &text, &catalog)?);
        catalogs.push(catalog);
    }
    Ok((catalogs, guides))
}

/// Every region data file in `dir`, in name order, with its text.
fn files(dir: &Path) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading the regions folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        bail!("no region data files (*.toml) in {}", dir.display());
    }
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            Ok((path, text))
        })
        .collect()
}
