//! The guide's data: a region file's `[guide]` section, checked, and the [`GuidePack`]
//! built from it and the catalog.
//!
//! The section adds only what the catalog does not have: the region's bounds, the points
//! of interest beyond its sights, hotels and lift stations (viewpoints, toilets, first
//! aid...), the trails joining them all, and the texts. The catalog's points come from the
//! catalog, so a sight is written once. Every error names the file and the field, as the
//! catalog's do. This module does not find routes or draw anything.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{Bounds, Faces, GuidePack, Poi, PoiKind, Trail, TrailKind};
use crate::booking::distance_m;
use crate::catalog::{
    Catalog, CatalogError, Checked, GeoPoint, OpeningHours, SightKind, check_id, check_text,
    invalid, one_line,
};
use crate::text::Text;

/// A trail drawn through its `via` points still winds between them: its length, when the
/// file does not give one, is the drawn line times this.
const WINDING: f64 = 1.15;

/// The `[guide]` section as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuideSection {
    bounds: Bounds,
    #[serde(default)]
    pois: Vec<PoiEntry>,
    #[serde(default)]
    trails: Vec<TrailEntry>,
    /// The directions a catalog point looks over (its viewpoints must have them); the
    /// section's own points give theirs in their entry.
    #[serde(default)]
    faces: BTreeMap<String, Faces>,
    /// What to read at a point, by its id.
    #[serde(default)]
    texts: BTreeMap<String, Text>,
}

/// A point of interest the catalog does not have.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PoiEntry {
    id: String,
    kind: PoiKind,
    name: Text,
    location: GeoPoint,
    elevation_m: u32,
    #[serde(default)]
    hours: Option<OpeningHours>,
    #[serde(default)]
    faces: Option<Faces>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrailEntry {
    id: String,
    from: String,
    to: String,
    kind: TrailKind,
    /// Where the trail runs between its ends, in order.
    #[serde(default)]
    via: Vec<GeoPoint>,
    #[serde(default)]
    length_m: Option<u32>,
    /// Given together, when the trail climbs and drops on the way.
    #[serde(default)]
    up_m: Option<u32>,
    #[serde(default)]
    down_m: Option<u32>,
    #[serde(default)]
    closed: bool,
}

/// Only the guide of a region file; the catalog's own keys are its business.
#[derive(Debug, Deserialize)]
struct RegionFile {
    #[serde(default)]
    guide: Option<GuideSection>,
}

/// The guide pack of a region data file, or `None` when the file has no `[guide]`
/// section (the region still loads, without a guide). The catalog is parsed and checked
/// too: the pack's sights, hotels and stations are the catalog's. `file` names it in
/// errors.
pub fn pack_from_region_file(file: &str, text: &str) -> Result<Option<GuidePack>, CatalogError> {
    let catalog = Catalog::from_toml(file, text)?;
    pack_for_catalog(file, text, &catalog)
}

/// [`pack_from_region_file`] for a file whose `catalog` was parsed already (the platform
/// loads both from one read of the file).
pub fn pack_for_catalog(
    file: &str,
    text: &str,
    catalog: &Catalog,
) -> Result<Option<GuidePack>, CatalogError> {
    let refused = |(field, problem): (String, String)| CatalogError {
        file: file.to_owned(),
        field,
        problem,
    };
    let Some(section) = parse_section(text).map_err(refused)? else {
        return Ok(None);
    };
    build(catalog, section).map(Some).map_err(refused)
}

fn parse_section(text: &str) -> Checked<Option<GuideSection>> {
    // The catalog parsed this text already, so syntax errors were reported there.
    let deserializer = toml::Deserializer::parse(text)
        .map_err(|e| ("(syntax)".to_owned(), one_line(&e.to_string())))?;
    let file: RegionFile = serde_path_to_error::deserialize(deserializer)
        .map_err(|e| (e.path().to_string(), one_line(&e.into_inner().to_string())))?;
    Ok(file.guide)
}

