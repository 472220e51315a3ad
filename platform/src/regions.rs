//! Reads region data files. A malformed file stops the platform from starting: serving a
//! half-loaded catalog would sell things that do not exist.

mod records;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use tongyou_core::catalog::Catalog;
use tongyou_core::guide::{GuidePack, pack_from_region_file};

/// Loads every `*.toml` in `dir`, in name order. Fails on the first bad file, naming it.
pub fn load_dir(dir: &Path) -> anyhow::Result<Vec<Catalog>> {
    let mut catalogs: Vec<Catalog> = Vec::new();
    for (path, text) in files(dir)? {
        let catalog = Catalog::from_toml(&path.display().to_string(), &text)?;
        if let Some(other) = catalogs.iter().find(|c| c.region.id == catalog.region.id) {
            bail!(
                "{}: region.id: `{}` is also the id of {}",
                path.display(),
                other.region.id,
                other.region.name.en
            );
        }
        catalogs.push(catalog);
    }
    Ok(catalogs)
}

/// The guide pack of every region file in `dir` that has a `[guide]` section. A bad
/// section stops the platform as a bad catalog does, naming the file and the field.
pub fn load_guides(dir: &Path) -> anyhow::Result<Vec<GuidePack>> {
    let mut packs = Vec::new();
    for (path, text) in files(dir)? {
        if let Some(pack) = pack_from_region_file(&path.display().to_string(), &text)? {
            packs.push(pack);
        }
    }
    Ok(packs)
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
