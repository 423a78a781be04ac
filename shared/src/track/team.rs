//! Team assignment by kit colour: each track's shirt colour is sampled from the torso of its
//! boxes, summarised robustly, and the tracks are split into two teams by 2-means clustering.
//!
//! - Where: rows 20-50% of the box's height, columns 25-75% of its width. Below the head (the
//!   top ~15% of a standing person's box) and above the shorts, skirt and legs (skin, and the
//!   floor seen between them), and inside the arms and the floor at the box's sides.
//! - Colour space: CIE L\*a\*b\* (D65), where straight-line distance roughly follows perceived
//!   difference: navy and black, or red and orange, are farther apart than in sRGB.
//! - Summaries: a box's colour is the per-channel median of a grid of at most 12 x 12 pixels in
//!   the region (what is left of floor, skin or a passing player is outvoted, and the cost does
//!   not grow with resolution); a track's colour is the per-channel median of its last
//!   `samples_per_track` box colours (recent ones, so a track that changes person or light
//!   follows).
//! - Clustering: 2-means on the tracks' colours weighted by their sample counts, started from
//!   the two farthest-apart tracks, so reruns agree. Written here rather than taken from a crate:
//!   it is a few lines for k = 2 on tens of points, and the clustering crates (linfa) bring
//!   ndarray and random initialisation, which this deterministic, wasm-compiled core avoids.
//! - Labels: team A is the kit with the higher lightness, so the labels do not depend on which
//!   track was seen first.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::sample::grid_pixels;
use crate::{BoundingBox, Frame};

/// The torso region, as fractions of the box: rows from the top, columns from the left.
const TORSO_ROWS: (f32, f32) = (0.20, 0.50);
const TORSO_COLUMNS: (f32, f32) = (0.25, 0.75);
/// Pixels sampled along each side of the torso region, at most.
const GRID: u32 = 12;
/// Lloyd iterations at most; two clusters of tens of points settle in a handful.
const MAX_ITERATIONS: usize = 20;

/// A colour in CIE L\*a\*b\*.
type Lab = [f32; 3];

/// The team classifier's settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamSettings {
    /// Box colours kept per track, the most recent (default 30: about a second of video, enough
    /// for a median to outvote occlusions; bounds the memory per track).
    pub samples_per_track: usize,
    /// Box colours a track needs before it is classified (default 5: one box may be a player
    /// half hidden behind another).
    pub min_samples: usize,
    /// Boxes less tall than this, pixels, are skipped (default 24: the torso region would be
    /// under 8 rows, too few to tell shirt from what surrounds it).
    pub min_box_height: f32,
}

impl Default for TeamSettings {
    fn default() -> Self {
        Self {
            samples_per_track: 30,
            min_samples: 5,
            min_box_height: 24.0,
        }
    }
}

/// Which of the two teams a track belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TeamLabel {
    /// The lighter kit.
    A,
    /// The darker kit.
    B,
}

/// The two teams and their members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamAssignment {
    /// Each team's kit colour (the cluster's mean, in sRGB for drawing), A first. Black while
    /// fewer than two tracks can be classified.
    pub kits: [[u8; 3]; 2],
    /// The team of each track with enough samples.
    pub teams: BTreeMap<u32, TeamLabel>,
}

/// Collects kit colours per track and splits the tracks into two teams.
#[derive(Clone, Debug)]
pub struct TeamClassifier {
    settings: TeamSettings,
    tracks: BTreeMap<u32, VecDeque<Lab>>,
}

impl TeamClassifier {
    pub fn new(settings: TeamSettings) -> Self {
        Self {
            settings,
            tracks: BTreeMap::new(),
        }
    }

    /// Samples the kit colour of track `track_id` from its box in `frame`. Boxes that are too
    /// small, not finite or outside the frame are skipped.
    pub fn observe(&mut self, track_id: u32, frame: &Frame, bbox: &BoundingBox) {
        let Some(colour) = torso_colour(frame, bbox, self.settings.min_box_height) else {
            return;
        };
        let samples = self.tracks.entry(track_id).or_default();
        samples.push_back(colour);
        while samples.len() > self.settings.samples_per_track.max(1) {
            samples.pop_front();
        }
    }

    /// Forgets a track (one that ended), so that memory follows the tracks alive.
    pub fn forget(&mut self, track_id: u32) {
        self.tracks.remove(&track_id);
    }

    /// Clusters the tracks with enough samples into two teams. Costs a median per track and a
    /// few passes over the tracks, whatever the number of frames seen.
    pub fn assign(&self) -> TeamAssignment {
        let tracks: Vec<(u32, Lab, f32)> = self
            .tracks
            .iter()
            .filter(|(_, samples)| samples.len() >= self.settings.min_samples.max(1))
            .map(|(&id, samples)| (id, median(samples.iter().copied()), samples.len() as f32))
            .collect();
        let points: Vec<(Lab, f32)> = tracks.iter().map(|&(_, c, w)| (c, w)).collect();
        let Some((centres, clusters)) = two_means(&points) else {
            return TeamAssignment {
                kits: [[0; 3]; 2],
                teams: BTreeMap::new(),
            };
        };
        // Team A is the lighter cluster (then the higher a*, b*), whatever the clusters' order.
        let a = usize::from(lighter(&centres[1], &centres[0]));
        let label = |cluster: usize| {
            if cluster == a {
                TeamLabel::A
            } else {
                TeamLabel::B
            }
        };
        TeamAssignment {
            kits: [srgb_from_lab(centres[a]), srgb_from_lab(centres[1 - a])],
            teams: tracks
                .iter()
                .zip(clusters)
                .map(|(&(id, _, _), cluster)| (id, label(cluster)))
                .collect(),
        }
    }