fn build(catalog: &Catalog, section: GuideSection) -> Checked<GuidePack> {
    check_bounds(&section.bounds)?;
    check_catalog_within(catalog, &section.bounds)?;
    let mut pois = all_pois(catalog, &section)?;
    add_faces(&mut pois, &section.faces)?;
    add_texts(&mut pois, &section.texts)?;
    let trails = trails(&section.trails, &pois, &section.bounds)?;
    let mut pack = GuidePack {
        region_id: catalog.region.id.clone(),
        version: String::new(),
        demo: catalog.region.demo,
        bounds: section.bounds,
        pois,
        trails,
    };
    pack.version = content_version(&pack);
    Ok(pack)
}

fn check_bounds(b: &Bounds) -> Checked<()> {
    for (field, lat) in [("south", b.south), ("north", b.north)] {
        if !(-90.0..=90.0).contains(&lat) {
            return invalid(&format!("guide.bounds.{field}"), "must be within ±90");
        }
    }
    for (field, lon) in [("west", b.west), ("east", b.east)] {
        if !(-180.0..=180.0).contains(&lon) {
            return invalid(&format!("guide.bounds.{field}"), "must be within ±180");
        }
    }
    if b.south >= b.north {
        return invalid("guide.bounds.north", "must be north of south");
    }
    if b.west >= b.east {
        return invalid("guide.bounds.east", "must be east of west");
    }
    Ok(())
}

/// Everything the catalog places on the map lies in the bounds, or the guide's map would
/// leave it off.
fn check_catalog_within(c: &Catalog, bounds: &Bounds) -> Checked<()> {
    let mut places = vec![("region.center".to_owned(), c.region.center)];
    for (i, s) in c.sights.iter().enumerate() {
        places.push((format!("sights[{i}].location"), s.location));
    }
    for (i, h) in c.hotels.iter().enumerate() {
        places.push((format!("hotels[{i}].location"), h.location));
    }
    for (i, l) in c.cable_cars.iter().enumerate() {
        places.push((format!("cable_cars[{i}].lower.location"), l.lower.location));
        places.push((format!("cable_cars[{i}].upper.location"), l.upper.location));
    }
    for (i, s) in c.shuttles.iter().enumerate() {
        places.push((format!("shuttles[{i}].from.location"), s.from.location));
        places.push((format!("shuttles[{i}].to.location"), s.to.location));
    }
    for (i, o) in c.linked_offers.iter().enumerate() {
        places.push((
            format!("linked_offers[{i}].anchor.location"),
            o.anchor.location,
        ));
    }
    for (i, g) in c.gates.iter().enumerate() {
        places.push((format!("gates[{i}].location"), g.location));
    }
    match places.iter().find(|(_, at)| !bounds.contains(*at)) {
        Some((field, _)) => invalid(field, "outside the region's bounds (guide.bounds)"),
        None => Ok(()),
    }
}

/// Every point of interest: the catalog's, then the section's. Ids are unique across all
/// of them (the catalog keeps them unique only within each of its lists).
fn all_pois(catalog: &Catalog, section: &GuideSection) -> Checked<Vec<Poi>> {
    let mut pois = catalog_pois(catalog)?;
    pois.extend(gate_pois(catalog)?);
    for (i, entry) in section.pois.iter().enumerate() {
        let poi = section_poi(i, entry, &section.bounds)?;
        pois.push((poi, format!("guide.pois[{i}].id")));
    }
    let mut first: BTreeMap<&str, &str> = BTreeMap::new();
    for (poi, field) in &pois {
        if let Some(at) = first.insert(&poi.id, field) {
            return invalid(
                field,
                &format!("`{}` is used twice (also at `{at}`)", poi.id),
            );
        }
    }
    Ok(pois.into_iter().map(|(poi, _)| poi).collect())
}

