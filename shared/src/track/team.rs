//! Team assignment by kit colour: each track's colours are sampled from the torso and skirt of
//! its boxes, gathered into a histogram, and the tracks are split into two teams by 2-means
//! clustering of the histograms.
//!
//! - Where: the torso, rows 20-50% of the box's height, columns 25-75% of its width (below the
//!   head, the top ~15% of a standing person's box, above the legs, and inside the arms and
//!   the floor at the box's sides); and the skirt, rows 50-60%, the dress below the bib. Each
//!   region has its own bins: where both teams' torsos show the same two colours (white
//!   dresses with black bibs against black dresses with white bibs, the letters in the dress's
//!   colour), only the skirt tells them apart.
//! - Colour space: CIE L\*a\*b\* (D65), where straight-line distance roughly follows perceived
//!   difference: navy and black, or red and orange, are farther apart than in sRGB.
//! - Why histograms and not one colour per box: the torso of a netball player is mostly her
//!   bib, and both teams often wear white (or black) bibs over different dresses. A box's
//!   median colour is then the bib's, the same for both teams. A histogram keeps every colour
//!   seen, and colours both teams share (bibs, skin, the floor) weigh the same in every track,
//!   so the clustering splits on the colours that differ: the dresses.
//! - Summaries: a box gives a grid of at most 12 x 12 pixels in the region (the cost does not
//!   grow with resolution); a track's histogram counts the pixels of at most
//!   `samples_per_track` of its boxes, spread over its life (so a track that moved from one
//!   player to another takes the team of the one it followed longest).
//!   Bins are 20 units of L\*, a\* and b\* wide: a kit's shades under the hall's light stay in
//!   one or two bins, while kits that look different fall in different ones.
//! - Clustering: 2-means on the square roots of the tracks' normalised histograms (Euclidean
//!   distance there is the Hellinger distance between histograms), weighted by sample counts,
//!   started from the two farthest-apart tracks, so reruns agree. Each bin is weighed by how
//!   evenly the tracks split on showing it: a colour all tracks show (one team's dress is the
//!   other's bib: white dresses with black bibs against navy dresses with white bibs) or none
//!   does tells nothing, and how much of it a track shows depends on which way she faces. Written here rather than
//!   taken from a crate: it is a few lines for k = 2 on tens of points, and the clustering
//!   crates (linfa) bring ndarray and random initialisation, which this deterministic,
//!   wasm-compiled core avoids.
//! - Kits: each team's kit colour is the mean of its pixels in the bins where it has more than
//!   the other team: its own colours, without the shared ones.
//! - Labels: team A is the kit with the higher lightness, so the labels do not depend on which
//!   track was seen first.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::sample::grid_pixels;
use crate::{BoundingBox, Frame};

/// The torso region, as fractions of the box: rows from the top, columns from the left.
const TORSO_ROWS: (f32, f32) = (0.20, 0.50);
const TORSO_COLUMNS: (f32, f32) = (0.25, 0.75);
/// The skirt region: the dress below the bib, above the legs.
const SKIRT_ROWS: (f32, f32) = (0.50, 0.60);
/// Pixels sampled along each side of the torso and skirt regions, at most.
const GRID: u32 = 12;
/// Lloyd iterations at most; two clusters of tens of points settle in a handful.
const MAX_ITERATIONS: usize = 20;
/// Histogram bins: L\* from 0 to 100 in 5, a\* and b\* from -80 to 80 in 8 each (beyond goes
/// to the end bins).
const L_BINS: usize = 5;
const AB_BINS: usize = 8;
const REGION_BINS: usize = L_BINS * AB_BINS * AB_BINS;
/// The torso's bins, then the skirt's.
const BINS: usize = 2 * REGION_BINS;
const BIN_WIDTH: f32 = 20.0;
/// How many times the other team's share of a bin a team must have for the bin's colours to
/// be its own: shared colours (bibs, skin, floor) differ between the teams by chance only.
const OWN: f32 = 2.0;
/// The share of a track's pixels a bin must hold for the track to show that colour.
const PRESENT: f32 = 0.05;
/// Least difference between a box's squared distances to the two kits' centres for it to show
/// one of them (the points are unit length, so squared distances run from 0 to 4).
const KIT_MARGIN: f32 = 0.2;

/// A colour in CIE L\*a\*b\*.
type Lab = [f32; 3];

