//! Walking from one point of interest to another on the pack's trails: the quickest way
//! for who is walking, leg by leg, with its length, climb, time and line on the map.
//!
//! A trail's time is Tobler's ([`walk_minutes`]) over its length, for its net rise in the
//! direction walked, times the walker's pace. Tobler already slows steep climbs and
//! descents, so stone steps add no time of their own; a walker who avoids steps (seniors,
//! small children, as the planner has it) pays a penalty on them when choosing the way,
//! so another way wins unless it is much longer, and steps are still walked when they are
//! the only way. Lifts are not walked: a route is on foot only.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use thiserror::Error;

use super::{GuidePack, Trail, TrailKind};
use crate::api::PlanParty;
use crate::catalog::GeoPoint;
use crate::text::Text;
use crate::trip::walk::walk_minutes;

/// How much longer steps seem to a walker who avoids them, when choosing the way.
pub const STEPS_PENALTY: f64 = 3.0;

/// Who is walking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Walker {
    /// Walking takes this many times an adult's time.
    pub pace: f64,
    /// Takes another way than stone steps where there is one ([`STEPS_PENALTY`]).
    pub avoids_steps: bool,
}

impl Walker {
    pub const ADULT: Walker = Walker {
        pace: 1.0,
        avoids_steps: false,
    };
    /// Under 12: the planner's pace for children.
    pub const CHILD: Walker = Walker {
        pace: 1.3,
        avoids_steps: false,
    };
    /// Under 6: as a child, and kept off steep steps, as the planner does.
    pub const SMALL_CHILD: Walker = Walker {
        pace: 1.3,
        avoids_steps: true,
    };
    /// 60 or older: the planner's pace for seniors.
    pub const SENIOR: Walker = Walker {
        pace: 1.5,
        avoids_steps: true,
    };

    /// The party walks at its slowest member's pace, as the planner has it.
    pub fn of(party: &PlanParty) -> Walker {
        if party.seniors > 0 {
            Walker::SENIOR
        } else if party.children.iter().any(|age| *age < 6) {
            Walker::SMALL_CHILD
        } else if party.children.iter().any(|age| *age < 12) {
            Walker::CHILD
        } else {
            Walker::ADULT
        }
    }

    /// Minutes to walk `trail` starting from the end `forward` says.
    fn minutes(&self, trail: &Trail, forward: bool) -> f64 {
        let rise = f64::from(trail.up_m) - f64::from(trail.down_m);
        let rise = if forward { rise } else { -rise };
        walk_minutes(f64::from(trail.length_m), rise) * self.pace
    }

    /// What choosing the way counts: the minutes, made longer on steps avoided.
    fn cost(&self, trail: &Trail, forward: bool) -> f64 {
        let minutes = self.minutes(trail, forward);
        if self.avoids_steps && trail.kind == TrailKind::Steps {
            minutes * STEPS_PENALTY
        } else {
            minutes
        }
    }
}

/// A way on foot from one point of interest to another.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub legs: Vec<Leg>,
    pub length_m: u32,
    pub up_m: u32,
    pub down_m: u32,
    /// The legs' minutes added up.
    pub minutes: u32,
    /// The line to draw, from the start to the end.
    pub path: Vec<GeoPoint>,
}

/// One trail walked, in the direction walked: `from`, `up_m` and `down_m` are as the
/// walker meets them, whichever way the data has the trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    pub trail_id: String,
    pub from: String,
    pub to: String,
    pub kind: TrailKind,
    pub length_m: u32,
    pub up_m: u32,
    pub down_m: u32,
    /// At the walker's pace, rounded, at least 1.
    pub minutes: u32,
}

/// Why there is no way on foot, said to the tourist by [`NoRoute::message`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum NoRoute {
    #[error("the guide has no place `{id}`")]
    UnknownPlace { id: String },
    #[error("already at {}", .name.en)]
    SamePlace { name: Text },
    /// There is a way, but a trail on it is closed. `trails`: the closed ones on the
    /// quickest way were they open.
    #[error("no open way on foot from {} to {}: {trails:?} closed", .from.en, .to.en)]
    Closed {
        from: Text,
        to: Text,
        trails: Vec<String>,
    },
    #[error("no trail joins {} and {}", .from.en, .to.en)]
    NoTrail { from: Text, to: Text },
}

impl NoRoute {
    pub fn message(&self) -> Text {
        match self {
            NoRoute::UnknownPlace { id } => Text::new(
                format!("导览里没有这个地点（{id}）"),
                format!("The guide has no place “{id}”."),
            ),
            NoRoute::SamePlace { name } => Text::new(
                format!("您已在{}", name.zh),
                format!("You are already at {}.", name.en),
            ),
            NoRoute::Closed { from, to, .. } => Text::new(
                format!("从{}步行到不了{}：途中步道关闭", from.zh, to.zh),
                format!(
                    "You cannot walk from {} to {} now: a trail on the way is closed.",
                    from.en, to.en
                ),
            ),
            NoRoute::NoTrail { from, to } => Text::new(
                format!("{}和{}之间没有步道相连", from.zh, to.zh),
                format!("No trail joins {} and {}.", from.en, to.en),
            ),
        }
    }
}

