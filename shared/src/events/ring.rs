//! Shots: a released ball that rises above a ring and comes down at it, and whether it went
//! through (`NETBALL.md`: a goal is the ball passing over and completely through the ring).
//!
//! In the picture a ring is a small box high above the floor. A ball that goes through keeps
//! falling, inside the ring's width, until it is below it; one that hits the rim bounces away
//! sideways, or stalls on the rim before it drops (which, seen from the side, can be straight
//! down in front of the ring).

use std::collections::VecDeque;

use super::{EventSettings, Scene};
use crate::BoundingBox;

/// How a shot ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Goal,
    Miss,
    /// The analysed video ended before the ball was seen below the ring: a shot in a clip's
    /// last second may still go in.
    Unseen,
}

/// A shot's flight: where the ball reached the ring (a scene index), and how it ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct ShotFlight {
    pub at_ring: usize,
    pub outcome: Outcome,
}

/// The rings of each scene: each ring's box as the median of its detections over the last
/// `ring_memory_s` (a still or slowly panning camera keeps them where they were; a ring's box
/// jitters by a few pixels from frame to frame, about as much as the ball moves).
pub(super) fn rings(scenes: &[Scene], s: &EventSettings) -> Vec<Vec<BoundingBox>> {
    // Each ring seen: its recent detections, oldest first.
    let mut known: Vec<VecDeque<(f64, BoundingBox)>> = Vec::new();
    scenes
        .iter()
        .map(|scene| {
            for &detected in &scene.rings {
                let same = known.iter_mut().find(|seen| {
                    seen.back().is_some_and(|(_, b)| {
                        let (a, c) = (b.center(), detected.center());
                        (a.0 - c.0).hypot(a.1 - c.1) <= b.width().max(detected.width())
                    })
                });
                match same {
                    Some(seen) => seen.push_back((scene.time, detected)),
                    None => known.push(VecDeque::from([(scene.time, detected)])),
                }
            }
            for seen in &mut known {
                while seen
                    .front()
                    .is_some_and(|(t, _)| scene.time - t > s.ring_memory_s)
                {
                    seen.pop_front();
                }
            }
            known.retain(|seen| !seen.is_empty());
            known.iter().map(median).collect()
        })
        .collect()
}

/// The box whose every edge is the median of the boxes' edges.
fn median(boxes: &VecDeque<(f64, BoundingBox)>) -> BoundingBox {
    let edge = |f: fn(&BoundingBox) -> f32| {
        let mut v: Vec<f32> = boxes.iter().map(|(_, b)| f(b)).collect();
        v.sort_by(f32::total_cmp);
        v[v.len() / 2]
    };
    BoundingBox {
        x1: edge(|b| b.x1),
        y1: edge(|b| b.y1),
        x2: edge(|b| b.x2),
        y2: edge(|b| b.y2),
    }
}

/// The shot, if the ball released after scene `from` and before scene `to` rose above a ring
/// and came down at it.
pub(super) fn shot(
    rings: &[Vec<BoundingBox>],
    ball: &[Option<(f32, f32)>],
    times: &[f64],
    from: usize,
    to: usize,
    s: &EventSettings,
) -> Option<ShotFlight> {
    // The ring the ball rose above, and the highest the ball has been since (smallest y).
    let mut above: Option<(BoundingBox, f32)> = None;
    for k in from + 1..to {
        let Some(c) = ball[k] else { continue };
        match above {
            None => above = rings[k].iter().find(|r| over(c, r)).map(|&r| (r, c.1)),
            Some((ring, apex)) if c.1 < apex => above = Some((ring, c.1)),
            // Coming down from its highest point: a ball still rising has not reached the
            // ring, however near it passes (a shot from under the ring).
            Some((ring, apex))
                if c.1 - apex >= DESCENT_RING_HEIGHTS * ring.height() && at_ring(c, &ring, s) =>
            {
                // Whoever takes the ball next may reach it while it still falls: the outcome
                // is judged on its path, whoever holds it.
                let end = (k..ball.len()).find(|&i| times[i] - times[k] > OUTCOME_S);
                let outcome = match outcome(&ring, ball, times, k, end.unwrap_or(ball.len())) {
                    Some(o) => o,
                    None if end.is_none() => Outcome::Unseen,
                    None => Outcome::Miss,
                };
                return Some(ShotFlight {
                    at_ring: k,
                    outcome,
                });
            }
            Some(_) => {}
        }
    }
    None
}

