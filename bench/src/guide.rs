//! `guide [RUNS]`: the guide's work for one frame and for one route, over the region's
//! own guide pack: projecting every point of interest and laying out their labels (a
//! 60° camera view, and a 360° panorama where every point is in view), and walking routes
//! from Bright Summit (to the reachable point farthest from it, and to the Beihai Hotel).
//! Prints the median, the 99th percentile and the number of runs for each.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::Context;
use tongyou_core::guide::geometry::{self, View, ViewMode, project};
use tongyou_core::guide::layout::{Layout, Marker, estimate_width_px, place_labels};
use tongyou_core::guide::route::{Route, Walker, route};
use tongyou_core::guide::{GuidePack, pack_from_region_file};

const FROM: &str = "bright-summit";

pub fn run(runs: usize) -> anyhow::Result<()> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/regions/huangshan.toml"
    );
    let pack = pack_from_region_file(path, &std::fs::read_to_string(path)?)?
        .context("the region's data file has no guide")?;
    let here = pack
        .poi(FROM)
        .with_context(|| format!("the guide has no `{FROM}`"))?;
    println!(
        "guide: {} points of interest, {} trails; standing on {} ({} m)",
        pack.pois.len(),
        pack.trails.len(),
        here.name.en,
        here.elevation_m
    );
    let runs = runs.max(1);
    let view = View {
        at: here.location,
        eye_m: f64::from(here.elevation_m) + 1.6,
        heading_deg: 160.0,
        pitch_deg: 0.0,
        fov_deg: 60.0,
        width_px: 1080.0,
        height_px: 1920.0,
        mode: ViewMode::Camera,
    };
    let panorama = View {
        fov_deg: 360.0,
        width_px: 7200.0,
        height_px: 1200.0,
        mode: ViewMode::Panorama,
        ..view
    };
    for (what, view) in [("60° camera view", view), ("360° panorama", panorama)] {
        let mut layout = Layout::default();
        let times = timed(runs, || layout = frame(&pack, &view));
        let counted: usize = layout.groups.iter().map(|g| g.count()).sum();
        println!(
            "  frame, {what}: {} labels placed, {counted} counted in {} \"+N\"",
            layout.labels.len(),
            layout.groups.len()
        );
        report(&times, "projection + layout", "2 ms");
    }

    let farthest = farthest_reachable(&pack)?;
    for to in [farthest.as_str(), "beihai-hotel"] {
        let mut walked = None;
        let times = timed(runs, || {
            walked = Some(route(&pack, FROM, to, &Walker::ADULT, &[]));
        });
        match walked {
            Some(Ok(r)) => describe(&pack, to, &r),
            Some(Err(no)) => println!("  route to {to}: {}", no.message().en),
            None => {}
        }
        report(&times, "route", "5 ms");
    }
    Ok(())
}

/// One frame's work: where every point shows, then which labels fit.
fn frame(pack: &GuidePack, view: &View) -> Layout {
    let markers: Vec<Marker> = project(view, &pack.pois)
        .iter()
        .map(|p| {
            let poi = &pack.pois[p.index];
            Marker::new(p, poi, estimate_width_px(&poi.name.zh, 14.0) + 12.0, 22.0)
        })
        .collect();
    place_labels(&markers)
}

/// The point of interest farthest in a straight line from [`FROM`] that can be walked to.
fn farthest_reachable(pack: &GuidePack) -> anyhow::Result<String> {
    let here = pack.poi(FROM).context("no start")?.location;
    pack.pois
        .iter()
        .filter(|p| route(pack, FROM, &p.id, &Walker::ADULT, &[]).is_ok())
        .max_by(|a, b| {
            let far = |p: &tongyou_core::guide::Poi| geometry::distance_m(here, p.location);
            far(a).total_cmp(&far(b))
        })
        .map(|p| p.id.clone())
        .context("nothing can be walked to from Bright Summit")
}

fn describe(pack: &GuidePack, to: &str, route: &Route) {
    let name = pack.poi(to).map_or(to, |p| p.name.en.as_str());
    println!(
        "  route to {name}: {} legs, {:.1} km, +{} m −{} m, {} min",
        route.legs.len(),
        f64::from(route.length_m) / 1000.0,
        route.up_m,
        route.down_m,
        route.minutes
    );
}

fn timed(runs: usize, mut work: impl FnMut()) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            black_box(started.elapsed())
        })
        .collect();
    times.sort();
    times
}

fn report(times: &[Duration], what: &str, target: &str) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    println!(
        "    {what}: median {:.1} µs, p99 {:.1} µs over {} runs (target ≤ {target})",
        us(times[times.len() / 2]),
        us(p99),
        times.len()
    );
}