/// The quickest way on foot from `from_id` to `to_id` for `walker`, on the trails that
/// are open: neither closed in the data nor among `closed` (trail ids, closed today).
pub fn route(
    pack: &GuidePack,
    from_id: &str,
    to_id: &str,
    walker: &Walker,
    closed: &[&str],
) -> Result<Route, NoRoute> {
    let place = |id: &str| {
        pack.pois
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(|| NoRoute::UnknownPlace { id: id.to_owned() })
    };
    let (from, to) = (place(from_id)?, place(to_id)?);
    let name = |i: usize| pack.pois[i].name.clone();
    if from == to {
        return Err(NoRoute::SamePlace { name: name(from) });
    }
    let graph = Graph::of(pack);
    let is_open = |t: &Trail| !t.closed && !closed.contains(&t.id.as_str());
    if let Some(steps) = graph.quickest(from, to, walker, is_open) {
        return Ok(walked(pack, &steps, walker));
    }
    match graph.quickest(from, to, walker, |_| true) {
        Some(steps) => Err(NoRoute::Closed {
            from: name(from),
            to: name(to),
            trails: steps
                .iter()
                .map(|s| &pack.trails[s.trail])
                .filter(|t| !is_open(t))
                .map(|t| t.id.clone())
                .collect(),
        }),
        None => Err(NoRoute::NoTrail {
            from: name(from),
            to: name(to),
        }),
    }
}

/// The trails by the points of interest at their ends (indices into the pack).
struct Graph<'a> {
    trails: &'a [Trail],
    /// For each point: the trails leaving it, and whether it is their `from` end.
    exits: Vec<Vec<Step>>,
}

/// One trail taken: its index, and whether it is walked from its `from` end.
#[derive(Debug, Clone, Copy)]
struct Step {
    trail: usize,
    forward: bool,
    to: usize,
}

impl<'a> Graph<'a> {
    /// A trail whose end is not a point of interest is left out: it leads nowhere known.
    fn of(pack: &'a GuidePack) -> Graph<'a> {
        let index: HashMap<&str, usize> = pack
            .pois
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let mut exits = vec![Vec::new(); pack.pois.len()];
        for (trail, t) in pack.trails.iter().enumerate() {
            let (Some(&a), Some(&b)) = (index.get(t.from.as_str()), index.get(t.to.as_str()))
            else {
                continue;
            };
            exits[a].push(Step {
                trail,
                forward: true,
                to: b,
            });
            exits[b].push(Step {
                trail,
                forward: false,
                to: a,
            });
        }
        Graph {
            trails: &pack.trails,
            exits,
        }
    }

    /// Dijkstra's shortest paths on the walker's cost, over the trails `usable` allows;
    /// the steps from `from` to `to` in order.
    fn quickest(
        &self,
        from: usize,
        to: usize,
        walker: &Walker,
        usable: impl Fn(&Trail) -> bool,
    ) -> Option<Vec<Step>> {
        let mut best = vec![f64::INFINITY; self.exits.len()];
        let mut came_by: Vec<Option<(usize, Step)>> = vec![None; self.exits.len()];
        let mut queue = BinaryHeap::new();
        best[from] = 0.0;
        queue.push(Visit {
            cost: 0.0,
            at: from,
        });
        while let Some(Visit { cost, at }) = queue.pop() {
            if at == to {
                break;
            }
            if cost > best[at] {
                continue;
            }
            for step in &self.exits[at] {
                let trail = &self.trails[step.trail];
                if !usable(trail) {
                    continue;
                }
                let cost = cost + walker.cost(trail, step.forward);
                if cost < best[step.to] {
                    best[step.to] = cost;
                    came_by[step.to] = Some((at, *step));
                    queue.push(Visit { cost, at: step.to });
                }
            }
        }
        let mut steps = Vec::new();
        let mut at = to;
        while at != from {
            let (before, step) = came_by[at]?;
            steps.push(step);
            at = before;
        }
        steps.reverse();
        Some(steps)
    }
}

/// A point in Dijkstra's queue, cheapest first.
#[derive(Debug, PartialEq)]
struct Visit {
    cost: f64,
    at: usize,
}

impl Eq for Visit {}

impl Ord for Visit {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .cost
            .total_cmp(&self.cost)
            .then(other.at.cmp(&self.at))
    }
}

impl PartialOrd for Visit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The route the steps make, with each trail turned the way it is walked.
fn walked(pack: &GuidePack, steps: &[Step], walker: &Walker) -> Route {
    let mut route = Route {
        legs: Vec::with_capacity(steps.len()),
        length_m: 0,
        up_m: 0,
        down_m: 0,
        minutes: 0,
        path: Vec::new(),
    };
    for step in steps {
        let trail = &pack.trails[step.trail];
        let (from, to, up_m, down_m) = if step.forward {
            (&trail.from, &trail.to, trail.up_m, trail.down_m)
        } else {
            (&trail.to, &trail.from, trail.down_m, trail.up_m)
        };
        let minutes = (walker.minutes(trail, step.forward).round() as u32).max(1);
        route.length_m += trail.length_m;
        route.up_m += up_m;
        route.down_m += down_m;
        route.minutes += minutes;
        append_path(&mut route.path, pack, trail, step.forward);
        route.legs.push(Leg {
            trail_id: trail.id.clone(),
            from: from.clone(),
            to: to.clone(),
            kind: trail.kind,
            length_m: trail.length_m,
            up_m,
            down_m,
            minutes,
        });
    }
    route
}

/// Adds the trail's line the way it is walked; the point where two legs meet once. A
/// trail with no line is drawn straight between its ends.
fn append_path(path: &mut Vec<GeoPoint>, pack: &GuidePack, trail: &Trail, forward: bool) {
    let mut line = if trail.path.is_empty() {
        [&trail.from, &trail.to]
            .into_iter()
            .filter_map(|id| pack.poi(id).map(|p| p.location))
            .collect()
    } else {
        trail.path.clone()
    };
    if !forward {
        line.reverse();
    }
    let skip = usize::from(path.last().is_some() && path.last() == line.first());
    path.extend(line.into_iter().skip(skip));
}

#[cfg(test)]
mod tests;