/// A track's colours: per bin, the share of its pixels (square-rooted for clustering).
type Histogram = [f32; BINS];

/// The histogram bin of a colour.
fn lab_bin([l, a, b]: Lab) -> usize {
    let index = |v: f32, lo: f32, n: usize| (((v - lo) / BIN_WIDTH).max(0.0) as usize).min(n - 1);
    (index(l, 0.0, L_BINS) * AB_BINS + index(a, -80.0, AB_BINS)) * AB_BINS
        + index(b, -80.0, AB_BINS)
}

/// The team classifier's settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamSettings {
    /// Boxes' colours kept per track, spread over its life (default 30: enough for the
    /// colours of a passing player to be outvoted; bounds the memory per track).
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
    /// Per track, the binned torso and skirt pixels of boxes spread over its life.
    tracks: BTreeMap<u32, Samples>,
    /// The kits as the last assignment split them, to tell single boxes' kits by.
    split: Option<KitModel>,
}

/// The two kits as a split into teams found them: how much each colour bin tells them apart,
/// and each team's centre (team A's first) in the weighted space the split was made in.
#[derive(Clone, Debug)]
struct KitModel {
    weights: Histogram,
    centres: [Histogram; 2],
}

impl KitModel {
    /// The kit one box's torso shows, or `None` when it is about as near one team's centre as
    /// the other's (by less than [`KIT_MARGIN`]): a box half hidden behind a player of the
    /// other team shows both kits.
    fn kit(&self, colours: &BoxColours) -> Option<TeamLabel> {
        let shares = Tally::of(std::iter::once(colours)).shares().map(f32::sqrt);
        let point = weighted(&shares, &self.weights);
        let [a, b] = self.centres.each_ref().map(|c| distance2(&point, c));
        if (a - b).abs() < KIT_MARGIN {
            None
        } else if a < b {
            Some(TeamLabel::A)
        } else {
            Some(TeamLabel::B)
        }
    }
}

/// A region's pixels (here a box's torso), binned: per bin they fall in, how many and the sum
/// of their colours. A torso shows a handful of bins, so this is a fraction of the size of its
/// pixels, and it is all the clustering and the kits' colours need.
pub(super) type BoxColours = Vec<(usize, f32, Lab)>;

/// Boxes' binned pixels added up: per bin, how many pixels and the sum of their colours.
struct Tally {
    counts: [f32; BINS],
    sums: [Lab; BINS],
}

impl Tally {
    fn of<'a>(boxes: impl Iterator<Item = &'a BoxColours>) -> Self {
        let mut tally = Tally {
            counts: [0.0; BINS],
            sums: [[0.0; 3]; BINS],
        };
        for &(bin, n, sum) in boxes.flatten() {
            tally.counts[bin] += n;
            for (s, v) in tally.sums[bin].iter_mut().zip(sum) {
                *s += v;
            }
        }
        tally
    }

    /// The share of the pixels in each bin (all zero for no pixels).
    fn shares(&self) -> Histogram {
        let total: f32 = self.counts.iter().sum();
        if total > 0.0 {
            self.counts.map(|n| n / total)
        } else {
            [0.0; BINS]
        }
    }

    /// The mean colour of the pixels in the bins `keep` keeps, or `None` for no pixels.
    fn mean(&self, keep: impl Fn(usize) -> bool) -> Option<Lab> {
        let (mut sum, mut n) = ([0.0f32; 3], 0.0f32);
        for bin in (0..BINS).filter(|&b| keep(b)) {
            n += self.counts[bin];
            for (s, v) in sum.iter_mut().zip(self.sums[bin]) {
                *s += v;
            }
        }
        (n > 0.0).then(|| sum.map(|s| s / n))
    }
}

/// A track's boxes' torso and skirt pixels, at most `samples_per_track` of them spread evenly
/// over its life so far: every box until the store is full, then every other one of those kept
/// and of those to come, and so on. A track that moved from one player to another (tracks do, in
/// crowds) is then labelled by the player it followed longest, as its frames are; its last
/// second alone would label all its frames by whoever it ended on.
#[derive(Clone, Debug, Default)]
struct Samples {
    boxes: Vec<BoxColours>,
    /// One box kept of this many.
    stride: u32,
    /// Boxes passed over since the last one kept.
    skipped: u32,
}