/// The catalog's sights, hotels, lift stations and gates as points of interest, each with
/// the field that defines its id.
fn catalog_pois(c: &Catalog) -> Checked<Vec<(Poi, String)>> {
    let mut pois = Vec::new();
    for (i, s) in c.sights.iter().enumerate() {
        let (kind, importance) = match s.kind {
            SightKind::Peak if s.tags.iter().any(|t| t == "main-peak") => (PoiKind::Peak, 3),
            SightKind::Peak => (PoiKind::Peak, 2),
            SightKind::Viewpoint => (PoiKind::Viewpoint, 2),
            SightKind::Pavilion => (PoiKind::Pavilion, 2),
            _ => (PoiKind::Sight, 2),
        };
        let mut poi = point(&s.id, kind, &s.name, s.location, s.elevation_m, importance);
        poi.hours = s.hours.clone();
        poi.sight_id = Some(s.id.clone());
        pois.push((poi, format!("sights[{i}].id")));
    }
    for (i, h) in c.hotels.iter().enumerate() {
        let poi = point(&h.id, PoiKind::Hotel, &h.name, h.location, h.elevation_m, 2);
        pois.push((poi, format!("hotels[{i}].id")));
    }
    for (i, lift) in c.cable_cars.iter().enumerate() {
        for (end, station) in [("lower", &lift.lower), ("upper", &lift.upper)] {
            let id = super::station_id(&lift.id, end);
            let poi = point(
                &id,
                PoiKind::Station,
                &station.name,
                station.location,
                station.elevation_m,
                2,
            );
            pois.push((poi, format!("cable_cars[{i}].id")));
        }
    }
    Ok(pois)
}

/// The catalog's entrances and shuttle boarding points (its gates that admit more than a
/// lift), which the guide shows as points of their own and so needs their elevation.
fn gate_pois(c: &Catalog) -> Checked<Vec<(Poi, String)>> {
    let lift = |product: &String| c.cable_cars.iter().any(|l| l.id == *product);
    let mut pois = Vec::new();
    for (i, gate) in c.gates.iter().enumerate() {
        if gate.admits.iter().all(lift) {
            continue;
        }
        let Some(elevation_m) = gate.elevation_m else {
            return invalid(
                &format!("gates[{i}].elevation_m"),
                "is needed by the guide for an entrance or a shuttle boarding point",
            );
        };
        let poi = point(
            &gate.id,
            PoiKind::Gate,
            &gate.name,
            gate.location,
            elevation_m,
            2,
        );
        pois.push((poi, format!("gates[{i}].id")));
    }
    Ok(pois)
}

fn point(
    id: &str,
    kind: PoiKind,
    name: &Text,
    at: GeoPoint,
    elevation_m: u32,
    importance: u8,
) -> Poi {
    Poi {
        id: id.to_owned(),
        kind,
        name: name.clone(),
        location: at,
        elevation_m,
        importance,
        guide: None,
        hours: None,
        faces: None,
        sight_id: None,
    }
}

fn section_poi(i: usize, e: &PoiEntry, bounds: &Bounds) -> Checked<Poi> {
    let at = |f: &str| format!("guide.pois[{i}].{f}");
    check_id(&at("id"), &e.id)?;
    let importance = match e.kind {
        PoiKind::Viewpoint | PoiKind::Pavilion => 2,
        PoiKind::Toilet | PoiKind::FirstAid | PoiKind::Rest | PoiKind::Water => 1,
        PoiKind::Peak | PoiKind::Sight | PoiKind::Station | PoiKind::Hotel | PoiKind::Gate => {
            return invalid(
                &at("kind"),
                "peaks, sights, stations, hotels and gates come from the catalog",
            );
        }
    };
    check_text(&at("name"), &e.name)?;
    if !bounds.contains(e.location) {
        return invalid(&at("location"), "outside the region's bounds");
    }
    if e.elevation_m > 8_849 {
        return invalid(&at("elevation_m"), "is higher than Everest");
    }
    if let Some(h) = &e.hours
        && h.open >= h.close
    {
        return invalid(&at("hours.close"), "must be after open");
    }
    match e.faces {
        Some(faces) => check_faces(&at("faces"), faces)?,
        None if e.kind == PoiKind::Viewpoint => {
            return invalid(
                &at("faces"),
                "a viewpoint needs the directions it looks over",
            );
        }
        None => {}
    }
    let mut poi = point(
        &e.id,
        e.kind,
        &e.name,
        e.location,
        e.elevation_m,
        importance,
    );
    poi.hours = e.hours.clone();
    poi.faces = e.faces;
    Ok(poi)
}

/// Degrees from 0 to 360 each; equal ends would be no range at all (or every direction).
fn check_faces(field: &str, faces: Faces) -> Checked<()> {
    for (end, deg) in [("from_deg", faces.from_deg), ("to_deg", faces.to_deg)] {
        if !(0.0..=360.0).contains(&deg) {
            return invalid(&format!("{field}.{end}"), "must be 0 to 360");
        }
    }
    if faces.from_deg == faces.to_deg {
        return invalid(&format!("{field}.to_deg"), "must differ from from_deg");
    }
    Ok(())
}