/// How long after reaching the ring the ball's path decides the outcome (seconds): a ball
/// through the ring is a ring's height below it well within this.
const OUTCOME_S: f64 = 1.0;

/// The scene, from `from` up to `at_ring`, where the ball was highest in the picture: the top
/// of a shot that reached the ring at scene `at_ring`. `None` without ball points there.
pub(super) fn apex(ball: &[Option<(f32, f32)>], from: usize, at_ring: usize) -> Option<usize> {
    (from..at_ring)
        .filter_map(|k| ball.get(k).copied().flatten().map(|c| (k, c.1)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// How far below its highest point the ball must be, in ring heights, to be coming down (box
/// noise moves a still ball by a pixel or two).
const DESCENT_RING_HEIGHTS: f32 = 0.5;

/// How far to either side of a ring, in ring widths, a shot's highest point may be: a ball
/// above a ring's height but further off is a high pass (in the picture, players on the far
/// side of the court reach ring height).
const APEX_REACH: f32 = 3.0;

/// Whether the ball's centre is above `ring` in the picture, and near it sideways.
fn over(c: (f32, f32), ring: &BoundingBox) -> bool {
    c.1 < ring.y1 && (c.0 - ring.center().0).abs() <= APEX_REACH * ring.width()
}

/// Whether the ball's centre is at `ring`: within `ring_reach` ring widths of its box sideways
/// and ring heights above and below.
fn at_ring(c: (f32, f32), ring: &BoundingBox, s: &EventSettings) -> bool {
    let (w, h) = (ring.width(), ring.height());
    c.0 >= ring.x1 - s.ring_reach * w
        && c.0 <= ring.x2 + s.ring_reach * w
        && c.1 >= ring.y1 - s.ring_reach * h
        && c.1 <= ring.y2 + s.ring_reach * h
}

/// Over this long (seconds) a ball going through the ring moves well over a ring's height...
const STALL_S: f64 = 0.16;
/// ...and one sitting on the rim less than this share of it.
const STALL_RING_HEIGHTS: f32 = 0.45;

/// Goal when the ball, after reaching the ring at scene `k`, falls without stalling until it
/// is a ring's height below it, and is then within the ring's width; a miss otherwise. `None`
/// when it is not seen below the ring before scene `to`.
fn outcome(
    ring: &BoundingBox,
    ball: &[Option<(f32, f32)>],
    times: &[f64],
    k: usize,
    to: usize,
) -> Option<Outcome> {
    let raw: Vec<(f64, (f32, f32))> = (k..to)
        .filter_map(|i| ball[i].map(|c| (times[i], c)))
        .collect();
    // Each point averaged with its neighbours: one noisy box must not look like a stall.
    let seen: Vec<(f64, (f32, f32))> = (0..raw.len())
        .map(|i| {
            let near = &raw[i.saturating_sub(1)..(i + 2).min(raw.len())];
            let n = near.len() as f32;
            let x = near.iter().map(|(_, c)| c.0).sum::<f32>() / n;
            let y = near.iter().map(|(_, c)| c.1).sum::<f32>() / n;
            (raw[i].0, (x, y))
        })
        .collect();
    let below = ring.y2 + ring.height();
    let out = seen.iter().position(|(_, c)| c.1 > below)?;
    let centre = ring.center().0;
    if (seen[out].1.0 - centre).abs() > ring.width() {
        return Some(Outcome::Miss);
    }
    let stalled = seen[..out].iter().enumerate().any(|(i, &(t, c))| {
        seen[i + 1..=out]
            .iter()
            .find(|(u, _)| u - t >= STALL_S)
            .is_some_and(|(_, d)| (d.0 - c.0).hypot(d.1 - c.1) < STALL_RING_HEIGHTS * ring.height())
    });
    Some(if stalled {
        Outcome::Miss
    } else {
        Outcome::Goal
    })
}