impl Samples {
    fn push(&mut self, colours: BoxColours, capacity: usize) {
        if self.skipped + 1 < self.stride.max(1) {
            self.skipped += 1;
            return;
        }
        self.skipped = 0;
        self.boxes.push(colours);
        if self.boxes.len() > capacity.max(1) {
            let mut k = 0;
            self.boxes.retain(|_| {
                k += 1;
                k % 2 == 1
            });
            self.stride = self.stride.max(1) * 2;
        }
    }
}

impl TeamClassifier {
    pub fn new(settings: TeamSettings) -> Self {
        Self {
            settings,
            tracks: BTreeMap::new(),
            split: None,
        }
    }

    /// Samples the kit colour of track `track_id` from its box in `frame`, and returns the kit
    /// this box shows by the last [`TeamClassifier::assign`] (`None` before any, or when it is
    /// not clear). Boxes that are too small, not finite or outside the frame are skipped.
    pub fn observe(
        &mut self,
        track_id: u32,
        frame: &Frame,
        bbox: &BoundingBox,
    ) -> Option<TeamLabel> {
        let colours = kit_colours(frame, bbox, self.settings.min_box_height)?;
        let kit = self.split.as_ref().and_then(|k| k.kit(&colours));
        self.tracks
            .entry(track_id)
            .or_default()
            .push(colours, self.settings.samples_per_track);
        kit
    }

    /// Forgets a track (one that ended), so that memory follows the tracks alive.
    pub fn forget(&mut self, track_id: u32) {
        self.tracks.remove(&track_id);
    }

    /// Clusters the tracks with enough samples into two teams, and keeps the split to tell
    /// single boxes' kits by from then on. Costs a pass over the binned boxes kept per track
    /// and a few passes over the tracks, whatever the number of frames seen.
    pub fn assign(&mut self) -> TeamAssignment {
        let tracks: Vec<(u32, Histogram, f32)> = self
            .tracks
            .iter()
            .filter(|(_, samples)| samples.boxes.len() >= self.settings.min_samples.max(1))
            .map(|(&id, samples)| {
                let shares = Tally::of(samples.boxes.iter()).shares();
                (id, shares.map(f32::sqrt), samples.boxes.len() as f32)
            })
            .collect();
        let weights = bin_weights(tracks.iter().map(|(_, h, _)| h));
        let points: Vec<(Histogram, f32)> = tracks
            .iter()
            .map(|&(_, h, w)| (weighted(&h, &weights), w))
            .collect();
        let Some((centres, clusters)) = two_means(&points) else {
            return TeamAssignment {
                kits: [[0; 3]; 2],
                teams: BTreeMap::new(),
            };
        };
        let kits = self.kits(&tracks, &clusters);
        // Team A is the lighter kit (then the higher a*, b*), whatever the clusters' order.
        let a = usize::from(lighter(&kits[1], &kits[0]));
        self.split = Some(KitModel {
            weights,
            centres: [centres[a], centres[1 - a]],
        });
        let label = |cluster: usize| {
            if cluster == a {
                TeamLabel::A
            } else {
                TeamLabel::B
            }
        };
        TeamAssignment {
            kits: [srgb_from_lab(kits[a]), srgb_from_lab(kits[1 - a])],
            teams: tracks
                .iter()
                .zip(clusters)
                .map(|(&(id, _, _), cluster)| (id, label(cluster)))
                .collect(),
        }
    }

    /// Each cluster's kit colour: the mean of its tracks' skirt pixels in the bins where its
    /// share is [`OWN`] times the other cluster's or more; the skirt shows the dress alone,
    /// where the torso's own colours may be a bib's. Failing those, its own colours anywhere,
    /// then all its pixels.
    fn kits(&self, tracks: &[(u32, Histogram, f32)], clusters: &[usize]) -> [Lab; 2] {
        let tally = |k: usize| {
            Tally::of(
                tracks
                    .iter()
                    .zip(clusters)
                    .filter(|&(_, &c)| c == k)
                    .flat_map(|((id, _, _), _)| self.tracks[id].boxes.iter()),
            )
        };
        let tallies = [tally(0), tally(1)];
        let shares = [tallies[0].shares(), tallies[1].shares()];
        [0, 1].map(|k| {
            let own = |b: usize| shares[k][b] > OWN * shares[1 - k][b];
            tallies[k]
                .mean(|b| b >= REGION_BINS && own(b))
                .or_else(|| tallies[k].mean(own))
                .or_else(|| tallies[k].mean(|_| true))
                .unwrap_or_default()
        })
    }