/// Faces for the catalog's points; afterwards every viewpoint has them.
fn add_faces(pois: &mut [Poi], faces: &BTreeMap<String, Faces>) -> Checked<()> {
    for (id, f) in faces {
        let field = format!("guide.faces.{id}");
        let Some(poi) = pois.iter_mut().find(|p| p.id == *id) else {
            return invalid(&field, &format!("no point of interest `{id}`"));
        };
        if poi.faces.is_some() {
            return invalid(&field, "its faces are given in its own entry already");
        }
        check_faces(&field, *f)?;
        poi.faces = Some(*f);
    }
    match pois
        .iter()
        .find(|p| p.kind == PoiKind::Viewpoint && p.faces.is_none())
    {
        Some(p) => invalid("guide.faces", &format!("no faces for viewpoint `{}`", p.id)),
        None => Ok(()),
    }
}

fn add_texts(pois: &mut [Poi], texts: &BTreeMap<String, Text>) -> Checked<()> {
    for (id, text) in texts {
        let field = format!("guide.texts.{id}");
        let Some(poi) = pois.iter_mut().find(|p| p.id == *id) else {
            return invalid(&field, &format!("no point of interest `{id}`"));
        };
        check_text(&field, text)?;
        poi.guide = Some(text.clone());
    }
    Ok(())
}

fn trails(entries: &[TrailEntry], pois: &[Poi], bounds: &Bounds) -> Checked<Vec<Trail>> {
    let mut seen = BTreeSet::new();
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let at = |f: &str| format!("guide.trails[{i}].{f}");
            check_id(&at("id"), &e.id)?;
            if !seen.insert(e.id.as_str()) {
                return invalid(&at("id"), &format!("`{}` is used twice", e.id));
            }
            trail(e, pois, bounds, at)
        })
        .collect()
}

/// One trail with its ends found, its line drawn, and its length and climb worked out
/// where the file leaves them to the points' positions and elevations.
fn trail(
    e: &TrailEntry,
    pois: &[Poi],
    bounds: &Bounds,
    at: impl Fn(&str) -> String,
) -> Checked<Trail> {
    let end = |field: &str, id: &str| match pois.iter().find(|p| p.id == id) {
        Some(p) => Ok(p),
        None => invalid(&at(field), &format!("no point of interest `{id}`")),
    };
    let (from, to) = (end("from", &e.from)?, end("to", &e.to)?);
    if from.id == to.id {
        return invalid(&at("to"), "a trail cannot end where it starts");
    }
    for (j, p) in e.via.iter().enumerate() {
        if !bounds.contains(*p) {
            return invalid(&at(&format!("via[{j}]")), "outside the region's bounds");
        }
    }
    let path: Vec<GeoPoint> = std::iter::once(from.location)
        .chain(e.via.iter().copied())
        .chain(std::iter::once(to.location))
        .collect();
    let straight = distance_m(from.location, to.location);
    let length_m = trail_length(e.length_m, straight, &path, &at)?;
    let (up_m, down_m) = trail_climb(e, from, to, &at)?;
    Ok(Trail {
        id: e.id.clone(),
        from: e.from.clone(),
        to: e.to.clone(),
        kind: e.kind,
        length_m,
        up_m,
        down_m,
        path,
        closed: e.closed,
    })
}

/// The length given (no shorter than the `straight` line between the ends), or the drawn
/// line's times [`WINDING`].
fn trail_length(
    given: Option<u32>,
    straight: f64,
    path: &[GeoPoint],
    at: impl Fn(&str) -> String,
) -> Checked<u32> {
    match given {
        Some(0) => invalid(&at("length_m"), "must be more than 0"),
        Some(m) if f64::from(m) < straight.floor() => invalid(
            &at("length_m"),
            &format!("is shorter than the straight line between its ends ({straight:.0} m)"),
        ),
        Some(m) => Ok(m),
        None => {
            let drawn: f64 = path.windows(2).map(|w| distance_m(w[0], w[1])).sum();
            let length = (drawn * WINDING).round();
            if length < 1.0 {
                return invalid(
                    &at("length_m"),
                    "its ends are at one place: give its length",
                );
            }
            Ok(length as u32)
        }
    }
}