    /// Box colours held for a track (a test's check that memory per track is bounded).
    #[cfg(test)]
    fn held(&self, track_id: u32) -> usize {
        self.tracks.get(&track_id).map_or(0, VecDeque::len)
    }
}

/// The median colour of the torso region's sample grid, or `None` when the box is too small,
/// not finite or outside the frame.
fn torso_colour(frame: &Frame, b: &BoundingBox, min_height: f32) -> Option<Lab> {
    if b.height() < min_height.max(1.0) {
        return None;
    }
    let samples = grid_pixels(frame, b, TORSO_ROWS, TORSO_COLUMNS, GRID)?;
    Some(median(samples.map(lab_from_srgb)))
}

/// The per-channel median (the upper one of an even count); black for no colours.
fn median(colours: impl Iterator<Item = Lab>) -> Lab {
    let mut channels: [Vec<f32>; 3] = Default::default();
    for c in colours {
        for (channel, v) in channels.iter_mut().zip(c) {
            channel.push(v);
        }
    }
    channels.map(|mut values| {
        values.sort_by(f32::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or(0.0)
    })
}

fn distance2(a: &Lab, b: &Lab) -> f32 {
    a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum()
}

/// Whether `a` sorts before `b` as team A: lighter, then redder, then yellower.
fn lighter(a: &Lab, b: &Lab) -> bool {
    a.iter()
        .zip(b)
        .map(|(p, q)| q.total_cmp(p))
        .find(|o| o.is_ne())
        .is_some_and(|o| o.is_lt())
}

/// Weighted 2-means from the farthest-apart pair: the two centres and each point's cluster, or
/// `None` for fewer than two points.
fn two_means(points: &[(Lab, f32)]) -> Option<([Lab; 2], Vec<usize>)> {
    let mut centres = farthest_pair(points)?;
    let mut clusters: Vec<usize> = Vec::new();
    for _ in 0..MAX_ITERATIONS {
        let next: Vec<usize> = points
            .iter()
            .map(|(c, _)| usize::from(distance2(c, &centres[1]) < distance2(c, &centres[0])))
            .collect();
        if next == clusters {
            break;
        }
        clusters = next;
        for (k, centre) in centres.iter_mut().enumerate() {
            let members = points.iter().zip(&clusters).filter(|&(_, &c)| c == k);
            if let Some(mean) = weighted_mean(members.map(|(p, _)| p)) {
                *centre = mean;
            }
        }
    }
    Some((centres, clusters))
}

/// The two points farthest apart (the first such pair in order).
fn farthest_pair(points: &[(Lab, f32)]) -> Option<[Lab; 2]> {
    let mut best: Option<([Lab; 2], f32)> = None;
    for (i, (a, _)) in points.iter().enumerate() {
        for (b, _) in &points[i + 1..] {
            let d = distance2(a, b);
            if best.is_none_or(|(_, far)| d > far) {
                best = Some(([*a, *b], d));
            }
        }
    }
    best.map(|(pair, _)| pair)
}

/// The weighted mean colour, or `None` when the weights sum to nothing.
fn weighted_mean<'a>(points: impl Iterator<Item = &'a (Lab, f32)>) -> Option<Lab> {
    let mut sum = [0.0f32; 3];
    let mut total = 0.0;
    for (c, w) in points {
        for (s, v) in sum.iter_mut().zip(c) {
            *s += v * w;
        }
        total += w;
    }
    (total > 0.0).then(|| sum.map(|s| s / total))
}

/// D65 white in XYZ.
const WHITE: [f32; 3] = [0.950_47, 1.0, 1.088_83];

pub(super) fn lab_from_srgb(rgb: [u8; 3]) -> Lab {
    let [r, g, b] = rgb.map(|c| {
        let c = f32::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    });
    let xyz = [
        0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b,
        0.212_672_9 * r + 0.715_152_2 * g + 0.072_175 * b,
        0.019_333_9 * r + 0.119_192 * g + 0.950_304_1 * b,
    ];
    let [fx, fy, fz] = [0, 1, 2].map(|i| {
        let t = xyz[i] / WHITE[i];
        if t > 216.0 / 24_389.0 {
            t.cbrt()
        } else {
            (24_389.0 / 27.0 * t + 16.0) / 116.0
        }
    });
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

fn srgb_from_lab([l, a, b]: Lab) -> [u8; 3] {
    let fy = (l + 16.0) / 116.0;
    let f = [fy + a / 500.0, fy, fy - b / 200.0];
    let [x, y, z] = [0, 1, 2].map(|i| {
        let t = if f[i].powi(3) > 216.0 / 24_389.0 {
            f[i].powi(3)
        } else {
            (116.0 * f[i] - 16.0) * 27.0 / 24_389.0
        };
        t * WHITE[i]
    });
    let linear = [
        3.240_454_2 * x - 1.537_138_5 * y - 0.498_531_4 * z,
        -0.969_266 * x + 1.876_010_8 * y + 0.041_556 * z,
        0.055_643_4 * x - 0.204_025_9 * y + 1.057_225_2 * z,
    ];
    linear.map(|c| {
        let c = c.clamp(0.0, 1.0);
        let s = if c <= 0.003_130_8 {
            12.92 * c
        } else {
            1.055 * c.powf(1.0 / 2.4) - 0.055
        };
        (s * 255.0).round() as u8
    })
}

#[cfg(test)]
mod tests;