    /// Box colours held for a track (a test's check that memory per track is bounded).
    #[cfg(test)]
    fn held(&self, track_id: u32) -> usize {
        self.tracks.get(&track_id).map_or(0, |s| s.boxes.len())
    }
}

/// The torso's and the skirt's sample grids, binned (the skirt's after the torso's bins), or
/// `None` when the box is too small, not finite or outside the frame.
fn kit_colours(frame: &Frame, b: &BoundingBox, min_height: f32) -> Option<BoxColours> {
    if b.height() < min_height.max(1.0) {
        return None;
    }
    let mut torso: BoxColours = Vec::new();
    bin_region(&mut torso, frame, b, TORSO_ROWS, TORSO_COLUMNS, GRID)?;
    let mut skirt: BoxColours = Vec::new();
    bin_region(&mut skirt, frame, b, SKIRT_ROWS, TORSO_COLUMNS, GRID)?;
    torso.extend(
        skirt
            .into_iter()
            .map(|(bin, n, sum)| (bin + REGION_BINS, n, sum)),
    );
    Some(torso)
}

/// Adds the sample grid over `rows` × `columns` of box `b` (see [`grid_pixels`]) to `binned`,
/// or returns `None` when the box is not finite or the region falls outside the frame.
pub(super) fn bin_region(
    binned: &mut BoxColours,
    frame: &Frame,
    b: &BoundingBox,
    rows: (f32, f32),
    columns: (f32, f32),
    grid: u32,
) -> Option<()> {
    for colour in grid_pixels(frame, b, rows, columns, grid)?.map(lab_from_srgb) {
        let b = lab_bin(colour);
        let at = match binned.iter().position(|&(k, _, _)| k == b) {
            Some(at) => at,
            None => {
                binned.push((b, 0.0, [0.0; 3]));
                binned.len() - 1
            }
        };
        let (_, n, sum) = &mut binned[at];
        *n += 1.0;
        for (s, v) in sum.iter_mut().zip(colour) {
            *s += v;
        }
    }
    Some(())
}

/// How much each bin tells the teams apart, from how many tracks show it (a share of
/// [`PRESENT`] or more): `4 p (1 - p)` of the share `p` of tracks, so a colour every track shows
/// (bibs of one colour for both teams, skin, the floor) or almost none does (noise) weighs
/// nothing, and one that half the tracks show (a team's dress) weighs most.
fn bin_weights<'a>(tracks: impl Iterator<Item = &'a Histogram>) -> Histogram {
    let mut shown = [0.0f32; BINS];
    let mut n = 0.0f32;
    for h in tracks {
        n += 1.0;
        for (s, v) in shown.iter_mut().zip(h) {
            // The histograms are square-rooted shares.
            if v * v >= PRESENT {
                *s += 1.0;
            }
        }
    }
    shown.map(|s| {
        let p = s / n.max(1.0);
        4.0 * p * (1.0 - p)
    })
}

/// A track's square-rooted histogram with each bin weighed, scaled to unit length so that
/// tracks seen mostly in shared colours (a side view hides the bib) still point the way of
/// their own; unweighted when nothing of it is weighed.
fn weighted(h: &Histogram, weights: &Histogram) -> Histogram {
    let mut w: Histogram = std::array::from_fn(|i| h[i] * weights[i]);
    let norm = w.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm <= 1e-6 {
        return *h;
    }
    w.iter_mut().for_each(|v| *v /= norm);
    w
}

pub(super) fn distance2<const N: usize>(a: &[f32; N], b: &[f32; N]) -> f32 {
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
fn two_means<const N: usize>(points: &[([f32; N], f32)]) -> Option<([[f32; N]; 2], Vec<usize>)> {
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
fn farthest_pair<const N: usize>(points: &[([f32; N], f32)]) -> Option<[[f32; N]; 2]> {
    let mut best: Option<([[f32; N]; 2], f32)> = None;
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

/// The weighted mean point, or `None` when the weights sum to nothing.
fn weighted_mean<'a, const N: usize>(
    points: impl Iterator<Item = &'a ([f32; N], f32)>,
) -> Option<[f32; N]> {
    let mut sum = [0.0f32; N];
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