/// Metres up and down from `from` to `to`: as given (both, adding up to the ends'
/// difference), or that difference alone.
fn trail_climb(
    e: &TrailEntry,
    from: &Poi,
    to: &Poi,
    at: impl Fn(&str) -> String,
) -> Checked<(u32, u32)> {
    let rise = i64::from(to.elevation_m) - i64::from(from.elevation_m);
    match (e.up_m, e.down_m) {
        (None, None) => Ok((
            to.elevation_m.saturating_sub(from.elevation_m),
            from.elevation_m.saturating_sub(to.elevation_m),
        )),
        (Some(up), Some(down)) if i64::from(up) - i64::from(down) == rise => Ok((up, down)),
        (Some(_), Some(_)) => invalid(
            &at("up_m"),
            &format!(
                "up_m - down_m must be {rise}, the climb from `{}` to `{}`",
                from.id, to.id
            ),
        ),
        (Some(_), None) => invalid(&at("down_m"), "give up_m and down_m together"),
        (None, Some(_)) => invalid(&at("up_m"), "give up_m and down_m together"),
    }
}

/// A fingerprint of the content, as the catalog's: a client holding a pack of the same
/// version need not fetch it again.
pub(super) fn content_version(pack: &GuidePack) -> String {
    use sha2::{Digest, Sha256};
    let unversioned = GuidePack {
        version: String::new(),
        ..pack.clone()
    };
    // Serialising plain data to JSON cannot fail; an empty string would only make every
    // client fetch the pack again, never keep a stale one.
    let json = serde_json::to_vec(&unversioned).unwrap_or_default();
    let digest = Sha256::digest(&json);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use rstest::rstest;

    use super::*;
    use crate::catalog::tests::MINI;

    const HUANGSHAN: &str = include_str!("../../../assets/regions/huangshan.toml");

    /// A guide for the catalog tests' little region: a second region needs only its file.
    const MINI_GUIDE: &str = r#"
[guide]
bounds = { south = 29.98, west = 117.98, north = 30.03, east = 118.03 }

[[guide.pois]]
id = "view"
kind = "viewpoint"
name = { zh = "观景台", en = "Lookout" }
location = { lat = 30.015, lon = 118.012 }
elevation_m = 1150
faces = { from_deg = 90, to_deg = 180 }

[[guide.pois]]
id = "loo"
kind = "toilet"
name = { zh = "厕所", en = "Toilets" }
location = { lat = 30.011, lon = 118.011 }
elevation_m = 1190

[[guide.trails]]
id = "station-top"
from = "lift-upper"
to = "top"
kind = "steps"
length_m = 80

[[guide.trails]]
id = "top-view"
from = "top"
to = "view"
kind = "path"

[[guide.trails]]
id = "view-hall"
from = "view"
to = "hall"
kind = "steps"
via = [{ lat = 30.018, lon = 118.016 }]
up_m = 20
down_m = 370

[[guide.trails]]
id = "top-loo"
from = "top"
to = "loo"
kind = "path"

[guide.texts.top]
zh = "山顶。"
en = "The summit."
"#;

    fn huangshan() -> GuidePack {
        pack_from_region_file("huangshan.toml", HUANGSHAN)
            .unwrap()
            .unwrap()
    }

    #[test]
    fn a_place_link_finds_a_point_or_a_lifts_foot_station() {
        let pack = huangshan();
        assert_eq!(pack.place("lotus-peak").unwrap().id, "lotus-peak");
        assert_eq!(pack.place("yungu").unwrap().id, "yungu-lower");
        assert!(pack.place("no-such-place").is_none());
    }

    fn mini() -> GuidePack {
        pack_from_region_file("mini.toml", &format!("{MINI}{MINI_GUIDE}"))
            .unwrap()
            .unwrap()
    }

    /// The points reachable on foot from `from`, over open trails only or over all.
    fn reachable(pack: &GuidePack, from: &str, open_only: bool) -> BTreeSet<String> {
        let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for t in pack.trails.iter().filter(|t| !(open_only && t.closed)) {
            next.entry(&t.from).or_default().push(&t.to);
            next.entry(&t.to).or_default().push(&t.from);
        }
        let mut seen = BTreeSet::from([from.to_owned()]);
        let mut queue = vec![from];
        while let Some(at) = queue.pop() {
            for to in next.get(at).into_iter().flatten() {
                if seen.insert((*to).to_owned()) {
                    queue.push(to);
                }
            }
        }
        seen
    }

    #[test]
    fn the_demo_region_has_a_guide() {
        let pack = huangshan();
        assert_eq!(pack.region_id, "huangshan");
        assert!(pack.demo);
        let bright = pack.poi("bright-summit").unwrap();
        assert_eq!((bright.kind, bright.importance), (PoiKind::Peak, 3));
        assert_eq!(bright.sight_id.as_deref(), Some("bright-summit"));
        let lotus = pack.poi("lotus-peak").unwrap();
        assert_eq!(lotus.hours.as_ref().unwrap().open.to_string(), "07:00");
        let station = pack.poi("yungu-upper").unwrap();
        assert_eq!(
            (station.kind, station.name.en.as_str()),
            (PoiKind::Station, "White Goose Ridge Station")
        );
        assert_eq!(
            pack.poi("refreshing-terrace").unwrap().kind,
            PoiKind::Viewpoint
        );
        assert_eq!(pack.poi("beihai-hotel").unwrap().kind, PoiKind::Hotel);
        assert_eq!(pack.poi("bright-summit-toilet").unwrap().importance, 1);
        let viewpoints: Vec<&Poi> = pack
            .pois
            .iter()
            .filter(|p| p.kind == PoiKind::Viewpoint)
            .collect();
        assert!(viewpoints.len() >= 5, "{} viewpoints", viewpoints.len());
        assert!(viewpoints.iter().all(|v| v.faces.is_some()));
    }

    #[test]
    fn every_sight_and_viewpoint_has_a_text_in_both_languages() {
        let pack = huangshan();
        let to_read = pack
            .pois
            .iter()
            .filter(|p| p.sight_id.is_some() || p.kind == PoiKind::Viewpoint);
        for poi in to_read {
            let text = poi.guide.as_ref();
            assert!(
                text.is_some_and(|t| !t.is_blank()),
                "no text for `{}`",
                poi.id
            );
        }
    }

    #[test]
    fn every_trail_runs_between_points_of_the_pack() {
        let pack = huangshan();
        for t in &pack.trails {
            let (from, to) = (pack.poi(&t.from).unwrap(), pack.poi(&t.to).unwrap());
            assert_eq!(t.path.first(), Some(&from.location), "{}", t.id);
            assert_eq!(t.path.last(), Some(&to.location), "{}", t.id);
            assert!(t.length_m > 0, "{}", t.id);
        }
    }

    #[test]
    fn bright_summit_reaches_the_beihai_hotel_on_open_trails() {
        assert!(reachable(&huangshan(), "bright-summit", true).contains("beihai-hotel"));
    }

    /// The file's comment names what no trail joins to the summit; everything else is
    /// reachable on foot, and only the resting Lotus Peak needs a closed trail.
    #[test]
    fn only_the_places_the_file_names_are_off_the_trails() {
        let pack = huangshan();
        let off = |open_only| -> BTreeSet<String> {
            let on = reachable(&pack, "bright-summit", open_only);
            pack.pois
                .iter()
                .map(|p| p.id.clone())
                .filter(|id| !on.contains(id))
                .collect()
        };
        let unjoined = [
            "taiping-lower",
            "nine-dragon-waterfall",
            "tangkou-shanshui-hotel",
            "tangkou-youth-hostel",
            "hot-spring-resort",
            "south-gate",
            "tangkou-shuttle",
        ];
        assert_eq!(off(false), unjoined.map(String::from).into());
        let mut resting = off(true);
        resting.retain(|id| !unjoined.contains(&id.as_str()));
        assert_eq!(resting, BTreeSet::from(["lotus-peak".to_owned()]));
    }

    #[test]
    fn lotus_peak_rests_and_the_ravine_goes_round_it() {
        let pack = huangshan();
        let closed: Vec<&str> = pack
            .trails
            .iter()
            .filter(|t| t.closed)
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(closed, ["lotus-peak-ascent", "lotus-peak-descent"]);
        let open = reachable(&pack, "lotus-pavilion", true);
        assert!(open.contains("hundred-step-cloud-ladder"));
        assert!(open.contains("yupinglou-hotel"));
    }

    #[test]
    fn the_version_is_stable_and_follows_the_texts() {
        let a = huangshan();
        assert_eq!(a.version.len(), 16);
        assert_eq!(a.version, huangshan().version);
        let edited = HUANGSHAN.replace("Do not climb in rain", "Never climb in rain");
        let b = pack_from_region_file("huangshan.toml", &edited)
            .unwrap()
            .unwrap();
        assert_ne!(a.version, b.version);
        // The guide is a pack of its own: the catalog served to the app is the same.
        let catalog = |text| Catalog::from_toml("huangshan.toml", text).unwrap();
        assert_eq!(catalog(HUANGSHAN).version(), catalog(&edited).version());
    }

    #[test]
    fn the_catalog_leaves_the_guide_out() {
        let (without_guide, _) = HUANGSHAN.split_once("\n[guide]\n").unwrap();
        let catalog = |text| Catalog::from_toml("huangshan.toml", text).unwrap();
        assert_eq!(catalog(HUANGSHAN), catalog(without_guide));
        assert_eq!(
            catalog(HUANGSHAN).version(),
            catalog(without_guide).version()
        );
    }

    #[test]
    fn a_region_without_a_guide_has_no_pack() {
        assert_eq!(pack_from_region_file("mini.toml", MINI).unwrap(), None);
    }

    #[test]
    fn a_second_region_needs_only_its_own_file() {
        let pack = mini();
        assert_eq!(pack.region_id, "mini");
        let ids: Vec<&str> = pack.pois.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "top",
                "hall",
                "inn",
                "lift-lower",
                "lift-upper",
                "view",
                "loo"
            ]
        );
        let top = pack.poi("top").unwrap();
        assert_eq!((top.kind, top.importance), (PoiKind::Peak, 2));
        assert_eq!(top.guide.as_ref().unwrap().en, "The summit.");
        let hall = pack.poi("hall").unwrap();
        assert_eq!(hall.kind, PoiKind::Sight);
        assert!(hall.hours.is_some());
        assert_eq!(pack.poi("lift-lower").unwrap().name.en, "Lower");

        let trail = |id: &str| pack.trails.iter().find(|t| t.id == id).unwrap();
        // Its ends' positions and elevations, when the file gives no figures.
        let top_view = trail("top-view");
        let straight = distance_m(top.location, pack.poi("view").unwrap().location);
        assert_eq!(top_view.length_m, (straight * WINDING).round() as u32);
        assert_eq!((top_view.up_m, top_view.down_m), (0, 50));
        assert_eq!(trail("station-top").length_m, 80);
        assert_eq!(
            (trail("view-hall").up_m, trail("view-hall").down_m),
            (20, 370)
        );
        assert_eq!(trail("view-hall").path.len(), 3);
    }

    /// An entrance is a point of the guide, with the elevation its gate gives; a lift's
    /// boarding gate is not (its lower station is); an entrance with no elevation is refused.
    #[test]
    fn entrances_are_points_and_need_an_elevation() {
        let gate = |id: &str, admits: &str, elevation: &str| {
            format!(
                "\n[[gates]]\nid = \"{id}\"\nname = {{ zh = \"门\", en = \"Gate\" }}\nlocation = {{ lat = 30.0, lon = 118.0 }}\n{elevation}admits = {admits}\n"
            )
        };
        let lift = &MINI[MINI.find("[[cable_cars]]").unwrap()..];
        let lift_id = lift.lines().find_map(|l| l.strip_prefix("id = ")).unwrap();
        let region = format!(
            "{MINI}{}{}{MINI_GUIDE}",
            gate("front", r#"["entry"]"#, "elevation_m = 480\n"),
            gate("lift-gate", &format!("[{lift_id}]"), ""),
        );
        let pack = pack_from_region_file("mini.toml", &region)
            .unwrap()
            .unwrap();
        let front = pack.poi("front").unwrap();
        assert_eq!((front.kind, front.elevation_m), (PoiKind::Gate, 480));
        assert_eq!(pack.poi("lift-gate"), None);

        let region = format!("{MINI}{}{MINI_GUIDE}", gate("front", r#"["entry"]"#, ""));
        let e = pack_from_region_file("mini.toml", &region).unwrap_err();
        assert_eq!(e.field, "gates[0].elevation_m", "{e}");
        assert!(e.problem.contains("entrance"), "{e}");
    }

    fn error_for(find: &str, replace: &str) -> CatalogError {
        let guide = MINI_GUIDE.replacen(find, replace, 1);
        assert_ne!(guide, MINI_GUIDE, "`{find}` is not in the guide");
        pack_from_region_file("mini.toml", &format!("{MINI}{guide}")).unwrap_err()
    }

    #[rstest]
    #[case::trail_to_a_missing_point(
        r#"to = "view""#,
        r#"to = "nowhere""#,
        "guide.trails[1].to",
        "nowhere"
    )]
    #[case::trail_to_itself(
        r#"to = "view""#,
        r#"to = "top""#,
        "guide.trails[1].to",
        "end where it starts"
    )]
    #[case::point_outside_the_region(
        "lat = 30.015",
        "lat = 30.5",
        "guide.pois[0].location",
        "outside"
    )]
    #[case::duplicate_point(r#"id = "loo""#, r#"id = "view""#, "guide.pois[1].id", "twice")]
    #[case::point_with_a_sights_id(
        r#"id = "view""#,
        r#"id = "hall""#,
        "guide.pois[0].id",
        "sights[1].id"
    )]
    #[case::duplicate_trail(
        r#"id = "top-loo""#,
        r#"id = "top-view""#,
        "guide.trails[3].id",
        "twice"
    )]
    #[case::unknown_key(
        "elevation_m = 1190",
        "elevation_m = 1190\ncolour = \"red\"",
        "guide.pois[1].colour",
        "colour"
    )]
    #[case::unknown_section_key("[guide]\n", "[guide]\nscale = 2\n", "guide.scale", "scale")]
    #[case::text_for_an_unknown_point(
        "[guide.texts.top]",
        "[guide.texts.peak]",
        "guide.texts.peak",
        "peak"
    )]
    #[case::text_in_one_language(
        r#"en = "The summit.""#,
        r#"en = """#,
        "guide.texts.top",
        "zh and en"
    )]
    #[case::viewpoint_without_faces(
        "faces = { from_deg = 90, to_deg = 180 }",
        "",
        "guide.pois[0].faces",
        "directions"
    )]
    #[case::faces_past_north(
        "to_deg = 180",
        "to_deg = 400",
        "guide.pois[0].faces.to_deg",
        "0 to 360"
    )]
    #[case::bounds_upside_down(
        "north = 30.03",
        "north = 29.9",
        "guide.bounds.north",
        "north of south"
    )]
    #[case::catalog_sight_outside(
        "north = 30.03",
        "north = 30.015",
        "sights[1].location",
        "outside"
    )]
    #[case::a_peak_in_the_guide(
        r#"kind = "toilet""#,
        r#"kind = "peak""#,
        "guide.pois[1].kind",
        "catalog"
    )]
    #[case::ends_at_one_place("length_m = 80\n", "", "guide.trails[0].length_m", "one place")]
    #[case::shorter_than_the_line(
        "kind = \"path\"\n",
        "kind = \"path\"\nlength_m = 10\n",
        "guide.trails[1].length_m",
        "straight line"
    )]
    #[case::climb_that_does_not_add_up("up_m = 20", "up_m = 30", "guide.trails[2].up_m", "-350")]
    #[case::half_a_climb("down_m = 370\n", "", "guide.trails[2].down_m", "together")]
    #[case::via_outside(
        r#"via = [{ lat = 30.018"#,
        r#"via = [{ lat = 31.018"#,
        "guide.trails[2].via[0]",
        "outside"
    )]
    fn bad_guides_are_refused_naming_the_field(
        #[case] find: &str,
        #[case] replace: &str,
        #[case] field: &str,
        #[case] problem: &str,
    ) {
        let e = error_for(find, replace);
        assert_eq!(
            (e.file.as_str(), e.field.as_str()),
            ("mini.toml", field),
            "{e}"
        );
        assert!(e.problem.contains(problem), "{e}");
    }
}
