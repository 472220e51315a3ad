//! Which labels fit in a view without overlapping, and which point a tap means.
//!
//! Each projected point gets its label above it, centred; where that spot is taken the
//! label climbs a few rows higher (a leader line joins it to its point). The more
//! important and then the nearer points choose first. A label with no free row is not
//! drawn: it is counted in a "+N" beside the placed label nearest its point, so every
//! point is either labelled or counted once.
//!
//! Screen coordinates as in `geometry`: pixels from the top-left, y down. The caller
//! measures its labels (its fonts, its padding); [`estimate_width_px`] is a stand-in for
//! when it cannot.

use super::Poi;
use super::geometry::Projected;

/// Between a point and the bottom of its label.
pub const GAP_PX: f64 = 6.0;

/// Rows tried above a point, the first right above it.
pub const ROWS: usize = 4;

/// A tap this close to a point with no label under it still picks the point.
pub const PICK_RADIUS_PX: f64 = 24.0;

/// A point to label, with the size of its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker {
    /// The point of interest's index in the pack (as [`Projected::index`]).
    pub poi: usize,
    pub x: f64,
    pub y: f64,
    pub importance: u8,
    pub distance_m: f64,
    /// The label's size, its padding included.
    pub width_px: f64,
    pub height_px: f64,
}

impl Marker {
    pub fn new(projected: &Projected, poi: &Poi, width_px: f64, height_px: f64) -> Marker {
        Marker {
            poi: projected.index,
            x: projected.x,
            y: projected.y,
            importance: poi.importance,
            distance_m: projected.distance_m,
            width_px,
            height_px,
        }
    }
}

/// A screen rectangle: its top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    /// Whether they share some area; touching edges do not overlap.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }

    pub fn contains(&self, x: f64, y: f64) -> bool {
        (self.x..=self.x + self.width).contains(&x) && (self.y..=self.y + self.height).contains(&y)
    }
}

/// A label placed on the screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Label {
    pub poi: usize,
    pub rect: Rect,
    /// The point it labels, where its leader line ends.
    pub x: f64,
    pub y: f64,
}

/// Points whose labels did not fit, shown as "+N" at `x, y`: the top-right corner of the
/// label they are counted with.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Its index in [`Layout::labels`].
    pub label: usize,
    pub x: f64,
    pub y: f64,
    pub pois: Vec<usize>,
}

impl Group {
    pub fn count(&self) -> usize {
        self.pois.len()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    pub labels: Vec<Label>,
    pub groups: Vec<Group>,
}

/// Places the markers' labels so that no two overlap; see the module's doc.
pub fn place_labels(markers: &[Marker]) -> Layout {
    let mut order: Vec<&Marker> = markers.iter().collect();
    order.sort_by(|a, b| {
        b.importance
            .cmp(&a.importance)
            .then(a.distance_m.total_cmp(&b.distance_m))
            .then(a.poi.cmp(&b.poi))
    });
    let mut labels: Vec<Label> = Vec::with_capacity(markers.len());
    let mut left_out: Vec<&Marker> = Vec::new();
    for marker in order {
        let free = (0..ROWS)
            .map(|row| row_rect(marker, row))
            .find(|rect| labels.iter().all(|l| !l.rect.overlaps(rect)));
        match free {
            Some(rect) => labels.push(Label {
                poi: marker.poi,
                rect,
                x: marker.x,
                y: marker.y,
            }),
            None => left_out.push(marker),
        }
    }
    let groups = count_in_groups(&labels, &left_out);
    Layout { labels, groups }
}

/// The label's rectangle `row` rows above its point, centred on it.
fn row_rect(marker: &Marker, row: usize) -> Rect {
    let bottom = marker.y - GAP_PX - row as f64 * (marker.height_px + GAP_PX);
    Rect {
        x: marker.x - marker.width_px / 2.0,
        y: bottom - marker.height_px,
        width: marker.width_px,
        height: marker.height_px,
    }
}

/// Each left-out marker joins the group of the placed label nearest its point. The first
/// marker always finds a free row, so there is a label whenever something is left out.
fn count_in_groups(labels: &[Label], left_out: &[&Marker]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for marker in left_out {
        let nearest = labels.iter().enumerate().min_by(|(_, a), (_, b)| {
            let to = |l: &Label| (l.x - marker.x).hypot(l.y - marker.y);
            to(a).total_cmp(&to(b))
        });
        let Some((label, placed)) = nearest else {
            continue;
        };
        match groups.iter_mut().find(|g| g.label == label) {
            Some(group) => group.pois.push(marker.poi),
            None => groups.push(Group {
                label,
                x: placed.rect.x + placed.rect.width,
                y: placed.rect.y,
                pois: vec![marker.poi],
            }),
        }
    }
    groups.sort_by_key(|g| g.label);
    groups
}

impl Layout {
    /// The point of interest a tap at `x, y` means: the one whose label is under it, else
    /// the marker nearest within [`PICK_RADIUS_PX`] (labelled or counted), else none.
    pub fn pick(&self, markers: &[Marker], x: f64, y: f64) -> Option<usize> {
        if let Some(label) = self.labels.iter().find(|l| l.rect.contains(x, y)) {
            return Some(label.poi);
        }
        markers
            .iter()
            .map(|m| (m.poi, (m.x - x).hypot(m.y - y)))
            .filter(|(_, d)| *d <= PICK_RADIUS_PX)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(poi, _)| poi)
    }
}

/// A rough width for `text` at `font_px`, for when the caller cannot measure: Chinese
/// (and other full-width) characters a full em, the rest about half.
pub fn estimate_width_px(text: &str, font_px: f64) -> f64 {
    text.chars()
        .map(|c| if is_wide(c) { 1.0 } else { 0.55 })
        .sum::<f64>()
        * font_px
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F // Hangul Jamo
        | 0x2E80..=0x303E // CJK radicals, symbols and punctuation
        | 0x3041..=0x33FF // kana, CJK compatibility
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xAC00..=0xD7A3 // Hangul syllables
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFF00..=0xFF60 // full-width forms
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD // CJK extensions B and on
    )
}

#[cfg(test)]
mod tests;
